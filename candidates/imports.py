"""CSV import of candidates: upload and check, preview, confirm, then write it all or nothing.

- `candidate_import_create` reads an upload (`import_reading` holds the pure rules), looks up
  requisitions and people already on file set-wise, and stores every row with its verdict:
  new, matching someone on file, or errors. Nothing about candidates is written yet.
- `candidate_import_decide` / `candidate_import_decide_all`: update or skip the matches.
- `candidate_import_confirm` queues the import: small ones are written at once, large ones by
  a Celery task (`candidates.tasks.import_candidates`) that reports its progress.
- `candidate_import_commit` writes it in one transaction, in chunks, set-wise
  (`import_commit`; `import_writing`: COPY on PostgreSQL), re-checking what may have changed
  since the preview; any failure rolls everything back and is recorded with its reason.

The reads these need (requisitions and people on file, set-wise) are in `import_selectors`.
"""

from __future__ import annotations

import datetime
import logging
import os
from collections import Counter

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from candidates import import_writing as writing
from candidates.import_commit import ImportFailed, write_import
from candidates.import_reading import (
    MAX_BYTES,
    CheckedRow,
    ImportRefused,
    check_rows,
    decode,
    map_header,
    read_records,
    refuse_no_rows,
    refuse_size,
)
from candidates.import_selectors import people_on_file, requisition_choices
from candidates.models import CandidateImport, CandidateImportRow
from followups.services import followups_on_imported_pipelines
from recruitcrm.models import User

logger = logging.getLogger(__name__)

# Files up to this many rows are checked during the upload request, larger ones by a worker.
INLINE_CHECK_ROWS = 5_000
# Confirmed imports up to this many rows are written during the request; larger ones by a
# worker, with a progress bar.
INLINE_ROWS = 2_000
STALE_PREVIEW = datetime.timedelta(days=7)
STAGED_FIELDS = (
    "candidate_import_id",
    "row_number",
    "kind",
    "values",
    "errors",
    "match_id",
    "match_reason",
    "decision",
)

__all__ = [
    "ImportRefused",
    "candidate_import_check",
    "candidate_import_commit",
    "candidate_import_confirm",
    "candidate_import_create",
    "candidate_import_decide",
    "candidate_import_decide_all",
    "candidate_import_discard",
    "candidate_import_fail",
    "check_records",
]


# ---------------------------------------------------------------------------------------------
# Reading and checking an upload
# ---------------------------------------------------------------------------------------------


def check_records(
    records: list[tuple[int, list[str]]], columns: dict[str, int]
) -> list[CheckedRow]:
    """Every row checked on its own, against the others and against people on file."""
    requisitions = {}
    if "requisition" in columns:
        index = columns["requisition"]
        requisitions = requisition_choices(
            cells[index] for _, cells in records if index < len(cells)
        )
    return check_rows(records, columns, requisitions=requisitions, find_people=people_on_file)


# ---------------------------------------------------------------------------------------------
# Upload, decide, confirm, discard
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def candidate_import_create(*, upload: UploadedFile, by: User) -> CandidateImport:
    """Take an uploaded CSV for a preview. A bad file raises ImportRefused and writes nothing;
    a small file's rows are checked at once, a large file's by a worker (`check_candidate_import`)
    while the page shows it being checked. No candidate is written either way."""
    refuse_size(upload.size or 0)
    text = decode(upload.read(writing_limit()))
    header, records = read_records(text)
    columns = map_header(header)
    refuse_no_rows(records)
    large = len(records) > INLINE_CHECK_ROWS
    candidate_import = CandidateImport.objects.create(
        owner=by,
        file_name=os.path.basename(upload.name or "upload.csv")[:255],
        row_count=len(records),
        status=CandidateImport.Status.CHECKING if large else CandidateImport.Status.PREVIEW,
        source=text if large else "",
    )
    if large:
        from candidates.tasks import check_candidate_import

        pk = candidate_import.pk
        transaction.on_commit(lambda: check_candidate_import.delay(pk))
    else:
        _keep_rows(candidate_import, check_records(records, columns))
    # Previews nobody confirmed within a week are not coming back; their rows go.
    CandidateImport.objects.filter(
        owner=by,
        status=CandidateImport.Status.PREVIEW,
        created_at__lt=timezone.now() - STALE_PREVIEW,
    ).delete()
    return candidate_import


@transaction.atomic
def candidate_import_check(*, candidate_import: CandidateImport, by: User) -> CandidateImport:
    """Check the rows of a large upload (a worker does this); then it waits for the recruiter.
    Safe to run twice: a checked import is left as it is."""
    current = CandidateImport.objects.select_for_update().get(pk=candidate_import.pk)
    if current.status != CandidateImport.Status.CHECKING:
        return current
    header, records = read_records(current.source)
    _keep_rows(current, check_records(records, map_header(header)))
    current.status = CandidateImport.Status.PREVIEW
    current.source = ""
    current.save(update_fields=["status", "source"])
    return current


def _keep_rows(candidate_import: CandidateImport, rows: list[CheckedRow]) -> None:
    kinds = Counter(row.kind for row in rows)
    candidate_import.new_count = kinds["new"]
    candidate_import.match_count = kinds["match"]
    candidate_import.error_count = kinds["error"]
    candidate_import.save(update_fields=["new_count", "match_count", "error_count"])
    writing.insert(
        CandidateImportRow,
        STAGED_FIELDS,
        [
            (
                candidate_import.pk,
                row.number,
                row.kind,
                row.stored_values,
                row.errors,
                row.match_id,
                row.match_reason,
                "",
            )
            for row in rows
        ],
    )


def writing_limit() -> int:
    # One byte more than allowed, so an upload that lied about its size is still refused.
    return MAX_BYTES + 1


def _refuse_unless_preview(candidate_import: CandidateImport) -> None:
    if candidate_import.status != CandidateImport.Status.PREVIEW:
        raise ValidationError(
            f"This import is {candidate_import.get_status_display().lower()}; "
            "its choices can no longer change."
        )


@transaction.atomic
def candidate_import_decide(
    *, row: CandidateImportRow, decision: str, by: User
) -> CandidateImportRow:
    """Update or skip one row that matches someone on file."""
    _refuse_unless_preview(row.candidate_import)
    if decision not in CandidateImport.MatchAction.values:
        raise ValidationError("Choose update or skip.")
    if row.kind != CandidateImportRow.Kind.MATCH:
        raise ValidationError("Only rows matching someone on file can be updated or skipped.")
    row.decision = decision
    row.save(update_fields=["decision"])
    return row


@transaction.atomic
def candidate_import_decide_all(
    *, candidate_import: CandidateImport, decision: str, by: User
) -> CandidateImport:
    """Update or skip every match at once; choices made row by row give way to this one."""
    _refuse_unless_preview(candidate_import)
    if decision not in CandidateImport.MatchAction.values:
        raise ValidationError("Choose update or skip.")
    candidate_import.match_action = decision
    candidate_import.save(update_fields=["match_action"])
    candidate_import.rows.filter(kind=CandidateImportRow.Kind.MATCH).exclude(decision="").update(
        decision=""
    )
    return candidate_import


@transaction.atomic
def candidate_import_confirm(*, candidate_import: CandidateImport, by: User) -> CandidateImport:
    """The recruiter said yes: write it now if it is small, else hand it to a worker."""
    if candidate_import.status != CandidateImport.Status.PREVIEW:
        return candidate_import  # a second click, or not checked yet: nothing to do
    if candidate_import.new_count + candidate_import.match_count == 0:
        raise ValidationError("Every row has errors, so there is nothing to import.")
    queued = CandidateImport.objects.filter(
        pk=candidate_import.pk, status=CandidateImport.Status.PREVIEW
    ).update(status=CandidateImport.Status.QUEUED, confirmed_at=timezone.now())
    candidate_import.refresh_from_db()
    if not queued:
        return candidate_import  # a second click: it is already on its way
    if candidate_import.new_count + candidate_import.match_count <= INLINE_ROWS:
        return candidate_import_commit(candidate_import=candidate_import, by=by)
    from candidates.tasks import import_candidates

    pk = candidate_import.pk
    transaction.on_commit(lambda: import_candidates.delay(pk))
    return candidate_import


@transaction.atomic
def candidate_import_discard(*, candidate_import: CandidateImport, by: User) -> None:
    """Throw a preview away; nothing of it was written."""
    _refuse_unless_preview(candidate_import)
    candidate_import.delete()


def candidate_import_fail(*, candidate_import: CandidateImport, reason: str) -> int:
    """Record why an import being checked or written stopped (its writes were rolled back)."""
    return CandidateImport.objects.filter(
        pk=candidate_import.pk,
        status__in=[CandidateImport.Status.CHECKING, CandidateImport.Status.QUEUED],
    ).update(
        status=CandidateImport.Status.FAILED,
        failure=reason,
        source="",
        progress=0,
        finished_at=timezone.now(),
    )


# ---------------------------------------------------------------------------------------------
# Writing a confirmed import
# ---------------------------------------------------------------------------------------------


def candidate_import_commit(
    *, candidate_import: CandidateImport, by: User, report_progress: bool = False
) -> CandidateImport:
    """Write a confirmed import: all of it, or on any failure none of it, saying why.

    The writes are one atomic block (a savepoint inside a caller's transaction); the failure
    is recorded after that block rolled back, which is why this is not wrapped whole.
    """
    progress = writing.ProgressReporter(candidate_import.pk, enabled=report_progress)
    try:
        with transaction.atomic():
            if not writing.claim(candidate_import.pk):
                return candidate_import  # another worker is writing it
            current = CandidateImport.objects.select_related("owner").get(pk=candidate_import.pk)
            if current.status != CandidateImport.Status.QUEUED:
                return current  # already written, failed or never confirmed
            stage_change_ids = write_import(current, by=by, progress=progress)
            followups_on_imported_pipelines(stage_change_ids=stage_change_ids)
            return current
    except ImportFailed as error:
        reason = str(error)
    except (IntegrityError, DataError) as error:
        logger.warning("import %s rolled back: %s", candidate_import.pk, error)
        reason = _database_refusal(error)
    finally:
        progress.close()
    candidate_import_fail(candidate_import=candidate_import, reason=reason)
    candidate_import.refresh_from_db()
    return candidate_import


def _database_refusal(error: Exception) -> str:
    if "candidate_email_ci_unique" in str(error):
        why = "an email address in the file now belongs to a candidate added since the preview"
    else:
        why = "someone changed the same candidates or requisitions while it was being written"
    return f"Nothing was imported: {why}. Upload the file again to see the rows as they are now."
