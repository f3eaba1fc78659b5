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


def followup_retry_refusal(*, followup: FollowUp) -> str:
    """Why this email must not be sent again now, or '' if it may.

    A cancelled email was usually cancelled because what it says stopped being true: the role
    was filled, the hire fell through, the person opted out. Sending it anyway would tell
    someone something false, so the reason is checked again against how things stand now.
    """
    if followup.channel != Channel.EMAIL or followup.state not in (State.FAILED, State.CANCELLED):
        return "Only failed or cancelled emails can be retried."
    person = followup.person
    blocked = email_block(person)
    if blocked:
        return f"{person.name} {blocked}, so it cannot be sent."
    return _no_longer_true(followup)


def _no_longer_true(followup: FollowUp) -> str:
    trigger = followup.cadence_step.cadence.trigger if followup.cadence_step else None
    requisition, application = followup.requisition, followup.application
    placement, commitment = followup.placement, followup.commitment
    if placement is not None and placement.fell_through_at is not None:
        return "The placement fell through, so this message is no longer true."
    if commitment is not None and commitment.status == commitment.Status.KEPT:
        return "The promise it is about was kept already."
    if requisition is not None:
        said = _STATUS_SAID.get(trigger)
        if said is not None and requisition.status != said:
            return (
                f"{requisition.title} is now {requisition.get_status_display().lower()}, "
                "so this message is no longer true."
            )
        if trigger not in _ABOUT_AN_ENDING and not requisition.is_active:
            return (
                f"{requisition.title} was {requisition.get_status_display().lower()}, "
                "so this message is no longer true."
            )
    if application is not None:
        closed = application.outcome != Application.Outcome.ACTIVE
        if trigger == Trigger.APPLICATION_CLOSED and not closed:
            return "The application was reopened, so this message is no longer true."
        if trigger not in _ABOUT_AN_ENDING and closed:
            return (
                f"The application was {application.get_outcome_display().lower()}, "
                "so this message is no longer true."
            )
    return ""


@transaction.atomic
def followup_retry(*, followup: FollowUp, by: User) -> FollowUp:
    """Send a failed or cancelled email again, now, with a fresh set of attempts."""
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    refusal = followup_retry_refusal(followup=followup)
    if refusal:
        raise ValidationError(refusal)
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
