"""Delivery: claim due rows, send each outside any transaction, record the outcome."""

from __future__ import annotations

import datetime
import logging
import re
import smtplib
import socket
import time
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from candidates.models import Activity, Application, Candidate
from followups import outbound_mail, schedule
from followups.composing import followup_outgoing
from followups.messages import TemplateProblem
from followups.models import Audience, Channel, FollowUp, SuppressedAddress, Trigger
from followups.services.recipients import email_block, suppressed_among
from followups.services.recruiter_tasks import recruiter_task_create
from followups.services.rows import cancel_scheduled
from hiring_leaders.models import HiringLeader

logger = logging.getLogger(__name__)


State = FollowUp.State


@dataclass(frozen=True)
class Claim:
    followup_id: int
    token: str
    # A row whose last attempt timed out is sent apart from other mail, so a server that never
    # answers holds up nothing but its own retries.
    retry: bool = False


# How the last error of a timed-out attempt starts (see _after_error).
TIMED_OUT = "TimeoutError:"


def _timed_out() -> Q:
    return Q(last_error__startswith=TIMED_OUT)


def followups_claim_due(
    *, now: datetime.datetime | None = None, batch_size: int = 200
) -> list[Claim]:
    """Claim up to batch_size due email rows (and rows whose sending lease ran out).

    The rows move to `sending` with a lease and a fresh claim token in one conditional update,
    so two dispatchers never claim the same row; on PostgreSQL, SKIP LOCKED lets them work side
    by side instead of queueing behind each other's locks. No more than FOLLOWUP_MAX_IN_FLIGHT
    rows are out at once, so a backlog is leased as fast as workers send it, not all at once.
    A claim is not an attempt: `attempts` counts messages handed to SMTP (see _hand_over_gate).
    """
    now = now or timezone.now()
    with transaction.atomic():
        out = FollowUp.objects.filter(state=State.SENDING, lease_until__gte=now).aggregate(
            all=Count("pk"), retries=Count("pk", filter=_timed_out())
        )
        room = min(batch_size, settings.FOLLOWUP_MAX_IN_FLIGHT - out["all"])
        if room <= 0:
            return []
        ids = _expired_leases(now, room)
        # Timed-out rows first, so a steady stream of other mail never starves them, but only a
        # few at once: each may cost a sending thread a whole EMAIL_TIMEOUT again.
        retry_room = min(room - len(ids), settings.FOLLOWUP_RETRIES_IN_FLIGHT - out["retries"])
        if retry_room > 0:
            ids += followups_due_ids(now=now, limit=retry_room, retries=True)
        if len(ids) < room:
            ids += followups_due_ids(now=now, limit=room - len(ids), retries=False)
        if not ids:
            return []
        token = uuid.uuid4()
        FollowUp.objects.filter(pk__in=ids).filter(
            Q(state=State.SCHEDULED) | Q(state=State.SENDING, lease_until__lt=now)
        ).update(
            state=State.SENDING,
            lease_until=now + datetime.timedelta(seconds=settings.FOLLOWUP_LEASE_SECONDS),
            claim_token=token,
            updated_at=now,
        )
        claimed = FollowUp.objects.filter(pk__in=ids, claim_token=token).values_list(
            "pk", "last_error"
        )
        return [
            Claim(followup_id=pk, token=str(token), retry=error.startswith(TIMED_OUT))
            for pk, error in sorted(claimed)
        ]


def _locking(queryset):
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True)
    return queryset


def followups_due_ids(
    *, now: datetime.datetime, limit: int, retries: bool | None = None
) -> list[int]:
    """The dispatcher's lookup: due email rows, oldest first, skipping rows others hold; only
    rows whose last attempt timed out (retries=True), only the others (False), or all."""
    rows = FollowUp.objects.filter(state=State.SCHEDULED, channel=Channel.EMAIL, due_at__lte=now)
    if retries is not None:
        rows = rows.filter(_timed_out()) if retries else rows.exclude(_timed_out())
    rows = rows.order_by("due_at")[:limit]
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
    """Send claimed follow-ups one after another, recording them in small batches.

    Runs outside any transaction: the SMTP conversation must not hold a database lock. Each
    message is handed over only after its lease was renewed under the same claim token
    (_hand_over_gate), so a batch that outlives its lease stops instead of racing the worker
    that reclaimed it. Accepted messages are recorded FOLLOWUP_RECORD_EVERY at a time (and at
    least every RECORD_WITHIN_SECONDS) in one transaction: if the worker dies before that
    commit, those rows are claimed again after their lease and resent with the same Message-ID.
    """
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
    accepted = Accepted(token=token)
    try:
        for followup in held:
            outcomes[followup.pk] = _deliver_held(
                followup, token=token, suppressed=suppressed, accepted=accepted
            )
            if accepted.due():
                outcomes.update(accepted.record())
    except Exception:
        # A bug or a lost database must not turn accepted mail into resends.
        outcomes.update(accepted.record())
        raise
    outcomes.update(accepted.record())
    return outcomes


# Long enough to share one commit between several messages, short enough that a row's lease
# (renewed just before it was handed over) is nowhere near running out before it is recorded.
RECORD_WITHIN_SECONDS = 0.5


@dataclass
class Accepted:
    """Messages the SMTP server accepted and the database does not know about yet."""

    token: str
    waiting: list = field(default_factory=list)
    since: float = 0.0

    def add(self, followup: FollowUp, message) -> None:
        if not self.waiting:
            self.since = time.monotonic()
        self.waiting.append((followup, message))

    def due(self) -> bool:
        return bool(self.waiting) and (
            len(self.waiting) >= settings.FOLLOWUP_RECORD_EVERY
            or time.monotonic() - self.since >= RECORD_WITHIN_SECONDS
        )

    def record(self) -> dict[int, str]:
        if not self.waiting:
            return {}
        waiting, self.waiting = self.waiting, []
        return _finish_sent(waiting, token=self.token)


def _deliver_held(
    followup: FollowUp, *, token: str, suppressed: set[str], accepted: Accepted
) -> str:
    person = followup.person
    if _not_yet_in_touch(followup):
        return _finish_blocked(followup, token=token, reason=NOT_YET_IN_TOUCH, instead=False)
    blocked = email_block(person, suppressed)
    if blocked:
        return _finish_blocked(followup, token=token, reason=blocked)
    try:
        message = followup_outgoing(followup)
    except TemplateProblem as problem:
        return _finish_failed(followup, token=token, error=str(problem), permanent_address=False)
    if not _hand_over_gate(followup, token=token):
        return _out_of_attempts(followup, token=token)
    try:
        outbound_mail.send(message)
    except Exception as error:  # every failure, whatever its kind, is recorded on the row
        return _after_error(followup, token=token, error=error, suppressed=suppressed)
    accepted.add(followup, message)
    return "sent"


def _hand_over_gate(followup: FollowUp, *, token: str) -> bool:
    """Right before SMTP: still ours? Then renew the lease and count the attempt, in one
    conditional statement. A worker whose batch outlived its lease finds the row reclaimed (a
    new token) and sends nothing; no row is ever handed over more than FOLLOWUP_MAX_ATTEMPTS
    times. The renewal covers one attempt (at most EMAIL_TIMEOUT) and the wait to be recorded
    (at most RECORD_WITHIN_SECONDS and one more message), far below the lease."""
    now = timezone.now()
    lease_until = now + datetime.timedelta(seconds=settings.FOLLOWUP_LEASE_SECONDS)
    if connection.vendor == "postgresql":
        renewed = _renew_on_postgresql(followup.pk, token, now=now, lease_until=lease_until)
    else:
        renewed = (
            _holding(followup.pk, token)
            .filter(attempts__lt=settings.FOLLOWUP_MAX_ATTEMPTS)
            .update(lease_until=lease_until, attempts=F("attempts") + 1, updated_at=now)
        )
    if renewed:
        followup.attempts += 1
    return bool(renewed)


# One round trip, and no wait for the WAL to reach the disk: if the database itself crashes
# within the next fraction of a second, the renewal may be lost, the lease then runs out early
# and the row is sent again (same Message-ID). Outcomes are recorded with full durability.
# The lease is moved only when less than three quarters of it is left (still far more than one
# attempt and its recording take): an update that leaves every indexed column as it was is a
# HOT update, which writes no index entries; moving `lease_until` would write one in each of
# the table's indexes, for every message.
_GATE = (
    "SET LOCAL synchronous_commit TO OFF; "
    "UPDATE {table} SET attempts = attempts + 1, updated_at = %s, "
    "lease_until = CASE WHEN lease_until < %s THEN %s ELSE lease_until END "
    "WHERE id = %s AND state = %s AND claim_token = %s AND attempts < %s"
)


def _renew_on_postgresql(pk: int, token: str, *, now, lease_until) -> int:
    sql = _GATE.format(table=FollowUp._meta.db_table)
    lease = datetime.timedelta(seconds=settings.FOLLOWUP_LEASE_SECONDS)
    params = [now, now + lease * 3 / 4, lease_until]
    params += [pk, State.SENDING.value, token, settings.FOLLOWUP_MAX_ATTEMPTS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _out_of_attempts(followup: FollowUp, *, token: str) -> str:
    """The gate refused: reclaimed by someone else (stale), or every attempt already spent by
    workers that died before recording the outcome."""
    if not _holding(followup.pk, token).exists():
        return "stale"
    error = followup.last_error or "no outcome was recorded for the last attempt"
    return _finish_failed(
        followup,
        token=token,
        error=f"Gave up after {followup.attempts} attempts: {error}"[:2000],
        permanent_address=False,
    )


NOT_YET_IN_TOUCH = "is at “sourced” for this role, where the first word is the recruiter's"


def _not_yet_in_touch(followup: FollowUp) -> bool:
    """A candidate moved back to "sourced" after this was scheduled has, as far as this role
    goes, never heard from us: no automatic email may be the first word. A message the
    recruiter chose, read and sent (one_off) is their own first word, and goes."""
    application = followup.application
    return (
        followup.audience == Audience.CANDIDATE
        and application is not None
        and application.stage == Application.Stage.SOURCED
        and not followup.facts.get("sent_by_hand")
    )


def _finish_sent(accepted: list, *, token: str) -> dict[int, str]:
    """Record accepted messages in one transaction: the rows, their timeline entries, the
    people's last contact, and the "gone quiet" reminders their message made pointless."""
    now = timezone.now()
    by_pk = {followup.pk: (followup, message) for followup, message in accepted}
    with transaction.atomic():
        ours = _mark_sent(list(by_pk), token=token, now=now)
        recorded = [by_pk[pk] for pk in sorted(ours)]
        Activity.objects.bulk_create(_sent_activity(f, m, now) for f, m in recorded)
        candidates = {f.person.pk for f, _ in recorded if isinstance(f.person, Candidate)}
        leaders = {f.person.pk for f, _ in recorded if not isinstance(f.person, Candidate)}
        if candidates:
            Candidate.objects.filter(pk__in=candidates).contacted(now)
            _cancel_quiet_nudges(candidates)
        if leaders:
            HiringLeader.objects.filter(pk__in=leaders).contacted(now)
    return {pk: ("sent" if pk in ours else "stale") for pk in by_pk}


def _mark_sent(pks: list[int], *, token: str, now) -> set[int]:
    """The rows still ours, moved to `sent`: one UPDATE … RETURNING on PostgreSQL."""
    if connection.vendor != "postgresql":
        ours = set(
            FollowUp.objects.select_for_update()
            .filter(pk__in=pks, state=State.SENDING, claim_token=token)
            .values_list("pk", flat=True)
        )
        FollowUp.objects.filter(pk__in=ours).update(
            state=State.SENT, sent_at=now, lease_until=None, last_error="", updated_at=now
        )
        return ours
    sql = (
        f"UPDATE {FollowUp._meta.db_table} SET state = %s, sent_at = %s, lease_until = NULL, "
        "last_error = '', updated_at = %s "
        "WHERE id = ANY(%s) AND state = %s AND claim_token = %s RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [State.SENT.value, now, now, pks, State.SENDING.value, token])
        return {pk for (pk,) in cursor.fetchall()}


def _sent_activity(followup: FollowUp, message, now) -> Activity:
    return Activity(
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


def _cancel_quiet_nudges(candidate_ids: set[int]) -> int:
    """recurring.cancel_quiet_nudges for many candidates in one statement."""
    return cancel_scheduled(
        FollowUp.objects.filter(
            candidate__in=candidate_ids,
            cadence_step__cadence__trigger=Trigger.CANDIDATE_UNTOUCHED,
        ),
        reason="Back in touch",
    )


_PERSONAL_LINK = re.compile(r"https?://\S+/(?:checkin|unsubscribe|on-hold)/[^/\s]+/")


def _without_personal_links(text: str) -> str:
    """The timeline keeps what was said, not the signed links that act as the recipient: any
    colleague could otherwise answer their check-in or their on-hold question, or unsubscribe
    them."""
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
