"""Every write that matters to companies, hiring leaders and requisitions."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from candidates.models import Activity
from followups.services import followups_on_requisition_change, followups_schedule_weekly_update
from hiring_leaders.models import Company, HiringLeader, Requisition
from recruitcrm.models import User


@transaction.atomic
def requisition_open(
    *,
    title: str,
    company: Company,
    hiring_leader: HiringLeader,
    recruiter: User,
    opened_on: date | None = None,
    **details,
) -> Requisition:
    if hiring_leader.company_id != company.pk:
        raise ValidationError(f"{hiring_leader.name} does not work at {company}.")
    requisition = Requisition(
        title=title,
        company=company,
        hiring_leader=hiring_leader,
        recruiter=recruiter,
        opened_on=opened_on or timezone.localdate(),
        **details,
    )
    requisition.full_clean()
    requisition.save()
    _record(requisition=requisition, by=recruiter, summary=f"Opened {requisition.title}")
    followups_schedule_weekly_update(requisition=requisition)
    return requisition


def _record(*, requisition: Requisition, by: User | None, summary: str, body: str = "") -> Activity:
    return Activity.objects.create(
        kind=Activity.Kind.REQUISITION,
        hiring_leader=requisition.hiring_leader,
        requisition=requisition,
        actor=by,
        summary=summary,
        body=body,
    )


def _locked(requisition: Requisition) -> Requisition:
    return (
        Requisition.objects.select_for_update()
        .select_related("hiring_leader")
        .get(pk=requisition.pk)
    )


def _change_status(
    *,
    requisition: Requisition,
    to: str,
    allowed_from: tuple[str, ...],
    reason: str = "",
    internal_note: str = "",
) -> Requisition:
    requisition = _locked(requisition)
    if requisition.status not in allowed_from:
        raise ValidationError(
            f"{requisition.title} is {requisition.get_status_display().lower()}; "
            f"it cannot become {Requisition.Status(to).label.lower()}."
        )
    requisition.status = to
    requisition.status_reason = reason.strip()
    requisition.status_note = internal_note.strip()
    closing = to in (Requisition.Status.FILLED, Requisition.Status.CANCELLED)
    requisition.closed_on = timezone.localdate() if closing else None
    requisition.save(
        update_fields=["status", "status_reason", "status_note", "closed_on", "updated_at"]
    )
    return requisition


def _record_internal_note(*, requisition: Requisition, by: User | None, what: str) -> None:
    """The recruiters' own words about a change, on the requisition's record only: not on the
    hiring leader's timeline, never in a message."""
    if requisition.status_note:
        Activity.objects.create(
            kind=Activity.Kind.NOTE,
            requisition=requisition,
            actor=by,
            summary=f"Internal note on {what} (not shared with candidates or the leader)",
            body=requisition.status_note,
        )


@transaction.atomic
def requisition_put_on_hold(
    *, requisition: Requisition, reason: str, by: User, internal_note: str = ""
) -> Requisition:
    """Pause a role. `reason` is what candidates and the leader are told; `internal_note` is
    for recruiters only."""
    if not reason.strip():
        raise ValidationError("Say why the requisition is on hold; candidates will ask.")
    requisition = _change_status(
        requisition=requisition,
        to=Requisition.Status.ON_HOLD,
        allowed_from=(Requisition.Status.OPEN,),
        reason=reason,
        internal_note=internal_note,
    )
    event = _record(
        requisition=requisition, by=by, summary=f"Put {requisition.title} on hold", body=reason
    )
    _record_internal_note(requisition=requisition, by=by, what="putting it on hold")
    followups_on_requisition_change(requisition=requisition, event_id=event.pk)
    return requisition


@transaction.atomic
def requisition_reopen(*, requisition: Requisition, by: User) -> Requisition:
    requisition = _change_status(
        requisition=requisition,
        to=Requisition.Status.OPEN,
        allowed_from=(
            Requisition.Status.ON_HOLD,
            Requisition.Status.FILLED,
            Requisition.Status.CANCELLED,
        ),
    )
    event = _record(requisition=requisition, by=by, summary=f"Reopened {requisition.title}")
    followups_on_requisition_change(requisition=requisition, event_id=event.pk)
    return requisition


@transaction.atomic
def requisition_fill(*, requisition: Requisition, by: User) -> Requisition:
    requisition = _change_status(
        requisition=requisition,
        to=Requisition.Status.FILLED,
        allowed_from=(Requisition.Status.OPEN, Requisition.Status.ON_HOLD),
    )
    event = _record(requisition=requisition, by=by, summary=f"Filled {requisition.title}")
    followups_on_requisition_change(requisition=requisition, event_id=event.pk)
    return requisition


@transaction.atomic
def requisition_cancel(
    *, requisition: Requisition, reason: str, by: User, internal_note: str = ""
) -> Requisition:
    """Close a role that will not be filled. `reason` is what candidates and the leader are
    told; `internal_note` is for recruiters only."""
    if not reason.strip():
        raise ValidationError("Say why the requisition is cancelled.")
    requisition = _change_status(
        requisition=requisition,
        to=Requisition.Status.CANCELLED,
        allowed_from=(Requisition.Status.OPEN, Requisition.Status.ON_HOLD),
        reason=reason,
        internal_note=internal_note,
    )
    event = _record(
        requisition=requisition, by=by, summary=f"Cancelled {requisition.title}", body=reason
    )
    _record_internal_note(requisition=requisition, by=by, what="cancelling it")
    followups_on_requisition_change(requisition=requisition, event_id=event.pk)
    return requisition
