"""Analytics figures computed ahead of the visit, so the pages stay fast on a large agency.

Measured on the bench generator's 100,000-candidate data set (151,000 applications, 422,000
stage changes), the agency-wide figures of 90 days take 0.8 to 4.7 seconds each in PostgreSQL
(percentiles over every stay, the history behind every interview): ten times that at a million
candidates. One recruiter's or one requisition's take tens of milliseconds. So every page's
figures are kept in the cache for SNAPSHOT_MINUTES: beat recomputes the views people open
without choosing anything (the agency as an admin first sees it, and the own figures of each
recruiter who signed in lately) every REFRESH_MINUTES (candidates.tasks.refresh_analytics); any
other filter is counted on its first visit and kept the same way. The page says when its
figures were counted.

A view over many requisitions (the whole agency, or one company: no recruiter and no
requisition chosen) is never counted inside a request: at a million candidates that is over a
minute. Its first visit queues candidates.tasks.count_analytics and answers at once with a note
that polls for the figures (`read_pipeline`, `read_experience`); a snapshot older than
SNAPSHOT_MINUTES is still shown, with its time, while the new count runs. One recruiter's or one
requisition's figures take milliseconds and are counted inline as before.

Each process keeps the snapshots it read, unpickled, for as long as the cache says they are the
latest (`kept`, `store`): beside each snapshot the cache holds the moment it was counted, a few
bytes, which a visit reads instead of reading and unpickling the figures (the post-hire page's
28 KB: 0.76 ms against a few hundredths). The figures are only read by the pages, never changed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
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
# A snapshot older than SNAPSHOT_MINUTES is counted again, but shown (with its time) until then.
KEEP_MINUTES = 7 * 24 * 60
# How long a queued count holds its view's "counting" marker: longer than the slowest count at a
# million candidates, short enough that a worker that died mid-count is retried soon after.
COUNTING_MINUTES = 10
# Bumped whenever what a snapshot holds changes shape, so old entries are never read.
VERSION = 2
RECENT_SIGN_IN_DAYS = 14


@dataclass(frozen=True)
class Snapshot:
    figures: Any
    counted_at: datetime.datetime

    @property
    def is_fresh(self) -> bool:
        return timezone.now() - self.counted_at < datetime.timedelta(minutes=SNAPSHOT_MINUTES)


@dataclass(frozen=True)
class Reading:
    """What a page shows of a view: its snapshot if there is one (perhaps stale), and whether
    a count of it is running now (the page then polls for the new figures)."""

    snapshot: Snapshot | None
    counting: bool = False


# The snapshots this process has unpickled, by key: a few views at a time are in use (the
# agency's, a few recruiters', a few ranges), so the oldest read is let go past this many.
KEPT_IN_PROCESS = 64
_unpickled: dict[str, Snapshot] = {}


def kept(key: str) -> Snapshot | None:
    """The key's latest snapshot (one small cache read, the figures only when this process has
    not kept them); None when there is none."""
    return latest(key, cache.get(counted_key(key)))


def latest(key: str, counted_at: datetime.datetime | None) -> Snapshot | None:
    """The key's snapshot counted at `counted_at` (the cache's moment, read by the caller): this
    process's own copy while it is that one, else read from the cache and kept."""
    if counted_at is None:
        return None
    snapshot = _unpickled.get(key)
    if snapshot is None or snapshot.counted_at != counted_at:
        snapshot = cache.get(key)
        if snapshot is not None:
            _keep(key, snapshot)
    return snapshot


def store(key: str, snapshot: Snapshot) -> None:
    """Keep a new count: the snapshot before its moment, so a visit that reads the new moment
    finds the snapshot of that moment or a newer one."""
    cache.set(key, snapshot, KEEP_MINUTES * 60)
    cache.set(counted_key(key), snapshot.counted_at, KEEP_MINUTES * 60)
    _keep(key, snapshot)


def counted_key(key: str) -> str:
    return f"{key}:counted-at"


def _keep(key: str, snapshot: Snapshot) -> None:
    _unpickled.pop(key, None)
    _unpickled[key] = snapshot
    if len(_unpickled) > KEPT_IN_PROCESS:
        del _unpickled[next(iter(_unpickled))]


def is_slow(filters: Filters, *, requisition_id: int | None = None) -> bool:
    """Counted by a worker, never in a request: the agency's or a company's figures (seconds
    at 100,000 candidates, over a minute at a million). One recruiter's or one requisition's
    read only their own rows' indexes and stay inline."""
    return requisition_id is None and filters.recruiter_id is None


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
    snapshot = None if fresh else kept(key)
    if snapshot is None or not snapshot.is_fresh:
        now = timezone.now()
        # No savepoint: inside a request's transaction the setting lasts to its end, which
        # only ever holds these reads.
        with transaction.atomic(savepoint=False):
            # Just-in-time compilation costs these long, one-off reads more than it saves
            # (2 of the funnel's 3.4 seconds on the 100,000-candidate data set).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
            snapshot = Snapshot(count(now), now)
        store(key, snapshot)
    return snapshot


def _marker(key: str) -> str:
    return f"{key}:counting"


def _read(key: str, queue: Callable[[], None]) -> Reading:
    """A slow view's snapshot from the cache, never counted here: on a miss or a stale one,
    queue one count (the marker's cache.add lets only the first visitor queue it)."""
    snapshot = kept(key)
    if snapshot is not None and snapshot.is_fresh:
        return Reading(snapshot)
    if cache.add(_marker(key), True, COUNTING_MINUTES * 60):
        queue()
        # A worker run eagerly (tests, a demo without a worker) has counted it already.
        snapshot = kept(key) or snapshot
        if snapshot is not None and snapshot.is_fresh:
            return Reading(snapshot)
    return Reading(snapshot, counting=True)


def read_pipeline(scope: analytics.Scope) -> Reading:
    """The pipeline figures as a page shows them: counted inline for one recruiter or one
    requisition, from the cache (or queued) for the agency and a company."""
    if not is_slow(scope.filters, requisition_id=scope.requisition_id):
        return Reading(pipeline(scope))
    key = _key("pipeline", scope.filters, requisition=scope.requisition_id)
    return _read(key, lambda: _queue("pipeline", scope.filters))


def read_experience(filters: Filters, *, page: int = 1) -> Reading:
    """The candidate-experience figures as a page shows them (as read_pipeline)."""
    if not is_slow(filters):
        return Reading(experience(filters, page=page))
    key = _key("experience", filters, page=page)
    return _read(key, lambda: _queue("experience", filters, page=page))


def _queue(kind: str, filters: Filters, *, page: int = 1) -> None:
    from candidates.tasks import count_analytics

    count_analytics.delay(
        kind,
        start=filters.start.isoformat(),
        end=filters.end.isoformat(),
        recruiter_id=filters.recruiter_id,
        company_id=filters.company_id,
        page=page,
    )


def count_view(
    kind: str,
    *,
    start: datetime.date,
    end: datetime.date,
    recruiter_id: int | None,
    company_id: int | None,
    page: int = 1,
) -> Snapshot:
    """Count one queued view now and keep it (the worker's side of read_pipeline and
    read_experience), then let the next stale visit queue again."""
    filters = Filters(start=start, end=end, recruiter_id=recruiter_id, company_id=company_id)
    if kind == "pipeline":
        key = _key("pipeline", filters, requisition=None)
        count = lambda: pipeline(analytics.Scope(filters=filters), fresh=True)  # noqa: E731
    else:
        key = _key("experience", filters, page=page)
        count = lambda: experience(filters, page=page, fresh=True)  # noqa: E731
    try:
        return count()
    finally:
        cache.delete(_marker(key))


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


def post_hire(filters: Filters, *, page: int = 1, fresh: bool = False) -> Snapshot:
    """The post-hire figures: the cached ones, or counted now, in the request even for the
    agency (three queries over the check-in answers in the range, a few thousand rows: tens of
    milliseconds at a million candidates)."""
    from followups import post_hire as figures

    return _counted(
        _post_hire_key(filters, page=page),
        lambda now: figures.post_hire_figures(filters, page=page),
        fresh=fresh,
    )


def _post_hire_key(filters: Filters, *, page: int) -> str:
    # Its own version, bumped when followups.post_hire.PostHireFigures changes shape, so a
    # change there does not make every other page's agency figures count again.
    return _key("post-hire", filters, page=page, shape=2)


def refresh_defaults(*, today: datetime.date | None = None) -> int:
    """Count again what the analytics pages show before anyone chooses a filter: the agency's
    (as an admin first sees it) and the own figures of each recruiter who signed in lately (a
    few hundred recruiters at a second each would keep a worker busy for minutes, mostly for
    nobody). Returns how many views, 0 when another refresh is still running: at a million
    candidates one run can outlast beat's interval, and runs piling up behind each other would
    keep every worker counting the same figures."""
    running = _refresh_marker()
    if not cache.add(running, True, REFRESH_MINUTES * 60):
        return 0
    try:
        lately = timezone.now() - datetime.timedelta(days=RECENT_SIGN_IN_DAYS)
        recruiters = User.objects.filter(
            role=User.Role.RECRUITER, is_active=True, last_login__gte=lately
        ).order_by("pk")
        views = [None, *recruiters]
        for recruiter in views:
            filters = default_filters(recruiter=recruiter, today=today)
            _refresh_view(
                _key("pipeline", filters, requisition=None),
                partial(pipeline, analytics.Scope(filters=filters), fresh=True),
            )
            _refresh_view(
                _key("experience", filters, page=1), partial(experience, filters, fresh=True)
            )
            _refresh_view(_post_hire_key(filters, page=1), partial(post_hire, filters, fresh=True))
        return len(views)
    finally:
        cache.delete(running)


def _refresh_marker() -> str:
    return f"analytics:v{VERSION}:{connection.settings_dict['NAME']}:refreshing"


def _refresh_view(key: str, count: Callable[[], Any]) -> None:
    """Count one default view, holding its "counting" marker meanwhile so a visit in that time
    waits for this count instead of queueing a second one; skipped if a visit's count holds it."""
    if not cache.add(_marker(key), "refresh", COUNTING_MINUTES * 60):
        return
    try:
        count()
    finally:
        cache.delete(_marker(key))


def default_filters(*, recruiter: User | None, today: datetime.date | None = None) -> Filters:
    """The filters of an unfiltered visit: the last 90 days, a recruiter's own figures."""
    start = AnalyticsFilterForm(user=User(role=User.Role.ADMIN), today=today).default_start
    return Filters(
        start=start,
        end=today or timezone.localdate(),
        recruiter_id=recruiter.pk if recruiter else None,
    )
