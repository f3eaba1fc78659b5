from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from candidates.forms import CandidateSearchForm, TimelinePageForm
from candidates.selectors import (
    candidate_for_recruiter,
    candidate_open_commitments,
    candidate_page,
    candidate_timeline_page,
)
from followups.selectors import candidate_open_tasks, candidate_placement_checkins
from recruitcrm.access import recruiter_required


def _fragment_only(request) -> bool:
    # A history-restore request (back button after a cache miss) needs the whole page.
    return bool(request.htmx) and not request.htmx.history_restore_request


@recruiter_required
@vary_on_headers("HX-Request")
def candidate_list(request):
    form = CandidateSearchForm(request.GET)
    filters = form.filters()
    page = candidate_page(viewer=request.user, **filters)
    template_name = "candidates/candidate_list.html"
    if _fragment_only(request):
        template_name += "#candidate-table"
    context = {"form": form, "page": page, "query": filters["query"], "mine": filters["mine"]}
    return render(request, template_name, context)


@recruiter_required
@vary_on_headers("HX-Request")
def candidate_detail(request, pk: int):
    candidate = candidate_for_recruiter(viewer=request.user, pk=pk)
    timeline = candidate_timeline_page(
        candidate=candidate, page_number=TimelinePageForm(request.GET).page_number()
    )
    if _fragment_only(request):
        context = {"candidate": candidate, "timeline": timeline}
        return render(request, "candidates/candidate_detail.html#timeline", context)
    open_tasks, more_tasks = candidate_open_tasks(candidate=candidate)
    context = {
        "candidate": candidate,
        "timeline": timeline,
        "open_commitments": candidate_open_commitments(candidate=candidate),
        "open_tasks": open_tasks,
        "more_tasks": more_tasks,
        "placements": candidate_placement_checkins(candidate=candidate),
    }
    return render(request, "candidates/candidate_detail.html", context)
