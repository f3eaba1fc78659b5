"""The reads behind the intake pages: its versions a page at a time, one version as it stood,
whether a forecast was the first, and a recruiter's own "past its forecast" prompt."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window
from django.shortcuts import get_object_or_404

from hiring_leaders.models import IntakeVersion, Requisition, TimeToFillForecast
from recruitcrm.models import User

VERSIONS_PER_PAGE = 20


def intake_versions_page(*, intake_id: int | None, asked: str | None) -> Page:
    """The intake's versions, newest first, VERSIONS_PER_PAGE a page, as Paginator.get_page
    gives them (a page out of range or not a number: the last or the first). An intake not yet
    saved has none, so nothing is read; otherwise the page's rows carry how many there are in
    all (a window count), where Paginator counted them in a query of its own first."""
    versions = IntakeVersion.objects.filter(intake_id=intake_id).select_related(
        "changed_by", "changed_by_leader"
    )
    paginator = Paginator(versions, VERSIONS_PER_PAGE)
    if intake_id is None:
        paginator.count = 0  # cached_property: set, it is never counted
        return paginator.get_page(1)
    try:
        number = int(asked or 1)
    except ValueError:
        number = 1
    start = (number - 1) * VERSIONS_PER_PAGE
    rows = (
        list(versions.annotate(in_all=Window(Count("pk")))[start : start + VERSIONS_PER_PAGE])
        if number >= 1
        else []
    )
    if not rows and number == 1:  # none yet (a draft before kick-off)
        paginator.count = 0
        return paginator.get_page(1)
    if not rows:  # a page before the first or past the last: as get_page says
        return paginator.get_page(asked)
    paginator.count = rows[0].in_all
    return Page(rows, number, paginator)


def saved_intake_version(*, requisition: Requisition, number: int) -> IntakeVersion:
    """One saved version of the requisition's intake; 404 if it has no such version."""
    return get_object_or_404(
        IntakeVersion.objects.select_related("changed_by", "changed_by_leader"),
        intake__requisition=requisition,
        number=number,
    )


def forecast_is_first(forecast: TimeToFillForecast) -> bool:
    """The intake forecast: the one calibration judges, and the one the leader is shown first."""
    return not TimeToFillForecast.objects.filter(
        requisition_id=forecast.requisition_id, made_at__lt=forecast.made_at
    ).exists()


def overrun_forecast_of(*, pk: int, recruiter: User) -> TimeToFillForecast:
    """A forecast behind a "past its forecast" prompt: only its role's recruiter has the prompt;
    anyone else gets 404."""
    return get_object_or_404(
        TimeToFillForecast.objects.select_related("requisition__hiring_leader"),
        pk=pk,
        requisition__recruiter=recruiter,
    )
