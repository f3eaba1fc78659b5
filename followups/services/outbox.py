"""The outbox's buttons: send a follow-up again, or cancel it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from followups.models import (
    Channel,
    FollowUp,
)
from recruitcrm.models import User

State = FollowUp.State


@transaction.atomic
def followup_retry(*, followup: FollowUp, by: User) -> FollowUp:
    """Send a failed or cancelled email again, now, with a fresh set of attempts."""
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if followup.channel != Channel.EMAIL or followup.state not in (State.FAILED, State.CANCELLED):
        raise ValidationError("Only failed or cancelled emails can be retried.")
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
