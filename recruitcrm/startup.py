"""How each process starts (manage.py, gunicorn through wsgi.py, the Celery worker and beat):
settings are read first, and a bad environment variable stops the process with the one line
that names it ("DEBUG must be true or false, got 'maybe'") instead of a long traceback."""

from __future__ import annotations

import sys


def read_settings_or_exit(exit_code: int = 1) -> None:
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 (reading one setting reads them all)
    except ImproperlyConfigured as error:
        print(f"RecruitCRM cannot start: {error}", file=sys.stderr, flush=True)
        raise SystemExit(exit_code) from None
