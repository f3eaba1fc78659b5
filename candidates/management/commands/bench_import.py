"""Time a CSV import of many candidates: `manage.py bench_import --rows 100000`.

Builds a deterministic file like a real export (names, emails, phones, titles, sources, two
tags each; some rows for people already on file, some for a requisition, a few with errors),
then times what the recruiter waits for: checking the upload (read, check, match, keep the
rows for the preview) and writing the confirmed import (what the worker does). Everything is
rolled back at the end unless --keep is given; the deferred constraint checks a commit would
run are forced inside the timed part, so rolling back hides no cost. Run it on a scratch
database: `generate_dataset` first gives it people on file to match.
"""

from __future__ import annotations

import random
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from candidates.imports import (
    candidate_import_check,
    candidate_import_commit,
    candidate_import_create,
    candidate_import_decide_all,
)
from candidates.models import Candidate, CandidateImport
from hiring_leaders.models import Requisition
from recruitcrm.models import User

FIRST = ["Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Dennis", "Barbara", "Ken"]
LAST = ["Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Ritchie", "Liskov"]
TITLES = ["Backend engineer", "Product designer", "Data analyst", "Account executive", ""]
SOURCES = ["LinkedIn", "Referral", "job board", "Careers site", "", "event"]
TAGS = [f"skill-{n}" for n in range(30)]


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time checking and writing a CSV import (rolled back unless --keep)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--keep", action="store_true", help="commit the imported rows")

    def handle(self, *args, rows: int, seed: int, keep: bool, **options):
        try:
            with transaction.atomic():
                self._run(rows=rows, seed=seed)
                if not keep:
                    raise Rollback
        except Rollback:
            self.stdout.write("rolled back (--keep to commit)")

    def _run(self, *, rows: int, seed: int) -> None:
        owner, _ = User.objects.get_or_create(
            username="bench-import", defaults={"role": User.Role.RECRUITER}
        )
        on_file = list(
            Candidate.objects.exclude(email="").values_list("email", flat=True)[: rows // 10]
        )
        requisition = Requisition.objects.filter(status="open").order_by("pk").first()
        data = self._file(rows, seed, on_file, requisition)
        self.stdout.write(
            f"{rows:,} rows, {len(data) / 1e6:.1f} MB; {Candidate.objects.count():,} candidates "
            f"on file; {len(on_file):,} rows match them; requisition: "
            f"{requisition.title if requisition else 'none'}"
        )

        check_started = time.perf_counter()
        candidate_import = candidate_import_create(
            upload=SimpleUploadedFile("bench.csv", data, "text/csv"), by=owner
        )
        # What the worker does for a large file once the upload has committed.
        candidate_import = candidate_import_check(candidate_import=candidate_import, by=owner)
        checked = time.perf_counter()
        self.stdout.write(
            f"check the upload: {checked - check_started:.1f} s — "
            f"{candidate_import.new_count:,} new, "
            f"{candidate_import.match_count:,} matches, {candidate_import.error_count:,} errors"
        )

        candidate_import_decide_all(candidate_import=candidate_import, decision="update", by=owner)
        CandidateImport.objects.filter(pk=candidate_import.pk).update(status="queued")
        started = time.perf_counter()
        result = candidate_import_commit(candidate_import=candidate_import, by=owner)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        written = time.perf_counter()
        self.stdout.write(
            f"write the import: {written - started:.1f} s — {result.status}: "
            f"{result.created_count:,} created, {result.updated_count:,} updated "
            f"{result.failure}"
        )
        total = (checked - check_started) + (written - started)
        self.stdout.write(f"total: {total:.1f} s")

    def _file(self, rows: int, seed: int, on_file: list[str], requisition) -> bytes:
        chance = random.Random(seed)
        lines = ["First name,Last name,Email,Phone,Title,Source,Tags,Requisition"]
        for n in range(rows):
            first, last = chance.choice(FIRST), chance.choice(LAST)
            email = on_file[n] if n < len(on_file) else f"{first}.{last}.{n}@bench.example".lower()
            if n % 100 == 99:
                email = f"broken-{n}@"  # about 1% of rows have an error
            tags = f'"{chance.choice(TAGS)}; {chance.choice(TAGS)}"'
            where = f"#{requisition.pk}" if requisition and n % 5 == 0 else ""
            lines.append(
                f"{first},{last},{email},+1 555 {n:07d},{chance.choice(TITLES)},"
                f"{chance.choice(SOURCES)},{tags},{where}"
            )
        return ("\r\n".join(lines) + "\r\n").encode()
