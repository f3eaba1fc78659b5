"""Django's PostgreSQL backend, whose health check trusts a connection that answered a moment
ago (settings.DATABASES' ENGINE, set by recruitcrm.env.env_database).

CONN_HEALTH_CHECKS sends `SELECT 1` before the first query of every request that reuses a
persistent connection, so that one which died while it sat idle (PostgreSQL restarted, a
firewall dropped it) is replaced instead of failing the request. That is a round trip on every
page: 0.15 ms of the candidate page's 2.2 ms under gunicorn. A connection whose last query
answered less than TRUSTED_FOR ago cannot have sat idle long enough for that, so it is used
without the check, as connection pools do (HikariCP skips its check within 500 ms of a
connection's last use). A connection idle for longer is checked as before.
"""

from __future__ import annotations

import time

from django.db.backends.postgresql import base

TRUSTED_FOR = 0.5  # seconds


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # When a query last came back without an error (time.monotonic()).
        self.answered_at = float("-inf")
        self.execute_wrappers.append(self._answered)

    def _answered(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        self.answered_at = time.monotonic()
        return result

    def close_if_health_check_failed(self):
        if time.monotonic() - self.answered_at < TRUSTED_FOR:
            self.health_check_done = True
        super().close_if_health_check_failed()
