"""What an outbox row shows, read as plain values (followups.selectors.outbox_page).

A page of the outbox is 50 rows of a table of 700,000. Read as model instances with their
template, candidate, hiring leader and recruiter, a row cost five instances, a second query for
its cadence step and a few calls per cell in the template (get_state_display, person, name):
more CPU than the database spent. Here a row is the columns it shows (one query with its four
joins), its labels worked out once; what the rows are about (their cadence, and for a failed or
cancelled email what deciding its Retry reads) comes in a second query, also as values, and
the retry check runs on those values (followups.services.outbox.retry_refusal).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from followups.models import Audience, CadenceStep, Channel, FollowUp
from followups.services.outbox import Addressee, RetryFacts

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


def rows_from_values(found: list[dict], *, about: dict[int, tuple]) -> list[OutboxRow]:
    """The rows, with their cadence step's label from what they are about
    (followups.selectors._rows_about: offset_days and the cadence's name first)."""
    rows = []
    for values in found:
        facts = about.get(values["id"])
        cadence = f"{facts[1]} · day {facts[0]}" if facts and facts[1] is not None else ""
        rows.append(row_from_values(values, cadence))
    return rows


def retry_facts(values: dict, about: tuple) -> RetryFacts:
    """What deciding a retry reads, from a row's columns and what it is about."""
    person = None
    audience = values["audience"]
    if audience == Audience.HIRING_LEADER:
        prefix = "hiring_leader__" if values["hiring_leader_id"] else None
    elif audience in (Audience.CANDIDATE, Audience.NEW_HIRE):
        prefix = "candidate__" if values["candidate_id"] else None
    else:
        prefix = None
    if prefix:
        person = Addressee(
            _name(values[prefix + "first_name"], values[prefix + "last_name"]),
            values[prefix + "email"],
            values[prefix + "opted_out_at"],
        )
    _offset, _cadence, trigger, requisition, outcome, fell_through, commitment = about
    return RetryFacts(
        channel=values["channel"],
        state=values["state"],
        person=person,
        trigger=trigger,
        requisition_status=requisition,
        application_outcome=outcome,
        placement_fell_through=bool(fell_through),
        commitment_status=commitment,
    )


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
