"""The database backend's health check (recruitcrm/postgresql): a connection that answered a
moment ago is used as it is; one idle for longer is checked first, and replaced if it died
while it sat idle, so the request that reuses it still works."""

from __future__ import annotations

import time

import psycopg2
import pytest
from django.db import close_old_connections, connection

from recruitcrm.postgresql.base import TRUSTED_FOR

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def checks(monkeypatch) -> list[bool]:
    """Each health check the connection runs, with its answer."""
    ran = []
    is_usable = connection.is_usable

    def counted():
        ran.append(is_usable())
        return ran[-1]

    monkeypatch.setattr(connection, "is_usable", counted)
    return ran


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_connection_that_just_answered_is_reused_without_a_check(checks):
    first = backend_pid()
    close_old_connections()  # what each request does as it starts

    assert backend_pid() == first
    assert checks == []


def test_a_connection_idle_for_longer_is_checked_once_per_request(checks):
    first = backend_pid()
    connection.answered_at = time.monotonic() - TRUSTED_FOR - 1
    close_old_connections()

    assert backend_pid() == first
    assert backend_pid() == first
    assert checks == [True]


def test_a_connection_that_died_while_idle_is_replaced_and_the_request_works(checks):
    first = backend_pid()
    connection.answered_at = time.monotonic() - TRUSTED_FOR - 1
    settings = connection.settings_dict
    with psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"],
        password=settings["PASSWORD"],
    ) as other:
        other.cursor().execute("SELECT pg_terminate_backend(%s)", [first])
    close_old_connections()

    assert backend_pid() != first
    assert checks == [False]
