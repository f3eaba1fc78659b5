"""The scheduling rules hold whatever day it is: each test runs with "today" on every weekday and
on a day whose day 90 crosses both daylight-saving changes and several month ends (the any_day
fixture, tests/clock.py). Expected times come from the business-day rule written out here, not
from the code under test."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from candidates import services as candidate_services
from followups import services
from followups.models import FollowUp, Trigger
from hiring_leaders import services as requisition_services
from tests.candidates.factories import ApplicationFactory, CandidateFactory
from tests.hiring_leaders.factories import HiringLeaderFactory, RequisitionFactory

pytestmark = pytest.mark.django_db

HIRE_ZONE, LEADER_ZONE = "Europe/London", "America/Los_Angeles"


def business_day_at(day: datetime.date, at: datetime.time, zone: str) -> datetime.datetime:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, at, tzinfo=zoneinfo.ZoneInfo(zone))


def local_today(zone: str) -> datetime.date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(zone)).date()


@pytest.fixture
def role(recruiter):
    leader = HiringLeaderFactory(time_zone=LEADER_ZONE)
    return RequisitionFactory(hiring_leader=leader, company=leader.company, recruiter=recruiter)


def hire_in(role, stage="offer"):
    candidate = CandidateFactory(time_zone=HIRE_ZONE, owner=role.recruiter)
    return ApplicationFactory(candidate=candidate, requisition=role, stage=stage)


def test_check_ins_land_on_day_30_60_and_90_at_ten_on_a_business_day(any_day, role):
    application = hire_in(role)
    start = timezone.localdate()
    placement = candidate_services.placement_record(
        application=application, start_date=start, by=role.recruiter
    )
    rows = FollowUp.objects.filter(
        placement=placement, cadence_step__cadence__trigger=Trigger.PLACEMENT_STARTED
    )
    got = {(f.audience, f.cadence_step.offset_days, f.due_at) for f in rows}
    ten = datetime.time(10)
    assert got == {
        (audience, day, business_day_at(start + datetime.timedelta(days=day), ten, zone))
        for day in (30, 60, 90)
        for audience, zone in (("new_hire", HIRE_ZONE), ("hiring_leader", LEADER_ZONE))
    }
    assert all(f.state == FollowUp.State.SCHEDULED for f in rows)


def test_the_rejection_note_waits_two_days_then_ten_on_a_business_day(any_day, role):
    application = hire_in(role, stage="interviewing")
    candidate_services.application_close(
        application=application, outcome="rejected", reason="Not a fit", by=role.recruiter
    )
    note = FollowUp.objects.get(cadence_step__cadence__trigger=Trigger.APPLICATION_CLOSED)
    expected = business_day_at(
        local_today(HIRE_ZONE) + datetime.timedelta(days=2), datetime.time(10), HIRE_ZONE
    )
    assert note.due_at == expected


def test_other_candidates_hear_the_role_was_filled_the_next_business_morning(any_day, role):
    application = hire_in(role, stage="interviewing")
    requisition_services.requisition_fill(requisition=role, by=role.recruiter)
    told = FollowUp.objects.get(
        cadence_step__cadence__trigger=Trigger.REQUISITION_FILLED, candidate=application.candidate
    )
    expected = business_day_at(
        local_today(HIRE_ZONE) + datetime.timedelta(days=1), datetime.time(10), HIRE_ZONE
    )
    assert told.due_at == expected


def test_the_weekly_update_is_the_next_friday_at_three_in_the_leaders_zone(any_day, role):
    services.followups_schedule_weekly_update(requisition=role)
    weekly = FollowUp.objects.get(cadence_step__cadence__trigger=Trigger.REQUISITION_OPEN_WEEKLY)
    local = weekly.due_at.astimezone(zoneinfo.ZoneInfo(LEADER_ZONE))
    assert (local.weekday(), local.time()) == (4, datetime.time(15))
    assert timezone.now() < weekly.due_at <= timezone.now() + datetime.timedelta(days=7)


def _silent_for(role, days: float):
    quiet = hire_in(role, stage="screened")
    quiet.stage_changed_at = timezone.now() - datetime.timedelta(days=days + 3)
    quiet.save(update_fields=["stage_changed_at"])
    candidate = quiet.candidate
    candidate.last_contacted_at = timezone.now() - datetime.timedelta(days=days)
    candidate.save(update_fields=["last_contacted_at"])
    return candidate


def _quiet_rows():
    rows = FollowUp.objects.filter(cadence_step__cadence__trigger=Trigger.CANDIDATE_UNTOUCHED)
    return rows.get(channel="task"), rows.get(channel="email")


def next_ten_oclock(after: datetime.datetime, zone: str) -> datetime.datetime:
    local = after.astimezone(zoneinfo.ZoneInfo(zone))
    ten = business_day_at(local.date(), datetime.time(10), zone)
    if ten < after:
        ten = business_day_at(local.date() + datetime.timedelta(days=1), datetime.time(10), zone)
    return ten


def test_a_candidate_silent_for_eight_days_is_on_the_list_and_hears_where_things_stand(
    any_day, role
):
    candidate = _silent_for(role, days=8)
    services.followups_schedule_recurring()
    task, note = _quiet_rows()
    assert (task.candidate, task.due_at) == (candidate, task.created_at)
    assert (note.candidate, note.due_at) == (candidate, next_ten_oclock(timezone.now(), HIRE_ZONE))


def test_a_silence_shows_two_days_before_its_automatic_note_goes(any_day, role):
    candidate = _silent_for(role, days=5)
    services.followups_schedule_recurring()
    task, note = _quiet_rows()
    seventh_day = candidate.last_contacted_at + datetime.timedelta(days=7)
    assert task.due_at == seventh_day
    local_day = seventh_day.astimezone(zoneinfo.ZoneInfo(HIRE_ZONE)).date()
    expected = business_day_at(local_day, datetime.time(10), HIRE_ZONE)
    assert note.due_at == max(expected, next_ten_oclock(timezone.now(), HIRE_ZONE))
