"""A hiring leader's feedback on a candidate submitted to them: what each answer does to the
pipeline, what it schedules, who sees it, and who may give it (everyone else gets a 404)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from candidates import services as candidate_services
from candidates.feedback_selectors import waiting_on_leader
from candidates.models import Activity, Application, LeaderFeedback
from followups.models import FollowUp
from followups.queue.selectors import queue_for
from hiring_leaders import services as requisition_services
from tests.candidates.factories import ApplicationFactory, CandidateFactory
from tests.hiring_leaders.factories import HiringLeaderWithLoginFactory, RequisitionFactory
from tests.hiring_leaders.progress_page import open_page

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
REJECTION = "Not moving forward (candidate)"


@pytest.fixture
def submitted(shipped_cadences, requisition, recruiter):
    """Ada, screened and then submitted to the leader by the recruiter."""
    candidate = CandidateFactory(owner=recruiter, first_name="Ada", last_name="Lovelace")
    application = ApplicationFactory(
        candidate=candidate, requisition=requisition, stage=Application.Stage.SCREENED
    )
    return candidate_services.application_move(
        application=application, stage=Application.Stage.SUBMITTED, by=recruiter
    )


def give(application, kind, **fields):
    return candidate_services.leader_feedback_give(
        application=application, leader=application.requisition.hiring_leader, kind=kind, **fields
    )


def url(application) -> str:
    return reverse("leader_feedback:feedback", args=[application.requisition_id, application.pk])


def from_leaders(recruiter):
    return queue_for(recruiter=recruiter).section("from_leaders")


class TestWhatEachAnswerDoes:
    def test_advance_moves_to_interview_and_the_candidate_hears_the_interview_update(
        self, submitted, recruiter
    ):
        give(submitted, "advance")
        submitted.refresh_from_db()
        assert submitted.stage == Application.Stage.INTERVIEWING
        to_candidate = FollowUp.objects.filter(
            application=submitted, audience="candidate", channel="email", state="scheduled"
        )
        assert "Status update: interview (candidate)" in [f.template.name for f in to_candidate]
        (row,) = from_leaders(recruiter).rows
        assert "wants to interview Ada Lovelace" in row.task_title

    def test_a_pass_rejects_and_the_candidate_gets_the_kind_note_never_the_leaders_words(
        self, submitted, recruiter
    ):
        give(submitted, "pass", reason="salary", text="Asked for twice our band, sadly")
        submitted.refresh_from_db()
        assert (submitted.outcome, submitted.close_reason) == (
            "rejected",
            f"{submitted.requisition.hiring_leader.name} passed: Salary expectations out of range",
        )
        (note,) = FollowUp.objects.filter(
            application=submitted, audience="candidate", state="scheduled"
        )
        assert note.template.name == REJECTION
        assert "twice our band" not in note.template.body
        assert "twice our band" not in str(note.facts)
        (row,) = from_leaders(recruiter).rows
        assert "passed on Ada Lovelace" in row.task_title
        assert "Salary expectations out of range" in row.task_title
        assert "twice our band" in row.task_title

    def test_a_question_changes_nothing_in_the_pipeline_and_reaches_the_recruiter(
        self, submitted, recruiter
    ):
        give(submitted, "question", text="Does she have on-call experience?")
        submitted.refresh_from_db()
        assert (submitted.stage, submitted.outcome) == ("submitted", "active")
        (row,) = from_leaders(recruiter).rows
        assert "asks about Ada Lovelace" in row.task_title
        assert "on-call experience" in row.task_title

    @pytest.mark.parametrize("kind", ["advance", "pass", "question"])
    def test_each_answer_is_on_the_candidates_timeline(self, submitted, kind):
        give(submitted, kind, reason="skills", text="Needs more Kubernetes")
        entry = Activity.objects.filter(candidate=submitted.candidate, kind="note").get()
        assert "(hiring leader)" in entry.summary
        assert not entry.shared_with_leader

    def test_a_pass_needs_a_reason_and_words(self, submitted):
        with pytest.raises(ValidationError):
            give(submitted, "pass", reason="skills", text="  ")
        with pytest.raises(ValidationError):
            give(submitted, "pass", reason="", text="No")
        assert not LeaderFeedback.objects.exists()


class TestWaitingOnTheLeader:
    def test_a_submission_unanswered_for_the_set_days_shows_in_the_recruiters_queue(
        self, submitted, recruiter, settings
    ):
        assert from_leaders(recruiter).count == 0
        with time_machine.travel(timezone.now() + datetime.timedelta(days=3, hours=1)):
            (row,) = from_leaders(recruiter).rows
            assert row.key.startswith("feedback-wait:")
            assert row.task_title.startswith("Nudge ")
            assert "for feedback on Ada Lovelace" in row.task_title
            assert row.task_title.endswith("if none has come 3 days after submission")
            (waiting,) = waiting_on_leader(requisition_ids=[submitted.requisition_id])
            assert (waiting.days, waiting.overdue) == (3, True)

    def test_feedback_ends_the_wait(self, submitted, recruiter):
        give(submitted, "question", text="Notice period?")
        wait = FollowUp.objects.get(application=submitted, key__startswith="feedback-wait:")
        assert wait.state == "cancelled"
        assert waiting_on_leader(requisition_ids=[submitted.requisition_id]) == []

    @pytest.mark.parametrize("close", ["fill", "cancel"])
    def test_a_role_that_closes_ends_the_wait(self, submitted, recruiter, close):
        role = submitted.requisition
        if close == "fill":
            requisition_services.requisition_fill(requisition=role, by=recruiter)
        else:
            requisition_services.requisition_cancel(requisition=role, reason="Merged", by=recruiter)
        wait = FollowUp.objects.get(application=submitted, key__startswith="feedback-wait:")
        assert wait.state == "cancelled"

    def test_a_role_on_hold_pauses_the_chase_and_reopening_gives_the_leader_the_whole_wait(
        self, submitted, recruiter
    ):
        role = submitted.requisition
        requisition_services.requisition_put_on_hold(
            requisition=role, reason="Budget review", by=recruiter
        )
        wait = FollowUp.objects.get(application=submitted, key__startswith="feedback-wait:")
        assert (wait.state, wait.note) == ("cancelled", "Paused: the role is on hold")
        with time_machine.travel(timezone.now() + datetime.timedelta(days=10), tick=False):
            assert from_leaders(recruiter).count == 0  # nobody chases a paused role
            requisition_services.requisition_reopen(requisition=role, by=recruiter)
            reopened = timezone.now()

        wait.refresh_from_db()
        assert (wait.state, wait.note) == ("scheduled", "")
        assert wait.due_at == reopened + datetime.timedelta(days=3)
        assert wait.task_title.endswith("if none has come 3 days after the role reopened")

    def test_a_candidate_put_forward_during_a_hold_is_chased_once_the_role_reopens(
        self, shipped_cadences, requisition, recruiter
    ):
        requisition_services.requisition_put_on_hold(
            requisition=requisition, reason="Budget review", by=recruiter
        )
        application = candidate_services.application_move(
            application=ApplicationFactory(requisition=requisition, stage="screened"),
            stage="submitted",
            by=recruiter,
        )
        assert not FollowUp.objects.filter(key__startswith="feedback-wait:").exists()

        requisition_services.requisition_reopen(requisition=requisition, by=recruiter)

        (wait,) = FollowUp.objects.filter(key__startswith="feedback-wait:")
        assert (wait.application, wait.state) == (application, "scheduled")
        assert wait.key == f"feedback-wait:{application.stage_changes.latest('pk').pk}"

    def test_a_leader_who_answered_during_the_hold_is_not_chased_after_it(
        self, submitted, recruiter
    ):
        role = submitted.requisition
        requisition_services.requisition_put_on_hold(
            requisition=role, reason="Budget review", by=recruiter
        )
        give(submitted, "question", text="Notice period?")
        requisition_services.requisition_reopen(requisition=role, by=recruiter)

        (wait,) = FollowUp.objects.filter(key__startswith="feedback-wait:")
        assert wait.state == "cancelled"

    def test_the_number_of_days_is_a_setting(
        self, shipped_cadences, requisition, recruiter, settings
    ):
        settings.LEADER_FEEDBACK_OVERDUE_DAYS = 5
        application = ApplicationFactory(requisition=requisition, stage="screened")
        candidate_services.application_move(
            application=application, stage="submitted", by=recruiter
        )
        wait = FollowUp.objects.get(application=application, key__startswith="feedback-wait:")
        assert wait.due_at - application.stage_changes.latest(
            "pk"
        ).changed_at == datetime.timedelta(days=5)


class TestTheFeedbackEndpoint:
    def test_a_leader_passes_over_htmx_and_is_told_what_happens_next(
        self, client, leader, submitted
    ):
        client.force_login(leader.user)
        response = client.post(
            url(submitted), {"kind": "pass", "reason": "level", "text": "Too junior"}, **HTMX
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert f'id="feedback-{submitted.pk}"' in page
        assert "never your words" in page
        assert LeaderFeedback.objects.get().reason == "level"

    def test_a_rows_pass_link_brings_the_pass_form_open_in_place(self, client, leader, submitted):
        client.force_login(leader.user)
        progress = open_page(
            client, reverse("hiring_leaders:requisition_detail", args=[submitted.requisition_id])
        ).content.decode()
        assert f'href="{url(submitted)}?kind=pass"' in progress
        assert "Main reason" not in progress  # the rows carry links, not every form

        page = client.get(url(submitted), {"kind": "pass"}, **HTMX).content.decode()

        assert page.startswith(f'<div class="leader-feedback" id="feedback-{submitted.pk}">')
        assert '<details class="leader-feedback__more" open>' in page
        assert "Main reason" in page

    def test_without_javascript_a_pass_redirects_to_the_role(self, client, leader, submitted):
        client.force_login(leader.user)
        response = client.post(url(submitted), {"kind": "advance"})
        assert response.status_code == 302
        assert response.url == reverse(
            "hiring_leaders:requisition_detail", args=[submitted.requisition_id]
        )

    def test_a_pass_without_words_is_refused_with_the_reason(self, client, leader, submitted):
        client.force_login(leader.user)
        response = client.post(
            url(submitted), {"kind": "pass", "reason": "level", "text": ""}, **HTMX
        )
        assert response.status_code == 400
        assert "Say in a few words why" in response.content.decode()
        assert not LeaderFeedback.objects.exists()

    def test_the_page_of_its_own_shows_the_forms_in_a_fixed_number_of_queries(
        self, client, leader, submitted, django_assert_max_num_queries
    ):
        client.force_login(leader.user)
        with django_assert_max_num_queries(6):
            response = client.get(url(submitted) + "?kind=pass")
        page = response.content.decode()
        assert "Pass on Ada Lovelace" in page
        assert 'Interview<span class="visually-hidden"> Ada Lovelace' in page

    @pytest.mark.parametrize("who", ["other_company", "same_company", "recruiter"])
    def test_anyone_but_the_roles_leader_gets_404(self, client, submitted, who, recruiter):
        if who == "recruiter":
            user = recruiter
        else:
            company = submitted.requisition.company if who == "same_company" else None
            other = HiringLeaderWithLoginFactory(**({"company": company} if company else {}))
            RequisitionFactory(hiring_leader=other)  # owns a role, just not this one
            user = other.user
        client.force_login(user)
        assert client.get(url(submitted)).status_code == 404
        assert client.post(url(submitted), {"kind": "advance"}).status_code == 404
        assert not LeaderFeedback.objects.exists()

    @pytest.mark.parametrize("stage", ["sourced", "contacted", "screened"])
    def test_a_candidate_not_submitted_is_404_to_the_leader(
        self, client, leader, requisition, stage
    ):
        application = ApplicationFactory(requisition=requisition, stage=stage)
        client.force_login(leader.user)
        assert client.post(url(application), {"kind": "advance"}).status_code == 404

    def test_a_candidate_of_another_role_of_the_same_leader_is_404_under_this_role(
        self, client, leader, submitted, recruiter
    ):
        other_role = RequisitionFactory(hiring_leader=leader, recruiter=recruiter)
        wrong = reverse("leader_feedback:feedback", args=[other_role.pk, submitted.pk])
        client.force_login(leader.user)
        assert client.post(wrong, {"kind": "advance"}).status_code == 404

    def test_a_rejected_candidate_cannot_be_answered_again(self, client, leader, submitted):
        give(submitted, "pass", reason="skills", text="No")
        client.force_login(leader.user)
        assert client.post(url(submitted), {"kind": "advance"}).status_code == 404
