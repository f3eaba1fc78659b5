from __future__ import annotations

import datetime

from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from followups.post_hire import requisition_solved_answers
from followups.services import digest_visit_record
from hiring_leaders import progress
from hiring_leaders.kit_selectors import scorecards_owed_by_leader, shared_kit_view
from hiring_leaders.models import Requisition
from hiring_leaders.selectors import leader_for_user, requisition_page_for_leader
from recruitcrm.access import hiring_leader_required, recruiter_required

PROGRESS = "hiring_leaders/leader/requisition_progress.html"


@hiring_leader_required
def requisition_list(request):
    leader = leader_for_user(user=request.user)
    # Paginator.get_page() turns a junk or out-of-range page number into a real page.
    page = requisition_page_for_leader(leader=leader, page_number=request.GET.get("page"))
    return render(
        request, "hiring_leaders/leader/requisition_list.html", {"leader": leader, "page": page}
    )


@hiring_leader_required
def requisition_detail(request, pk: int):
    requisition = progress.progress_requisition_for_leader(user=request.user, pk=pk)
    digest = request.GET.get("digest", "")
    if digest.isdigit() and len(digest) < 19:
        # Opened from a weekly digest's link: the recruiter sees it was read, and when.
        digest_visit_record(
            digest_id=int(digest),
            requisition=requisition,
            leader=requisition.hiring_leader,
        )
    return render(request, PROGRESS, _progress_context(request, requisition, read_only=False))


@recruiter_required
def requisition_as_leader(request, pk: int):
    """The progress page exactly as the requisition's leader sees it, for their recruiter to
    check what the leader reads; nothing on it can be changed from here."""
    requisition = progress.progress_requisition_for_recruiter(pk=pk)
    return render(request, PROGRESS, _progress_context(request, requisition, read_only=True))


def _progress_context(request, requisition: Requisition, *, read_only: bool) -> dict:
    now = timezone.now()
    standing = progress.requisition_standing(requisition=requisition, now=now)
    submitted = progress.submitted_candidates_page(
        requisition=requisition,
        standing=standing,
        now=now,
        page_number=request.GET.get("page"),
    )
    overdue_days = progress.feedback_overdue_days()
    told = progress.told_and_promised(
        requisition=requisition, before=_moment(request.GET.get("before"))
    )
    return {
        "requisition": requisition,
        "read_only": read_only,
        "now": now,
        "days_open": progress.days_open(requisition, timezone.localdate(now)),
        "forecast": progress.requisition_forecast(requisition=requisition),
        "standing": standing,
        "overdue_days": overdue_days,
        "overdue_rows": [
            row
            for row in submitted.object_list
            if row.waiting_days is not None and row.waiting_days >= overdue_days
        ],
        "submitted": submitted,
        "effort": progress.requisition_effort(requisition=requisition, now=now, standing=standing),
        "solved_answers": requisition_solved_answers(requisition=requisition, hired=standing.hired),
        "timeline": told.timeline,
        "timeline_more": told.earlier_than,
        "promises": told.promises,
        "more_promises": told.more_promises,
        # Issue 9: the interview kit once shared, and the scorecards a leader on the panel owes.
        # Both flags ride on the requisition's own read: no query unless there is something.
        "kit": shared_kit_view(requisition=requisition)
        if getattr(requisition, "kit_shared_at", None)
        else None,
        "owed_scorecards": scorecards_owed_by_leader(requisition=requisition, user=request.user)
        if getattr(requisition, "has_scorecards", False) and not read_only
        else [],
    }


def _moment(value: str | None) -> datetime.datetime | None:
    """A `before` from the page's own "Earlier updates" link; anything else is ignored."""
    try:
        moment = parse_datetime(value or "")
    except ValueError:
        return None
    if moment is None or timezone.is_naive(moment):
        return None
    return moment
