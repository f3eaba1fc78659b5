"""The on-hold question's answer, reached from a signed link in a leader's digest without
signing in. Opening the link asks to confirm (mail scanners open links too); confirming records
the answer for the recruiter."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from followups import digest, links, services
from followups.models import FollowUp, HoldAnswer
from followups.views import _bad_link
from hiring_leaders.models import Requisition

NEXT = {
    HoldAnswer.Choice.REOPEN: "{recruiter} will reopen {title} and tell the candidates who are "
    "waiting, or call you first if anything needs settling.",
    HoldAnswer.Choice.KEEP: "{title} stays on hold. We will ask again in two weeks.",
    HoldAnswer.Choice.CANCEL: "{recruiter} will cancel {title} and let every candidate in it "
    "know kindly.",
}


def hold_answer(request, token: str):
    try:
        digest_id, requisition_id, answer = digest.hold_answer_from_token(token)
    except links.BadLink as error:
        return _bad_link(request, error)
    sent = FollowUp.objects.select_related("hiring_leader").filter(pk=digest_id).first()
    requisition = (
        Requisition.objects.select_related("recruiter", "company").filter(pk=requisition_id).first()
    )
    # The leader who was asked, about a role that is still theirs.
    if sent is None or requisition is None or requisition.hiring_leader_id != sent.hiring_leader_id:
        raise Http404("This role is no longer yours to answer about.")
    context = {
        "requisition": requisition,
        "leader": sent.hiring_leader,
        "answer": answer,
        "label": HoldAnswer.Choice(answer).label,
        "token": token,
        "on_hold": requisition.status == Requisition.Status.ON_HOLD,
    }
    if request.method == "POST" and context["on_hold"]:
        services.hold_answer_give(
            digest=sent, requisition=requisition, leader=sent.hiring_leader, answer=answer
        )
        context["next"] = NEXT[answer].format(
            recruiter=requisition.recruiter.name, title=requisition.title
        )
        return render(request, "followups/hold_answer_done.html", context)
    return render(request, "followups/hold_answer_confirm.html", context)
