"""The outbox's buttons: send a follow-up again, or cancel it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from candidates.models import Application
from followups.models import Channel, FollowUp, Trigger
from followups.services.recipients import email_block
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


def followup_retry_refusal(*, followup: FollowUp, suppressed: set[str] | None = None) -> str:
    """Why this email must not be sent again now, in a few words ("the role is now filled"), or
    '' if it may.

    A cancelled email was usually cancelled because what it says stopped being true: the role
    was filled, the hire fell through, the person opted out. Sending it anyway would tell
    someone something false, so the reason is checked again against how things stand now.
    """
    if followup.channel != Channel.EMAIL or followup.state not in (State.FAILED, State.CANCELLED):
        return "only failed or cancelled emails can be retried"
    person = followup.person
    blocked = email_block(person, suppressed)
    if blocked:
        return f"{person.name} {blocked}"
    return _no_longer_true(followup)


def _no_longer_true(followup: FollowUp) -> str:
    trigger = followup.cadence_step.cadence.trigger if followup.cadence_step else None
    requisition, application = followup.requisition, followup.application
    placement, commitment = followup.placement, followup.commitment
    if placement is not None and placement.fell_through_at is not None:
        return "the placement fell through"
    if commitment is not None and commitment.status == commitment.Status.KEPT:
        return "the promise it is about was kept"
    if requisition is not None:
        status = requisition.get_status_display().lower()
        said = _STATUS_SAID.get(trigger)
        if said is not None and requisition.status != said:
            return f"the role is now {status}"
        if trigger not in _ABOUT_AN_ENDING and not requisition.is_active:
            return f"the role is now {status}"
    if application is not None:
        closed = application.outcome != Application.Outcome.ACTIVE
        if trigger == Trigger.APPLICATION_CLOSED and not closed:
            return "the application was reopened"
        if trigger not in _ABOUT_AN_ENDING and closed:
            return f"the application was {application.get_outcome_display().lower()}"
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
