"""The analytics pages (issue 9 §4): the agency's pipeline and candidate experience for
recruiters and admins, one requisition's pipeline for recruiters and for its own leader.
Every table downloads as CSV with the page's filters (`?export=<table>`).

The agency's and a company's figures are counted by a worker, never in the request
(analytics_snapshots.read_*): until they are in, the page says what it is counting and polls
`?part=figures` for them; a download of a view not counted yet says so and sends the visitor
back to the page."""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone

from candidates import analytics, analytics_snapshots, experience_analytics
from hiring_leaders import selectors
from recruitcrm.access import hiring_leader_required, recruiter_required
from recruitcrm.analytics import (
    AnalyticsFilterForm,
    PeriodFilterForm,
    companies_matching,
    csv_response,
    export_requested,
    recruiters_matching,
)
from recruitcrm.rendering import render

PIPELINE = "candidates/analytics/pipeline.html"
EXPERIENCE = "candidates/analytics/experience.html"
CHOICES = "candidates/analytics/_choices.html"
FIGURES = {
    PIPELINE: "candidates/analytics/_pipeline_figures.html",
    EXPERIENCE: "candidates/analytics/_experience_figures.html",
}


@recruiter_required
def agency_pipeline(request):
    form = AnalyticsFilterForm.for_request(request)
    scope = analytics.Scope(filters=form.filters)
    return _pipeline_page(request, form, scope, title="Pipeline analytics", tabs=True)


@recruiter_required
def agency_experience(request):
    form = AnalyticsFilterForm.for_request(request)
    filters, now = form.filters, timezone.now()
    table = export_requested(request, experience_analytics.EXPORTS)
    if table:
        counted = None
        if analytics_snapshots.is_slow(filters):
            snapshot = analytics_snapshots.read_experience(filters).snapshot
            if snapshot is None:
                return _not_counted_yet(request, form)
            counted = snapshot.figures
        header, rows = experience_analytics.export_rows(table, filters, now=now, counted=counted)
        return csv_response(filename=f"{table}-{filters.slug}.csv", header=header, rows=rows)
    page = request.GET.get("page", "1")
    page_number = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
    reading = analytics_snapshots.read_experience(filters, page=page_number)
    return _render(
        request,
        EXPERIENCE,
        form,
        reading,
        {"filters": filters, "owed_days": experience_analytics.OUTCOME_OWED_DAYS},
    )


@recruiter_required
def filter_choices(request, kind: str):
    """The names a filter's picker offers as one types: htmx puts them in its <datalist>. Only
    an admin picks a recruiter (a recruiter's figures are their own)."""
    text = request.GET.get(kind, "").strip()[:200]
    if kind == "company":
        labels = [company.name for company in companies_matching(text)] if text else []
    elif kind == "recruiter" and request.user.is_admin:
        labels = [label for _user, label in recruiters_matching(text)] if text else []
    else:
        raise Http404("No such filter")
    return render(request, CHOICES, {"labels": labels})


@recruiter_required
def requisition_analytics(request, pk: int):
    requisition = selectors.requisition_for_analytics(pk=pk)
    return _requisition_page(request, requisition, leader=False)


@hiring_leader_required
def leader_requisition_analytics(request, pk: int):
    # The leader's own requisitions only: another's (even a colleague's) is a 404.
    requisition = selectors.requisition_for_analytics(pk=pk, leader_user=request.user)
    return _requisition_page(request, requisition, leader=True)


def _requisition_page(request, requisition, *, leader: bool):
    form = PeriodFilterForm.for_request(request, start=requisition.opened_on)
    # Whose work and which client are the requisition's: only the dates filter.
    filters = replace(form.filters, recruiter_id=None, company_id=None)
    scope = analytics.Scope(filters=filters, requisition_id=requisition.pk)
    return _pipeline_page(
        request,
        form,
        scope,
        title=f"Analytics: {requisition.title}",
        requisition=requisition,
        leader=leader,
    )


def _pipeline_page(request, form, scope, *, title: str, **context):
    now = timezone.now()
    table = export_requested(request, analytics.EXPORTS)
    if table:
        counted = None
        if analytics_snapshots.is_slow(scope.filters, requisition_id=scope.requisition_id):
            snapshot = analytics_snapshots.read_pipeline(scope).snapshot
            if snapshot is None:
                return _not_counted_yet(request, form)
            counted = snapshot.figures
        header, rows = analytics.export_rows(table, scope, now=now, counted=counted)
        prefix = f"requisition-{scope.requisition_id}-" if scope.requisition_id else ""
        return csv_response(
            filename=f"{prefix}{table}-{scope.filters.slug}.csv", header=header, rows=rows
        )
    reading = analytics_snapshots.read_pipeline(scope)
    return _render(
        request, PIPELINE, form, reading, {"filters": scope.filters, "title": title, **context}
    )


def _render(request, template: str, form, reading, context: dict):
    """The page, or only its figures for the poll of a page still counting them."""
    snapshot = reading.snapshot
    context = {
        "form": form,
        "reading": reading,
        "figures": snapshot.figures if snapshot else None,
        "counting_what": _counting_what(form),
        **context,
    }
    if request.GET.get("part") == "figures":
        return render(request, FIGURES[template], context)
    return render(request, template, context)


def _counting_what(form) -> str:
    """What a slow view counts, in the page's words: the agency, or the company chosen."""
    valid = form.is_bound and "company" not in form.errors
    company = form.cleaned_data.get("company") if valid else None
    return company.name if company else "the whole agency"


def _not_counted_yet(request, form):
    """A download of figures still being counted: back to the page, which shows the count."""
    messages.info(
        request,
        f"The figures of {_counting_what(form)} for these dates are still being counted, so "
        "there is nothing to download yet. Download the table once they appear below.",
    )
    query = request.GET.copy()
    query.pop("export", None)
    return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)
