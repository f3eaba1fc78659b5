"""The outbox's rows read as plain values (followups.outbox_rows): a page's row says what the
row swapped back after an action says, read from the follow-up whole."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from followups import outbox_rows
from followups import outbox_selectors as selectors
from followups.models import FollowUp, SuppressedAddress, Trigger
from tests.candidates.factories import ApplicationFactory, CandidateFactory, CommitmentFactory
from tests.followups.factories import (
    CadenceFactory,
    CadenceStepFactory,
    FollowUpFactory,
    MessageTemplateFactory,
)
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

    # the rows (what happened, then what is coming), each with what it is about (its cadence
    # step, what a retry reads, whether its address refused mail), then the counts
    with django_assert_num_queries(3):
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


def test_a_retry_to_an_address_that_refused_mail_is_refused_whatever_its_case(rows):
    # Addresses are kept lower-case; a person's may be typed in capitals.
    with time_machine.travel(NOW, tick=False):
        refused = FollowUpFactory(
            candidate=CandidateFactory(email="Bounced.Ada@Example.com"),
            state=State.FAILED,
            due_at=NOW - datetime.timedelta(hours=2),
        )
        SuppressedAddress.objects.create(email="bounced.ada@example.com", reason="550 user unknown")
        SuppressedAddress.objects.create(email="someone.else@example.com", reason="550")

        page = {row.pk: row for row in selectors.outbox_page(state="failed").rows}

    assert page[refused.pk].retry_refusal == (
        f"{refused.candidate.name} email address refused mail before"
    )
    assert (
        page[refused.pk].retry_refusal == selectors.followup_for_admin(pk=refused.pk).retry_refusal
    )
    assert (page[rows["failed"].pk].retryable, page[rows["failed"].pk].retry_refusal) == (True, "")


def _walk(**filters) -> list[int]:
    """Every row of the outbox for these filters, page after page, as the Next link goes."""
    walked, after = [], ""
    for _page in range(20):
        page = selectors.outbox_page(after=after, now=NOW, **filters)
        walked += [row.pk for row in page.rows]
        if not (after := page.next_cursor):
            return walked
    raise AssertionError("more pages than rows")


def _expected(state: str, channel: str) -> list[int]:
    """The filters' rows in the outbox's order, worked out here from the follow-ups."""
    rows = FollowUp.objects.all() if not channel else FollowUp.objects.filter(channel=channel)
    scheduled = rows.filter(state=State.SCHEDULED)
    by_due = ("due_at", "pk")
    if state == "due":
        return list(scheduled.filter(due_at__lte=NOW).order_by(*by_due).values_list("pk", flat=1))
    if state == "later":
        return list(scheduled.filter(due_at__gt=NOW).order_by(*by_due).values_list("pk", flat=1))
    if state in (State.SCHEDULED, State.SENDING):
        return list(rows.filter(state=state).order_by(*by_due).values_list("pk", flat=True))
    if state:
        return list(rows.filter(state=state).order_by("-due_at", "-pk").values_list("pk", flat=1))
    past = rows.filter(due_at__lte=NOW).order_by("-due_at", "-pk").values_list("pk", flat=True)
    ahead = rows.filter(due_at__gt=NOW).order_by(*by_due).values_list("pk", flat=True)
    return list(past) + list(ahead)


@pytest.fixture
def many():
    """130 follow-ups either side of now, of every state and both channels, some due at the
    same moment (the cursor's id breaks the tie)."""
    with time_machine.travel(NOW, tick=False):
        candidate, template = CandidateFactory(), MessageTemplateFactory()
        states = [State.SCHEDULED, State.SENT, State.FAILED, State.CANCELLED, State.SKIPPED]
        for n in range(130):
            task = n % 4 == 0
            FollowUpFactory(
                candidate=candidate,
                state=states[n % len(states)],
                due_at=NOW + datetime.timedelta(hours=(n // 2) - 30),
                channel="task" if task else "email",
                audience="recruiter" if task else "candidate",
                template=None if task else template,
                task_title="Call" if task else "",
            )


@pytest.mark.parametrize("channel", ["", "email", "task"])
@pytest.mark.parametrize("state", ["", "due", "later", "scheduled", "sent", "failed", "skipped"])
def test_each_filters_prepared_statement_walks_the_outbox_in_its_order(many, state, channel):
    assert _walk(state=state, channel=channel) == _expected(state, channel)


def test_the_page_and_its_counts_are_statements_prepared_once_per_connection(many):
    for _visit in range(7):
        with CaptureQueriesContext(connection) as ran:
            first = selectors.outbox_page(now=NOW, state="failed")
    page_sql = [q["sql"] for q in ran.captured_queries if "outbox_rows_failed" in q["sql"]]
    counts_sql = [q["sql"] for q in ran.captured_queries if "outbox_counts_failed" in q["sql"]]

    assert [sql.split("EXECUTE ")[1][:24] for sql in page_sql + counts_sql] == [
        "outbox_rows_failed_any_0",
        "outbox_counts_failed_any",
    ]
    # (its generic plan is asked for outside a transaction only: the test runs in one)
    assert all(sql.startswith("EXECUTE ") for sql in page_sql + counts_sql)
    assert [row.pk for row in first.rows] == _expected("failed", "")[:50]
    assert (first.count.value, first.counts["failed"].value) == (26, 26)


def test_a_filter_value_not_in_the_lists_is_never_written_into_sql():
    with pytest.raises(KeyError):
        selectors.outbox_page(now=NOW, state="failed' OR TRUE --")
    with pytest.raises(KeyError):
        selectors.outbox_page(now=NOW, channel="email' --")


def _bulk(count: int, **fields) -> None:
    candidate, template = CandidateFactory(), MessageTemplateFactory()
    FollowUp.objects.bulk_create(
        FollowUpFactory.build(candidate=candidate, template=template, **fields)
        for _n in range(count)
    )


def test_the_whole_outbox_is_counted_past_the_cap_from_its_states_counts():
    with time_machine.travel(NOW, tick=False):
        _bulk(selectors.OUTBOX_COUNT_CAP + 1, state=State.FAILED, due_at=NOW)

        page = selectors.outbox_page(now=NOW)
        failed = selectors.outbox_page(now=NOW, state="failed")

    capped = selectors.CappedCount(selectors.OUTBOX_COUNT_CAP, capped=True)
    assert (page.count, page.counts["failed"], page.counts["due"]) == (
        capped,
        capped,
        selectors.CappedCount(0),
    )
    assert (failed.count, failed.counts["failed"]) == (capped, capped)


def test_the_whole_outbox_is_counted_on_its_own_when_its_states_counts_are_under_the_cap():
    with time_machine.travel(NOW, tick=False):
        _bulk(3, state=State.SENT, due_at=NOW)
        _bulk(2, state=State.FAILED, due_at=NOW)
        _bulk(1, state=State.SCHEDULED, due_at=NOW + datetime.timedelta(days=1))

        page = selectors.outbox_page(now=NOW)
        due = selectors.outbox_page(now=NOW, state="due")
        task = selectors.outbox_page(now=NOW, channel="task")

    assert page.count == selectors.CappedCount(6)
    assert [page.counts[k].value for k in ("due", "later", "sending", "failed")] == [0, 1, 0, 2]
    assert (due.count, task.count) == (selectors.CappedCount(0), selectors.CappedCount(0))


def test_a_recipient_search_reads_what_its_rows_are_about_as_the_page_does(rows):
    with time_machine.travel(NOW, tick=False):
        SuppressedAddress.objects.create(email="ada@example.com", reason="550 user unknown")
        searched = {row.pk: row for row in selectors.outbox_page(query="ada").rows}
        page = {row.pk: row for row in selectors.outbox_page().rows}

    assert searched[rows["failed"].pk].retry_refusal == "Ada Byte email address refused mail before"
    assert searched[rows["task"].pk].cadence == "Onboarding · day 30"
    for pk, row in searched.items():
        assert row == page[pk]
