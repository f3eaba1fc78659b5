"""The outbox's buttons: send a follow-up again, or cancel it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from candidates.models import Application, Commitment
from followups.models import Channel, FollowUp, Trigger
from followups.services.recipients import email_block
from followups.services.triggers import MOVE_UNDONE, OVERTAKEN
from hiring_leaders.models import Requisition
from recruitcrm.models import User

State = FollowUp.State

# The status a requisition must still have for a message about it to be true.
_STATUS_SAID = {
    Trigger.REQUISITION_ON_HOLD: Requisition.Status.ON_HOLD,
    Trigger.REQUISITION_REOPENED: Requisition.Status.OPEN,
    Trigger.REQUISITION_OPEN_WEEKLY: Requisition.Status.OPEN,
    Trigger.REQUISITION_FILLED: Requisition.Status.FILLED,
    Trigger.REQUISITION_CANCELLED: Requisition.Status.CANCELLED,
}
# Messages that are about a closed role or a closed application by design.
_ABOUT_AN_ENDING = {
    Trigger.REQUISITION_FILLED,
    Trigger.REQUISITION_CANCELLED,
    Trigger.APPLICATION_CLOSED,
    Trigger.PLACEMENT_STARTED,
}


# What deciding whether a follow-up may be sent again reads (lock the row alone: FOR UPDATE
# cannot reach the nullable side of these joins).
_WHAT_A_RETRY_CHECKS = (
    "candidate",
    "hiring_leader",
    "cadence_step__cadence",
    "requisition",
    "application",
    "placement",
    "commitment",
)


@dataclass(frozen=True)
class Addressee:
    """Who a follow-up's email goes to, as the retry check reads them."""

    name: str
    email: str
    opted_out_at: datetime.datetime | None


@dataclass(frozen=True)
class RetryFacts:
    """Everything deciding whether an email may be sent again reads, as plain values: the
    outbox decides it for a page of failed emails from one row of columns each, the retry
    service from the follow-up it has locked (RetryFacts.of)."""

    channel: str
    state: str
    person: Addressee | None
    trigger: str | None = None  # the cadence's, for a follow-up a cadence scheduled
    requisition_status: str | None = None  # None: not about a requisition
    application_outcome: str | None = None  # None: not about an application
    placement_fell_through: bool = False
    commitment_status: str | None = None
    note: str = ""  # why it was cancelled, for a cancelled one

    @classmethod
    def of(cls, followup: FollowUp) -> RetryFacts:
        person = followup.person
        step = followup.cadence_step
        requisition, application = followup.requisition, followup.application
        placement, commitment = followup.placement, followup.commitment
        return cls(
            channel=followup.channel,
            state=followup.state,
            person=Addressee(person.name, person.email, person.opted_out_at) if person else None,
            trigger=step.cadence.trigger if step else None,
            requisition_status=requisition.status if requisition is not None else None,
            application_outcome=application.outcome if application is not None else None,
            placement_fell_through=placement is not None and placement.fell_through_at is not None,
            commitment_status=commitment.status if commitment is not None else None,
            note=followup.note,
        )


_REQUISITION_STATUS = dict(Requisition.Status.choices)
_OUTCOME = dict(Application.Outcome.choices)
_ACTIVE_STATUSES = (Requisition.Status.OPEN, Requisition.Status.ON_HOLD)  # Requisition.is_active


def followup_retry_refusal(*, followup: FollowUp, suppressed: set[str] | None = None) -> str:
    """Why this email must not be sent again now, in a few words ("the role is now filled"), or
    '' if it may (retry_refusal, for a follow-up loaded with what it is about)."""
    return retry_refusal(RetryFacts.of(followup), suppressed=suppressed)


def retry_refusal(facts: RetryFacts, *, suppressed: set[str] | None = None) -> str:
    """Why an email with these facts must not be sent again now, or '' if it may.

    A cancelled email was usually cancelled because what it says stopped being true: the role
    was filled, the hire fell through, the person opted out. Sending it anyway would tell
    someone something false, so the reason is checked again against how things stand now.
    """
    if facts.channel != Channel.EMAIL or facts.state not in (State.FAILED, State.CANCELLED):
        return "only failed or cancelled emails can be retried"
    person = facts.person
    blocked = email_block(person, suppressed)
    if blocked:
        return f"{person.name} {blocked}"
    return _no_longer_true(facts)


# News a move set off, or news a later move overtook: the candidate is not where it says.
_NEWS_TAKEN_BACK = {
    MOVE_UNDONE: "the move it tells of was undone",
    OVERTAKEN: "a later change in the pipeline overtook it",
}


def _no_longer_true(facts: RetryFacts) -> str:
    if facts.state == State.CANCELLED and facts.note in _NEWS_TAKEN_BACK:
        return _NEWS_TAKEN_BACK[facts.note]
    trigger = facts.trigger
    if facts.placement_fell_through:
        return "the placement fell through"
    if facts.commitment_status == Commitment.Status.KEPT:
        return "the promise it is about was kept"
    if facts.requisition_status is not None:
        status = _REQUISITION_STATUS.get(facts.requisition_status, facts.requisition_status).lower()
        said = _STATUS_SAID.get(trigger)
        if said is not None and facts.requisition_status != said:
            return f"the role is now {status}"
        if trigger not in _ABOUT_AN_ENDING and facts.requisition_status not in _ACTIVE_STATUSES:
            return f"the role is now {status}"
    if facts.application_outcome is not None:
        closed = facts.application_outcome != Application.Outcome.ACTIVE
        if trigger == Trigger.APPLICATION_CLOSED and not closed:
            return "the application was reopened"
        if trigger not in _ABOUT_AN_ENDING and closed:
            outcome = _OUTCOME.get(facts.application_outcome, facts.application_outcome)
            return f"the application was {outcome.lower()}"
    return ""


@transaction.atomic
def followup_retry(*, followup: FollowUp, by: User) -> FollowUp:
    """Send a failed or cancelled email again, now, with a fresh set of attempts."""
    FollowUp.objects.select_for_update().filter(pk=followup.pk).values_list("pk").get()
    followup = FollowUp.objects.select_related(*_WHAT_A_RETRY_CHECKS).get(pk=followup.pk)
    refusal = followup_retry_refusal(followup=followup)
    if refusal:
        raise ValidationError(f"Not retried: {refusal}.")
    followup.state = State.SCHEDULED
    followup.due_at = timezone.now()
    followup.attempts = 0
    followup.note = f"Retried by {by}"
    followup.save(update_fields=["state", "due_at", "attempts", "note", "updated_at"])
    return followup


@transaction.atomic
def followup_cancel(*, followup: FollowUp, by: User) -> FollowUp:
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if followup.state != State.SCHEDULED:
        raise ValidationError(
            f"This follow-up is {followup.get_state_display().lower()}; only scheduled ones "
            "can be cancelled."
        )
    followup.state = State.CANCELLED
    followup.note = f"Cancelled by {by}"
    followup.save(update_fields=["state", "note", "updated_at"])
    return followup
