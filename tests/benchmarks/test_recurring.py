"""`make bench` times the recurring expansion's first slices and leaves the data as it was."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks.recurring import Slice, describe, time_first_expansion
from followups.models import FollowUp, RecurringSweep
from followups.services import recurring
from tests.candidates.factories import ApplicationFactory, CandidateFactory

# Outside a test's transaction: the bench vacuums what the rolled-back runs wrote, which
# PostgreSQL does only outside one.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def quiet_backlog(shipped_cadences, requisition):
    long_ago = timezone.now() - datetime.timedelta(days=12)
    for _ in range(9):
        ApplicationFactory(
            requisition=requisition,
            candidate=CandidateFactory(last_contacted_at=long_ago),
            stage="screened",
            stage_changed_at=long_ago,
        )


def test_it_times_slices_of_the_first_run_then_rolls_them_back(quiet_backlog, monkeypatch):
    monkeypatch.setattr(recurring, "RECURRING_SECONDS", 0.0)
    monkeypatch.setattr(recurring, "RECURRING_CHUNK", 4)

    figures, last = time_first_expansion(slices=2)

    assert len(figures) == 2
    # Four tasks and four notes a slice (the first one also schedules the leader's update).
    assert figures[0].created in (8, 9)
    assert figures[1].created == 8
    assert all(piece.reached is not None and piece.reached <= last for piece in figures)
    assert not FollowUp.objects.exists()
    assert not RecurringSweep.objects.exists()


def test_the_tables_the_runs_wrote_are_vacuumed_and_reindexed_after_the_rollback(quiet_backlog):
    with CaptureQueriesContext(connection) as queries:
        time_first_expansion(slices=1)

    upkeep = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("VAC", "REI"))]
    assert upkeep == [
        f'VACUUM "{FollowUp._meta.db_table}"',
        f'REINDEX TABLE "{FollowUp._meta.db_table}"',
        f'VACUUM "{RecurringSweep._meta.db_table}"',
        f'REINDEX TABLE "{RecurringSweep._meta.db_table}"',
    ]
    assert queries.captured_queries[-1]["sql"] == upkeep[-1]


def test_a_walk_that_ends_says_so_and_nothing_is_projected(quiet_backlog):
    figures, last = time_first_expansion(slices=3)

    assert len(figures) == 1
    assert figures[0].reached is None
    lines = describe(figures, last)
    assert "reached the last candidate" in lines[1]
    assert len(lines) == 2


def test_the_projection_goes_by_how_far_the_walk_got():
    lines = describe([Slice(45.0, 50_000, 250_000), Slice(45.0, 48_000, 500_000)], 1_000_000)

    assert "stopped after candidate 250,000 of 1,000,000 (25% of the walk)" in lines[1]
    assert "the rest takes about 90 s more: 2 more slices" in lines[3]
