"""The candidate list, adding and editing candidates, and bulk actions on a selection.
Thin: a form parses, a service writes or a selector reads, a template renders. The candidate
page and its actions are in page_views.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.vary import vary_on_headers

from candidates import search, selectors, services
from candidates.forms import (
    STAGE_CHOICES,
    AddToRequisitionForm,
    BulkMessageForm,
    BulkNoteForm,
    BulkSelectionForm,
    CandidateForm,
    CandidateListForm,
)
from candidates.models import Candidate
from recruitcrm import rendering
from recruitcrm.access import recruiter_required
from recruitcrm.form_errors import refusal_onto_form

LIST = "candidates/candidate_list.html"
FORM = "candidates/candidate_form.html"
BULK = "candidates/candidate_bulk.html"


def _fragment_only(request) -> bool:
    # A history-restore request (back button after a cache miss) needs the whole page.
    return bool(request.htmx) and not request.htmx.history_restore_request


def _problems(error: ValidationError) -> str:
    return " ".join(error.messages)


# ---------------------------------------------------------------------------------------------
# The list
# ---------------------------------------------------------------------------------------------


@recruiter_required
@vary_on_headers("HX-Request")
def candidate_list(request):
    form = CandidateListForm(request.GET, viewer=request.user)
    filters = form.filters()
    after, before = form.cursor()
    page = search.candidate_list_page(filters=filters, after=after, before=before)
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "problems": form.problems(),
        "sorts": search.SORTS,
        "sort_links": _sort_links(page.sort.param),
        "quiet_choices": QUIET_DAYS,
        "active_filters": _active_filters(filters),
    }
    if _fragment_only(request):
        return rendering.render(request, LIST + "#candidate_table", context)
    choices = selectors.filter_choices(viewer=request.user, include=filters.requisition_id)
    context["requisitions"], context["tags"] = choices.requisitions, choices.tags
    context["owner"] = _owner(request, filters.owner_id)
    context["stages"] = STAGE_CHOICES
    return rendering.render(request, LIST, context)


# Which way a column sorts first: names A to Z, the longest silence first, the newest first.
FIRST_SORT = {"name": "name", "contacted": "contacted", "added": "-added"}
QUIET_DAYS = [7, 14, 30, 60, 90]


def _sort_links(current: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the sort its heading links to, and its aria-sort state."""
    links = {}
    for key, first in FIRST_SORT.items():
        if current.lstrip("-") == key:
            descending = current.startswith("-")
            links[key] = {
                "next": key if descending else f"-{key}",
                "state": "descending" if descending else "ascending",
            }
        else:
            links[key] = {"next": first, "state": ""}
    return links


def _active_filters(filters: search.CandidateFilters) -> int:
    values = (
        filters.owner_id,
        filters.stage,
        filters.requisition_id,
        filters.quiet_days,
        filters.opted_out,
        filters.tag,
    )
    return sum(value not in ("", None) for value in values) + (filters.sort != "name")


def _owner(request, owner_id: int | None):
    if owner_id is None or owner_id == request.user.pk:
        return None
    return selectors.owner_named(pk=owner_id)


# ---------------------------------------------------------------------------------------------
# Create and edit
# ---------------------------------------------------------------------------------------------


@recruiter_required
def candidate_create(request):
    form = CandidateForm(request.POST or None, initial={"owner": request.user.pk})
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            candidate = services.candidate_create(
                by=request.user,
                accept_duplicates=form.cleaned_data["accept_duplicates"],
                tags=form.cleaned_data["tags"],
                **form.details(),
            )
        except services.DuplicateCandidate as error:
            duplicate = _duplicate_onto_form(form, error)
        except ValidationError as error:
            refusal_onto_form(form, error)
        else:
            messages.success(request, f"{candidate.name} is on file, owned by {candidate.owner}.")
            return redirect(candidate)
    context = {"form": form, "duplicate": duplicate, "candidate": None}
    return render(request, FORM, context)


def _duplicate_onto_form(form, duplicate: services.DuplicateCandidate):
    """The warning above the form names the match; a taken address is marked on its field
    too, where the eye and a screen reader look for what to fix."""
    if duplicate.same_email:
        form.add_error("email", "Someone on file has this address: open their record above.")
    return duplicate


@recruiter_required
def candidate_edit(request, pk: int):
    candidate = get_object_or_404(Candidate.objects.prefetch_related("tags"), pk=pk)
    form = CandidateForm.for_candidate(candidate, request.POST or None)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            services.candidate_update(
                candidate=candidate,
                by=request.user,
                accept_duplicates=form.cleaned_data["accept_duplicates"],
                tags=form.cleaned_data["tags"],
                **form.details(),
            )
        except services.DuplicateCandidate as error:
            duplicate = _duplicate_onto_form(form, error)
        except ValidationError as error:
            refusal_onto_form(form, error)
        else:
            messages.success(request, f"Saved {candidate.name}'s details.")
            return redirect(candidate)
    return render(request, FORM, {"form": form, "duplicate": duplicate, "candidate": candidate})


# ---------------------------------------------------------------------------------------------
# Bulk actions on a selection of the list
# ---------------------------------------------------------------------------------------------


@recruiter_required
def candidate_bulk(request):
    """Choose what to do to the selected candidates, see what it will do, then do it."""
    data = request.POST if request.method == "POST" else request.GET
    selection = BulkSelectionForm(data)
    back = _list_url(data.get("back", ""))
    if not selection.is_valid():
        for problem in selection.non_field_errors() or ["Choose an action for the selection."]:
            messages.error(request, problem)
        return redirect(back)
    chosen = selectors.candidates_selected(ids=selection.ids)
    if not chosen:
        raise Http404("None of the selected candidates exist.")
    action = selection.cleaned_data["action"]
    context = {
        "action": action,
        "selection": chosen,
        "rows": [(candidate, "") for candidate in chosen],
        "back": back,
        "ids": selection.ids,
    }
    context["action_label"] = BulkSelectionForm.ACTIONS[action]
    handler = {"add": _bulk_add, "note": _bulk_note, "message": _bulk_message}[action]
    return handler(request, context)


def _list_url(back: str) -> str:
    list_url = reverse("candidates:candidate_list")
    return back if back.startswith(list_url) and "\n" not in back else list_url


def _bulk_add(request, context):
    requisitions = selectors.requisition_choices(viewer=request.user)
    form = AddToRequisitionForm(
        request.POST if request.method == "POST" else None, requisitions=requisitions
    )
    if request.method == "POST" and form.is_valid():
        return _bulk_done(
            request,
            context,
            lambda: services.candidates_add_to_requisition(
                candidates=context["selection"], requisition=form.chosen(), by=request.user
            ),
            done=lambda n: f"Added {_people(n)} to {form.chosen().title} as Sourced.",
            form=form,
        )
    return render(request, BULK, context | {"form": form, "requisitions": requisitions})


def _bulk_note(request, context):
    form = BulkNoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        return _bulk_done(
            request,
            context,
            lambda: services.candidates_log_note(
                candidates=context["selection"], by=request.user, **form.cleaned_data
            ),
            done=lambda n: f"Logged the note on the timeline of {_people(n)}.",
            form=form,
        )
    return render(request, BULK, context | {"form": form})


def _bulk_message(request, context):
    form = BulkMessageForm(
        request.POST
        if request.method == "POST"
        else (request.GET if "template" in request.GET else None),
        templates=selectors.email_templates(),
        requisitions=selectors.requisition_choices(viewer=request.user),
    )
    preview = None
    if form.is_bound and form.is_valid():
        template = form.chosen_template()
        problems = selectors.message_problems(
            candidates=context["selection"],
            template=template,
            requisition=form.chosen_requisition(),
        )
        context["problems"] = problems
        context["sendable"] = len(context["selection"]) - len(problems)
        context["rows"] = [(c, problems.get(c.pk, "")) for c in context["selection"]]
        if request.method == "POST":
            return _bulk_done(
                request,
                context,
                lambda: services.candidates_send_message(
                    candidates=context["selection"],
                    template=template,
                    requisition=form.chosen_requisition(),
                    by=request.user,
                ),
                done=lambda n: (
                    f"“{template.name}” goes within a couple of minutes to {_people(n)}."
                ),
                form=form,
            )
        preview = selectors.message_preview_for_first(
            candidates=context["selection"],
            problems=problems,
            template=template,
            requisition=form.chosen_requisition(),
            by=request.user,
        )
    context |= {"form": form, "preview": preview}
    if request.htmx and request.method == "GET":
        return render(request, BULK + "#message-preview", context)
    return render(request, BULK, context)


def _people(count: int) -> str:
    return f"{count} candidate{pluralize(count)}"


def _bulk_done(request, context, perform, *, done, form):
    """After a bulk action: `done(count)` says what was done to how many."""
    try:
        outcome = perform()
    except ValidationError as error:
        form.add_error(None, error)
        context["failed"] = True
        return render(request, BULK, context | {"form": form})
    count = len(outcome.done)
    if count:
        messages.success(request, done(count))
    else:
        messages.warning(request, "Nobody in the selection could be included; nothing was done.")
    if outcome.skipped:
        reasons = " ".join(reason for _, reason in outcome.skipped)
        skipped = len(outcome.skipped)
        messages.warning(request, f"Skipped {skipped}: {reasons}")
    return redirect(context["back"])
