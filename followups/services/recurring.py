"""Time-based triggers, expanded by beat: weekly leader updates and candidates gone quiet."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from candidates.models import (
    Application,
)
from followups import schedule
from followups.models import (
    Cadence,
    FollowUp,
    Trigger,
)
from followups.services.recipients import Target, suppressed_among, zone_of
from followups.services.rows import State, application_targets, enabled_cadences, row_for, rows_for
from hiring_leaders.models import Requisition

RECURRING_CHUNK = 1000


def chunks(iterable, size: int):
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
    cadences = list(enabled_cadences(Trigger.REQUISITION_OPEN_WEEKLY))
    _schedule_weekly(requisitions=[requisition], cadences=cadences, now=now or timezone.now())


def _schedule_weekly(*, requisitions, cadences, now: datetime.datetime) -> None:
    rows = []
    suppressed = suppressed_among(r.hiring_leader.email for r in requisitions)
    for requisition in requisitions:
        leader = requisition.hiring_leader
        tz = schedule.zone(zone_of(leader))
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
                row = row_for(step=step, target=target, anchor=due, now=now, suppressed=suppressed)
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
    weekly = list(enabled_cadences(Trigger.REQUISITION_OPEN_WEEKLY))
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
        for chunk in chunks(requisitions.iterator(chunk_size=RECURRING_CHUNK), RECURRING_CHUNK):
            _schedule_weekly(requisitions=chunk, cadences=weekly, now=now)
    for cadence in enabled_cadences(Trigger.CANDIDATE_UNTOUCHED):
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
    for chunk in chunks(quiet.iterator(chunk_size=RECURRING_CHUNK), RECURRING_CHUNK):
        rows = []
        for application in chunk:
            last = application.candidate.last_contacted_at
            # One nudge per silence: the key changes once someone gets in touch again.
            silence = f"{last:%Y%m%d%H%M}" if last else "never"
            rows += rows_for(
                cadences=[cadence],
                targets_by_audience=application_targets(
                    application,
                    key=f"untouched:{cadence.pk}:{application.pk}:{silence}",
                    facts={"quiet_days": cadence.quiet_days},
                ),
                anchor=now,
                now=now,
            )
        FollowUp.objects.bulk_create(rows, ignore_conflicts=True)
