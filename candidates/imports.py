"""CSV import of candidates: upload and check, preview, confirm, then write it all or nothing.

- `candidate_import_create` reads an upload (`import_reading` holds the pure rules), looks up
  requisitions and people already on file set-wise, and stores every row with its verdict:
  new, matching someone on file, or errors. Nothing about candidates is written yet.
- `candidate_import_decide` / `candidate_import_decide_all`: update or skip the matches.
- `candidate_import_confirm` queues the import: small ones are written at once, large ones by
  a Celery task (`candidates.tasks.import_candidates`) that reports its progress.
- `candidate_import_commit` writes it in one transaction, in chunks, set-wise
  (`import_writing`: COPY on PostgreSQL), re-checking what may have changed since the preview;
  any failure rolls everything back and is recorded with its reason.
"""

from __future__ import annotations

import datetime
import logging
import os
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import DataError, IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from candidates import import_writing as writing
from candidates.import_reading import (
    MAX_BYTES,
    CheckedRow,
    ImportRefused,
    OnFile,
    RequisitionChoice,
    check_rows,
    decode,
    email_key,
    map_header,
    name_phone_key,
    read_records,
    refuse_no_rows,
    refuse_size,
    requisition_key,
    update_changes,
)
from candidates.models import (
    Activity,
    Application,
    ApplicationStageChange,
    Candidate,
    CandidateImport,
    CandidateImportRow,
    Tag,
)
from hiring_leaders.models import Requisition
from recruitcrm.models import User

logger = logging.getLogger(__name__)

# Files up to this many rows are checked during the upload request, larger ones by a worker.
INLINE_CHECK_ROWS = 5_000
# Confirmed imports up to this many rows are written during the request; larger ones by a
# worker, with a progress bar.
INLINE_ROWS = 2_000
CHUNK_ROWS = 5_000
LOOKUP_CHUNK = 20_000
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


class ImportFailed(Exception):
    """Writing a confirmed import stopped; the transaction rolled back. The message says why."""


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
            _write_import(current, by=by, progress=progress)
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


def _write_import(candidate_import: CandidateImport, *, by: User, progress) -> None:
    context = _Context(candidate_import=candidate_import, by=by, now=timezone.now())
    counts: Counter = Counter()
    done = 0
    rows = candidate_import.rows.exclude(kind=CandidateImportRow.Kind.ERROR)
    for kind in (CandidateImportRow.Kind.NEW, CandidateImportRow.Kind.MATCH):
        for chunk in _staged_chunks(candidate_import, kind):
            counts.update(_write_chunk(chunk, context))
            done += len(chunk)
            progress(done)
    # The rows written are now candidates; rows with errors stay to be read on the result page.
    rows.delete()
    candidate_import.status = CandidateImport.Status.DONE
    candidate_import.created_count = counts["created"]
    candidate_import.updated_count = counts["updated"]
    candidate_import.unchanged_count = counts["unchanged"]
    candidate_import.skipped_count = counts["skipped"]
    candidate_import.progress = done
    candidate_import.finished_at = timezone.now()
    candidate_import.save(
        update_fields=[
            "status",
            "created_count",
            "updated_count",
            "unchanged_count",
            "skipped_count",
            "progress",
            "finished_at",
        ]
    )


def _staged_chunks(candidate_import: CandidateImport, kind: str):
    """The kept rows of one kind, a chunk at a time, in file order (keyset on the row number)."""
    staged = (
        candidate_import.rows.filter(kind=kind)
        .order_by("row_number")
        .values_list("row_number", "kind", "values", "match_id", "decision", named=True)
    )
    last = 0
    while chunk := list(staged.filter(row_number__gt=last)[:CHUNK_ROWS]):
        last = chunk[-1].row_number
        yield chunk


class _Context:
    def __init__(self, *, candidate_import: CandidateImport, by: User, now: datetime.datetime):
        self.candidate_import = candidate_import
        self.by = by
        self.now = now
        self.tag_ids: dict[str, int] = {}
        self.file_words = f"“{candidate_import.file_name}” by {by}"
        # People added since the upload, read once before anything is written: a new row that
        # is one of them would be a duplicate. (An edit that makes an older candidate match is
        # not looked for; the unique email constraint still refuses a duplicate address.)
        self.added_since = people_on_file(
            list(
                Candidate.objects.filter(created_at__gte=candidate_import.created_at).values(
                    "email", "first_name", "last_name", "phone_digits"
                )
            )
        )

    def decision(self, row) -> str:
        return row.decision or self.candidate_import.match_action


def _row_words(row) -> str:
    name = f"{row.values.get('first_name', '')} {row.values.get('last_name', '')}".strip()
    return f"{row.row_number} ({name})" if name else str(row.row_number)


def _write_chunk(rows: list, context: _Context) -> Counter:
    new = [row for row in rows if row.kind == CandidateImportRow.Kind.NEW]
    matches = [row for row in rows if row.kind == CandidateImportRow.Kind.MATCH]
    updates = [
        row for row in matches if context.decision(row) == CandidateImport.MatchAction.UPDATE
    ]
    _refuse_new_matches(new, context.added_since)
    titles = _open_requisitions(new + updates)
    _ensure_tags(new + updates, context)
    created = _create_candidates(new, context)
    updated, unchanged, joining = _update_candidates(updates, context)
    _add_to_pipelines(created + joining, titles, context)
    return Counter(
        created=len(created),
        updated=updated,
        unchanged=unchanged,
        skipped=len(matches) - len(updates),
    )


def _refuse_new_matches(rows: list, added_since) -> None:
    by_email, by_name_phone = added_since
    if not (by_email or by_name_phone):
        return
    for row in rows:
        found = by_email.get(email_key(row.values)) or next(
            iter(by_name_phone.get(name_phone_key(row.values), [])), None
        )
        if found:
            raise ImportFailed(
                f"Nothing was imported: row {_row_words(row)} now matches {found.name} "
                f"(#{found.pk}), who was added or changed after the preview. Upload the file "
                "again to choose what happens to them."
            )


def _open_requisitions(rows: list) -> dict[int, str]:
    wanted = {row.values["requisition"]: row for row in rows if row.values.get("requisition")}
    found = Requisition.objects.in_bulk(list(wanted)) if wanted else {}
    for pk, row in wanted.items():
        requisition = found.get(pk)
        if requisition is None or not requisition.is_active:
            state = requisition.get_status_display().lower() if requisition else "deleted"
            title = requisition.title if requisition else f"Requisition #{pk}"
            raise ImportFailed(
                f"Nothing was imported: “{title}” (row {_row_words(row)}) is {state} now. "
                "Reopen it, or take it out of the file, and upload the file again."
            )
    return {pk: requisition.title for pk, requisition in found.items()}


def _ensure_tags(rows: list, context: _Context) -> None:
    """Tag ids by lower-case name, creating the tags nobody has used yet."""
    wanted = {
        tag.lower(): tag
        for row in rows
        for tag in row.values.get("tags", [])
        if tag.lower() not in context.tag_ids
    }
    if not wanted:
        return

    def look_up():
        found = Tag.objects.annotate(lower_name=Lower("name")).filter(
            Q(lower_name__in=list(wanted)) | Q(name__in=list(wanted.values()))
        )
        context.tag_ids.update((tag.name.lower(), tag.pk) for tag in found)

    look_up()
    missing = [Tag(name=name) for lower, name in wanted.items() if lower not in context.tag_ids]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        look_up()
    unknown = [name for lower, name in wanted.items() if lower not in context.tag_ids]
    if unknown:
        raise ImportFailed(f"Nothing was imported: the tag “{unknown[0]}” could not be created.")


LINK_FIELDS = ("candidate_id", "tag_id")
NOTE_FIELDS = (
    "kind",
    "candidate_id",
    "hiring_leader_id",
    "requisition_id",
    "application_id",
    "actor_id",
    "occurred_at",
    "summary",
    "body",
)


def _tag_links(candidate_id: int, tags: list[str], context: _Context, *, skip=frozenset()):
    ids = {context.tag_ids[tag.lower()] for tag in tags} - skip
    return [(candidate_id, tag_id) for tag_id in sorted(ids)]


def _note(context: _Context, candidate_id: int, summary: str) -> tuple:
    return (
        Activity.Kind.NOTE.value,
        candidate_id,
        None,
        None,
        None,
        context.by.pk,
        context.now,
        summary[:300],
        "",
    )


def _create_candidates(rows: list, context: _Context) -> list[tuple]:
    """New candidates, their tags and their "Imported from …" entry. Returns (row, id) pairs."""
    fields = ("first_name", "last_name", "email", "phone", "phone_digits", "headline", "source")
    ids = writing.insert(
        Candidate,
        (*fields, "location", "time_zone", "owner_id", "created_at", "updated_at"),
        [
            (
                *(row.values[name] for name in fields),
                "",
                "",
                context.by.pk,
                context.now,
                context.now,
            )
            for row in rows
        ],
        ids=True,
    )
    Link = Candidate.tags.through
    writing.insert(
        Link,
        LINK_FIELDS,
        [
            link
            for row, pk in zip(rows, ids, strict=True)
            for link in _tag_links(pk, row.values["tags"], context)
        ],
    )
    summary = f"Imported from {context.file_words}"
    writing.insert(Activity, NOTE_FIELDS, [_note(context, pk, summary) for pk in ids])
    return list(zip(rows, ids, strict=True))


def _update_candidates(rows: list, context: _Context) -> tuple[int, int, list[tuple]]:
    """Fill in what the file adds for the matches chosen for update. Returns how many changed,
    how many had nothing new, and the (row, candidate id) pairs joining a requisition."""
    if not rows:
        return 0, 0, []
    ids = [row.match_id for row in rows]
    on_file = Candidate.objects.in_bulk([pk for pk in ids if pk])
    for row in rows:
        if row.match_id not in on_file:
            raise ImportFailed(
                f"Nothing was imported: the candidate row {_row_words(row)} matched was "
                "deleted after the preview. Upload the file again."
            )
    Link = Candidate.tags.through
    tagged = defaultdict(set)
    for candidate_id, tag_id in Link.objects.filter(candidate_id__in=ids).values_list(
        "candidate_id", "tag_id"
    ):
        tagged[candidate_id].add(tag_id)
    in_pipeline = set(
        Application.objects.filter(
            candidate_id__in=ids, outcome=Application.Outcome.ACTIVE
        ).values_list("candidate_id", "requisition_id")
    )
    changed, links, notes, joining = [], [], [], []
    for row in rows:
        candidate = on_file[row.match_id]
        changes = update_changes(row.values, _as_values(candidate))
        for name, value in changes.items():
            setattr(candidate, name, value)
        new_links = _tag_links(candidate.pk, row.values["tags"], context, skip=tagged[candidate.pk])
        requisition = row.values.get("requisition")
        if requisition and (candidate.pk, requisition) not in in_pipeline:
            joining.append((row, candidate.pk))
        words = [_FIELD_WORDS[name] for name in changes if name in _FIELD_WORDS]
        if new_links:
            words.append("tags")
        if changes:
            candidate.updated_at = context.now
            changed.append(candidate)
        links.extend(new_links)
        if words:
            summary = f"Updated from {context.file_words}: {', '.join(words)}"
            notes.append(_note(context, candidate.pk, summary))
    writing.update(changed, ["email", "phone", "phone_digits", "headline", "updated_at"])
    writing.insert(Link, LINK_FIELDS, links)
    writing.insert(Activity, NOTE_FIELDS, notes)
    touched = {note[1] for note in notes} | {pk for _, pk in joining}
    return len(touched), len(rows) - len(touched), joining


_FIELD_WORDS = {"email": "email", "phone": "phone", "headline": "title"}


def _as_values(candidate: Candidate) -> dict:
    return {
        "email": candidate.email,
        "phone": candidate.phone,
        "phone_digits": candidate.phone_digits,
        "headline": candidate.headline,
    }


def _add_to_pipelines(pairs: list[tuple], titles: dict[int, str], context: _Context) -> None:
    """An active application at "sourced", with the history row and the timeline entry that
    application_create writes. Nobody at "sourced" hears from a cadence: no follow-ups."""
    sourced, active = Application.Stage.SOURCED.value, Application.Outcome.ACTIVE.value
    joining = [
        (candidate_id, row.values["requisition"])
        for row, candidate_id in pairs
        if row.values.get("requisition")
    ]
    now = context.now
    ids = writing.insert(
        Application,
        (
            "candidate_id",
            "requisition_id",
            "stage",
            "outcome",
            "close_reason",
            "stage_changed_at",
            "created_at",
        ),
        [
            (candidate_id, requisition, sourced, active, "", now, now)
            for candidate_id, requisition in joining
        ],
        ids=True,
    )
    writing.insert(
        ApplicationStageChange,
        (
            "application_id",
            "from_stage",
            "to_stage",
            "outcome",
            "changed_by_id",
            "changed_at",
            "note",
        ),
        [(pk, "", sourced, active, context.by.pk, now, "") for pk in ids],
    )
    label = Application.Stage.SOURCED.label
    writing.insert(
        Activity,
        NOTE_FIELDS,
        [
            (
                Activity.Kind.STAGE_CHANGE.value,
                candidate_id,
                None,
                requisition,
                pk,
                context.by.pk,
                now,
                f"Added to {titles[requisition]} as {label}"[:300],
                "",
            )
            for pk, (candidate_id, requisition) in zip(ids, joining, strict=True)
        ],
    )
