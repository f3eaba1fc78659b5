"""The demo agency's intakes and time-to-fill forecasts (issue 9 §1-2), played after its roles
are opened and closed (sample_data.demo_seed).

- Every role is filed under a role family and seniority read from its title (the same rule as
  the bench data set), so the forecast compares like with like.
- Three roles the agency filled before the story begins (plain rows, no pipelines: history
  imported from the old spreadsheet), so maya's mid-level engineering roles have enough similar
  fills for a suggested range, while other roles show "too little history".
- Each filled role has the forecast given at its intake, some inside the actual, some not, so
  the calibration page has a plot worth reading.
- maya's open roles have kicked-off intakes and forecasts; "Senior Data Engineer" (leader Lee
  Harper, login "lee") has the whole conversation with versions by maya and by Lee; the
  oldest open role has run past its forecast, so Today shows "Past its forecast".
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from hiring_leaders import intake
from hiring_leaders.forecasts import forecast_suggestion
from hiring_leaders.models import Intake, IntakeVersion, Requisition, TimeToFillForecast
from sample_data.dataset import family_and_seniority

if TYPE_CHECKING:
    from sample_data.demo_seed import _Story

# (title, days before today it closed, days it took): engineering, mid-level, at the company
# with the most engineering roles.
EARLIER_FILLS = (
    ("Controls Engineer", 140, 58),
    ("Firmware Engineer", 290, 71),
    ("Test Automation Engineer", 470, 49),
)
# How the forecast at intake compared with what happened, per filled role in turn.
FILLED_OUTCOMES = (
    "inside",
    "late",
    "inside",
    "early",
    "late",
    "inside",
    "inside",
    "late",
    "inside",
)

FULL_INTAKE_TITLE = "Senior Data Engineer"
FULL_INTAKE = {
    "why_open": "growth",
    "team_short_of": (
        "Nobody owns the data pipeline end to end: the two engineers who built it moved to the "
        "patient app, so every broken nightly load waits for whoever is free."
    ),
    "retention_problems": (
        "One data engineer left in the spring: on call every other week with no senior to "
        "escalate to."
    ),
    "success_30_days": "Knows every nightly job and who depends on it; on the on-call rota.",
    "success_60_days": "Has fixed the two loads that fail most often.",
    "success_90_days": "Owns the pipeline: the team stops paging Lee about data.",
    "must_haves": (
        "Python for data pipelines in production\nPostgreSQL at scale (tuning, partitioning)\n"
        "Has owned on-call for a data platform"
    ),
    "nice_to_haves": "dbt\nHL7 / FHIR health data",
    "compensation_min": 72000,
    "compensation_max": 88000,
    "compensation_currency": "EUR",
    "interview_panel": "Lee Harper, Head of Engineering\nMarta Silva, Staff Data Engineer",
    "niche_skills": "Health data standards (FHIR) on top of the data engineering.",
    "location_difficulty": "Two days a week in the office.",
    "pay_vs_market": "at",
}
SHORT_MUST_HAVES = {
    "engineering": "Ships production code in the team's main language\nWrites tests first",
    "data": "SQL beyond the basics\nExplains a model to people who are not data scientists",
}


def play(story: _Story) -> None:
    _file_roles(story)
    _earlier_fills(story)
    _forecasts_for_filled_roles(story)
    _intakes_for_open_roles(story)


def _file_roles(story: _Story) -> None:
    for role in story.roles:
        family, seniority = family_and_seniority(role.requisition.title)
        Requisition.objects.filter(pk=role.requisition.pk).update(
            role_family=family, seniority=seniority
        )
        role.requisition.role_family, role.requisition.seniority = family, seniority


def _earlier_fills(story: _Story) -> None:
    home = next(r for r in story.roles if r.spec.title == "Hardware Test Engineer").requisition
    for title, closed_ago, took in EARLIER_FILLS:
        closed_on = story.today - timedelta(days=closed_ago)
        filled = Requisition.objects.create(
            title=title,
            company=home.company,
            hiring_leader=home.hiring_leader,
            recruiter=home.recruiter,
            status=Requisition.Status.FILLED,
            location=home.location,
            role_family="engineering",
            seniority="mid",
            opened_on=closed_on - timedelta(days=took),
            closed_on=closed_on,
            intake_notes="Filled before RecruitCRM: imported from the old tracking sheet.",
        )
        _forecast_for(story, filled, outcome="inside" if closed_ago < 300 else "late")


def _forecast_for(story: _Story, requisition: Requisition, *, outcome: str) -> None:
    actual = (requisition.closed_on - requisition.opened_on).days
    if outcome == "inside":
        low, high = max(1, actual - story.rng.randint(5, 20)), actual + story.rng.randint(5, 25)
    elif outcome == "late":
        high = max(2, actual - story.rng.randint(8, 30))
        low = max(1, high - story.rng.randint(15, 30))
    else:
        low = actual + story.rng.randint(5, 20)
        high = low + story.rng.randint(15, 30)
    TimeToFillForecast.objects.create(
        requisition=requisition,
        low_days=low,
        high_days=high,
        reason="What the market gave us for similar roles last year.",
        made_by=requisition.recruiter,
        made_at=_moment(requisition.opened_on + timedelta(days=7)),
    )


def _forecasts_for_filled_roles(story: _Story) -> None:
    filled = [r.requisition for r in story.roles if r.spec.status == "filled"]
    for requisition, outcome in zip(filled, FILLED_OUTCOMES, strict=False):
        requisition.refresh_from_db(fields=["closed_on", "opened_on"])
        _forecast_for(story, requisition, outcome=outcome)


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=11))


def _intakes_for_open_roles(story: _Story) -> None:
    maya = story.users["maya"]
    mine = [
        r.requisition
        for r in story.roles
        if r.spec.status == "open" and r.requisition.recruiter_id == maya.pk
    ]
    oldest = min(mine, key=lambda r: r.opened_on)
    for requisition in mine:
        kick_off = _moment(requisition.opened_on + timedelta(days=2))
        if requisition.title == FULL_INTAKE_TITLE:
            _full_intake(story, requisition, kick_off)
        else:
            intake.intake_save(
                requisition=requisition,
                by=maya,
                why_open="growth" if requisition.openings > 1 else "backfill",
                must_haves=SHORT_MUST_HAVES.get(requisition.role_family, ""),
            )
            _kick_off(requisition, maya, kick_off)
        _open_role_forecast(story, requisition, oldest=requisition == oldest, at=kick_off)


def _kick_off(requisition: Requisition, by, at: datetime) -> None:
    version = intake.intake_kick_off(requisition=requisition, by=by)
    Intake.objects.filter(requisition=requisition).update(kicked_off_at=at)
    IntakeVersion.objects.filter(pk=version.pk).update(changed_at=at)


def _full_intake(story: _Story, requisition: Requisition, kick_off: datetime) -> None:
    maya, lee = story.users["maya"], requisition.hiring_leader
    answers = dict(FULL_INTAKE)
    first_must_haves = answers.pop("must_haves").rsplit("\n", 1)[0]
    intake.intake_save(requisition=requisition, by=maya, must_haves=first_must_haves, **answers)
    _kick_off(requisition, maya, kick_off)
    later = [kick_off + timedelta(days=6, hours=3), kick_off + timedelta(days=9, hours=5)]
    _, version = intake.intake_save(
        requisition=requisition, by=maya, must_haves=FULL_INTAKE["must_haves"]
    )
    IntakeVersion.objects.filter(pk=version.pk).update(changed_at=min(later[0], story.latest))
    _, version = intake.intake_save(
        requisition=requisition,
        by_leader=lee,
        success_90_days=FULL_INTAKE["success_90_days"] + " On call without escalating to me.",
    )
    IntakeVersion.objects.filter(pk=version.pk).update(changed_at=min(later[1], story.latest))
    Intake.objects.filter(requisition=requisition).update(
        leader_updated_at=min(later[1], story.latest)
    )


def _open_role_forecast(story, requisition: Requisition, *, oldest: bool, at: datetime) -> None:
    suggestion = forecast_suggestion(requisition=requisition)
    days_open = (story.today - requisition.opened_on).days
    if oldest and days_open > 20:
        # Past its forecast: Today prompts maya to reset the leader's expectations.
        low, high = max(1, days_open - 45), days_open - 9
        reason = "A common profile in a busy market; we expected a quick search."
    elif suggestion.enough:
        low, high = suggestion.low, max(suggestion.high, days_open + 10)
        reason = (
            f"Our {suggestion.count} similar fills took {suggestion.low}-{suggestion.high} days."
        )
    else:
        low, high = max(days_open + 10, 45), max(days_open + 40, 90)
        reason = "Little history for this kind of role: a wide range, to be narrowed in a month."
    made = intake.forecast_record(
        requisition=requisition,
        low_days=low,
        high_days=high,
        reason=reason,
        by=requisition.recruiter,
    )
    TimeToFillForecast.objects.filter(pk=made.pk).update(made_at=at)
