"""What the status preview says a change will send, grouped so two thousand emails read as one
line."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from followups.models import FollowUp, MessageTemplate
from followups.services import PlannedTouches
from hiring_leaders.wording import (
    PlanSummary,
    plan_lines,
    planned_samples,
    planned_summary,
    status_actions,
    status_done_message,
)
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


def group(row, names, *, reason="", last_due=None):
    return PlannedTouches(
        example=row,
        reason=reason,
        count=len(names),
        names=names,
        first_due=row.due_at,
        last_due=last_due or row.due_at,
    )


def test_each_group_is_one_line_the_leader_first_and_skipped_messages_last(requisition, template):
    people = [CandidateFactory(first_name=f"P{n}", last_name="X") for n in range(5)]
    later = timezone.now() + datetime.timedelta(hours=3)
    names = [p.name for p in people]
    groups = [
        group(
            planned(requisition, template, who=people[1], state="skipped", note="No email: P1."),
            ["P1 X"],
            reason="has no email address",
        ),
        group(planned(requisition, template, who=people[0]), names, last_due=later),
        group(planned(requisition, template, who=None, audience="hiring_leader"), ["Dana Kim"]),
        group(
            planned(
                requisition,
                template,
                who=people[2],
                channel="task",
                task_title="P2 X opted out of email: send “On hold” yourself",
                note="Task instead of email: P2 X opted out of email.",
            ),
            ["P2 X", "P3 X"],
            reason="opted out of email",
        ),
    ]

    lines = plan_lines(groups)

    assert [(line.audience, line.count, line.channel, line.state) for line in lines] == [
        ("Hiring leader", 1, "email", "scheduled"),
        ("Candidate", 5, "email", "scheduled"),
        ("Recruiter", 2, "task", "scheduled"),
        ("Candidate", 1, "email", "skipped"),
    ]
    leader, everyone, tasks, skipped = lines
    assert leader.email == requisition.hiring_leader.email
    assert everyone.shown == ["P0 X", "P1 X", "P2 X"]
    assert (everyone.more, everyone.last_due, everyone.email) == (2, later, "")
    assert tasks.recruiter == requisition.recruiter.name
    assert tasks.what == "On hold"  # one title for all, not the first person's
    assert tasks.note == "A task instead of each email: each opted out of email."
    assert skipped.note == "No email: P1."  # one person: their own row's words
    assert str(planned_summary(groups)) == "6 emails, 2 tasks for a recruiter, 1 skipped"


def test_a_line_lists_a_hundred_names_and_counts_the_rest(requisition, template):
    row = planned(requisition, template, who=CandidateFactory())
    line = plan_lines([PlannedTouches(example=row, reason="", count=2000, names=["A"] * 100)])[0]

    assert (line.count, len(line.listed), line.unlisted, line.more) == (2000, 100, 1900, 1997)


def test_each_message_is_rendered_once_with_the_reason_in_it(requisition, template):
    requisition.status_reason = "Budget review"
    facts = {"status_reason": "Budget review"}
    groups = [
        group(
            planned(requisition, template, who=CandidateFactory(first_name="Ana"), facts=facts),
            ["Ana", "Bo"],
        ),
        group(
            planned(requisition, template, who=CandidateFactory(first_name="Cy"), facts=facts),
            ["Cy"],
            last_due=timezone.now() + datetime.timedelta(days=1),
        ),
    ]

    (sample,) = planned_samples(groups)

    assert sample.recipients == 3
    assert sample.subject == f"{requisition.title} is paused"
    assert sample.text.startswith("Hi Ana, Budget review")
    assert "unsubscribe" not in sample.text.lower()


def test_the_confirmation_says_what_was_scheduled_and_where_its_reader_can_see_it(requisition):
    created = PlanSummary(emails=1500, tasks=3, skipped=0)
    to_admin = status_done_message(requisition, status="on_hold", created=created, sees_outbox=True)
    # The outbox is an admin's page: a recruiter is not sent to a page that is not there.
    to_recruiter = status_done_message(
        requisition, status="on_hold", created=created, sees_outbox=False
    )
    nothing = status_done_message(
        requisition, status="filled", created=PlanSummary(0, 0, 0), sees_outbox=True
    )

    scheduled = f"Put {requisition.title} on hold. Scheduled 1500 emails, 3 tasks for a recruiter;"
    assert to_admin == f"{scheduled} the outbox shows each one."
    assert to_recruiter == f"{scheduled} each email shows on its recipient's timeline once it goes."
    assert nothing == f"Marked {requisition.title} as filled. No messages were scheduled."


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
