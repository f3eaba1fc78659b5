"""Analytics figures computed ahead of the visit, so the pages stay fast on a large agency.

Measured on the bench generator's 100,000-candidate data set (151,000 applications, 422,000
stage changes), the agency-wide figures of 90 days take 0.8 to 4.7 seconds each in PostgreSQL
(percentiles over every stay, the history behind every interview): ten times that at a million
candidates. One recruiter's or one requisition's take tens of milliseconds. So every page's
figures are kept in the cache for SNAPSHOT_MINUTES: beat recomputes the views people open
without choosing anything (the agency as an admin first sees it, and the own figures of each
recruiter who signed in lately) every REFRESH_MINUTES (candidates.tasks.refresh_analytics); any
other filter is computed on its first visit and kept the same way. The page says when its
figures were counted.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from candidates import analytics, experience_analytics
from recruitcrm.analytics import AnalyticsFilterForm, Filters
from recruitcrm.models import User

REFRESH_MINUTES = 10
# Longer than the refresh, so a beat that runs late never leaves a default view to count live.
SNAPSHOT_MINUTES = 3 * REFRESH_MINUTES
# Bumped whenever what a snapshot holds changes shape, so old entries are never read.
VERSION = 1
RECENT_SIGN_IN_DAYS = 14


@dataclass(frozen=True)
class Snapshot:
    figures: Any
    counted_at: datetime.datetime


def _key(kind: str, filters: Filters, **more) -> str:
    extra = ":".join(f"{name}={value}" for name, value in sorted(more.items()))
    # The database's name too: the local file cache is shared by every checkout's processes on
    # this machine, whichever database each one reads (a demo, a bench data set).
    database = connection.settings_dict["NAME"]
    return (
        f"analytics:v{VERSION}:{database}:{kind}:{filters.start}:{filters.end}:"
        f"{filters.recruiter_id}:{filters.company_id}:{extra}"
    )


def _counted(key: str, count: Callable[[datetime.datetime], Any], *, fresh: bool) -> Snapshot:
    snapshot = None if fresh else cache.get(key)
    if snapshot is None:
        now = timezone.now()
        # No savepoint: inside a request's transaction the setting lasts to its end, which
        # only ever holds these reads.
        with transaction.atomic(savepoint=False):
            # Just-in-time compilation costs these long, one-off reads more than it saves
            # (2 of the funnel's 3.4 seconds on the 100,000-candidate data set).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
            snapshot = Snapshot(count(now), now)
        cache.set(key, snapshot, SNAPSHOT_MINUTES * 60)
    return snapshot


def pipeline(scope: analytics.Scope, *, fresh: bool = False) -> Snapshot:
    """The pipeline figures of this scope: the cached ones, or counted now (six queries)."""
    key = _key("pipeline", scope.filters, requisition=scope.requisition_id)
    return _counted(key, lambda now: analytics.pipeline_analytics(scope, now=now), fresh=fresh)


def experience(filters: Filters, *, page: int = 1, fresh: bool = False) -> Snapshot:
    """The candidate-experience figures: the cached ones, or counted now (five queries)."""
    key = _key("experience", filters, page=page)
    return _counted(
        key,
        lambda now: experience_analytics.experience_analytics(filters, now=now, page=page),
        fresh=fresh,
    )


def refresh_defaults(*, today: datetime.date | None = None) -> int:
    """Count again what the analytics pages show before anyone chooses a filter: the agency's
    (as an admin first sees it) and the own figures of each recruiter who signed in lately (a
    few hundred recruiters at a second each would keep a worker busy for minutes, mostly for
    nobody). Returns how many views."""
    lately = timezone.now() - datetime.timedelta(days=RECENT_SIGN_IN_DAYS)
    recruiters = User.objects.filter(
        role=User.Role.RECRUITER, is_active=True, last_login__gte=lately
    ).order_by("pk")
    views = [None, *recruiters]
    for recruiter in views:
        filters = default_filters(recruiter=recruiter, today=today)
        pipeline(analytics.Scope(filters=filters), fresh=True)
        experience(filters, fresh=True)
    return len(views)


def default_filters(*, recruiter: User | None, today: datetime.date | None = None) -> Filters:
    """The filters of an unfiltered visit: the last 90 days, a recruiter's own figures."""
    start = AnalyticsFilterForm(user=User(role=User.Role.ADMIN), today=today).default_start
    return Filters(
        start=start,
        end=today or timezone.localdate(),
        recruiter_id=recruiter.pk if recruiter else None,
    )
