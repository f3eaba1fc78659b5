"""The reads behind a hiring leader's feedback: which submitted candidate a leader may answer
about (404 for anyone else's), and who is waiting on a leader's word and for how long."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Window
from django.db.models.functions import RowNumber
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
    # How many wait in this candidate's requisition (all of them, not only those listed).
    of: int = 0


def waiting_on_leader(
    *,
    requisition_ids: list[int],
    now: datetime.datetime | None = None,
    per_requisition: int | None = None,
) -> list[Waiting]:
    """Candidates at "submitted" in these roles with no feedback since they were submitted,
    longest wait first (the first `per_requisition` of each role, with how many there are):
    one query."""
    now = now or timezone.now()
    answered = LeaderFeedback.objects.filter(
        application=OuterRef("pk"), given_at__gte=OuterRef("stage_changed_at")
    )
    by_role = {"partition_by": [F("requisition_id")]}
    rows = (
        Application.objects.filter(
            requisition_id__in=requisition_ids,
            outcome=Application.Outcome.ACTIVE,
            stage=Application.Stage.SUBMITTED,
        )
        .exclude(Exists(answered))
        .annotate(
            place=Window(RowNumber(), order_by=["stage_changed_at", "pk"], **by_role),
            of=Window(Count("pk"), **by_role),
        )
        .order_by("requisition_id", "stage_changed_at", "pk")
    )
    if per_requisition is not None:
        rows = rows.filter(place__lte=per_requisition)
    rows = rows.values_list(
        "pk",
        "requisition_id",
        "candidate__first_name",
        "candidate__last_name",
        "stage_changed_at",
        "of",
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
            of=of,
        )
        for pk, requisition_id, first, last, since, of in rows
    ]
