from __future__ import annotations

import re

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from candidates.models import Activity, Application, Candidate, Commitment
from recruitcrm.models import User

CANDIDATES_PER_PAGE = 50
TIMELINE_PER_PAGE = 30


def phone_digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


def candidate_duplicates(
    *,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    exclude_pk: int | None = None,
) -> QuerySet[Candidate]:
    """Candidates that are probably the same person: same email, or same name and phone."""
    match = Q(pk__in=[])
    if email:
        match |= Q(email__iexact=email.strip())
    digits = phone_digits(phone)
    if digits and first_name and last_name:
        match |= Q(
            phone_digits=digits,
            first_name__iexact=first_name.strip(),
            last_name__iexact=last_name.strip(),
        )
    found = Candidate.objects.filter(match)
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return found.order_by("pk")


def candidate_search(*, viewer: User, query: str = "", mine: bool = False) -> QuerySet[Candidate]:
    """Every word of the query must match the first name, last name or email."""
    candidates = Candidate.objects.select_related("owner")
    if mine:
        candidates = candidates.filter(owner=viewer)
    for word in query.split()[:5]:
        candidates = candidates.filter(
            Q(first_name__istartswith=word)
            | Q(last_name__istartswith=word)
            | Q(email__istartswith=word)
        )
    return candidates.order_by("last_name", "first_name", "pk")


def candidate_page(
    *, viewer: User, query: str = "", mine: bool = False, page_number: str | int | None = 1
) -> Page:
    candidates = candidate_search(viewer=viewer, query=query, mine=mine)
    return Paginator(candidates, CANDIDATES_PER_PAGE).get_page(page_number)


def candidate_for_recruiter(*, viewer: User, pk: int) -> Candidate:
    """A candidate a recruiter may open, with what the detail page shows alongside it.

    Candidates are a team asset in an agency: every recruiter may open every candidate.
    Hiring leaders never reach this (the view admits recruiters and admins only).
    """
    applications = Application.objects.select_related(
        "requisition", "requisition__company", "placement"
    ).order_by("-stage_changed_at")
    return get_object_or_404(
        Candidate.objects.select_related("owner").prefetch_related(
            Prefetch("applications", queryset=applications),
            Prefetch(
                "commitments",
                queryset=Commitment.objects.select_related("recruiter", "requisition"),
            ),
        ),
        pk=pk,
    )


def candidate_timeline_page(*, candidate: Candidate, page_number: str | int | None = 1) -> Page:
    activities = (
        Activity.objects.filter(candidate=candidate)
        .select_related("actor", "requisition")
        .order_by("-occurred_at", "-pk")
    )
    return Paginator(activities, TIMELINE_PER_PAGE).get_page(page_number)


def candidate_open_commitments(*, candidate: Candidate) -> list[Commitment]:
    """Promises still owed to the candidate, soonest due first.

    Reads the commitments `candidate_for_recruiter` already prefetched, so the detail page pays
    no extra query however many promises there are.
    """
    return sorted(
        (c for c in candidate.commitments.all() if c.status == Commitment.Status.OPEN),
        key=lambda c: (c.due_at, c.pk),
    )
