"""Pages people reach from an email, without signing in: check-ins and unsubscribing."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from candidates import services as candidate_services
from followups import links
from followups.models import CheckInResponse, FollowUp
from tests.candidates.factories import ApplicationFactory
from tests.followups.factories import FollowUpFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def checkin(requisition, recruiter):
    application = ApplicationFactory(requisition=requisition, stage="offer")
    placement = candidate_services.placement_record(
        application=application, start_date=datetime.date.today(), by=recruiter
    )
    return FollowUp.objects.filter(placement=placement, audience="new_hire").first()


def checkin_url(followup_id):
    return reverse("followups:checkin", args=[links.checkin_token(followup_id)])


class TestCheckIn:
    def test_the_new_hire_sees_a_one_page_form_without_signing_in(
        self, client, checkin, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(3):
            response = client.get(checkin_url(checkin.pk))
        page = response.content.decode()
        assert response.status_code == 200
        assert "How is it going?" in page
        assert checkin.placement.application.requisition.title in page

    def test_a_good_answer_is_stored_and_on_the_timeline_without_a_flag(self, client, checkin):
        response = client.post(checkin_url(checkin.pk), {"score": "4", "comment": "Settling in"})
        assert "Thank you" in response.content.decode()
        answer = CheckInResponse.objects.get()
        assert (answer.score, answer.comment, answer.audience) == (4, "Settling in", "new_hire")
        assert checkin.candidate.activities.filter(summary__contains="a check-in: 4/5").exists()
        assert not FollowUp.objects.filter(key__startswith="checkin-flag").exists()

    @pytest.mark.parametrize(
        "answer", [{"score": "2"}, {"score": "4", "is_concern": "on", "comment": "My manager left"}]
    )
    def test_a_low_score_or_a_concern_flags_the_recruiter(self, client, checkin, answer):
        client.post(checkin_url(checkin.pk), answer)
        flag = FollowUp.objects.get(key=f"checkin-flag:{checkin.pk}")
        assert (flag.channel, flag.recruiter) == ("task", checkin.recruiter)
        assert flag.task_title.startswith(f"Check-in flag: {checkin.candidate.name} scored")

    def test_answering_twice_updates_rather_than_duplicates(self, client, checkin):
        client.post(checkin_url(checkin.pk), {"score": "2"})
        response = client.get(checkin_url(checkin.pk))
        assert "You answered this check-in before" in response.content.decode()
        client.post(checkin_url(checkin.pk), {"score": "5", "comment": "Sorted now"})
        assert list(CheckInResponse.objects.values_list("score", "comment")) == [(5, "Sorted now")]
        assert FollowUp.objects.filter(key__startswith="checkin-flag").count() == 1

    def test_a_missing_score_re_renders_with_a_message_and_saves_nothing(self, client, checkin):
        response = client.post(checkin_url(checkin.pk), {"comment": "Keep this text"})
        page = response.content.decode()
        assert response.status_code == 200
        assert "Choose how it is going, from 1 to 5." in page
        assert "Keep this text" in page
        assert not CheckInResponse.objects.exists()

    def test_a_tampered_link_gets_a_clear_page(self, client, checkin):
        token = links.checkin_token(checkin.pk)
        response = client.get(reverse("followups:checkin", args=[token[:-3] + "abc"]))
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()

    def test_an_expired_link_says_so(self, client, checkin):
        url = checkin_url(checkin.pk)
        with time_machine.travel(timezone.now() + datetime.timedelta(days=60)):
            response = client.get(url)
        assert response.status_code == 410
        assert "This link has expired" in response.content.decode()

    def test_a_link_to_something_that_is_not_a_check_in_is_refused(self, client, candidate):
        status_update = FollowUpFactory(candidate=candidate)
        response = client.get(checkin_url(status_update.pk))
        assert response.status_code == 400


class TestOptOut:
    def test_the_link_asks_before_stopping(self, client, candidate):
        response = client.get(links.opt_out_link(candidate))
        assert "Stop emails from RecruitCRM?" in response.content.decode()
        candidate.refresh_from_db()
        assert candidate.opted_out_at is None

    def test_one_click_unsubscribe_works_without_session_or_csrf_token(self, candidate):
        pending = FollowUpFactory(candidate=candidate, due_at=timezone.now())
        mail_client = Client(enforce_csrf_checks=True)
        response = mail_client.post(
            links.opt_out_link(candidate), {"List-Unsubscribe": "One-Click"}
        )
        assert response.status_code == 200
        candidate.refresh_from_db()
        assert candidate.opted_out_at is not None
        pending.refresh_from_db()
        assert pending.state == "cancelled"
        assert candidate.activities.filter(summary__endswith="opted out of email").exists()

    def test_a_hiring_leader_can_opt_out_too(self, client, leader):
        client.post(links.opt_out_link(leader))
        leader.refresh_from_db()
        assert leader.opted_out_at is not None

    def test_a_forged_link_changes_nothing(self, client, candidate):
        token = links.opt_out_token(candidate)
        forged = token.replace(token[-5:], "xxxxx")
        response = Client(enforce_csrf_checks=True).post(
            reverse("followups:opt_out", args=[forged])
        )
        assert response.status_code == 400
        candidate.refresh_from_db()
        assert candidate.opted_out_at is None
