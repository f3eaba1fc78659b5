"""The local cache when CACHE_URL is unset: Django's file cache, with atomic counters.

Sign-in throttling counts attempts in the cache, and every gunicorn worker must see the same
count, so a per-process memory cache will not do. A folder under VAR_DIR is shared by every
process on the machine and needs no server, unlike Redis or memcached, and unlike the database
cache no table to create first. Django's file cache reads then writes in add() and incr(), so
two processes counting at once could both see 4 and both write 5; an exclusive lock on a file in
the cache folder makes those two steps one, as Redis' INCR is. Its incr() also keeps the entry's
expiry, as Redis does, where Django's would restart a 15-minute window at 5 minutes each time.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache


class LockedFileBasedCache(FileBasedCache):
    # Not ".djcache": clear() and culling delete only entries, never the lock.
    lock_name = "cache.lock"

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
