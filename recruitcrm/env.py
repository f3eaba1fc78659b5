"""Read settings from the environment, refusing a bad value loudly rather than guessing."""

from __future__ import annotations

import os
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {raw!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# The ENGINE a postgres:// URL gets: Django's own, with a cheaper health check.
POSTGRESQL = "recruitcrm.postgresql"


def env_database(name: str, default: str) -> dict:
    raw = os.environ.get(name) or default
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"{name} is not a database URL this app understands, got {raw!r} "
            "(expected e.g. postgres://user:password@host:5432/name or sqlite:///path.db)"
        ) from error
    if not config.get("ENGINE") or not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} names no database, got {raw!r}")
    if config["ENGINE"] == "django.db.backends.postgresql":
        config["ENGINE"] = POSTGRESQL
    return config


def env_time_zone(name: str, default: str) -> str:
    raw = os.environ.get(name) or default
    try:
        zoneinfo.ZoneInfo(raw)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name} must be an IANA time zone such as Europe/London, got {raw!r}"
        ) from None
    return raw


def env_url(name: str, default: str, schemes: tuple[str, ...]) -> str:
    raw = os.environ.get(name) or default
    scheme = raw.split("://", 1)[0] if "://" in raw else ""
    if scheme not in schemes:
        raise ImproperlyConfigured(
            f"{name} must be a URL starting with one of {', '.join(s + '://' for s in schemes)}; "
            f"got {raw!r}"
        )
    return raw


def env_secret_key(name: str, file: Path) -> str:
    """The variable when set, else the key ./bin/run keeps in `file`; never a published one."""
    raw = os.environ.get(name, "").strip()
    if raw:
        return raw
    try:
        kept = file.read_text().strip()
    except FileNotFoundError:
        kept = ""
    except OSError as error:
        raise ImproperlyConfigured(
            f"{name} is not set and {file} cannot be read: {error}"
        ) from None
    if kept:
        return kept
    raise ImproperlyConfigured(
        f"{name} is not set: set {name} to 50 or more random characters "
        f"(python3 -c 'import secrets; print(secrets.token_urlsafe(50))'), "
        f"or start the app with ./bin/run, which keeps one in {file}"
    )
