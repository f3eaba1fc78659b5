"""The reads behind the CSV import pages. An import belongs to the recruiter who uploaded it:
anyone else gets a 404, as if it did not exist."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404

from candidates.import_reading import update_changes
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
