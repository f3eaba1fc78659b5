"""The 90-day check-in to the hiring leader asks whether the hire solved the problem stated at
intake, quoting the intake back; no other check-in asks it."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import NoReverseMatch, reverse

from candidates import services as candidate_services
from followups import links, outbound_mail
from followups.models import CheckInResponse, FollowUp
from hiring_leaders.models import Intake
from tests.candidates.factories import ApplicationFactory, CandidateFactory
from tests.followups import harness
from tests.followups.test_received_mail import (
    parts,
    raw_header,
    received,
    send_everything_due,
)
from tests.hiring_leaders.factories import CompanyFactory, HiringLeaderFactory, RequisitionFactory

pytestmark = pytest.mark.django_db

QUESTION = "Has the hire solved the problem you were hiring for?"


@pytest.fixture
def placement(requisition, recruiter):
    application = ApplicationFactory(
        requisition=requisition, stage="offer", candidate__first_name="Ada"
    )
    return candidate_services.placement_record(
        application=application, start_date=datetime.date.today(), by=recruiter
    )


def checkin(placement, *, audience="hiring_leader", day=90) -> FollowUp:
    return FollowUp.objects.get(
        placement=placement, audience=audience, cadence_step__offset_days=day
    )


def url(followup) -> str:
    return reverse("followups:checkin", args=[links.checkin_token(followup.pk)])


@pytest.fixture
def intake(requisition):
    return Intake.objects.create(
        requisition=requisition,
        why_open="backfill",
        team_short_of="Nobody can own the payments release since Sam left",
        success_90_days="Ships the quarterly release without help",
    )


def test_the_90_day_leader_checkin_asks_and_quotes_the_intake(
    client, placement, intake, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        page = client.get(url(checkin(placement))).content.decode()
    assert QUESTION in page
    assert "What you told us when the search started:" in page
    assert "Backfill: someone left" in page
    assert "Nobody can own the payments release since Sam left" in page
    assert "Ships the quarterly release without help" in page


def test_with_an_empty_intake_it_asks_without_quoting(client, placement):
    page = client.get(url(checkin(placement))).content.decode()
    assert QUESTION in page
    assert "What you told us" not in page


@pytest.mark.parametrize(("audience", "day"), [("hiring_leader", 30), ("hiring_leader", 60)])
def test_earlier_leader_checkins_do_not_ask(client, placement, intake, audience, day):
    page = client.get(url(checkin(placement, audience=audience, day=day))).content.decode()
    assert QUESTION not in page
    assert "What you told us" not in page


def test_the_new_hire_is_never_asked(client, placement, intake):
    followup = checkin(placement, audience="new_hire", day=90)
    page = client.get(url(followup)).content.decode()
    assert QUESTION not in page
    # Even a hand-made post does not store an answer there.
    client.post(url(followup), {"score": "4", "solved_problem": "no"})
    assert CheckInResponse.objects.get().solved_problem == ""


def test_the_answer_is_saved_with_the_score_and_on_the_timeline(client, placement, intake):
    followup = checkin(placement)
    response = client.post(
        url(followup),
        {"score": "4", "solved_problem": "partly", "comment": "Owns releases, not yet on-call"},
    )
    assert "Thank you" in response.content.decode()
    answer = CheckInResponse.objects.get()
    assert (answer.score, answer.solved_problem, answer.comment) == (
        4,
        "partly",
        "Owns releases, not yet on-call",
    )
    assert answer.activity.summary == (
        f"{followup.hiring_leader.name} answered a check-in: 4/5; "
        "solved the problem stated at intake: partly"
    )
    # Opened again, the page shows the earlier answer chosen.
    page = client.get(url(followup)).content.decode()
    (chosen,) = re.findall(r'<input[^>]*name="solved_problem"[^>]*checked[^>]*>', page)
    assert 'value="partly"' in chosen


def test_without_an_answer_the_form_comes_back_with_what_was_typed(client, placement, intake):
    response = client.post(url(checkin(placement)), {"score": "5", "comment": "Great hire"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Say whether the hire solved the problem: yes, partly or no." in page
    assert "Great hire" in page
    assert not CheckInResponse.objects.exists()


def test_a_made_up_answer_is_refused(client, placement):
    response = client.post(url(checkin(placement)), {"score": "5", "solved_problem": "maybe"})
    assert "Say whether the hire solved the problem" in response.content.decode()
    assert not CheckInResponse.objects.exists()


class TestTheEmail:
    """The 90-day email to the leader says there are two questions now; the earlier ones still
    say one. Read as the raw bytes an SMTP server accepted."""

    @pytest.fixture
    def mailbox(self, settings):
        with harness.smtp_sink() as (box, port):
            settings.MAILERS = {
                "default": {
                    "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                    "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
                }
            }
            settings.SITE_URL = "https://crm.example.com"
            yield box
            outbound_mail.drop()

    @pytest.fixture
    def hire(self, recruiter):
        company = CompanyFactory(name="Acme")
        leader = HiringLeaderFactory(
            company=company, first_name="Dana", last_name="Kim", email="dana@acme.example"
        )
        requisition = RequisitionFactory(
            title="Firmware Engineer", company=company, hiring_leader=leader, recruiter=recruiter
        )
        application = ApplicationFactory(
            requisition=requisition,
            stage="offer",
            candidate=CandidateFactory(first_name="Ada", last_name="Byte", owner=recruiter),
        )
        with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)):
            placement = candidate_services.placement_record(
                application=application, start_date=datetime.date(2026, 3, 2), by=recruiter
            )
        FollowUp.objects.exclude(placement=placement).delete()
        return placement

    def test_the_90_day_email_asks_both_questions_and_the_30_day_one_stays(
        self, mailbox, hire, recruiter
    ):
        with time_machine.travel(datetime.datetime(2026, 6, 2, 12, 0, tzinfo=datetime.UTC)):
            send_everything_due()
        earlier = [
            parts(raw)["text/plain"]
            for raw, message in zip(mailbox.raw, mailbox.messages, strict=True)
            if message["To"] == "dana@acme.example"
            and message["Subject"] == "How is Ada settling in?"
        ]
        assert len(earlier) == 2  # days 30 and 60
        assert all("One question, one minute" in text for text in earlier)
        raw = received(mailbox, "dana@acme.example", "Ada at 90 days")
        assert raw_header(raw, "Subject") == " Ada at 90 days: has the hire solved the problem?"
        text = parts(raw)["text/plain"]
        assert (
            "Ada Byte started as Firmware Engineer about 92 days ago. Two questions: how are "
            "they settling in, and has the hire solved the problem you were hiring for when we "
            "started the search?"
        ) in text
        assert "Two questions, two minutes: https://crm.example.com/checkin/" in text
        assert "One question" not in text
        assert f"reply to this email.\r\n\r\n{recruiter.first_name}\r\n" in text


class TestReportedBackAgainstTheIntake:
    """What the leader said at 90 days, beside what they said at intake, on the requisition's
    pages: the recruiter's and the leader's own."""

    @pytest.fixture
    def answered(self, client, placement, intake):
        client.post(
            url(checkin(placement)),
            {"score": "4", "solved_problem": "partly", "comment": "Owns releases, not on-call"},
        )
        return placement

    def test_the_recruiters_requisition_page_reads_it_against_the_intake(
        self, client, recruiter, requisition, answered, django_assert_max_num_queries
    ):
        client.force_login(recruiter)
        # The board's queries and one for the 90-day answers, read because someone was hired.
        with django_assert_max_num_queries(6):
            page = client.get(reverse("clients:requisition_detail", args=[requisition.pk]))
        page = page.content.decode()
        assert "Did the hire solve the problem?" in page
        assert (
            "At intake:</span> Backfill: someone left — Nobody can own the payments release "
            "since Sam left; success at 90 days: Ships the quarterly release without help"
        ) in page
        leader = requisition.hiring_leader.name
        assert f"At 90 days {leader} said:</span>" in page
        assert ">Partly</span> — “Owns releases, not on-call”" in page

    def test_the_leader_reads_what_they_said(self, client, leader, requisition, answered):
        client.force_login(leader.user)
        page = client.get(reverse("hiring_leaders:requisition_detail", args=[requisition.pk]))
        page = page.content.decode()
        try:
            # Where the progress page loads its pipeline part after the page itself.
            part = reverse("hiring_leaders:requisition_part", args=[requisition.pk, "pipeline"])
        except NoReverseMatch:
            part = None
        if part:
            page += client.get(part).content.decode()
        assert "At 90 days you said:</span>" in page
        assert "Nobody can own the payments release since Sam left" in page

    def test_another_leader_gets_404(self, client, requisition, answered):
        from tests.hiring_leaders.factories import HiringLeaderWithLoginFactory

        colleague = HiringLeaderWithLoginFactory(company=requisition.company)
        client.force_login(colleague.user)
        url_ = reverse("hiring_leaders:requisition_detail", args=[requisition.pk])
        assert client.get(url_).status_code == 404

    def test_a_role_with_no_answer_says_nothing_and_reads_nothing_more(
        self, client, recruiter, requisition, django_assert_max_num_queries
    ):
        client.force_login(recruiter)
        with django_assert_max_num_queries(5):
            page = client.get(reverse("clients:requisition_detail", args=[requisition.pk]))
        assert "Did the hire solve the problem?" not in page.content.decode()
