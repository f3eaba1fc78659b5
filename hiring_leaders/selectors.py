from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Q, When
from django.shortcuts import get_object_or_404

from candidates.models import Application
from hiring_leaders.models import HiringLeader, Requisition
from recruitcrm.models import User

REQUISITIONS_PER_PAGE = 25


def leader_for_user(*, user: User) -> HiringLeader:
    """The HiringLeader a signed-in hiring leader is; 404 when the login is linked to nobody."""
    return get_object_or_404(HiringLeader.objects.select_related("company"), user=user)


def _with_pipeline_counts(requisitions):
    active = Q(applications__outcome=Application.Outcome.ACTIVE)
    return requisitions.annotate(
        active_candidates=Count("applications", filter=active),
        submitted_candidates=Count(
            "applications",
            filter=active
            & Q(
                applications__stage__in=[
                    Application.Stage.SUBMITTED,
                    Application.Stage.INTERVIEWING,
                    Application.Stage.OFFER,
                ]
            ),
        ),
        hires=Count("applications", filter=Q(applications__stage=Application.Stage.HIRED)),
    )


def requisition_page_for_leader(*, leader: HiringLeader, page_number: str | int | None = 1) -> Page:
    # Open roles first, then on hold, then the closed ones: what a leader is waiting on.
    status_order = Case(
        *(When(status=value, then=rank) for rank, value in enumerate(Requisition.Status.values)),
        output_field=IntegerField(),
    )
    requisitions = _with_pipeline_counts(
        Requisition.objects.filter(hiring_leader=leader).select_related("company", "recruiter")
    ).order_by(status_order, "-opened_on", "pk")
    return Paginator(requisitions, REQUISITIONS_PER_PAGE).get_page(page_number)


def requisition_for_leader(*, leader: HiringLeader, pk: int) -> Requisition:
    """One of the leader's own requisitions; anyone else's is a 404."""
    return get_object_or_404(
        _with_pipeline_counts(
            Requisition.objects.filter(hiring_leader=leader).select_related("company", "recruiter")
        ),
        pk=pk,
    )


def requisition_stage_counts(*, requisition: Requisition) -> list[tuple[str, int]]:
    """How many active candidates sit at each stage, in pipeline order, zeros included."""
    counts = dict(
        Application.objects.filter(requisition=requisition, outcome=Application.Outcome.ACTIVE)
        .values_list("stage")
        .annotate(n=Count("pk"))
        .values_list("stage", "n")
    )
    return [(label, counts.get(value, 0)) for value, label in Application.Stage.choices]


@dataclass(frozen=True)
class FunnelStep:
    stage: str
    label: str
    count: int
    # Bar length as a percentage of the busiest stage, so the chart uses its full width.
    width: int


def requisition_funnel(*, requisition: Requisition) -> list[FunnelStep]:
    """The stage counts of `requisition_stage_counts`, ready to draw as bars."""
    counts = requisition_stage_counts(requisition=requisition)
    widest = max((n for _, n in counts), default=0)
    return [
        FunnelStep(
            stage=stage,
            label=label,
            count=n,
            width=round(100 * n / widest) if widest else 0,
        )
        for stage, (label, n) in zip(Application.Stage.values, counts, strict=True)
    ]
