"""`manage.py bench_pages` (make bench): every page of benchmarks/pages.py timed under gunicorn.

How to read the table. Each page is requested `--runs` times after `--warmup` requests, one at a
time, its runs spread over `--rounds` rounds of the whole list (so that a second or two in which
the machine slows down falls on every page alike, not on the one page timed then), signed in as
the data set's busiest recruiter (or the big requisition's hiring leader, or the data set's
admin for the outbox).
Every figure is the server's own, from its Server-Timing header: the time Django spent on the
request, from the first middleware in to the response out, without gunicorn, the network or
the client.

- median, p95: the middle and the 95th-percentile server time.
- x median, x p95: the same as a multiple of the trivial view's (a view that only answers "ok",
  through every middleware), timed in the same run after each page request, so a busy machine
  slows both alike. The ratios compare across machines; the milliseconds do not.
- SQL median: the part of the median spent waiting for the database; the rest is Python.
- queries: statements per request (a range when it varied); size: the median body.
- targets: "met", or which of issue #7's targets the page misses (median within 20x and p95
  within 40x of the trivial view, at most 10 queries; a page with a tighter median target of
  its own says so: the candidate page 8x, issue #7; the leader's progress page 6x, issue #8).

A page that answers 404 is "not built yet". Slow pages do not fail the run; errors do (a page
that answers 500, a sign-in that fails, a server that does not start).
"""

from __future__ import annotations

import os
import platform
import socket
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from benchmarks import pages as page_list
from benchmarks.database import NotABenchDatabase, database_size, dataset_once
from benchmarks.recurring import describe, time_first_expansion
from benchmarks.report import Summary, format_table
from benchmarks.runner import BenchError, Client, Plan, gunicorn, measure_all
from candidates.analytics_snapshots import refresh_defaults
from candidates.models import Application, Candidate
from hiring_leaders.models import Requisition
from recruitcrm.models import User
from sample_data.dataset import DATASET_PASSWORD, _admin_username, dataset_cast

ANALYTICS_PAGES = ("analytics", "post-hire")

LEGEND = """\
Server time inside Django per request (its Server-Timing header); "x" columns: that time as a
multiple of the trivial view's, timed in the same run. Targets (issue #7): median within 20x
(the candidate page 8x; the leader's progress page 6x, issue #8) and p95 within 40x of the
trivial view, at most 10 queries. How to read it all: the docstring of
benchmarks/management/commands/bench_pages.py."""


class Command(BaseCommand):
    help = (
        "Build the large data set once (kept in this PostgreSQL database, whose name must "
        "contain 'bench'), then time each page of benchmarks/pages.py under gunicorn against a "
        "trivial view, and print median and 95th-percentile server time, SQL time, query count "
        "and size per page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--candidates", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--pages",
            action="append",
            help="only these pages (comma-separated or repeated); names in benchmarks/pages.py",
        )
        parser.add_argument("--runs", type=int, default=200, help="measured requests per page")
        parser.add_argument("--warmup", type=int, default=30, help="requests before measuring")
        parser.add_argument(
            "--rounds",
            type=int,
            default=4,
            help="each page's runs spread over this many rounds of the whole list",
        )
        parser.add_argument(
            "--seconds-per-page",
            type=float,
            default=60,
            help="a slower page stops measuring after this long (after at least 20 runs)",
        )
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument(
            "--dataset-only", action="store_true", help="build or find the data set, time nothing"
        )
        parser.add_argument(
            "--recurring-slices",
            type=int,
            help="runs of the recurring expansion to time after the pages (default 2, or 0 "
            "when --pages names some)",
        )

    def handle(self, *args, **options):
        names = [n for value in options["pages"] or () for n in value.split(",")]
        try:
            pages = page_list.select_pages(page_list.PAGES, names)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if min(options["runs"], options["workers"], options["rounds"]) < 1:
            raise CommandError("--runs, --workers and --rounds must be at least 1.")
        if options["warmup"] < 0 or options["rounds"] > options["runs"]:
            raise CommandError("--warmup must be at least 0, --rounds at most --runs.")
        self._dataset(options["candidates"], options["seed"])
        if options["dataset_only"]:
            return
        self.seed = options["seed"]
        cast = dataset_cast(seed=self.seed)
        self._describe_cast(cast)
        if any(page.name.startswith(ANALYTICS_PAGES) for page in pages):
            self._count_analytics()
        urls = [(page, self._url(page, cast)) for page in pages]
        plan = Plan(
            options["warmup"], options["runs"], options["seconds_per_page"], options["rounds"]
        )
        results, yardstick = self._measure(urls, cast, plan, options["workers"])
        self.stdout.write("")
        self.stdout.write(format_table(results, Summary.of(yardstick)))
        self.stdout.write("")
        self.stdout.write(LEGEND)
        slices = options["recurring_slices"]
        if slices is None:
            slices = 0 if names else 2
        if slices > 0:
            self.stdout.write("")
            figures, last = time_first_expansion(slices=slices)
            self.stdout.write("\n".join(describe(figures, last)))
        problems = [f"{r.name}: {r.problem}" for r in results if r.problem]
        if problems:
            raise CommandError("Some pages could not be timed:\n  " + "\n  ".join(problems))

    def _dataset(self, candidates: int, seed: int) -> None:
        try:
            loaded, reused = dataset_once(candidates=candidates, seed=seed, out=self.stdout)
        except NotABenchDatabase as error:
            raise CommandError(str(error)) from error
        how = "reused, generated" if reused else "generated"
        minutes, seconds = divmod(round(loaded.seconds), 60)
        self.stdout.write(
            f"Data set: {loaded.candidates:,} candidates (seed {loaded.seed}) in "
            f"{settings.DATABASES['default']['NAME']}, {database_size()} on disk; {how} "
            f"{loaded.generated_at:%Y-%m-%d %H:%M} UTC in {minutes} min {seconds} s "
            f"(+ {loaded.vacuum_seconds:.0f} s VACUUM ANALYZE)."
        )
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        self.stdout.write(
            f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"PostgreSQL {version}."
        )

    def _count_analytics(self) -> None:
        """The analytics' default views as beat keeps them counted on a running system (the
        agency's are counted by the worker, never in a request): counted once before timing,
        so the pages are timed as a visitor finds them, not on their "Counting…" note."""
        started = time.perf_counter()
        views = refresh_defaults()
        self.stdout.write(
            f"Analytics' default views counted as beat counts them: {views} views in "
            f"{time.perf_counter() - started:.1f} s."
        )

    def _describe_cast(self, cast) -> None:
        active = Candidate.objects.filter(
            owner=cast.recruiter,
            applications__outcome=Application.Outcome.ACTIVE,
            applications__requisition__status__in=[
                Requisition.Status.OPEN,
                Requisition.Status.ON_HOLD,
            ],
        )
        self.stdout.write(
            f"As {cast.recruiter.username} ({active.distinct().count():,} candidates in active "
            f"pipelines) and {cast.leader.username} (leader of requisition "
            f"{cast.big_requisition.pk}, {cast.big_requisition.applications.count():,} "
            "applications)."
        )

    def _url(self, page, cast) -> str:
        try:
            return page_list.resolve_url(page, cast)
        except Exception as error:
            raise CommandError(f"could not find the URL of {page.name}: {error!r}") from error

    def _measure(self, urls, cast, plan: Plan, workers: int):
        if settings.STATIC_MANIFEST:
            call_command("collectstatic", interactive=False, verbosity=0)
        # gunicorn's workers open their own connections; this one would only sit idle.
        connection.close()
        port = _free_port()
        log = Path(settings.VAR_DIR) / "bench-gunicorn.log"
        self.stdout.write(
            f"gunicorn: the Procfile's web process on port {port}, {workers} workers, DEBUG "
            f"false, STATIC_MANIFEST {str(settings.STATIC_MANIFEST).lower()}, log {log}; "
            f"{plan.warmup} warm-up + {plan.runs} measured requests per page."
        )
        try:
            with gunicorn(port=port, workers=workers, log=log):
                clients = self._sign_in(port, cast, {page.as_ for page, _url in urls})
                todo = [
                    (page.name, url, clients[page.as_], page.median_target) for page, url in urls
                ]
                return measure_all(todo, plan, self.stdout.write)
        except BenchError as error:
            raise CommandError(str(error)) from error

    def _sign_in(self, port: int, cast, roles: set[str]) -> dict[str, Client]:
        users = {
            page_list.RECRUITER: cast.recruiter,
            page_list.LEADER: cast.leader,
            page_list.ADMIN: User.objects.get(username=_admin_username(self.seed)),
        }
        clients = {}
        for role in sorted(roles):
            clients[role] = Client(port)
            clients[role].sign_in(users[role].username, DATASET_PASSWORD)
        return clients


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
