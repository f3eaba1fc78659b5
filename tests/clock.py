""" "Now" for the test run, so no test depends on the day CI happens to run.

The whole run is pinned to one moment (the clock then ticks normally from there), chosen by
RECRUITCRM_TEST_NOW or, by default, a fixed ordinary Wednesday morning. Tests whose outcome
depends on the weekday or on a daylight-saving change ask for the `any_day` fixture, which runs
them once for each day in ANY_DAY. Subprocesses started through `tests.services.clean_environ`
get the same clock (see tests/clock_hook/sitecustomize.py).

    RECRUITCRM_TEST_NOW=2026-12-26T16:45:00Z ./bin/test     # the whole suite on a Saturday
"""

from __future__ import annotations

import datetime
import os

import time_machine

DEFAULT_NOW = datetime.datetime(2026, 3, 4, 9, 30, tzinfo=datetime.UTC)  # a Wednesday

# Monday to Sunday, then a Wednesday whose day 30 falls on a Friday, day 60 on a Sunday and
# day 90 (3 November) after both Europe's (25 October) and North America's (1 November) clocks
# went back, across four month ends.
ANY_DAY = {
    "monday": datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC),
    "tuesday": datetime.datetime(2026, 3, 3, 14, 5, tzinfo=datetime.UTC),
    "wednesday": datetime.datetime(2026, 3, 4, 9, 30, tzinfo=datetime.UTC),
    "thursday": datetime.datetime(2026, 3, 5, 23, 50, tzinfo=datetime.UTC),
    "friday": datetime.datetime(2026, 3, 6, 16, 0, tzinfo=datetime.UTC),
    "saturday": datetime.datetime(2026, 3, 7, 10, 15, tzinfo=datetime.UTC),
    "sunday": datetime.datetime(2026, 3, 8, 0, 20, tzinfo=datetime.UTC),
    "dst-and-month-end": datetime.datetime(2026, 8, 5, 17, 45, tzinfo=datetime.UTC),
}

ENV_VARIABLE = "RECRUITCRM_TEST_NOW"
SUBPROCESS_VARIABLE = "RECRUITCRM_FAKE_CLOCK_START"


def session_now() -> datetime.datetime:
    raw = os.environ.get(ENV_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_NOW
    moment = datetime.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


_session_travel: time_machine.travel | None = None


def pin_session() -> None:
    global _session_travel
    if _session_travel is None:
        _session_travel = time_machine.travel(session_now(), tick=True)
        _session_travel.start()


def unpin_session() -> None:
    global _session_travel
    if _session_travel is not None:
        _session_travel.stop()
        _session_travel = None
