"""A message a recruiter sends by hand from a template: previewed exactly, sent after an undo
window through the same rows as every cadence, stopped by an opt-out."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from followups import services
from followups.models import FollowUp, MessageTemplate
from tests.candidates.factories import ApplicationFactory, CandidateFactory
from tests.followups.factories import MessageTemplateFactory
from tests.recruitcrm.factories import RecruiterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reset():
    return MessageTemplateFactory(
        name="Feedback pending",
        subject="{{ requisition.title }}: still waiting on feedback",
        body="Hi {{ recipient.first_name }}, {{ company.name }} has not come back yet.",
    )


def test_the_preview_is_what_would_be_sent(reset, recruiter, requisition):
    application = ApplicationFactory(requisition=requisition, stage="submitted")

    preview = services.message_preview(
        template=reset, to=application.candidate, by=recruiter, application=application
    )

    assert preview.subject == f"{requisition.title}: still waiting on feedback"
    first = application.candidate.first_name
    assert preview.text.startswith(f"Hi {first}, {requisition.company.name} has not come back")
    assert not FollowUp.objects.exists()


def test_sending_waits_for_the_undo_window_then_goes_like_any_follow_up(
    reset, recruiter, requisition
):
    application = ApplicationFactory(requisition=requisition, stage="submitted")

    sent = services.message_send(
        template=reset, to=application.candidate, by=recruiter, application=application
    )

    assert (sent.channel, sent.audience, sent.state) == ("email", "candidate", "scheduled")
    assert sent.requisition == requisition
    window = datetime.timedelta(seconds=services.one_off.UNDO_SECONDS)
    assert timezone.now() < sent.due_at <= timezone.now() + window
    assert services.followups_claim_due() == []


def test_undo_takes_it_back_before_it_goes_and_only_for_its_sender(reset, recruiter, candidate):
    sent = services.message_send(template=reset, to=candidate, by=recruiter)

    with pytest.raises(ValidationError, match="Only the person who sent"):
        services.message_unsend(followup=sent, by=RecruiterFactory())
    services.message_unsend(followup=sent, by=recruiter)

    sent.refresh_from_db()
    assert sent.state == "cancelled"
    with pytest.raises(ValidationError, match="already taken back"):
        services.message_unsend(followup=sent, by=recruiter)
    FollowUp.objects.filter(pk=sent.pk).update(state="sent")
    with pytest.raises(ValidationError, match="Too late to undo: the message has already gone"):
        services.message_unsend(followup=sent, by=recruiter)


def test_a_task_template_or_an_opted_out_person_is_refused_with_the_reason(reset, recruiter):
    opted_out = CandidateFactory(opted_out_at=timezone.now(), first_name="Ana", last_name="Silva")
    task = MessageTemplate.objects.filter(kind="task").first()

    with pytest.raises(ValidationError, match="Ana Silva opted out of email"):
        services.message_send(template=reset, to=opted_out, by=recruiter)
    with pytest.raises(ValidationError, match="is a task for the recruiter"):
        services.message_send(template=task, to=CandidateFactory(), by=recruiter)
    assert not FollowUp.objects.exists()


def test_a_hiring_leader_can_be_written_to_as_well(reset, recruiter, requisition):
    sent = services.message_send(
        template=reset, to=requisition.hiring_leader, by=recruiter, requisition=requisition
    )
    assert (sent.audience, sent.person) == ("hiring_leader", requisition.hiring_leader)
