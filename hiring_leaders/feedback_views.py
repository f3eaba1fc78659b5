"""A hiring leader's feedback on a candidate submitted to them. Thin: the form parses, the
service decides, the page or its htmx fragment says what happens next."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from candidates.feedback_selectors import application_for_leader_feedback
from candidates.models import LeaderFeedback
from candidates.services import leader_feedback_give
from hiring_leaders.feedback_forms import LeaderFeedbackForm
from hiring_leaders.selectors import leader_for_user
from recruitcrm.access import hiring_leader_required
from recruitcrm.rendering import render

TEMPLATE = "hiring_leaders/leader_feedback.html"

# What the leader is told happens next, in the product's words (and true: see candidates.feedback).
DONE = {
    LeaderFeedback.Kind.ADVANCE: (
        "{candidate} moves to interview. {recruiter} arranges it and lets {first} know."
    ),
    LeaderFeedback.Kind.PASS: (
        "You passed on {candidate}. {recruiter} has your reason; {first} will hear a kind "
        "“not moving forward” note, never your words."
    ),
    LeaderFeedback.Kind.QUESTION: "Your question about {candidate} is with {recruiter}.",
}


@hiring_leader_required
def feedback(request, requisition_pk: int, pk: int):
    leader = leader_for_user(user=request.user)
    application = application_for_leader_feedback(
        leader=leader, requisition_pk=requisition_pk, pk=pk
    )
    kind = request.GET.get("kind", LeaderFeedback.Kind.PASS)
    form = LeaderFeedbackForm(request.POST or None, initial={"kind": kind})
    if request.method == "POST" and form.is_valid():
        try:
            given = leader_feedback_give(
                application=application, leader=leader, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _done(request, application, given)
    context = {"leader": leader, "application": application, "form": form}
    status = 400 if request.method == "POST" else 200
    block = "#feedback" if request.htmx else ""
    return render(request, TEMPLATE + block, context, status=status)


def _done(request, application, given: LeaderFeedback):
    candidate = application.candidate
    said = DONE[given.kind].format(
        candidate=candidate.name,
        first=candidate.first_name,
        recruiter=application.requisition.recruiter.name,
    )
    if request.htmx:
        context = {"application": application, "given": given, "said": said}
        return render(request, TEMPLATE + "#given", context)
    messages.success(request, said)
    return redirect("hiring_leaders:requisition_detail", application.requisition_id)
