"""The messages RecruitCRM ships, read as their recipients read them: true, kind, and only
promising what the product then does."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from candidates import services as candidate_services
from followups import services as followup_services
from followups.composing import followup_email
from followups.models import Cadence, FollowUp, Trigger
from hiring_leaders import services as requisition_services
from tests.candidates.factories import ApplicationFactory, CandidateFactory

pytestmark = pytest.mark.django_db

State = FollowUp.State
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
MONDAY, WEDNESDAY = 0, 2


def upcoming(weekday: int, *, hour: int) -> datetime.datetime:
    """The next such weekday after today, at that hour UTC: later than anything the test's
    fixtures made, whatever day the run is pinned to."""
    day = timezone.now().date() + datetime.timedelta(days=1)
    while day.weekday() != weekday:
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def read(followup: FollowUp) -> str:
    """What the recipient reads: subject, then the plain-text body."""
    message = followup_email(followup)
    return f"{message.subject}\n\n{message.body}"


def went_out(trigger: str) -> None:
    """The worker sent every email `trigger` scheduled."""
    FollowUp.objects.filter(cadence_step__cadence__trigger=trigger, channel="email").update(
        state=State.SENT, sent_at=timezone.now()
    )


def to_candidates(trigger: str):
    return FollowUp.objects.filter(
        cadence_step__cadence__trigger=trigger, audience="candidate"
    ).select_related("candidate")


@pytest.fixture
def pipeline(requisition):
    """A role with someone at each point of the pipeline, including one hired and one never
    contacted."""
    return {
        stage: ApplicationFactory(
            requisition=requisition,
            stage=stage,
            candidate=CandidateFactory(first_name=stage.title(), time_zone="Asia/Tokyo"),
            hired_at=timezone.now() if stage == "hired" else None,
        )
        for stage in ("sourced", "contacted", "screened", "interviewing", "hired")
    }


class TestStatusUpdates:
    @pytest.mark.parametrize(
        ("stage", "says"),
        [
            ("screened", "if it looks like a match on both sides, I'll put you forward to"),
            ("submitted", "I've put you forward to"),
            ("interviewing", "would like to interview you for the"),
            ("offer", "would like to make you an offer for the"),
        ],
    )
    def test_each_stage_speaks_the_candidates_language(self, requisition, recruiter, stage, says):
        application = ApplicationFactory(requisition=requisition, stage="contacted")
        candidate_services.application_move(application=application, stage=stage, by=recruiter)
        text = read(FollowUp.objects.get(channel="email"))
        assert says in text
        assert requisition.company.name in text
        for internal in ("Sourced", "Contacted", "Screened", "moved to", "(from "):
            assert internal not in text

    def test_nobody_still_at_sourced_hears_from_any_cadence(self, pipeline, requisition, recruiter):
        sourced = pipeline["sourced"]
        requisition_services.requisition_put_on_hold(
            requisition=requisition, reason="Budget review", by=recruiter
        )
        requisition_services.requisition_reopen(requisition=requisition, by=recruiter)
        candidate_services.application_close(
            application=sourced, outcome="rejected", reason="Not a fit", by=recruiter
        )
        assert not FollowUp.objects.filter(candidate=sourced.candidate, audience="candidate")


class TestOnHold:
    def test_candidates_and_the_leader_hear_the_shareable_reason_and_never_the_note(
        self, pipeline, requisition, recruiter
    ):
        requisition_services.requisition_put_on_hold(
            requisition=requisition,
            reason="The budget is being reviewed after a reorganisation",
            internal_note="Hiring manager may be leaving; do not mention",
            by=recruiter,
        )
        told = to_candidates(Trigger.REQUISITION_ON_HOLD)
        assert {f.candidate.first_name for f in told} == {"Contacted", "Screened", "Interviewing"}
        leader = FollowUp.objects.get(
            cadence_step__cadence__trigger=Trigger.REQUISITION_ON_HOLD, audience="hiring_leader"
        )
        for followup in [*told, leader]:
            text = read(followup)
            assert "The budget is being reviewed after a reorganisation" in text
            assert "leaving" not in text
            assert "do not mention" not in text
        # Who hears it, as the rule decides: not the people still at "sourced".
        assert "Everyone in the pipeline I have contacted, screened or put forward to you " in (
            read(leader)
        )

    def test_the_internal_note_is_kept_for_recruiters_and_hidden_from_the_leader(
        self, client, requisition, recruiter, leader
    ):
        requisition_services.requisition_put_on_hold(
            requisition=requisition,
            reason="Budget review",
            internal_note="Hiring manager may be leaving",
            by=recruiter,
        )
        requisition.refresh_from_db()
        assert requisition.status_note == "Hiring manager may be leaving"
        note = requisition.activities.get(summary__startswith="Internal note")
        assert note.hiring_leader is None
        client.force_login(leader.user)
        page = client.get(
            reverse("hiring_leaders:requisition_detail", args=[requisition.pk])
        ).content.decode()
        assert "Budget review" in page
        assert "leaving" not in page

    def test_the_promise_to_tell_them_either_way_is_kept_when_the_role_reopens(
        self, pipeline, requisition, recruiter
    ):
        requisition_services.requisition_put_on_hold(
            requisition=requisition, reason="Budget review", by=recruiter
        )
        assert "whichever way it goes" in read(to_candidates(Trigger.REQUISITION_ON_HOLD)[0])
        went_out(Trigger.REQUISITION_ON_HOLD)
        requisition_services.requisition_reopen(requisition=requisition, by=recruiter)
        reopened = to_candidates(Trigger.REQUISITION_REOPENED)
        assert {f.candidate.first_name for f in reopened} == {
            "Contacted",
            "Screened",
            "Interviewing",
        }
        text = read(reopened[0])
        assert "has reopened the" in text
        assert reopened[0].due_at <= timezone.now()

    def test_reopened_before_the_hold_news_went_nobody_hears_of_either(
        self, pipeline, requisition, recruiter
    ):
        requisition_services.requisition_put_on_hold(
            requisition=requisition, reason="Budget review", by=recruiter
        )
        # Only the hold's note to "Screened" went before the role reopened a minute later.
        told = to_candidates(Trigger.REQUISITION_ON_HOLD).get(candidate__first_name="Screened")
        FollowUp.objects.filter(pk=told.pk).update(state=State.SENT, sent_at=timezone.now())

        plan = followup_services.followups_plan_requisition_change(
            requisition=requisition, status="open"
        )
        requisition_services.requisition_reopen(requisition=requisition, by=recruiter)

        reopened = to_candidates(Trigger.REQUISITION_REOPENED)
        assert [f.candidate.first_name for f in reopened] == ["Screened"]
        # The "are you sure?" page said so before it happened.
        assert [f.candidate.first_name for f in plan if f.candidate] == ["Screened"]
        unsent = to_candidates(Trigger.REQUISITION_ON_HOLD).exclude(pk=told.pk)
        assert set(unsent.values_list("state", flat=True)) == {State.CANCELLED}


class TestRoleClosed:
    def test_filling_the_role_tells_everyone_else_kindly_the_next_morning(
        self, pipeline, requisition, recruiter
    ):
        wednesday = upcoming(WEDNESDAY, hour=3)  # 12:00 in Tokyo
        with time_machine.travel(wednesday):
            requisition_services.requisition_fill(requisition=requisition, by=recruiter)
        told = to_candidates(Trigger.REQUISITION_FILLED)
        # Not the hire, not the never-contacted.
        assert {f.candidate.first_name for f in told} == {"Contacted", "Screened", "Interviewing"}
        local = timezone.localtime(told[0].due_at, TOKYO)
        assert (local.date(), local.hour) == (wednesday.date() + datetime.timedelta(days=1), 10)
        text = read(told[0])
        assert "has filled the" in text
        assert "I'm sorry it isn't with you this time" in text

    def test_a_filled_note_still_waiting_is_cancelled_when_the_role_reopens(
        self, pipeline, requisition, recruiter
    ):
        requisition_services.requisition_fill(requisition=requisition, by=recruiter)
        requisition_services.requisition_reopen(requisition=requisition, by=recruiter)
        assert set(to_candidates(Trigger.REQUISITION_FILLED).values_list("state", flat=True)) == {
            State.CANCELLED
        }

    def test_cancelling_says_why_in_shareable_words_only(self, pipeline, requisition, recruiter):
        requisition_services.requisition_cancel(
            requisition=requisition,
            reason="The team is being merged into Platform",
            internal_note="Client is cutting agency spend",
            by=recruiter,
        )
        text = read(to_candidates(Trigger.REQUISITION_CANCELLED)[0])
        assert "decided not to go ahead with the" in text
        assert "The team is being merged into Platform" in text
        assert "agency spend" not in text
        assert "not about you" in text


class TestRejection:
    def test_a_rejected_candidate_gets_a_respectful_note_two_days_later(self, pipeline, recruiter):
        screened = pipeline["screened"]
        wednesday = upcoming(WEDNESDAY, hour=9)  # 18:00 in Tokyo
        with time_machine.travel(wednesday):
            candidate_services.application_close(
                application=screened, outcome="rejected", reason="Not a fit", by=recruiter
            )
        note = FollowUp.objects.get(cadence_step__cadence__trigger=Trigger.APPLICATION_CLOSED)
        local = timezone.localtime(note.due_at, TOKYO)
        friday = wednesday.date() + datetime.timedelta(days=2)
        assert (local.date(), local.hour, local.minute) == (friday, 10, 0)
        text = read(note)
        assert "decided not to take your application further" in text
        assert "Not a fit" not in text  # the recruiter's reason is theirs

    def test_the_delay_is_the_admins_to_change(self, pipeline, recruiter):
        step = Cadence.objects.get(trigger=Trigger.APPLICATION_CLOSED).steps.get()
        step.offset_days = 5
        step.save()
        monday = upcoming(MONDAY, hour=9)
        with time_machine.travel(monday):
            candidate_services.application_close(
                application=pipeline["screened"], outcome="rejected", reason="x", by=recruiter
            )
        note = FollowUp.objects.get(cadence_step=step)
        # Five days on is a Saturday: the note waits for Monday.
        next_monday = monday.date() + datetime.timedelta(days=7)
        assert timezone.localtime(note.due_at, TOKYO).date() == next_monday

    def test_someone_who_withdrew_is_not_told_we_are_not_moving_forward(self, pipeline, recruiter):
        candidate_services.application_close(
            application=pipeline["screened"],
            outcome="withdrawn",
            reason="Took another job",
            by=recruiter,
        )
        assert not FollowUp.objects.filter(
            cadence_step__cadence__trigger=Trigger.APPLICATION_CLOSED
        ).exists()

    def test_someone_never_contacted_is_not_sent_a_rejection(self, pipeline, recruiter):
        candidate_services.application_close(
            application=pipeline["sourced"], outcome="rejected", reason="x", by=recruiter
        )
        assert not FollowUp.objects.exists()


class TestCheckIns:
    def test_check_in_emails_say_who_sees_the_answer_and_who_does_not(self, requisition, recruiter):
        application = ApplicationFactory(requisition=requisition, stage="offer")
        placement = candidate_services.placement_record(
            application=application, start_date=timezone.localdate(), by=recruiter
        )
        checkins = FollowUp.objects.filter(
            placement=placement, cadence_step__cadence__trigger=Trigger.PLACEMENT_STARTED
        )
        to_hire = read(checkins.filter(audience="new_hire").first())
        to_leader = read(checkins.filter(audience="hiring_leader").first())
        assert "only I see it" not in to_hire
        assert f"not to {requisition.company.name}" in to_hire
        assert f"not to {application.candidate.first_name}" in to_leader


def test_every_shipped_email_renders_for_its_recipient(shipped_cadences):
    from followups.messages import render_message, sample_context

    for cadence in Cadence.objects.prefetch_related("steps__template"):
        for step in cadence.steps.all():
            rendered = render_message(
                subject=step.template.subject, body=step.template.body, context=sample_context()
            )
            assert rendered.subject, step.template.name
            assert rendered.text, step.template.name
            assert step.template.kind == step.channel, step.template.name
