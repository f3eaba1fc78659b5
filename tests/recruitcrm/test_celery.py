"""A real Celery worker and a real beat, as production runs them, against the test's Redis and
the test's own PostgreSQL database: the worker (as soon as it is ready, and from its periodic
task) and the scheduler must leave their heartbeat rows where the test can see them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.db import OperationalError

from recruitcrm.celery import HeartbeatScheduler, app
from recruitcrm.models import Heartbeat
from recruitcrm.tasks import record_worker_heartbeat
from tests import services

# A real worker or beat must reach the rows the test reads, so the database is the test's own
# PostgreSQL database (transactional_db commits for real); SQLite's in-memory test database
# cannot be shared with another process.

DEADLINE_SECONDS = 30
# From the worker saying "ready" to its heartbeat row being there.
READY_SECONDS = 3


def celery_environ(tmp_path) -> dict[str, str]:
    return services.clean_environ(
        DATABASE_URL=services.database_url(settings.DATABASES["default"]),
        CELERY_BROKER_URL=services.redis_url(),
        VAR_DIR=str(tmp_path / "var"),
        # The Django system checks have run in this process already; skip them in the child.
        CELERY_SKIP_CHECKS="1",
    )


def start(command: list[str], tmp_path, name: str) -> tuple[subprocess.Popen, object]:
    log = (tmp_path / f"{name}.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "recruitcrm", *command],
        cwd=settings.BASE_DIR,
        env=celery_environ(tmp_path),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process, log


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def wait_for_heartbeat(
    process_kind: str, child: subprocess.Popen, log, seconds: float = DEADLINE_SECONDS
) -> Heartbeat:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        heartbeat = Heartbeat.objects.filter(process=process_kind).first()
        if heartbeat is not None:
            return heartbeat
        if child.poll() is not None:
            break
        time.sleep(0.2)
    log.seek(0)
    pytest.fail(
        f"no {process_kind} heartbeat within {seconds}s "
        f"(exit code {child.poll()}); its output:\n{log.read()[-4000:]}"
    )


def wait_for_ready(child: subprocess.Popen, log) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        log.seek(0)
        if " ready." in log.read():
            return
        if child.poll() is not None:
            break
        time.sleep(0.2)
    log.seek(0)
    pytest.fail(f"the worker was not ready within {DEADLINE_SECONDS}s; its output:\n{log.read()}")


def worker_command(queue: str) -> list[str]:
    # A queue of the test's own, so a worker started by someone else on the same Redis
    # cannot take the message, and this worker takes nothing else.
    return [
        *("worker", "-l", "info", "--concurrency", "1", "-Q", queue),
        *("--without-gossip", "--without-mingle", "--hostname", f"{queue}@%h"),
    ]


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.slow
def test_a_real_worker_runs_the_heartbeat_task_against_redis(transactional_db, tmp_path):
    queue = f"test-{uuid.uuid4().hex}"
    worker, log = start(worker_command(queue), tmp_path, "worker")
    try:
        with app.connection_for_write(services.redis_url()) as conn:
            record_worker_heartbeat.apply_async(connection=conn, queue=queue)
            heartbeat = wait_for_heartbeat("worker", worker, log)
            conn.default_channel.queue_delete(queue)
    finally:
        stop(worker)
        log.close()

    assert heartbeat.hostname
    assert not Heartbeat.objects.filter(process="beat").exists()


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.slow
def test_a_real_worker_is_seen_alive_as_soon_as_it_is_ready_without_beat(
    transactional_db, tmp_path
):
    # No beat and no task sent: only the worker starting up can leave this row.
    worker, log = start(worker_command(f"test-{uuid.uuid4().hex}"), tmp_path, "worker")
    try:
        wait_for_ready(worker, log)
        heartbeat = wait_for_heartbeat("worker", worker, log, seconds=READY_SECONDS)
        assert worker.poll() is None, "the worker exited after recording its heartbeat"
    finally:
        stop(worker)
        log.close()

    assert heartbeat.hostname
    assert not Heartbeat.objects.filter(process="beat").exists()


def test_a_worker_starts_even_when_its_first_heartbeat_cannot_be_recorded(monkeypatch, caplog):
    from recruitcrm.celery import _record_ready_worker

    def database_gone(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("recruitcrm.services.heartbeat_record", database_gone)

    _record_ready_worker(sender=None)

    assert "could not record its heartbeat" in caplog.text


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.slow
def test_real_beat_with_the_heartbeat_scheduler_records_that_beat_is_alive(
    transactional_db, tmp_path
):
    beat, log = start(
        [
            "beat",
            "-l",
            "info",
            "-S",
            "recruitcrm.celery:HeartbeatScheduler",
            "--schedule",
            str(tmp_path / "celerybeat-schedule"),
        ],
        tmp_path,
        "beat",
    )
    try:
        heartbeat = wait_for_heartbeat("beat", beat, log)
        assert beat.poll() is None, "beat exited after recording its heartbeat"
    finally:
        stop(beat)
        log.close()

    assert heartbeat.hostname


def test_beat_keeps_ticking_when_its_heartbeat_cannot_be_recorded(
    db, tmp_path, monkeypatch, caplog
):
    def database_gone(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("recruitcrm.services.heartbeat_record", database_gone)
    scheduler = HeartbeatScheduler(
        app=app, schedule_filename=str(tmp_path / "celerybeat-schedule"), lazy=True
    )

    scheduler._record_heartbeat()

    assert "beat could not record its heartbeat" in caplog.text
