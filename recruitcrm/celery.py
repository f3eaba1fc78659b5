"""The Celery app. Beat's schedule lives in settings.CELERY_BEAT_SCHEDULE, nowhere else."""

from __future__ import annotations

import logging
import os
import time

from celery import Celery, signals
from celery.beat import PersistentScheduler
from django.conf import settings

from recruitcrm.startup import read_settings_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recruitcrm.settings")

app = Celery("recruitcrm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


@app.on_configure.connect
def _read_settings(sender, **kwargs):
    # Celery reads Django's settings lazily, the first time the app needs its configuration: read
    # them here first, so a bad variable ends `celery worker` or `celery beat` with one line.
    read_settings_or_exit()


@signals.worker_ready.connect
def _record_ready_worker(sender, **kwargs):
    """The worker is alive from the moment it takes tasks, not from the first heartbeat task
    beat sends a minute later (that one goes on proving the worker keeps taking them)."""
    from django.db import connections

    from recruitcrm.services import heartbeat_record

    try:
        heartbeat_record(process="worker")
    except Exception:
        # The worker must start even when the database is briefly away; the periodic heartbeat
        # catches up, and until then the status page shows the worker as not yet seen.
        logger.exception("the worker could not record its heartbeat at start")
    finally:
        # This runs in the worker's main process: a pool process forked later must not share
        # its database connection.
        connections.close_all()


class HeartbeatScheduler(PersistentScheduler):
    """Beat's own scheduler, which also records that beat is alive.

    A heartbeat task can only prove the worker runs; a dead beat would look the same as a dead
    worker. Recording from inside beat's tick loop tells the two apart.
    """

    record_every = 30.0

    def __init__(self, *args, **kwargs):
        self._last_recorded = 0.0
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        now = time.monotonic()
        if now - self._last_recorded >= self.record_every:
            self._last_recorded = now
            self._record_heartbeat()
        return super().tick(*args, **kwargs)

    def _record_heartbeat(self):
        from django.db import close_old_connections

        from recruitcrm.services import heartbeat_record

        # Beat has no request cycle to retire a connection the database dropped (a restart, a
        # failover); without this every later heartbeat would fail on the dead connection.
        close_old_connections()
        try:
            heartbeat_record(process="beat")
        except Exception:
            # An exception escaping tick() ends beat, and with it every schedule. A missed
            # heartbeat only shows beat as stale on the status page, which is the truth.
            logger.exception("beat could not record its heartbeat")


# The units a schedule is said in, largest first.
_UNITS = (("hour", 3600), ("minute", 60), ("second", 1))


def beat_every(entry: str) -> str:
    """How often beat runs the CELERY_BEAT_SCHEDULE entry `entry`, as a page says it ("every 15
    minutes"): what a page promises follows the schedule when someone changes it."""
    seconds = int(settings.CELERY_BEAT_SCHEDULE[entry]["schedule"].total_seconds())
    unit, size = next((unit, size) for unit, size in _UNITS if seconds % size == 0)
    count = seconds // size
    return f"every {unit}" if count == 1 else f"every {count} {unit}s"
