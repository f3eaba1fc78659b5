"""The reads behind the CSV import pages. An import belongs to the recruiter who uploaded it:
anyone else gets a 404, as if it did not exist."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404

from candidates import import_writing as writing
from candidates.import_reading import (
    OnFile,
    RequisitionChoice,
    email_key,
    name_phone_key,
    requisition_key,
    update_changes,
)
from candidates.models import (
    Candidate,
    CandidateImport,
    CandidateImportRow,
    CandidateSource,
    Tag,
)
from hiring_leaders.models import Requisition
from recruitcrm.models import User

ROWS_PER_PAGE = 50
IMPORTS_PER_PAGE = 10
Kind = CandidateImportRow.Kind


def candidate_import_for_owner(*, viewer: User, pk: int) -> CandidateImport:
    return get_object_or_404(CandidateImport, pk=pk, owner=viewer)


def candidate_import_row_for_owner(
    *, viewer: User, import_pk: int, row_pk: int
) -> CandidateImportRow:
    """A row matching someone on file, of an import the viewer uploaded."""
    return get_object_or_404(
        CandidateImportRow.objects.select_related("candidate_import"),
        pk=row_pk,
        candidate_import_id=import_pk,
        candidate_import__owner=viewer,
        kind=Kind.MATCH,
    )


def candidate_imports_page(*, viewer: User, page_number: str | int | None = 1) -> Page:
    imports = CandidateImport.objects.filter(owner=viewer).order_by("-created_at", "-pk")
    return Paginator(imports, IMPORTS_PER_PAGE).get_page(page_number)


def import_rows_page(
    *, candidate_import: CandidateImport, kind: str, page_number: str | int | None = 1
) -> Page:
    """One page of the rows of one kind, with what the preview shows beside each."""
    rows = candidate_import.rows.filter(kind=kind).order_by("row_number")
    if kind == Kind.MATCH:
        rows = rows.select_related("match").prefetch_related(
            Prefetch("match__tags", queryset=Tag.objects.only("pk", "name"))
        )
    page = Paginator(rows, ROWS_PER_PAGE).get_page(page_number)
    if kind != Kind.ERROR:
        _attach_requisitions(page.object_list)
    if kind == Kind.MATCH:
        for row in page.object_list:
            row.effective_decision = row.decision or candidate_import.match_action
            row.changes = _changes_in_words(row)
    return page


def _attach_requisitions(rows) -> None:
    ids = {row.values.get("requisition") for row in rows} - {None}
    titles = dict(Requisition.objects.filter(pk__in=ids).values_list("pk", "title")) if ids else {}
    for row in rows:
        row.requisition_title = titles.get(row.values.get("requisition"), "")
        row.source_label = CandidateSource(row.values.get("source") or "other").label


def import_match_row(*, row: CandidateImportRow) -> CandidateImportRow:
    """One match row as the preview table shows it, after its choice changed."""
    row = (
        CandidateImportRow.objects.select_related("candidate_import", "match")
        .prefetch_related(Prefetch("match__tags", queryset=Tag.objects.only("pk", "name")))
        .get(pk=row.pk)
    )
    _attach_requisitions([row])
    row.effective_decision = row.decision or row.candidate_import.match_action
    row.changes = _changes_in_words(row)
    return row


def import_tabs(*, candidate_import: CandidateImport) -> list[tuple[str, str, int]]:
    """The preview's tabs: what happens to the rows, with how many each holds."""
    return [
        (Kind.NEW, "New candidates", candidate_import.new_count),
        (Kind.MATCH, "Already on file", candidate_import.match_count),
        (Kind.ERROR, "Errors", candidate_import.error_count),
    ]


def _changes_in_words(row: CandidateImportRow) -> list[str]:
    """What choosing "update" would change for this row, as the preview says it."""
    candidate: Candidate | None = row.match
    if candidate is None:
        return []
    on_file = {
        "email": candidate.email,
        "phone_digits": candidate.phone_digits,
        "headline": candidate.headline,
    }
    changes = update_changes(row.values, on_file)
    words = []
    if "email" in changes:
        words.append(f"email → {changes['email']}")
    if "phone" in changes:
        words.append(f"phone → {changes['phone']}")
    if "headline" in changes:
        words.append(f"title → {changes['headline']}")
    has = {tag.name.lower() for tag in candidate.tags.all()}
    added = [tag for tag in row.values.get("tags", []) if tag.lower() not in has]
    if added:
        words.append(f"adds tag{'s' if len(added) > 1 else ''} {', '.join(added)}")
    return words


def match_decisions(*, candidate_import: CandidateImport) -> dict[str, int]:
    """How many matches will be updated and how many skipped, as chosen so far."""
    chosen = dict(
        candidate_import.rows.filter(kind=Kind.MATCH)
        .exclude(decision="")
        .values_list("decision")
        .annotate(n=Count("pk"))
    )
    default = candidate_import.match_action
    counts = {action: chosen.get(action, 0) for action in CandidateImport.MatchAction.values}
    counts[default] += candidate_import.match_count - sum(chosen.values())
    return counts


# ---------------------------------------------------------------------------------------------
# What the rows of a file point at: requisitions and people already on file, set-wise
# ---------------------------------------------------------------------------------------------

LOOKUP_CHUNK = 20_000


def requisition_choices(cells: Iterable[str]) -> dict[tuple[str, str], RequisitionChoice]:
    """What each requisition cell of the file points at, in one query."""
    keys = {requisition_key(cell) for cell in cells if cell.strip()}
    ids = [int(value) for kind, value in keys if kind == "id"]
    titles = [value for kind, value in keys if kind == "title"]
    if not keys:
        return {}
    found = list(
        Requisition.objects.annotate(lower_title=Lower("title"))
        .filter(Q(pk__in=ids) | Q(lower_title__in=titles))
        .only("pk", "title", "status")
    )
    by_id = {requisition.pk: requisition for requisition in found}
    by_title = defaultdict(list)
    for requisition in found:
        by_title[" ".join(requisition.title.lower().split())].append(requisition)
    choices = {}
    for kind, value in keys:
        if kind == "id":
            requisition = by_id.get(int(value))
            choices[kind, value] = (
                _choice(requisition)
                if requisition
                else _problem(f"there is no requisition #{value}")
            )
        else:
            choices[kind, value] = _choice_by_title(value, by_title.get(value, []))
    return choices


def _problem(why: str) -> RequisitionChoice:
    return RequisitionChoice(problem=why)


def _choice(requisition: Requisition) -> RequisitionChoice:
    if not requisition.is_active:
        return _problem(
            f"“{requisition.title}” (#{requisition.pk}) is "
            f"{requisition.get_status_display().lower()}; reopen it before adding candidates"
        )
    return RequisitionChoice(pk=requisition.pk, title=requisition.title)


def _choice_by_title(title: str, same_title: list[Requisition]) -> RequisitionChoice:
    if not same_title:
        return _problem(f"no requisition is called “{title}”; use its exact title or its number")
    active = [requisition for requisition in same_title if requisition.is_active]
    if len(active) > 1:
        numbers = ", ".join(f"#{requisition.pk}" for requisition in active)
        return _problem(
            f"{len(active)} open requisitions are called “{active[0].title}” ({numbers}); "
            "use the number instead"
        )
    return _choice(active[0] if active else same_title[0])


def people_on_file(
    rows: list[dict],
) -> tuple[dict[str, OnFile], dict[tuple[str, str, str], list[OnFile]]]:
    """Candidates with the same email (any capitals), or the same name and phone digits, as
    these rows' values: a few queries however many rows (candidate_duplicates, set-wise)."""
    emails = sorted({email_key(values) for values in rows} - {""})
    by_email: dict[str, OnFile] = {}
    for chunk in writing.chunked(emails, LOOKUP_CHUNK):
        for pk, email, first_name, last_name in _same_email(chunk):
            by_email[email.lower()] = OnFile(pk=pk, name=f"{first_name} {last_name}")
    wanted = {key for key in map(name_phone_key, rows) if key}
    digits = sorted({key[2] for key in wanted})
    by_name_phone: dict[tuple[str, str, str], list[OnFile]] = defaultdict(list)
    for chunk in writing.chunked(digits, LOOKUP_CHUNK):
        for pk, first_name, last_name, phone_digits in sorted(_same_phone(chunk)):
            key = (first_name.lower(), last_name.lower(), phone_digits)
            if key in wanted:
                by_name_phone[key].append(OnFile(pk=pk, name=f"{first_name} {last_name}"))
    return by_email, by_name_phone


def _same_email(emails: list[str]) -> list[tuple]:
    fields = ("id", "email", "first_name", "last_name")
    if writing.on_postgresql():
        # The expression of the unique index candidate_email_ci_unique, which serves it.
        return writing.values_in(Candidate, "email <> '' AND lower(email)", emails, fields)
    return list(
        Candidate.objects.exclude(email="")
        .annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
        .values_list(*fields)
    )


def _same_phone(digits: list[str]) -> list[tuple]:
    fields = ("id", "first_name", "last_name", "phone_digits")
    if writing.on_postgresql():
        # "phone_digits <> ''" lets the partial index candidate_phone_digits serve it.
        return writing.values_in(Candidate, "phone_digits <> '' AND phone_digits", digits, fields)
    return list(
        Candidate.objects.exclude(phone_digits="")
        .filter(phone_digits__in=digits)
        .values_list(*fields)
    )
