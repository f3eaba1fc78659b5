import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from benchmarks.report import sample_from
from benchmarks.timing import ServerTimingMiddleware
from recruitcrm.models import User
from tests.services import clean_environ

ROOT = Path(__file__).resolve().parents[2]
MIDDLEWARE = "benchmarks.timing.ServerTimingMiddleware"

# Run in a child process, which reads the settings with BENCH_TIMING as the bench sets it.
PROBE = """
from django.test import Client
from django.conf import settings
answer = Client(HTTP_HOST="127.0.0.1").get("/bench/trivial/")
print(settings.MIDDLEWARE[0], answer.status_code, answer.content.decode(), sep="|")
print(answer["Server-Timing"])
"""


@pytest.mark.django_db
def test_the_timing_middleware_and_the_trivial_view_are_absent_unless_the_bench_asks(
    client, recruiter
):
    assert not settings.BENCH_TIMING
    assert MIDDLEWARE not in settings.MIDDLEWARE
    assert client.get("/bench/trivial/").status_code == 404
    client.force_login(recruiter)
    page = client.get("/candidates/")
    assert page.status_code == 200
    assert "Server-Timing" not in page


@pytest.mark.django_db
def test_the_middleware_counts_and_times_the_queries_a_request_makes():
    def view(request):
        User.objects.count()
        User.objects.exists()
        return HttpResponse("ok")

    before = list(connection.execute_wrappers)
    response = ServerTimingMiddleware(view)(RequestFactory().get("/"))

    timed = sample_from(response.status_code, response["Server-Timing"], len(response.content))
    assert timed.queries == 2
    assert 0 < timed.sql_ms <= timed.total_ms
    assert connection.execute_wrappers == before  # gone once the request is answered


def test_with_bench_timing_every_response_says_how_long_the_server_took(tmp_path):
    child = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", PROBE],
        cwd=ROOT,
        env=clean_environ(BENCH_TIMING="true", VAR_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert child.returncode == 0, child.stderr
    first, timing = child.stdout.strip().splitlines()[-2:]
    assert first == f"{MIDDLEWARE}|200|ok"
    assert timing.startswith("total;dur=")
    assert ", sql;dur=0.000, queries;desc=0" in timing
