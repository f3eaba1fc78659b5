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
        assert "They will be in touch" not in response.content.decode()
        answer = CheckInResponse.objects.get()
        assert (answer.score, answer.comment, answer.audience) == (4, "Settling in", "new_hire")
        assert checkin.candidate.activities.filter(summary__contains="a check-in: 4/5").exists()
        assert not FollowUp.objects.filter(key__startswith="checkin-flag").exists()

    @pytest.mark.parametrize(
        "answer", [{"score": "2"}, {"score": "4", "is_concern": "on", "comment": "My manager left"}]
    )
    def test_a_low_score_or_a_concern_flags_the_recruiter(self, client, checkin, answer):
        thanks = client.post(checkin_url(checkin.pk), answer).content.decode()
        assert "They will be in touch about it soon." in thanks
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

    def test_sending_again_keeps_one_timeline_entry_and_one_flag(self, client, checkin):
        for answer in ({"score": "2"}, {"score": "1", "comment": "Worse"}, {"score": "2"}):
            client.post(checkin_url(checkin.pk), answer)
        entries = checkin.candidate.activities.filter(summary__contains="a check-in")
        assert [e.summary for e in entries] == [
            f"{checkin.candidate.name} answered a check-in: 2/5 (changed their answer)"
        ]
        (flag,) = FollowUp.objects.filter(key__startswith="checkin-flag")
        assert flag.task_title == f"Check-in flag: {checkin.candidate.name} scored 2/5"
        assert CheckInResponse.objects.get().activity == entries.get()

    def test_the_form_says_who_sees_the_answer_and_who_does_not(self, client, checkin):
        page = client.get(checkin_url(checkin.pk)).content.decode()
        company = checkin.placement.application.requisition.company.name
        assert "Only" not in page
        assert f"Your answer goes to {checkin.recruiter.name} and their recruiting colleagues" in (
            " ".join(page.split())
        )
        assert f"It is not shared with {company}." in page

    def test_a_leaders_answer_is_not_shared_with_the_new_hire(self, client, checkin):
        to_leader = FollowUp.objects.get(
            placement=checkin.placement, audience="hiring_leader", due_at=checkin.due_at
        )
        page = client.get(checkin_url(to_leader.pk)).content.decode()
        first_name = checkin.candidate.first_name
        assert f"It is not shared with {first_name}." in page

    def test_a_leader_sees_no_check_in_answers_on_their_pages(self, client, checkin, leader):
        client.post(checkin_url(checkin.pk), {"score": "1", "comment": "My manager ignores me"})
        client.force_login(leader.user)
        requisition = checkin.placement.application.requisition
        for url in (
            reverse("hiring_leaders:requisition_list"),
            reverse("hiring_leaders:requisition_detail", args=[requisition.pk]),
        ):
            page = client.get(url).content.decode()
            assert "My manager ignores me" not in page
            assert "1/5" not in page

    @pytest.mark.parametrize(
        "payload",
        [{"f": "abc"}, {"f": None}, {"x": 1}, ["f", 1], {"f": 10**30}, {"f": -4}, "just text"],
        ids=["text-id", "null-id", "no-id", "a-list", "huge-id", "negative-id", "a-string"],
    )
    def test_a_correctly_signed_link_of_the_wrong_shape_is_a_400_page(self, client, payload):
        from django.core import signing

        token = signing.dumps(payload, salt=links.CHECKIN_SALT, compress=True)
        response = client.get(reverse("followups:checkin", args=[token]))
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()

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

    @pytest.mark.parametrize(
        "payload",
        [{"k": "c", "id": "abc"}, {"k": "z", "id": 1}, {"k": "c", "id": 10**30}, [1, 2]],
        ids=["text-id", "unknown-kind", "huge-id", "a-list"],
    )
    def test_a_correctly_signed_unsubscribe_link_of_the_wrong_shape_is_a_400_page(
        self, client, payload
    ):
        from django.core import signing

        token = signing.dumps(payload, salt=links.OPT_OUT_SALT, compress=True)
        response = client.post(reverse("followups:opt_out", args=[token]))
        assert response.status_code == 400

    def test_a_forged_link_changes_nothing(self, client, candidate):
        token = links.opt_out_token(candidate)
        forged = token.replace(token[-5:], "xxxxx")
        response = Client(enforce_csrf_checks=True).post(
            reverse("followups:opt_out", args=[forged])
        )
        assert response.status_code == 400
        candidate.refresh_from_db()
        assert candidate.opted_out_at is None
