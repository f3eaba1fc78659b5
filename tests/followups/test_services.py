"""Which changes schedule which touches, and which changes cancel them."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from candidates import services as candidate_services
from candidates.models import Application
from followups import services
from followups.composing import followup_email
from followups.models import Cadence, FollowUp
from hiring_leaders import services as requisition_services
from tests.candidates.factories import ApplicationFactory, CandidateFactory
from tests.followups.factories import CadenceFactory, CadenceStepFactory, cadence_with_step
from tests.hiring_leaders.factories import HiringLeaderFactory, RequisitionFactory

pytestmark = pytest.mark.django_db

State = FollowUp.State
MONDAY_9AM = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


def scheduled(**filters):
    return FollowUp.objects.filter(state=State.SCHEDULED, **filters)


def by_template(name, **filters):
    return FollowUp.objects.filter(template__name=name, **filters)


@pytest.fixture
def application(requisition, candidate):
    return ApplicationFactory(requisition=requisition, candidate=candidate, stage="screened")


class TestStageChanges:
    def test_a_move_sends_the_candidate_the_update_written_for_that_stage(
        self, application, recruiter
    ):
        candidate_services.application_move(
            application=application, stage="submitted", by=recruiter
        )
        update = by_template("Status update: submitted (candidate)").get()
        assert (update.candidate, update.channel, update.state) == (
            application.candidate,
            "email",
            "scheduled",
        )
        assert update.facts == {"stage": "Submitted", "previous_stage": "Screened"}
        # "Right away", once the move's Undo can no longer take it back.
        application.refresh_from_db()
        undo_window = datetime.timedelta(seconds=services.rows.UNDO_SECONDS)
        assert update.due_at == application.stage_changed_at + undo_window

    @pytest.mark.parametrize(
        ("stage", "template"),
        [
            ("screened", "Status update: screened (candidate)"),
            ("submitted", "Status update: submitted (candidate)"),
            ("interviewing", "Status update: interview (candidate)"),
            ("offer", "Status update: offer (candidate)"),
        ],
    )
    def test_each_stage_has_its_own_update(self, requisition, recruiter, stage, template):
        application = ApplicationFactory(requisition=requisition, stage="contacted")
        candidate_services.application_move(application=application, stage=stage, by=recruiter)
        # (A submission also starts the chase of the leader's feedback: a task, no template.)
        emails = FollowUp.objects.exclude(key__startswith="feedback-wait:")
        assert [f.template.name for f in emails] == [template]

    def test_moving_to_contacted_sends_nothing_automatic(self, requisition, recruiter):
        application = ApplicationFactory(requisition=requisition, stage="sourced")
        candidate_services.application_move(
            application=application, stage="contacted", by=recruiter
        )
        assert not FollowUp.objects.exists()

    def test_being_added_at_sourced_tells_nobody(self, requisition, candidate, recruiter):
        candidate_services.application_create(
            candidate=candidate, requisition=requisition, by=recruiter
        )
        assert not FollowUp.objects.exists()

    def test_a_cadence_for_one_stage_fires_only_for_that_stage(self, application, recruiter):
        offer = CadenceFactory(trigger="stage_entered", stage="offer")
        CadenceStepFactory(cadence=offer, audience="hiring_leader")
        candidate_services.application_move(
            application=application, stage="submitted", by=recruiter
        )
        assert not FollowUp.objects.filter(audience="hiring_leader").exists()
        candidate_services.application_move(application=application, stage="offer", by=recruiter)
        assert FollowUp.objects.filter(audience="hiring_leader").count() == 1

    def test_a_disabled_cadence_schedules_nothing(self, application, recruiter):
        Cadence.objects.update(enabled=False)
        candidate_services.application_move(application=application, stage="offer", by=recruiter)
        assert not FollowUp.objects.exists()


class TestClosingAnApplication:
    def test_a_rejected_candidate_gets_no_more_stage_updates(self, application, recruiter):
        candidate_services.application_move(
            application=application, stage="submitted", by=recruiter
        )
        candidate_services.application_close(
            application=application, outcome="rejected", reason="Another hire", by=recruiter
        )
        update = by_template("Status update: submitted (candidate)").get()
        assert update.state == State.CANCELLED
        assert update.note == "Application rejected"

    def test_closing_fires_its_own_cadence(self, application, recruiter):
        cadence_with_step("application_closed", audience="candidate")
        candidate_services.application_close(
            application=application, outcome="withdrawn", reason="Took another job", by=recruiter
        )
        closing = FollowUp.objects.get(
            cadence_step__cadence__trigger="application_closed", state=State.SCHEDULED
        )
        assert closing.facts == {"stage": "Withdrawn", "outcome": "withdrawn"}


class TestRequisitionChanges:
    def test_on_hold_resets_expectations_for_every_active_candidate_and_the_leader(
        self, requisition, recruiter
    ):
        active = ApplicationFactory.create_batch(3, requisition=requisition, stage="screened")
        ApplicationFactory(requisition=requisition, stage="sourced")  # never contacted
        ApplicationFactory(
            requisition=requisition,
            outcome="rejected",
            close_reason="No",
            closed_at=timezone.now(),
        )
        requisition_services.requisition_put_on_hold(
            requisition=requisition, reason="Budget freeze", by=recruiter
        )
        to_candidates = by_template("Requisition on hold (candidate)")
        assert {f.candidate for f in to_candidates} == {a.candidate for a in active}
        to_leader = by_template("Requisition on hold (hiring leader)").get()
        assert to_leader.hiring_leader == requisition.hiring_leader

    def test_opening_schedules_one_weekly_update_for_the_leader(self, recruiter):
        leader = HiringLeaderFactory()
        with time_machine.travel(MONDAY_9AM):
            requisition = requisition_services.requisition_open(
                title="SRE",
                company=leader.company,
                hiring_leader=leader,
                recruiter=recruiter,
            )
        weekly = by_template("Weekly digest (hiring leader)").get()
        local = timezone.localtime(weekly.due_at, timezone=datetime.UTC)
        # One digest per leader about all their roles: it is about no one requisition.
        assert (weekly.requisition, weekly.hiring_leader) == (None, requisition.hiring_leader)
        # Friday 15:00 in the company's zone (Europe/London, GMT in November).
        assert (local.date(), local.hour) == (datetime.date(2026, 11, 6), 15)

    @pytest.mark.parametrize("change", ["fill", "cancel", "hold"])
    def test_a_closed_or_paused_requisition_stops_its_weekly_updates(self, recruiter, change):
        leader = HiringLeaderFactory()
        requisition = requisition_services.requisition_open(
            title="SRE", company=leader.company, hiring_leader=leader, recruiter=recruiter
        )
        if change == "fill":
            requisition_services.requisition_fill(requisition=requisition, by=recruiter)
        elif change == "cancel":
            requisition_services.requisition_cancel(
                requisition=requisition, reason="Merged", by=recruiter
            )
        else:
            requisition_services.requisition_put_on_hold(
                requisition=requisition, reason="Reorg", by=recruiter
            )
        weekly = by_template("Weekly digest (hiring leader)").get()
        # A role on hold stays in the digest, which asks the leader about it every other week;
        # a leader left with no open or on-hold role gets no more digests.
        assert weekly.state == (State.SCHEDULED if change == "hold" else State.CANCELLED)

    def test_reopening_starts_weekly_updates_again(self, recruiter):
        leader = HiringLeaderFactory()
        with time_machine.travel(MONDAY_9AM):
            requisition = requisition_services.requisition_open(
                title="SRE", company=leader.company, hiring_leader=leader, recruiter=recruiter
            )
            requisition_services.requisition_fill(requisition=requisition, by=recruiter)
        with time_machine.travel(MONDAY_9AM + datetime.timedelta(days=7)):
            requisition_services.requisition_reopen(requisition=requisition, by=recruiter)
        weekly = by_template("Weekly digest (hiring leader)").order_by("due_at")
        assert [f.state for f in weekly] == [State.CANCELLED, State.SCHEDULED]

    @pytest.mark.parametrize(
        ("trigger", "change"),
        [
            ("requisition_filled", "fill"),
            ("requisition_cancelled", "cancel"),
            ("requisition_reopened", "reopen"),
        ],
    )
    def test_each_status_change_fires_its_cadence(self, requisition, recruiter, trigger, change):
        cadence_with_step(trigger, audience="hiring_leader")
        if change == "reopen":
            requisition_services.requisition_put_on_hold(
                requisition=requisition, reason="x", by=recruiter
            )
            requisition_services.requisition_reopen(requisition=requisition, by=recruiter)
        elif change == "fill":
            requisition_services.requisition_fill(requisition=requisition, by=recruiter)
        else:
            requisition_services.requisition_cancel(
                requisition=requisition, reason="x", by=recruiter
            )
        fired = FollowUp.objects.get(cadence_step__cadence__trigger=trigger)
        assert fired.hiring_leader == requisition.hiring_leader


class TestPlacements:
    def test_a_placement_schedules_30_60_90_day_check_ins_for_hire_and_leader(
        self, application, recruiter
    ):
        start = datetime.date(2026, 12, 1)
        with time_machine.travel(MONDAY_9AM):
            placement = candidate_services.placement_record(
                application=application, start_date=start, by=recruiter
            )
        checkins = FollowUp.objects.filter(
            placement=placement, cadence_step__cadence__trigger="placement_started"
        ).order_by("due_at", "audience")
        assert [(f.audience, f.state) for f in checkins] == [
            ("hiring_leader", "scheduled"),
            ("new_hire", "scheduled"),
        ] * 3
        days = sorted({(timezone.localtime(f.due_at).date() - start).days for f in checkins})
        # 30, 60 and 90 days, each moved off a weekend where it fell on one.
        assert [d - (d % 30) for d in days] == [30, 60, 90]
        assert all(timezone.localtime(f.due_at).weekday() < 5 for f in checkins)

    def test_a_placement_that_falls_through_cancels_its_check_ins(self, application, recruiter):
        placement = candidate_services.placement_record(
            application=application, start_date=datetime.date.today(), by=recruiter
        )
        candidate_services.placement_fall_through(
            placement=placement, reason="Counter-offer", by=recruiter
        )
        assert set(
            FollowUp.objects.filter(placement=placement).values_list("state", flat=True)
        ) == {"cancelled"}

    def test_a_hire_recorded_late_skips_check_ins_whose_day_has_passed(
        self, application, recruiter
    ):
        placement = candidate_services.placement_record(
            application=application,
            start_date=datetime.date.today() - datetime.timedelta(days=45),
            by=recruiter,
        )
        states = sorted(
            FollowUp.objects.filter(
                placement=placement, cadence_step__cadence__trigger="placement_started"
            ).values_list("state", flat=True)
        )
        assert states == ["scheduled"] * 4 + ["skipped"] * 2


class TestOptOut:
    def test_an_opted_out_new_hire_gets_a_task_for_the_recruiter_instead(
        self, application, recruiter
    ):
        candidate = application.candidate
        candidate.opted_out_at = timezone.now()
        candidate.save(update_fields=["opted_out_at"])
        candidate_services.placement_record(
            application=application, start_date=datetime.date.today(), by=recruiter
        )
        to_hire = FollowUp.objects.filter(candidate=candidate, audience="new_hire")
        assert {f.channel for f in to_hire} == {"task"}
        assert all("opted out of email" in f.task_title for f in to_hire)

    def test_opting_out_cancels_pending_email_and_turns_check_ins_into_tasks(
        self, application, recruiter
    ):
        candidate_services.application_move(application=application, stage="offer", by=recruiter)
        placement = candidate_services.placement_record(
            application=application, start_date=datetime.date.today(), by=recruiter
        )
        assert services.person_opt_out(person=application.candidate)
        update = by_template("Status update: offer (candidate)").get()
        assert update.state == State.CANCELLED
        to_hire = FollowUp.objects.filter(placement=placement, audience="new_hire")
        assert {(f.channel, f.state) for f in to_hire} == {("task", "scheduled")}
        assert not services.person_opt_out(person=application.candidate)  # already out

    def test_no_email_address_means_no_email(self, requisition, recruiter):
        application = ApplicationFactory(
            requisition=requisition, candidate=CandidateFactory(email=""), stage="screened"
        )
        candidate_services.application_move(
            application=application, stage="submitted", by=recruiter
        )
        update = by_template("Status update: submitted (candidate)").get()
        assert update.state == State.SKIPPED
        assert "has no email address" in update.note


def days_ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def in_pipeline(requisition, *, contacted_days_ago, moved_days_ago, stage="screened", **fields):
    """An application whose candidate was last contacted, and whose stage last changed, so
    many days ago (None: never contacted)."""
    candidate = CandidateFactory(
        last_contacted_at=None if contacted_days_ago is None else days_ago(contacted_days_ago),
        **fields,
    )
    return ApplicationFactory(
        requisition=requisition,
        candidate=candidate,
        stage=stage,
        stage_changed_at=days_ago(moved_days_ago),
        created_at=days_ago(moved_days_ago),
    )


def nudges():
    """The recruiter's "gone quiet" tasks."""
    return FollowUp.objects.filter(
        cadence_step__cadence__trigger="candidate_untouched", channel="task", audience="recruiter"
    )


def quiet_notes():
    """The automatic "where things stand" emails."""
    return FollowUp.objects.filter(
        cadence_step__cadence__trigger="candidate_untouched", audience="candidate"
    )


class TestGoneQuiet:
    def test_a_candidate_quiet_for_a_week_becomes_a_recruiter_task_once(
        self, requisition, recruiter
    ):
        quiet = in_pipeline(requisition, contacted_days_ago=8, moved_days_ago=10)
        in_pipeline(requisition, contacted_days_ago=2, moved_days_ago=10)
        services.followups_schedule_recurring()
        services.followups_schedule_recurring()
        assert [(n.candidate, n.channel, n.audience, n.state) for n in nudges()] == [
            (quiet.candidate, "task", "recruiter", "scheduled")
        ]

    def test_the_task_goes_to_the_candidates_own_recruiter(self, requisition, other_recruiter):
        quiet = in_pipeline(
            requisition, contacted_days_ago=8, moved_days_ago=10, owner=other_recruiter
        )
        services.followups_schedule_recurring()
        assert nudges().get().recruiter == quiet.candidate.owner == other_recruiter

    def test_a_pipeline_that_moved_recently_is_not_quiet(self, requisition):
        in_pipeline(requisition, contacted_days_ago=30, moved_days_ago=2)
        services.followups_schedule_recurring()
        assert not nudges().exists()

    def test_one_task_per_candidate_however_many_pipelines_they_are_in(
        self, requisition, recruiter
    ):
        quiet = in_pipeline(requisition, contacted_days_ago=9, moved_days_ago=12)
        other_role = RequisitionFactory(recruiter=recruiter)
        ApplicationFactory(
            requisition=other_role,
            candidate=quiet.candidate,
            stage="submitted",
            stage_changed_at=days_ago(11),
        )
        services.followups_schedule_recurring()
        (nudge,) = nudges()
        # About the pipeline that moved last.
        assert nudge.requisition == other_role

    def test_someone_never_contacted_and_only_sourced_has_not_gone_quiet(self, requisition):
        in_pipeline(requisition, contacted_days_ago=None, moved_days_ago=30, stage="sourced")
        contacted = in_pipeline(
            requisition, contacted_days_ago=20, moved_days_ago=30, stage="sourced"
        )
        services.followups_schedule_recurring()
        assert [n.candidate for n in nudges()] == [contacted.candidate]

    def test_roles_on_hold_filled_or_cancelled_leave_nobody_quiet(self, requisition, recruiter):
        in_pipeline(requisition, contacted_days_ago=20, moved_days_ago=30)
        requisition_services.requisition_put_on_hold(
            requisition=requisition, reason="Budget review", by=recruiter
        )
        services.followups_schedule_recurring()
        assert not nudges().exists()

    def test_the_reminder_repeats_each_interval_while_the_silence_lasts(self, requisition):
        quiet = in_pipeline(requisition, contacted_days_ago=8, moved_days_ago=20)
        services.followups_schedule_recurring()
        with time_machine.travel(timezone.now() + datetime.timedelta(days=3)):
            services.followups_schedule_recurring()  # day 11: still the first reminder
        assert nudges().count() == 1
        with time_machine.travel(timezone.now() + datetime.timedelta(days=7)):
            services.followups_schedule_recurring()  # day 15: the second
        first, second = nudges().order_by("created_at")
        assert (first.state, second.state) == (State.CANCELLED, State.SCHEDULED)
        assert first.note == "A newer reminder about the same silence replaced it"
        assert second.candidate == quiet.candidate
        assert second.facts == {"quiet_days": 15}

    def test_getting_in_touch_clears_the_reminder(self, requisition, recruiter):
        quiet = in_pipeline(requisition, contacted_days_ago=8, moved_days_ago=20)
        services.followups_schedule_recurring()
        candidate_services.activity_log(
            kind="call", by=recruiter, summary="Caught up", candidate=quiet.candidate
        )
        nudge = nudges().get()
        assert (nudge.state, nudge.note) == (State.CANCELLED, "Back in touch")
        services.followups_schedule_recurring()
        assert nudges().count() == 1

    def test_a_note_is_not_contact(self, requisition, recruiter):
        quiet = in_pipeline(requisition, contacted_days_ago=8, moved_days_ago=20)
        services.followups_schedule_recurring()
        candidate_services.activity_log(
            kind="note", by=recruiter, summary="Thinking about them", candidate=quiet.candidate
        )
        assert nudges().get().state == State.SCHEDULED

    def test_a_stage_move_clears_the_reminder(self, requisition, recruiter):
        quiet = in_pipeline(requisition, contacted_days_ago=8, moved_days_ago=20)
        services.followups_schedule_recurring()
        candidate_services.application_move(application=quiet, stage="submitted", by=recruiter)
        assert nudges().get().note == "The pipeline moved"


class TestWhereThingsStand:
    """The automatic, stage-aware note a quiet candidate gets unless their recruiter is first."""

    def test_a_quiet_candidate_is_sent_a_stage_aware_note_from_their_recruiter(self, requisition):
        quiet = in_pipeline(requisition, contacted_days_ago=8, moved_days_ago=20, stage="submitted")
        services.followups_schedule_recurring()
        (note,) = quiet_notes()
        assert (note.channel, note.state, note.recruiter) == (
            "email",
            "scheduled",
            quiet.candidate.owner,
        )
        message = followup_email(note)
        assert "where things stand" in message.subject
        assert "Your profile is with" in message.body
        assert "waiting for their feedback" in message.body

    @pytest.mark.parametrize(
        ("stage", "says"),
        [
            ("contacted", "There's no news yet"),
            ("screened", "There's no news yet"),
            ("interviewing", "You're at the interview stage"),
            ("offer", "We're at the offer stage"),
        ],
    )
    def test_the_note_says_where_their_stage_stands(self, requisition, stage, says):
        in_pipeline(requisition, contacted_days_ago=8, moved_days_ago=20, stage=stage)
        services.followups_schedule_recurring()
        assert says in followup_email(quiet_notes().get()).body

    def test_getting_in_touch_first_cancels_the_automatic_note(self, requisition, recruiter):
        quiet = in_pipeline(requisition, contacted_days_ago=5, moved_days_ago=20)
        services.followups_schedule_recurring()
        note = quiet_notes().get()
        assert note.due_at > timezone.now()  # two days' notice
        candidate_services.activity_log(
            kind="email", by=recruiter, summary="Wrote with an update", candidate=quiet.candidate
        )
        note.refresh_from_db()
        assert note.state == State.CANCELLED

    def test_someone_at_sourced_gets_no_note_but_the_recruiter_still_gets_the_task(
        self, requisition
    ):
        in_pipeline(requisition, contacted_days_ago=20, moved_days_ago=30, stage="sourced")
        services.followups_schedule_recurring()
        assert not quiet_notes().exists()
        assert nudges().count() == 1

    def test_someone_who_opted_out_gets_a_task_for_the_recruiter_instead(self, requisition):
        in_pipeline(
            requisition, contacted_days_ago=9, moved_days_ago=20, opted_out_at=timezone.now()
        )
        services.followups_schedule_recurring()
        (instead,) = quiet_notes()
        assert instead.channel == "task"
        assert "opted out of email" in instead.task_title


def quiet_cadence() -> Cadence:
    return Cadence.objects.get(trigger="candidate_untouched")


class TestQuietDays:
    """An admin sets how long a silence lasts before the "gone quiet" cadence speaks."""

    def test_longer_days_leave_a_shorter_silence_alone(self, requisition, admin_user):
        six_days = in_pipeline(requisition, contacted_days_ago=6, moved_days_ago=20)
        nine_days = in_pipeline(requisition, contacted_days_ago=9, moved_days_ago=20)

        services.cadence_quiet_days_set(cadence=quiet_cadence(), days=10, by=admin_user)
        services.followups_schedule_recurring()

        (note,) = quiet_notes()
        assert note.candidate == nine_days.candidate != six_days.candidate
        # Due when the tenth day of silence is reached: a day from now, on Today until then.
        assert note.due_at.date() == (days_ago(9) + datetime.timedelta(days=10)).date()
        assert note.facts == {"quiet_days": 10}

    def test_shorter_days_reach_a_silence_the_old_days_did_not(self, requisition, admin_user):
        quiet = in_pipeline(requisition, contacted_days_ago=3, moved_days_ago=20)
        services.followups_schedule_recurring()
        assert not quiet_notes().exists()

        services.cadence_quiet_days_set(cadence=quiet_cadence(), days=3, by=admin_user)
        services.followups_schedule_recurring()

        assert quiet_notes().get().candidate == quiet.candidate

    def test_what_is_already_scheduled_keeps_its_time(self, requisition, admin_user):
        in_pipeline(requisition, contacted_days_ago=6, moved_days_ago=20)
        services.followups_schedule_recurring()
        due = {row.pk: row.due_at for row in quiet_notes()}

        kept = services.cadence_quiet_days_set(cadence=quiet_cadence(), days=14, by=admin_user)

        assert kept == 2  # the note and the recruiter's task
        assert {row.pk: row.due_at for row in quiet_notes()} == due
        assert quiet_cadence().quiet_days == 14

    @pytest.mark.parametrize("days", [0, -1, 91])
    def test_days_out_of_range_are_refused(self, admin_user, days):
        with pytest.raises(ValidationError) as refused:
            services.cadence_quiet_days_set(cadence=quiet_cadence(), days=days, by=admin_user)

        assert refused.value.message_dict == {
            "quiet_days": ["Choose between 1 and 90 days of silence."]
        }
        assert quiet_cadence().quiet_days == 7

    def test_only_a_gone_quiet_cadence_has_days_of_silence(self, admin_user):
        weekly = Cadence.objects.get(trigger="requisition_open_weekly")

        with pytest.raises(ValidationError):
            services.cadence_quiet_days_set(cadence=weekly, days=5, by=admin_user)

        weekly.refresh_from_db()
        assert weekly.quiet_days is None


class TestRecurring:
    def test_weekly_updates_are_scheduled_once_per_week_however_often_beat_runs(self, requisition):
        with time_machine.travel(MONDAY_9AM):
            services.followups_schedule_recurring()
            services.followups_schedule_recurring()
        with time_machine.travel(MONDAY_9AM + datetime.timedelta(days=5, hours=7)):
            services.followups_schedule_recurring()  # after Friday's 15:00 slot
        weekly = by_template("Weekly digest (hiring leader)").order_by("due_at")
        assert [timezone.localtime(f.due_at).date().isoformat() for f in weekly] == [
            "2026-11-06",
            "2026-11-13",
        ]


class TestCommitments:
    def test_a_promise_due_becomes_a_task_and_keeping_it_cancels_the_task(
        self, candidate, recruiter
    ):
        cadence_with_step("commitment_due", audience="recruiter", channel="task")
        commitment = candidate_services.commitment_make(
            recruiter=recruiter,
            description="Call back with feedback",
            due_at=timezone.now() + datetime.timedelta(days=2),
            candidate=candidate,
        )
        task = FollowUp.objects.get(commitment=commitment)
        assert (task.channel, task.due_at) == ("task", commitment.due_at)
        candidate_services.commitment_keep(commitment=commitment, by=recruiter)
        task.refresh_from_db()
        assert task.state == State.CANCELLED


def test_the_same_trigger_never_schedules_the_same_step_twice(application, recruiter):
    candidate_services.application_move(application=application, stage="submitted", by=recruiter)
    stage_change = application.stage_changes.latest("pk")
    application.refresh_from_db()
    services.followups_on_stage_change(application=application, stage_change=stage_change)
    services.followups_on_stage_change(application=application, stage_change=stage_change)
    assert FollowUp.objects.exclude(key__startswith="feedback-wait:").count() == 1
    # The chase of the leader's feedback, too, is scheduled once and stays scheduled.
    assert FollowUp.objects.get(key__startswith="feedback-wait:").state == "scheduled"


def test_the_idempotency_key_is_enforced_by_the_database(application):
    from django.db import IntegrityError

    from tests.followups.factories import FollowUpFactory

    FollowUpFactory(key="stage:1:step1", candidate=application.candidate)
    with pytest.raises(IntegrityError):
        FollowUpFactory(key="stage:1:step1", candidate=application.candidate)


def test_moving_an_application_and_its_follow_ups_commit_together(application, recruiter):
    from django.db import transaction

    def move_then_fail():
        with transaction.atomic():
            candidate_services.application_move(
                application=application, stage="offer", by=recruiter
            )
            raise RuntimeError("the request failed after the move")

    with pytest.raises(RuntimeError):
        move_then_fail()
    application.refresh_from_db()
    assert application.stage == Application.Stage.SCREENED
    assert not FollowUp.objects.exists()


class TestPlanningAStatusChange:
    def test_it_lists_what_putting_on_hold_would_send_to_whom_and_writes_nothing(
        self, requisition, recruiter
    ):
        told = ApplicationFactory(requisition=requisition, stage="interviewing")
        ApplicationFactory(requisition=requisition, stage="sourced")
        no_address = ApplicationFactory(
            requisition=requisition, stage="screened", candidate=CandidateFactory(email="")
        )

        plan = services.followups_plan_requisition_change(
            requisition=requisition, status="on_hold", reason="Budget review"
        )

        assert not FollowUp.objects.exists()
        requisition.refresh_from_db()
        assert requisition.status == "open"
        by_person = {(f.person or f.candidate or f.hiring_leader): f for f in plan}
        assert by_person[told.candidate].channel == "email"
        assert by_person[told.candidate].facts["status_reason"] == "Budget review"
        assert by_person[requisition.hiring_leader].audience == "hiring_leader"
        # Someone with no address becomes a task for the recruiter, saying why.
        assert by_person[no_address.candidate].channel == "task"
        assert "has no email address" in by_person[no_address.candidate].task_title
        # Nobody still at "sourced" is in the plan.
        assert len(plan) == 3
