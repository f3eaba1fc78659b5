"""The outbox's rows read as plain values (followups.outbox_rows): a page's row says what the
row swapped back after an action says, read from the follow-up whole."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from followups import outbox_rows, selectors
from followups.models import FollowUp, Trigger
from tests.candidates.factories import ApplicationFactory, CandidateFactory, CommitmentFactory
from tests.followups.factories import CadenceFactory, CadenceStepFactory, FollowUpFactory
from tests.hiring_leaders.factories import HiringLeaderFactory, RequisitionFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=datetime.UTC)
State = FollowUp.State


@pytest.fixture
def rows():
    with time_machine.travel(NOW, tick=False):
        ada = CandidateFactory(first_name="Ada", last_name="Byte", email="ada@example.com")
        dana = HiringLeaderFactory(first_name="Dana", last_name="Okafor", email="dana@corp.example")
        cadence = CadenceFactory(name="Onboarding", trigger=Trigger.PLACEMENT_STARTED)
        step = CadenceStepFactory(cadence=cadence, offset_days=30)
        ago = NOW - datetime.timedelta(days=1)
        return {
            "failed": FollowUpFactory(
                candidate=ada, state=State.FAILED, last_error="550 no such user", due_at=ago
            ),
            "opted_out": FollowUpFactory(
                candidate=CandidateFactory(opted_out_at=ago), state=State.CANCELLED, due_at=ago
            ),
            "sent": FollowUpFactory(
                audience="hiring_leader",
                candidate=None,
                hiring_leader=dana,
                recruiter=ada.owner,
                state=State.SENT,
                sent_at=ago,
                due_at=ago,
                cadence_step=step,
            ),
            "task": FollowUpFactory(
                candidate=ada,
                channel="task",
                audience="recruiter",
                template=None,
                task_title="Call Ada about her first week",
                cadence_step=step,
            ),
        }


def test_a_pages_rows_say_what_a_row_read_whole_says(rows):
    with time_machine.travel(NOW, tick=False):
        page = {row.pk: row for row in selectors.outbox_page().rows}

        for followup in rows.values():
            assert page[followup.pk] == outbox_rows.row_of(
                selectors.followup_for_admin(pk=followup.pk)
            )


def test_labels_and_people_are_worked_out_once_when_read(rows):
    with time_machine.travel(NOW, tick=False):
        page = {row.pk: row for row in selectors.outbox_page().rows}

    failed, sent, task = (page[rows[k].pk] for k in ("failed", "sent", "task"))
    assert (failed.state_label, failed.audience_label) == ("Failed", "Candidate")
    assert failed.person == outbox_rows.Person("Ada Byte", "ada@example.com")
    assert (failed.retryable, failed.retry_refusal) == (True, "")
    assert sent.person == outbox_rows.Person("Dana Okafor", "dana@corp.example")
    assert (sent.cadence, sent.retryable) == ("Onboarding · day 30", False)
    assert (task.person, task.about_name, task.what) == (
        None,
        "Ada Byte",
        "Call Ada about her first week",
    )
    assert task.recruiter_name == rows["task"].recruiter.name


def test_a_retry_is_refused_from_the_pages_own_columns(rows, django_assert_num_queries):
    opted_out = rows["opted_out"]

    # the rows (what happened, then what is coming), the counts, what the rows are about
    # (their cadence steps and what the retries read), the refused addresses
    with django_assert_num_queries(5):
        page = {row.pk: row for row in selectors.outbox_page(now=NOW).rows}

    assert page[opted_out.pk].retry_refusal == f"{opted_out.candidate.name} opted out of email"


@pytest.mark.parametrize(
    ("trigger", "about", "reason"),
    [
        (Trigger.REQUISITION_ON_HOLD, {"requisition": "open"}, "the role is now open"),
        (Trigger.REQUISITION_FILLED, {"requisition": "filled"}, ""),
        (Trigger.STAGE_ENTERED, {"requisition": "cancelled"}, "the role is now cancelled"),
        (Trigger.APPLICATION_CLOSED, {"application": "active"}, "the application was reopened"),
        (Trigger.STAGE_ENTERED, {"application": "withdrawn"}, "the application was withdrawn"),
        (None, {"commitment": "kept"}, "the promise it is about was kept"),
        (None, {"commitment": "open"}, ""),
    ],
)
def test_a_pages_retry_check_on_values_says_what_the_retry_service_says(trigger, about, reason):
    with time_machine.travel(NOW, tick=False):
        candidate = CandidateFactory(first_name="Ada", last_name="Byte")
        extra = {}
        if "requisition" in about:
            status = about["requisition"]
            closed_on = None if status in ("open", "on_hold") else NOW.date()
            extra["requisition"] = RequisitionFactory(status=status, closed_on=closed_on)
        if "application" in about:
            closed = about["application"] != "active"
            extra["application"] = ApplicationFactory(
                candidate=candidate,
                outcome=about["application"],
                closed_at=NOW if closed else None,
                close_reason="Took another offer" if closed else "",
            )
        if "commitment" in about:
            kept = about["commitment"] == "kept"
            extra["commitment"] = CommitmentFactory(
                candidate=candidate, status=about["commitment"], kept_at=NOW if kept else None
            )
        if trigger is not None:
            extra["cadence_step"] = CadenceStepFactory(cadence=CadenceFactory(trigger=trigger))
        followup = FollowUpFactory(
            candidate=candidate,
            state=State.CANCELLED,
            due_at=NOW - datetime.timedelta(hours=1),
            **extra,
        )

        row = {row.pk: row for row in selectors.outbox_page(state="cancelled").rows}[followup.pk]

    assert (row.retryable, row.retry_refusal) == (True, reason)
    assert row.retry_refusal == selectors.followup_for_admin(pk=followup.pk).retry_refusal
