"""The CSV import pages: upload, preview (new rows, matches, errors), progress and result.

Thin: each view parses with a form, calls a service or a selector, and renders. HTMX requests
get the fragment they swap; every action also works as a plain form post with a full page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRefresh

from candidates import import_selectors as selectors
from candidates import imports
from candidates.import_forms import (
    CandidateImportUploadForm,
    ImportRowsForm,
    MatchDecisionForm,
    PageForm,
)
from candidates.import_reading import COLUMNS, MAX_BYTES, MAX_ROWS, SOURCE_NAMES, example_csv
from candidates.models import CandidateImport
from recruitcrm.access import recruiter_required

UPLOAD = "candidates/import_upload.html"
DETAIL = "candidates/import_detail.html"
# A worker is checking or writing the import: the page shows its progress.
WORKING = (CandidateImport.Status.CHECKING, CandidateImport.Status.QUEUED)


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


@recruiter_required
def upload(request):
    posted = request.method == "POST"
    form = CandidateImportUploadForm(
        request.POST if posted else None, request.FILES if posted else None
    )
    if posted and form.is_valid():
        try:
            candidate_import = imports.candidate_import_create(
                upload=form.cleaned_data["file"], by=request.user
            )
        except imports.ImportRefused as error:
            form.add_error("file", error)
        else:
            return redirect(candidate_import)
    page = selectors.candidate_imports_page(
        viewer=request.user, page_number=PageForm(request.GET).page_number()
    )
    context = {
        "form": form,
        "imports": page,
        "columns": COLUMNS,
        "source_names": SOURCE_NAMES,
        "max_bytes": MAX_BYTES,
        "max_rows": MAX_ROWS,
    }
    return render(request, UPLOAD, context, status=400 if form.errors else 200)


@recruiter_required
def example(request):
    response = HttpResponse(example_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="candidates-example.csv"'
    return response


@recruiter_required
@vary_on_headers("HX-Request")
def detail(request, pk: int):
    candidate_import = selectors.candidate_import_for_owner(viewer=request.user, pk=pk)
    if candidate_import.status in WORKING:
        return render(request, DETAIL, {"candidate_import": candidate_import})
    kind, page_number = ImportRowsForm(request.GET).choice(candidate_import)
    context = _rows_context(candidate_import, kind=kind, page_number=page_number)
    context["back"] = request.get_full_path()
    if _fragment_only(request):
        return render(request, DETAIL + "#import-rows", context)
    if candidate_import.status == CandidateImport.Status.PREVIEW:
        context["decisions"] = selectors.match_decisions(candidate_import=candidate_import)
    return render(request, DETAIL, context)


def _rows_context(candidate_import: CandidateImport, *, kind: str, page_number) -> dict:
    return {
        "candidate_import": candidate_import,
        "kind": kind,
        "tabs": selectors.import_tabs(candidate_import=candidate_import),
        "rows": selectors.import_rows_page(
            candidate_import=candidate_import, kind=kind, page_number=page_number
        ),
    }


@recruiter_required
@vary_on_headers("HX-Request")
def progress(request, pk: int):
    """What the progress bar polls. Once the worker is done (checking or writing), the whole
    page reloads to show the preview or the result; without JavaScript this is the page."""
    candidate_import = selectors.candidate_import_for_owner(viewer=request.user, pk=pk)
    if not _fragment_only(request):
        return redirect(candidate_import)
    if candidate_import.status not in WORKING:
        return HttpResponseClientRefresh()
    return render(request, DETAIL + "#import-progress", {"candidate_import": candidate_import})


def _decision_response(request, candidate_import: CandidateImport, context: dict, flash: str):
    context |= {
        "candidate_import": candidate_import,
        "decisions": selectors.match_decisions(candidate_import=candidate_import),
        "back": _back(request, f"{candidate_import.get_absolute_url()}?show=match"),
        "flash": flash,
        "oob": True,
    }
    return render(request, DETAIL + "#decision-response", context)


def _chosen(request) -> str:
    form = MatchDecisionForm(request.POST)
    if not form.is_valid():
        raise ValidationError(form.errors["decision"])
    return form.cleaned_data["decision"]


@recruiter_required
@require_POST
def decide(request, pk: int, row_pk: int):
    row = selectors.candidate_import_row_for_owner(viewer=request.user, import_pk=pk, row_pk=row_pk)
    candidate_import = row.candidate_import
    back = _back(request, f"{candidate_import.get_absolute_url()}?show=match")
    try:
        imports.candidate_import_decide(row=row, decision=_chosen(request), by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    if not _fragment_only(request):
        return redirect(back)
    row = selectors.import_match_row(row=row)
    name = f"{row.values['first_name']} {row.values['last_name']}"
    flash = f"Row {row.row_number}, {name}: will {row.get_decision_display().lower()}."
    return _decision_response(request, candidate_import, {"row": row, "one_row": True}, flash)


@recruiter_required
@require_POST
def decide_all(request, pk: int):
    candidate_import = selectors.candidate_import_for_owner(viewer=request.user, pk=pk)
    back = _back(request, f"{candidate_import.get_absolute_url()}?show=match")
    try:
        imports.candidate_import_decide_all(
            candidate_import=candidate_import, decision=_chosen(request), by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    action = candidate_import.get_match_action_display().lower()
    count = candidate_import.match_count
    who = "The one person on file" if count == 1 else f"All {count} people on file"
    flash = f"{who} will {action}."
    if not _fragment_only(request):
        messages.success(request, flash)
        return redirect(back)
    context = _rows_context(candidate_import, kind="match", page_number=1)
    return _decision_response(request, candidate_import, context, flash)


@recruiter_required
@require_POST
def confirm(request, pk: int):
    candidate_import = selectors.candidate_import_for_owner(viewer=request.user, pk=pk)
    try:
        candidate_import = imports.candidate_import_confirm(
            candidate_import=candidate_import, by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if candidate_import.status == CandidateImport.Status.DONE:
            messages.success(request, _done_message(candidate_import))
    return redirect(candidate_import)


def _done_message(candidate_import: CandidateImport) -> str:
    created = candidate_import.created_count
    words = [f"Imported {created} candidate{pluralize(created)}"]
    if candidate_import.updated_count:
        words.append(f"updated {candidate_import.updated_count}")
    return ", ".join(words) + "."


@recruiter_required
@require_POST
def discard(request, pk: int):
    candidate_import = selectors.candidate_import_for_owner(viewer=request.user, pk=pk)
    file_name = candidate_import.file_name
    try:
        imports.candidate_import_discard(candidate_import=candidate_import, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(candidate_import)
    messages.success(request, f"Discarded “{file_name}”. Nothing from it was imported.")
    return redirect(reverse("imports:upload"))
