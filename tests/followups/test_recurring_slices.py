"""The "gone quiet" expansion in slices: a backlog too big for one run (the first run over a
million candidates) is worked off by beat's later runs, each carrying on where the last stopped,
with nothing lost and nothing sent twice."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import transaction

from followups import services
from followups.models import FollowUp, RecurringSweep
from followups.services import recurring
from tests.candidates.factories import ApplicationFactory, CandidateFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 4, 11, 0, tzinfo=datetime.UTC)  # a Wednesday
QUIET = "candidate_untouched"


def quiet_candidate(requisition, *, days: int, **fields):
    candidate = CandidateFactory(last_contacted_at=NOW - datetime.timedelta(days=days), **fields)
    ApplicationFactory(
        requisition=requisition,
        candidate=candidate,
        stage="screened",
        stage_changed_at=NOW - datetime.timedelta(days=days + 3),
        created_at=NOW - datetime.timedelta(days=days + 3),
    )
    return candidate


@pytest.fixture
def backlog(requisition):
    """23 candidates gone quiet (and 6 who have not), interleaved by id."""
    quiet = []
    for n in range(29):
        if n % 5 == 4:
            quiet_candidate(requisition, days=1)
        else:
            quiet.append(quiet_candidate(requisition, days=8 + n % 3))
    return quiet


@pytest.fixture
def thin_slices(monkeypatch):
    """No time at all per run: each run does one chunk of 4 candidates, in ranges of 10 ids."""
    monkeypatch.setattr(recurring, "RECURRING_SECONDS", 0.0)
    monkeypatch.setattr(recurring, "RECURRING_CHUNK", 4)
    monkeypatch.setattr(recurring, "SWEEP_SPAN", 10)


def quiet_rows():
    return FollowUp.objects.filter(cadence_step__cadence__trigger=QUIET)


def in_one_run(monkeypatch) -> list[str]:
    """The keys one run with all the time it needs writes, then rolled back."""
    with monkeypatch.context() as patched, transaction.atomic():
        patched.setattr(recurring, "RECURRING_SECONDS", 3600.0)
        services.followups_schedule_recurring()
        keys = sorted(quiet_rows().values_list("key", flat=True))
        transaction.set_rollback(True)
    return keys


def runs_until_done(limit: int = 50) -> int:
    for run in range(1, limit + 1):
        services.followups_schedule_recurring()
        if not RecurringSweep.objects.exists():
            return run
    raise AssertionError(f"the sweep had not finished after {limit} runs")


@time_machine.travel(NOW, tick=False)
def test_a_backlog_is_worked_off_across_runs_without_loss_or_duplicates(
    backlog, thin_slices, monkeypatch
):
    expected = in_one_run(monkeypatch)

    runs = runs_until_done()

    assert runs >= 6  # 23 quiet candidates, 4 a run
    keys = sorted(quiet_rows().values_list("key", flat=True))
    assert keys == expected
    tasks = quiet_rows().filter(channel="task")
    assert sorted(tasks.values_list("candidate", flat=True)) == sorted(c.pk for c in backlog)
    assert not quiet_rows().exclude(state=FollowUp.State.SCHEDULED).exists()


@time_machine.travel(NOW, tick=False)
def test_each_run_carries_on_where_the_last_one_stopped(backlog, thin_slices):
    services.followups_schedule_recurring()
    first = set(quiet_rows().filter(channel="task").values_list("candidate", flat=True))
    place = RecurringSweep.objects.get()
    services.followups_schedule_recurring()
    second = set(quiet_rows().filter(channel="task").values_list("candidate", flat=True))

    assert len(first) == 4
    assert place.after_candidate_id == max(first)
    assert len(second - first) == 4
    assert min(second - first) > place.after_candidate_id


@time_machine.travel(NOW, tick=False)
def test_a_lost_place_costs_time_not_duplicates(backlog, thin_slices):
    for _ in range(3):
        services.followups_schedule_recurring()
    RecurringSweep.objects.all().delete()

    runs_until_done()

    tasks = quiet_rows().filter(channel="task")
    assert tasks.count() == len(backlog)
    assert tasks.values("candidate").distinct().count() == len(backlog)


@time_machine.travel(NOW, tick=False)
def test_a_finished_sweep_starts_over_and_finds_only_new_silences(
    backlog, thin_slices, requisition
):
    runs_until_done()
    before = quiet_rows().count()

    late = quiet_candidate(requisition, days=9)
    runs_until_done()

    assert quiet_rows().count() == before + 2  # the new one's task and note
    assert quiet_rows().filter(candidate=late, channel="task").count() == 1


@time_machine.travel(NOW, tick=False)
def test_with_time_enough_one_run_does_it_all(backlog):
    services.followups_schedule_recurring()

    assert not RecurringSweep.objects.exists()
    assert quiet_rows().filter(channel="task").count() == len(backlog)
