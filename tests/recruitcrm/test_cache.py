"""The local cache (CACHE_URL unset) keeps sign-in throttling counts right across processes."""

from __future__ import annotations

import datetime
import subprocess
import sys

import time_machine

from recruitcrm.cache import LockedFileBasedCache
from tests import services

START = datetime.datetime(2026, 3, 4, 9, 30, tzinfo=datetime.UTC)

COUNT_UP = """
import sys
from recruitcrm.cache import LockedFileBasedCache

cache = LockedFileBasedCache(sys.argv[1], {})
cache.add("count", 0, 900)
for _ in range(int(sys.argv[2])):
    cache.incr("count")
"""


def test_counts_from_several_processes_at_once_are_never_lost(tmp_path):
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", COUNT_UP, str(tmp_path), "60"],
            cwd=services.ROOT,
            env=services.clean_environ(),
        )
        for _ in range(4)
    ]
    for process in processes:
        assert process.wait(timeout=60) == 0

    assert LockedFileBasedCache(str(tmp_path), {}).get("count") == 240


def test_counting_keeps_the_entry_expiry(tmp_path):
    cache = LockedFileBasedCache(str(tmp_path), {})
    with time_machine.travel(START, tick=False) as clock:
        cache.add("window", 0, 900)
        cache.add("short", 0, 60)
        clock.shift(10)
        assert cache.incr("window") == 1
        assert cache.incr("short") == 1

        # Django's own file cache would restart both at its 5-minute default timeout.
        clock.shift(390)
        assert cache.get("window") == 1, "a count vanished before its window ended"
        assert cache.get("short") is None


def test_counting_an_expired_or_missing_entry_is_refused(tmp_path):
    import pytest

    cache = LockedFileBasedCache(str(tmp_path), {})
    with time_machine.travel(START, tick=False) as clock:
        cache.add("gone", 3, 5)
        clock.shift(6)
        with pytest.raises(ValueError, match="not found"):
            cache.incr("gone")
        with pytest.raises(ValueError, match="not found"):
            cache.incr("never")
    cache.clear()
    assert (tmp_path / LockedFileBasedCache.lock_name).exists(), "clear() deletes only entries"
