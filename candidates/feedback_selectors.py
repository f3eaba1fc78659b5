"""The reads behind a hiring leader's feedback: which submitted candidate a leader may answer
about (404 for anyone else's), and who is waiting on a leader's word and for how long."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.utils import timezone

from candidates.models import Application, LeaderFeedback
from hiring_leaders.models import HiringLeader

# Stages at which a candidate is in front of the leader: submitted and what follows it.
WITH_THE_LEADER = (
    Application.Stage.SUBMITTED,
    Application.Stage.INTERVIEWING,
    Application.Stage.OFFER,
)


def application_for_leader_feedback(
    *, leader: HiringLeader, requisition_pk: int, pk: int
) -> Application:
    """A candidate submitted to this leader for one of their own roles, else 404: another
    leader's role, a candidate not (or no longer) in front of the leader, an unknown id."""
    return get_object_or_404(
        Application.objects.select_related("candidate", "requisition__recruiter"),
        pk=pk,
        requisition_id=requisition_pk,
        requisition__hiring_leader=leader,
        outcome=Application.Outcome.ACTIVE,
        stage__in=WITH_THE_LEADER,
    )


@dataclass(frozen=True)
class Waiting:
    """A candidate submitted to a leader who has not answered since."""

    application_id: int
    requisition_id: int
    candidate_name: str
    submitted_at: datetime.datetime
    days: int
    overdue: bool


def waiting_on_leader(
    *, requisition_ids: list[int], now: datetime.datetime | None = None
) -> list[Waiting]:
    """Candidates at "submitted" in these roles with no feedback since they were submitted,
    longest wait first: one query."""
    now = now or timezone.now()
    answered = LeaderFeedback.objects.filter(
        application=OuterRef("pk"), given_at__gte=OuterRef("stage_changed_at")
    )
    rows = (
        Application.objects.filter(
            requisition_id__in=requisition_ids,
            outcome=Application.Outcome.ACTIVE,
            stage=Application.Stage.SUBMITTED,
        )
        .exclude(Exists(answered))
        .order_by("stage_changed_at", "pk")
        .values_list(
            "pk",
            "requisition_id",
            "candidate__first_name",
            "candidate__last_name",
            "stage_changed_at",
        )
    )
    overdue_after = datetime.timedelta(days=settings.LEADER_FEEDBACK_OVERDUE_DAYS)
    return [
        Waiting(
            application_id=pk,
            requisition_id=requisition_id,
            candidate_name=f"{first} {last}".strip(),
            submitted_at=since,
            days=(now - since).days,
            overdue=now - since >= overdue_after,
        )
        for pk, requisition_id, first, last, since in rows
    ]
