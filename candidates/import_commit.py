"""Writing a confirmed import: one transaction (the caller's), chunk after chunk, set-wise.

Only `candidates.imports.candidate_import_commit` calls `write_import`. Each chunk re-checks
what may have changed since the preview (people added, requisitions closed, matches deleted)
and raises ImportFailed with words for the recruiter; then it writes what the services would
have written for each row: the candidate, their tags and the "Imported from …" entry; the
update and its entry for a chosen match; the application at "sourced", its history row and its
timeline entry for a requisition column.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from candidates import import_writing as writing
from candidates.import_reading import email_key, name_phone_key, update_changes
from candidates.import_selectors import people_on_file
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

CHUNK_ROWS = 5_000


class ImportFailed(Exception):
    """Writing a confirmed import stopped; the transaction rolled back. The message says why."""


def write_import(candidate_import: CandidateImport, *, by: User, progress) -> list[int]:
    """Write it; the first history rows of the pipelines it started, for their follow-ups."""
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
    return context.stage_change_ids


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
        self.stage_change_ids: list[int] = []
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
    # An import's timeline entries are the recruiters' own, never shown to a leader.
    "shared_with_leader",
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
        False,
    )


def _create_candidates(rows: list, context: _Context) -> list[tuple]:
    """New candidates, their tags and their "Imported from …" entry. Returns (row, id, (last
    name, first name)) triples."""
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
    return [
        (row, pk, (row.values["last_name"], row.values["first_name"]))
        for row, pk in zip(rows, ids, strict=True)
    ]


def _update_candidates(rows: list, context: _Context) -> tuple[int, int, list[tuple]]:
    """Fill in what the file adds for the matches chosen for update. Returns how many changed,
    how many had nothing new, and the (row, candidate id, (last name, first name)) triples
    joining a requisition."""
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
    # In the role already, or closed for it: a closed application is reopened on the
    # candidate's page, never joined by a second one (application_create refuses it too).
    in_pipeline = set(
        Application.objects.filter(candidate_id__in=ids).values_list(
            "candidate_id", "requisition_id"
        )
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
            joining.append((row, candidate.pk, (candidate.last_name, candidate.first_name)))
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
    touched = {note[1] for note in notes} | {pk for _, pk, _ in joining}
    return len(touched), len(rows) - len(touched), joining


_FIELD_WORDS = {"email": "email", "phone": "phone", "headline": "title"}


def _as_values(candidate: Candidate) -> dict:
    return {
        "email": candidate.email,
        "phone": candidate.phone,
        "phone_digits": candidate.phone_digits,
        "headline": candidate.headline,
    }


def _add_to_pipelines(entering: list[tuple], titles: dict[int, str], context: _Context) -> None:
    """An active application at "sourced", with the history row and the timeline entry that
    application_create writes; its follow-ups come after the commit (write_import's caller)."""
    sourced, active = Application.Stage.SOURCED.value, Application.Outcome.ACTIVE.value
    joining = [
        (candidate_id, row.values["requisition"], name)
        for row, candidate_id, name in entering
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
            "candidate_last_name",
            "candidate_first_name",
        ),
        [
            (candidate_id, requisition, sourced, active, "", now, now, *name)
            for candidate_id, requisition, name in joining
        ],
        ids=True,
    )
    context.stage_change_ids += writing.insert(
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
        ids=True,
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
                False,
            )
            for pk, (candidate_id, requisition, _) in zip(ids, joining, strict=True)
        ],
    )
