from __future__ import annotations

from django.shortcuts import render

from hiring_leaders.selectors import (
    leader_for_user,
    requisition_for_leader,
    requisition_funnel,
    requisition_page_for_leader,
)
from recruitcrm.access import hiring_leader_required


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
    leader = leader_for_user(user=request.user)
    requisition = requisition_for_leader(leader=leader, pk=pk)
    context = {
        "leader": leader,
        "requisition": requisition,
        "funnel": requisition_funnel(requisition=requisition),
    }
    return render(request, "hiring_leaders/leader/requisition_detail.html", context)
