"""Every trigger, every audience it can reach: each follow-up takes its time zone, its address
and its opt-out from the person it is addressed to, never from someone else in the story.

The cast is chosen so a mix-up shows: the candidate lives in Tokyo, the hiring leader in Los
Angeles and the recruiter in Berlin; in one variant the candidate has no email address, in the
other the hiring leader has opted out.
"""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from candidates import services as candidate_services
from followups import services
from followups.models import Audience, Cadence, FollowUp, Trigger
from followups.services.configuration import AUDIENCES_BY_TRIGGER
from hiring_leaders import services as requisition_services
from tests.candidates.factories import ApplicationFactory, CandidateFactory
from tests.followups.factories import CadenceFactory, CadenceStepFactory
from tests.hiring_leaders.factories import HiringLeaderFactory, RequisitionFactory
from tests.recruitcrm.factories import RecruiterFactory

pytestmark = pytest.mark.django_db

ZONES = {
    Audience.CANDIDATE: "Asia/Tokyo",
    Audience.NEW_HIRE: "Asia/Tokyo",
    Audience.HIRING_LEADER: "America/Los_Angeles",
    Audience.RECRUITER: "Europe/Berlin",
}
SEND_AT = datetime.time(10, 0)


def _cast(variant: str):
    recruiter = RecruiterFactory(time_zone=ZONES[Audience.RECRUITER])
    leader = HiringLeaderFactory(
        time_zone=ZONES[Audience.HIRING_LEADER],
        opted_out_at=timezone.now() if variant == "leader-opted-out" else None,
    )
    requisition = RequisitionFactory(
        hiring_leader=leader, company=leader.company, recruiter=recruiter
    )
    candidate = CandidateFactory(
        owner=recruiter,
        time_zone=ZONES[Audience.CANDIDATE],
        email="" if variant == "candidate-without-email" else "kenji@example.jp",
        last_contacted_at=timezone.now() - datetime.timedelta(days=10),
    )
    application = ApplicationFactory(
        candidate=candidate,
        requisition=requisition,
        stage="offer",
        stage_changed_at=timezone.now() - datetime.timedelta(days=12),
    )
    return recruiter, leader, requisition, candidate, application


def _fire(trigger, audience, recruiter, leader, requisition, candidate, application):
    match trigger:
        case Trigger.STAGE_ENTERED:
            candidate_services.application_move(
                application=application, stage="interviewing", by=recruiter
            )
        case Trigger.APPLICATION_CLOSED:
            candidate_services.application_close(
                application=application, outcome="rejected", reason="Not a fit", by=recruiter
            )
        case Trigger.REQUISITION_ON_HOLD:
            requisition_services.requisition_put_on_hold(
                requisition=requisition, reason="Budget review", by=recruiter
            )
        case Trigger.REQUISITION_REOPENED:
            # A candidate hears the role reopened only once they heard it stopped.
            Cadence.objects.filter(trigger=Trigger.REQUISITION_ON_HOLD).update(enabled=True)
            requisition_services.requisition_put_on_hold(
                requisition=requisition, reason="Budget review", by=recruiter
            )
            hold = FollowUp.objects.filter(
                cadence_step__cadence__trigger=Trigger.REQUISITION_ON_HOLD
            )
            hold.filter(channel="email").update(state="sent", sent_at=timezone.now())
            hold.filter(channel="task").update(state="done")
            requisition_services.requisition_reopen(requisition=requisition, by=recruiter)
        case Trigger.REQUISITION_FILLED:
            # A finalist still interviewing hears it (one holding an offer is hired or closed
            # before a role can be marked filled).
            application.stage = "interviewing"
            application.save(update_fields=["stage"])
            requisition_services.requisition_fill(requisition=requisition, by=recruiter)
        case Trigger.REQUISITION_CANCELLED:
            requisition_services.requisition_cancel(
                requisition=requisition, reason="Reorganised", by=recruiter
            )
        case Trigger.PLACEMENT_STARTED:
            candidate_services.placement_record(
                application=application,
                start_date=timezone.localdate() + datetime.timedelta(days=14),
                by=recruiter,
            )
        case Trigger.REQUISITION_OPEN_WEEKLY:
            services.followups_schedule_weekly_update(requisition=requisition)
        case Trigger.CANDIDATE_UNTOUCHED:
            services.followups_schedule_recurring()
        case Trigger.COMMITMENT_DUE:
            to_leader = audience == Audience.HIRING_LEADER
            candidate_services.commitment_make(
                recruiter=recruiter,
                description="Send the interview schedule",
                due_at=timezone.now() + datetime.timedelta(days=3),
                candidate=None if to_leader else candidate,
                hiring_leader=leader if to_leader else None,
            )
        case _:
            raise AssertionError(f"no scenario for {trigger}")


CASES = [
    pytest.param(trigger, audience, id=f"{trigger}-{audience}")
    for trigger in Trigger.values
    for audience in AUDIENCES_BY_TRIGGER[trigger]
]


@pytest.mark.parametrize("variant", ["candidate-without-email", "leader-opted-out"])
@pytest.mark.parametrize(("trigger", "audience"), CASES)
def test_each_row_is_timed_and_addressed_for_its_own_recipient(trigger, audience, variant):
    Cadence.objects.update(enabled=False)  # only the cadence under test
    extra = {"weekday": 2} if trigger == Trigger.REQUISITION_OPEN_WEEKLY else {}
    extra |= {"quiet_days": 7} if trigger == Trigger.CANDIDATE_UNTOUCHED else {}
    channel = "task" if audience == Audience.RECRUITER else "email"
    step = CadenceStepFactory(
        cadence=CadenceFactory(trigger=trigger, **extra),
        audience=audience,
        channel=channel,
        offset_days=1,
        send_time=SEND_AT,
        task_if_opted_out=channel == "email",
    )
    cast = _cast(variant)
    recruiter, leader, _, candidate, _ = cast

    _fire(trigger, audience, *cast)

    row = FollowUp.objects.get(cadence_step=step)
    local = timezone.localtime(row.due_at, zoneinfo.ZoneInfo(ZONES[audience]))
    assert (local.time(), local.weekday() < 5) == (SEND_AT, True), (
        f"due {row.due_at:%Y-%m-%d %H:%M} UTC is {local:%a %H:%M} in {ZONES[audience]}"
    )
    blocked = {
        Audience.CANDIDATE: variant == "candidate-without-email",
        Audience.NEW_HIRE: variant == "candidate-without-email",
        Audience.HIRING_LEADER: variant == "leader-opted-out",
        Audience.RECRUITER: False,
    }[audience]
    if audience == Audience.RECRUITER:
        assert (row.channel, row.recruiter) == ("task", recruiter)
    elif blocked:
        # A task for the recruiter instead, naming who could not be reached and why.
        person = leader if audience == Audience.HIRING_LEADER else candidate
        assert row.channel == "task"
        assert row.task_title.startswith(person.name)
    else:
        assert (row.channel, row.state, row.note) == ("email", "scheduled", "")
        assert row.person == (leader if audience == Audience.HIRING_LEADER else candidate)


def test_every_trigger_has_a_scenario_here():
    # A new trigger must join the matrix above, not slip past it.
    assert {trigger for trigger, _ in (case.values for case in CASES)} == set(Trigger.values)
