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


# Entries read on every request (a session, the signed-in user): kept per process, re-read only
# when their file changed, so another process's write still counts at once.


def test_a_kept_entry_sees_another_process_s_write_and_delete(tmp_path):
    worker, other = (LockedFileBasedCache(str(tmp_path), {}) for _ in range(2))
    other.set("session", {"step": 1}, 300)
    assert worker.get_kept("session") == {"step": 1}

    other.set("session", {"step": 2}, 300)
    assert worker.get_kept("session") == {"step": 2}

    other.delete("session")
    assert worker.get_kept("session", "gone") == "gone"


def test_an_unchanged_entry_is_not_read_from_its_file_again(tmp_path, monkeypatch):
    cache = LockedFileBasedCache(str(tmp_path), {})
    cache.set("user", {"name": "Ada"}, 300)
    reads = []
    read = cache._read
    monkeypatch.setattr(cache, "_read", lambda path: reads.append(path) or read(path))

    for _ in range(3):
        assert cache.get_kept("user") == {"name": "Ada"}

    assert len(reads) == 1


def test_a_kept_entry_is_a_fresh_object_each_time(tmp_path):
    cache = LockedFileBasedCache(str(tmp_path), {})
    cache.set("session", {"messages": []}, 300)

    cache.get_kept("session")["messages"].append("changed by one request")

    assert cache.get_kept("session") == {"messages": []}


def test_a_kept_entry_expires_and_a_touch_extends_it(tmp_path):
    worker, other = (LockedFileBasedCache(str(tmp_path), {}) for _ in range(2))
    with time_machine.travel(START, tick=False) as clock:
        other.set("session", "s", 60)
        assert worker.get_kept("session") == "s"
        clock.shift(50)
        other.touch("session", 600)
        clock.shift(60)
        assert worker.get_kept("session") == "s", "the touch in another process was missed"
        clock.shift(600)
        assert worker.get_kept("session") is None
    assert not worker.has_key("session"), "an expired entry is deleted, as get() deletes it"


def test_the_kept_entries_are_bounded(tmp_path, monkeypatch):
    cache = LockedFileBasedCache(str(tmp_path), {})
    monkeypatch.setattr(cache, "kept_entries", 3)
    for number in range(5):
        cache.set(f"user:{number}", number, 300)
        assert cache.get_kept(f"user:{number}") == number

    assert len(cache._kept) == 3
    assert cache.get_kept("user:0") == 0, "an entry no longer kept is read from its file"


def test_touching_a_missing_or_expired_entry_is_refused(tmp_path):
    cache = LockedFileBasedCache(str(tmp_path), {})
    with time_machine.travel(START, tick=False) as clock:
        cache.set("short", "s", 5)
        clock.shift(6)
        assert cache.touch("short", 60) is False
        assert cache.touch("never", 60) is False
        assert cache.get("short") is None
