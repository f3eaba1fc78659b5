"""Today: the recruiter's home. Thin views over followups.queue.selectors and .services.

Every action works as a plain form post (then back to the page, with the confirmation) and over
htmx, which swaps the whole queue region (rows, counts and the health line stay in step) and
the confirmation with its Undo.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRefresh, reswap, retarget

from candidates import services as candidate_services
from candidates.models import Commitment
from followups.models import (
    CONCERN_THEME_CHOICES,
    Channel,
    CheckInResponse,
    ConcernTheme,
    FollowUp,
    Snooze,
)
from followups.queue import selectors, services
from followups.queue.forms import (
    LogForm,
    PromiseForm,
    ReviewForm,
    SnoozeForm,
    UndoForm,
)
from recruitcrm.access import admin_required, recruiter_required
from recruitcrm.rendering import render

TODAY = "followups/today.html"


def home(request):
    """What "/" shows: a recruiter's Today, an admin's team view, a leader's own roles."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next=/")
    if request.user.is_hiring_leader:
        return redirect("hiring_leaders:requisition_list")
    if request.user.is_admin:
        return redirect("followups:team")
    return today(request)


def _fragment_only(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def _who(request) -> str:
    """The rows asked for: all, or only those about candidates or hiring leaders; anything
    else reads as all (a form for one optional choice cost more than the rest of the view)."""
    who = (request.GET or request.POST).get("who", "")
    return who if who in selectors.WHO else ""


def _today_url(who: str) -> str:
    return reverse("home") + (f"?{urlencode({'who': who})}" if who else "")


WHO_CHOICES = [("", "All"), ("candidates", "Candidates"), ("leaders", "Hiring leaders")]


def _queue_context(request, who: str) -> dict:
    return {
        "queue": selectors.queue_for(recruiter=request.user, who=who),
        "who_choices": WHO_CHOICES,
        "concern_themes": CONCERN_THEME_CHOICES,
        # The Undo beside a confirmation swaps the queue in place only on this page.
        "on_today": True,
    }


@recruiter_required
@vary_on_headers("HX-Request")
def today(request):
    context = _queue_context(request, _who(request))
    if _fragment_only(request):
        context["switch_out_of_band"] = True
        return render(request, TODAY + "#queue_filtered", context)
    return render(request, TODAY, context)


@recruiter_required
def section(request, key: str):
    """Every row of one section, a page at a time."""
    if key not in selectors.SECTION_KEYS:
        return render(request, "404.html", status=404)
    try:
        page = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page = 1
    who = _who(request)
    found = selectors.queue_section(recruiter=request.user, key=key, who=who, page=page)
    last_page = -(-found.count // selectors.SECTION_PAGE_SIZE) or 1
    context = {
        "section": found,
        "who": who,
        "page": page,
        "previous_page": page - 1 if page > 1 else None,
        "next_page": page + 1 if page < last_page else None,
        "last_page": last_page,
        "concern_themes": CONCERN_THEME_CHOICES,
    }
    return render(request, "followups/today_section.html", context)


def action_done(request, *, text: str, undo: services.Undo | None = None):
    """The answer to an action: the confirmation (with its Undo), then the queue."""
    extra = undo.message_tag() if undo else ""
    messages.success(request, text, extra_tags=extra)
    return _queue_response(request)


def _queue_response(request):
    who = _who(request)
    if not request.htmx:
        return redirect(_today_url(who))
    if "/today/sections/" in (request.htmx.current_url or ""):
        # A section's own page: show it again, updated, with the confirmation.
        return HttpResponseClientRefresh()
    response = render(request, TODAY + "#queue_response", _queue_context(request, who))
    # A form that opened under a row swaps the whole queue once it succeeds.
    return reswap(retarget(response, "#queue"), "outerHTML")


def _refused(request, error: ValidationError):
    messages.error(request, " ".join(error.messages))
    return _queue_response(request)


def _own_task(request, pk: int) -> FollowUp:
    return get_object_or_404(
        FollowUp.objects.select_related("candidate", "hiring_leader"),
        pk=pk,
        recruiter=request.user,
        channel=Channel.TASK,
    )


@recruiter_required
@require_POST
def task_done(request, pk: int):
    task = _own_task(request, pk)
    try:
        undo = services.task_done(task=task, by=request.user)
    except ValidationError as error:
        return _refused(request, error)
    return action_done(request, text=f"Done: {_title(task)}.", undo=undo)


@recruiter_required
@require_POST
def task_snooze(request, pk: int):
    task = _own_task(request, pk)
    form = SnoozeForm(request.POST, user=request.user)
    if not form.is_valid():
        return _refused(request, ValidationError(_form_errors(form)))
    try:
        undo = services.task_snooze(task=task, until=form.until_moment(), by=request.user)
    except ValidationError as error:
        return _refused(request, error)
    return action_done(
        request, text=f"Snoozed until {form.until_moment():%a %d %b}: {_title(task)}.", undo=undo
    )


def _own_promise(request, pk: int) -> Commitment:
    return get_object_or_404(
        Commitment.objects.select_related("candidate", "hiring_leader"),
        pk=pk,
        recruiter=request.user,
    )


@recruiter_required
@require_POST
def promise_kept(request, pk: int):
    promise = _own_promise(request, pk)
    try:
        undo = services.commitment_kept_from_queue(commitment=promise, by=request.user)
    except ValidationError as error:
        return _refused(request, error)
    return action_done(
        request, text=f"Kept: {promise.description} ({promise.person.name}).", undo=undo
    )


@recruiter_required
@require_POST
def row_snooze(request, kind: str, pk: int):
    if kind == Snooze.Kind.COMMITMENT:
        about = _own_promise(request, pk).description
    elif kind == Snooze.Kind.REQUISITION:
        requisition = get_object_or_404(
            selectors.Requisition.objects.all(), pk=pk, recruiter=request.user
        )
        about = f"the update owed to {requisition.hiring_leader.name}"
    else:
        return render(request, "404.html", status=404)
    form = SnoozeForm(request.POST, user=request.user)
    if not form.is_valid():
        return _refused(request, ValidationError(_form_errors(form)))
    until = form.until_moment()
    undo = services.row_snooze(kind=kind, object_id=pk, until=until, by=request.user)
    return action_done(request, text=f"Snoozed until {until:%a %d %b}: {about}.", undo=undo)


@recruiter_required
@require_POST
def bad_news_told(request, pk: int):
    followup = get_object_or_404(
        FollowUp.objects.select_related("candidate", "template"), pk=pk, recruiter=request.user
    )
    try:
        undo = services.bad_news_told(followup=followup, by=request.user)
    except ValidationError as error:
        return _refused(request, error)
    return action_done(
        request,
        text=f"Logged your call to {followup.candidate.name}; the automatic message is cancelled.",
        undo=undo,
    )


@recruiter_required
@require_POST
def checkin_review(request, pk: int):
    """Tag a flagged check-in's concern theme: from Today (the flag leaves the queue) or from the
    candidate page (back there, with the same confirmation and Undo). `pk` is the check-in's
    follow-up, which both pages know."""
    response = get_object_or_404(
        CheckInResponse.objects.select_related("followup__candidate", "followup__hiring_leader"),
        followup_id=pk,
        followup__recruiter=request.user,
    )
    back = _safe_next(request)
    form = ReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        undo = services.checkin_review_from_queue(
            response=response, theme=form.cleaned_data["theme"], by=request.user
        )
    except ValidationError as error:
        if back and not request.htmx:
            messages.error(request, " ".join(error.messages))
            return redirect(back)
        return _refused(request, error)
    person = response.followup.person
    theme = ConcernTheme(form.cleaned_data["theme"]).label
    text = f"Tagged the check-in from {person.name}: {theme}."
    if back and not request.htmx:
        messages.success(request, text, extra_tags=undo.message_tag())
        return redirect(back)
    return action_done(request, text=text, undo=undo)


@recruiter_required
@vary_on_headers("HX-Request")
def log(request):
    """Log a call, email, meeting or note about someone in the queue."""
    form = LogForm(request.POST or None, initial=request.GET.dict(), user=request.user)
    if request.method == "POST" and form.is_valid():
        promise = form.keeps_promise()
        activity, undo = services.contact_log(
            kind=form.cleaned_data["kind"],
            summary=form.cleaned_data["summary"],
            candidate=form.cleaned_data["candidate"],
            hiring_leader=form.cleaned_data["hiring_leader"],
            requisition=form.cleaned_data["requisition"],
            keeps=promise,
            by=request.user,
        )
        said = f"Logged a {activity.get_kind_display().lower()} with {form.person.name}"
        if promise is not None:
            said += f", and kept your promise: {promise.description}"
        return action_done(request, text=f"{said}.", undo=undo)
    return _action_form(request, form, template="followups/today_log.html")


@recruiter_required
@vary_on_headers("HX-Request")
def promise(request):
    """Make a promise to someone in the queue."""
    form = PromiseForm(request.POST or None, initial=request.GET.dict(), user=request.user)
    if request.method == "POST" and form.is_valid():
        made = candidate_services.commitment_make(
            recruiter=request.user,
            description=form.cleaned_data["description"],
            due_at=form.due_at(),
            candidate=form.cleaned_data["candidate"],
            hiring_leader=form.cleaned_data["hiring_leader"],
            requisition=form.cleaned_data["requisition"],
        )
        return action_done(
            request,
            text=f"Promised {form.person.name}: {made.description} (by {form.due_at():%a %d %b}).",
            undo=services.undo_for_commitment(made, by=request.user),
        )
    return _action_form(request, form, template="followups/today_promise.html")


def _action_form(request, form, *, template: str):
    """The log/promise form: inline under its row over htmx, a page of its own without."""
    person = _person_from(form)
    if person is None:
        return render(request, "404.html", status=404)
    context = {"form": form, "person": person, "who": _who(request)}
    if _fragment_only(request):
        return render(request, template + "#action-form", context)
    return render(request, template, context)


def _person_from(form):
    data = form.data if form.is_bound else form.initial
    for field in ("candidate", "hiring_leader"):
        value = data.get(field)
        if value:
            try:
                return form.fields[field].queryset.filter(pk=int(value)).first()
            except (TypeError, ValueError):
                return None
    return None


@recruiter_required
@require_POST
def undo(request):
    form = UndoForm(request.POST)
    if not form.is_valid():
        return _refused(request, ValidationError("That undo link is not valid."))
    try:
        said = services.queue_undo(token=form.cleaned_data["token"], by=request.user)
    except ValidationError as error:
        return _refused(request, error)
    if not request.htmx:
        # Undo can follow an action on any page (a candidate's, the message composer).
        messages.success(request, f"Undone. {said}")
        return redirect(_safe_next(request) or _today_url(_who(request)))
    return action_done(request, text=f"Undone. {said}")


def _safe_next(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@admin_required
def team(request):
    """Every recruiter's queue counts and health line, side by side."""
    page = selectors.team_page(page_number=request.GET.get("page"))
    return render(request, "followups/team.html", {"page": page})


def _title(task: FollowUp) -> str:
    return task.task_title or (task.template.subject if task.template_id else "task")


def _form_errors(form) -> str:
    return " ".join(error for errors in form.errors.values() for error in errors)
