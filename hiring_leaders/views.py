from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.http import Http404
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_datetime

from followups.post_hire import requisition_solved_answers
from followups.services import digest_visit_record
from hiring_leaders import progress
from hiring_leaders.kit_selectors import scorecards_owed_by_leader, shared_kit_view
from hiring_leaders.models import Requisition
from hiring_leaders.selectors import leader_for_user, requisition_page_for_leader
from recruitcrm.access import hiring_leader_required, recruiter_required
from recruitcrm.jinja2 import url
from recruitcrm.rendering import render

PROGRESS = "hiring_leaders/leader/requisition_progress.html"


@hiring_leader_required
def requisition_list(request):
    leader = leader_for_user(user=request.user)
    # Paginator.get_page() turns a junk or out-of-range page number into a real page.
    page = requisition_page_for_leader(leader=leader, page_number=request.GET.get("page"))
    return render(
        request, "hiring_leaders/leader/requisition_list.html", {"leader": leader, "page": page}
    )


# The parts of the progress page loaded after its shell, each at its own URL: "pipeline"
# (counts per stage, the funnel, the effort, whether the hire solved the problem), "submitted"
# (the candidates sent to the leader, with their feedback buttons) and "updates" (what the
# leader was told and promised).
PARTS = ("pipeline", "submitted", "updates")


@hiring_leader_required
def requisition_detail(request, pk: int):
    now = timezone.now()
    requisition = progress.shell_requisition_for_leader(user=request.user, pk=pk, now=now)
    digest = request.GET.get("digest", "")
    if digest.isdigit() and len(digest) < 19:
        # Opened from a weekly digest's link: the recruiter sees it was read, and when.
        digest_visit_record(
            digest_id=int(digest),
            requisition=requisition,
            leader=requisition.hiring_leader,
        )
    return render(request, PROGRESS, _shell_context(request, requisition, now, read_only=False))


@hiring_leader_required
def requisition_part(request, pk: int, part: str):
    if part not in PARTS:
        raise Http404
    requisition = progress.part_requisition_for_leader(user=request.user, pk=pk)
    return _render_part(request, requisition, part, read_only=False)


@recruiter_required
def requisition_as_leader(request, pk: int):
    """The progress page exactly as the requisition's leader sees it, for their recruiter to
    check what the leader reads; nothing on it can be changed from here."""
    now = timezone.now()
    requisition = progress.shell_requisition_for_recruiter(pk=pk, now=now)
    return render(request, PROGRESS, _shell_context(request, requisition, now, read_only=True))


@recruiter_required
def requisition_as_leader_part(request, pk: int, part: str):
    if part not in PARTS:
        raise Http404
    requisition = progress.part_requisition_for_recruiter(pk=pk)
    return _render_part(request, requisition, part, read_only=True)


def _part_url(requisition: Requisition, part: str, *, read_only: bool, query: dict) -> str:
    name = "clients:requisition_as_leader_part" if read_only else "hiring_leaders:requisition_part"
    address = url(name, requisition.pk, part)
    shown = {key: value for key, value in query.items() if value}
    return f"{address}?{urlencode(shown)}" if shown else address


def _shell_context(request, requisition: Requisition, now, *, read_only: bool) -> dict:
    # A part keeps the shell's own page= (submitted) and before= (updates): the parts' links
    # ("Next", "Earlier updates") point at the shell, which hands them on.
    queries = {
        "pipeline": {},
        "submitted": {"page": request.GET.get("page", "")},
        "updates": {"before": request.GET.get("before", "")},
    }
    return {
        "requisition": requisition,
        "read_only": read_only,
        "part": None,
        "part_urls": {
            part: _part_url(requisition, part, read_only=read_only, query=queries[part])
            for part in PARTS
        },
        "now": now,
        "days_open": progress.days_open(requisition, timezone.localdate(now)),
        "forecast": progress.requisition_forecast(requisition=requisition),
        "overdue": requisition.overdue,
        "overdue_days": progress.feedback_overdue_days(),
        # Issue 9: the interview kit once shared, and the scorecards a leader on the panel owes.
        # Both flags ride on the requisition's own read: no query unless there is something.
        "kit": shared_kit_view(requisition=requisition)
        if getattr(requisition, "kit_shared_at", None)
        else None,
        "owed_scorecards": scorecards_owed_by_leader(requisition=requisition, user=request.user)
        if getattr(requisition, "has_scorecards", False) and not read_only
        else [],
    }


def _render_part(request, requisition: Requisition, part: str, *, read_only: bool):
    """The part alone for htmx (swapped into the shell's placeholder); else the page's layout
    with only this part, so that every part can be read without JavaScript."""
    now = timezone.now()
    context = {
        "requisition": requisition,
        "read_only": read_only,
        "part": part,
        "page_url": url(
            "clients:requisition_as_leader" if read_only else "hiring_leaders:requisition_detail",
            requisition.pk,
        ),
        "now": now,
        "overdue_days": progress.feedback_overdue_days(),
    }
    if part == "updates":
        told = progress.told_and_promised(
            requisition=requisition, before=_moment(request.GET.get("before"))
        )
        context.update(
            timeline=told.timeline,
            timeline_more=told.earlier_than,
            promises=told.promises,
            more_promises=told.more_promises,
        )
    else:
        standing = progress.requisition_standing(requisition=requisition, now=now)
        context["standing"] = standing
        if part == "pipeline":
            context.update(
                effort=progress.requisition_effort(
                    requisition=requisition, now=now, standing=standing
                ),
                solved_answers=requisition_solved_answers(
                    requisition=requisition, hired=standing.hired
                ),
            )
        else:
            context["submitted"] = progress.submitted_candidates_page(
                requisition=requisition,
                standing=standing,
                now=now,
                page_number=request.GET.get("page"),
            )
    if request.headers.get("HX-Request"):
        response = render(request, f"{PROGRESS}#{part}", context)
    else:
        response = render(request, PROGRESS, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _moment(value: str | None) -> datetime.datetime | None:
    """A `before` from the page's own "Earlier updates" link; anything else is ignored."""
    try:
        moment = parse_datetime(value or "")
    except ValueError:
        return None
    if moment is None or timezone.is_naive(moment):
        return None
    return moment
