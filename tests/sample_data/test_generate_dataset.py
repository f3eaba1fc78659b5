import hashlib
from io import StringIO

import pytest
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
