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
from django.utils import timezone

from followups.queue.services import book_health_count
from followups.services import (
    followups_claim_due,
    followups_deliver_claimed,
    followups_due_ids,
    followups_on_stage_changes,
    followups_schedule_recurring,
)

logger = logging.getLogger(__name__)


def _tick_budget() -> float:
    """One tick claims for at most three quarters of the time to the next one (45 s of a
    minute), then leaves the rest to it, so ticks never overlap and pile up."""
    return 0.75 * settings.FOLLOWUP_DISPATCH_EVERY_SECONDS


# While every row allowed out is out, the tick waits this long for workers to free some room.
ROOM_WAIT_SECONDS = 0.2


@shared_task(ignore_result=True)
def deliver_due_followups() -> int:
    """Beat's tick (on a queue of its own, see settings.FOLLOWUP_DISPATCH_QUEUE): claim and
    hand over while rows are due, for most of the time to the next tick, so a backlog drains
    at the workers' pace rather than FOLLOWUP_MAX_IN_FLIGHT a tick."""
    deadline = time.monotonic() + _tick_budget()
    handed_over = 0
    while time.monotonic() < deadline:
        handed_over_now = deliver_one_batch()
        handed_over += handed_over_now
        if handed_over_now == settings.FOLLOWUP_BATCH_SIZE:
            continue
        if not _due_waiting():
            break
        time.sleep(ROOM_WAIT_SECONDS)
    return handed_over


def _due_waiting() -> bool:
    # The lookup skips rows others hold (FOR UPDATE SKIP LOCKED), which needs a transaction.
    with transaction.atomic():
        return bool(followups_due_ids(now=timezone.now(), limit=1))


def deliver_one_batch() -> int:
    """Claim one batch and, once the claim is committed, queue its sends."""
    with transaction.atomic():
        claims = followups_claim_due(batch_size=settings.FOLLOWUP_BATCH_SIZE)
        transaction.on_commit(lambda: _hand_over(claims))
    return len(claims)


def _hand_over(claims) -> None:
    """Fresh rows go in small batches (one task per message costs more than the message; one
    task per claim would leave other workers idle). A row whose last attempt timed out goes in a
    task of its own: a recipient whose server never answers costs one thread one timeout, and
    the mail behind it is in other tasks."""
    size = settings.FOLLOWUP_SEND_BATCH_SIZE
    fresh = [claim for claim in claims if not claim.retry]
    batches = [fresh[start : start + size] for start in range(0, len(fresh), size)]
    batches += [[claim] for claim in claims if claim.retry]
    for batch in batches:
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


@shared_task(ignore_result=True, acks_late=True)
def follow_imported_pipelines(stage_change_ids: list[int]) -> None:
    followups_on_stage_changes(stage_change_ids=stage_change_ids)


@shared_task(ignore_result=True)
def schedule_recurring_followups() -> int:
    return followups_schedule_recurring()


@shared_task(ignore_result=True)
def count_book_health() -> int:
    """Beat, every few minutes: each recruiter's reach, for "Today" and the team view."""
    return book_health_count()


@shared_task(ignore_result=True, acks_late=True)
def send_panel_emails(email_ids: list[int]) -> int:
    """The kit or a scorecard reminder, queued after the transaction that wrote the rows."""
    from followups.panel_mail import panel_emails_send

    return panel_emails_send(ids=email_ids)


@shared_task(ignore_result=True)
def remind_missing_scorecards() -> int:
    """Beat: remind interviewers whose scorecard is a day late (once each), then send any panel
    email a lost broker left unsent."""
    from followups.panel_mail import panel_emails_send, scorecards_remind_missing

    reminded = scorecards_remind_missing()
    panel_emails_send()
    return reminded
