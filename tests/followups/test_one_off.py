"""A message a recruiter sends by hand from a template: previewed exactly, sent after an undo
window through the same rows as every cadence, stopped by an opt-out."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
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


# ---------- the shipped resets say only what is true of the role ----------


def shipped(name: str) -> MessageTemplate:
    return MessageTemplate.objects.get(name=f"Expectation reset: {name}")


@pytest.mark.parametrize(
    ("reset", "role_status", "stage", "outcome", "refusal"),
    [
        ("role on hold", "open", "screened", "active", "“Role on hold” says Data Lead is paused"),
        ("role on hold", "on_hold", "screened", "active", ""),
        ("not selected", "open", "interviewing", "active", "they are still in the running"),
        ("not selected", "open", "interviewing", "rejected", ""),
        ("not selected", "filled", "interviewing", "active", ""),
        ("feedback pending", "open", "contacted", "active", "nobody has been asked for feedback"),
        ("feedback pending", "open", "submitted", "active", ""),
        ("slower than we estimated", "cancelled", "screened", "active", "Data Lead is cancelled"),
        ("slower than we estimated", "open", "screened", "active", ""),
        ("slower than we estimated", "open", "interviewing", "withdrawn", "is closed (withdrawn)"),
        ("feedback pending", "open", "submitted", "rejected", "is closed (rejected)"),
        ("not selected", "open", "interviewing", "withdrawn", "withdrew from Data Lead"),
        ("slower than we estimated", "open", "hired", "active", "was hired for Data Lead"),
    ],
)
def test_a_reset_that_would_be_untrue_of_the_role_is_refused(
    recruiter, reset, role_status, stage, outcome, refusal
):
    application = ApplicationFactory(
        requisition__title="Data Lead",
        requisition__status=role_status,
        requisition__closed_on=None if role_status in ("open", "on_hold") else timezone.localdate(),
        stage=stage,
        outcome=outcome,
        closed_at=None if outcome == "active" else timezone.now(),
        close_reason="" if outcome == "active" else "Went with another",
    )

    def send():
        return services.message_send(
            template=shipped(reset),
            to=application.candidate,
            by=recruiter,
            requisition=application.requisition,
            application=application,
        )

    if refusal:
        with pytest.raises(ValidationError, match=re.escape(refusal)):
            send()
        assert not FollowUp.objects.exists()
    else:
        assert send().state == "scheduled"


@pytest.mark.parametrize(
    ("outcome", "refusal"),
    [("active", ""), ("rejected", "application for Data Lead is closed (rejected)")],
)
def test_where_things_stand_is_refused_about_a_closed_application(recruiter, outcome, refusal):
    application = ApplicationFactory(
        requisition__title="Data Lead",
        stage="interviewing",
        outcome=outcome,
        closed_at=None if outcome == "active" else timezone.now(),
        close_reason="" if outcome == "active" else "Went with another",
    )
    where_things_stand = MessageTemplate.objects.get(name="Where things stand (candidate)")

    problem = services.message_send_problem(
        template=where_things_stand,
        to=application.candidate,
        requisition=application.requisition,
        application=application,
    )

    assert (refusal in problem) if refusal else problem == ""


def test_the_composer_says_why_before_anything_is_sent(client, recruiter, requisition):
    application = ApplicationFactory(requisition=requisition, stage="contacted")
    client.force_login(recruiter)
    page = client.get(
        reverse("followups:message_compose"),
        {"candidate": application.candidate_id, "template": shipped("role on hold").pk},
    ).content.decode()

    assert "Can\u2019t send:</strong> “Role on hold” says" in page
    assert "disabled>Send to" in page
