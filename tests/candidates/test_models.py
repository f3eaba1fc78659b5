"""Each database constraint, violated, is refused by the database itself."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from candidates.models import Activity, Application, Commitment
from tests.candidates.factories import (
    ApplicationFactory,
    CandidateFactory,
    CommitmentFactory,
    PlacementFactory,
)
from tests.hiring_leaders.factories import HiringLeaderFactory

pytestmark = pytest.mark.django_db


def refused(**kwargs):
    return pytest.raises(IntegrityError, **kwargs)


def test_candidate_email_is_unique_whatever_the_case():
    CandidateFactory(email="Ada@Example.com")
    with refused(), transaction.atomic():
        CandidateFactory(email="ada@example.COM")


def test_many_candidates_may_have_no_email():
    CandidateFactory(email="")
    CandidateFactory(email="")


def test_candidate_source_must_be_known():
    with refused():
        CandidateFactory(source="carrier_pigeon")


def test_one_active_application_per_candidate_per_requisition():
    application = ApplicationFactory()
    with refused(), transaction.atomic():
        ApplicationFactory(candidate=application.candidate, requisition=application.requisition)


def test_a_closed_application_does_not_block_a_new_one():
    closed = ApplicationFactory(
        outcome=Application.Outcome.REJECTED, close_reason="Salary", closed_at=timezone.now()
    )
    ApplicationFactory(candidate=closed.candidate, requisition=closed.requisition)


def test_closing_an_application_needs_a_reason():
    with refused():
        ApplicationFactory(outcome=Application.Outcome.WITHDRAWN, closed_at=timezone.now())


def test_an_active_application_has_no_close_time():
    with refused():
        ApplicationFactory(closed_at=timezone.now())


def test_application_stage_must_be_known():
    with refused():
        ApplicationFactory(stage="daydreaming")


def test_a_hire_cannot_be_moved_back_without_reopening():
    application = ApplicationFactory(stage=Application.Stage.HIRED, hired_at=timezone.now())
    application.stage = Application.Stage.OFFER
    with refused():
        application.save()


def test_an_activity_is_about_someone():
    with refused():
        Activity.objects.create(kind=Activity.Kind.NOTE, summary="About nobody")


def test_activity_kind_must_be_known():
    with refused():
        Activity.objects.create(
            kind="telepathy", candidate=CandidateFactory(), summary="Thought about them"
        )


def test_a_commitment_is_made_to_exactly_one_person():
    with refused(), transaction.atomic():
        CommitmentFactory(candidate=None)
    with refused(), transaction.atomic():
        CommitmentFactory(hiring_leader=HiringLeaderFactory())


def test_a_kept_commitment_records_when():
    with refused(), transaction.atomic():
        CommitmentFactory(status=Commitment.Status.KEPT)
    with refused(), transaction.atomic():
        CommitmentFactory(kept_at=timezone.now())


def test_a_placement_falls_through_only_with_a_reason():
    with refused():
        PlacementFactory(fell_through_at=timezone.now())


def test_one_placement_per_application():
    placement = PlacementFactory()
    with refused():
        PlacementFactory(application=placement.application)


def test_commitment_lateness_is_derived_from_due_and_kept_times():
    now = timezone.now()
    overdue = CommitmentFactory(due_at=now - datetime.timedelta(hours=1))
    upcoming = CommitmentFactory(due_at=now + datetime.timedelta(hours=1))
    kept_late = CommitmentFactory(
        due_at=now - datetime.timedelta(days=2),
        status=Commitment.Status.KEPT,
        kept_at=now - datetime.timedelta(days=1),
    )
    kept_on_time = CommitmentFactory(
        due_at=now - datetime.timedelta(days=1),
        status=Commitment.Status.KEPT,
        kept_at=now - datetime.timedelta(days=2),
    )
    assert overdue.is_late
    assert not upcoming.is_late
    assert kept_late.is_late
    assert not kept_on_time.is_late
