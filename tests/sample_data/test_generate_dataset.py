import datetime
import hashlib
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Max, Q
from django.db.models.functions import Lower

from candidates.models import (
    Activity,
    Application,
    ApplicationStageChange,
    Candidate,
    Commitment,
    Placement,
)
from followups.models import BookHealth, CheckInResponse, FollowUp, Snooze
from followups.queue.selectors import queue_for
from followups.services import followups_schedule_recurring
from hiring_leaders.models import Company, HiringLeader, Requisition
from recruitcrm.models import User
from sample_data.dataset import Sizes, check_columns, dataset_cast

pytestmark = pytest.mark.django_db


def generate(candidates: int, seed: int) -> str:
    out = StringIO()
    call_command("generate_dataset", candidates=candidates, seed=seed, stdout=out)
    return out.getvalue()


def people_checksum() -> str:
    rows = Candidate.objects.order_by("pk").values_list("first_name", "last_name", "email")
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def delete_everything() -> None:
    for model in (Candidate, Requisition, HiringLeader, Company, User):
        model.objects.all().delete()


def test_10000_candidates_come_with_proportional_organisations_and_pipelines():
    output = generate(10_000, seed=1)

    sizes = Sizes(10_000)
    assert Candidate.objects.count() == 10_000
    assert Company.objects.count() == sizes.companies == 6
    assert Requisition.objects.count() == sizes.requisitions == 200
    assert HiringLeader.objects.count() == sizes.leaders == 50
    assert User.objects.filter(role="recruiter").count() == sizes.recruiters == 4
    assert User.objects.filter(role="hiring_leader").count() == sizes.leader_logins == 13
    assert User.objects.filter(role="admin").count() == 1
    assert 14_000 <= Application.objects.count() <= 16_000
    assert 50_000 <= Activity.objects.count() <= 70_000
    assert 500 <= Commitment.objects.count() <= 1_500
    filled = Requisition.objects.filter(status="filled").count()
    assert 0 < Placement.objects.count() <= filled
    assert set(Requisition.objects.values_list("status", flat=True)) == set(
        Requisition.Status.values
    )
    assert set(Application.objects.values_list("stage", flat=True)) == set(Application.Stage.values)
    assert "candidates_activity" in output
    assert "Done in" in output


def test_the_same_seed_draws_the_same_people_and_another_seed_does_not():
    generate(2_000, seed=7)
    first = people_checksum()
    first_rows = list(Candidate.objects.order_by("pk").values_list("email", flat=True)[:3])
    delete_everything()

    generate(2_000, seed=7)
    assert people_checksum() == first
    assert list(Candidate.objects.order_by("pk").values_list("email", flat=True)[:3]) == first_rows
    delete_everything()

    generate(2_000, seed=8)
    assert people_checksum() != first


def test_the_generated_rows_satisfy_the_constraints_and_tell_a_consistent_story():
    generate(3_000, seed=3)

    duplicate_emails = (
        Candidate.objects.exclude(email="")
        .values(lowered=Lower("email"))
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not duplicate_emails.exists()
    duplicate_active = (
        Application.objects.filter(outcome="active")
        .values("candidate", "requisition")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not duplicate_active.exists()
    for model in (Candidate, Application, ApplicationStageChange, Activity, Commitment, Placement):
        for row in model.objects.order_by("?")[:40]:
            row.validate_constraints()
    last_contact = Candidate.objects.annotate(
        latest=Max("activities__occurred_at", filter=Q(activities__kind__in=Activity.CONTACT_KINDS))
    )
    for candidate in last_contact[:300]:
        assert candidate.last_contacted_at == candidate.latest
    for application in Application.objects.prefetch_related("stage_changes")[:300]:
        history = list(application.stage_changes.all())
        assert history[-1].to_stage == application.stage
        assert history[-1].outcome == application.outcome


def test_recruiter1_carries_a_big_book_and_a_big_pipeline_for_the_benchmark():
    generate(2_000, seed=2)

    sizes = Sizes(2_000)
    cast = dataset_cast(seed=2)
    book = Candidate.objects.filter(owner=cast.recruiter)
    assert book.count() == sizes.busy_book == 500
    in_their_active_pipelines = book.filter(
        applications__outcome="active",
        applications__requisition__recruiter=cast.recruiter,
        applications__requisition__status="open",
    ).distinct()
    assert in_their_active_pipelines.count() == 500
    assert Requisition.objects.filter(recruiter=cast.recruiter).count() == 4
    assert cast.big_requisition.status == "open"
    assert cast.big_requisition.applications.count() == sizes.big_pipeline == 250
    assert cast.leader.username == "ds2-leader1"
    assert cast.big_requisition.hiring_leader.user == cast.leader


def test_a_million_candidates_give_recruiter1_5000_and_their_big_requisition_2000():
    sizes = Sizes(1_000_000)

    assert (sizes.busy_book, sizes.big_pipeline, sizes.busy_requisitions) == (5_000, 2_000, 12)


def test_it_refuses_a_seed_that_is_already_loaded():
    generate(200, seed=4)

    with pytest.raises(CommandError, match="seed 4 is already here"):
        generate(200, seed=4)

    assert Candidate.objects.count() == 200


def test_it_writes_every_field_of_the_models_it_loads():
    check_columns()


def catalog() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
            "UNION ALL SELECT conrelid::regclass::text, conname, "
            "pg_get_constraintdef(oid) || condeferrable::text || condeferred::text "
            "FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
        )
        return sorted(cursor.fetchall())


@pytest.mark.postgres
def test_every_index_and_constraint_is_back_after_a_copy_load():
    before = catalog()

    output = generate(5_000, seed=5)

    assert "rebuilt indexes and constraints of candidates_activity" in output
    assert catalog() == before


EXPECTED_PREFIXES = """
    SELECT p.prefix, c.last_name, c.first_name, c.id FROM candidates_candidate c,
        candidate_name_prefixes(c.first_name, c.last_name, c.email, c.headline) p(prefix)
"""
KEPT_PREFIXES = "SELECT prefix, last_name, first_name, candidate_id FROM candidates_name_prefix"


def prefixes_astray() -> tuple[int, int, int]:
    """(rows kept, expected rows missing, kept rows not expected)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({KEPT_PREFIXES}) kept")
        kept = cursor.fetchone()[0]
        cursor.execute(f"SELECT count(*) FROM ({EXPECTED_PREFIXES} EXCEPT {KEPT_PREFIXES}) x")
        missing = cursor.fetchone()[0]
        cursor.execute(f"SELECT count(*) FROM ({KEPT_PREFIXES} EXCEPT {EXPECTED_PREFIXES}) x")
        stray = cursor.fetchone()[0]
    return kept, missing, stray


def test_a_copy_load_makes_the_search_prefixes_whole_and_turns_the_triggers_back_on():
    generate(2_000, seed=6)

    kept, missing, stray = prefixes_astray()
    assert kept > 2_000 * 3
    assert (missing, stray) == (0, 0)
    # The trigger is back: a rename is kept at once.
    candidate = Candidate.objects.order_by("pk").first()
    Candidate.objects.filter(pk=candidate.pk).update(last_name="Zyxwvut")
    assert prefixes_astray()[1:] == (0, 0)


# ---------- the follow-up engine's rows ----------

MIDNIGHT = datetime.datetime(2026, 11, 4, 0, 0, tzinfo=datetime.UTC)  # a Wednesday


@pytest.fixture
def with_followups():
    with time_machine.travel(MIDNIGHT + datetime.timedelta(hours=7), tick=False):
        generate(10_000, seed=12)
        yield dataset_cast(seed=12)


def test_the_data_set_holds_follow_ups_sent_scheduled_due_and_failed(with_followups):
    count = FollowUp.objects.count()
    assert 6_000 <= count <= 12_000
    states = dict(FollowUp.objects.values_list("state").annotate(n=Count("pk")).order_by())
    assert states["sent"] > count / 2
    assert {"scheduled", "failed", "cancelled", "skipped", "done"} <= set(states)
    due = FollowUp.objects.filter(state="scheduled", channel="email", due_at__lte=MIDNIGHT)
    assert due.exists()
    assert CheckInResponse.objects.exists()
    assert Snooze.objects.exists()
    recruiters = User.objects.filter(role="recruiter")
    assert BookHealth.objects.filter(recruiter__in=recruiters).count() == recruiters.count()
    for model in (FollowUp, CheckInResponse, Snooze):
        for row in model.objects.order_by("?")[:60]:
            row.validate_constraints()


def test_follow_ups_carry_the_keys_the_services_write(with_followups):
    flags = FollowUp.objects.filter(key__startswith="checkin-flag:")
    for flag in flags[:20]:
        answered = FollowUp.objects.get(pk=int(flag.key.split(":")[1]))
        assert answered.response.score <= 2 or answered.response.is_concern
        assert answered.placement_id == flag.placement_id
    for update in FollowUp.objects.filter(key__startswith="stage:")[:20]:
        change = ApplicationStageChange.objects.get(pk=int(update.key.split(":")[1]))
        assert change.application_id == update.application_id
        assert update.cadence_step.cadence.stage == change.to_stage


def test_recruiter1_has_a_full_today_that_the_recurring_expansion_agrees_with(with_followups):
    cast = with_followups
    queue = queue_for(recruiter=cast.recruiter, now=MIDNIGHT + datetime.timedelta(hours=7))
    counts = {section.key: section.count for section in queue.sections}
    assert counts["quiet"] > 100
    assert counts["overdue"] > 5
    assert counts["tasks"] > 0
    assert queue.health.active == Sizes(10_000).busy_book

    def nudges():
        return FollowUp.objects.filter(
            recruiter=cast.recruiter, channel="task", audience="recruiter", key__startswith="unt"
        )

    before = nudges().count()
    followups_schedule_recurring(now=MIDNIGHT)
    # The data set's reminders are the expansion's own: it finds nothing new to remind of.
    assert nudges().count() == before
