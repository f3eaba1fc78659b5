"""The pipeline: a candidate added to a requisition, moved through its stages, closed with a
reason, reopened, hired. Every move keeps its history and tells the follow-up engine.

Other apps call these through candidates.services, which re-exports them.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from candidates.models import (
    Activity,
    Application,
    ApplicationStageChange,
    Candidate,
    Placement,
)
from followups.models import FollowUp
from followups.services import (
    followups_on_application_closed,
    followups_on_move_undone,
    followups_on_placement,
    followups_on_placement_fell_through,
    followups_on_stage_change,
)
from hiring_leaders.models import Requisition
from recruitcrm.models import User


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


def closed_here(*, candidate: Candidate, requisition: Requisition) -> str | None:
    """Why the candidate cannot be added to this role afresh, if their application to it was
    closed: the recruiter reopens that one, so the role has one pipeline for them, with its
    history, and not a second beside a "Rejected"."""
    closed = (
        Application.objects.filter(candidate=candidate, requisition=requisition)
        .exclude(outcome=Application.Outcome.ACTIVE)
        .first()
    )
    if closed is None:
        return None
    return (
        f"{candidate.name} was {closed.get_outcome_display().lower()} for "
        f"{requisition.title}: reopen that application on their page instead."
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
    closed = closed_here(candidate=candidate, requisition=requisition)
    if closed is not None:
        raise ValidationError(closed)
    now = timezone.now()
    application = Application(
        candidate=candidate,
        requisition=requisition,
        stage=stage,
        stage_changed_at=now,
        candidate_last_name=candidate.last_name,
        candidate_first_name=candidate.first_name,
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


@transaction.atomic
def application_move_undo(
    *, stage_change: ApplicationStageChange, stage_changed_before: datetime, by: User
) -> tuple[Application, list[FollowUp]]:
    """Take back a move made by mistake, as if it had not been made: the card back at its
    stage since its earlier moment, the move off the timeline and the history, its status
    emails not sent if they have not gone (they wait UNDO_SECONDS for this), the reminders it
    ended back. Only while nothing has moved the candidate since. Returns the application and
    the emails that had already gone, which the recruiter may want to explain."""
    application = _locked(stage_change.application)
    moved_since = ApplicationStageChange.objects.filter(
        application__candidate=application.candidate_id, pk__gt=stage_change.pk
    )
    if (
        not stage_change.from_stage
        or not application.is_active
        or application.stage != stage_change.to_stage
        or moved_since.exists()
    ):
        raise ValidationError(
            f"{application.candidate.name}\u2019s pipeline has changed since; "
            "move them by hand instead."
        )
    application.stage = stage_change.from_stage
    application.stage_changed_at = stage_changed_before
    application.save(update_fields=["stage", "stage_changed_at"])
    Activity.objects.filter(
        kind=Activity.Kind.STAGE_CHANGE,
        application=application,
        occurred_at=stage_change.changed_at,
    ).delete()
    gone = followups_on_move_undone(application=application, stage_change=stage_change)
    stage_change.delete()
    return application, gone


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
    requisition = application.requisition
    # A filled or cancelled role's candidates were told it closed; a move would send them the
    # next stage's news. (A hire recorded after the role was marked filled still counts.)
    if stage != Application.Stage.HIRED and not requisition.is_active:
        raise ValidationError(
            f"{requisition.title} is {requisition.get_status_display().lower()}: "
            "reopen the role to move its candidates."
        )
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
