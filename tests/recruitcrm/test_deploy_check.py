"""Production settings pass Django's deployment checklist with nothing to excuse, the local
defaults and weak values are caught by it, and the production static build (hashed, compressed)
succeeds."""

from __future__ import annotations

import secrets
import subprocess

import pytest

from tests import services
from tests.recruitcrm.test_settings import manage


def production_environ(tmp_path, **overrides: str) -> dict[str, str]:
    variables = {
        "VAR_DIR": str(tmp_path),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "crm.example.com",
        "CSRF_TRUSTED_ORIGINS": "https://crm.example.com",
        "HTTPS": "true",
        "SITE_URL": "https://crm.example.com",
        "DATABASE_URL": "postgres://recruitcrm:secret@db.internal:5432/recruitcrm",
        "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
        "CACHE_URL": "redis://redis.internal:6379/1",
        "EMAIL_HOST": "smtp.example.com",
        "EMAIL_HOST_USER": "recruiting@example.com",
        "EMAIL_HOST_PASSWORD": "secret",
        "DEFAULT_FROM_EMAIL": "Recruiting <recruiting@example.com>",
        "STATIC_MANIFEST": "true",
    }
    return services.clean_environ(**(variables | overrides))


def test_production_settings_pass_the_deploy_check_with_no_warnings(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_environ(tmp_path),
        # Anything deprecated (ours or Django's) is an error here, so it cannot slip by.
        python_flags=("-W", "error::DeprecationWarning", "-W", "error::PendingDeprecationWarning"),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "RemovedInDjango" not in result.stderr
    assert "Warning" not in result.stderr


@pytest.mark.parametrize(
    ("overrides", "check_id"),
    [
        ({"SECRET_KEY": "short-and-guessable"}, "security.W009"),
        ({"DEBUG": "true"}, "security.W018"),
        ({"HTTPS": "false"}, "security.W008"),
        ({"SITE_URL": "http://127.0.0.1:8000"}, "followups.W001"),
        ({"SITE_URL": "http://crm.example.com"}, "followups.W002"),
        ({"DEFAULT_FROM_EMAIL": "RecruitCRM <recruiting@localhost>"}, "followups.W003"),
        ({"DEFAULT_FROM_EMAIL": "ops@crm.local"}, "followups.W003"),
    ],
    ids=[
        "weak-secret-key",
        "debug-on",
        "no-https",
        "local-site-url",
        "plain-http-links",
        "localhost-from-address",
        "dot-local-from-address",
    ],
)
def test_the_deploy_check_catches_local_defaults_in_production(overrides, check_id, tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_environ(tmp_path, **overrides),
    )

    assert result.returncode != 0
    assert check_id in result.stderr


def test_the_key_bin_run_keeps_passes_the_deploy_check(tmp_path):
    made = subprocess.run(
        ["bash", "-c", 'source bin/lib.sh && ensure_secret_key "$VAR_DIR"'],
        cwd=services.ROOT,
        env=production_environ(tmp_path, SECRET_KEY=""),
        capture_output=True,
        text=True,
        timeout=60,
    )
    env = production_environ(tmp_path)
    del env["SECRET_KEY"]

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert made.returncode == 0, made.stderr
    assert (tmp_path / "secret_key").is_file()
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_the_production_static_build_succeeds(tmp_path):
    # What the Docker image runs at build time: a missing file referenced from CSS fails here.
    result = manage("collectstatic", "--noinput", env=production_environ(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    manifest = tmp_path / "staticfiles" / "staticfiles.json"
    assert manifest.is_file()
