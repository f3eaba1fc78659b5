import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.utils import timezone

from candidates import services
from candidates.models import Activity, Application, Candidate, Commitment, Placement, Tag
from candidates.search import CandidateFilters, candidate_list_page
from followups.models import FollowUp, MessageTemplate
from hiring_leaders.models import Requisition
from tests.candidates.factories import (
    ApplicationFactory,
    CandidateFactory,
    CommitmentFactory,
    PlacementFactory,
)
from tests.followups.factories import MessageTemplateFactory
from tests.hiring_leaders.factories import HiringLeaderFactory, RequisitionFactory

pytestmark = pytest.mark.django_db


def timeline(candidate):
    return list(
        Activity.objects.filter(candidate=candidate)
        .order_by("occurred_at", "pk")
        .values_list("kind", "summary")
    )


class TestCandidateCreate:
    def test_it_creates_the_candidate_owned_by_the_recruiter_and_notes_it(self, recruiter):
        candidate = services.candidate_create(
            by=recruiter,
            first_name="Ada",
            last_name="Lovelace",
            email=" ada@example.com ",
            phone="+44 (20) 7946-0000",
            source=Candidate.Source.REFERRAL,
        )
        assert candidate.owner == recruiter
        assert candidate.email == "ada@example.com"
        assert candidate.phone_digits == "442079460000"
        assert timeline(candidate) == [
            ("note", f"Added to RecruitCRM by {recruiter} (source: Referral)")
        ]

    def test_it_refuses_a_duplicate_email_whatever_the_case(self, recruiter):
        existing = CandidateFactory(email="ada@example.com")
        with pytest.raises(services.DuplicateCandidate) as refused:
            services.candidate_create(
                by=recruiter, first_name="A", last_name="L", email="ADA@example.com"
            )
        assert refused.value.matches == [existing]
        assert Candidate.objects.count() == 1

    def test_it_refuses_the_same_name_and_phone_written_differently(self, recruiter):
        existing = CandidateFactory(
            first_name="Grace", last_name="Hopper", phone="+1 555 0100", email=""
        )
        with pytest.raises(services.DuplicateCandidate) as refused:
            services.candidate_create(
                by=recruiter, first_name="grace", last_name="HOPPER", phone="1-555-0100"
            )
        assert refused.value.matches == [existing]

    def test_same_name_with_another_phone_is_not_a_duplicate(self, recruiter):
        CandidateFactory(first_name="Grace", last_name="Hopper", phone="+1 555 0100")
        services.candidate_create(
            by=recruiter, first_name="Grace", last_name="Hopper", phone="+1 555 0199"
        )
        assert Candidate.objects.filter(last_name="Hopper").count() == 2

    def test_a_recruiter_may_knowingly_add_a_duplicate(self, recruiter):
        CandidateFactory(first_name="Grace", last_name="Hopper", phone="+1 555 0100")
        services.candidate_create(
            by=recruiter,
            first_name="Grace",
            last_name="Hopper",
            phone="+1 555 0100",
            allow_duplicate=True,
        )
        assert Candidate.objects.filter(last_name="Hopper").count() == 2

    def test_a_bad_email_is_a_validation_error_and_writes_nothing(self, recruiter):
        with pytest.raises(ValidationError) as refused:
            services.candidate_create(
                by=recruiter, first_name="A", last_name="B", email="not-an-email"
            )
        assert "email" in refused.value.message_dict
        assert not Candidate.objects.exists()
        assert not Activity.objects.exists()


class TestCandidateUpdate:
    def test_it_saves_changes_and_says_which_fields_changed(self, candidate, recruiter):
        services.candidate_update(
            candidate=candidate, by=recruiter, headline="Staff engineer", location="Leeds"
        )
        candidate.refresh_from_db()
        assert candidate.headline == "Staff engineer"
        assert timeline(candidate)[-1] == ("note", "Details updated: headline, location")

    def test_its_timeline_line_names_the_fields_in_words_in_the_forms_order(
        self, candidate, recruiter
    ):
        services.candidate_update(
            candidate=candidate, by=recruiter, email="ada@new.example", first_name="Adaline"
        )

        assert timeline(candidate)[-1] == ("note", "Details updated: first name, email")

    def test_it_refuses_an_email_another_candidate_has(self, candidate, recruiter):
        other = CandidateFactory(email="taken@example.com")
        with pytest.raises(services.DuplicateCandidate) as refused:
            services.candidate_update(candidate=candidate, by=recruiter, email="TAKEN@example.com")
        assert refused.value.matches == [other]

    def test_keeping_the_same_email_is_not_a_duplicate_of_itself(self, candidate, recruiter):
        services.candidate_update(candidate=candidate, by=recruiter, email=candidate.email)


class TestApplicationCreate:
    def test_it_adds_the_candidate_to_the_pipeline_with_history(
        self, candidate, requisition, recruiter
    ):
        application = services.application_create(
            candidate=candidate, requisition=requisition, by=recruiter
        )
        assert application.stage == Application.Stage.SOURCED
        change = application.stage_changes.get()
        assert (change.from_stage, change.to_stage, change.changed_by) == ("", "sourced", recruiter)
        assert timeline(candidate)[-1] == (
            "stage_change",
            f"Added to {requisition.title} as Sourced",
        )

    def test_the_same_candidate_cannot_be_added_twice(self, candidate, requisition, recruiter):
        services.application_create(candidate=candidate, requisition=requisition, by=recruiter)
        with pytest.raises(ValidationError, match="already in the pipeline"):
            services.application_create(candidate=candidate, requisition=requisition, by=recruiter)
        assert Application.objects.count() == 1

    @pytest.mark.parametrize("status", ["filled", "cancelled"])
    def test_no_candidates_join_a_closed_requisition(self, candidate, recruiter, status):
        requisition = RequisitionFactory(status=status, closed_on=datetime.date.today())
        with pytest.raises(ValidationError, match="reopen it"):
            services.application_create(candidate=candidate, requisition=requisition, by=recruiter)

    def test_sourcing_may_continue_while_a_requisition_is_on_hold(self, candidate, recruiter):
        requisition = RequisitionFactory(status="on_hold")
        services.application_create(candidate=candidate, requisition=requisition, by=recruiter)


def test_applications_keep_their_candidates_name_across_renames_and_stage_moves(
    candidate, recruiter
):
    """The candidate list reads a pipeline's name order from its applications' copy of the name
    (Application.candidate_last_name): it must be the candidate's own whatever happens."""
    requisition = RequisitionFactory()
    application = services.application_create(
        candidate=candidate, requisition=requisition, by=recruiter
    )
    other = services.application_create(
        candidate=CandidateFactory(first_name="Mia", last_name="Moss"),
        requisition=requisition,
        by=recruiter,
    )
    services.application_move(application=application, stage="screened", by=recruiter)
    services.application_close(
        application=services.application_create(
            candidate=candidate, requisition=RequisitionFactory(), by=recruiter
        ),
        outcome="rejected",
        reason="Not now",
        by=recruiter,
    )
    services.candidate_update(candidate=candidate, by=recruiter, first_name="Zed", last_name="Zu")
    services.application_move(application=application, stage="submitted", by=recruiter)

    kept = set(
        Application.objects.filter(candidate=candidate).values_list(
            "candidate_last_name", "candidate_first_name"
        )
    )
    assert kept == {("Zu", "Zed")}
    listed = candidate_list_page(filters=CandidateFilters(requisition_id=requisition.pk))
    assert [row.pk for row in listed.rows] == [other.candidate_id, candidate.pk]
    services.candidate_update(candidate=candidate, by=recruiter, last_name="Aalto")
    listed = candidate_list_page(filters=CandidateFilters(stage="submitted"))
    assert [row.name for row in listed.rows] == ["Zed Aalto"]
    listed = candidate_list_page(filters=CandidateFilters(requisition_id=requisition.pk))
    assert [row.pk for row in listed.rows] == [candidate.pk, other.candidate_id]


def test_a_rename_in_the_admin_reaches_the_applications_too(candidate, recruiter, rf):
    application = ApplicationFactory(candidate=candidate)
    candidate.last_name = "Renamed"
    site._registry[Candidate].save_model(
        rf.post("/"), candidate, SimpleNamespace(changed_data=["last_name"]), change=True
    )
    moved = ApplicationFactory(candidate=CandidateFactory(last_name="Other"))
    moved.candidate = candidate
    site._registry[Application].save_model(
        rf.post("/"), moved, SimpleNamespace(changed_data=["candidate"]), change=True
    )

    kept = Application.objects.filter(pk__in=[application.pk, moved.pk]).values_list(
        "candidate_last_name", flat=True
    )
    assert list(kept) == ["Renamed", "Renamed"]


class TestApplicationMove:
    def test_it_moves_the_stage_and_keeps_every_step(self, recruiter):
        application = ApplicationFactory()
        for stage in ("contacted", "screened", "submitted"):
            services.application_move(application=application, stage=stage, by=recruiter)
        application.refresh_from_db()
        assert application.stage == "submitted"
        assert list(application.stage_changes.values_list("from_stage", "to_stage")) == [
            ("sourced", "contacted"),
            ("contacted", "screened"),
            ("screened", "submitted"),
        ]
        title = application.requisition.title
        assert timeline(application.candidate)[-1] == (
            "stage_change",
            f"{title}: Screened → Submitted",
        )

    def test_moving_to_the_same_stage_records_nothing(self, recruiter):
        application = ApplicationFactory(stage="screened")
        services.application_move(application=application, stage="screened", by=recruiter)
        assert not application.stage_changes.exists()

    def test_a_closed_application_does_not_move(self, recruiter):
        application = ApplicationFactory(
            outcome="rejected", close_reason="Not a fit", closed_at=timezone.now()
        )
        with pytest.raises(ValidationError, match="reopen it first"):
            services.application_move(application=application, stage="offer", by=recruiter)

    def test_hiring_takes_a_placement_with_its_start_date(self, recruiter):
        application = ApplicationFactory(stage="offer")
        with pytest.raises(ValidationError, match="start date"):
            services.application_move(application=application, stage="hired", by=recruiter)
        application.refresh_from_db()
        assert application.stage == "offer"

    def test_a_hire_does_not_move_back_without_reopening(self, recruiter):
        application = ApplicationFactory(stage="offer")
        services.placement_record(
            application=application, start_date=datetime.date(2026, 4, 1), by=recruiter
        )
        application.refresh_from_db()
        assert application.hired_at is not None
        with pytest.raises(ValidationError, match="reopen the application"):
            services.application_move(application=application, stage="offer", by=recruiter)

    @pytest.mark.parametrize("status", ["filled", "cancelled"])
    def test_a_closed_roles_candidates_do_not_move(self, recruiter, status):
        # They were told the role closed: a move would send them the next stage's news.
        application = ApplicationFactory(
            stage="contacted",
            requisition__status=status,
            requisition__closed_on=timezone.localdate(),
        )
        with pytest.raises(ValidationError, match=f"is {status}: reopen the role"):
            services.application_move(application=application, stage="screened", by=recruiter)
        application.refresh_from_db()
        assert application.stage == "contacted"
        assert not FollowUp.objects.filter(application=application).exists()

    def test_a_role_on_hold_still_moves(self, recruiter):
        application = ApplicationFactory(stage="contacted", requisition__status="on_hold")
        services.application_move(application=application, stage="screened", by=recruiter)
        application.refresh_from_db()
        assert application.stage == "screened"

    def test_an_unknown_stage_is_refused(self, recruiter):
        with pytest.raises(ValidationError, match="Unknown stage"):
            services.application_move(application=ApplicationFactory(), stage="limbo", by=recruiter)


class TestApplicationClose:
    def test_it_closes_with_the_reason_on_the_timeline(self, recruiter):
        application = ApplicationFactory(stage="interviewing")
        services.application_close(
            application=application, outcome="rejected", reason="Chose another", by=recruiter
        )
        application.refresh_from_db()
        assert application.outcome == "rejected"
        assert application.close_reason == "Chose another"
        assert application.stage_changes.get().outcome == "rejected"
        activity = Activity.objects.filter(candidate=application.candidate).latest("pk")
        assert activity.summary.endswith(": Rejected")
        assert activity.body == "Chose another"

    def test_a_reason_is_required(self, recruiter):
        application = ApplicationFactory()
        with pytest.raises(ValidationError, match="Say why"):
            services.application_close(
                application=application, outcome="withdrawn", reason="  ", by=recruiter
            )
        application.refresh_from_db()
        assert application.is_active

    def test_only_rejected_or_withdrawn(self, recruiter):
        with pytest.raises(ValidationError):
            services.application_close(
                application=ApplicationFactory(), outcome="hired", reason="x", by=recruiter
            )


class TestApplicationReopen:
    def test_a_rejected_candidate_can_be_reopened(self, recruiter):
        application = ApplicationFactory(stage="screened")
        services.application_close(
            application=application, outcome="rejected", reason="Budget", by=recruiter
        )
        services.application_reopen(application=application, by=recruiter)
        application.refresh_from_db()
        assert application.is_active
        assert application.close_reason == ""
        assert application.stage == "screened"

    def test_a_hire_goes_back_only_after_the_placement_fell_through(self, recruiter):
        placement = PlacementFactory()
        application = placement.application
        with pytest.raises(ValidationError, match="fallen through"):
            services.application_reopen(application=application, by=recruiter, stage="offer")
        Placement.objects.filter(pk=placement.pk).update(
            fell_through_at=timezone.now(), fell_through_reason="Counter-offer"
        )
        services.application_reopen(application=application, by=recruiter, stage="offer")
        application.refresh_from_db()
        assert (application.stage, application.hired_at) == ("offer", None)

    def test_reopening_is_refused_when_another_application_is_open(self, recruiter):
        application = ApplicationFactory()
        services.application_close(
            application=application, outcome="withdrawn", reason="Moved away", by=recruiter
        )
        ApplicationFactory(candidate=application.candidate, requisition=application.requisition)
        with pytest.raises(ValidationError, match="already has an open application"):
            services.application_reopen(application=application, by=recruiter)


class TestPlacementRecord:
    def test_it_hires_and_records_the_start_date(self, recruiter):
        application = ApplicationFactory(stage="offer")
        start = datetime.date(2026, 12, 1)
        placement = services.placement_record(
            application=application, start_date=start, by=recruiter
        )
        application.refresh_from_db()
        assert application.stage == "hired"
        assert placement.start_date == start
        kinds = [kind for kind, _ in timeline(application.candidate)]
        assert kinds[-2:] == ["stage_change", "placement"]

    def test_a_hire_gets_one_placement(self, recruiter):
        application = ApplicationFactory(stage="offer")
        services.placement_record(
            application=application, start_date=datetime.date(2026, 12, 1), by=recruiter
        )
        with pytest.raises(ValidationError, match="already has a placement"):
            services.placement_record(
                application=application, start_date=datetime.date(2026, 12, 2), by=recruiter
            )


class TestActivityLog:
    def test_a_call_updates_last_contacted(self, candidate, recruiter):
        activity = services.activity_log(
            kind="call", by=recruiter, candidate=candidate, summary="Talked about the offer"
        )
        candidate.refresh_from_db()
        assert candidate.last_contacted_at == activity.occurred_at

    def test_a_note_is_not_contact(self, candidate, recruiter):
        services.activity_log(kind="note", by=recruiter, candidate=candidate, summary="Prefers AM")
        candidate.refresh_from_db()
        assert candidate.last_contacted_at is None

    def test_logging_an_older_call_does_not_hide_a_newer_contact(self, candidate, recruiter):
        recent = timezone.now() - datetime.timedelta(hours=1)
        services.activity_log(
            kind="email", by=recruiter, candidate=candidate, summary="Sent JD", occurred_at=recent
        )
        services.activity_log(
            kind="call",
            by=recruiter,
            candidate=candidate,
            summary="Last week's call",
            occurred_at=recent - datetime.timedelta(days=7),
        )
        candidate.refresh_from_db()
        assert candidate.last_contacted_at == recent

    def test_contact_with_a_hiring_leader_updates_their_last_contacted(self, recruiter):
        leader = HiringLeaderFactory()
        services.activity_log(kind="meeting", by=recruiter, hiring_leader=leader, summary="Intake")
        leader.refresh_from_db()
        assert leader.last_contacted_at is not None

    def test_it_must_be_about_someone_and_say_something(self, candidate, recruiter):
        with pytest.raises(ValidationError):
            services.activity_log(kind="call", by=recruiter, summary="Nobody")
        with pytest.raises(ValidationError):
            services.activity_log(kind="call", by=recruiter, candidate=candidate, summary=" ")

    def test_the_future_is_for_commitments(self, candidate, recruiter):
        with pytest.raises(ValidationError, match="make a commitment"):
            services.activity_log(
                kind="call",
                by=recruiter,
                candidate=candidate,
                summary="Call",
                occurred_at=timezone.now() + datetime.timedelta(days=1),
            )


class TestCommitments:
    def test_making_a_promise_puts_it_on_the_timeline(self, candidate, recruiter):
        due = timezone.now() + datetime.timedelta(days=3)
        commitment = services.commitment_make(
            recruiter=recruiter, description="Call back Friday", due_at=due, candidate=candidate
        )
        assert commitment.status == Commitment.Status.OPEN
        assert timeline(candidate)[-1][1].startswith("Promised: Call back Friday")

    def test_a_promise_is_to_exactly_one_person(self, candidate, recruiter):
        with pytest.raises(ValidationError):
            services.commitment_make(
                recruiter=recruiter,
                description="x",
                due_at=timezone.now(),
                candidate=candidate,
                hiring_leader=HiringLeaderFactory(),
            )

    def test_keeping_on_time_and_late_is_recorded(self, candidate, recruiter):
        with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)):
            on_time = CommitmentFactory(
                candidate=candidate, recruiter=recruiter, due_at=timezone.now()
            )
            late = CommitmentFactory(
                candidate=candidate,
                recruiter=recruiter,
                due_at=timezone.now() - datetime.timedelta(days=1),
            )
        with time_machine.travel(datetime.datetime(2026, 11, 2, 8, 0, tzinfo=datetime.UTC)):
            services.commitment_keep(commitment=on_time, by=recruiter)
        with time_machine.travel(datetime.datetime(2026, 11, 3, 8, 0, tzinfo=datetime.UTC)):
            services.commitment_keep(commitment=late, by=recruiter)
        summaries = [summary for _, summary in timeline(candidate)]
        assert "Kept (on time): Send interview feedback" in summaries
        assert "Kept (late): Send interview feedback" in summaries

    def test_keeping_twice_changes_nothing(self, candidate, recruiter):
        commitment = CommitmentFactory(candidate=candidate, recruiter=recruiter)
        services.commitment_keep(commitment=commitment, by=recruiter)
        first = Commitment.objects.get(pk=commitment.pk).kept_at
        services.commitment_keep(commitment=commitment, by=recruiter)
        assert Commitment.objects.get(pk=commitment.pk).kept_at == first
        assert Activity.objects.filter(summary__startswith="Kept").count() == 1


def test_requisition_status_is_untouched_by_candidate_workflows(recruiter):
    application = ApplicationFactory()
    services.application_move(application=application, stage="screened", by=recruiter)
    assert Requisition.objects.get().status == "open"


class TestDuplicates:
    def test_someone_elses_email_is_refused_even_when_duplicates_are_allowed(self, recruiter):
        existing = CandidateFactory(email="ada@example.com")
        with pytest.raises(services.DuplicateCandidate) as refused:
            services.candidate_create(
                by=recruiter,
                allow_duplicate=True,
                first_name="Ada",
                last_name="Again",
                email="Ada@Example.com",
            )
        assert refused.value.same_email
        assert refused.value.matches == [existing]
        assert Candidate.objects.count() == 1

    def test_the_matches_the_recruiter_saw_may_be_accepted(self, recruiter):
        existing = CandidateFactory(first_name="Grace", last_name="Hopper", phone="+1 555 0100")
        services.candidate_create(
            by=recruiter,
            accept_duplicates=[existing.pk],
            first_name="Grace",
            last_name="Hopper",
            phone="555-0100",
        )
        assert Candidate.objects.filter(last_name="Hopper").count() == 2

    def test_accepting_other_matches_than_these_is_not_enough(self, recruiter):
        CandidateFactory(first_name="Grace", last_name="Hopper", phone="+1 555 0100")
        with pytest.raises(services.DuplicateCandidate):
            services.candidate_create(
                by=recruiter,
                accept_duplicates=[987654],
                first_name="Grace",
                last_name="Hopper",
                phone="555-0100",
            )
        assert Candidate.objects.filter(last_name="Hopper").count() == 1

    def test_an_edit_that_takes_someone_elses_email_is_refused(self, candidate, recruiter):
        CandidateFactory(email="taken@example.com")
        with pytest.raises(services.DuplicateCandidate) as refused:
            services.candidate_update(
                candidate=candidate, by=recruiter, allow_duplicate=True, email="taken@example.com"
            )
        assert refused.value.same_email


class TestTags:
    def test_tags_are_created_by_name_and_reused_whatever_the_case(self, candidate, recruiter):
        existing = Tag.objects.create(name="Python")
        tags = services.candidate_set_tags(
            candidate=candidate, names=["python", " Remote  first ", "REMOTE FIRST"], by=recruiter
        )
        assert [t.name for t in tags] == ["Python", "Remote first"]
        assert tags[0] == existing
        assert Tag.objects.count() == 2
        assert timeline(candidate)[-1] == ("note", "Tags added Python, Remote first")

    def test_changing_tags_notes_what_was_added_and_removed(self, candidate, recruiter):
        services.candidate_set_tags(candidate=candidate, names=["a", "b"], by=recruiter)
        services.candidate_set_tags(candidate=candidate, names=["b", "c"], by=recruiter)
        assert sorted(candidate.tags.values_list("name", flat=True)) == ["b", "c"]
        assert timeline(candidate)[-1] == ("note", "Tags added c; removed a")

    def test_the_same_tags_again_note_nothing(self, candidate, recruiter):
        services.candidate_set_tags(candidate=candidate, names=["a"], by=recruiter)
        before = len(timeline(candidate))
        services.candidate_set_tags(candidate=candidate, names=["A"], by=recruiter)
        assert len(timeline(candidate)) == before

    def test_a_tag_too_long_is_refused_and_nothing_changes(self, candidate, recruiter):
        with pytest.raises(ValidationError, match="too long"):
            services.candidate_set_tags(candidate=candidate, names=["ok", "x" * 51], by=recruiter)
        assert not Tag.objects.exists()
        assert not candidate.tags.exists()

    def test_tags_come_with_a_new_candidate(self, recruiter):
        candidate = services.candidate_create(
            by=recruiter, first_name="Ada", last_name="L", tags=["python", "Python", "go"]
        )
        assert sorted(candidate.tags.values_list("name", flat=True)) == ["go", "python"]


CLOSED = {"closed_at": datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC), "close_reason": "x"}


class TestBulkActions:
    def test_adding_to_a_requisition_skips_those_already_in_it(self, recruiter):
        requisition = RequisitionFactory(title="Platform Lead")
        already = ApplicationFactory(requisition=requisition).candidate
        new = CandidateFactory()

        outcome = services.candidates_add_to_requisition(
            candidates=[already, new], requisition=requisition, by=recruiter
        )

        assert outcome.done == [new]
        assert outcome.skipped == [(already, f"{already.name} is already in this pipeline.")]
        assert Application.objects.filter(requisition=requisition).count() == 2
        assert timeline(new)[-1] == ("stage_change", "Added to Platform Lead as Sourced")

    def test_someone_closed_for_the_role_is_reopened_not_added_twice(self, recruiter):
        requisition = RequisitionFactory(title="Platform Lead")
        rejected = ApplicationFactory(
            requisition=requisition, outcome="rejected", **CLOSED
        ).candidate
        came_back = ApplicationFactory(
            requisition=requisition, outcome="withdrawn", **CLOSED
        ).candidate
        ApplicationFactory(requisition=requisition, candidate=came_back)  # and added again

        outcome = services.candidates_add_to_requisition(
            candidates=[rejected, came_back], requisition=requisition, by=recruiter
        )

        assert outcome.done == []
        assert outcome.skipped == [
            (rejected, f"{rejected.name} was rejected for this role: reopen it on their page."),
            (came_back, f"{came_back.name} is already in this pipeline."),
        ]
        with pytest.raises(ValidationError) as refused:
            services.application_create(candidate=rejected, requisition=requisition, by=recruiter)
        assert refused.value.messages == [
            f"{rejected.name} was rejected for Platform Lead: reopen that application on their "
            "page instead."
        ]
        assert Application.objects.filter(candidate=rejected).count() == 1

    def test_adding_to_a_closed_requisition_adds_nobody(self, recruiter):
        requisition = RequisitionFactory(status="filled", closed_on=datetime.date.today())
        with pytest.raises(ValidationError, match="reopen it"):
            services.candidates_add_to_requisition(
                candidates=CandidateFactory.create_batch(3), requisition=requisition, by=recruiter
            )
        assert not Application.objects.exists()

    def test_a_note_goes_on_every_timeline(self, recruiter):
        people = CandidateFactory.create_batch(3)
        outcome = services.candidates_log_note(
            candidates=people, summary="Met at the meetup", by=recruiter
        )
        assert outcome.done == people
        assert all(timeline(person)[-1] == ("note", "Met at the meetup") for person in people)

    def test_a_message_skips_people_email_must_not_reach_and_says_why(self, recruiter):
        template = MessageTemplateFactory(subject="Hello", body="Hi {{ recipient.first_name }}")
        requisition = RequisitionFactory()
        reachable = ApplicationFactory(requisition=requisition).candidate
        opted_out = CandidateFactory(
            first_name="Olga", last_name="Out", opted_out_at=timezone.now()
        )
        no_email = CandidateFactory(first_name="Nora", last_name="Nomail", email="")

        outcome = services.candidates_send_message(
            candidates=[reachable, opted_out, no_email],
            template=template,
            requisition=requisition,
            by=recruiter,
        )

        assert outcome.done == [reachable]
        assert outcome.skipped == [
            (opted_out, "Olga Out opted out of email."),
            (no_email, "Nora Nomail has no email address."),
        ]
        sent = FollowUp.objects.get()
        assert (sent.candidate, sent.template, sent.requisition) == (
            reachable,
            template,
            requisition,
        )
        assert sent.application == reachable.applications.get()

    def test_a_reset_skips_people_it_would_be_untrue_of(self, recruiter):
        not_selected = MessageTemplate.objects.get(name="Expectation reset: not selected")
        requisition = RequisitionFactory(title="Data Lead")
        still_in = ApplicationFactory(requisition=requisition, stage="interviewing").candidate
        turned_down = ApplicationFactory(
            requisition=requisition,
            stage="interviewing",
            outcome="rejected",
            closed_at=timezone.now(),
            close_reason="Went with another",
        ).candidate

        outcome = services.candidates_send_message(
            candidates=[still_in, turned_down],
            template=not_selected,
            requisition=requisition,
            by=recruiter,
        )

        assert outcome.done == [turned_down]
        ((skipped, why),) = outcome.skipped
        assert skipped == still_in
        assert "they are still in the running for Data Lead" in why

    def test_not_selected_skips_people_never_in_the_role_or_who_withdrew(self, recruiter):
        not_selected = MessageTemplate.objects.get(name="Expectation reset: not selected")
        requisition = RequisitionFactory(title="Data Lead")
        elsewhere = ApplicationFactory(requisition__title="Analyst").candidate
        withdrew = ApplicationFactory(
            requisition=requisition,
            stage="interviewing",
            outcome="withdrawn",
            closed_at=timezone.now(),
            close_reason="Took another job",
        ).candidate

        outcome = services.candidates_send_message(
            candidates=[elsewhere, withdrew],
            template=not_selected,
            requisition=requisition,
            by=recruiter,
        )

        assert outcome.done == []
        reasons = dict(outcome.skipped)
        assert "is not in that role\u2019s pipeline" in reasons[elsewhere]
        assert "withdrew from Data Lead" in reasons[withdrew]
        assert not FollowUp.objects.exists()

    def test_a_message_is_all_or_nothing(self, recruiter, monkeypatch):
        template = MessageTemplateFactory(subject="News", body="Hi {{ recipient.first_name }}")
        people = CandidateFactory.create_batch(3)
        real_send = services.message_send
        sent = []

        def fail_on_the_third(**kwargs):
            if len(sent) == 2:
                raise ValidationError("The mail system is down.")
            sent.append(kwargs["to"])
            return real_send(**kwargs)

        monkeypatch.setattr(services, "message_send", fail_on_the_third)
        with pytest.raises(ValidationError):
            services.candidates_send_message(candidates=people, template=template, by=recruiter)
        assert len(sent) == 2
        assert not FollowUp.objects.exists()

    def test_a_message_about_a_role_needs_the_role(self, recruiter):
        template = MessageTemplateFactory(name="On hold", subject="{{ requisition.title }}")
        with pytest.raises(ValidationError, match="talks about a role"):
            services.candidates_send_message(
                candidates=[CandidateFactory()], template=template, by=recruiter
            )
        assert not FollowUp.objects.exists()

    def test_a_message_about_someones_stage_skips_people_not_in_that_pipeline(self, recruiter):
        template = MessageTemplateFactory(subject="You are at {{ application.stage }}")
        requisition = RequisitionFactory(title="Platform Lead")
        inside = ApplicationFactory(requisition=requisition).candidate
        outside = CandidateFactory(first_name="Otto", last_name="Outside")

        outcome = services.candidates_send_message(
            candidates=[inside, outside], template=template, requisition=requisition, by=recruiter
        )

        assert outcome.done == [inside]
        assert outcome.skipped == [(outside, "Otto Outside is not in the Platform Lead pipeline.")]

    def test_a_task_template_is_not_a_message(self, recruiter):
        template = MessageTemplateFactory(kind="task")
        with pytest.raises(ValidationError, match="task"):
            services.candidates_send_message(
                candidates=[CandidateFactory()], template=template, by=recruiter
            )

    def test_a_selection_must_be_someone_and_not_too_many(self, recruiter):
        with pytest.raises(ValidationError, match="at least one"):
            services.candidates_log_note(candidates=[], summary="x", by=recruiter)
        too_many = [CandidateFactory.build(pk=n) for n in range(1, services.BULK_LIMIT + 2)]
        with pytest.raises(ValidationError, match="at most"):
            services.candidates_log_note(candidates=too_many, summary="x", by=recruiter)


@pytest.mark.parametrize(
    ("on_file", "typed"),
    [
        ("+1 555 010 2000", "555-010-2000"),
        ("555 010 2000", "+1 (555) 010-2000"),
        ("+44 20 7946 0000", "020 7946 0000"),
    ],
)
def test_the_same_phone_with_or_without_its_country_code_is_a_duplicate(recruiter, on_file, typed):
    existing = CandidateFactory(first_name="Grace", last_name="Hopper", phone=on_file)
    with pytest.raises(services.DuplicateCandidate) as refused:
        services.candidate_create(by=recruiter, first_name="Grace", last_name="Hopper", phone=typed)
    assert refused.value.matches == [existing]
