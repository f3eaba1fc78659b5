"""What the status preview says a change will send, grouped so two thousand emails read as one
line."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from followups.models import FollowUp, MessageTemplate
from hiring_leaders.wording import plan_lines, planned_samples, planned_summary, status_actions
from tests.candidates.factories import CandidateFactory
from tests.hiring_leaders.factories import RequisitionFactory

pytestmark = pytest.mark.django_db


def planned(requisition, template, *, who, **fields):
    audience = fields.pop("audience", "candidate")
    return FollowUp(
        template=template,
        audience=audience,
        channel=fields.pop("channel", "email"),
        candidate=who if audience == "candidate" else None,
        hiring_leader=requisition.hiring_leader if audience == "hiring_leader" else None,
        recruiter=requisition.recruiter,
        requisition=requisition,
        due_at=fields.pop("due_at", timezone.now()),
        **fields,
    )


@pytest.fixture
def template():
    return MessageTemplate.objects.create(
        name="On hold",
        subject="{{ requisition.title }} is paused",
        body="Hi {{ recipient.first_name }}, {{ requisition.status_reason }}",
    )


def test_emails_of_one_message_to_candidates_are_one_line_and_the_leader_comes_first(
    requisition, template
):
    people = [CandidateFactory(first_name=f"P{n}", last_name="X") for n in range(5)]
    later = timezone.now() + datetime.timedelta(hours=3)
    rows = [
        planned(requisition, template, who=p, due_at=later if p == people[4] else timezone.now())
        for p in people
    ]
    rows.append(planned(requisition, template, who=None, audience="hiring_leader"))
    rows.append(
        planned(
            requisition,
            template,
            who=people[0],
            channel="task",
            task_title="Call P0 yourself",
            note="Task instead of email: P0 opted out.",
        )
    )
    rows.append(planned(requisition, template, who=people[1], state="skipped", note="No email"))

    lines = plan_lines(rows)

    assert [(line.audience, line.count, line.channel, line.state) for line in lines] == [
        ("Hiring leader", 1, "email", "scheduled"),
        ("Candidate", 5, "email", "scheduled"),
        ("Recruiter", 1, "task", "scheduled"),
        ("Candidate", 1, "email", "skipped"),
    ]
    assert lines[1].shown == ["P0 X", "P1 X", "P2 X"]
    assert lines[1].more == 2
    assert lines[1].last_due == later
    assert lines[2].names == [requisition.recruiter.name]
    assert str(planned_summary(rows)) == "6 emails, 1 task for a recruiter, 1 skipped"


def test_each_message_is_rendered_once_with_the_reason_in_it(requisition, template):
    requisition.status_reason = "Budget review"
    rows = [
        planned(
            requisition,
            template,
            who=CandidateFactory(first_name="Ana"),
            facts={"status_reason": "Budget review"},
        ),
        planned(
            requisition,
            template,
            who=CandidateFactory(first_name="Bo"),
            facts={"status_reason": "Budget review"},
        ),
    ]

    (sample,) = planned_samples(rows)

    assert sample.recipients == 2
    assert sample.subject == f"{requisition.title} is paused"
    assert sample.text.startswith("Hi Ana, Budget review")
    assert "unsubscribe" not in sample.text.lower()


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        ("open", ["on_hold", "filled", "cancelled"]),
        ("on_hold", ["open", "filled", "cancelled"]),
        ("filled", ["open"]),
        ("cancelled", ["open"]),
    ],
)
def test_only_status_changes_that_can_happen_are_offered(status, offered):
    requisition = RequisitionFactory.build(status=status)

    assert sorted(s for s, _ in status_actions(requisition)) == sorted(offered)
