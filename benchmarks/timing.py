"""Server time of each request, measured inside the process, for `make bench`.

Installed first in MIDDLEWARE only when BENCH_TIMING is true, so it times everything Django does
for a request (every other middleware, the view, the template) and nothing outside it (gunicorn,
the loopback, the client). It answers in a standard `Server-Timing` header:

    Server-Timing: total;dur=12.345, sql;dur=4.210, queries;desc=9

`total` and `sql` in milliseconds; `queries` is how many statements went to the database.
"""

from __future__ import annotations

import time

from django.db import connection


class QueryTimer:
    """A `connection.execute_wrapper`: counts statements and adds up the time they took."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queries = QueryTimer()
        started = time.perf_counter()
        with connection.execute_wrapper(queries):
            response = self.get_response(request)
        total = time.perf_counter() - started
        response["Server-Timing"] = (
            f"total;dur={total * 1000:.3f}, sql;dur={queries.seconds * 1000:.3f}, "
            f"queries;desc={queries.count}"
        )
        return response
