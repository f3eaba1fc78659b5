from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from followups import links, outbox_rows, outbox_selectors, selectors, services
from followups.composing import email_parts
from followups.forms import (
    CadenceEnabledForm,
    CadenceQuietDaysForm,
    CadenceStepForm,
    CheckInForm,
    MessageTemplateForm,
    OutboxFilterForm,
    PageForm,
    TemplatePreviewForm,
)
from followups.messages import placeholder_names, render_subject, sample_context
from followups.models import Cadence, CadenceStep, Channel, FollowUp, MessageTemplate, Trigger
from followups.selectors import checkin_for_token
from recruitcrm.access import admin_required
from recruitcrm.rendering import render as render_page

CHECKIN_EXPIRED = (
    "Check-in links stay open for a few weeks. Reply to the email you received and your "
    "recruiter will pick it up from there."
)


def bad_link_page(
    request,
    error: links.BadLink,
    *,
    expired_advice: str = CHECKIN_EXPIRED,
    recruiter: str = "your recruiter",
):
    """The page a signed link that no longer works leads to: what is wrong, and what to do."""
    return render(
        request,
        "followups/bad_link.html",
        {
            "message": str(error),
            "expired": error.expired,
            "expired_advice": expired_advice,
            "recruiter": recruiter,
        },
        status=410 if error.expired else 400,
    )


def _bad_link(request, error: links.BadLink):
    return bad_link_page(request, error)


def checkin(request, token: str):
    """The one-page check-in form a new hire or hiring leader reaches from an email."""
    try:
        followup = checkin_for_token(token=token)
    except links.BadLink as error:
        return _bad_link(request, error)
    existing = getattr(followup, "response", None)
    initial = (
        {
            "score": existing.score,
            "comment": existing.comment,
            "is_concern": existing.is_concern,
            "solved_problem": existing.solved_problem,
        }
        if existing
        else None
    )
    asks = services.asks_whether_solved(followup)
    form = CheckInForm(request.POST or None, initial=initial, asks_whether_solved=asks)
    if request.method == "POST" and form.is_valid():
        response = services.checkin_answer(followup=followup, **form.cleaned_data)
        context = {"followup": followup, "response": response}
        return render(request, "followups/checkin_thanks.html", context)
    requisition = followup.placement.application.requisition
    return render(
        request,
        "followups/checkin_form.html",
        {
            "form": form,
            "followup": followup,
            "answered_before": existing is not None,
            "intake": getattr(requisition, "intake", None) if asks else None,
        },
    )


# RFC 8058 one-click unsubscribe: mail clients POST without a session or CSRF token; the signed
# token in the URL is the proof.
@csrf_exempt
def opt_out(request, token: str):
    try:
        person = links.person_from_opt_out_token(token)
    except links.BadLink as error:
        return _bad_link(request, error)
    if request.method == "POST":
        services.person_opt_out(person=person)
        return render(request, "followups/opt_out_done.html", {"person": person})
    return render(request, "followups/opt_out_confirm.html", {"person": person, "token": token})


# ---------------------------------------------------------------------------------------------
# Admin pages. HTMX requests get the fragment they swap; everything also works as plain
# links and forms with full page loads.
# ---------------------------------------------------------------------------------------------


def _fragment_only(request) -> bool:
    # A history-restore request (back button after a cache miss) needs the whole page.
    return bool(request.htmx) and not request.htmx.history_restore_request


def _back(request, fallback: str) -> str:
    """Where a plain form post returns to: the page it came from, if it is one of ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _problems(error: ValidationError) -> str:
    return " ".join(error.messages)


# ---------- cadences ----------

CADENCE_LIST = "followups/cadence_list.html"
CADENCE_DETAIL = "followups/cadence_detail.html"


@admin_required
@vary_on_headers("HX-Request")
def cadence_list(request):
    page = selectors.cadence_page(page_number=PageForm(request.GET).page_number())
    template_name = CADENCE_LIST + ("#cadence-table" if _fragment_only(request) else "")
    return render(request, template_name, {"page": page, "back": request.get_full_path()})


@admin_required
@require_POST
def cadence_set_enabled(request, pk: int):
    cadence = selectors.cadence_for_admin(pk=pk)
    form = CadenceEnabledForm(request.POST)
    if form.is_valid():
        enabled = form.cleaned_data["enabled"]
        cancelled = services.cadence_set_enabled(cadence=cadence, enabled=enabled, by=request.user)
        messages.success(request, _switched_message(cadence, enabled, cancelled))
    else:
        messages.error(request, "Choose whether the cadence should be on or off.")
    if not request.htmx:
        return redirect(_back(request, reverse("followups:cadence_list")))
    context = {
        "cadence": selectors.cadence_for_admin(pk=pk),
        "back": _back(request, reverse("followups:cadence_list")),
    }
    return render(request, CADENCE_LIST + "#cadence-row-response", context)


def _switched_message(cadence: Cadence, enabled: bool, cancelled: int) -> str:
    if enabled:
        return (
            f"“{cadence.name}” is on. It schedules follow-ups for events from now on; "
            "anything cancelled while it was off stays cancelled."
        )
    cancelled_words = (
        f"its {cancelled} scheduled follow-up{pluralize(cancelled)} "
        f"{'was' if cancelled == 1 else 'were'} cancelled"
        if cancelled
        else "it had nothing scheduled"
    )
    return f"“{cadence.name}” is off: nothing new will be scheduled from it, and {cancelled_words}."


def _cadence_url(cadence: Cadence) -> str:
    return reverse("followups:cadence_detail", args=[cadence.pk])


def step_in_words(step: CadenceStep) -> str:
    """A step as a confirmation message says it: "the day-30 email to the new hire"."""
    kind = "email" if step.channel == Channel.EMAIL else "task"
    to = "for" if step.channel == Channel.TASK else "to"
    return f"the day-{step.offset_days} {kind} {to} the {step.get_audience_display().lower()}"


def _detail_context(cadence: Cadence, **extra) -> dict:
    return {
        "cadence": cadence,
        "steps": selectors.cadence_steps(cadence=cadence),
        "add_form": extra.pop("add_form", None) or CadenceStepForm(cadence=cadence, prefix="new"),
        "quiet_form": extra.pop("quiet_form", None)
        or CadenceQuietDaysForm(initial={"quiet_days": cadence.quiet_days}),
        **extra,
    }


@admin_required
def cadence_detail(request, pk: int):
    cadence = selectors.cadence_for_admin(pk=pk)
    return render(request, CADENCE_DETAIL, _detail_context(cadence))


@admin_required
@require_POST
def cadence_quiet_days(request, pk: int):
    cadence = selectors.cadence_for_admin(pk=pk)
    if cadence.trigger != Trigger.CANDIDATE_UNTOUCHED:
        raise Http404("Only a “gone quiet” cadence waits days of silence.")
    form = CadenceQuietDaysForm(request.POST)
    if form.is_valid():
        try:
            kept = services.cadence_quiet_days_set(
                cadence=cadence, days=form.cleaned_data["quiet_days"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _quiet_days_message(form.cleaned_data["quiet_days"], kept))
            if not request.htmx:
                return redirect(f"{_cadence_url(cadence)}#quiet-days")
            cadence = selectors.cadence_for_admin(pk=pk)
            form = CadenceQuietDaysForm(initial={"quiet_days": cadence.quiet_days})
    if request.htmx:
        context = {"cadence": cadence, "quiet_form": form}
        return render(request, CADENCE_DETAIL + "#quiet-days-response", context)
    return render(request, CADENCE_DETAIL, _detail_context(cadence, quiet_form=form))


def _quiet_days_message(days: int, kept: int) -> str:
    said = f"A candidate is now nudged after {days} day{pluralize(days)} of silence."
    if kept == 1:
        return f"{said} The follow-up already scheduled from it keeps its time."
    if kept:
        return f"{said} The {kept} follow-ups already scheduled from it keep their time."
    return said


def _step_form(step: CadenceStep, *, data=None) -> CadenceStepForm:
    form = CadenceStepForm(
        data,
        cadence=step.cadence,
        prefix=f"step{step.pk}",
        initial=CadenceStepForm.initial_for(step),
    )
    # The inline form replaces the row the admin clicked: put the keyboard where they were.
    form.fields["offset_days"].widget.attrs["autofocus"] = True
    return form


def _step_fields(form: CadenceStepForm) -> dict:
    return {name: form.cleaned_data[name] for name in form.fields}


def _step_saved_message(step: CadenceStep, *, added: bool) -> str:
    scheduled = getattr(step, "scheduled_count", 0)
    if added:
        return f"Added {step_in_words(step)}. It applies to events from now on."
    if scheduled == 1:
        kept = " The follow-up already scheduled from it keeps its time."
    elif scheduled:
        kept = f" The {scheduled} follow-ups already scheduled from it keep their time."
    else:
        kept = ""
    return f"Saved {step_in_words(step)}.{kept}"


@admin_required
@vary_on_headers("HX-Request")
def step_row(request, pk: int):
    """The read-only row: what Cancel swaps back in."""
    step = selectors.step_for_admin(pk=pk)
    if not _fragment_only(request):
        return redirect(f"{_cadence_url(step.cadence)}#step-{step.pk}")
    context = {"step": step, "cadence": step.cadence, "restored": True}
    return render(request, CADENCE_DETAIL + "#step-row", context)


@admin_required
@vary_on_headers("HX-Request")
def step_edit(request, pk: int):
    step = selectors.step_for_admin(pk=pk)
    cadence = step.cadence
    form = _step_form(step, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cadence_step_save(
                cadence=cadence, step=step, by=request.user, **_step_fields(form)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            step = selectors.step_for_admin(pk=pk)
            messages.success(request, _step_saved_message(step, added=False))
            if not request.htmx:
                return redirect(f"{_cadence_url(cadence)}#step-{step.pk}")
            context = {"step": step, "cadence": cadence, "just_saved": True}
            return render(request, CADENCE_DETAIL + "#step-saved-response", context)
    if _fragment_only(request):
        context = {"step": step, "cadence": cadence, "form": form}
        return render(request, CADENCE_DETAIL + "#step-form-row", context)
    context = _detail_context(cadence, editing=step.pk, edit_form=form)
    return render(request, CADENCE_DETAIL, context)


@admin_required
@vary_on_headers("HX-Request")
def step_add(request, pk: int):
    cadence = selectors.cadence_for_admin(pk=pk)
    if request.method != "POST":
        return redirect(f"{_cadence_url(cadence)}#add-step")
    form = CadenceStepForm(request.POST, cadence=cadence, prefix="new")
    added = None
    if form.is_valid():
        try:
            added = services.cadence_step_save(
                cadence=cadence, by=request.user, **_step_fields(form)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _step_saved_message(added, added=True))
            if not request.htmx:
                return redirect(f"{_cadence_url(cadence)}#step-{added.pk}")
            form = None
    template_name = CADENCE_DETAIL + ("#steps-response" if request.htmx else "")
    context = _detail_context(cadence, add_form=form, just_added=added and added.pk)
    return render(request, template_name, context)


@admin_required
@vary_on_headers("HX-Request")
def step_delete(request, pk: int):
    step = selectors.step_for_admin(pk=pk)
    cadence = step.cadence
    if request.method != "POST":
        if _fragment_only(request):
            return render(
                request, CADENCE_DETAIL + "#step-delete-row", {"step": step, "cadence": cadence}
            )
        return render(request, CADENCE_DETAIL, _detail_context(cadence, deleting=step.pk))
    described = step_in_words(step)
    cancelled = services.cadence_step_delete(step=step, by=request.user)
    cancelled_words = (
        f" Its {cancelled} scheduled follow-up{pluralize(cancelled)} "
        f"{'was' if cancelled == 1 else 'were'} cancelled."
        if cancelled
        else ""
    )
    messages.success(request, f"Removed {described} from “{cadence.name}”.{cancelled_words}")
    if not request.htmx:
        return redirect(_cadence_url(cadence))
    return render(request, CADENCE_DETAIL + "#steps-response", _detail_context(cadence))


# ---------- message templates ----------

TEMPLATE_LIST = "followups/messagetemplate_list.html"
TEMPLATE_FORM = "followups/messagetemplate_form.html"


@admin_required
@vary_on_headers("HX-Request")
def template_list(request):
    page = selectors.template_page(page_number=PageForm(request.GET).page_number())
    template_name = TEMPLATE_LIST + ("#template-table" if _fragment_only(request) else "")
    return render(request, template_name, {"page": page})


def _preview(kind: str, subject: str, body: str) -> dict:
    """The email or the task an admin's text would make, rendered on sample data, or what stops
    it."""
    task = kind == MessageTemplate.Kind.TASK
    if not subject.strip() and (task or not body.strip()):
        return {"empty": True, "task": task}
    problems = services.message_source_problems(subject=subject, body=body, kind=kind)
    if problems:
        return {
            "problems": {"subject": problems.get("subject", []), "body": problems.get("body", [])}
        }
    try:
        if task:
            return {
                "task": True,
                "subject": render_subject(subject=subject, context=sample_context()),
            }
        parts = email_parts(subject=subject, body=body, context=sample_context())
    except Exception as error:  # the preview says what the save would refuse
        where = "subject" if task else "body"
        return {"problems": {"subject": [], "body": [], where: [f"It does not render: {error}"]}}
    return {"subject": parts.subject, "text": parts.text, "html": parts.html}


def _template_page(request, *, template: MessageTemplate | None):
    initial = (
        {
            "name": template.name,
            "kind": template.kind,
            "written_for": template.written_for,
            "subject": template.subject,
            "body": template.body,
        }
        if template
        else None
    )
    form = MessageTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and not request.POST.get("preview") and form.is_valid():
        try:
            saved = services.message_template_save(
                template=template,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                written_for=form.cleaned_data["written_for"],
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Saved “{saved.name}”. {_what_uses_it(saved)} from now on use this text."
                if template
                else f"Created “{saved.name}”. Choose it in a cadence step to send it.",
            )
            return redirect("followups:template_edit", pk=saved.pk)
    if request.method == "POST":
        kind, subject, body = form.preview_source()
    elif template:
        kind, subject, body = template.kind, template.subject, template.body
    else:
        kind, subject, body = MessageTemplate.Kind.EMAIL, "", ""
    context = {
        "form": form,
        "template": template,
        "preview": _preview(kind, subject, body),
        "placeholders": placeholder_names(),
        "used_by": selectors.template_users(template=template) if template else [],
    }
    return render(request, TEMPLATE_FORM, context)


def _what_uses_it(template: MessageTemplate) -> str:
    return "Tasks created" if template.kind == MessageTemplate.Kind.TASK else "Emails sent"


@admin_required
def template_edit(request, pk: int):
    return _template_page(request, template=selectors.template_for_admin(pk=pk))


@admin_required
def template_create(request):
    return _template_page(request, template=None)


@admin_required
@require_POST
def template_preview(request):
    form = TemplatePreviewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        preview = _preview(data["kind"], data["subject"], data["body"])
    else:
        preview = {"too_long": True}
    return render(request, TEMPLATE_FORM + "#template-preview-response", {"preview": preview})


# ---------- outbox ----------

# Jinja2 (recruitcrm/rendering.py): fragments are the template's blocks.
OUTBOX = "followups/outbox.html"


@admin_required
@vary_on_headers("HX-Request")
def outbox(request):
    form = OutboxFilterForm(request.GET)
    filters = form.filters()
    page = outbox_selectors.outbox_page(**filters)
    context = {
        "page": page,
        "filters": filters,
        "state_choices": form.fields["state"].choices,
        "channel_choices": form.fields["channel"].choices,
        "query_typed": request.GET.get("q", ""),
        "query_too_long": "q" in form.errors,
        "filtered": any(filters[key] for key in ("state", "channel", "query")),
        "state_label": outbox_selectors.OUTBOX_STATES.get(filters["state"], ""),
        "order_words": _order_words(filters["state"]),
        "per_page": outbox_selectors.OUTBOX_PER_PAGE,
        "search_people": outbox_selectors.OUTBOX_SEARCH_PEOPLE,
        "first_url": _with_query(request, after=None),
        "next_url": _with_query(request, after=page.next_cursor),
        "back": request.get_full_path(),
    }
    if _fragment_only(request):
        return render_page(request, OUTBOX + "#outbox_table", context)
    context["counts"] = page.counts
    return render_page(request, OUTBOX, context)


def _with_query(request, **changes) -> str:
    """This page's query string with `changes` made (None removes a key), as ?…."""
    query = request.GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value:
            query[key] = value
    return "?" + query.urlencode()


def _order_words(state: str) -> str:
    if state in outbox_selectors.OUTBOX_AHEAD_STATES:
        return "soonest first"
    if state:
        return "newest first"
    return "newest first, then what is coming up soonest first"


def _outbox_action(request, pk: int, *, action) -> HttpResponse:
    followup = outbox_selectors.followup_for_admin(pk=pk)
    try:
        done = action(followup=followup, by=request.user)
    except ValidationError as error:
        messages.error(request, _problems(error))
    else:
        # The service hands back a fresh row; say it with the one already loaded with its
        # template and recipient.
        messages.success(request, _action_message(followup, state=done.state))
    if not request.htmx:
        return redirect(_back(request, reverse("followups:outbox")))
    fresh = outbox_selectors.followup_for_admin(pk=pk)
    context = {
        "row": outbox_rows.row_of(fresh),
        "counts": outbox_selectors.outbox_counts(),
        "back": _back(request, reverse("followups:outbox")),
    }
    return render_page(request, OUTBOX + "#outbox_row_response", context)


def _action_message(followup: FollowUp, *, state: str) -> str:
    if followup.channel == Channel.TASK:
        title = followup.task_title or followup.template.name
        return f"Cancelled the task “{title}” for {followup.recruiter.name}."
    what = f"the email “{followup.template.name}” to {followup.person.name}"
    if state == FollowUp.State.CANCELLED:
        return f"Cancelled {what}. It will not be sent."
    return f"Retrying {what}: it is due now and goes out with the next dispatch."


@admin_required
@require_POST
@vary_on_headers("HX-Request")
def followup_retry(request, pk: int):
    """Retry asks first: sending an email again is not something to do by a stray click. The
    first post shows what would go to whom (or why it may not go at all); the second sends."""
    if request.POST.get("confirmed") == "yes":
        return _outbox_action(request, pk, action=services.followup_retry)
    followup = outbox_selectors.followup_for_admin(pk=pk)
    refusal = followup.retry_refusal
    back = _back(request, reverse("followups:outbox"))
    if refusal:
        messages.error(request, f"Not retried: {refusal}.")
        if not request.htmx:
            return redirect(back)
        context = {
            "row": outbox_rows.row_of(followup),
            "counts": outbox_selectors.outbox_counts(),
            "back": back,
        }
        return render_page(request, OUTBOX + "#outbox_row_response", context)
    context = {"followup": followup, "back": back}
    if _fragment_only(request):
        return render_page(request, OUTBOX + "#outbox_retry_confirm", context)
    return render(request, "followups/followup_retry_confirm.html", context)


@admin_required
@vary_on_headers("HX-Request")
def outbox_row(request, pk: int):
    """One outbox row as it is: what "Keep it" swaps back in place of a confirmation."""
    followup = outbox_selectors.followup_for_admin(pk=pk)
    if not _fragment_only(request):
        return redirect(f"{reverse('followups:outbox')}#followup-{followup.pk}")
    context = {"row": outbox_rows.row_of(followup), "back": request.GET.get("back", "")}
    return render_page(request, OUTBOX + "#outbox_row", context)


@admin_required
@require_POST
def followup_cancel(request, pk: int):
    return _outbox_action(request, pk, action=services.followup_cancel)
