"""Pipelines and promises with hand-computed analytics, written row by row with the times
they happened (the services stamp "now"; here each step has its own moment).

Now is Wednesday 4 March 2026, 09:30 UTC; the default range is the 90 days up to today,
5 December 2025 to 4 March 2026.
"""

from __future__ import annotations

import datetime

from candidates.models import (
    Application,
    ApplicationStageChange,
    Candidate,
    Interview,
    LeaderFeedback,
)
from tests.candidates.factories import ApplicationFactory, CandidateFactory

NOW = datetime.datetime(2026, 3, 4, 9, 30, tzinfo=datetime.UTC)


def at(month: int, day: int, year: int = 2026, hour: int = 9, minute: int = 30):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=datetime.UTC)


def pipeline(
    requisition,
    steps: list[tuple[str, datetime.datetime]],
    *,
    close: tuple[str, str, datetime.datetime] | None = None,
    source: str = Candidate.Source.LINKEDIN,
    owner=None,
    last_contacted_at=None,
) -> Application:
    """An application that went through `steps` (stage, when), then closed if `close` says
    (outcome, reason, when); its history as the services write it."""
    candidate = CandidateFactory(
        source=source, owner=owner or requisition.recruiter, last_contacted_at=last_contacted_at
    )
    stage, last = steps[-1]
    hired = stage == Application.Stage.HIRED
    application = ApplicationFactory(
        candidate=candidate,
        requisition=requisition,
        stage=stage,
        created_at=steps[0][1],
        stage_changed_at=last,
        hired_at=last if hired else None,
        outcome=close[0] if close else Application.Outcome.ACTIVE,
        close_reason=close[1] if close else "",
        closed_at=close[2] if close else None,
    )
    previous = ""
    for to_stage, when in steps:
        ApplicationStageChange.objects.create(
            application=application, from_stage=previous, to_stage=to_stage, changed_at=when
        )
        previous = to_stage
    if close:
        ApplicationStageChange.objects.create(
            application=application,
            from_stage=stage,
            to_stage=stage,
            outcome=close[0],
            changed_at=close[2],
            note=close[1],
        )
    return application


def feedback(application, kind: str, when, reason: str = ""):
    return LeaderFeedback.objects.create(
        application=application,
        hiring_leader=application.requisition.hiring_leader,
        kind=kind,
        reason=reason,
        text="Not for us" if kind == "pass" else "",
        given_at=when,
    )


def interview(application, when):
    return Interview.objects.create(application=application, starts_at=when)
