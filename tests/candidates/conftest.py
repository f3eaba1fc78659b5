"""Fixtures of the analytics tests: the pipelines of analytics_fixture with their numbers."""

from __future__ import annotations

import pytest
import time_machine

from candidates.models import Application, Candidate
from tests.candidates.analytics_fixture import NOW, at, feedback, pipeline
from tests.hiring_leaders.factories import RequisitionFactory

S = Application.Stage
REJECTED, WITHDRAWN = Application.Outcome.REJECTED, Application.Outcome.WITHDRAWN


@pytest.fixture(autouse=True)
def analytics_worker_in_the_request():
    """The agency's analytics are counted by a worker (candidates.tasks.count_analytics): run it
    eagerly here, so a page's first visit shows the figures as it would once a worker has
    counted them. tests/candidates/test_analytics_counting.py holds the queue back instead."""
    from recruitcrm.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = eager


@pytest.fixture
def analytics_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def pipeline_history(analytics_now, requisition, other_recruiter):
    """Seven candidates added to `requisition` in February, one hire added last June, and a
    hire in another recruiter's requisition at another company."""
    r = requisition
    a1 = pipeline(
        r,
        [
            (S.SOURCED, at(2, 1)),
            (S.CONTACTED, at(2, 3)),
            (S.SCREENED, at(2, 7)),
            (S.SUBMITTED, at(2, 8)),
            (S.INTERVIEWING, at(2, 12)),
            (S.OFFER, at(2, 20)),
            (S.HIRED, at(2, 22)),
        ],
        source=Candidate.Source.REFERRAL,
    )
    feedback(a1, "advance", at(2, 11))  # waited 3 days
    pipeline(
        r,
        [(S.SOURCED, at(2, 1)), (S.CONTACTED, at(2, 2)), (S.SCREENED, at(2, 4))],
        close=(REJECTED, "Not enough Python", at(2, 10)),
    )
    pipeline(
        r,
        [(S.SOURCED, at(2, 1)), (S.CONTACTED, at(2, 5))],
        close=(WITHDRAWN, "Took another offer", at(2, 6)),
    )
    pipeline(r, [(S.SOURCED, at(2, 2))])
    # Skipped straight to submitted; the leader passed two days later: waited 2 days.
    a5 = pipeline(
        r,
        [(S.SOURCED, at(2, 1)), (S.SUBMITTED, at(2, 3))],
        close=(REJECTED, "Leader passed", at(2, 6)),
    )
    feedback(a5, "pass", at(2, 5), reason="skills")
    pipeline(r, [(S.SOURCED, at(2, 1))], close=(REJECTED, "Not enough Python", at(2, 2)))
    # Submitted 8 days ago, no word since: still waiting, overdue (over 3 days).
    pipeline(r, [(S.SOURCED, at(2, 20)), (S.SUBMITTED, at(2, 24))])
    # Added before the range, hired in it: a source of hire, not in the funnel.
    pipeline(r, [(S.SOURCED, at(6, 1, 2025)), (S.HIRED, at(1, 10))])
    elsewhere = RequisitionFactory(recruiter=other_recruiter)
    pipeline(
        elsewhere, [(S.SOURCED, at(2, 10)), (S.HIRED, at(2, 15))], source=Candidate.Source.EVENT
    )
    return r, elsewhere


@pytest.fixture
def experience_history(analytics_now, requisition, recruiter, other_recruiter):
    """Candidates who heard from us or not, interviews with and without an answer, promises
    kept on time, late and not at all."""
    from tests.candidates.analytics_fixture import interview
    from tests.candidates.factories import CommitmentFactory

    r = requisition
    days = __import__("datetime").timedelta
    # Active in an open role: heard 3, 10 and 20 days ago, and never.
    for ago in (3, 10, 20, None):
        pipeline(
            r,
            [(S.SOURCED, at(2, 1))],
            last_contacted_at=None if ago is None else NOW - days(days=ago),
        )
    # Not active: hired, closed, or in a role on hold (heard from yesterday, all three).
    pipeline(r, [(S.SOURCED, at(2, 1)), (S.HIRED, at(2, 9))], last_contacted_at=NOW - days(1))
    pipeline(
        r,
        [(S.SOURCED, at(2, 1))],
        close=(REJECTED, "Not a fit", at(2, 3)),
        last_contacted_at=NOW - days(1),
    )
    on_hold = RequisitionFactory(recruiter=recruiter, status="on_hold")
    pipeline(on_hold, [(S.SOURCED, at(2, 1))], last_contacted_at=NOW - days(1))

    # Interviewed: an interview on 20 January, offer 15 days later.
    i1 = pipeline(r, [(S.SOURCED, at(1, 2)), (S.INTERVIEWING, at(1, 10)), (S.OFFER, at(2, 4))])
    interview(i1, at(1, 20))
    # Entered interviewing 5 January (no interview rows), rejected 50 days later: told late.
    pipeline(
        r,
        [(S.SOURCED, at(1, 2)), (S.INTERVIEWING, at(1, 5))],
        close=(REJECTED, "Stronger candidates", at(2, 24)),
    )
    # Interviewed 8 January, nothing since: 55 days waiting, flagged.
    i3 = pipeline(r, [(S.SOURCED, at(1, 1)), (S.INTERVIEWING, at(1, 1))])
    interview(i3, at(1, 8))
    # Interviewing since 20 February: 12 days, not yet owed.
    pipeline(r, [(S.SOURCED, at(2, 1)), (S.INTERVIEWING, at(2, 20))])

    # Promises: kept early, kept late, still open, not yet due, due before the range.
    person = CommitmentFactory
    person(recruiter=recruiter, due_at=at(2, 1), status="kept", kept_at=at(1, 31))
    person(recruiter=recruiter, due_at=at(2, 2), status="kept", kept_at=at(2, 3))
    person(recruiter=recruiter, due_at=at(2, 3))
    person(recruiter=recruiter, due_at=at(3, 10))
    person(recruiter=recruiter, due_at=at(11, 1, 2025), status="kept", kept_at=at(11, 1, 2025))
    person(recruiter=other_recruiter, due_at=at(2, 5), status="kept", kept_at=at(2, 5))
    return i3
