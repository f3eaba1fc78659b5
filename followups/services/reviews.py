"""The recruiter's reading of a flagged check-in: what the concern is about (onboarding, role
mismatch, manager, pay, other). Tagging it is the review: it closes the flag in Today, and the
themes add up on the post-hire analytics page, where a pattern across hires shows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from followups.models import Channel, CheckInResponse, ConcernTheme, FollowUp
from recruitcrm.models import User

State = FollowUp.State


def flag_key(response: CheckInResponse) -> str:
    """The key of the queue task a flagged answer raised (services.answers._flag_checkin)."""
    return f"checkin-flag:{response.followup_id}"


@dataclass(frozen=True)
class ReviewBefore:
    """What a review replaced, so Undo can put it back exactly."""

    theme: str
    reviewed_at: str  # ISO 8601, or "" when it had not been reviewed
    reviewed_by: int | None
    flag_was_open: bool


def _lock_own(response: CheckInResponse, by: User) -> CheckInResponse:
    response = (
        CheckInResponse.objects.select_for_update(of=("self",))
        .select_related("followup")
        .get(pk=response.pk)
    )
    if response.followup.recruiter_id != by.pk:
        raise ValidationError("This check-in is not one of yours.")
    return response


@transaction.atomic
def checkin_review(*, response: CheckInResponse, theme: str, by: User) -> ReviewBefore:
    """Tag a check-in answer's concern theme and close its flag in the recruiter's queue.
    Tagging again changes the theme. Returns what it replaced, for Undo."""
    if theme not in ConcernTheme.values:
        raise ValidationError("Choose what the concern is about.")
    response = _lock_own(response, by)
    before = ReviewBefore(
        theme=response.concern_theme,
        reviewed_at=response.reviewed_at.isoformat() if response.reviewed_at else "",
        reviewed_by=response.reviewed_by_id,
        flag_was_open=False,
    )
    response.concern_theme = theme
    response.reviewed_at = timezone.now()
    response.reviewed_by = by
    response.save(update_fields=["concern_theme", "reviewed_at", "reviewed_by", "updated_at"])
    closed = FollowUp.objects.filter(
        key=flag_key(response), channel=Channel.TASK, state=State.SCHEDULED
    ).update(
        state=State.DONE,
        note=f"Reviewed by {by}: {ConcernTheme(theme).label}",
        updated_at=timezone.now(),
    )
    return ReviewBefore(before.theme, before.reviewed_at, before.reviewed_by, bool(closed))


@transaction.atomic
def checkin_review_restore(*, response: CheckInResponse, before: ReviewBefore, by: User) -> None:
    """Put a review back as it was (Undo): the earlier theme, or none, and the flag reopened
    if the review closed it."""
    response = _lock_own(response, by)
    response.concern_theme = before.theme
    response.reviewed_at = (
        datetime.datetime.fromisoformat(before.reviewed_at) if before.reviewed_at else None
    )
    response.reviewed_by_id = before.reviewed_by
    response.save(update_fields=["concern_theme", "reviewed_at", "reviewed_by", "updated_at"])
    if before.flag_was_open:
        FollowUp.objects.filter(
            key=flag_key(response), channel=Channel.TASK, state=State.DONE
        ).update(state=State.SCHEDULED, note="", updated_at=timezone.now())
