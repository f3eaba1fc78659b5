"""Sessions as Django's cached_db keeps them, read by `read_often` (recruitcrm.cache)."""

from __future__ import annotations

from django.contrib.sessions.backends import cached_db

from recruitcrm.cache import read_often


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            data = read_often(self._cache, self.cache_key)
        except Exception:
            # As cached_db: a key the cache refuses is a miss.
            data = None
        # A miss goes the cached_db way: the database, and the cache filled again.
        return super().load() if data is None else data
