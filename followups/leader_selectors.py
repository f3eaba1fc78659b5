"""What the recruiter sees of a hiring leader's side of a role: when they last opened its
progress page from a digest, and their latest answer to the on-hold question."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from followups.models import DigestVisit, HoldAnswer
from hiring_leaders.models import Requisition


@dataclass(frozen=True)
class LeaderHeard:
    seen_at: datetime.datetime | None
    answer: str
    answered_at: datetime.datetime | None

    @property
    def answer_label(self) -> str:
        return HoldAnswer.Choice(self.answer).label if self.answer else ""


def with_leader_heard(requisitions: QuerySet[Requisition]) -> QuerySet[Requisition]:
    """The requisitions with what leader_heard() reads, in the same query (subqueries on the
    digest_visit_requisition and hold_answer_requisition indexes)."""
    visits = DigestVisit.objects.filter(requisition=OuterRef("pk")).order_by("-last_seen_at")
    answers = HoldAnswer.objects.filter(requisition=OuterRef("pk")).order_by("-answered_at", "-pk")
    return requisitions.annotate(
        leader_seen_at=Subquery(visits.values("last_seen_at")[:1]),
        leader_answer=Subquery(answers.values("answer")[:1]),
        leader_answered_at=Subquery(answers.values("answered_at")[:1]),
    )


def leader_heard(*, requisition: Requisition) -> LeaderHeard:
    """Read from the annotations of with_leader_heard(), or in one query without them."""
    if not hasattr(requisition, "leader_seen_at"):
        requisition = with_leader_heard(Requisition.objects.filter(pk=requisition.pk)).get()
    return LeaderHeard(
        seen_at=requisition.leader_seen_at,
        answer=requisition.leader_answer or "",
        answered_at=requisition.leader_answered_at,
    )
