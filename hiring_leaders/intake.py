"""Every write to a requisition's intake and its time-to-fill forecasts.

The intake is what the hiring leader told us at kick-off. Until "kick-off done" it is a draft
the recruiter fills as the conversation runs; from then on every save that changes an answer
writes an IntakeVersion (the answers as they stood, which ones changed, who and when), so what
was agreed can always be read back. Kick-off itself writes version 1: the baseline.
"""

from __future__ import annotations

import datetime
import functools

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from hiring_leaders.fill_history import fill_history_changed
from hiring_leaders.forecasts import forecast_suggestion_kept
from hiring_leaders.models import (
    HiringLeader,
    Intake,
    IntakeVersion,
    Requisition,
    TimeToFillForecast,
)
from recruitcrm.joined_rows import Prepared, Table, joined_rows, select_list
from recruitcrm.models import User

# In the order the kick-off conversation runs (the page groups them the same way).
INTAKE_FIELDS = (
    "why_open",
    "team_short_of",
    "retention_problems",
    "success_30_days",
    "success_60_days",
    "success_90_days",
    "must_haves",
    "nice_to_haves",
    "compensation_min",
    "compensation_max",
    "compensation_currency",
    "interview_panel",
    "niche_skills",
    "location_difficulty",
    "pay_vs_market",
)
# Kept on the requisition (the forecast compares like with like by them), versioned with the
# intake's answers because they are agreed in the same conversation.
REQUISITION_INTAKE_FIELDS = ("role_family", "seniority")
# What a leader may fill themselves from their progress page: their own words about the pain.
LEADER_FIELDS = (
    "why_open",
    "team_short_of",
    "success_30_days",
    "success_60_days",
    "success_90_days",
    "must_haves",
)
FIELD_LABELS = {
    "why_open": "why the role is open",
    "team_short_of": "what the team is short of",
    "retention_problems": "retention",
    "success_30_days": "success at 30 days",
    "success_60_days": "success at 60 days",
    "success_90_days": "success at 90 days",
    "must_haves": "must-haves",
    "nice_to_haves": "nice-to-haves",
    "compensation_min": "pay from",
    "compensation_max": "pay up to",
    "compensation_currency": "currency",
    "interview_panel": "interview panel",
    "niche_skills": "niche skills",
    "location_difficulty": "location",
    "pay_vs_market": "pay against the market",
    "role_family": "role family",
    "seniority": "seniority",
}


def intake_of(*, requisition: Requisition) -> Intake:
    """The requisition's intake, or a blank unsaved one (nothing is written by reading)."""
    try:
        found = Intake.objects.get(requisition=requisition)
    except Intake.DoesNotExist:
        return Intake(requisition=requisition)
    found.requisition = requisition  # the one in hand, not another query
    return found


def intake_with_forecasts(*, requisition: Requisition) -> tuple[Intake, list]:
    """What the intake page reads about the role: its intake (as intake_of gives it) and the
    forecasts given for it, first given first, each with who gave it (their name only). One
    statement, prepared once per connection: the ORM's get and select_related cost 1.5 ms of
    Python a visit for two index probes."""
    intake = None
    given = []
    for (found, forecast, by), _ in joined_rows(
        _intake_page_statement(), {"requisition": requisition.pk}, _INTAKE_PAGE_TABLES
    ):
        intake = found
        if forecast is not None:
            forecast.requisition = requisition
            forecast.made_by = by
            given.append(forecast)
    if intake is None:
        intake = Intake(requisition=requisition)
    else:
        intake.requisition = requisition
    return intake, given


_INTAKE_PAGE_TABLES = (
    Table(Intake, "i"),
    Table(TimeToFillForecast, "f"),
    Table(User, "u", fields=("username", "first_name", "last_name")),
)


@functools.cache
def _intake_page_statement() -> Prepared:
    # One row per forecast (the intake on each), or one row with neither: a role's forecasts
    # are a handful. Each join is an index probe whatever the role, hence its generic plan.
    sql = f"""
        SELECT {select_list(_INTAKE_PAGE_TABLES)}
        FROM (SELECT %(requisition)s::bigint AS id) r
        LEFT JOIN {Intake._meta.db_table} i ON i.requisition_id = r.id
        LEFT JOIN {TimeToFillForecast._meta.db_table} f ON f.requisition_id = r.id
        LEFT JOIN {User._meta.db_table} u ON u.id = f.made_by_id
        ORDER BY f.made_at, f.id
    """
    return Prepared("intake_with_forecasts", sql, generic=True)


def answers_of(intake: Intake) -> dict:
    """The snapshot a version keeps: every answer, and the requisition's role family and
    seniority."""
    answers = {name: getattr(intake, name) for name in INTAKE_FIELDS}
    requisition = intake.requisition
    return answers | {name: getattr(requisition, name) for name in REQUISITION_INTAKE_FIELDS}


def _check(answers: dict) -> None:
    low, high = answers.get("compensation_min"), answers.get("compensation_max")
    if low is not None and high is not None and high < low:
        raise ValidationError(
            {"compensation_max": "The top of the range is below its bottom; swap them?"}
        )


def _locked_intake(requisition: Requisition) -> Intake:
    # Two people saving at once (recruiter and leader) must not both take the next number.
    intake, _ = Intake.objects.select_for_update().get_or_create(requisition=requisition)
    intake.requisition = requisition
    return intake


def _write_version(
    intake: Intake,
    *,
    changed: list[str],
    by: User | None,
    by_leader: HiringLeader | None,
    at: datetime.datetime,
) -> IntakeVersion:
    last = intake.versions.aggregate(last=Max("number"))["last"] or 0
    return IntakeVersion.objects.create(
        intake=intake,
        number=last + 1,
        answers=answers_of(intake),
        changed_fields=changed,
        changed_by=by,
        changed_by_leader=by_leader,
        changed_at=at,
    )


@transaction.atomic
def intake_save(
    *,
    requisition: Requisition,
    by: User | None = None,
    by_leader: HiringLeader | None = None,
    **answers,
) -> tuple[Intake, IntakeVersion | None]:
    """Save the answers given (any subset of INTAKE_FIELDS and, for a recruiter, role_family and
    seniority). After kick-off a save that changes something writes a version; a save that
    changes nothing writes none. Returns the intake and the version written, if any."""
    allowed = LEADER_FIELDS if by_leader else INTAKE_FIELDS + REQUISITION_INTAKE_FIELDS
    unknown = set(answers) - set(allowed)
    if unknown:
        raise TypeError(f"intake_save() got fields it may not change: {sorted(unknown)}")
    intake = _locked_intake(requisition)
    before = answers_of(intake)
    _check(before | answers)
    changed = [name for name, value in answers.items() if before.get(name) != value]
    if not changed:
        return intake, None
    now = timezone.now()
    for name in changed:
        target = requisition if name in REQUISITION_INTAKE_FIELDS else intake
        setattr(target, name, answers[name])
    requisition_changes = [n for n in changed if n in REQUISITION_INTAKE_FIELDS]
    if requisition_changes:
        requisition.save(update_fields=[*requisition_changes, "updated_at"])
        if requisition.status == Requisition.Status.FILLED:
            fill_history_changed()
    if by_leader:
        intake.leader_updated_at = now
    intake.save()
    version = None
    if intake.kicked_off_at:
        version = _write_version(intake, changed=changed, by=by, by_leader=by_leader, at=now)
    return intake, version


@transaction.atomic
def intake_kick_off(*, requisition: Requisition, by: User) -> IntakeVersion:
    """The kick-off conversation is over: what was said becomes version 1, the agreed baseline
    every later change is read against."""
    intake = _locked_intake(requisition)
    if intake.kicked_off_at:
        raise ValidationError("The kick-off is already marked done.")
    now = timezone.now()
    intake.kicked_off_at = now
    intake.save(update_fields=["kicked_off_at", "updated_at"])
    return _write_version(intake, changed=[], by=by, by_leader=None, at=now)


# ---------- forecasts ----------


@transaction.atomic
def forecast_record(
    *, requisition: Requisition, low_days: int, high_days: int, reason: str, by: User
) -> TimeToFillForecast:
    """Record the range the recruiter gives the leader, with what the app suggested at that
    moment (kept so calibration can later compare the recruiter's call with the history's)."""
    if low_days < 1:
        raise ValidationError({"low_days": "A forecast starts at one day or more."})
    if high_days < low_days:
        raise ValidationError({"high_days": "The latest day is before the earliest; swap them?"})
    if not reason.strip():
        raise ValidationError({"reason": "Say why: the leader will ask."})
    # What the intake page showed the recruiter (kept until the filled roles change).
    suggestion = forecast_suggestion_kept(requisition=requisition)
    if requisition.status == Requisition.Status.FILLED:
        fill_history_changed()  # calibration judges a filled role's first forecast
    return TimeToFillForecast.objects.create(
        requisition=requisition,
        low_days=low_days,
        high_days=high_days,
        reason=reason.strip(),
        suggested_low_days=suggestion.low if suggestion.enough else None,
        suggested_high_days=suggestion.high if suggestion.enough else None,
        history_count=suggestion.count,
        made_by=by,
        made_at=timezone.now(),
    )


def forecast_overrun_dismiss(*, forecast: TimeToFillForecast, by: User) -> int:
    """The recruiter saw the role is past its forecast and chose not to send a reset: the
    prompt leaves the queue. Returns how many forecasts it marked (0 if already handled)."""
    return TimeToFillForecast.objects.filter(
        pk=forecast.pk, overrun_handled_at__isnull=True
    ).update(overrun_handled_at=timezone.now())


def forecast_overrun_handle(*, requisition: Requisition) -> int | None:
    """An expectation reset about the requisition went to its leader: if the role is past the
    forecast that stands now (the latest), that overrun has been answered; returns that
    forecast's id (None if there was nothing to answer). A reset sent before the overrun
    answers nothing: the prompt must still come when the day passes."""
    standing = requisition.forecasts.order_by("-made_at", "-pk").first()
    today = timezone.localdate()
    if standing is None or (today - requisition.opened_on).days <= standing.high_days:
        return None
    answered = TimeToFillForecast.objects.filter(
        pk=standing.pk, overrun_handled_at__isnull=True
    ).update(overrun_handled_at=timezone.now())
    return standing.pk if answered else None


def forecast_overrun_reopen(*, forecast_id: int) -> int:
    """The reset that answered the overrun was taken back before it went: the prompt returns."""
    return TimeToFillForecast.objects.filter(
        pk=forecast_id, overrun_handled_at__isnull=False
    ).update(overrun_handled_at=None)
