"""The recruiter's interview kit page and the application's interviews page (namespace "kits").

Every page admits recruiters and admins only (a hiring leader gets 404). Each form posts to its
own address and comes back to the page; a refused or invalid form is shown again, filled in as
it was sent, with its errors, so nothing typed is lost.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from candidates import scorecards
from followups import links
from hiring_leaders import interview_kits as kits
from hiring_leaders import kit_selectors as selectors
from hiring_leaders.kit_forms import (
    CriterionForm,
    InterviewForm,
    PanelMemberForm,
    QuestionForm,
    RoundForm,
)
from hiring_leaders.selectors import requisition_for_recruiter
from recruitcrm.access import hiring_leader_required, recruiter_required
from recruitcrm.form_errors import refusal_onto_form
from recruitcrm.rendering import render

KIT_PAGE = "hiring_leaders/interview_kit.html"
INTERVIEWS_PAGE = "hiring_leaders/application_interviews.html"
DIRECTIONS = ("up", "down")


def _kit_url(requisition, anchor: str = "") -> str:
    return reverse("kits:kit", args=[requisition.pk]) + (f"#{anchor}" if anchor else "")


def _kit_page(request, requisition, *, bound=None, status=200):
    """The page; `bound` = (kind, id, form) is shown in place of that item's own form."""
    view = selectors.kit_view(requisition=requisition)
    bound_kind, bound_pk, bound_form = bound or (None, None, None)

    def pick(kind, pk, make):
        return bound_form if (bound_kind, bound_pk) == (kind, pk) else make()

    def criterion_form(c=None):
        if c is None:
            return pick("criterion", None, lambda: CriterionForm(prefix="new-criterion"))
        initial = {"name": c.name, "what_good_looks_like": c.what_good_looks_like}
        return pick(
            "criterion", c.pk, lambda: CriterionForm(prefix=f"criterion{c.pk}", initial=initial)
        )

    def question_form(q):
        return pick(
            "question",
            q.pk,
            lambda: QuestionForm(prefix=f"question{q.pk}", initial={"text": q.text}),
        )

    def new_question_form(c):
        return pick("new-question", c.pk, lambda: QuestionForm(prefix=f"new-question{c.pk}"))

    def round_form(r=None):
        if r is None:
            return pick(
                "round",
                None,
                lambda: RoundForm(
                    panel=view.panel,
                    criteria=view.criteria,
                    prefix="new-round",
                    initial={"minutes": 45},
                ),
            )
        initial = {
            "name": r.name,
            "minutes": r.minutes,
            "interviewers": [m.pk for m in r.interviewer_list],
            "criteria": [c.pk for c in r.criterion_list],
        }
        return pick(
            "round",
            r.pk,
            lambda: RoundForm(
                panel=view.panel, criteria=view.criteria, prefix=f"round{r.pk}", initial=initial
            ),
        )

    def member_form(m=None):
        if m is None:
            return pick("member", None, lambda: PanelMemberForm(prefix="new-member"))
        initial = {"name": m.name, "email": m.email, "is_leader": bool(m.hiring_leader_id)}
        return pick(
            "member", m.pk, lambda: PanelMemberForm(prefix=f"member{m.pk}", initial=initial)
        )

    context = {
        "requisition": requisition,
        "view": view,
        "kit": view.kit,
        "sent": selectors.panel_emails_sent(requisition=requisition),
        # Only the empty state says how many must-haves the kit would be made from.
        "must_haves": None if view.kit else selectors.intake_must_haves(requisition=requisition),
        "criterion_form": criterion_form,
        "question_form": question_form,
        "new_question_form": new_question_form,
        "round_form": round_form,
        "member_form": member_form,
        "has_errors": bound_form is not None,
    }
    return render(request, KIT_PAGE, context, status=status)


@recruiter_required
def kit_page(request, pk: int):
    requisition = requisition_for_recruiter(pk=pk)
    return _kit_page(request, requisition)


@recruiter_required
@require_POST
def kit_generate(request, pk: int):
    requisition = requisition_for_recruiter(pk=pk)
    try:
        changes = kits.interview_kit_generate(requisition=requisition, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, changes.message())
    return redirect(_kit_url(requisition))


# ---------- criteria and questions ----------


@recruiter_required
@require_POST
def criterion_save(request, pk: int, criterion_pk: int | None = None):
    requisition = requisition_for_recruiter(pk=pk)
    kit = selectors.kit_of(requisition=requisition)
    criterion = (
        selectors.criterion_of(requisition=requisition, pk=criterion_pk) if criterion_pk else None
    )
    action = request.POST.get("action", "save")
    if criterion is not None and action in DIRECTIONS:
        kits.kit_criterion_move(criterion=criterion, direction=action)
        return redirect(_kit_url(requisition, f"criterion-{criterion.pk}"))
    if criterion is not None and action == "remove":
        try:
            kits.kit_criterion_remove(criterion=criterion)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Removed “{criterion.name}” and its questions.")
        return redirect(_kit_url(requisition, "criteria"))
    prefix = f"criterion{criterion.pk}" if criterion else "new-criterion"
    form = CriterionForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            saved = kits.kit_criterion_save(kit=kit, criterion=criterion, **form.cleaned_data)
        except ValidationError as error:
            refusal_onto_form(form, error)
        else:
            messages.success(request, f"Saved “{saved.name}”.")
            return redirect(_kit_url(requisition, f"criterion-{saved.pk}"))
    return _kit_page(request, requisition, bound=("criterion", criterion_pk, form), status=400)


@recruiter_required
@require_POST
def question_add(request, pk: int, criterion_pk: int):
    requisition = requisition_for_recruiter(pk=pk)
    criterion = selectors.criterion_of(requisition=requisition, pk=criterion_pk)
    form = QuestionForm(request.POST, prefix=f"new-question{criterion.pk}")
    if form.is_valid():
        kits.kit_question_save(criterion=criterion, text=form.cleaned_data["text"])
        messages.success(request, f"Added a question to “{criterion.name}”.")
        return redirect(_kit_url(requisition, f"criterion-{criterion.pk}"))
    return _kit_page(request, requisition, bound=("new-question", criterion.pk, form), status=400)


@recruiter_required
@require_POST
def question_save(request, pk: int, question_pk: int):
    requisition = requisition_for_recruiter(pk=pk)
    question = selectors.question_of(requisition=requisition, pk=question_pk)
    anchor = f"criterion-{question.criterion_id}"
    action = request.POST.get("action", "save")
    if action in DIRECTIONS:
        kits.kit_question_move(question=question, direction=action)
        return redirect(_kit_url(requisition, anchor))
    if action == "remove":
        kits.kit_question_remove(question=question)
        messages.success(request, "Removed the question.")
        return redirect(_kit_url(requisition, anchor))
    form = QuestionForm(request.POST, prefix=f"question{question.pk}")
    if form.is_valid():
        kits.kit_question_save(
            criterion=question.criterion, question=question, text=form.cleaned_data["text"]
        )
        messages.success(request, "Saved the question.")
        return redirect(_kit_url(requisition, anchor))
    return _kit_page(request, requisition, bound=("question", question.pk, form), status=400)


# ---------- rounds and panel ----------


@recruiter_required
@require_POST
def round_save(request, pk: int, round_pk: int | None = None):
    requisition = requisition_for_recruiter(pk=pk)
    kit = selectors.kit_of(requisition=requisition)
    kit_round = selectors.round_of(requisition=requisition, pk=round_pk) if round_pk else None
    if kit_round is not None and request.POST.get("action") == "remove":
        kits.kit_round_remove(kit_round=kit_round)
        messages.success(request, f"Removed the round “{kit_round.name}”.")
        return redirect(_kit_url(requisition, "rounds"))
    view = selectors.kit_view(requisition=requisition)
    prefix = f"round{kit_round.pk}" if kit_round else "new-round"
    form = RoundForm(request.POST, panel=view.panel, criteria=view.criteria, prefix=prefix)
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = kits.kit_round_save(
                kit=kit,
                kit_round=kit_round,
                name=data["name"],
                minutes=data["minutes"],
                interviewers=list(data["interviewers"]),
                criteria=list(data["criteria"]),
            )
        except ValidationError as error:
            refusal_onto_form(form, error)
        else:
            messages.success(request, f"Saved the round “{saved.name}”.")
            return redirect(_kit_url(requisition, "rounds"))
    return _kit_page(request, requisition, bound=("round", round_pk, form), status=400)


@recruiter_required
@require_POST
def panel_member_save(request, pk: int, member_pk: int | None = None):
    requisition = requisition_for_recruiter(pk=pk)
    member = selectors.panel_member_of(requisition=requisition, pk=member_pk) if member_pk else None
    if member is not None and request.POST.get("action") == "remove":
        try:
            kits.panel_member_remove(member=member)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Took {member.name} off the panel.")
        return redirect(_kit_url(requisition, "panel"))
    prefix = f"member{member.pk}" if member else "new-member"
    form = PanelMemberForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            saved = kits.panel_member_save(
                requisition=requisition, member=member, **form.cleaned_data
            )
        except ValidationError as error:
            refusal_onto_form(form, error)
        else:
            messages.success(request, f"{saved.name} is on the panel.")
            return redirect(_kit_url(requisition, "panel"))
    return _kit_page(request, requisition, bound=("member", member_pk, form), status=400)


# ---------- sharing and sending ----------


@recruiter_required
@require_POST
def kit_share(request, pk: int):
    requisition = requisition_for_recruiter(pk=pk)
    kit = selectors.kit_of(requisition=requisition)
    share = request.POST.get("action") != "unshare"
    kits.interview_kit_share(kit=kit, share=share)
    leader = requisition.hiring_leader.name
    messages.success(
        request,
        f"Shared the kit with {leader}: it is on their progress page."
        if share
        else f"{leader} no longer sees the kit on their progress page.",
    )
    return redirect(_kit_url(requisition))


@recruiter_required
@require_POST
def kit_send(request, pk: int):
    requisition = requisition_for_recruiter(pk=pk)
    kit = selectors.kit_of(requisition=requisition)
    try:
        emails = kits.interview_kit_send_to_panel(kit=kit, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        count = len(emails)
        messages.success(
            request,
            f"Sending the kit to {count} panel member{'s' if count != 1 else ''}: "
            "see “Sent to the panel” below.",
        )
    return redirect(_kit_url(requisition, "sent"))


# ---------- an application's interviews and scorecards ----------


def _interviews_page(request, requisition, application, *, form=None, status=200):
    panel, rounds = selectors.booking_choices(requisition=requisition)
    interviews = scorecards.scorecards_side_by_side(application=application)
    if request.user.pk == requisition.recruiter_id or request.user.role == "admin":
        # Seen by the recruiter who decides: the links stop taking changes from here.
        scorecards.scorecards_mark_read(interviews=interviews, by=request.user)
    if form is None:
        leader_members = [m.pk for m in panel if m.hiring_leader_id]
        form = InterviewForm(
            panel=panel,
            rounds=rounds,
            initial={"interviewers": leader_members},
        )
    context = {
        "requisition": requisition,
        "application": application,
        "candidate": application.candidate,
        "panel": panel,
        "interviews": interviews,
        "form": form,
        "time_zone": timezone.get_current_timezone_name(),
        "scorecard_token": links.scorecard_token,
    }
    return render(request, INTERVIEWS_PAGE, context, status=status)


@recruiter_required
def application_interviews(request, pk: int, application_pk: int):
    requisition = requisition_for_recruiter(pk=pk)
    application = selectors.application_of(requisition=requisition, pk=application_pk)
    if request.method != "POST":
        return _interviews_page(request, requisition, application)
    panel, rounds = selectors.booking_choices(requisition=requisition)
    form = InterviewForm(request.POST, panel=panel, rounds=rounds)
    if form.is_valid():
        data = form.cleaned_data
        try:
            interview = scorecards.interview_book(
                application=application,
                kit_round=data["kit_round"],
                starts_at=data["starts_at"],
                interviewers=list(data["interviewers"]),
                by=request.user,
            )
        except ValidationError as error:
            refusal_onto_form(form, error)
        else:
            owed = len(data["interviewers"])
            messages.success(
                request,
                f"Booked {application.candidate.name}'s interview for "
                f"{timezone.localtime(interview.starts_at):%-d %b %Y, %H:%M}: {owed} scorecard"
                f"{'s' if owed != 1 else ''} owed. Each interviewer's link is below.",
            )
            return redirect(
                reverse("kits:application_interviews", args=[requisition.pk, application.pk])
            )
    return _interviews_page(request, requisition, application, form=form, status=400)


# ---------- a leader on the panel fills a scorecard on their own pages ----------


@hiring_leader_required
def leader_scorecard(request, scorecard_pk: int):
    from followups.panel_views import scorecard_form_page

    scorecard = selectors.scorecard_for_leader(user=request.user, pk=scorecard_pk)
    back = reverse(
        "hiring_leaders:requisition_detail", args=[scorecard.interview.application.requisition_id]
    )
    return scorecard_form_page(request, scorecard, back_url=back)
