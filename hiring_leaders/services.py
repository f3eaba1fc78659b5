"""Every write that matters to companies, hiring leaders and requisitions."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from candidates.models import Activity, Application
from followups.services import (
    followups_on_requisition_change,
    followups_on_requisition_reassigned,
    followups_schedule_weekly_update,
)
from hiring_leaders.fill_history import fill_history_changed
from hiring_leaders.models import Company, HiringLeader, Requisition
from recruitcrm.models import User

COMPANY_FIELDS = ("name", "website", "time_zone")
HIRING_LEADER_FIELDS = ("first_name", "last_name", "email", "phone", "job_title", "time_zone")
REQUISITION_FIELDS = (
    "title",
    "location",
    "openings",
    "target_fill_date",
    "intake_notes",
    "hiring_leader",
    "recruiter",
)


def _refuse_unknown(fields: dict, allowed: tuple[str, ...], service: str) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"{service}() got unexpected fields: {sorted(unknown)}")


def _check_time_zone(value: str, *, field: str = "time_zone") -> None:
    # Messages land at a local time in this zone: a typo would silently send at UTC.
    if not value:
        return
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            {field: f"“{value}” is not a time zone; use a name such as Europe/London."}
        ) from None


def _save_unique(instance, *, field: str, message: str) -> None:
    """Save, turning a lost race on a case-insensitive unique constraint into a form error."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise ValidationError({field: message}) from None


# ---------- companies ----------


def _company_name_taken(company: Company) -> str:
    clash = Company.objects.filter(name__iexact=company.name).exclude(pk=company.pk).first()
    return f"There is already a company called “{clash.name}”." if clash else ""


def _save_company(company: Company) -> Company:
    # Spaces run together as one: "Kestrel  Games" is the Kestrel Games already on file.
    company.name = " ".join(company.name.split())
    company.website = company.website.strip()
    _check_time_zone(company.time_zone)
    company.full_clean(validate_constraints=False)
    taken = _company_name_taken(company)
    if taken:
        raise ValidationError({"name": taken})
    _save_unique(
        company, field="name", message=f"There is already a company called “{company.name}”."
    )
    return company


@transaction.atomic
def company_create(*, name: str, by: User, website: str = "", time_zone: str = "UTC") -> Company:
    """A new client. Names are unique whatever their case, so nobody books "ACME" and "Acme"
    as two clients."""
    return _save_company(Company(name=name, website=website, time_zone=time_zone or "UTC"))


@transaction.atomic
def company_update(*, company: Company, by: User, **fields) -> Company:
    _refuse_unknown(fields, COMPANY_FIELDS, "company_update")
    company = Company.objects.select_for_update().get(pk=company.pk)
    for name, value in fields.items():
        setattr(company, name, value)
    return _save_company(company)


# ---------- hiring leaders ----------


def _leader_email_taken(leader: HiringLeader) -> str:
    clash = (
        HiringLeader.objects.filter(email__iexact=leader.email)
        .exclude(pk=leader.pk)
        .select_related("company")
        .first()
    )
    if clash is None:
        return ""
    return f"{clash.name} at {clash.company.name} already has the address {clash.email}."


def _save_leader(leader: HiringLeader) -> HiringLeader:
    for name in ("first_name", "last_name", "email", "phone", "job_title"):
        setattr(leader, name, getattr(leader, name).strip())
    _check_time_zone(leader.time_zone)
    leader.full_clean(validate_constraints=False)
    taken = _leader_email_taken(leader)
    if taken:
        raise ValidationError({"email": taken})
    _save_unique(leader, field="email", message=f"Someone already has the address {leader.email}.")
    return leader


@transaction.atomic
def hiring_leader_create(
    *,
    company: Company,
    first_name: str,
    last_name: str,
    email: str,
    by: User,
    phone: str = "",
    job_title: str = "",
    time_zone: str = "",
) -> HiringLeader:
    """A person at a client who owns roles. One address is one person, so updates and
    check-ins for a role never go to a namesake."""
    leader = _save_leader(
        HiringLeader(
            company=company,
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone=phone,
            job_title=job_title,
            time_zone=time_zone,
        )
    )
    Activity.objects.create(
        kind=Activity.Kind.NOTE,
        hiring_leader=leader,
        actor=by,
        summary=f"Added to RecruitCRM by {by} ({company.name})",
    )
    return leader


@transaction.atomic
def hiring_leader_update(*, hiring_leader: HiringLeader, by: User, **fields) -> HiringLeader:
    _refuse_unknown(fields, HIRING_LEADER_FIELDS, "hiring_leader_update")
    leader = HiringLeader.objects.select_for_update().get(pk=hiring_leader.pk)
    changed = sorted(name for name, value in fields.items() if getattr(leader, name) != value)
    for name in changed:
        setattr(leader, name, fields[name])
    _save_leader(leader)
    if changed:
        Activity.objects.create(
            kind=Activity.Kind.NOTE,
            hiring_leader=leader,
            actor=by,
            summary=Activity.details_updated(HiringLeader, changed),
        )
    return leader


# ---------- requisitions ----------


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
        raise ValidationError(
            {"hiring_leader": f"{hiring_leader.name} does not work at {company}."}
        )
    _check_recruiter(recruiter)
    requisition = Requisition(
        title=title,
        company=company,
        hiring_leader=hiring_leader,
        recruiter=recruiter,
        opened_on=opened_on or timezone.localdate(),
        **details,
    )
    _check_dates_and_openings(requisition)
    requisition.full_clean()
    requisition.save()
    _record(requisition=requisition, by=recruiter, summary=f"Opened {requisition.title}")
    followups_schedule_weekly_update(requisition=requisition)
    return requisition


def _check_recruiter(recruiter: User) -> None:
    if not (recruiter.is_recruiter or recruiter.is_admin):
        raise ValidationError({"recruiter": f"{recruiter} is not a recruiter."})


def _check_dates_and_openings(requisition: Requisition) -> None:
    if requisition.openings is not None and requisition.openings < 1:
        raise ValidationError({"openings": "A requisition has at least one opening."})
    target = requisition.target_fill_date
    if target is not None and target < requisition.opened_on:
        raise ValidationError(
            {
                "target_fill_date": (
                    f"The target fill date is before the role opened "
                    f"({requisition.opened_on:%-d %b %Y})."
                )
            }
        )


@transaction.atomic
def requisition_update(*, requisition: Requisition, by: User, **fields) -> Requisition:
    """Change a role's details; a new hiring leader must work at the same company."""
    _refuse_unknown(fields, REQUISITION_FIELDS, "requisition_update")
    requisition = (
        Requisition.objects.select_for_update()
        .select_related("hiring_leader", "recruiter", "company")
        .get(pk=requisition.pk)
    )
    before = {"hiring_leader": requisition.hiring_leader, "recruiter": requisition.recruiter}
    changed = [name for name, value in fields.items() if getattr(requisition, name) != value]
    for name in changed:
        setattr(requisition, name, fields[name])
    if (
        "hiring_leader" in changed
        and requisition.hiring_leader.company_id != requisition.company_id
    ):
        raise ValidationError(
            {
                "hiring_leader": (
                    f"{requisition.hiring_leader.name} does not work at {requisition.company}."
                )
            }
        )
    if "recruiter" in changed:
        _check_recruiter(requisition.recruiter)
    requisition.full_clean(validate_constraints=False)
    _check_dates_and_openings(requisition)
    if not changed:
        return requisition
    requisition.save(update_fields=[*changed, "updated_at"])
    if requisition.status == Requisition.Status.FILLED:
        fill_history_changed()  # its title, location or company as calibration reads them
    _record_update(requisition=requisition, by=by, changed=changed, before=before)
    if "hiring_leader" in changed or "recruiter" in changed:
        followups_on_requisition_reassigned(requisition=requisition)
    return requisition


def _record_update(*, requisition: Requisition, by: User, changed: list[str], before) -> None:
    details = [name for name in changed if name not in ("hiring_leader", "recruiter")]
    if details:
        _record(
            requisition=requisition, by=by, summary=Activity.details_updated(Requisition, details)
        )
    if "recruiter" in changed:
        _record(
            requisition=requisition,
            by=by,
            summary=f"Handed over from {before['recruiter']} to {requisition.recruiter}",
        )
    if "hiring_leader" in changed:
        summary = f"Hiring leader changed from {before['hiring_leader'].name} to "
        summary += requisition.hiring_leader.name
        _record(requisition=requisition, by=by, summary=summary)
        # The previous leader's timeline says the role left them, too.
        Activity.objects.create(
            kind=Activity.Kind.REQUISITION,
            hiring_leader=before["hiring_leader"],
            requisition=requisition,
            actor=by,
            summary=summary,
        )


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


Status = Requisition.Status
# Which statuses each status may be reached from.
STATUS_MOVES: dict[str, tuple[str, ...]] = {
    Status.ON_HOLD: (Status.OPEN,),
    Status.OPEN: (Status.ON_HOLD, Status.FILLED, Status.CANCELLED),
    Status.FILLED: (Status.OPEN, Status.ON_HOLD),
    Status.CANCELLED: (Status.OPEN, Status.ON_HOLD),
}


def requisition_status_refusal(*, requisition: Requisition, to: str) -> str:
    """Why the requisition cannot move to status `to` now, or ''."""
    if requisition.status not in STATUS_MOVES[to]:
        return (
            f"{requisition.title} is {requisition.get_status_display().lower()}; "
            f"it cannot become {Requisition.Status(to).label.lower()}."
        )
    if to == Requisition.Status.FILLED:
        return _offers_outstanding(requisition)
    return ""


# How many people holding an offer a refusal names.
OFFERS_NAMED = 3


def _offers_outstanding(requisition: Requisition) -> str:
    """Marked filled, everyone still in the pipeline hears the role went to someone else: a
    person holding an offer must first be hired or closed, never told that by accident."""
    offers = requisition.applications.filter(
        outcome=Application.Outcome.ACTIVE, stage=Application.Stage.OFFER
    )
    total = offers.count()
    if not total:
        return ""
    first = offers.select_related("candidate").order_by("stage_changed_at", "pk")[:OFFERS_NAMED]
    names = [application.candidate.name for application in first]
    if total > len(names):
        names.append(f"{total - len(names)} more")
    who = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return (
        f"{who} {'holds' if total == 1 else 'hold'} an offer for {requisition.title}: record "
        "the hire, or close the application, first. Marked filled now, they would be told the "
        "role went to someone else."
    )


def _change_status(
    *,
    requisition: Requisition,
    to: str,
    reason: str = "",
    internal_note: str = "",
) -> Requisition:
    requisition = _locked(requisition)
    refusal = requisition_status_refusal(requisition=requisition, to=to)
    if refusal:
        raise ValidationError(refusal)
    if Requisition.Status.FILLED in (requisition.status, to):
        fill_history_changed()
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
    )
    event = _record(requisition=requisition, by=by, summary=f"Reopened {requisition.title}")
    followups_on_requisition_change(requisition=requisition, event_id=event.pk)
    return requisition


@transaction.atomic
def requisition_fill(*, requisition: Requisition, by: User) -> Requisition:
    requisition = _change_status(
        requisition=requisition,
        to=Requisition.Status.FILLED,
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
        reason=reason,
        internal_note=internal_note,
    )
    event = _record(
        requisition=requisition, by=by, summary=f"Cancelled {requisition.title}", body=reason
    )
    _record_internal_note(requisition=requisition, by=by, what="cancelling it")
    followups_on_requisition_change(requisition=requisition, event_id=event.pk)
    return requisition


@transaction.atomic
def requisition_note_for_leader(*, requisition: Requisition, text: str, by: User) -> Activity:
    """A note the recruiter writes for the role's hiring leader to read: it shows on their
    progress page and in that week's digest. The first line is its title."""
    text = text.strip()
    if not text:
        raise ValidationError("Write the note first.")
    title, _, rest = text.partition("\n")
    return Activity.objects.create(
        kind=Activity.Kind.NOTE,
        hiring_leader=requisition.hiring_leader,
        requisition=requisition,
        actor=by,
        summary=title.strip()[:300],
        body=rest.strip(),
        shared_with_leader=True,
    )
