"""When the agency's record of filled roles last changed, for the figures kept from it.

Calibration (each filled role's first forecast against its time to fill) and the intake's
forecast suggestion (what similar filled roles took) both read the filled requisitions: the
first aggregates every fill the agency ever made, the second runs on every intake page. Both
keep what they counted in the cache and count again when this mark is newer than their count.

The services that change what they read call `fill_history_changed`: a role filled or no longer
filled, a filled role's details (dates, title, company, location, role family, seniority)
changed, a forecast recorded on a filled role. Changes made around the services (the Django
admin, an import, the data set generator) are caught by each keeper's own time limit.
"""

from __future__ import annotations

import datetime
import logging

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# Kept far longer than any count that reads it: losing it would let a count outlive a change.
KEPT_SECONDS = 90 * 24 * 3600


def changed_key() -> str:
    # The database's name too: the local file cache is shared by every checkout on a machine.
    return f"fill-history:v1:{connection.settings_dict['NAME']}:changed"


def fill_history_changed() -> None:
    """Say, once the caller's transaction commits, that the filled roles changed: counts taken
    before now are stale, and calibration's agency view is counted again by the worker."""

    def mark() -> None:
        cache.set(changed_key(), timezone.now(), KEPT_SECONDS)
        from hiring_leaders.tasks import refresh_calibration

        try:
            refresh_calibration.delay()
        except Exception:
            # The broker is down: the change is marked, so the next visit counts it itself.
            logger.exception("could not queue calibration's refresh")

    transaction.on_commit(mark)


def is_current(counted_at: datetime.datetime, changed_at: datetime.datetime | None) -> bool:
    """Whether a count taken at counted_at (when it started reading) saw the last change."""
    return changed_at is None or counted_at >= changed_at
