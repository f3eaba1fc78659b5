"""`manage.py generate_dataset`: a large deterministic data set, loaded fast."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from sample_data.dataset import (
    DATASET_PASSWORD,
    DatasetExists,
    Sizes,
    dataset_cast,
    dataset_generate,
)


class Command(BaseCommand):
    help = (
        "Load a large, deterministic data set (same --seed, same people) beside whatever is "
        "already in the database: candidates with their pipelines, stage history, timelines, "
        "promises and hires, plus the companies, hiring leaders, requisitions and users they "
        "need. On PostgreSQL it uses COPY and locks the tables it loads for the duration: "
        "meant for benchmark and staging databases, not a live one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--candidates", type=int, default=10_000, help="default 10,000")
        parser.add_argument("--seed", type=int, default=1, help="default 1")

    def handle(self, *args, candidates: int, seed: int, **options):
        if candidates < 1:
            raise CommandError("--candidates must be at least 1.")
        sizes = Sizes(candidates)
        self.stdout.write(
            f"Generating seed {seed} on {connection.vendor}: {candidates:,} candidates, "
            f"{sizes.requisitions:,} requisitions, {sizes.companies:,} companies, "
            f"{sizes.leaders:,} hiring leaders, {sizes.recruiters:,} recruiters."
        )
        try:
            report = dataset_generate(candidates=candidates, seed=seed, progress=self._progress)
        except DatasetExists as error:
            raise CommandError(str(error)) from error
        self._print_report(report)
        cast = dataset_cast(seed=seed)
        self.stdout.write(
            f"Sign in as ds{seed}-admin, {cast.recruiter.username} (owns {sizes.busy_book:,} "
            f"candidates in active pipelines) or {cast.leader.username} (leader of requisition "
            f"{cast.big_requisition.pk}, {sizes.big_pipeline:,} applications) with the "
            f"password {DATASET_PASSWORD}."
        )

    def _progress(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    def _print_report(self, report) -> None:
        self.stdout.write("")
        self.stdout.write(f"  {'table':<34}{'rows':>12}{'load s':>9}{'indexes s':>11}")
        total = 0
        for name, table in report.tables.items():
            total += table.rows
            self.stdout.write(
                f"  {name:<34}{table.rows:>12,}{table.load_seconds:>9.1f}"
                f"{table.index_seconds:>11.1f}"
            )
        self.stdout.write(f"  {'all tables':<34}{total:>12,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Done in {report.total_seconds:.1f}s "
                f"(generating rows took {report.generate_seconds:.1f}s of it)."
            )
        )
