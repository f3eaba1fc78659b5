"""The reads behind the message composer: who the message is for, and what it may be about."""

from __future__ import annotations

from django.db.models import Case, When
from django.shortcuts import get_object_or_404

from candidates.models import Application, Candidate
from hiring_leaders.models import HiringLeader, Requisition

# A leader's roles offered as what a message is about, most recent first.
LEADER_ROLES_SHOWN = 50
# A candidate's applications offered likewise: every active one, then the latest closed ones.
APPLICATIONS_SHOWN = 50


def candidate_and_pipelines(pk: int) -> tuple[Candidate, list[Application]]:
    """The candidate (404 if none) and their applications, active ones first, each group the
    latest move first. Closed ones too: "not selected" is news about a closed application, and
    a promise made about a role outlives its pipeline."""
    candidate = get_object_or_404(Candidate, pk=pk)
    closed_last = Case(When(outcome=Application.Outcome.ACTIVE, then=0), default=1)
    pipelines = list(
        Application.objects.filter(candidate=candidate)
        .select_related("requisition__company")
        .order_by(closed_last, "-stage_changed_at", "-pk")[:APPLICATIONS_SHOWN]
    )
    return candidate, pipelines


def leader_and_roles(pk: int) -> tuple[HiringLeader, list[Requisition]]:
    """The hiring leader (404 if none) and their roles, open ones first."""
    leader = get_object_or_404(HiringLeader, pk=pk)
    roles = list(
        Requisition.objects.filter(hiring_leader=leader).order_by("status", "-opened_on")[
            :LEADER_ROLES_SHOWN
        ]
    )
    return leader, roles


def message_about(value: str) -> tuple[Application | None, Requisition | None]:
    """(application, requisition) for the composer's "about": "a<id>", "r<id>" or ""."""
    if value.startswith("a"):
        application = Application.objects.select_related("requisition__company").get(pk=value[1:])
        return application, application.requisition
    if value.startswith("r"):
        return None, Requisition.objects.select_related("company").get(pk=value[1:])
    return None, None
