"""What an outbox row shows, read as plain values (followups.selectors.outbox_page).

A page of the outbox is 50 rows of a table of 700,000. Read as model instances with their
template, candidate, hiring leader and recruiter, a row cost five instances, a second query for
its cadence step and a few calls per cell in the template (get_state_display, person, name):
more CPU than the database spent. Here a row is the columns it shows (one query with its four
joins), its labels worked out once, and only the rows that may offer Retry (failed or cancelled
emails) load what deciding it reads.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from candidates.models import Candidate
from followups.models import Audience, CadenceStep, Channel, FollowUp
from hiring_leaders.models import HiringLeader

STATE_LABELS = dict(FollowUp.State.choices)
AUDIENCE_LABELS = dict(Audience.choices)

# The columns a row shows, read with values(): the follow-up's own and its four joins'.
COLUMNS = (
    "id",
    "due_at",
    "sent_at",
    "state",
    "channel",
    "audience",
    "task_title",
    "last_error",
    "note",
    "attempts",
    "cadence_step_id",
    "template__name",
    "candidate_id",
    "candidate__first_name",
    "candidate__last_name",
    "candidate__email",
    "candidate__opted_out_at",
    "hiring_leader_id",
    "hiring_leader__first_name",
    "hiring_leader__last_name",
    "hiring_leader__email",
    "hiring_leader__opted_out_at",
    "recruiter__first_name",
    "recruiter__last_name",
    "recruiter__username",
)


@dataclass(frozen=True)
class Person:
    """Who an email goes to, as the row shows them."""

    name: str
    email: str


@dataclass
class OutboxRow:
    pk: int
    due_at: datetime.datetime
    sent_at: datetime.datetime | None
    state: str
    state_label: str
    channel: str
    audience_label: str
    person: Person | None  # an email's recipient; None for a recruiter's task
    recruiter_name: str
    about_name: str  # the candidate a task is about, or ''
    what: str  # the task's title or the template's name
    cadence: str  # "Onboarding · day 30" for a row a cadence scheduled, else ''
    last_error: str
    note: str
    attempts: int
    retryable: bool = False
    retry_refusal: str = ""


def is_retryable(channel: str, state: str) -> bool:
    """A failed or cancelled email: the row offers Retry, or says why it may not."""
    return channel == Channel.EMAIL and state in (FollowUp.State.FAILED, FollowUp.State.CANCELLED)


def _name(first: str | None, last: str | None) -> str:
    return f"{first or ''} {last or ''}".strip()


def _cadence_label(step: CadenceStep | None) -> str:
    return f"{step.cadence.name} · day {step.offset_days}" if step else ""


def row_from_values(values: dict, cadence: str) -> OutboxRow:
    audience = values["audience"]
    person = None
    if values["channel"] == Channel.EMAIL:
        if audience == Audience.HIRING_LEADER and values["hiring_leader_id"]:
            prefix = "hiring_leader__"
        elif audience in (Audience.CANDIDATE, Audience.NEW_HIRE) and values["candidate_id"]:
            prefix = "candidate__"
        else:
            prefix = None
        if prefix:
            person = Person(
                _name(values[prefix + "first_name"], values[prefix + "last_name"]),
                values[prefix + "email"],
            )
    recruiter = _name(values["recruiter__first_name"], values["recruiter__last_name"])
    return OutboxRow(
        pk=values["id"],
        due_at=values["due_at"],
        sent_at=values["sent_at"],
        state=values["state"],
        state_label=STATE_LABELS.get(values["state"], values["state"]),
        channel=values["channel"],
        audience_label=AUDIENCE_LABELS.get(audience, audience),
        person=person,
        recruiter_name=recruiter or values["recruiter__username"],  # as User.__str__
        about_name=_name(values["candidate__first_name"], values["candidate__last_name"])
        if values["candidate_id"]
        else "",
        what=values["task_title"] or values["template__name"] or "",
        cadence=cadence,
        last_error=values["last_error"],
        note=values["note"],
        attempts=values["attempts"],
        retryable=is_retryable(values["channel"], state=values["state"]),
    )


def rows_from_values(
    found: list[dict], *, loaded: dict[int, FollowUp] | None = None
) -> list[OutboxRow]:
    """The rows, with their cadence step's label: from `loaded` (follow-ups read whole for the
    retry check, with their step) where it has the row, else read in one query of a small
    table."""
    loaded = loaded or {}
    missing = {v["cadence_step_id"] for v in found if v["id"] not in loaded} - {None}
    steps = (
        CadenceStep.objects.select_related("cadence")
        .only("offset_days", "cadence__name")
        .in_bulk(missing)
        if missing
        else {}
    )
    rows = []
    for values in found:
        if values["id"] in loaded:
            step = loaded[values["id"]].cadence_step
        else:
            step = steps.get(values["cadence_step_id"])
        rows.append(row_from_values(values, _cadence_label(step)))
    return rows


def row_of(followup: FollowUp) -> OutboxRow:
    """One row from a follow-up loaded whole (the row swapped back after an action)."""
    person = followup.person if followup.channel == Channel.EMAIL else None
    retryable = getattr(followup, "retryable", False)
    return OutboxRow(
        pk=followup.pk,
        due_at=followup.due_at,
        sent_at=followup.sent_at,
        state=followup.state,
        state_label=followup.get_state_display(),
        channel=followup.channel,
        audience_label=followup.get_audience_display(),
        person=Person(person.name, person.email) if person else None,
        recruiter_name=followup.recruiter.name,
        about_name=followup.candidate.name if followup.candidate_id else "",
        what=followup.task_title or (followup.template.name if followup.template else ""),
        cadence=_cadence_label(followup.cadence_step),
        last_error=followup.last_error,
        note=followup.note,
        attempts=followup.attempts,
        retryable=retryable,
        retry_refusal=getattr(followup, "retry_refusal", "") if retryable else "",
    )


def people_of(found: Iterable[dict]) -> dict[int, tuple[Candidate | None, HiringLeader | None]]:
    """The recipients of the given rows as the retry check reads them (name, email, opt-out),
    built from the row's own columns rather than loaded again."""
    people = {}
    for values in found:
        candidate = leader = None
        if values["candidate_id"]:
            candidate = Candidate(
                id=values["candidate_id"],
                first_name=values["candidate__first_name"],
                last_name=values["candidate__last_name"],
                email=values["candidate__email"],
                opted_out_at=values["candidate__opted_out_at"],
            )
        if values["hiring_leader_id"]:
            leader = HiringLeader(
                id=values["hiring_leader_id"],
                first_name=values["hiring_leader__first_name"],
                last_name=values["hiring_leader__last_name"],
                email=values["hiring_leader__email"],
                opted_out_at=values["hiring_leader__opted_out_at"],
            )
        people[values["id"]] = (candidate, leader)
    return people
