"""The outside services some tests need (PostgreSQL, Redis, Chromium): are they here, and how to
reach them from a subprocess. Used by the hooks in tests/conftest.py and by tests that start real
worker processes.

bin/test starts throwaway servers and exports DATABASE_URL / REDIS_URL; whatever it could not
start is skipped, with the Debian package that would enable it named in the reason.
"""

from __future__ import annotations

import ast
import datetime
import functools
import os
import shutil
from pathlib import Path
from urllib.parse import quote

from recruitcrm.env import POSTGRESQL
from tests import clock

ROOT = Path(__file__).resolve().parent.parent
CLOCK_HOOK = ROOT / "tests" / "clock_hook"
SETTINGS_FILE = ROOT / "recruitcrm" / "settings.py"

SKIP_REASONS = {
    "postgres": (
        "needs PostgreSQL and this run is on SQLite: install the Debian package postgresql "
        "(bin/test then starts a throwaway server) or set DATABASE_URL=postgres://…"
    ),
    "redis": (
        "needs a Redis server and REDIS_URL is unset or not answering: install the Debian "
        "package redis-server (bin/test then starts a throwaway server) or set REDIS_URL=redis://…"
    ),
    "browser": (
        "needs Chromium: install the Debian package chromium (or set CHROMIUM_PATH to a "
        "Chromium binary)"
    ),
    "page_checkers": (
        "needs the Nu Html Checker in node_modules and java: install "
        "the Debian packages npm and default-jre-headless (bin/test then runs npm ci)"
    ),
}
NODE_MODULES = ROOT / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def redis_url() -> str:
    return os.environ.get("REDIS_URL", "")


@functools.cache
def redis_answers(url: str) -> bool:
    if not url:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping())
    except (redis.RedisError, OSError, ValueError):
        return False


def chromium_path() -> str | None:
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def page_checkers_present() -> bool:
    return VNU_JAR.exists() and shutil.which("java") is not None


def database_url(db: dict) -> str:
    """A DATABASE_URL naming the database `db` (a settings.DATABASES entry) uses right now —
    inside a test that is the test database, so a subprocess sees the same rows as the test."""
    if db["ENGINE"] != POSTGRESQL:
        raise ValueError(
            f"only PostgreSQL databases can be shared with a subprocess: {db['ENGINE']}"
        )
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(db['NAME'], safe='')}"


@functools.cache
def settings_variables() -> frozenset[str]:
    """Every environment variable recruitcrm/settings.py reads: the first argument of each
    env_*() call there. Read from the source so a new setting is covered without a list to edit."""
    tree = ast.parse(SETTINGS_FILE.read_text(), filename=str(SETTINGS_FILE))
    names = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id.startswith("env_")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
    return frozenset(names)


def run_secret_key() -> str:
    from django.conf import settings

    return settings.SECRET_KEY


def clean_environ(**overrides: str) -> dict[str, str]:
    """os.environ without any settings variable nor DJANGO_* switch (the browser tests set
    DJANGO_ALLOW_ASYNC_UNSAFE for their own process), plus `overrides`: a subprocess then sees the
    embedded defaults except what the test sets."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in settings_variables() and not name.startswith("DJANGO_")
    }
    env["DJANGO_SETTINGS_MODULE"] = "recruitcrm.settings"
    env["PYTHONUNBUFFERED"] = "1"
    # Settings have no default key to fall back on: give the child this run's own, so it also
    # signs and checks links (check-ins, unsubscribes) as the test process does.
    env["SECRET_KEY"] = run_secret_key()
    # The child's clock starts at the test's "now" (tests/clock.py), not the real date.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(CLOCK_HOOK), env.get("PYTHONPATH")]))
    env[clock.SUBPROCESS_VARIABLE] = datetime.datetime.now(datetime.UTC).isoformat()
    env.update(overrides)
    return env
