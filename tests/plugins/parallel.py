"""A pytest plugin (registered with -p in pyproject.toml's addopts, before anything reads settings):
each pytest-xdist worker gets servers' state of its own, as pytest-django already gives it a
database of its own (test_<name>_gw0, _gw1, ...).

- Redis: the real-process tests start Celery workers on REDIS_URL; two test processes sharing a
  Redis database would take each other's tasks and record them in the wrong test database. Worker
  gwN uses database (base + 8 * N) mod 16 of the same server, so two test processes on one
  machine (bin/test's default on 2 cores) use base and base + 8.
- VAR_DIR: the file cache (sessions, sign-in throttling counts), mail files and broker folders;
  tests/plugins/cache.py clears the cache before every test, which must not sign out the other
  process's users.

Without xdist (pytest -n 0, or a single test file from an editor) nothing changes.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

REDIS_DATABASES = 16
DATABASES_APART = 8


def _worker_number() -> int | None:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker.removeprefix("gw")) if worker.startswith("gw") else None


def _redis_url_for(url: str, worker: int) -> str:
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    database = (base + DATABASES_APART * worker) % REDIS_DATABASES
    return urlunsplit(parts._replace(path=f"/{database}"))


def _separate(worker: int) -> None:
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        url = os.environ.get(name, "")
        if url.startswith(("redis://", "rediss://")):
            os.environ[name] = _redis_url_for(url, worker)
    if var_dir := os.environ.get("VAR_DIR"):
        own = os.path.join(var_dir, f"gw{worker}")
        os.makedirs(os.path.join(own, "staticfiles"), exist_ok=True)
        os.environ["VAR_DIR"] = own


if (number := _worker_number()) is not None:
    _separate(number)
