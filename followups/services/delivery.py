"""Delivery: claim due rows, send each outside any transaction, record the outcome."""

from __future__ import annotations

import datetime
import logging
import re
import smtplib
import socket
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from candidates.models import Activity, Application, Candidate
from followups import outbound_mail, schedule
from followups.composing import followup_email
from followups.messages import (
    TemplateProblem,
)
from followups.models import Audience, Channel, FollowUp, SuppressedAddress
from followups.services.recipients import email_block, suppressed_among
from followups.services.recruiter_tasks import recruiter_task_create
from followups.services.recurring import cancel_quiet_nudges

logger = logging.getLogger(__name__)


State = FollowUp.State


@dataclass(frozen=True)
class Claim:
    followup_id: int
    token: str


def followups_claim_due(
    *, now: datetime.datetime | None = None, batch_size: int = 200
) -> list[Claim]:
    """Claim up to batch_size due email rows (and rows whose sending lease ran out).

    The rows move to `sending` with a lease and a fresh claim token in one conditional update,
    so two dispatchers never claim the same row; on PostgreSQL, SKIP LOCKED lets them work side
    by side instead of queueing behind each other's locks. No more than FOLLOWUP_MAX_IN_FLIGHT
    rows are out at once, so a backlog is leased as fast as workers send it, not all at once.
    """
    now = now or timezone.now()
    with transaction.atomic():
        in_flight = FollowUp.objects.filter(state=State.SENDING, lease_until__gte=now).count()
        room = min(batch_size, settings.FOLLOWUP_MAX_IN_FLIGHT - in_flight)
        if room <= 0:
            return []
        ids = _expired_leases(now, room)
        ids += followups_due_ids(now=now, limit=room - len(ids)) if len(ids) < room else []
        if not ids:
            return []
        token = uuid.uuid4()
        FollowUp.objects.filter(pk__in=ids).filter(
            Q(state=State.SCHEDULED) | Q(state=State.SENDING, lease_until__lt=now)
        ).update(
            state=State.SENDING,
            lease_until=now + datetime.timedelta(seconds=settings.FOLLOWUP_LEASE_SECONDS),
            claim_token=token,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
        claimed = FollowUp.objects.filter(pk__in=ids, claim_token=token).values_list(
            "pk", flat=True
        )
        return [Claim(followup_id=pk, token=str(token)) for pk in sorted(claimed)]


def _locking(queryset):
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True)
    return queryset


def followups_due_ids(*, now: datetime.datetime, limit: int) -> list[int]:
    """The dispatcher's lookup: due email rows, oldest first, skipping rows others hold."""
    rows = FollowUp.objects.filter(
        state=State.SCHEDULED, channel=Channel.EMAIL, due_at__lte=now
    ).order_by("due_at")[:limit]
    return list(_locking(rows).values_list("pk", flat=True))


def _expired_leases(now, limit) -> list[int]:
    rows = FollowUp.objects.filter(state=State.SENDING, lease_until__lt=now).order_by(
        "lease_until"
    )[:limit]
    return list(_locking(rows).values_list("pk", flat=True))


TRANSIENT_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    socket.timeout,
    TimeoutError,
    ConnectionError,
    OSError,
)


def _classify(error: Exception) -> str:
    """'permanent' for a refusal that retrying cannot fix (5xx, bad address), else 'transient'."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return "permanent" if codes and all(code >= 500 for code in codes) else "transient"
    if isinstance(error, smtplib.SMTPResponseException):
        return "permanent" if error.smtp_code >= 500 else "transient"
    if isinstance(error, TRANSIENT_ERRORS):
        return "transient"
    if isinstance(error, (ValueError, UnicodeError)):
        return "permanent"  # e.g. an address Python cannot even encode
    return "transient"


def _holding(followup_id: int, token: str) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(pk=followup_id, state=State.SENDING, claim_token=token)


def followup_deliver(*, followup_id: int, token: str) -> str:
    """Send one claimed follow-up. Returns what happened: sent, retry, failed, skipped, stale."""
    return followups_deliver_claimed(followup_ids=[followup_id], token=token)[followup_id]


def followups_deliver_claimed(*, followup_ids: list[int], token: str) -> dict[int, str]:
    """Send claimed follow-ups one after another, recording each as soon as it is sent.

    Runs outside any transaction: the SMTP conversation must not hold a database lock. If the
    worker dies after the server accepted a message but before `sent` is recorded, the lease
    runs out, the row is claimed again and sent again with the same Message-ID; the rest of the
    batch was either recorded already or never sent.
    """
    lease_until = timezone.now() + datetime.timedelta(seconds=settings.FOLLOWUP_LEASE_SECONDS)
    FollowUp.objects.filter(pk__in=followup_ids, state=State.SENDING, claim_token=token).update(
        lease_until=lease_until
    )
    # Only what every message needs is joined; the rest (requisition, placement …) is fetched
    # when a row has it. A ten-way join costs more to plan than the send itself.
    held = FollowUp.objects.filter(
        pk__in=followup_ids, state=State.SENDING, claim_token=token
    ).select_related(
        "template", "candidate", "hiring_leader", "recruiter", "cadence_step", "application"
    )
    held = list(held.order_by("due_at", "pk"))
    # One lookup for the batch; a permanent refusal during the batch adds to it.
    suppressed = suppressed_among(f.person.email for f in held)
    outcomes = dict.fromkeys(followup_ids, "stale")  # cancelled, or reclaimed after our lease
    for followup in held:
        outcomes[followup.pk] = _deliver_held(followup, token=token, suppressed=suppressed)
    return outcomes


def _deliver_held(followup: FollowUp, *, token: str, suppressed: set[str]) -> str:
    person = followup.person
    if _not_yet_in_touch(followup):
        return _finish_blocked(followup, token=token, reason=NOT_YET_IN_TOUCH, instead=False)
    blocked = email_block(person, suppressed)
    if blocked:
        return _finish_blocked(followup, token=token, reason=blocked)
    try:
        message = followup_email(followup)
    except TemplateProblem as problem:
        return _finish_failed(followup, token=token, error=str(problem), permanent_address=False)
    try:
        outbound_mail.send(message)
    except Exception as error:  # every failure, whatever its kind, is recorded on the row
        return _after_error(followup, token=token, error=error, suppressed=suppressed)
    return _finish_sent(followup, token=token, message=message)


NOT_YET_IN_TOUCH = "is at “sourced” for this role, where the first word is the recruiter's"


def _not_yet_in_touch(followup: FollowUp) -> bool:
    """A candidate moved back to "sourced" after this was scheduled has, as far as this role
    goes, never heard from us: no automatic email may be the first word."""
    application = followup.application
    return (
        followup.audience == Audience.CANDIDATE
        and application is not None
        and application.stage == Application.Stage.SOURCED
    )


def _finish_sent(followup: FollowUp, *, token: str, message) -> str:
    now = timezone.now()
    with transaction.atomic():
        if not _holding(followup.pk, token).update(
            state=State.SENT, sent_at=now, lease_until=None, last_error="", updated_at=now
        ):
            return "stale"
        person = followup.person
        Activity.objects.create(
            kind=Activity.Kind.MESSAGE,
            candidate=followup.candidate,
            hiring_leader=followup.hiring_leader,
            requisition=followup.requisition,
            application=followup.application,
            actor=None,
            occurred_at=now,
            summary=f"Sent “{message.subject}”",
            body=_without_personal_links(message.body),
        )
        type(person).objects.filter(pk=person.pk).contacted(now)
        if isinstance(person, Candidate):
            cancel_quiet_nudges(candidate=person, reason="Back in touch")
    return "sent"


_PERSONAL_LINK = re.compile(r"https?://\S+/(?:checkin|unsubscribe)/[^/\s]+/")


def _without_personal_links(text: str) -> str:
    """The timeline keeps what was said, not the signed links that act as the recipient: any
    colleague could otherwise answer their check-in or unsubscribe them."""
    return _PERSONAL_LINK.sub("[personal link]", text)


def _after_error(followup: FollowUp, *, token: str, error: Exception, suppressed: set[str]) -> str:
    described = f"{type(error).__name__}: {error}"[:2000]
    if _classify(error) == "permanent":
        suppressed.add(followup.person.email.lower())
        return _finish_failed(followup, token=token, error=described, permanent_address=True)
    if followup.attempts >= settings.FOLLOWUP_MAX_ATTEMPTS:
        return _finish_failed(followup, token=token, error=described, permanent_address=False)
    retry_at = timezone.now() + schedule.retry_delay(attempts=followup.attempts)
    retried = _holding(followup.pk, token).update(
        state=State.SCHEDULED,
        due_at=retry_at,
        lease_until=None,
        claim_token=None,
        last_error=described,
        updated_at=timezone.now(),
    )
    logger.warning(
        "follow-up %s: attempt %s failed, retry at %s: %s",
        followup.pk,
        followup.attempts,
        retry_at,
        described,
    )
    return "retry" if retried else "stale"


def _finish_failed(followup: FollowUp, *, token: str, error: str, permanent_address: bool) -> str:
    now = timezone.now()
    with transaction.atomic():
        if not _holding(followup.pk, token).update(
            state=State.FAILED, lease_until=None, last_error=error, updated_at=now
        ):
            return "stale"
        if permanent_address:
            SuppressedAddress.objects.get_or_create(
                email=followup.person.email.lower(), defaults={"reason": error[:1000]}
            )
        recruiter_task_create(
            recruiter=followup.recruiter,
            title=f"Email to {followup.person.name} failed: {error[:200]}",
            key=f"failed:{followup.pk}",
            candidate=followup.candidate,
            hiring_leader=followup.hiring_leader,
            requisition=followup.requisition,
            application=followup.application,
        )
    return "failed"


def _finish_blocked(followup: FollowUp, *, token: str, reason: str, instead: bool = True) -> str:
    """Skip the email; where the step says so (and `instead`), the recruiter gets a task to
    say it personally."""
    step = followup.cadence_step
    now = timezone.now()
    with transaction.atomic():
        if not _holding(followup.pk, token).update(
            state=State.SKIPPED,
            lease_until=None,
            note=f"Not sent: {followup.person.name} {reason}."[:300],
            updated_at=now,
        ):
            return "stale"
        if instead and step is not None and step.task_if_opted_out:
            recruiter_task_create(
                recruiter=followup.recruiter,
                title=f"{followup.person.name} {reason}: send “{followup.template}” yourself",
                key=f"instead:{followup.pk}",
                candidate=followup.candidate,
                hiring_leader=followup.hiring_leader,
                requisition=followup.requisition,
                application=followup.application,
                # What the email was for (a rejection, a hold) decides where the task shows.
                cadence_step=followup.cadence_step,
            )
    return "skipped"
