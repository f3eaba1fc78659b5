"""Every write that matters to candidates, their pipelines, timelines and promises.

Each function is transactional and records the Activity a recruiter would expect to see on the
timeline. Views, admin actions, tasks and commands call these; none re-implements a workflow.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from candidates.models import (
    Activity,
    Application,
    ApplicationStageChange,
    Candidate,
    Commitment,
    Placement,
)
from candidates.selectors import candidate_duplicates, phone_digits
from followups.services import (
    followups_on_application_closed,
    followups_on_commitment_kept,
    followups_on_commitment_made,
    followups_on_contact,
    followups_on_placement,
    followups_on_placement_fell_through,
    followups_on_stage_change,
)
from hiring_leaders.models import HiringLeader, Requisition
from recruitcrm.models import User

CANDIDATE_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "headline",
    "location",
    "time_zone",
    "source",
    "owner",
)


class DuplicateCandidate(ValidationError):
    """The candidate looks like someone already on file; the caller decides what to do."""

    def __init__(self, matches: list[Candidate]):
        self.matches = matches
        names = ", ".join(f"{c.name} (#{c.pk})" for c in matches[:3])
        super().__init__(f"This looks like a candidate already on file: {names}.", code="duplicate")


def _refuse_duplicates(*, candidate: Candidate, exclude_pk: int | None) -> None:
    matches = list(
        candidate_duplicates(
            email=candidate.email,
            first_name=candidate.first_name,
            last_name=candidate.last_name,
            phone=candidate.phone,
            exclude_pk=exclude_pk,
        )[:5]
    )
    if matches:
        raise DuplicateCandidate(matches)


@transaction.atomic
def candidate_create(*, by: User, allow_duplicate: bool = False, **fields) -> Candidate:
    unknown = set(fields) - set(CANDIDATE_FIELDS)
    if unknown:
        raise TypeError(f"candidate_create() got unexpected fields: {sorted(unknown)}")
    fields.setdefault("owner", by)
    candidate = Candidate(**fields)
    candidate.email = candidate.email.strip()
    candidate.phone_digits = phone_digits(candidate.phone)
    candidate.full_clean(validate_unique=False, validate_constraints=False)
    if not allow_duplicate:
        _refuse_duplicates(candidate=candidate, exclude_pk=None)
    candidate.save()
    Activity.objects.create(
        kind=Activity.Kind.NOTE,
        candidate=candidate,
        actor=by,
        summary=f"Added to RecruitCRM by {by} (source: {candidate.get_source_display()})",
    )
    return candidate


@transaction.atomic
def candidate_update(
    *, candidate: Candidate, by: User, allow_duplicate: bool = False, **fields
) -> Candidate:
    unknown = set(fields) - set(CANDIDATE_FIELDS)
    if unknown:
        raise TypeError(f"candidate_update() got unexpected fields: {sorted(unknown)}")
    changed = [name for name, value in fields.items() if getattr(candidate, name) != value]
    for name in changed:
        setattr(candidate, name, fields[name])
    candidate.email = candidate.email.strip()
    candidate.phone_digits = phone_digits(candidate.phone)
    candidate.full_clean(validate_unique=False, validate_constraints=False)
    if not allow_duplicate and {"email", "phone", "first_name", "last_name"} & set(changed):
        _refuse_duplicates(candidate=candidate, exclude_pk=candidate.pk)
    candidate.save()
    if changed:
        Activity.objects.create(
            kind=Activity.Kind.NOTE,
            candidate=candidate,
            actor=by,
            summary=f"Details updated: {', '.join(sorted(changed))}",
        )
    return candidate


def _record_stage_change(
    *, application: Application, from_stage: str, by: User | None, note: str = ""
) -> ApplicationStageChange:
    return ApplicationStageChange.objects.create(
        application=application,
        from_stage=from_stage,
        to_stage=application.stage,
        outcome=application.outcome,
        changed_by=by,
        changed_at=application.stage_changed_at,
        note=note,
    )


def _on_timeline(
    application: Application,
    *,
    by: User | None,
    summary: str,
    body: str = "",
    occurred_at: datetime | None = None,
) -> Activity:
    """The stage-change entry on the candidate's timeline that every pipeline move writes."""
    return Activity.objects.create(
        kind=Activity.Kind.STAGE_CHANGE,
        candidate=application.candidate,
        requisition=application.requisition,
        application=application,
        actor=by,
        occurred_at=occurred_at or timezone.now(),
        summary=summary,
        body=body,
    )


@transaction.atomic
def application_create(
    *,
    candidate: Candidate,
    requisition: Requisition,
    by: User,
    stage: str = Application.Stage.SOURCED,
) -> Application:
    """Add a candidate to a requisition's pipeline."""
    if not requisition.is_active:
        raise ValidationError(
            f"{requisition.title} is {requisition.get_status_display().lower()}; "
            "reopen it before adding candidates."
        )
    if stage == Application.Stage.HIRED:
        raise ValidationError("Record a placement to hire someone.")
    now = timezone.now()
    application = Application(
        candidate=candidate, requisition=requisition, stage=stage, stage_changed_at=now
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ValidationError(
            f"{candidate.name} is already in the pipeline for {requisition.title}."
        ) from None
    stage_change = _record_stage_change(application=application, from_stage="", by=by)
    _on_timeline(
        application,
        by=by,
        summary=f"Added to {requisition.title} as {application.get_stage_display()}",
    )
    followups_on_stage_change(application=application, stage_change=stage_change)
    return application


def _locked(application: Application) -> Application:
    # Two recruiters moving the same card at once must not interleave their history rows.
    return (
        Application.objects.select_for_update()
        .select_related("candidate", "requisition")
        .get(pk=application.pk)
    )


@transaction.atomic
def application_move(
    *, application: Application, stage: str, by: User | None, note: str = ""
) -> Application:
    """Move an active application to another stage, keeping the history."""
    if stage == Application.Stage.HIRED:
        # A hire has a start date, which the congratulations and the check-ins need.
        raise ValidationError("Record the hire with its start date (a placement).")
    application, stage_change = _move(application=application, stage=stage, by=by, note=note)
    if stage_change is not None:
        followups_on_stage_change(application=application, stage_change=stage_change)
    return application


def _move(
    *, application: Application, stage: str, by: User | None, note: str = ""
) -> tuple[Application, ApplicationStageChange | None]:
    application = _locked(application)
    if stage not in Application.Stage.values:
        raise ValidationError(f"Unknown stage {stage!r}.")
    if not application.is_active:
        raise ValidationError(
            f"This application is {application.get_outcome_display().lower()}; reopen it first."
        )
    if application.hired_at is not None and stage != Application.Stage.HIRED:
        raise ValidationError("This candidate was hired; reopen the application to move it back.")
    if stage == application.stage:
        return application, None
    from_stage = application.stage
    application.stage = stage
    application.stage_changed_at = timezone.now()
    if stage == Application.Stage.HIRED:
        application.hired_at = application.stage_changed_at
    application.save(update_fields=["stage", "stage_changed_at", "hired_at"])
    stage_change = _record_stage_change(
        application=application, from_stage=from_stage, by=by, note=note
    )
    _on_timeline(
        application,
        by=by,
        occurred_at=application.stage_changed_at,
        summary=(
            f"{application.requisition.title}: "
            f"{Application.Stage(from_stage).label} → {application.get_stage_display()}"
        ),
        body=note,
    )
    return application, stage_change


@transaction.atomic
def application_close(
    *, application: Application, outcome: str, reason: str, by: User | None
) -> Application:
    """Close an application as rejected or withdrawn; a reason is required."""
    application = _locked(application)
    if outcome not in (Application.Outcome.REJECTED, Application.Outcome.WITHDRAWN):
        raise ValidationError("An application closes as rejected or withdrawn.")
    if not reason.strip():
        raise ValidationError("Say why the application is closing.")
    if not application.is_active:
        raise ValidationError("This application is already closed.")
    application.outcome = outcome
    application.close_reason = reason.strip()
    application.closed_at = timezone.now()
    application.save(update_fields=["outcome", "close_reason", "closed_at"])
    stage_change = ApplicationStageChange.objects.create(
        application=application,
        from_stage=application.stage,
        to_stage=application.stage,
        outcome=outcome,
        changed_by=by,
        changed_at=application.closed_at,
        note=application.close_reason,
    )
    _on_timeline(
        application,
        by=by,
        occurred_at=application.closed_at,
        summary=f"{application.requisition.title}: {application.get_outcome_display()}",
        body=application.close_reason,
    )
    followups_on_application_closed(application=application, stage_change=stage_change)
    return application


@transaction.atomic
def application_reopen(
    *, application: Application, by: User, stage: str | None = None, note: str = ""
) -> Application:
    """Reopen a closed application, or take a hire back down the pipeline."""
    application = _locked(application)
    target = stage or application.stage
    if application.is_active and application.hired_at is None:
        raise ValidationError("This application is already open.")
    if target == Application.Stage.HIRED:
        raise ValidationError("Choose the stage the candidate goes back to.")
    if hasattr(application, "placement") and application.placement.fell_through_at is None:
        raise ValidationError("Mark the placement as fallen through before reopening.")
    from_stage = application.stage
    application.outcome = Application.Outcome.ACTIVE
    application.close_reason = ""
    application.closed_at = None
    application.hired_at = None
    application.stage = target
    application.stage_changed_at = timezone.now()
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ValidationError(
            "The candidate already has an open application for this requisition."
        ) from None
    stage_change = _record_stage_change(
        application=application, from_stage=from_stage, by=by, note=note
    )
    _on_timeline(
        application,
        by=by,
        summary=f"{application.requisition.title}: reopened at {application.get_stage_display()}",
        body=note,
    )
    followups_on_stage_change(application=application, stage_change=stage_change)
    return application


@transaction.atomic
def placement_record(*, application: Application, start_date: date, by: User) -> Placement:
    """Record a hire: the application moves to hired and the placement starts on start_date."""
    application, stage_change = _move(application=application, stage=Application.Stage.HIRED, by=by)
    if Placement.objects.filter(application=application).exists():
        raise ValidationError("This hire already has a placement.")
    placement = Placement.objects.create(
        application=application, start_date=start_date, created_by=by
    )
    Activity.objects.create(
        kind=Activity.Kind.PLACEMENT,
        candidate=application.candidate,
        requisition=application.requisition,
        application=application,
        actor=by,
        summary=f"Placed in {application.requisition.title}, starting {start_date:%d %b %Y}",
    )
    if stage_change is not None:
        followups_on_stage_change(
            application=application, stage_change=stage_change, placement=placement
        )
    followups_on_placement(placement=placement)
    return placement


@transaction.atomic
def placement_fall_through(*, placement: Placement, reason: str, by: User) -> Placement:
    """The hire will not happen (or did not last): its check-ins stop."""
    placement = (
        Placement.objects.select_for_update()
        .select_related("application__candidate", "application__requisition")
        .get(pk=placement.pk)
    )
    if placement.fell_through_at is not None:
        raise ValidationError("This placement has already fallen through.")
    if not reason.strip():
        raise ValidationError("Say why the placement fell through.")
    placement.fell_through_at = timezone.now()
    placement.fell_through_reason = reason.strip()
    placement.save(update_fields=["fell_through_at", "fell_through_reason"])
    application = placement.application
    Activity.objects.create(
        kind=Activity.Kind.PLACEMENT,
        candidate=application.candidate,
        requisition=application.requisition,
        application=application,
        actor=by,
        summary=f"Placement in {application.requisition.title} fell through",
        body=placement.fell_through_reason,
    )
    followups_on_placement_fell_through(placement=placement)
    return placement


@transaction.atomic
def activity_log(
    *,
    kind: str,
    by: User | None,
    summary: str,
    body: str = "",
    candidate: Candidate | None = None,
    hiring_leader: HiringLeader | None = None,
    requisition: Requisition | None = None,
    occurred_at: datetime | None = None,
) -> Activity:
    """Log a call, email, meeting, note or message; contact updates last-contacted."""
    if candidate is None and hiring_leader is None:
        raise ValidationError("An activity is about a candidate or a hiring leader.")
    if not summary.strip():
        raise ValidationError("Say what happened.")
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError("An activity cannot happen in the future; make a commitment.")
    activity = Activity.objects.create(
        kind=kind,
        candidate=candidate,
        hiring_leader=hiring_leader,
        requisition=requisition,
        actor=by,
        occurred_at=occurred_at,
        summary=summary.strip(),
        body=body,
    )
    if kind in Activity.CONTACT_KINDS:
        if candidate is not None:
            Candidate.objects.filter(pk=candidate.pk).contacted(occurred_at)
            followups_on_contact(candidate=candidate)
        if hiring_leader is not None:
            HiringLeader.objects.filter(pk=hiring_leader.pk).contacted(occurred_at)
    return activity


@transaction.atomic
def commitment_make(
    *,
    recruiter: User,
    description: str,
    due_at: datetime,
    candidate: Candidate | None = None,
    hiring_leader: HiringLeader | None = None,
    requisition: Requisition | None = None,
) -> Commitment:
    """Record a promise ("I'll call you Friday") so it stays visible until it is kept."""
    if (candidate is None) == (hiring_leader is None):
        raise ValidationError("A commitment is made to one candidate or one hiring leader.")
    if not description.strip():
        raise ValidationError("Say what you promised.")
    commitment = Commitment.objects.create(
        recruiter=recruiter,
        candidate=candidate,
        hiring_leader=hiring_leader,
        requisition=requisition,
        description=description.strip(),
        due_at=due_at,
    )
    Activity.objects.create(
        kind=Activity.Kind.COMMITMENT,
        candidate=candidate,
        hiring_leader=hiring_leader,
        requisition=requisition,
        actor=recruiter,
        summary=f"Promised: {commitment.description} (by {timezone.localtime(due_at):%a %d %b})",
    )
    followups_on_commitment_made(commitment=commitment)
    return commitment


@transaction.atomic
def commitment_keep(*, commitment: Commitment, by: User) -> Commitment:
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.status == Commitment.Status.KEPT:
        return commitment
    commitment.status = Commitment.Status.KEPT
    commitment.kept_at = timezone.now()
    commitment.save(update_fields=["status", "kept_at"])
    lateness = "late" if commitment.is_late else "on time"
    Activity.objects.create(
        kind=Activity.Kind.COMMITMENT,
        candidate=commitment.candidate,
        hiring_leader=commitment.hiring_leader,
        requisition=commitment.requisition,
        actor=by,
        summary=f"Kept ({lateness}): {commitment.description}",
    )
    followups_on_commitment_kept(commitment=commitment)
    return commitment


# ---------------------------------------------------------------------------------------------
# Taking something back: the "Undo" after an action in the recruiter's queue
# ---------------------------------------------------------------------------------------------


def _last_contact(*, candidate: Candidate | None, hiring_leader: HiringLeader | None):
    """When we were last in touch, from what the timeline still holds."""
    activities = Activity.objects.filter(kind__in=Activity.CONTACT_KINDS)
    if candidate is not None:
        activities = activities.filter(candidate=candidate)
    else:
        activities = activities.filter(hiring_leader=hiring_leader)
    return activities.order_by("-occurred_at").values_list("occurred_at", flat=True).first()


@transaction.atomic
def activity_withdraw(*, activity: Activity, by: User) -> None:
    """Take back an activity someone logged by mistake; last-contacted goes back to what the
    timeline still shows. Only the person who logged it may, and only calls, emails, meetings
    and notes (the rest is the system's record)."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.actor_id != by.pk:
        raise ValidationError("Only the person who logged this can take it back.")
    if activity.kind not in (
        Activity.Kind.CALL,
        Activity.Kind.EMAIL,
        Activity.Kind.MEETING,
        Activity.Kind.NOTE,
    ):
        raise ValidationError("Only a logged call, email, meeting or note can be taken back.")
    candidate, hiring_leader = activity.candidate, activity.hiring_leader
    activity.delete()
    if candidate is not None:
        Candidate.objects.filter(pk=candidate.pk).update(
            last_contacted_at=_last_contact(candidate=candidate, hiring_leader=None)
        )
    if hiring_leader is not None:
        HiringLeader.objects.filter(pk=hiring_leader.pk).update(
            last_contacted_at=_last_contact(candidate=None, hiring_leader=hiring_leader)
        )


@transaction.atomic
def commitment_withdraw(*, commitment: Commitment, by: User) -> None:
    """Take back a promise made by mistake (not one already kept): it leaves the ledger."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.recruiter_id != by.pk:
        raise ValidationError("Only the recruiter who made this promise can take it back.")
    if commitment.status == Commitment.Status.KEPT:
        raise ValidationError("This promise was kept; it stays on the record.")
    followups_on_commitment_kept(commitment=commitment)
    Activity.objects.filter(
        kind=Activity.Kind.COMMITMENT,
        summary__startswith=f"Promised: {commitment.description}",
        candidate=commitment.candidate,
        hiring_leader=commitment.hiring_leader,
        actor=by,
    ).delete()
    commitment.delete()


@transaction.atomic
def commitment_unkeep(*, commitment: Commitment, by: User) -> Commitment:
    """Mark a promise open again, when "kept" was clicked by mistake."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.status != Commitment.Status.KEPT:
        return commitment
    commitment.status = Commitment.Status.OPEN
    commitment.kept_at = None
    commitment.save(update_fields=["status", "kept_at"])
    Activity.objects.create(
        kind=Activity.Kind.COMMITMENT,
        candidate=commitment.candidate,
        hiring_leader=commitment.hiring_leader,
        requisition=commitment.requisition,
        actor=by,
        summary=f"Not kept after all: {commitment.description}",
    )
    return commitment
