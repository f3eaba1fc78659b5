"""Benchmark the follow-up dispatcher on a scratch PostgreSQL database.

1. Finding due rows: the claim query's time with 1,000 due rows, then again with 1,000,000
   future rows added. The partial index on due email rows should keep the two alike.
2. Throughput: N due follow-ups sent by real Celery workers to a local SMTP sink, claimed by the
   same code beat runs; reports follow-ups per second.

It deletes follow-ups, so it refuses any database whose name does not contain "bench".
"""

from __future__ import annotations

import io
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from candidates.models import Candidate
from followups.models import FollowUp, MessageTemplate
from followups.services import followups_claim_due, followups_due_ids
from followups.tasks import deliver_one_batch
from recruitcrm.models import User

ROOT = Path(settings.BASE_DIR)
# Sending threads per worker process: enough to keep the sink busy while others wait on it.
THREADS = 4
COPY_COLUMNS = (
    "key",
    "audience",
    "channel",
    "template_id",
    "candidate_id",
    "recruiter_id",
    "due_at",
    "state",
    "attempts",
    "last_error",
    "note",
    "task_title",
    "facts",
    "created_at",
    "updated_at",
)


class Command(BaseCommand):
    help = "Measure how fast the dispatcher finds due follow-ups and sends them (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--due", type=int, default=100_000, help="follow-ups to send")
        parser.add_argument("--future", type=int, default=1_000_000, help="future rows to add")
        parser.add_argument(
            "--workers", default="1,2,4", help="Celery worker processes, one run per number"
        )
        parser.add_argument(
            "--threads", type=int, default=THREADS, help="sending threads per worker process"
        )
        parser.add_argument(
            "--sink",
            choices=["lean", "aiosmtpd"],
            default="lean",
            help="benchmarks/smtp_sink.py (offers PIPELINING), or aiosmtpd's Sink",
        )

    def handle(self, *args, due, future, workers, threads, sink, **options):
        database = settings.DATABASES["default"]
        if connection.vendor != "postgresql" or "bench" not in database["NAME"]:
            raise CommandError(
                "bench_dispatch deletes follow-ups: run it on a scratch PostgreSQL database whose "
                "name contains 'bench' (make bench-dispatch creates one)."
            )
        FollowUp.objects.all().delete()
        template, people, recruiter = self._recipients()
        if future:
            self._lookup(future, template, people, recruiter)
        for count in [int(n) for n in workers.split(",")]:
            FollowUp.objects.filter(key__startswith="bench:send:").delete()
            self._insert(due, template, people, recruiter, due_in_seconds=-60, prefix="send")
            run = self._throughput(due, count, threads, sink)
            self.stdout.write(
                f"Throughput: {due:,} follow-ups sent by {count} worker process(es) with {threads} "
                f"threads to a local SMTP sink ({sink}) in {run.elapsed:.1f} s = {run.rate:.0f} "
                f"follow-ups/s. CPU per message: {run.cpu_line()} ({nproc()} cores)."
            )
        FollowUp.objects.filter(key__startswith="bench:").delete()

    def _lookup(self, future, template, people, recruiter):
        self._insert(1_000, template, people, recruiter, due_in_seconds=-60, prefix="due")
        find_before, claim_before = self._time_to_find_due()
        started = time.perf_counter()
        self._insert(
            future, template, people, recruiter, due_in_seconds=86400 * 30, prefix="future"
        )
        inserted = time.perf_counter() - started
        find_after, claim_after = self._time_to_find_due()
        self.stdout.write(
            f"Finding 200 due rows among 1,000 (median of 25): {find_before * 1000:.2f} ms; "
            f"after adding {future:,} future rows (inserted in {inserted:.0f} s): "
            f"{find_after * 1000:.2f} ms."
        )
        self.stdout.write(
            f"A whole claim of 200 rows (find, lock, lease): {claim_before * 1000:.1f} ms "
            f"before, {claim_after * 1000:.1f} ms after."
        )
        FollowUp.objects.filter(key__startswith="bench:due:").delete()

    def _recipients(self):
        recruiter, _ = User.objects.get_or_create(
            username="bench-recruiter", defaults={"first_name": "Bench", "last_name": "Recruiter"}
        )
        template, _ = MessageTemplate.objects.get_or_create(
            name="Benchmark update",
            defaults={
                "subject": "An update on your application, {{ recipient.first_name }}",
                "body": "Hi {{ recipient.first_name }},\n\nA quick update from "
                "{{ recruiter.name }}.\n\nThanks",
            },
        )
        run = uuid.uuid4().hex[:6]
        people = Candidate.objects.bulk_create(
            Candidate(
                first_name=f"Bench{i}",
                last_name="Person",
                email=f"b{i}.{run}@sink.test",
                owner=recruiter,
            )
            for i in range(1000)
        )
        return template, people, recruiter

    def _insert(self, count, template, people, recruiter, *, due_in_seconds, prefix):
        """COPY rows in: a million INSERTs would measure the insert, not the dispatcher."""
        due_at = (timezone.now() + timezone.timedelta(seconds=due_in_seconds)).isoformat()
        now = timezone.now().isoformat()
        chunk = 100_000
        with connection.cursor() as cursor:
            for start in range(0, count, chunk):
                buffer = io.StringIO()
                for i in range(start, min(count, start + chunk)):
                    person = people[i % len(people)]
                    buffer.write(
                        f"bench:{prefix}:{i}\tcandidate\temail\t{template.pk}\t{person.pk}\t"
                        f"{recruiter.pk}\t{due_at}\tscheduled\t0\t\t\t\t{{}}\t{now}\t{now}\n"
                    )
                buffer.seek(0)
                cursor.cursor.copy_expert(
                    f"COPY followups_followup ({', '.join(COPY_COLUMNS)}) FROM STDIN", buffer
                )
            cursor.execute("ANALYZE followups_followup")

    def _time_to_find_due(self) -> tuple[float, float]:
        """Median time of the due-row lookup alone, and of a whole claim (rolled back)."""
        finding, claiming = [], []
        for _ in range(25):
            with transaction.atomic():
                started = time.perf_counter()
                followups_due_ids(now=timezone.now(), limit=200)
                finding.append(time.perf_counter() - started)
                started = time.perf_counter()
                followups_claim_due(batch_size=200)
                claiming.append(time.perf_counter() - started)
                transaction.set_rollback(True)
        return statistics.median(finding), statistics.median(claiming)

    def _throughput(self, due, workers, threads, kind) -> Run:
        with _smtp_sink(kind) as sink, _workers(workers, threads, sink.port) as (queue, processes):
            os.environ["CELERY_QUEUE"] = queue
            settings.CELERY_TASK_DEFAULT_QUEUE = queue
            from recruitcrm.celery import app

            app.conf.task_default_queue = queue
            postgres = _postgres_processes()
            counted = {
                "worker": processes,
                "PostgreSQL": postgres,
                "sink": [sink.pid],
                "dispatcher": [os.getpid()],
            }
            cpu_before = {name: _cpu_seconds(pids) for name, pids in counted.items()}
            started = time.perf_counter()
            remaining = due
            last_count = last_report = started
            while remaining:
                if not deliver_one_batch():
                    time.sleep(0.05)
                if time.perf_counter() - last_count >= 0.5:
                    last_count = time.perf_counter()
                    remaining = _unsent()
                if time.perf_counter() - last_report > 10:
                    last_report = time.perf_counter()
                    sent = due - remaining
                    self.stdout.write(f"  … {sent:,} sent, {sent / (last_report - started):.0f}/s")
            elapsed = time.perf_counter() - started
            cpu = {name: _cpu_seconds(pids) - cpu_before[name] for name, pids in counted.items()}
        failed = FollowUp.objects.filter(key__startswith="bench:send:").exclude(state="sent")
        if failed.exists():
            raise CommandError(
                f"{failed.count()} follow-ups did not send: {failed.first().last_error}"
            )
        return Run(due=due, elapsed=elapsed, cpu=cpu)


@dataclass
class Run:
    due: int
    elapsed: float
    cpu: dict[str, float]

    @property
    def rate(self) -> float:
        return self.due / self.elapsed

    def cpu_line(self) -> str:
        per_message = {name: seconds * 1000 / self.due for name, seconds in self.cpu.items()}
        parts = [f"{name} {ms:.2f} ms" for name, ms in per_message.items()]
        return f"{', '.join(parts)}; {sum(per_message.values()):.2f} ms in all"


def nproc() -> int:
    return os.cpu_count() or 1


def _cpu_seconds(pids) -> float:
    """User and system CPU time of these processes (and of their finished children), from /proc;
    a process gone since is counted as nothing."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime, stime, cutime, cstime: fields 14-17 of stat(5), counted from after the name.
        total += sum(int(value) for value in fields[11:15])
    return total / ticks


def _postgres_processes() -> list[int]:
    """The server process of this database and every process of its cluster (backends,
    WAL writer, checkpointer …): the children of our backend's parent."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    try:
        status = Path(f"/proc/{backend}/status").read_text()
    except OSError:
        return []  # a server on another machine: its CPU is not ours to read
    parent = next(line for line in status.splitlines() if line.startswith("PPid:"))
    postmaster = int(parent.split()[1])
    children = Path(f"/proc/{postmaster}/task/{postmaster}/children")
    return [postmaster, *(int(pid) for pid in children.read_text().split())]


def _unsent() -> int:
    """Rows due or out for sending, counted through the dispatcher's own partial indexes."""
    due = FollowUp.objects.filter(state="scheduled", channel="email", due_at__lte=timezone.now())
    return due.count() + FollowUp.objects.filter(state="sending").count()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Sink:
    port: int
    pid: int


def _sink_command(kind: str, port: int) -> list[str]:
    if kind == "aiosmtpd":
        address = f"127.0.0.1:{port}"
        return ["-m", "aiosmtpd", "-n", "-l", address, "-c", "aiosmtpd.handlers.Sink"]
    return ["-m", "benchmarks.smtp_sink", str(port)]


@contextmanager
def _smtp_sink(kind: str):
    port = _free_port()
    sink = subprocess.Popen(
        [sys.executable, *_sink_command(kind, port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1)
    try:
        yield Sink(port=port, pid=sink.pid)
    finally:
        sink.terminate()
        sink.wait(timeout=10)


@contextmanager
def _workers(count, threads, smtp_port):
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    env = os.environ | {
        "CELERY_QUEUE": queue,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        "LOG_LEVEL": "WARNING",
    }
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "recruitcrm",
                "worker",
                "-P",
                "threads",
                "-c",
                str(threads),
                "-Q",
                f"{queue},{queue}.dispatch",
                "-n",
                f"bench{i}-{queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(count)
    ]
    time.sleep(3)
    try:
        yield queue, [process.pid for process in processes]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
