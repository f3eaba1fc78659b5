"""The reads behind the interview kit pages: a fixed number of queries however big the kit."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from candidates.models import Application, Scorecard
from hiring_leaders.models import (
    Intake,
    InterviewKit,
    KitCriterion,
    KitQuestion,
    KitRound,
    PanelMember,
    Requisition,
)
from recruitcrm.models import User

SENT_SHOWN = 30


@dataclass
class KitView:
    requisition: Requisition
    kit: InterviewKit | None
    criteria: list[KitCriterion] = field(default_factory=list)
    rounds: list[KitRound] = field(default_factory=list)
    panel: list[PanelMember] = field(default_factory=list)


def kit_view(*, requisition: Requisition) -> KitView:
    kit = (
        InterviewKit.objects.select_related("generated_from")
        .filter(requisition=requisition)
        .first()
    )
    panel = list(PanelMember.objects.filter(requisition=requisition).order_by("name", "pk"))
    if kit is None:
        return KitView(requisition=requisition, kit=None, panel=panel)
    criteria = list(
        KitCriterion.objects.filter(kit=kit)
        .prefetch_related(Prefetch("questions", KitQuestion.objects.order_by("position", "pk")))
        .order_by("position", "pk")
    )
    by_pk = {c.pk: c for c in criteria}
    members = {m.pk: m for m in panel}
    rounds = list(KitRound.objects.filter(kit=kit).order_by("position", "pk"))
    # The two many-to-many tables read once each and joined to rows already in hand.
    interviewers = KitRound.interviewers.through.objects.filter(kitround__kit=kit)
    covered = KitRound.criteria.through.objects.filter(kitround__kit=kit)
    for kit_round in rounds:
        kit_round.interviewer_list = [
            members[row.panelmember_id]
            for row in interviewers
            if row.kitround_id == kit_round.pk and row.panelmember_id in members
        ]
        kit_round.criterion_list = [
            by_pk[row.kitcriterion_id]
            for row in covered
            if row.kitround_id == kit_round.pk and row.kitcriterion_id in by_pk
        ]
    return KitView(requisition=requisition, kit=kit, criteria=criteria, rounds=rounds, panel=panel)


def booking_choices(*, requisition: Requisition) -> tuple[list[PanelMember], list[KitRound]]:
    """Who may interview and in which round: what the booking form offers."""
    panel = list(PanelMember.objects.filter(requisition=requisition).order_by("name", "pk"))
    rounds = list(KitRound.objects.filter(kit__requisition=requisition).order_by("position", "pk"))
    return panel, rounds


def intake_must_haves(*, requisition: Requisition) -> list[str] | None:
    """The intake's must-have lines, or None when there is no intake yet."""
    intake = Intake.objects.filter(requisition=requisition).only("must_haves").first()
    return None if intake is None else intake.must_have_list


def panel_emails_sent(*, requisition: Requisition) -> list:
    from followups.models import PanelEmail

    return list(
        PanelEmail.objects.filter(panel_member__requisition=requisition)
        .select_related("panel_member", "scorecard__interview__application__candidate")
        .order_by("-created_at", "-pk")[:SENT_SHOWN]
    )


def kit_of(*, requisition: Requisition) -> InterviewKit:
    """The requisition's interview kit; 404 while it has none."""
    return get_object_or_404(InterviewKit, requisition=requisition)


def criterion_of(*, requisition: Requisition, pk: int) -> KitCriterion:
    return get_object_or_404(
        KitCriterion.objects.select_related("kit"), pk=pk, kit__requisition=requisition
    )


def question_of(*, requisition: Requisition, pk: int) -> KitQuestion:
    return get_object_or_404(
        KitQuestion.objects.select_related("criterion__kit"),
        pk=pk,
        criterion__kit__requisition=requisition,
    )


def round_of(*, requisition: Requisition, pk: int) -> KitRound:
    return get_object_or_404(
        KitRound.objects.select_related("kit"), pk=pk, kit__requisition=requisition
    )


def panel_member_of(*, requisition: Requisition, pk: int) -> PanelMember:
    return get_object_or_404(PanelMember, pk=pk, requisition=requisition)


def application_of(*, requisition: Requisition, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related("candidate"), pk=pk, requisition=requisition
    )


# ---------- the leader's side ----------


def shared_kit_view(*, requisition: Requisition) -> KitView:
    """The kit as the leader reads it, once the recruiter has shared it (the caller knows it is
    shared: the progress page's requisition read says so)."""
    return kit_view(requisition=requisition)


def scorecards_owed_by_leader(*, requisition: Requisition, user: User | None) -> list[Scorecard]:
    """Scorecards the signed-in leader owes (or may still change) as a panel member."""
    if user is None:
        return []
    return list(
        Scorecard.objects.filter(
            interview__application__requisition=requisition,
            interviewer__hiring_leader__user=user,
            read__isnull=True,
        )
        .select_related("interview__application__candidate", "interview__round")
        .order_by("-interview__starts_at", "pk")[:20]
    )


def scorecard_for_leader(*, user: User, pk: int) -> Scorecard:
    """A scorecard of a panel member who is this leader; anyone else's is a 404."""
    return get_object_or_404(
        Scorecard.objects.select_related(
            "interviewer",
            "interview__round",
            "interview__application__candidate",
            "interview__application__requisition__company",
            "interview__application__requisition__recruiter",
        ),
        pk=pk,
        interviewer__hiring_leader__user=user,
    )
