"""Thin Celery wrappers: beat ticks `deliver_due_followups`; it hands rows to `send_followups`.

Tasks carry ids, never due dates: nothing here is scheduled with an ETA or countdown, so a lost
broker loses no schedule and a redelivered message finds its rows already handled.
"""

from __future__ import annotations

import logging
import time
from collections import Counter

from celery import shared_task
from django.conf import settings
from django.db import transaction

from followups.queue.services import book_health_count
from followups.services import (
    followups_claim_due,
    followups_deliver_claimed,
    followups_schedule_recurring,
)

logger = logging.getLogger(__name__)

# One tick claims for at most this long, then leaves the rest to the next tick, so overlapping
# ticks never pile up behind a huge backlog.
TICK_BUDGET_SECONDS = 45


@shared_task(ignore_result=True)
def deliver_due_followups() -> int:
    deadline = time.monotonic() + TICK_BUDGET_SECONDS
    handed_over = 0
    while time.monotonic() < deadline:
        handed_over_now = deliver_one_batch()
        handed_over += handed_over_now
        if handed_over_now < settings.FOLLOWUP_BATCH_SIZE:
            break
    return handed_over


def deliver_one_batch() -> int:
    """Claim one batch and, once the claim is committed, queue its sends."""
    with transaction.atomic():
        claims = followups_claim_due(batch_size=settings.FOLLOWUP_BATCH_SIZE)
        transaction.on_commit(lambda: _hand_over(claims))
    return len(claims)


def _hand_over(claims) -> None:
    # Small batches: one task per message costs more than the message; one task per claim
    # would leave other workers idle.
    size = settings.FOLLOWUP_SEND_BATCH_SIZE
    for start in range(0, len(claims), size):
        batch = claims[start : start + size]
        try:
            send_followups.delay([claim.followup_id for claim in batch], batch[0].token)
        except Exception:
            # The broker is down. The rows stay claimed until their lease ends and are then
            # claimed again: the database, not the broker, keeps the schedule.
            logger.exception("could not queue %s follow-ups; they will be reclaimed", len(batch))
            return


@shared_task(ignore_result=True, acks_late=True)
def send_followups(followup_ids: list[int], token: str) -> dict[str, int]:
    outcomes = followups_deliver_claimed(followup_ids=followup_ids, token=token)
    return dict(Counter(outcomes.values()))


@shared_task(ignore_result=True)
def schedule_recurring_followups() -> int:
    return followups_schedule_recurring()


@shared_task(ignore_result=True)
def count_book_health() -> int:
    """Beat, every few minutes: each recruiter's reach, for "Today" and the team view."""
    return book_health_count()
