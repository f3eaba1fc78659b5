"""The counted plan of a requisition status change: the same touches as the listed plan
(followups_plan_requisition_change), grouped, for a preview of thousands of candidates."""

from __future__ import annotations

from collections import defaultdict

import pytest
import time_machine
from django.utils import timezone

from followups import services
from followups.models import Cadence, FollowUp, SuppressedAddress, Trigger
from hiring_leaders import services as requisition_services
from tests.candidates.factories import ApplicationFactory, CandidateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipeline(requisition, shipped_cadences):
    """Everyone the rules tell apart: time zones, opted out, no address, a refused address,
    never contacted, hired, closed."""
    for n, zone in enumerate(["Europe/London", "America/New_York", "", "Europe/London"]):
        ApplicationFactory(
            requisition=requisition,
            stage=["contacted", "interviewing", "offer", "screened"][n],
            candidate=CandidateFactory(first_name=f"Told{n}", time_zone=zone),
        )
    for first, fields in [
        ("Out", {"opted_out_at": timezone.now()}),
        ("Nomail", {"email": ""}),
        ("Bounced", {"email": "bounced@example.com"}),
    ]:
        ApplicationFactory(
            requisition=requisition,
            stage="submitted",
            candidate=CandidateFactory(first_name=first, **fields),
        )
    SuppressedAddress.objects.create(email="bounced@example.com", reason="550 no such user")
    ApplicationFactory(requisition=requisition, stage="sourced")
    ApplicationFactory(requisition=requisition, stage="hired", hired_at=timezone.now())
    ApplicationFactory(
        requisition=requisition, outcome="rejected", closed_at=timezone.now(), close_reason="No"
    )
    return requisition


def who(row: FollowUp) -> str:
    # A task about a candidate is counted under the candidate it is about.
    person = row.candidate or row.hiring_leader
    return person.name if person else row.recruiter.name


def listed(plan: list[FollowUp]) -> dict:
    found = defaultdict(list)
    for row in plan:
        found[(row.cadence_step_id, row.channel, row.state)].append((who(row), row.due_at))
    return {key: sorted(people) for key, people in found.items()}


def counted(groups) -> dict:
    found = defaultdict(lambda: {"count": 0, "names": [], "dues": set()})
    for group in groups:
        key = (group.example.cadence_step_id, group.example.channel, group.example.state)
        found[key]["count"] += group.count
        found[key]["names"] += group.names
        found[key]["dues"] |= {group.first_due, group.last_due}
    return found


@pytest.mark.parametrize("status", ["on_hold", "filled", "cancelled"])
def test_it_counts_exactly_the_touches_the_listed_plan_holds(pipeline, status):
    # "Right away" is now: both plans are made at the same moment.
    with time_machine.travel(timezone.now(), tick=False):
        plan = services.followups_plan_requisition_change(
            requisition=pipeline, status=status, reason="Budget review"
        )
        groups = services.followups_count_requisition_change(
            requisition=pipeline, status=status, reason="Budget review"
        )

    expected = listed(plan)
    found = counted(groups)
    assert expected, "the shipped cadences react to this change"
    assert set(found) == set(expected)
    for key, people in expected.items():
        assert found[key]["count"] == len(people)
        assert sorted(found[key]["names"]) == sorted(name for name, _ in people)
        dues = [due for _, due in people]
        assert min(found[key]["dues"]) == min(dues)
        assert max(found[key]["dues"]) == max(dues)
    assert not FollowUp.objects.exists()


def test_a_reopen_counts_only_those_told_it_stopped_as_its_list_does(pipeline, recruiter):
    Cadence.objects.filter(trigger=Trigger.REQUISITION_ON_HOLD).update(enabled=True)
    requisition_services.requisition_put_on_hold(
        requisition=pipeline, reason="Budget review", by=recruiter
    )
    # Told0's note went, and the recruiter called Out (opted out: a task) in its place; the
    # others' notes were still waiting when the role reopened.
    holds = FollowUp.objects.filter(
        cadence_step__cadence__trigger=Trigger.REQUISITION_ON_HOLD, audience="candidate"
    )
    holds.filter(candidate__first_name="Told0").update(state="sent", sent_at=timezone.now())
    holds.filter(candidate__first_name="Out").update(state="done")

    with time_machine.travel(timezone.now(), tick=False):
        plan = services.followups_plan_requisition_change(requisition=pipeline, status="open")
        groups = services.followups_count_requisition_change(requisition=pipeline, status="open")

    expected, found = listed(plan), counted(groups)
    assert set(found) == set(expected)
    for key, people in expected.items():
        assert sorted(found[key]["names"]) == sorted(name for name, _ in people)
    candidates = [g for g in groups if g.example.audience == "candidate"]
    assert sorted(name.split()[0] for g in candidates for name in g.names) == ["Out", "Told0"]


def test_each_reason_email_cannot_go_is_its_own_group_and_says_so(pipeline):
    groups = services.followups_count_requisition_change(
        requisition=pipeline, status="on_hold", reason="Budget review"
    )

    candidates = [g for g in groups if g.example.audience == "candidate"]
    by_reason = {g.reason: g for g in candidates}
    assert set(by_reason) == {
        "",
        "opted out of email",
        "has no email address",
        "email address refused mail before",
    }
    assert by_reason[""].count == 4
    assert all(name.startswith("Told") for name in by_reason[""].names)
    assert by_reason["opted out of email"].example.channel == "task"
    assert "Out" in by_reason["opted out of email"].example.task_title
    assert by_reason[""].example.facts["status_reason"] == "Budget review"


def test_it_keeps_a_few_names_and_counts_everyone(pipeline):
    (told,) = [
        g
        for g in services.followups_count_requisition_change(
            requisition=pipeline, status="on_hold", names_kept=2
        )
        if g.example.audience == "candidate" and not g.reason
    ]

    assert told.count == 4
    assert len(told.names) == 2
    assert told.names == sorted(told.names)
