"""How a cadence becomes follow-up rows: one per step and recipient, timed, keyed, and
turned into a task or skipped when email cannot reach the person."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from candidates.models import (
    Application,
)
from followups import schedule
from followups.models import (
    Audience,
    Cadence,
    CadenceStep,
    Channel,
    FollowUp,
)
from followups.services.recipients import Target, email_block, suppressed_among

State = FollowUp.State


# How long an email a person's click set off waits before it can go, so that their Undo of the
# click still stops it: a message they send themselves, the status update a stage move sends.
UNDO_SECONDS = 60

# A step whose moment passed more than this long before it was scheduled is skipped, not sent
# late: a day-30 check-in for a hire recorded on day 95 would only confuse.
MISSED_AFTER = datetime.timedelta(days=1)


def row_for(
    *,
    step: CadenceStep,
    target: Target,
    anchor,
    now: datetime.datetime,
    suppressed: set[str] | None = None,
) -> FollowUp | None:
    person = target.person_for(step.audience)
    if step.audience != Audience.RECRUITER and person is None:
        return None
    if _never_contacted_about(target, audience=step.audience):
        return None
    due = schedule.step_due_at(
        anchor=anchor,
        offset_days=step.offset_days,
        send_time=step.send_time,
        tz=schedule.zone(target.zone_for(step.audience)),
        now=now,
    )
    followup = FollowUp(
        key=f"{target.key}:step{step.pk}",
        cadence_step=step,
        template=step.template,
        audience=step.audience,
        channel=step.channel,
        candidate=target.candidate if step.audience != Audience.HIRING_LEADER else None,
        hiring_leader=target.hiring_leader
        if step.audience in (Audience.HIRING_LEADER, Audience.RECRUITER)
        else None,
        recruiter=target.recruiter,
        application=target.application,
        requisition=target.requisition,
        placement=target.placement,
        commitment=target.commitment,
        facts=target.facts,
        due_at=due,
    )
    if due < now - MISSED_AFTER:
        followup.state = State.SKIPPED
        followup.note = "Its moment had passed when it was scheduled."
    elif step.channel == Channel.EMAIL:
        _replace_blocked_email(followup, step=step, person=person, suppressed=suppressed)
    return followup


def _never_contacted_about(target: Target, *, audience: str) -> bool:
    """A candidate still at "sourced" has never heard from us about this role: no cadence may
    be the first to tell them (of a status, a hold, a rejection) — that is the recruiter's
    first call to make, not an automatic email."""
    return (
        audience == Audience.CANDIDATE
        and target.application is not None
        and target.application.stage == Application.Stage.SOURCED
    )


def _replace_blocked_email(
    followup: FollowUp, *, step: CadenceStep, person, suppressed: set[str] | None
) -> None:
    reason = email_block(person, suppressed)
    if not reason:
        return
    if step.task_if_opted_out:
        followup.channel = Channel.TASK
        followup.task_title = f"{person.name} {reason}: send “{step.template.name}” yourself"
        followup.note = f"Task instead of email: {person.name} {reason}."
    else:
        followup.state = State.SKIPPED
        followup.note = f"No email: {person.name} {reason}."


def enabled_cadences(trigger: str, which: Q | None = None, **filters) -> QuerySet[Cadence]:
    cadences = Cadence.objects.filter(trigger=trigger, enabled=True, **filters)
    if which is not None:
        cadences = cadences.filter(which)
    return cadences.prefetch_related("steps__template")


def rows_for(
    *, cadences, targets_by_audience: dict[str, list[Target]], anchor, now: datetime.datetime
) -> list[FollowUp]:
    people = [p for targets in targets_by_audience.values() for t in targets for p in t.people]
    suppressed = suppressed_among(p.email for p in people)
    rows = []
    for cadence in cadences:
        for step in cadence.steps.all():
            for target in targets_by_audience.get(step.audience, []):
                row = row_for(
                    step=step, target=target, anchor=anchor, now=now, suppressed=suppressed
                )
                if row is not None:
                    rows.append(row)
    return rows


def schedule_cadences(
    *,
    trigger: str,
    targets_by_audience: dict[str, list[Target]],
    anchor,
    now: datetime.datetime | None = None,
    which: Q | None = None,
    not_before: datetime.datetime | None = None,
) -> list[FollowUp]:
    """Expand every enabled cadence for a trigger into rows, written in one bulk insert.

    Keys are unique, so a trigger that fires twice (a retried request, a task run twice)
    inserts nothing the second time. `not_before`: nothing is due earlier ("right away" waits
    until then), so an Undo of what triggered it is real.
    """
    rows = rows_for(
        cadences=enabled_cadences(trigger, which),
        targets_by_audience=targets_by_audience,
        anchor=anchor,
        now=now or timezone.now(),
    )
    if not_before is not None:
        for row in rows:
            if row.state == State.SCHEDULED and row.due_at < not_before:
                row.due_at = not_before
    FollowUp.objects.bulk_create(rows, ignore_conflicts=True)
    return rows


def cancel_scheduled(followups: QuerySet[FollowUp], *, reason: str) -> int:
    return followups.filter(state=State.SCHEDULED).update(
        state=State.CANCELLED, note=reason[:300], updated_at=timezone.now()
    )


def application_targets(application: Application, *, key: str, facts=None) -> dict:
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
