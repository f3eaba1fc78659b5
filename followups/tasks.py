"""Thin Celery wrappers: beat ticks `deliver_due_followups`; it hands rows to `send_followup`.

Tasks carry ids, never due dates: nothing here is scheduled with an ETA or countdown, so a lost
broker loses no schedule and a redelivered message finds its row already handled.
"""

from __future__ import annotations

import logging
import time

from celery import shared_task
from django.conf import settings
from django.db import transaction

from followups.services import followup_deliver, followups_claim_due, followups_schedule_recurring

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
    """Claim one batch and, once the claim is committed, queue a send for each row."""
    with transaction.atomic():
        claims = followups_claim_due(batch_size=settings.FOLLOWUP_BATCH_SIZE)
        transaction.on_commit(lambda: _hand_over(claims))
    return len(claims)


def _hand_over(claims) -> None:
    for claim in claims:
        try:
            send_followup.delay(claim.followup_id, claim.token)
        except Exception:
            # The broker is down. The row stays claimed until its lease ends and is then
            # claimed again: the database, not the broker, keeps the schedule.
            logger.exception(
                "could not queue follow-up %s; it will be reclaimed", claim.followup_id
            )
            return


@shared_task(ignore_result=True, acks_late=True)
def send_followup(followup_id: int, token: str) -> str:
    return followup_deliver(followup_id=followup_id, token=token)


@shared_task(ignore_result=True)
def schedule_recurring_followups() -> int:
    return followups_schedule_recurring()
