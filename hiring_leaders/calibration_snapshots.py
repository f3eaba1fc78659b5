"""Calibration's figures counted ahead and kept, so a visit does not aggregate every fill.

The analytics pages' pattern (candidates.analytics_snapshots): each view's figures (everyone or
one recruiter, over a range of fill dates) are kept in the cache as a Snapshot holding the
moment they were counted, which the page shows. Beat counts the agency's default view (everyone,
every date: what an admin first sees) every REFRESH_MINUTES, and the worker counts it again after
each change to the filled roles (hiring_leaders.fill_history). A visit counts a view itself
only when it has no snapshot yet, or its snapshot predates the last change to the fills or is
older than SNAPSHOT_MINUTES: one recruiter's figures are a few dozen index reads, the agency's
about 25 ms of SQL at the bench's 4,000 fills, both short enough to count inline.

Each process keeps the snapshots it read, unpickled, as the analytics pages do
(analytics_snapshots.latest): a visit reads the moment its view was counted with the fills' last
change, in one cache read, instead of reading and unpickling the agency's 35 KB of figures
(0.6 ms against 0.02). What a count reads with the figures (the recruiters the page
offers to choose from, Calibration.forecasters) is as new as the snapshot: a recruiter added or
renamed shows when the view is next counted, within SNAPSHOT_MINUTES, and within
REFRESH_MINUTES on the agency's view.
"""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from candidates.analytics_snapshots import (
    COUNTING_MINUTES,
    Snapshot,
    counted_key,
    latest,
    store,
)
from hiring_leaders import fill_history
from hiring_leaders.calibration import Calibration, calibration
from recruitcrm.models import User

# Bumped whenever what a snapshot holds (hiring_leaders.calibration.Calibration) changes shape.
VERSION = 2


def _key(recruiter_id: int | None, since: datetime.date | None, until: datetime.date | None):
    # The database's name too: the local file cache is shared by every checkout on a machine.
    database = connection.settings_dict["NAME"]
    return f"calibration:v{VERSION}:{database}:{recruiter_id}:{since}:{until}"


def calibration_read(
    *,
    recruiter: User | None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> Snapshot:
    """The view's figures as the page shows them: kept ones while they are current (one cache
    read for when they were counted and the fills' last change together, and the figures
    themselves only when this process has not kept them), else counted now and kept."""
    key = _key(recruiter.pk if recruiter else None, since, until)
    changed = fill_history.changed_key()
    found = cache.get_many([counted_key(key), changed])
    snapshot = latest(key, found.get(counted_key(key)))
    if (
        snapshot is not None
        and snapshot.is_fresh
        and fill_history.is_current(snapshot.counted_at, found.get(changed))
    ):
        return snapshot
    return _count(key, recruiter=recruiter, since=since, until=until)


def _count(key: str, **view) -> Snapshot:
    # The moment the count starts: a change committed while it reads is newer, so it is
    # counted again, never taken as seen.
    now = timezone.now()
    snapshot = Snapshot(figures=calibration(**view), counted_at=now)
    store(key, snapshot)
    return snapshot


def calibration_refresh() -> Calibration | None:
    """Count the agency's default view again (beat, and the worker after a change to the
    fills). None when another refresh is counting it: what it counts is as new as this one
    would be, or older than a change whose own refresh comes after it."""
    key = _key(None, None, None)
    marker = f"{key}:counting"
    if not cache.add(marker, True, COUNTING_MINUTES * 60):
        return None
    try:
        snapshot = _count(key, recruiter=None)
        if not fill_history.is_current(snapshot.counted_at, cache.get(fill_history.changed_key())):
            # A fill changed while this counted (its own refresh found the marker held).
            snapshot = _count(key, recruiter=None)
        return snapshot.figures
    finally:
        cache.delete(marker)
