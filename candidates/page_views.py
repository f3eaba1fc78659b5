"""The candidate page: the whole relationship on one page, and every everyday action on it.

Each action is a form that works as a plain post (redirect back, or the page again with the
form's errors) and over htmx, where the response carries only the parts of the page that
changed, swapped out of band, plus the confirmation.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from candidates import selectors, services
from candidates.forms import (
    AddToRequisitionForm,
    CloseApplicationForm,
    LogActivityForm,
    MoveStageForm,
    PromiseForm,
    ReopenApplicationForm,
    TagsForm,
    TimelineForm,
    zone_for,
)
from candidates.models import Activity, Application, Candidate, Commitment
from followups.models import CONCERN_THEME_CHOICES, FollowUp
from followups.queue.services import Undo, undo_for_move
from followups.selectors import candidate_placement_checkins
from followups.services import ONE_OFF_KEY, message_unsend
from hiring_leaders.selectors import followups_created_since
from hiring_leaders.wording import checkins_missed, closed_message, held_back, scheduled_words
from recruitcrm.access import recruiter_required
from recruitcrm.jinja2 import url
from recruitcrm.rendering import render

DETAIL = "candidates/candidate_detail.html"
ADD = "candidates/application_form.html"


def _fragment_only(request) -> bool:
    # A history-restore request (back button after a cache miss) needs the whole page.
    return bool(request.htmx) and not request.htmx.history_restore_request


def _auto_id(name: str) -> str:
    # Several forms share a page: each gets its own element ids.
    return f"id_{name}_%s"


def _app_auto_id(application_pk: int) -> str:
    return _auto_id(f"app{application_pk}")


@dataclass
class PipelineRow:
    """One application on the candidate page, with the forms that act on it."""

    application: selectors.PipelineEntry
    move: MoveStageForm | None = None
    close: CloseApplicationForm | None = None
    reopen: ReopenApplicationForm | None = None
    failed: str = ""


# The stages in order, read once (each `Stage.values` builds the list afresh).
STAGES = tuple(Application.Stage.values)


def _next_stage(application: selectors.PipelineEntry) -> str:
    return STAGES[min(STAGES.index(application.stage) + 1, len(STAGES) - 1)]


def _pipeline_rows(candidate: Candidate, bound: dict[int, dict]) -> list[PipelineRow]:
    rows = []
    for position, application in enumerate(candidate.pipeline):
        failed = bound.get(application.pk, {})
        # A blank form's ids name its row's place on the page, not the application, so every
        # candidate's page shares the same few blank forms (a post's bound form keeps the
        # application's ids: no place and no application share a prefix).
        auto_id = _auto_id(f"row{position}")
        row = PipelineRow(application, failed=next(iter(failed), ""))
        if application.is_active and application.hired_at is None:
            row.move = failed.get("move") or _blank(
                MoveStageForm, auto_id, (("stage", _next_stage(application)),)
            )
            row.close = failed.get("close") or _blank(CloseApplicationForm, auto_id)
        elif not application.is_active:
            back_to = application.stage if application.hired_at is None else "offer"
            row.reopen = failed.get("reopen") or _blank(
                ReopenApplicationForm, auto_id, (("stage", back_to),)
            )
        rows.append(row)
    return rows


@functools.lru_cache(maxsize=256)
def _blank(form_class: type[forms.Form], auto_id: str, initial: tuple = ()) -> forms.Form:
    """An action form as the page shows it before anyone types in it: one unbound instance per
    (form, element ids, initial values), shared by every visit to every candidate (nothing
    in the key names one), which only renders it (a post builds its own, bound). Building the
    eight forms afresh (their fields deep-copied) and writing their controls was a fifth of
    the page's time; a shared form's controls are written once (candidates.form_html)."""
    kwargs = {"viewer": None} if form_class is PromiseForm else {}
    return form_class(auto_id=auto_id, initial=dict(initial), **kwargs)


@functools.lru_cache(maxsize=128)
def _tags_form(tags: str) -> TagsForm:
    """The tags form as it opens for a candidate with these tags, shared as `_blank` shares the
    action forms: most candidates have none, many share a few, and building it for the visit
    (its field deep-copied, its control written afresh) was a tenth of the page's context. Kept
    apart from `_blank`, so that many candidates' tags do not push the action forms out."""
    return TagsForm(auto_id=_auto_id("tags"), initial={"tags": tags})


@dataclass
class PageForms:
    """The page's action forms; a failed post puts its own, bound, with its errors."""

    log: LogActivityForm
    promise: PromiseForm
    tags: TagsForm
    # Asked for on demand (it needs the viewer's requisitions), or after a failed add.
    add: AddToRequisitionForm | None = None


def _forms(request, candidate: Candidate, bound: dict) -> PageForms:
    return PageForms(
        log=bound.get("log") or _blank(LogActivityForm, _auto_id("log")),
        promise=bound.get("promise") or _blank(PromiseForm, _auto_id("promise")),
        tags=bound.get("tags") or _tags_form(", ".join(candidate.tag_list)),
        add=bound.get("add"),
    )


def _timeline_cursor(request) -> tuple[str, str]:
    """Where the timeline's page starts (?older= or ?newer=); most visits open the newest page,
    with no query to read and no form to build for it."""
    if "older" not in request.GET and "newer" not in request.GET:
        return "", ""
    return TimelineForm(request.GET).cursor()


def _candidate_url(candidate: Candidate) -> str:
    # The page's own address, as get_absolute_url() says it, by the remembered reverse().
    return url("candidates:candidate_detail", candidate.pk)


def _page_context(request, candidate: Candidate, **bound) -> dict:
    older, newer = _timeline_cursor(request)
    waiting = selectors.candidate_waiting_followups(candidate=candidate)
    return {
        "candidate": candidate,
        "candidate_url": _candidate_url(candidate),
        "timeline": selectors.candidate_timeline(candidate=candidate, older=older, newer=newer),
        "open_commitments": selectors.candidate_open_commitments(candidate=candidate),
        "open_tasks": waiting.tasks,
        "more_tasks": waiting.more_tasks,
        "emails": waiting.emails,
        "more_emails": waiting.more_emails,
        "placements": candidate_placement_checkins(candidate=candidate),
        "concern_themes": CONCERN_THEME_CHOICES,
        "pipelines": _pipeline_rows(candidate, bound.pop("application", {})),
        "forms": _forms(request, candidate, bound),
    }


@recruiter_required
@vary_on_headers("HX-Request")
def candidate_detail(request, pk: int):
    candidate = selectors.candidate_for_recruiter(viewer=request.user, pk=pk)
    if _fragment_only(request):
        older, newer = _timeline_cursor(request)
        context = {
            "candidate": candidate,
            "candidate_url": _candidate_url(candidate),
            "timeline": selectors.candidate_timeline(candidate=candidate, older=older, newer=newer),
        }
        return render(request, DETAIL + "#timeline", context)
    return render(request, DETAIL, _page_context(request, candidate))


# What each action changes on the page, so an htmx response swaps only those parts.
CHANGED = {
    "log": ("contact-card", "timeline", "tasks", "emails", "log-form"),
    "promise": ("promises", "timeline", "tasks", "emails"),
    "keep": ("promises", "timeline", "tasks", "emails"),
    "add": ("pipelines", "timeline", "tasks", "emails"),
    "pipeline": ("pipelines", "timeline", "tasks", "emails", "checkins"),
    "tags": ("contact-card", "timeline"),
    "take_back": ("timeline", "emails"),
}


def _done(
    request,
    candidate: Candidate,
    *,
    action: str,
    message: str,
    anchor: str,
    undo: Undo | None = None,
):
    """After a successful action: a redirect for a plain post, the changed parts for htmx.
    `undo`: the confirmation offers it."""
    messages.success(request, message, extra_tags=undo.message_tag() if undo else "")
    if not request.htmx:
        return redirect(f"{candidate.get_absolute_url()}#{anchor}")
    return _changed_parts(request, candidate.pk, action=action)


def _changed_parts(request, pk: int, *, action: str, **bound):
    candidate = selectors.candidate_for_recruiter(viewer=request.user, pk=pk)
    context = _page_context(request, candidate, **bound)
    context["changed"] = CHANGED[action]
    # The panels go out of band, each to replace its namesake on the page.
    context["oob"] = True
    return render(request, DETAIL + "#changed_parts", context)


def _refused(request, candidate: Candidate, *, action: str, anchor: str, **bound):
    """A form that failed: its errors in place. Nothing was written."""
    messages.error(request, "Nothing was saved: see the form for what to fix.")
    if request.htmx:
        return _changed_parts(request, candidate.pk, action=action, **bound)
    candidate = selectors.candidate_for_recruiter(viewer=request.user, pk=candidate.pk)
    context = _page_context(request, candidate, **bound)
    context["failed"] = anchor
    return render(request, DETAIL, context)


def _candidate(request, pk: int) -> Candidate:
    """The candidate an action is about: just the row (the page is read again afterwards)."""
    return get_object_or_404(Candidate, pk=pk)


@recruiter_required
@require_POST
def activity_log(request, pk: int):
    candidate = _candidate(request, pk)
    form = LogActivityForm(request.POST, auto_id=_auto_id("log"))
    if form.is_valid():
        try:
            activity = services.activity_log(
                by=request.user, candidate=candidate, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _done(
                request,
                candidate,
                action="log",
                message=_logged(activity, candidate),
                anchor="timeline",
            )
    return _refused(request, candidate, action="log", anchor="log-form", log=form)


def _logged(activity: Activity, candidate: Candidate) -> str:
    kind = activity.get_kind_display().lower()
    if activity.kind in Activity.CONTACT_KINDS:
        return f"Logged the {kind} with {candidate.name}; last contacted is now."
    return f"Added the note to {candidate.name}'s timeline."


@recruiter_required
@require_POST
def commitment_make(request, pk: int):
    candidate = _candidate(request, pk)
    form = PromiseForm(request.POST, auto_id=_auto_id("promise"), viewer=request.user)
    if form.is_valid():
        commitment = services.commitment_make(
            recruiter=request.user,
            candidate=candidate,
            description=form.cleaned_data["description"],
            due_at=form.cleaned_data["due_at"],
        )
        due = timezone.localtime(commitment.due_at, zone_for(request.user))
        message = (
            f"Promise to {candidate.first_name} recorded: {commitment.description}, "
            f"by {due:%a %-d %b %H:%M}. It stays on your Today list until you keep it."
        )
        return _done(request, candidate, action="promise", message=message, anchor="promises")
    return _refused(request, candidate, action="promise", anchor="promise-form", promise=form)


@recruiter_required
@require_POST
def commitment_keep(request, pk: int, commitment_pk: int):
    candidate = _candidate(request, pk)
    commitment = get_object_or_404(Commitment, pk=commitment_pk, candidate=candidate)
    if commitment.status == Commitment.Status.KEPT:
        message = f"“{commitment.description}” was already kept."
    else:
        kept = services.commitment_keep(commitment=commitment, by=request.user)
        message = f"Kept ({services.KEPT_WHEN[kept.is_late]}): {kept.description}."
    return _done(request, candidate, action="keep", message=message, anchor="promises")


@recruiter_required
@require_POST
def message_take_back(request, pk: int, followup_pk: int):
    """A message the viewer sent by hand, taken back from the page while it still waits to go
    (the composer's Undo lasts only as long as its confirmation)."""
    candidate = _candidate(request, pk)
    followup = get_object_or_404(
        FollowUp.objects.select_related("template"),
        pk=followup_pk,
        candidate=candidate,
        key__startswith=ONE_OFF_KEY,
        recruiter=request.user,
    )
    try:
        message_unsend(followup=followup, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if not request.htmx:
            return redirect(f"{candidate.get_absolute_url()}#emails")
        return _changed_parts(request, candidate.pk, action="take_back")
    message = (
        f"Took back “{followup.template.name}”: it will not be sent to {candidate.first_name}."
    )
    return _done(request, candidate, action="take_back", message=message, anchor="emails")


@recruiter_required
@vary_on_headers("HX-Request")
def application_add(request, pk: int):
    """Add the candidate to one of the viewer's requisitions. GET: the form (a fragment that
    replaces the page's "Add to a requisition" link, or a page of its own without htmx)."""
    candidate = selectors.candidate_for_recruiter(viewer=request.user, pk=pk)
    requisitions = selectors.requisitions_to_add(viewer=request.user, candidate=candidate)
    data = request.POST if request.method == "POST" else None
    form = AddToRequisitionForm(data, auto_id=_auto_id("add"), requisitions=requisitions)
    if request.method != "POST":
        context = {"candidate": candidate, "form": form, "requisitions": requisitions}
        if _fragment_only(request):
            return render(request, ADD + "#add_form", context)
        return render(request, ADD, context)
    if form.is_valid():
        requisition = form.chosen()
        try:
            services.application_create(
                candidate=candidate, requisition=requisition, by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            message = f"Added {candidate.name} to {requisition.title} as Sourced."
            return _done(request, candidate, action="add", message=message, anchor="pipelines")
    return _refused(request, candidate, action="add", anchor="pipelines", add=form)


def _application(candidate: Candidate, application_pk: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related("candidate", "requisition", "placement"),
        pk=application_pk,
        candidate=candidate,
    )


@recruiter_required
@require_POST
def application_move(request, pk: int, application_pk: int):
    candidate = _candidate(request, pk)
    application = _application(candidate, application_pk)
    form = MoveStageForm(request.POST, auto_id=_app_auto_id(application.pk))
    if form.is_valid():
        try:
            message, undo = _move(request, application, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _done(
                request,
                candidate,
                action="pipeline",
                message=message,
                anchor="pipelines",
                undo=undo,
            )
    return _refused(
        request,
        candidate,
        action="pipeline",
        anchor=f"application-{application.pk}",
        application={application.pk: {"move": form}},
    )


def _move(request, application: Application, *, stage: str, start_date) -> tuple[str, Undo | None]:
    """What the move did, in words, and its Undo (a hire has none: its start date and check-ins
    are taken back by reopening)."""
    title = application.requisition.title
    name = application.candidate.name
    if stage == Application.Stage.HIRED:
        since = timezone.now()
        placement = services.placement_record(
            application=application, start_date=start_date, by=request.user
        )
        missed = checkins_missed(followups_created_since(application=application, since=since))
        said = f"{name} is hired for {title}, starting {placement.start_date:%-d %b %Y}.{missed}"
        return said, None
    if stage == application.stage:
        return f"{name} is already at {application.get_stage_display()} for {title}.", None
    before, since = application.stage_changed_at, timezone.now()
    moved = services.application_move(application=application, stage=stage, by=request.user)
    undo = undo_for_move(moved, by=request.user, stage_changed_before=before)
    # What it scheduled, in the board's words.
    scheduled = scheduled_words(
        followups_created_since(application=moved, since=since), nothing="for this move"
    )
    said = f"Moved {name} to {Application.Stage(stage).label} for {title}. {scheduled}"
    return f"{said}{held_back(moved)}", undo


@recruiter_required
@require_POST
def application_close(request, pk: int, application_pk: int):
    candidate = _candidate(request, pk)
    application = _application(candidate, application_pk)
    form = CloseApplicationForm(request.POST, auto_id=_app_auto_id(application.pk))
    if form.is_valid():
        since = timezone.now()
        try:
            closed = services.application_close(
                application=application, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            scheduled = followups_created_since(application=closed, since=since)
            message = closed_message(closed, scheduled=scheduled)
            return _done(request, candidate, action="pipeline", message=message, anchor="pipelines")
    return _refused(
        request,
        candidate,
        action="pipeline",
        anchor=f"application-{application.pk}",
        application={application.pk: {"close": form}},
    )


@recruiter_required
@require_POST
def application_reopen(request, pk: int, application_pk: int):
    candidate = _candidate(request, pk)
    application = _application(candidate, application_pk)
    form = ReopenApplicationForm(request.POST, auto_id=_app_auto_id(application.pk))
    if form.is_valid():
        try:
            reopened = services.application_reopen(
                application=application, by=request.user, stage=form.cleaned_data["stage"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            message = (
                f"Reopened {candidate.name} for {reopened.requisition.title} at "
                f"{reopened.get_stage_display()}."
            )
            return _done(request, candidate, action="pipeline", message=message, anchor="pipelines")
    return _refused(
        request,
        candidate,
        action="pipeline",
        anchor=f"application-{application.pk}",
        application={application.pk: {"reopen": form}},
    )


@recruiter_required
@require_POST
def candidate_tags(request, pk: int):
    candidate = _candidate(request, pk)
    form = TagsForm(request.POST, auto_id=_auto_id("tags"))
    if form.is_valid():
        try:
            tags = services.candidate_set_tags(
                candidate=candidate, names=form.cleaned_data["tags"], by=request.user
            )
        except ValidationError as error:
            form.add_error("tags", error)
        else:
            names = ", ".join(tag.name for tag in tags) or "none"
            message = f"{candidate.first_name}'s tags: {names}."
            return _done(request, candidate, action="tags", message=message, anchor="contact-card")
    return _refused(request, candidate, action="tags", anchor="contact-card", tags=form)
