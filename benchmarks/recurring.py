"""The recurring expansion's first run on the data set, timed slice by slice and rolled back.

The data set holds recruiter1's "gone quiet" reminders only, so for everyone else the expansion
finds what a first run over a million candidates finds (the issue measured 588 s and 708,000
rows in one go). Each run now stops after RECURRING_SECONDS and the next carries on; the bench
times the first few runs, says how far through the candidates they got, and rolls it all back
so the kept data set stays as it was built, and makes that true of its storage too: rolled
back, a run's 170,000 follow-ups are dead rows in the table and entries in its indexes, which
the outbox's walks then step over. The table is vacuumed (the dead rows go, as autovacuum would
take them on a server that has it on) and its indexes rebuilt (the pages the entries had split
stay half empty after a vacuum, and the outbox's counts walk twice as many). On a server with
autovacuum off, two `make bench` runs had taken the outbox's pages from 3.3 ms to 6.3 ms;
vacuumed but not rebuilt, its failed emails still took 7.6 ms where they had taken 4.0.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max

from candidates.models import Candidate
from followups.models import FollowUp, RecurringSweep
from followups.services import recurring


@dataclass(frozen=True)
class Slice:
    seconds: float
    created: int
    reached: int | None  # the last candidate id walked; None: the walk got to the end


def time_first_expansion(*, slices: int) -> tuple[list[Slice], int]:
    """Up to `slices` runs of the expansion in one rolled-back transaction; and the top id."""
    figures = []
    with transaction.atomic():
        last = Candidate.objects.aggregate(last=Max("pk"))["last"] or 0
        for _ in range(slices):
            before = FollowUp.objects.count()
            started = time.monotonic()
            recurring.followups_schedule_recurring()
            seconds = time.monotonic() - started
            sweep = RecurringSweep.objects.order_by("pk").first()
            reached = sweep.after_candidate_id if sweep else None
            figures.append(Slice(seconds, FollowUp.objects.count() - before, reached))
            if reached is None:
                break
        transaction.set_rollback(True)
    _as_built(FollowUp, RecurringSweep)
    return figures, last


def _as_built(*models) -> None:
    """Each table vacuumed and its indexes rebuilt (VACUUM runs only outside a transaction)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"VACUUM {table}")
            cursor.execute(f"REINDEX TABLE {table}")


def describe(figures: list[Slice], last: int) -> list[str]:
    lines = [
        f"Recurring expansion (candidates gone quiet), first run on this data set, in slices of "
        f"at most {recurring.RECURRING_SECONDS:.0f} s each (rolled back afterwards):"
    ]
    for number, piece in enumerate(figures, start=1):
        where = (
            "reached the last candidate"
            if piece.reached is None
            else f"stopped after candidate {piece.reached:,} of {last:,} "
            f"({100 * piece.reached / max(last, 1):.0f}% of the walk)"
        )
        lines.append(
            f"  slice {number}: {piece.seconds:.1f} s, {piece.created:,} follow-ups written, "
            f"{where}"
        )
    done = figures[-1].reached if figures else None
    if done:
        rate = done / sum(piece.seconds for piece in figures)
        left = (last - done) / rate
        lines.append(
            f"  at that pace the rest takes about {left:.0f} s more: "
            f"{left / recurring.RECURRING_SECONDS:.0f} more slices, one per beat run"
        )
    return lines
