"""The follow-up engine: what each change in a pipeline schedules or cancels, and delivery.

Base apps' services call the `followups_on_*` entry points inside their own transaction, so a
change and the touches it implies commit together or not at all. Scheduling writes rows; the
dispatcher (`followups_claim_due` + `followup_deliver`) sends them. No Celery ETA is ever used.
"""

from __future__ import annotations

import datetime
import functools
import logging
import re
import smtplib
import socket
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone

from candidates.models import (
    Activity,
    Application,
    ApplicationStageChange,
    Candidate,
    Commitment,
    Placement,
)
from followups import links, outbound_mail, schedule
from followups.messages import (
    RenderedMessage,
    TemplateProblem,
    render_message,
    sample_context,
    template_problems,
)
from followups.models import (
    Audience,
    Cadence,
    CadenceStep,
    Channel,
    CheckInResponse,
    FollowUp,
    MessageTemplate,
    SuppressedAddress,
    Trigger,
)
from hiring_leaders.models import HiringLeader, Requisition
from recruitcrm.models import User

logger = logging.getLogger(__name__)

State = FollowUp.State
# A step whose moment passed more than this long before it was scheduled is skipped, not sent
# late: a day-30 check-in for a hire recorded on day 95 would only confuse.
MISSED_AFTER = datetime.timedelta(days=1)


# ---------------------------------------------------------------------------------------------
# Who a touch goes to
# ---------------------------------------------------------------------------------------------


@dataclass
class Target:
    """One recipient of a step, with what the touch is about."""

    recruiter: User
    candidate: Candidate | None = None
    hiring_leader: HiringLeader | None = None
    application: Application | None = None
    requisition: Requisition | None = None
    placement: Placement | None = None
    commitment: Commitment | None = None
    key: str = ""
    facts: dict = field(default_factory=dict)

    @property
    def person(self):
        return self.candidate or self.hiring_leader


def _zone_of(person) -> str:
    if isinstance(person, HiringLeader):
        return person.time_zone or person.company.time_zone
    return getattr(person, "time_zone", "") or ""


def _email_block(person, suppressed: set[str] | None = None) -> str:
    """Why this person must not get email, or '' if they may."""
    if person.opted_out_at is not None:
        return "opted out of email"
    if not person.email:
        return "has no email address"
    address = person.email.lower()
    if suppressed is None:
        suppressed = _suppressed_among([address])
    if address in suppressed:
        return "email address refused mail before"
    return ""


def _suppressed_among(addresses) -> set[str]:
    """One query for a whole batch of recipients instead of one per message."""
    wanted = {address.lower() for address in addresses if address}
    if not wanted:
        return set()
    return set(SuppressedAddress.objects.filter(email__in=wanted).values_list("email", flat=True))


def _row(
    *,
    step: CadenceStep,
    target: Target,
    anchor,
    now: datetime.datetime,
    suppressed: set[str] | None = None,
) -> FollowUp | None:
    person = target.person if step.audience != Audience.RECRUITER else None
    if step.audience != Audience.RECRUITER and person is None:
        return None
    zone_name = _zone_of(person) if person is not None else target.recruiter.time_zone
    due = schedule.step_due_at(
        anchor=anchor,
        offset_days=step.offset_days,
        send_time=step.send_time,
        tz=schedule.zone(zone_name),
        now=now,
    )
    followup = FollowUp(
        key=f"{target.key}:step{step.pk}",
        cadence_step=step,
        template=step.template,
        audience=step.audience,
        channel=step.channel,
        candidate=target.candidate
        if step.audience in (Audience.CANDIDATE, Audience.NEW_HIRE)
        else None,
        hiring_leader=target.hiring_leader if step.audience == Audience.HIRING_LEADER else None,
        recruiter=target.recruiter,
        application=target.application,
        requisition=target.requisition,
        placement=target.placement,
        commitment=target.commitment,
        facts=target.facts,
        due_at=due,
    )
    if step.audience == Audience.RECRUITER:
        followup.candidate = target.candidate
        followup.hiring_leader = target.hiring_leader
    if due < now - MISSED_AFTER:
        followup.state = State.SKIPPED
        followup.note = "Its moment had passed when it was scheduled."
    elif step.channel == Channel.EMAIL:
        _replace_blocked_email(followup, step=step, person=person, suppressed=suppressed)
    return followup


def _replace_blocked_email(
    followup: FollowUp, *, step: CadenceStep, person, suppressed: set[str] | None
) -> None:
    reason = _email_block(person, suppressed)
    if not reason:
        return
    if step.task_if_opted_out:
        followup.channel = Channel.TASK
        followup.task_title = f"{person.name} {reason}: send “{step.template.name}” yourself"
        followup.note = f"Task instead of email: {person.name} {reason}."
    else:
        followup.state = State.SKIPPED
        followup.note = f"No email: {person.name} {reason}."


def _enabled_cadences(trigger: str, which: Q | None = None, **filters) -> QuerySet[Cadence]:
    cadences = Cadence.objects.filter(trigger=trigger, enabled=True, **filters)
    if which is not None:
        cadences = cadences.filter(which)
    return cadences.prefetch_related("steps__template")


def _rows(
    *, cadences, targets_by_audience: dict[str, list[Target]], anchor, now: datetime.datetime
) -> list[FollowUp]:
    people = [t.person for targets in targets_by_audience.values() for t in targets if t.person]
    suppressed = _suppressed_among(p.email for p in people)
    rows = []
    for cadence in cadences:
        for step in cadence.steps.all():
            for target in targets_by_audience.get(step.audience, []):
                row = _row(step=step, target=target, anchor=anchor, now=now, suppressed=suppressed)
                if row is not None:
                    rows.append(row)
    return rows


def _schedule(
    *,
    trigger: str,
    targets_by_audience: dict[str, list[Target]],
    anchor,
    now: datetime.datetime | None = None,
    which: Q | None = None,
) -> list[FollowUp]:
    """Expand every enabled cadence for a trigger into rows, written in one bulk insert.

    Keys are unique, so a trigger that fires twice (a retried request, a task run twice)
    inserts nothing the second time.
    """
    rows = _rows(
        cadences=_enabled_cadences(trigger, which),
        targets_by_audience=targets_by_audience,
        anchor=anchor,
        now=now or timezone.now(),
    )
    FollowUp.objects.bulk_create(rows, ignore_conflicts=True)
    return rows


def _cancel(followups: QuerySet[FollowUp], *, reason: str) -> int:
    return followups.filter(state=State.SCHEDULED).update(
        state=State.CANCELLED, note=reason[:300], updated_at=timezone.now()
    )


def _application_targets(application: Application, *, key: str, facts=None) -> dict:
    requisition = application.requisition
    target = Target(
        recruiter=requisition.recruiter,
        candidate=application.candidate,
        hiring_leader=requisition.hiring_leader,
        application=application,
        requisition=requisition,
        key=key,
        facts=facts or {},
    )
    return {
        Audience.CANDIDATE: [target],
        Audience.HIRING_LEADER: [target],
        Audience.RECRUITER: [target],
    }


# ---------------------------------------------------------------------------------------------
# Entry points for the base apps' services
# ---------------------------------------------------------------------------------------------


def followups_on_stage_change(
    *, application: Application, stage_change: ApplicationStageChange
) -> None:
    application = Application.objects.select_related(
        "candidate", "requisition__recruiter", "requisition__hiring_leader__company"
    ).get(pk=application.pk)
    facts = {
        "stage": application.get_stage_display(),
        "previous_stage": Application.Stage(stage_change.from_stage).label
        if stage_change.from_stage
        else "",
    }
    # A cadence for one stage fires whenever the application enters it, even when added
    # straight into it; an "any stage" cadence fires on moves only, so nobody is told they
    # were sourced.
    which = Q(stage=application.stage)
    if stage_change.from_stage:
        which |= Q(stage="")
    _schedule(
        trigger=Trigger.STAGE_ENTERED,
        targets_by_audience=_application_targets(
            application, key=f"stage:{stage_change.pk}", facts=facts
        ),
        anchor=stage_change.changed_at,
        which=which,
    )


def followups_on_application_closed(
    *, application: Application, stage_change: ApplicationStageChange
) -> None:
    # A rejected or withdrawn candidate hears nothing more about this pipeline.
    _cancel(
        FollowUp.objects.filter(application=application),
        reason=f"Application {application.get_outcome_display().lower()}",
    )
    application = Application.objects.select_related(
        "candidate", "requisition__recruiter", "requisition__hiring_leader__company"
    ).get(pk=application.pk)
    _schedule(
        trigger=Trigger.APPLICATION_CLOSED,
        targets_by_audience=_application_targets(
            application,
            key=f"closed:{stage_change.pk}",
            facts={"stage": application.get_outcome_display()},
        ),
        anchor=stage_change.changed_at,
    )


_REQUISITION_TRIGGERS = {
    Requisition.Status.ON_HOLD: Trigger.REQUISITION_ON_HOLD,
    Requisition.Status.FILLED: Trigger.REQUISITION_FILLED,
    Requisition.Status.CANCELLED: Trigger.REQUISITION_CANCELLED,
    Requisition.Status.OPEN: Trigger.REQUISITION_REOPENED,
}


def followups_on_requisition_change(*, requisition: Requisition, event_id: int) -> None:
    """The requisition changed status (event_id: the Activity recording it)."""
    requisition = Requisition.objects.select_related(
        "recruiter", "hiring_leader__company", "company"
    ).get(pk=requisition.pk)
    if requisition.status != Requisition.Status.OPEN:
        # Weekly progress updates are for open roles; on hold, the reset message replaces them.
        _cancel(
            FollowUp.objects.filter(
                requisition=requisition,
                cadence_step__cadence__trigger=Trigger.REQUISITION_OPEN_WEEKLY,
            ),
            reason=f"Requisition {requisition.get_status_display().lower()}",
        )
    if requisition.status in (Requisition.Status.FILLED, Requisition.Status.CANCELLED):
        _cancel(
            FollowUp.objects.filter(
                requisition=requisition,
                cadence_step__cadence__trigger__in=[
                    Trigger.REQUISITION_ON_HOLD,
                    Trigger.REQUISITION_REOPENED,
                    Trigger.CANDIDATE_UNTOUCHED,
                ],
            ),
            reason=f"Requisition {requisition.get_status_display().lower()}",
        )
    key = f"req-{requisition.status}:{event_id}"
    leader_target = Target(
        recruiter=requisition.recruiter,
        hiring_leader=requisition.hiring_leader,
        requisition=requisition,
        key=key,
        facts={"status": requisition.get_status_display()},
    )
    candidate_targets = [
        Target(
            recruiter=requisition.recruiter,
            candidate=application.candidate,
            application=application,
            requisition=requisition,
            key=f"{key}:app{application.pk}",
            facts={"status": requisition.get_status_display()},
        )
        for application in requisition.applications.filter(
            outcome=Application.Outcome.ACTIVE
        ).select_related("candidate")
    ]
    _schedule(
        trigger=_REQUISITION_TRIGGERS[requisition.status],
        targets_by_audience={
            Audience.CANDIDATE: candidate_targets,
            Audience.HIRING_LEADER: [leader_target],
            Audience.RECRUITER: [leader_target],
        },
        anchor=timezone.now(),
    )
    if requisition.status == Requisition.Status.OPEN:
        followups_schedule_weekly_update(requisition=requisition)


def followups_on_placement(*, placement: Placement) -> None:
    placement = Placement.objects.select_related(
        "application__candidate",
        "application__requisition__recruiter",
        "application__requisition__hiring_leader__company",
    ).get(pk=placement.pk)
    application = placement.application
    requisition = application.requisition
    target = Target(
        recruiter=requisition.recruiter,
        candidate=application.candidate,
        hiring_leader=requisition.hiring_leader,
        application=application,
        requisition=requisition,
        placement=placement,
        key=f"placement:{placement.pk}",
    )
    _schedule(
        trigger=Trigger.PLACEMENT_STARTED,
        targets_by_audience={
            Audience.NEW_HIRE: [target],
            Audience.HIRING_LEADER: [target],
            Audience.RECRUITER: [target],
        },
        anchor=placement.start_date,
    )


def followups_on_placement_fell_through(*, placement: Placement) -> None:
    _cancel(FollowUp.objects.filter(placement=placement), reason="Placement fell through")


def followups_on_opt_out(*, person: Candidate | HiringLeader) -> None:
    """No more email to this person; steps that say so become tasks for the recruiter."""
    field_name = "candidate" if isinstance(person, Candidate) else "hiring_leader"
    pending = FollowUp.objects.filter(
        **{field_name: person}, channel=Channel.EMAIL, state=State.SCHEDULED
    ).select_related("cadence_step", "template")
    to_task = [f for f in pending if f.cadence_step and f.cadence_step.task_if_opted_out]
    for followup in to_task:
        followup.channel = Channel.TASK
        followup.task_title = (
            f"{person.name} opted out of email: send “{followup.template}” yourself"
        )
        followup.note = f"Task instead of email: {person.name} opted out."
    FollowUp.objects.bulk_update(to_task, ["channel", "task_title", "note", "updated_at"])
    _cancel(pending.exclude(pk__in=[f.pk for f in to_task]), reason="Recipient opted out of email")


def followups_on_commitment_made(*, commitment: Commitment) -> None:
    commitment = Commitment.objects.select_related(
        "recruiter", "candidate", "hiring_leader__company", "requisition"
    ).get(pk=commitment.pk)
    target = Target(
        recruiter=commitment.recruiter,
        candidate=commitment.candidate,
        hiring_leader=commitment.hiring_leader,
        requisition=commitment.requisition,
        commitment=commitment,
        key=f"commitment:{commitment.pk}",
    )
    _schedule(
        trigger=Trigger.COMMITMENT_DUE,
        targets_by_audience={
            Audience.RECRUITER: [target],
            Audience.CANDIDATE: [target] if commitment.candidate else [],
            Audience.HIRING_LEADER: [target] if commitment.hiring_leader else [],
        },
        anchor=commitment.due_at,
    )


def followups_on_commitment_kept(*, commitment: Commitment) -> None:
    _cancel(FollowUp.objects.filter(commitment=commitment), reason="Commitment kept")


# ---------------------------------------------------------------------------------------------
# Recurring triggers, expanded by beat
# ---------------------------------------------------------------------------------------------


RECURRING_CHUNK = 1000


def _chunks(iterable, size: int):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def followups_schedule_weekly_update(
    *, requisition: Requisition, now: datetime.datetime | None = None
) -> None:
    """Schedule the next weekly update for one open requisition (at most one per week)."""
    cadences = list(_enabled_cadences(Trigger.REQUISITION_OPEN_WEEKLY))
    _schedule_weekly(requisitions=[requisition], cadences=cadences, now=now or timezone.now())


def _schedule_weekly(*, requisitions, cadences, now: datetime.datetime) -> None:
    rows = []
    suppressed = _suppressed_among(r.hiring_leader.email for r in requisitions)
    for requisition in requisitions:
        leader = requisition.hiring_leader
        tz = schedule.zone(_zone_of(leader))
        for cadence in cadences:
            for step in cadence.steps.all():
                due = schedule.next_weekday(
                    weekday=cadence.weekday, at=step.send_time or datetime.time(9), tz=tz, now=now
                )
                year, week, _ = due.isocalendar()
                target = Target(
                    recruiter=requisition.recruiter,
                    hiring_leader=leader,
                    requisition=requisition,
                    key=f"weekly:{requisition.pk}:{year}-W{week:02d}",
                )
                row = _row(step=step, target=target, anchor=due, now=now, suppressed=suppressed)
                if row is not None:
                    row.due_at = due
                    rows.append(row)
    FollowUp.objects.bulk_create(rows, ignore_conflicts=True)


def followups_schedule_recurring(*, now: datetime.datetime | None = None) -> int:
    """Expand the time-based triggers: weekly leader updates and candidates gone quiet.

    Beat runs this every few minutes, so it reads only what needs a new row (anti-joins in SQL)
    and writes in bulk; keys make a repeated run insert nothing.
    """
    now = now or timezone.now()
    before = FollowUp.objects.count()
    weekly = list(_enabled_cadences(Trigger.REQUISITION_OPEN_WEEKLY))
    if weekly:
        next_update_waiting = FollowUp.objects.filter(
            requisition=OuterRef("pk"),
            state=State.SCHEDULED,
            due_at__gt=now,
            cadence_step__cadence__in=weekly,
        )
        requisitions = (
            Requisition.objects.filter(status=Requisition.Status.OPEN)
            .exclude(Exists(next_update_waiting))
            .select_related("recruiter", "hiring_leader__company")
        )
        for chunk in _chunks(requisitions.iterator(chunk_size=RECURRING_CHUNK), RECURRING_CHUNK):
            _schedule_weekly(requisitions=chunk, cadences=weekly, now=now)
    for cadence in _enabled_cadences(Trigger.CANDIDATE_UNTOUCHED):
        _schedule_untouched(cadence=cadence, now=now)
    return FollowUp.objects.count() - before


def _schedule_untouched(*, cadence: Cadence, now: datetime.datetime) -> None:
    quiet_since = now - datetime.timedelta(days=cadence.quiet_days)
    # Already nudged about this silence: a nudge newer than the last contact.
    nudged = FollowUp.objects.filter(
        application=OuterRef("pk"),
        cadence_step__cadence=cadence,
        created_at__gte=Coalesce(OuterRef("candidate__last_contacted_at"), OuterRef("created_at")),
    )
    quiet = (
        Application.objects.filter(
            outcome=Application.Outcome.ACTIVE,
            requisition__status=Requisition.Status.OPEN,
        )
        .exclude(stage=Application.Stage.HIRED)
        .filter(
            Q(candidate__last_contacted_at__lt=quiet_since)
            | Q(candidate__last_contacted_at__isnull=True, created_at__lt=quiet_since)
        )
        .exclude(Exists(nudged))
        .select_related("candidate", "requisition__recruiter", "requisition__hiring_leader")
    )
    for chunk in _chunks(quiet.iterator(chunk_size=RECURRING_CHUNK), RECURRING_CHUNK):
        rows = []
        for application in chunk:
            last = application.candidate.last_contacted_at
            # One nudge per silence: the key changes once someone gets in touch again.
            silence = f"{last:%Y%m%d%H%M}" if last else "never"
            rows += _rows(
                cadences=[cadence],
                targets_by_audience=_application_targets(
                    application,
                    key=f"untouched:{cadence.pk}:{application.pk}:{silence}",
                    facts={"quiet_days": cadence.quiet_days},
                ),
                anchor=now,
                now=now,
            )
        FollowUp.objects.bulk_create(rows, ignore_conflicts=True)


# ---------------------------------------------------------------------------------------------
# Delivery: claim due rows, send each outside any transaction, record the outcome
# ---------------------------------------------------------------------------------------------


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
    ).select_related("template", "candidate", "hiring_leader", "recruiter", "cadence_step")
    held = list(held.order_by("due_at", "pk"))
    # One lookup for the batch; a permanent refusal during the batch adds to it.
    suppressed = _suppressed_among(f.person.email for f in held)
    outcomes = dict.fromkeys(followup_ids, "stale")  # cancelled, or reclaimed after our lease
    for followup in held:
        outcomes[followup.pk] = _deliver_held(followup, token=token, suppressed=suppressed)
    return outcomes


def _deliver_held(followup: FollowUp, *, token: str, suppressed: set[str]) -> str:
    person = followup.person
    blocked = _email_block(person, suppressed)
    if blocked:
        return _finish_blocked(followup, token=token, reason=blocked)
    try:
        message = _email_for(followup)
    except TemplateProblem as problem:
        return _finish_failed(followup, token=token, error=str(problem), permanent_address=False)
    try:
        outbound_mail.send(message)
    except Exception as error:  # every failure, whatever its kind, is recorded on the row
        return _after_error(followup, token=token, error=error, suppressed=suppressed)
    return _finish_sent(followup, token=token, message=message)


def email_parts(*, subject: str, body: str, context: dict) -> RenderedMessage:
    """What a recipient gets: the rendered subject, and text and HTML bodies with the footer."""
    rendered = render_message(subject=subject, body=body, context=context)
    footer = {"unsubscribe_link": context["unsubscribe_link"], "recruiter": context["recruiter"]}
    return RenderedMessage(
        subject=rendered.subject,
        text=render_to_string("emails/followup-body.txt", {"body": rendered.text, **footer}),
        html=render_to_string("emails/followup-body.html", {"body": rendered.html, **footer}),
    )


def _email_for(followup: FollowUp) -> EmailMultiAlternatives:
    context = message_context(followup)
    parts = email_parts(
        subject=followup.template.subject, body=followup.template.body, context=context
    )
    message = EmailMultiAlternatives(
        subject=parts.subject,
        body=parts.text,
        to=[followup.person.email],
        reply_to=[followup.recruiter.email] if followup.recruiter.email else None,
        headers={
            "Message-ID": followup.message_id,
            "List-Unsubscribe": f"<{context['unsubscribe_link']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(parts.html, "text/html")
    return message


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


def _finish_blocked(followup: FollowUp, *, token: str, reason: str) -> str:
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
        if step is not None and step.task_if_opted_out:
            recruiter_task_create(
                recruiter=followup.recruiter,
                title=f"{followup.person.name} {reason}: send “{followup.template}” yourself",
                key=f"instead:{followup.pk}",
                candidate=followup.candidate,
                hiring_leader=followup.hiring_leader,
                requisition=followup.requisition,
                application=followup.application,
            )
    return "skipped"


def message_context(followup: FollowUp) -> dict:
    """The values a template may use, and nothing else (see messages.PLACEHOLDERS)."""
    person = followup.person
    requisition = followup.requisition
    recruiter = followup.recruiter
    context = {
        "recipient": {"first_name": person.first_name, "name": person.name},
        "recruiter": {
            "first_name": recruiter.first_name,
            "name": recruiter.name,
            "email": recruiter.email,
        },
        "checkin_link": links.checkin_link(followup.pk),
        "unsubscribe_link": links.opt_out_link(person),
    }
    candidate = followup.candidate or (followup.application and followup.application.candidate)
    if candidate:
        context["candidate"] = {
            "first_name": candidate.first_name,
            "last_name": candidate.last_name,
            "name": candidate.name,
        }
    if requisition:
        leader = requisition.hiring_leader
        context["requisition"] = {
            "title": requisition.title,
            "location": requisition.location,
            "status": requisition.get_status_display(),
        }
        context["company"] = {"name": requisition.company.name}
        context["hiring_leader"] = {
            "first_name": leader.first_name,
            "last_name": leader.last_name,
            "name": leader.name,
        }
        # Counted only if the template asks: the template engine calls a callable it looks up.
        context["pipeline"] = functools.cache(functools.partial(_pipeline_counts, requisition))
    if followup.application:
        context["application"] = {
            "stage": followup.facts.get("stage") or followup.application.get_stage_display(),
            "previous_stage": followup.facts.get("previous_stage", ""),
        }
    if followup.placement:
        start = followup.placement.start_date
        context["placement"] = {
            "start_date": start,
            "days_since_start": (timezone.localdate() - start).days,
        }
    if followup.commitment:
        context["commitment"] = {
            "description": followup.commitment.description,
            "due_at": followup.commitment.due_at,
        }
    return context


def _pipeline_counts(requisition: Requisition) -> dict:
    counts = dict(
        requisition.applications.filter(outcome=Application.Outcome.ACTIVE)
        .values_list("stage")
        .annotate(n=Count("pk"))
    )
    return {
        "active": sum(counts.values()),
        "submitted": counts.get(Application.Stage.SUBMITTED, 0),
        "interviewing": counts.get(Application.Stage.INTERVIEWING, 0),
        "offers": counts.get(Application.Stage.OFFER, 0),
    }


# ---------------------------------------------------------------------------------------------
# Tasks for the recruiter, and the outbox's buttons
# ---------------------------------------------------------------------------------------------


def recruiter_task_create(
    *,
    recruiter: User,
    title: str,
    key: str,
    due_at: datetime.datetime | None = None,
    **about,
) -> FollowUp:
    """A task in the recruiter's queue; the same key never makes a second one."""
    task = FollowUp(
        key=key,
        audience=Audience.RECRUITER,
        channel=Channel.TASK,
        recruiter=recruiter,
        task_title=title[:300],
        due_at=due_at or timezone.now(),
        **about,
    )
    FollowUp.objects.bulk_create([task], ignore_conflicts=True)
    return FollowUp.objects.get(key=key)


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


# ---------------------------------------------------------------------------------------------
# Answers from people: check-ins and opting out
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def checkin_answer(
    *, followup: FollowUp, score: int, comment: str = "", is_concern: bool = False
) -> CheckInResponse:
    """Store (or update) the answer to a check-in; a low score or a concern flags the recruiter."""
    if followup.placement_id is None:
        raise ValidationError("This link is not a check-in.")
    if not 1 <= score <= 5:
        raise ValidationError("Choose a score from 1 to 5.")
    response, created = CheckInResponse.objects.update_or_create(
        followup=followup,
        defaults={
            "placement_id": followup.placement_id,
            "audience": followup.audience,
            "score": score,
            "comment": comment.strip(),
            "is_concern": is_concern,
        },
    )
    person = followup.person
    verb = "answered" if created else "updated"
    Activity.objects.create(
        kind=Activity.Kind.NOTE,
        candidate=followup.candidate or followup.placement.application.candidate,
        hiring_leader=followup.hiring_leader,
        requisition=followup.requisition,
        application=followup.application,
        summary=f"{person.name} {verb} a check-in: {score}/5"
        + (" (concern raised)" if is_concern else ""),
        body=response.comment,
    )
    if response.raises_flag:
        recruiter_task_create(
            recruiter=followup.recruiter,
            title=f"Check-in flag: {person.name} scored {score}/5"
            + (f" — “{response.comment[:120]}”" if response.comment else ""),
            key=f"checkin-flag:{followup.pk}",
            candidate=followup.candidate or followup.placement.application.candidate,
            hiring_leader=followup.hiring_leader,
            requisition=followup.requisition,
            placement=followup.placement,
        )
    return response


@transaction.atomic
def person_opt_out(*, person: Candidate | HiringLeader) -> bool:
    """Stop email to this person at once. Returns False if they had already opted out."""
    model = type(person)
    changed = model.objects.filter(pk=person.pk, opted_out_at__isnull=True).update(
        opted_out_at=timezone.now()
    )
    if not changed:
        return False
    person.refresh_from_db()
    Activity.objects.create(
        kind=Activity.Kind.NOTE,
        candidate=person if isinstance(person, Candidate) else None,
        hiring_leader=person if isinstance(person, HiringLeader) else None,
        summary=f"{person.name} opted out of email",
    )
    followups_on_opt_out(person=person)
    return True


# ---------------------------------------------------------------------------------------------
# Admin configuration
# ---------------------------------------------------------------------------------------------


def _scheduled_from(**step_filter) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(state=State.SCHEDULED, **step_filter)


@transaction.atomic
def cadence_set_enabled(*, cadence: Cadence, enabled: bool, by: User) -> int:
    """Switch a cadence on or off. Returns how many scheduled follow-ups switching off cancelled.

    Off means off: an admin who stops the check-ins because a template is wrong expects no
    more of them, not the day-60 and day-90 ones still going out for months. Switching back on
    schedules for new events only; the cancelled rows can be retried one by one in the outbox.
    """
    cadence = Cadence.objects.select_for_update().get(pk=cadence.pk)
    if cadence.enabled == enabled:
        return 0
    cadence.enabled = enabled
    cadence.save(update_fields=["enabled", "updated_at"])
    if enabled:
        return 0
    return _cancel(
        _scheduled_from(cadence_step__cadence=cadence),
        reason=f"Cadence “{cadence.name}” switched off by {by}",
    )


# Whom each trigger can reach (see the targets each entry point builds): a step for anyone else
# would be saved and then never fire.
_EVERYONE_BUT_NEW_HIRE = (Audience.CANDIDATE, Audience.HIRING_LEADER, Audience.RECRUITER)
AUDIENCES_BY_TRIGGER: dict[str, tuple[str, ...]] = dict.fromkeys(
    Trigger.values, _EVERYONE_BUT_NEW_HIRE
) | {
    Trigger.PLACEMENT_STARTED: (Audience.NEW_HIRE, Audience.HIRING_LEADER, Audience.RECRUITER),
    Trigger.REQUISITION_OPEN_WEEKLY: (Audience.HIRING_LEADER, Audience.RECRUITER),
}


def cadence_step_problems(*, cadence: Cadence, audience: str, channel: str) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    reachable = AUDIENCES_BY_TRIGGER[cadence.trigger]
    if audience not in reachable:
        names = ", ".join(Audience(a).label.lower() for a in reachable)
        problems["audience"] = [
            f"“{cadence.get_trigger_display()}” can only reach: {names}. "
            "A step for anyone else would never be sent."
        ]
    if audience == Audience.RECRUITER and channel == Channel.EMAIL:
        problems["channel"] = [
            "The owning recruiter gets tasks in their queue, not emails: choose "
            f"“{Channel.TASK.label}”."
        ]
    return problems


@transaction.atomic
def cadence_step_save(
    *,
    cadence: Cadence,
    step: CadenceStep | None = None,
    offset_days: int,
    send_time: datetime.time | None,
    audience: str,
    channel: str,
    template: MessageTemplate,
    task_if_opted_out: bool,
    by: User,
) -> CadenceStep:
    """Add a step to a cadence (step=None) or change one.

    Follow-ups already scheduled keep their time and template: a change applies to the events
    that happen from now on, so nobody gets a day-30 check-in twice because day 30 became 28.
    """
    problems = cadence_step_problems(cadence=cadence, audience=audience, channel=channel)
    if problems:
        raise ValidationError(problems)
    if step is None:
        last = cadence.steps.order_by("-position").values_list("position", flat=True).first()
        step = CadenceStep(cadence=cadence, position=0 if last is None else last + 1)
    elif step.cadence_id != cadence.pk:
        raise ValidationError("This step belongs to another cadence.")
    step.offset_days = offset_days
    step.send_time = send_time
    step.audience = audience
    step.channel = channel
    step.template = template
    # Only an email can be blocked by an opt-out; a task always reaches the recruiter.
    step.task_if_opted_out = task_if_opted_out and channel == Channel.EMAIL
    step.save()
    Cadence.objects.filter(pk=cadence.pk).update(updated_at=timezone.now())
    return step


@transaction.atomic
def cadence_step_delete(*, step: CadenceStep, by: User) -> int:
    """Remove a step; its follow-ups not yet sent are cancelled. Returns how many."""
    cancelled = _cancel(
        _scheduled_from(cadence_step=step),
        reason=f"Step removed from “{step.cadence.name}” by {by}",
    )
    Cadence.objects.filter(pk=step.cadence_id).update(updated_at=timezone.now())
    step.delete()
    return cancelled


def message_source_problems(*, subject: str, body: str) -> dict[str, list[str]]:
    """What is wrong with a subject and body as written, by field ({} when nothing is)."""
    problems: dict[str, list[str]] = {}
    for field_name, source, missing in (
        ("subject", subject, "Write a subject line."),
        ("body", body, "Write the message."),
    ):
        found = template_problems(source) if source.strip() else [missing]
        if found:
            problems[field_name] = found
    return problems


def message_template_problems(
    *, name: str, subject: str, body: str, exclude_pk: int | None = None
) -> dict[str, list[str]]:
    """What stops a template from being saved, by field ({} when nothing does). Public so that
    every place that saves templates (this app's editor, Django admin) refuses the same things."""
    problems: dict[str, list[str]] = {}
    if not name.strip():
        problems["name"] = ["Give the template a name."]
    elif MessageTemplate.objects.filter(name__iexact=name.strip()).exclude(pk=exclude_pk).exists():
        problems["name"] = [f"There is already a template called “{name.strip()}”."]
    problems |= message_source_problems(subject=subject, body=body)
    if "subject" not in problems and "body" not in problems:
        try:
            render_message(subject=subject, body=body, context=sample_context())
        except Exception as error:  # whatever it is, it would have failed at 9:00 on Monday
            problems["body"] = [f"The template does not render with sample data: {error}"]
    return problems


@transaction.atomic
def message_template_save(
    *,
    template: MessageTemplate | None = None,
    name: str,
    subject: str,
    body: str,
    by: User,
) -> MessageTemplate:
    """Create or change a template. One that would not render for every recipient is refused,
    field by field, so a typo is a form error today rather than a failed email next month."""
    problems = message_template_problems(
        name=name, subject=subject, body=body, exclude_pk=template.pk if template else None
    )
    if problems:
        raise ValidationError(problems)
    template = template or MessageTemplate()
    template.name = name.strip()
    template.subject = subject.strip()
    template.body = body.strip()
    template.save()
    return template
