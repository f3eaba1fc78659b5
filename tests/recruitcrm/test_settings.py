"""Settings come from the environment: a bad value stops the app with one line naming the
variable, and with nothing set the app runs on the embedded defaults the README promises.

Each case starts a fresh `manage.py` process, because settings are read once at start-up."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests import services

ROOT = services.ROOT


def manage(*args: str, env: dict[str, str], python_flags: tuple[str, ...] = ()):
    return subprocess.run(
        [sys.executable, *python_flags, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


SHOW_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "DATABASE_ENGINE": settings.DATABASES["default"]["ENGINE"],
    "DATABASE_NAME": str(settings.DATABASES["default"]["NAME"]),
    "DATABASE_HOST": settings.DATABASES["default"].get("HOST", ""),
    "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    "MAILER": settings.MAILERS["default"],
    "TIME_ZONE": settings.TIME_ZONE,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "SECRET_KEY": settings.SECRET_KEY,
    "CACHE": settings.CACHES["default"],
}))
"""


def settings_under(env: dict[str, str]) -> dict:
    result = manage("shell", "--no-imports", "-c", SHOW_SETTINGS, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"HTTPS": "sure"}, "HTTPS"),
        ({"STATIC_MANIFEST": "perhaps"}, "STATIC_MANIFEST"),
        ({"DATABASE_URL": "nonsense://x"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://"}, "DATABASE_URL"),
        ({"TIME_ZONE": "Mars/Base"}, "TIME_ZONE"),
        ({"CELERY_BROKER_URL": "ftp://x"}, "CELERY_BROKER_URL"),
        ({"SECURE_HSTS_SECONDS": "forever"}, "SECURE_HSTS_SECONDS"),
        ({"EMAIL_HOST": "smtp.example.com", "EMAIL_PORT": "abc"}, "EMAIL_PORT"),
        ({"EMAIL_HOST": "smtp.example.com", "EMAIL_USE_TLS": "tls"}, "EMAIL_USE_TLS"),
        ({"EMAIL_HOST": "smtp.example.com", "EMAIL_TIMEOUT": "soon"}, "EMAIL_TIMEOUT"),
        ({"CACHE_URL": "memcached://cache:11211"}, "CACHE_URL"),
        ({"SIGN_IN_ATTEMPTS_PER_ACCOUNT": "0"}, "SIGN_IN_ATTEMPTS_PER_ACCOUNT"),
        ({"SIGN_IN_ATTEMPTS_PER_IP": "lots"}, "SIGN_IN_ATTEMPTS_PER_IP"),
        ({"SIGN_IN_WINDOW_MINUTES": "-5"}, "SIGN_IN_WINDOW_MINUTES"),
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT"),
    ],
    ids=lambda value: (
        "-".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else None
    ),
)
def test_it_refuses_to_start_with_a_bad_value_and_names_the_variable(variables, named, tmp_path):
    result = manage("check", env=services.clean_environ(VAR_DIR=str(tmp_path), **variables))

    assert result.returncode != 0
    assert_one_line_naming(result.stderr, named, repr(variables[named]))


def assert_one_line_naming(stderr: str, *words: str) -> None:
    """The whole error output is the one line that says what is wrong: no traceback."""
    assert "Traceback" not in stderr, stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert stderr.startswith("RecruitCRM cannot start: "), stderr
    for word in words:
        assert word in stderr


def test_bin_run_stops_with_one_line_naming_a_bad_variable(tmp_path):
    result = subprocess.run(
        [str(ROOT / "bin" / "run")],
        cwd=ROOT,
        env=services.clean_environ(VAR_DIR=str(tmp_path), DEBUG="maybe", PORT="0"),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert_one_line_naming(result.stderr, "DEBUG must be true or false, got 'maybe'")
    assert "is starting" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["-m", "celery", "-A", "recruitcrm", "worker", "-l", "info"],
        ["-m", "celery", "-A", "recruitcrm", "beat", "-l", "info"],
        ["-c", "import recruitcrm.wsgi"],
    ],
    ids=["celery-worker", "celery-beat", "wsgi"],
)
def test_every_process_stops_with_one_line_naming_a_bad_variable(command, tmp_path):
    result = subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env=services.clean_environ(VAR_DIR=str(tmp_path), DEBUG="maybe"),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert_one_line_naming(result.stderr, "DEBUG must be true or false, got 'maybe'")


def test_gunicorn_stops_instead_of_booting_failing_workers_forever(tmp_path):
    result = subprocess.run(
        [
            *(sys.executable, "-m", "gunicorn", "recruitcrm.wsgi"),
            # One worker: when several fail at the same instant, gunicorn's master sometimes
            # trips over its own second HaltServer while stopping and prints that traceback.
            *("--bind", "127.0.0.1:0", "--workers", "1", "--no-control-socket"),
        ],
        cwd=ROOT,
        env=services.clean_environ(VAR_DIR=str(tmp_path), DEBUG="maybe"),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "RecruitCRM cannot start: DEBUG must be true or false, got 'maybe'" in result.stderr
    assert "App failed to load" in result.stderr


# ---------- SECRET_KEY ----------


def without_secret_key(tmp_path, **variables: str) -> dict[str, str]:
    """A subprocess environment with no SECRET_KEY, unless `variables` set one."""
    env = services.clean_environ(VAR_DIR=str(tmp_path))
    del env["SECRET_KEY"]
    return env | variables


def test_with_no_secret_key_anywhere_it_refuses_to_start_and_says_how_to_fix_it(tmp_path):
    result = manage("check", env=without_secret_key(tmp_path))

    assert result.returncode != 0
    assert_one_line_naming(result.stderr, "SECRET_KEY is not set", "./bin/run")
    assert not (tmp_path / "secret_key").exists(), "settings never make a key themselves"


def test_an_empty_secret_key_counts_as_none(tmp_path):
    result = manage("check", env=without_secret_key(tmp_path, SECRET_KEY="  "))

    assert result.returncode != 0
    assert_one_line_naming(result.stderr, "SECRET_KEY is not set")


def test_no_published_key_is_left_to_fall_back_on():
    source = services.SETTINGS_FILE.read_text()

    assert "django-insecure" not in source
    assert 'env_str("SECRET_KEY"' not in source


def ensure_secret_key(var_dir: Path, **variables: str) -> subprocess.CompletedProcess:
    env = without_secret_key(var_dir, **variables)
    return subprocess.run(
        ["bash", "-c", 'source bin/lib.sh && ensure_secret_key "$VAR_DIR"'],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_bin_run_makes_a_private_key_once_and_settings_read_it(tmp_path):
    var_dir = tmp_path / "var"
    first = ensure_secret_key(var_dir)
    key = (var_dir / "secret_key").read_text().strip()
    again = ensure_secret_key(var_dir)

    assert first.returncode == 0, first.stderr
    assert again.returncode == 0, again.stderr
    assert len(key) >= 50
    assert stat.S_IMODE((var_dir / "secret_key").stat().st_mode) == 0o600
    assert (var_dir / "secret_key").read_text().strip() == key, "a later run made a new key"
    shown = settings_under(without_secret_key(var_dir))
    assert shown["SECRET_KEY"] == key


def test_bin_run_makes_no_key_file_when_secret_key_is_set(tmp_path):
    result = ensure_secret_key(tmp_path, SECRET_KEY="s" * 50)

    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_the_secret_key_variable_wins_over_the_kept_file(tmp_path):
    (tmp_path / "secret_key").write_text("kept-" + "k" * 50 + "\n")
    os.chmod(tmp_path / "secret_key", 0o600)

    from_file = settings_under(without_secret_key(tmp_path))
    from_variable = settings_under(without_secret_key(tmp_path, SECRET_KEY="v" * 50))

    assert from_file["SECRET_KEY"] == "kept-" + "k" * 50
    assert from_variable["SECRET_KEY"] == "v" * 50


def test_subprocesses_started_by_tests_share_the_runs_secret_key(settings):
    assert services.clean_environ()["SECRET_KEY"] == settings.SECRET_KEY


def test_with_nothing_set_it_runs_on_the_embedded_defaults(tmp_path):
    shown = settings_under(services.clean_environ(VAR_DIR=str(tmp_path)))

    assert shown["DEBUG"] is False
    assert shown["DATABASE_ENGINE"] == "django.db.backends.sqlite3"
    assert Path(shown["DATABASE_NAME"]) == tmp_path / "recruitcrm.sqlite3"
    assert shown["CELERY_BROKER_URL"] == "filesystem://"
    assert (tmp_path / "broker" / "control").is_dir(), "the filesystem broker needs its folders"
    assert shown["MAILER"]["BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert shown["MAILER"]["OPTIONS"]["file_path"] == str(tmp_path / "mail")
    assert shown["TIME_ZONE"] == "UTC"
    assert shown["SECURE_SSL_REDIRECT"] is False
    assert shown["CACHE"]["BACKEND"] == "recruitcrm.cache.LockedFileBasedCache"
    assert shown["CACHE"]["LOCATION"] == str(tmp_path / "cache")


def test_production_variables_switch_database_broker_and_mail(tmp_path):
    shown = settings_under(
        services.clean_environ(
            VAR_DIR=str(tmp_path),
            DATABASE_URL="postgres://app:secret@db.internal:5432/recruitcrm",
            CELERY_BROKER_URL="redis://redis.internal:6379/0",
            EMAIL_HOST="smtp.example.com",
            EMAIL_PORT="2525",
            TIME_ZONE="Europe/London",
            HTTPS="true",
            ALLOWED_HOSTS="crm.example.com, www.crm.example.com",
            CACHE_URL="redis://redis.internal:6379/1",
        )
    )

    assert shown["DATABASE_ENGINE"] == "recruitcrm.postgresql"
    assert shown["DATABASE_HOST"] == "db.internal"
    assert shown["CELERY_BROKER_URL"] == "redis://redis.internal:6379/0"
    assert shown["MAILER"]["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert shown["MAILER"]["OPTIONS"]["host"] == "smtp.example.com"
    assert shown["MAILER"]["OPTIONS"]["port"] == 2525
    assert shown["TIME_ZONE"] == "Europe/London"
    assert shown["SECURE_SSL_REDIRECT"] is True
    assert shown["ALLOWED_HOSTS"] == ["crm.example.com", "www.crm.example.com"]
    assert shown["CACHE"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert shown["CACHE"]["LOCATION"] == "redis://redis.internal:6379/1"


@pytest.mark.parametrize(
    "cache_url", ["", "redis://redis.internal:6379/1"], ids=["local-file-cache", "redis"]
)
def test_the_cache_satisfies_django_ratelimits_checks(cache_url, tmp_path):
    # django-ratelimit refuses caches that are not shared between processes or not atomic.
    result = manage(
        "check",
        "--fail-level",
        "WARNING",
        env=services.clean_environ(VAR_DIR=str(tmp_path), CACHE_URL=cache_url),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def readme_section(heading: str) -> str:
    readme = (ROOT / "README.md").read_text()
    return readme.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def test_the_readme_documents_every_variable_settings_reads():
    table = readme_section("Environment variables")
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", table, flags=re.MULTILINE))

    assert services.settings_variables() - documented == set(), "document these in README.md"
    assert documented - services.settings_variables() == set(), "README lists unread variables"


def test_the_readme_lists_the_demo_logins_seed_demo_creates():
    from sample_data import demo_data

    logins = {demo_data.ADMIN.username} | {login.username for login in demo_data.RECRUITERS}
    logins |= {leader.username for leader in demo_data.LEADERS if leader.username}
    section = readme_section("Run it").split("\n### Demo logins\n", 1)[1]
    listed = set(re.findall(r"^\| `([a-z0-9_.-]+)` \|", section, flags=re.MULTILINE))

    assert listed == logins
    assert f"`{demo_data.DEMO_PASSWORD}`" in section
