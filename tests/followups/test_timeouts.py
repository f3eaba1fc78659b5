"""Every network call the dispatcher makes is bounded, so one silent server costs one attempt."""

import json
import subprocess
import sys

from django.conf import settings

from tests import services

PRODUCTION = {
    "EMAIL_HOST": "smtp.example.com",
    "CELERY_BROKER_URL": "redis://redis.example.com:6379/0",
    "DATABASE_URL": "postgres://app@db.example.com:5432/recruitcrm",
}

READ_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "smtp": s.MAILERS["default"]["OPTIONS"]["timeout"],
    "broker_connect": s.CELERY_BROKER_CONNECTION_TIMEOUT,
    "redis": s.CELERY_BROKER_TRANSPORT_OPTIONS["socket_timeout"],
    "redis_connect": s.CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"],
    "database_connect": s.DATABASES["default"]["OPTIONS"]["connect_timeout"],
}))
"""


def test_smtp_redis_broker_and_database_calls_all_time_out():
    result = subprocess.run(
        [sys.executable, "-c", READ_SETTINGS],
        cwd=settings.BASE_DIR,
        env=services.clean_environ(**PRODUCTION),
        capture_output=True,
        text=True,
        check=True,
    )
    timeouts = json.loads(result.stdout)
    assert timeouts == {
        "smtp": 15,
        "broker_connect": 5,
        "redis": 5,
        "redis_connect": 5,
        "database_connect": 5,
    }


def test_eight_attempts_span_about_a_day():
    from followups.schedule import retry_delay

    class Middle:
        def uniform(self, low, high):
            return 1.0

    total = sum(retry_delay(attempts=n, rng=Middle()).total_seconds() for n in range(1, 8))
    assert 18 * 3600 <= total <= 30 * 3600
