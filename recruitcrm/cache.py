"""The local cache when CACHE_URL is unset: Django's file cache, with atomic counters.

Sign-in throttling counts attempts in the cache, and every gunicorn worker must see the same
count, so a per-process memory cache will not do. A folder under VAR_DIR is shared by every
process on the machine and needs no server, unlike Redis or memcached, and unlike the database
cache no table to create first. Django's file cache reads then writes in add() and incr(), so
two processes counting at once could both see 4 and both write 5; an exclusive lock on a file in
the cache folder makes those two steps one, as Redis' INCR is. Its incr() also keeps the entry's
expiry, as Redis does, where Django's would restart a 15-minute window at 5 minutes each time.

Every signed-in request reads two entries, its session and its user: `get_kept` serves those.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache


class Kept(NamedTuple):
    """An entry as this process last read it, and which file it read it from."""

    path: str
    identity: tuple[int, int, int, int]
    expires_at: float | None
    pickled: bytes


_MISSING = object()


def _identity(stat: os.stat_result) -> tuple[int, int, int, int]:
    return stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


class LockedFileBasedCache(FileBasedCache):
    # Not ".djcache": clear() and culling delete only entries, never the lock.
    lock_name = "cache.lock"
    # Entries `get_kept` holds per process: a worker's signed-in people, twice over.
    kept_entries = 2_000

    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._kept: dict[tuple[str, int | None], Kept] = {}

    def get_kept(self, key, default=None, version=None):
        """`get` for an entry read on nearly every request and seldom written (a session, the
        signed-in user). Reading one is opening, inflating and unpickling a file, a fifth of a
        millisecond on a page that waits on nothing else; this process keeps what it read and
        reads it again only when the file is not the one it read, which a stat tells.

        Nothing rewrites an entry in place: set() and touch() write a new file and rename it
        over the old one (a new inode, new times), delete() removes it. So any process's change
        is seen on the next read, as with `get`. (Not for counters: on a file system whose
        clock ticks coarsely, two rewrites within one tick could reuse the inode at the same
        size.)"""
        kept = self._kept.get((key, version))
        path = kept.path if kept else self._key_to_file(key, version)
        try:
            identity = _identity(os.stat(path))
        except FileNotFoundError:
            self._kept.pop((key, version), None)
            return default
        if kept is None or kept.identity != identity:
            kept = self._read(path)
            if kept is None:
                return default
            self._keep((key, version), kept)
        if kept.expires_at is not None and kept.expires_at < time.time():
            self._kept.pop((key, version), None)
            self._delete(path)
            return default
        # A fresh object each time, as `get` gives: callers change what they read.
        return pickle.loads(kept.pickled)

    def _read(self, path: str) -> Kept | None:
        try:
            with open(path, "rb") as entry:
                # The identity of the file read, not of whatever the path names by now.
                identity = _identity(os.fstat(entry.fileno()))
                expires_at = pickle.load(entry)
                return Kept(path, identity, expires_at, zlib.decompress(entry.read()))
        except (FileNotFoundError, EOFError):
            return None

    def _keep(self, key: tuple[str, int | None], kept: Kept) -> None:
        if len(self._kept) >= self.kept_entries:
            # The longest kept goes: dicts keep their insertion order.
            del self._kept[next(iter(self._kept))]
        self._kept[key] = kept

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        self._createdir()
        with open(os.path.join(self._dir, self.lock_name), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with self._exclusive():
            return super().add(key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        # A new file, as set() writes, where Django's rewrites the expiry in place: get_kept
        # tells a changed entry by its file.
        with self._exclusive():
            value = self.get(key, _MISSING, version)
            if value is _MISSING:
                return False
            self.set(key, value, timeout, version)
            return True

    def incr(self, key, delta=1, version=None):
        with self._exclusive():
            try:
                with open(self._key_to_file(key, version), "rb") as entry:
                    expires_at = pickle.load(entry)
                    value = pickle.loads(zlib.decompress(entry.read()))
            except (FileNotFoundError, EOFError):
                expires_at, value = 0, None
            now = time.time()
            if expires_at is not None and expires_at < now:
                raise ValueError(f"Key '{key}' not found")
            timeout = None if expires_at is None else expires_at - now
            self.set(key, value + delta, timeout, version)
            return value + delta


def read_often(cache, key):
    """An entry read on nearly every request: by `get_kept` from the local file cache, by `get`
    from any other (Redis answers either way in one round trip)."""
    return getattr(cache, "get_kept", cache.get)(key)
