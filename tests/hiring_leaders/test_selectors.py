"""The reads behind the recruiters' client pages."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from candidates.models import Application
from hiring_leaders import selectors
from tests.candidates.factories import ApplicationFactory, CandidateFactory
from tests.hiring_leaders.factories import HiringLeaderFactory, RequisitionFactory

pytestmark = pytest.mark.django_db


def test_status_counts_follow_the_filters(recruiter, other_recruiter):
    RequisitionFactory(recruiter=recruiter, title="Data Engineer")
    RequisitionFactory(recruiter=recruiter, title="Data Analyst", status="on_hold")
    RequisitionFactory(recruiter=other_recruiter, title="Data Scientist")
    RequisitionFactory(recruiter=recruiter, title="Nurse")

    mine = selectors.requisition_status_counts(viewer=recruiter, mine=True, query="data")
    everyone = selectors.requisition_status_counts(viewer=recruiter, query="data")

    assert mine == {"open": 1, "on_hold": 1, "filled": 0, "cancelled": 0}
    assert everyone["open"] == 2


def test_a_page_of_requisitions_carries_its_pipeline_counts(recruiter, django_assert_num_queries):
    requisition = RequisitionFactory(recruiter=recruiter)
    for stage in ("sourced", "submitted", "offer", "hired"):
        ApplicationFactory(requisition=requisition, stage=stage)
    ApplicationFactory(
        requisition=requisition,
        stage="offer",
        outcome="rejected",
        closed_at=timezone.now(),
        close_reason="No",
    )
    counts = selectors.requisition_status_counts(viewer=recruiter)

    with django_assert_num_queries(2):
        page = selectors.requisition_page(viewer=recruiter, status="open", counts=counts)

    (row,) = page.object_list
    # Submitted: the leader has had their profile (submitted, offer and the hire).
    assert (row.active_candidates, row.submitted_candidates, row.hires) == (4, 3, 1)
    assert page.paginator.count == 1


def test_the_board_keeps_the_latest_cards_of_each_column_and_counts_them_all(requisition):
    moments = [timezone.now() - datetime.timedelta(days=n) for n in range(5)]
    for moment in moments:
        ApplicationFactory(requisition=requisition, stage="screened", stage_changed_at=moment)
    ApplicationFactory(
        requisition=requisition,
        stage="screened",
        outcome="withdrawn",
        closed_at=timezone.now(),
        close_reason="Took another job",
    )

    board = selectors.pipeline_board(requisition=requisition, per_column=3)

    screened = board.columns[Application.stage_rank("screened")]
    assert (screened.count, len(screened.cards), screened.more) == (5, 3, 2)
    assert [card.stage_changed_at for card in screened.cards] == moments[:3]
    assert screened.next_stage == ("submitted", "Submitted")
    assert board.columns[-1].next_stage is None
    assert (board.active, board.rejected, board.withdrawn) == (5, 0, 1)


def test_the_board_reads_the_same_with_or_without_lateral(requisition):
    # PostgreSQL reads the board in one LATERAL query; other databases rank and fetch.
    for days, stage in enumerate(["sourced"] * 4 + ["offer", "hired"]):
        ApplicationFactory(
            requisition=requisition,
            stage=stage,
            stage_changed_at=timezone.now() - datetime.timedelta(days=days),
        )
    ApplicationFactory(
        requisition=requisition, outcome="rejected", closed_at=timezone.now(), close_reason="No"
    )

    lateral = selectors._board_rows_lateral(requisition.pk, 3)
    ranked = selectors._board_rows_ranked(requisition, 3)

    assert lateral[0] == ranked[0]
    assert sorted(lateral[1]) == sorted(ranked[1])
    assert len(lateral[1]) == 5  # three of four sourced, the offer, the hire


def test_a_card_from_another_requisition_is_not_on_this_board(requisition):
    elsewhere = ApplicationFactory()

    with pytest.raises(Exception, match="No Application matches"):
        selectors.application_on_board(requisition=requisition, pk=elsewhere.pk)


def test_candidates_to_add_match_each_word_and_say_who_is_already_in(requisition):
    in_already = CandidateFactory(first_name="Ana", last_name="Lopez")
    ApplicationFactory(requisition=requisition, candidate=in_already)
    CandidateFactory(first_name="Ana", last_name="Smith")
    CandidateFactory(first_name="Boris", last_name="Lopez")

    found = selectors.candidates_to_add(requisition=requisition, query="ana")
    both_words = selectors.candidates_to_add(requisition=requisition, query="ana lop")

    assert [(c.name, c.in_pipeline) for c in found] == [("Ana Lopez", True), ("Ana Smith", False)]
    assert [c.name for c in both_words] == ["Ana Lopez"]
    assert selectors.candidates_to_add(requisition=requisition, query="  ") == []


def test_a_leaders_updates_are_the_emails_sent_to_them_newest_first(requisition):
    from tests.followups.factories import FollowUpFactory

    leader = requisition.hiring_leader
    older, newer = (
        FollowUpFactory(
            candidate=None,
            hiring_leader=leader,
            recruiter=requisition.recruiter,
            audience="hiring_leader",
            state="sent",
            sent_at=timezone.now() - datetime.timedelta(days=days),
        )
        for days in (7, 1)
    )
    FollowUpFactory(
        candidate=None,
        hiring_leader=HiringLeaderFactory(),
        recruiter=requisition.recruiter,
        audience="hiring_leader",
        state="sent",
        sent_at=timezone.now(),
    )

    updates, more = selectors.hiring_leader_updates_sent(leader=leader)

    assert (updates, more) == ([newer, older], False)


def test_the_recruiters_requisition_read_is_prepared_and_reads_what_the_orm_read(requisition):
    from django.db import connection
    from django.http import Http404
    from django.test.utils import CaptureQueriesContext

    from followups.leader_selectors import leader_heard, with_leader_heard
    from followups.models import DigestVisit, HoldAnswer
    from hiring_leaders.models import Requisition
    from tests.followups.factories import FollowUpFactory

    leader = requisition.hiring_leader
    digest = FollowUpFactory(candidate=None, hiring_leader=leader, recruiter=requisition.recruiter)
    at = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    DigestVisit.objects.create(digest=digest, requisition=requisition, last_seen_at=at)
    for answer, days in (("keep", 1), ("cancel", 3), ("reopen", 2)):
        HoldAnswer.objects.create(
            digest=FollowUpFactory(
                candidate=None, hiring_leader=leader, recruiter=requisition.recruiter
            ),
            requisition=requisition,
            hiring_leader=leader,
            answer=answer,
            answered_at=at + datetime.timedelta(days=days),
        )
    other = RequisitionFactory(title="Quiet role")
    orm = with_leader_heard(
        Requisition.objects.select_related("company", "hiring_leader", "recruiter")
    )

    for _ in range(7):  # past the fifth EXECUTE, on its generic plan
        with CaptureQueriesContext(connection) as ran:
            read = selectors.requisition_for_recruiter(pk=requisition.pk)
            heard = leader_heard(requisition=read)
            names = (read.company.name, read.hiring_leader.name, read.recruiter.email)
        assert len(ran.captured_queries) == 1
    if connection.vendor == "postgresql":
        assert "EXECUTE requisition_for_recruiter_" in ran.captured_queries[0]["sql"]
    expected = orm.get(pk=requisition.pk)
    assert heard.answer == "cancel"
    assert heard.seen_at == at
    assert heard.answered_at == at + datetime.timedelta(days=3)
    assert names == (expected.company.name, leader.name, expected.recruiter.email)
    for field in Requisition._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(expected, field.attname), field.name
    # Another requisition reads its own values through the same statement.
    quiet = selectors.requisition_for_recruiter(pk=other.pk)
    assert quiet.title == "Quiet role"
    assert leader_heard(requisition=quiet).answer == ""
    assert quiet.hiring_leader == other.hiring_leader
    assert quiet.leader_seen_at is None
    for missing in (other.pk + 1000, 2**63):
        with pytest.raises(Http404):
            selectors.requisition_for_recruiter(pk=missing)


def test_the_roles_recent_changes_are_its_own_newest_first_by_one_prepared_read(
    requisition, recruiter
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.candidates.factories import ActivityFactory

    at = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)

    def role_change(summary, hours, **kwargs):
        return ActivityFactory(
            candidate=None,
            requisition=requisition,
            kind="note",
            summary=summary,
            occurred_at=at + datetime.timedelta(hours=hours),
            **kwargs,
        )

    older = [role_change(f"Edit {n}", n, actor=recruiter) for n in range(7)]
    tied_first = role_change("Put on hold", 10)
    tied_second = role_change("Reopened", 10, actor=recruiter)
    # A candidate's move in this role, and another role's change, are not the role's own.
    ActivityFactory(
        requisition=requisition, summary="Moved", occurred_at=at + datetime.timedelta(hours=20)
    )
    ActivityFactory(
        candidate=None,
        requisition=RequisitionFactory(),
        kind="note",
        summary="Other role",
        occurred_at=at + datetime.timedelta(hours=30),
    )

    for _ in range(7):  # past the fifth EXECUTE, on its generic plan
        with CaptureQueriesContext(connection) as ran:
            recent = selectors.requisition_recent_activity(requisition=requisition)
            shown = [(a.summary, a.actor.name if a.actor else None) for a in recent]
        assert len(ran.captured_queries) == 1
    if connection.vendor == "postgresql":
        assert "EXECUTE requisition_recent_activity_" in ran.captured_queries[0]["sql"]
    assert [a.pk for a in recent] == [
        tied_second.pk,
        tied_first.pk,
        *[a.pk for a in reversed(older)][:6],
    ]
    assert shown[:3] == [
        ("Reopened", recruiter.name),
        ("Put on hold", None),
        ("Edit 6", recruiter.name),
    ]
    assert recent[0].occurred_at == at + datetime.timedelta(hours=10)
    assert [
        a.pk for a in selectors.requisition_recent_activity(requisition=requisition, limit=2)
    ] == [
        tied_second.pk,
        tied_first.pk,
    ]
