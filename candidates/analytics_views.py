"""The analytics pages (issue 9 §4): the agency's pipeline and candidate experience for
recruiters and admins, one requisition's pipeline for recruiters and for its own leader.
Every table downloads as CSV with the page's filters (`?export=<table>`)."""

from __future__ import annotations

from dataclasses import replace

from django.utils import timezone

from candidates import analytics, analytics_snapshots, experience_analytics
from hiring_leaders import progress
from recruitcrm.access import hiring_leader_required, recruiter_required
from recruitcrm.analytics import (
    AnalyticsFilterForm,
    PeriodFilterForm,
    csv_response,
    export_requested,
)
from recruitcrm.rendering import render

PIPELINE = "candidates/analytics/pipeline.html"
EXPERIENCE = "candidates/analytics/experience.html"


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
        header, rows = experience_analytics.export_rows(table, filters, now=now)
        return csv_response(filename=f"{table}-{filters.slug}.csv", header=header, rows=rows)
    page = request.GET.get("page", "1")
    page_number = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
    snapshot = analytics_snapshots.experience(filters, page=page_number)
    return render(
        request,
        EXPERIENCE,
        {
            "form": form,
            "filters": filters,
            "figures": snapshot.figures,
            "counted_at": snapshot.counted_at,
            "owed_days": experience_analytics.OUTCOME_OWED_DAYS,
        },
    )


@recruiter_required
def requisition_analytics(request, pk: int):
    requisition = progress.progress_requisition_for_recruiter(pk=pk)
    return _requisition_page(request, requisition, leader=False)


@hiring_leader_required
def leader_requisition_analytics(request, pk: int):
    # The leader's own requisitions only: another's (even a colleague's) is a 404.
    requisition = progress.progress_requisition_for_leader(user=request.user, pk=pk)
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
        header, rows = analytics.export_rows(table, scope, now=now)
        prefix = f"requisition-{scope.requisition_id}-" if scope.requisition_id else ""
        return csv_response(
            filename=f"{prefix}{table}-{scope.filters.slug}.csv", header=header, rows=rows
        )
    snapshot = analytics_snapshots.pipeline(scope)
    return render(
        request,
        PIPELINE,
        {
            "form": form,
            "filters": scope.filters,
            "figures": snapshot.figures,
            "counted_at": snapshot.counted_at,
            "title": title,
            **context,
        },
    )
