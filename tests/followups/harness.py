"""Real processes for the scheduling tests: an SMTP sink, Celery workers, beat, a Redis.

The sink is aiosmtpd in a thread of the test process. It records every message it accepts by
Message-ID, and can misbehave on cue: answer 421 for a while, or never answer some recipients.
Workers and beat are real `celery` processes against the test's PostgreSQL database.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import email
import email.policy
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import redis
from aiosmtpd.controller import Controller
from django.conf import settings
from django.utils import timezone

from tests import clock
from tests import services as test_services

ROOT = Path(__file__).resolve().parents[2]
# aiosmtpd logs every SMTP command at INFO: thousands of lines per test.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Mailbox:
    """What the SMTP sink accepted, and how it should behave next."""

    messages: list[email.message.Message] = field(default_factory=list)
    # Each accepted message exactly as it crossed the wire (after the DATA command).
    raw: list[bytes] = field(default_factory=list)
    # DATA gets 421 for this many seconds from the first DATA command: counted from the first
    # message, not from the test's start, so a worker slow to boot still meets the refusals.
    refuse_for: float = 0.0
    refusing_since: float | None = None
    black_holes: set[str] = field(default_factory=set)  # recipients whose RCPT never answers
    refused: int = 0
    # Every RCPT command by address, and every message's data by Message-ID, kept or not: what
    # the server was asked to take, to compare with the attempts the database counted.
    rcpts: Counter = field(default_factory=Counter)
    data_seen: Counter = field(default_factory=Counter)
    rcpt_delay: float = 0.0  # every RCPT is answered after this long
    # Every `late_every`-th message (up to `late_replies` of them) is answered only after
    # `late_by` seconds, with a 451: a server that took too long and kept nothing.
    late_every: int = 1
    late_replies: int = 0
    late_by: float = 0.0
    data_commands: int = 0
    # Close the connection just after accepting a message, as a server closing an idle or
    # overused connection does: the client learns it only when it next writes.
    hang_up_after_data: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.rcpts[address] += 1
        if address in self.black_holes:
            await asyncio.sleep(3600)
        if self.rcpt_delay:
            await asyncio.sleep(self.rcpt_delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.data_seen[_message_id(envelope.content)] += 1
            self.data_commands += 1
            late = self.late_replies > 0 and self.data_commands % self.late_every == 0
            self.late_replies -= late
        if late:
            await asyncio.sleep(self.late_by)
            return "451 4.3.0 Took too long, nothing kept: try again later"
        if self._refusing():
            return "421 4.3.2 Service not available, try again later"
        if self.hang_up_after_data:
            asyncio.get_running_loop().call_later(0.05, server.transport.close)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
            self.raw.append(envelope.original_content or envelope.content)
        return "250 2.0.0 Message accepted for delivery"

    def _refusing(self) -> bool:
        with self.lock:
            if not self.refuse_for:
                return False
            now = time.monotonic()
            if self.refusing_since is None:
                self.refusing_since = now
            refusing = now < self.refusing_since + self.refuse_for
            self.refused += refusing
            return refusing

    def message_ids(self) -> Counter:
        with self.lock:
            # A long Message-ID is folded onto a continuation line; unfold it.
            return Counter(" ".join(str(m["Message-ID"]).split()) for m in self.messages)


def _message_id(content: bytes) -> str:
    headers = content.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace")
    match = re.search(r"^Message-ID:\s*(.*(?:\r\n[ \t].*)*)", headers, re.M | re.I)
    return " ".join(match.group(1).split()) if match else ""


@contextlib.contextmanager
def smtp_sink():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield mailbox, controller.port
    finally:
        controller.stop()


@contextlib.contextmanager
def redis_server():
    """A Redis of the test's own, so it can be flushed and stopped without harming others."""
    port = free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = RedisServer(port=port, process=process)
    server.wait_until_up()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class RedisServer:
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self):
        return redis.Redis(port=self.port, socket_timeout=2, socket_connect_timeout=2)

    def wait_until_up(self, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.RedisError):
                if self.client().ping():
                    return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server on port {self.port} did not start")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def restart(self) -> None:
        self.stop()
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.wait_until_up()


# Sending threads per worker process in these tests.
THREADS = 4


@dataclass
class Cluster:
    """Celery workers and beats sharing one queue of their own on one Redis."""

    tmp_path: Path
    broker_url: str
    smtp_port: int
    queue: str = field(default_factory=lambda: f"followups-{uuid.uuid4().hex[:8]}")
    extra_env: dict[str, str] = field(default_factory=dict)
    # Where the workers' and beats' clocks start; None: the test's own "now".
    clock_at: datetime.datetime | None = None
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def environ(self) -> dict[str, str]:
        defaults = {
            "EMAIL_TIMEOUT": "2",
            "SITE_URL": "http://testserver",
            "FOLLOWUP_LEASE_SECONDS": "8",
            "FOLLOWUP_RETRY_BASE_SECONDS": "1",
            "FOLLOWUP_RETRY_MAX_SECONDS": "2",
            "FOLLOWUP_DISPATCH_EVERY_SECONDS": "1",
            "FOLLOWUP_MAX_IN_FLIGHT": "200",
            "FOLLOWUP_BATCH_SIZE": "100",
            "LOG_LEVEL": "WARNING",
        }
        return test_services.clean_environ(
            DATABASE_URL=test_services.database_url(settings.DATABASES["default"]),
            CELERY_BROKER_URL=self.broker_url,
            CELERY_QUEUE=self.queue,
            CELERY_SKIP_CHECKS="1",
            VAR_DIR=str(self.tmp_path / "var"),
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(self.smtp_port),
            EMAIL_USE_TLS="false",
            **(defaults | self.extra_env),
        )

    def _spawn(self, name: str, arguments: list[str]) -> subprocess.Popen:
        log = (self.tmp_path / f"{name}.log").open("a")
        environ = self.environ()
        if self.clock_at is not None:
            # The process's clock starts there and ticks on (tests/clock_hook/sitecustomize.py).
            environ[clock.SUBPROCESS_VARIABLE] = self.clock_at.isoformat()
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "recruitcrm", *arguments],
            cwd=ROOT,
            env=environ,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[name] = process
        return process

    def start_worker(self, name: str = "worker", threads: int = THREADS) -> subprocess.Popen:
        # As production runs it: a few sending threads per process, so a recipient whose server
        # never answers holds one of them. A SIGKILL interrupts at most one send per thread and
        # loses what each recorded last: the bound on duplicates the fault test checks.
        return self._spawn(
            name,
            [
                "worker",
                "-P",
                "threads",
                "-c",
                str(threads),
                "-Q",
                f"{self.queue},{self.queue}.dispatch",
                "-n",
                f"{name}-{self.queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "warning",
            ],
        )

    def start_beat(self, name: str = "beat") -> subprocess.Popen:
        return self._spawn(
            name,
            [
                "beat",
                "-S",
                "recruitcrm.celery:HeartbeatScheduler",
                "-l",
                "warning",
                "--schedule",
                str(self.tmp_path / f"{name}-schedule"),
            ],
        )

    def kill(self, name: str) -> None:
        process = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name} ---\n{log.read_text()[-3000:]}" for log in self.tmp_path.glob("*.log")
        )


def wait_until(condition, *, timeout: float, every: float = 0.5, cluster: Cluster | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    detail = f"\n{cluster.logs()}" if cluster else ""
    raise AssertionError(f"gave up after {timeout}s waiting for {condition.__name__}{detail}")


def due_followups(
    count: int, *, recipients: int = 100, due_at: datetime.datetime | None = None
) -> list[int]:
    """`count` email follow-ups due now (or at `due_at`), spread over `recipients` candidates,
    in bulk."""
    from candidates.models import Candidate
    from followups.models import FollowUp, MessageTemplate
    from tests.recruitcrm.factories import RecruiterFactory

    recruiter = RecruiterFactory()
    run = uuid.uuid4().hex[:6]
    people = Candidate.objects.bulk_create(
        Candidate(
            first_name=f"Load{i}",
            last_name="Test",
            email=f"load{i}.{run}@sink.example",
            owner=recruiter,
        )
        for i in range(recipients)
    )
    template = MessageTemplate.objects.create(
        name=f"Fault test {run}",
        subject="Update {{ recipient.first_name }}",
        body="Hello {{ recipient.first_name }}, this is an update from {{ recruiter.name }}.",
    )
    now = due_at or timezone.now()
    rows = FollowUp.objects.bulk_create(
        (
            FollowUp(
                key=f"load:{run}:{i}",
                audience="candidate",
                channel="email",
                template=template,
                candidate=people[i % recipients],
                recruiter=recruiter,
                due_at=now,
            )
            for i in range(count)
        ),
        batch_size=2000,
    )
    return [row.pk for row in rows]


def expected_message_ids(ids: list[int]) -> set[str]:
    from followups.models import FollowUp

    return {f.message_id for f in FollowUp.objects.filter(pk__in=ids).only("pk", "key")}
