"""docker-compose.yml runs the production shape, and it stays in step with the Procfile that
./bin/run starts and with the variables settings.py reads."""

from __future__ import annotations

import re
import shlex

import pytest
import yaml

from tests import services

ROOT = services.ROOT
APP_SERVICES = ("web", "worker", "beat")
ESSENTIAL_VARIABLES = {"DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def procfile() -> dict[str, list[str]]:
    entries = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            argv = shlex.split(command)
            # `exec` so the process honcho signals is the program itself, as in a container.
            assert argv[0] == "exec", f"{name}: start the command with exec"
            entries[name.strip()] = argv[1:]
    return entries


def words(command) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else list(command)


def program(argv: list[str]) -> list[str]:
    """What a command runs, without the options that differ between a laptop and a container
    (bind address, number of processes, log format)."""
    kept, skip_value = [], False
    for word in argv:
        if skip_value:
            skip_value = False
        elif word in {"--bind", "-b", "--workers", "-w", "--concurrency", "-c"}:
            skip_value = True
        elif not word.startswith("--access-logfile") and word != "-":
            kept.append(word)
    return kept


def test_the_procfile_names_web_worker_and_beat(procfile):
    assert list(procfile) == ["web", "worker", "beat"], "honcho gives $PORT to the first entry"
    assert procfile["web"][:2] == ["gunicorn", "recruitcrm.wsgi"]
    assert procfile["worker"][:4] == ["celery", "-A", "recruitcrm", "worker"]
    assert procfile["beat"][:4] == ["celery", "-A", "recruitcrm", "beat"]
    assert "recruitcrm.celery:HeartbeatScheduler" in procfile["beat"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_compose_starts_the_same_processes_as_the_procfile(compose, procfile, name):
    assert program(words(compose["services"][name]["command"])) == program(procfile[name])


@pytest.mark.parametrize("name", APP_SERVICES)
def test_every_variable_compose_sets_is_one_settings_reads(compose, name):
    environment = compose["services"][name]["environment"]
    read = services.settings_variables()

    assert set(environment) - read == set(), "settings.py does not read these"
    assert ESSENTIAL_VARIABLES - set(environment) == set(), "compose must set these"


def test_compose_runs_production_settings(compose):
    environment = compose["services"]["web"]["environment"]

    assert environment["DEBUG"] == "false"
    assert environment["STATIC_MANIFEST"] == "true"
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert environment["DATABASE_URL"].endswith("@db:5432/recruitcrm")
    assert environment["CELERY_BROKER_URL"] == "redis://redis:6379/0"
    # No default secret: compose refuses to start without one.
    assert re.fullmatch(r"\$\{SECRET_KEY:\?.+\}", environment["SECRET_KEY"])


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_processes_wait_for_healthy_servers_and_migrations(compose, name):
    depends_on = compose["services"][name]["depends_on"]

    assert depends_on["db"] == {"condition": "service_healthy"}
    assert depends_on["redis"] == {"condition": "service_healthy"}
    assert depends_on["migrate"] == {"condition": "service_completed_successfully"}


def test_migrations_run_once_before_the_app(compose):
    migrate = compose["services"]["migrate"]

    assert words(migrate["command"])[:3] == ["python", "manage.py", "migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"db": {"condition": "service_healthy"}}


def test_servers_have_healthchecks_and_postgres_keeps_its_data(compose):
    db, redis = compose["services"]["db"], compose["services"]["redis"]

    assert db["image"] == "postgres:15"
    assert "pg_isready" in " ".join(words(db["healthcheck"]["test"]))
    assert "redis-cli ping" in " ".join(words(redis["healthcheck"]["test"]))
    volume = db["volumes"][0].split(":")
    assert volume[1] == "/var/lib/postgresql/data"
    assert volume[0] in compose["volumes"], "a named volume, not a bind mount"


def test_web_has_a_healthcheck_that_exists(compose):
    test = words(compose["services"]["web"]["healthcheck"]["test"])

    assert test[:3] == ["CMD", "python", "bin/healthcheck"]
    assert (ROOT / "bin" / "healthcheck").is_file()


def test_the_image_is_built_as_the_readme_says():
    dockerfile = (ROOT / "Dockerfile").read_text()
    python_version = (ROOT / ".python-version").read_text().strip()
    major_minor = ".".join(python_version.split(".")[:2])

    assert re.search(rf"^FROM python:{re.escape(major_minor)}-slim$", dockerfile, re.MULTILINE)
    assert "-c constraints.txt" in dockerfile
    assert "collectstatic" in dockerfile
    assert "STATIC_MANIFEST=true" in dockerfile
