"""News still waiting that a later change would contradict is not sent: a status update the
candidate has already moved past, a rejection note for an application reopened, a stage's
news while the role is on hold."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from candidates import services as candidate_services
from followups.models import FollowUp
from hiring_leaders import services as requisition_services
from tests.candidates.factories import ApplicationFactory, CandidateFactory

pytestmark = pytest.mark.django_db

State = FollowUp.State
OVERTAKEN = "Overtaken by a later change in the pipeline"


def email(template_name: str) -> FollowUp:
    return FollowUp.objects.get(template__name=template_name, channel="email")


@pytest.fixture
def application(requisition):
    candidate = CandidateFactory(first_name="Ana", last_name="Lopez")
    return ApplicationFactory(requisition=requisition, candidate=candidate, stage="screened")


def test_a_status_update_not_yet_gone_is_dropped_when_the_candidate_moves_on(
    recruiter, application
):
    candidate_services.application_move(application=application, stage="submitted", by=recruiter)
    candidate_services.application_move(application=application, stage="interviewing", by=recruiter)

    submitted = email("Status update: submitted (candidate)")
    interview = email("Status update: interview (candidate)")
    assert (submitted.state, submitted.note) == (State.CANCELLED, OVERTAKEN)
    assert interview.state == State.SCHEDULED


def test_an_update_that_already_went_is_left_as_it_is(recruiter, application):
    candidate_services.application_move(application=application, stage="submitted", by=recruiter)
    FollowUp.objects.filter(channel="email").update(state=State.SENT)

    candidate_services.application_move(application=application, stage="interviewing", by=recruiter)

    assert email("Status update: submitted (candidate)").state == State.SENT


def test_reopening_a_rejected_application_drops_the_rejection_note(recruiter, application):
    candidate_services.application_close(
        application=application, outcome="rejected", reason="Went with another", by=recruiter
    )
    note = email("Not moving forward (candidate)")
    assert note.state == State.SCHEDULED

    candidate_services.application_reopen(application=application, by=recruiter)

    note.refresh_from_db()
    assert (note.state, note.note) == (State.CANCELLED, OVERTAKEN)


def test_undoing_the_later_move_brings_the_earlier_update_back(recruiter, application):
    candidate_services.application_move(application=application, stage="submitted", by=recruiter)
    application.refresh_from_db()
    before = application.stage_changed_at
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=5)):
        moved = candidate_services.application_move(
            application=application, stage="interviewing", by=recruiter
        )

    candidate_services.application_move_undo(
        stage_change=moved.stage_changes.latest("pk"), stage_changed_before=before, by=recruiter
    )

    submitted = email("Status update: submitted (candidate)")
    assert (submitted.state, submitted.note) == (State.SCHEDULED, "")
    assert email("Status update: interview (candidate)").state == State.CANCELLED


def test_a_move_on_a_role_on_hold_sends_the_candidate_no_status_news(
    client, recruiter, requisition, application
):
    requisition_services.requisition_put_on_hold(
        requisition=requisition, reason="Budget review", by=recruiter
    )
    client.force_login(recruiter)

    response = client.post(
        reverse("clients:application_move", args=[requisition.pk, application.pk]),
        {"stage": "submitted"},
        HTTP_HX_REQUEST="true",
    )

    assert not FollowUp.objects.filter(template__name__startswith="Status update").exists()
    body = response.content.decode()
    assert "No status email to Ana: the role is on hold, as they were told." in body


def test_the_candidate_page_says_so_too(client, recruiter, requisition, application):
    requisition_services.requisition_put_on_hold(
        requisition=requisition, reason="Budget review", by=recruiter
    )
    client.force_login(recruiter)

    response = client.post(
        reverse("candidates:application_move", args=[application.candidate.pk, application.pk]),
        {"stage": "submitted"},
        HTTP_HX_REQUEST="true",
    )

    assert "No status email to Ana: the role is on hold, as they were told." in (
        response.content.decode()
    )
    assert not FollowUp.objects.filter(template__name__startswith="Status update").exists()
