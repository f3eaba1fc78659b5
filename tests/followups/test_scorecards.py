"""Scorecards through their signed links and the leader's page; reminders a day after the
interview; what panel members receive, read as the SMTP server got it."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from candidates import scorecards
from candidates.models import Interview, Scorecard, ScorecardRating
from followups import links, outbound_mail, panel_mail
from followups.models import FollowUp, PanelEmail, ScorecardRead
from hiring_leaders import interview_kits as kits
from hiring_leaders.models import InterviewKit, PanelMember
from tests.candidates.factories import ApplicationFactory, CandidateFactory
from tests.followups import harness
from tests.followups.test_received_mail import parts, raw_header, rendered
from tests.hiring_leaders.factories import HiringLeaderWithLoginFactory
from tests.hiring_leaders.kit_factories import IntakeFactory

pytestmark = pytest.mark.django_db

SITE = "https://crm.example.com"
INTERVIEW_AT = datetime.datetime(2026, 3, 4, 14, 0, tzinfo=datetime.UTC)


@pytest.fixture
def kit(requisition, recruiter):
    IntakeFactory(
        requisition=requisition,
        interview_panel="Priya Shah <priya@client.example>\nTom Okafor <tom@client.example>",
    )
    kits.interview_kit_generate(requisition=requisition, by=recruiter)
    return InterviewKit.objects.get(requisition=requisition)


@pytest.fixture
def mail_sent_at_once(monkeypatch):
    monkeypatch.setattr(panel_mail, "_hand_over", lambda ids: panel_mail.panel_emails_send(ids=ids))


@pytest.fixture
def interview(kit, recruiter, mail_sent_at_once, django_capture_on_commit_callbacks):
    """Priya and Tom's panel interview of Ada, booked for 14:00 on 4 March."""
    candidate = CandidateFactory(first_name="Ada", last_name="Quist", owner=recruiter)
    application = ApplicationFactory(
        candidate=candidate, requisition=kit.requisition, stage="interviewing"
    )
    members = list(
        PanelMember.objects.filter(email__in=["priya@client.example", "tom@client.example"])
    )
    with django_capture_on_commit_callbacks(execute=True):
        return scorecards.interview_book(
            application=application,
            kit_round=kit.rounds.get(name="Panel / technical interview"),
            starts_at=INTERVIEW_AT,
            interviewers=members,
            by=recruiter,
        )


def card_of(interview, email) -> Scorecard:
    return interview.scorecards.get(interviewer__email=email)


def link_path(card) -> str:
    return reverse("panel:scorecard", args=[links.scorecard_token(card.pk)])


def full_answer(card, rating="3"):
    criteria = scorecards.scorecard_criteria(card)
    data = {f"rating_{c.pk}": rating for c in criteria}
    data |= {f"notes_{c.pk}": f"heard about {c.name}" for c in criteria}
    data["notes"] = "Would hire."
    return data


# ---------- the signed link ----------


def test_the_form_offers_four_choices_and_no_neutral(client, interview):
    card = card_of(interview, "priya@client.example")
    response = client.get(link_path(card))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Scorecard: Ada Quist" in page
    criteria = scorecards.scorecard_criteria(card)
    assert len(criteria) == 3  # the panel round covers every criterion
    for criterion in criteria:
        assert page.count(f'name="rating_{criterion.pk}"') == 4
    for label in ("Strong no", "No", "Yes", "Strong yes"):
        assert f"> {label}</label>" in page
    assert "Neutral" not in page
    assert "checked" not in page


def test_a_missing_rating_is_refused_and_nothing_typed_is_lost(client, interview):
    card = card_of(interview, "priya@client.example")
    data = full_answer(card)
    first = scorecards.scorecard_criteria(card)[0]
    del data[f"rating_{first.pk}"]
    response = client.post(link_path(card), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert f"Rate “{first.name}”." in page
    assert f"heard about {first.name}" in page
    assert "Would hire." in page
    card.refresh_from_db()
    assert card.submitted_at is None
    assert not ScorecardRating.objects.exists()


def test_a_neutral_or_made_up_rating_is_refused(client, interview):
    card = card_of(interview, "priya@client.example")
    for bad in ("0", "2.5", "5", "neutral"):
        response = client.post(link_path(card), full_answer(card, rating=bad))
        assert response.status_code == 400
    assert not ScorecardRating.objects.exists()


def test_submitting_and_resubmitting_before_the_recruiter_reads_it(client, interview):
    card = card_of(interview, "priya@client.example")
    response = client.post(link_path(card), full_answer(card, "3"), follow=True)
    assert "your scorecard is in" in response.content.decode()
    assert set(card.ratings.values_list("rating", flat=True)) == {3}
    client.post(link_path(card), full_answer(card, "4"))
    assert set(card.ratings.values_list("rating", flat=True)) == {4}
    assert card.ratings.count() == 3
    page = client.get(link_path(card)).content.decode()
    assert "Sending it again replaces it" in page
    assert page.count("checked") == 3


def test_once_the_recruiter_has_read_it_the_link_shows_it_read_only(client, interview, recruiter):
    card = card_of(interview, "priya@client.example")
    client.post(link_path(card), full_answer(card, "2"))
    ScorecardRead.objects.create(scorecard=card, read_by=recruiter)
    response = client.post(link_path(card), full_answer(card, "4"))
    page = response.content.decode()
    assert "has read your scorecard" in page
    assert '<form method="post" novalidate>' not in page
    assert set(card.ratings.values_list("rating", flat=True)) == {2}


@pytest.mark.parametrize(
    ("token", "status", "words"),
    [
        ("not-a-token", 400, "This scorecard link is not valid."),
        ("tampered", 400, "This scorecard link is not valid."),
        ("expired", 410, "This scorecard link has expired."),
        ("other-salt", 400, "This scorecard link is not valid."),
        ("gone", 400, "This interview is no longer on record."),
    ],
)
def test_a_bad_link_gets_a_clear_page_not_an_error(client, interview, token, status, words):
    card = card_of(interview, "priya@client.example")
    good = links.scorecard_token(card.pk)
    if token == "tampered":
        token = good[:-3] + ("abc" if not good.endswith("abc") else "xyz")
    elif token == "expired":
        with time_machine.travel(timezone.now() - datetime.timedelta(days=61)):
            token = links.scorecard_token(card.pk)
    elif token == "other-salt":
        token = links.panel_kit_token(card.pk)
    elif token == "gone":
        token = signing.dumps({"s": 987654}, salt=links.SCORECARD_SALT, compress=True)
    response = client.get(reverse("panel:scorecard", args=[token]))
    assert response.status_code == status
    assert words in response.content.decode()


def test_the_panel_kit_link_shows_the_kit_and_the_scorecards_owed(client, interview):
    member = PanelMember.objects.get(email="tom@client.example")
    response = client.get(reverse("panel:kit", args=[links.panel_kit_token(member.pk)]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Scorecards you owe" in page
    assert "Ada Quist" in page
    assert "Mentors junior engineers" in page
    bad = client.get(reverse("panel:kit", args=["junk"]))
    assert bad.status_code == 400
    assert "This interview kit link is not valid." in bad.content.decode()


# ---------- a leader on the panel ----------


@pytest.fixture
def leader_interview(kit, recruiter, leader):
    application = ApplicationFactory(requisition=kit.requisition, stage="interviewing")
    member = PanelMember.objects.get(hiring_leader=leader)
    interview = Interview.objects.create(
        application=application,
        round=kit.rounds.get(name="Hiring leader interview"),
        starts_at=INTERVIEW_AT,
    )
    return Scorecard.objects.create(interview=interview, interviewer=member)


def test_a_leader_on_the_panel_fills_the_scorecard_from_their_progress_page(
    client, leader, leader_interview
):
    client.force_login(leader.user)
    progress = reverse(
        "hiring_leaders:requisition_detail",
        args=[leader_interview.interview.application.requisition_id],
    )
    page = client.get(progress).content.decode()
    address = reverse("kits:leader_scorecard", args=[leader_interview.pk])
    assert "Your scorecards" in page
    assert address in page
    response = client.post(address, full_answer(leader_interview, "4"), follow=True)
    assert "your scorecard is in" in response.content.decode()
    leader_interview.refresh_from_db()
    assert leader_interview.submitted_at is not None


@pytest.mark.parametrize("who", ["other_leader", "same_company_leader", "recruiter"])
def test_someone_elses_scorecard_is_404_on_the_leader_pages(client, who, request, leader_interview):
    if who == "same_company_leader":
        company = leader_interview.interview.application.requisition.company
        user = HiringLeaderWithLoginFactory(company=company).user
    elif who == "recruiter":
        user = request.getfixturevalue("recruiter")
    else:
        user = request.getfixturevalue(who).user
    client.force_login(user)
    address = reverse("kits:leader_scorecard", args=[leader_interview.pk])
    assert client.get(address).status_code == 404
    assert client.post(address, full_answer(leader_interview)).status_code == 404
    leader_interview.refresh_from_db()
    assert leader_interview.submitted_at is None


# ---------- reminders ----------


def test_reminders_at_23_hours_none_at_25_one_each_and_never_twice(
    client, interview, mail_sent_at_once, django_capture_on_commit_callbacks, mailoutbox
):
    priya = card_of(interview, "priya@client.example")
    client.post(link_path(priya), full_answer(priya))
    mailoutbox.clear()

    with (
        time_machine.travel(INTERVIEW_AT + datetime.timedelta(hours=23)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert panel_mail.scorecards_remind_missing() == 0
    assert mailoutbox == []
    assert not FollowUp.objects.filter(key__startswith="scorecards-missing").exists()

    with (
        time_machine.travel(INTERVIEW_AT + datetime.timedelta(hours=25)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert panel_mail.scorecards_remind_missing() == 1
    (reminder,) = mailoutbox
    assert reminder.to == ["Tom Okafor <tom@client.example>"]
    assert (
        reminder.subject
        == f"Your scorecard for Ada Quist ({interview.application.requisition.title})"
    )
    (task,) = FollowUp.objects.filter(key__startswith="scorecards-missing")
    assert task.task_title == "1 scorecard missing for Ada Quist's interview"
    assert task.recruiter == interview.application.requisition.recruiter
    assert task.application == interview.application

    with (
        time_machine.travel(INTERVIEW_AT + datetime.timedelta(hours=49)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert panel_mail.scorecards_remind_missing() == 0
    assert len(mailoutbox) == 1
    assert FollowUp.objects.filter(key__startswith="scorecards-missing").count() == 1


def test_the_task_counts_down_and_clears_as_scorecards_arrive(
    client, interview, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(INTERVIEW_AT + datetime.timedelta(hours=25)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert panel_mail.scorecards_remind_missing() == 2
    task = FollowUp.objects.get(key=panel_mail.missing_task_key(interview.pk))
    assert task.task_title == "2 scorecards missing for Ada Quist's interview"
    assert task.state == "scheduled"
    priya = card_of(interview, "priya@client.example")
    client.post(link_path(priya), full_answer(priya))
    task.refresh_from_db()
    assert task.task_title == "1 scorecard missing for Ada Quist's interview"
    tom = card_of(interview, "tom@client.example")
    client.post(link_path(tom), full_answer(tom))
    task.refresh_from_db()
    assert task.state == "cancelled"


def test_a_panel_email_the_broker_lost_is_sent_by_beats_sweep(interview, mailoutbox, monkeypatch):
    monkeypatch.setattr(panel_mail, "_hand_over", lambda ids: None)  # the broker was down
    member = PanelMember.objects.get(email="tom@client.example")
    panel_mail.panel_emails_queue(members=[member], kind="kit")
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        assert panel_mail.panel_emails_send() == 0  # not yet: its task may still be on its way
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6)):
        assert panel_mail.panel_emails_send() == 1
        assert panel_mail.panel_emails_send() == 0
    assert [m.subject for m in mailoutbox if m.subject.startswith("Interview kit")] == [
        f"Interview kit: {interview.application.requisition.title} at "
        f"{interview.application.requisition.company.name}"
    ]


# ---------- what the panel receives ----------


@pytest.fixture
def mailbox(settings):
    with harness.smtp_sink() as (box, port):
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
            }
        }
        settings.SITE_URL = SITE
        yield box
        outbound_mail.drop()


def test_the_kit_email_as_the_panel_member_receives_it(
    mailbox, kit, recruiter, mail_sent_at_once, django_capture_on_commit_callbacks
):
    requisition = kit.requisition
    with django_capture_on_commit_callbacks(execute=True):
        kits.interview_kit_send_to_panel(kit=kit, by=recruiter)
    (raw,) = [
        r
        for r, m in zip(mailbox.raw, mailbox.messages, strict=True)
        if "priya@client.example" in m["To"]
    ]
    assert raw_header(raw, "To").strip() == "Priya Shah <priya@client.example>"
    assert raw_header(raw, "Subject").strip() == (
        f"Interview kit: {requisition.title} at {requisition.company.name}"
    )
    email = PanelEmail.objects.get(panel_member__email="priya@client.example")
    assert raw_header(raw, "Message-ID").strip() == email.message_id
    text = parts(raw)["text/plain"].replace("\r\n", "\n")
    assert text.startswith("Hello Priya Shah,")
    assert "Your rounds:\n- Panel / technical interview, 60 minutes: all the criteria below" in text
    assert "1. Has run PostgreSQL in production\n   What good looks like:" in text
    assert "   - Tell me about a recent piece of work" in text
    member = PanelMember.objects.get(email="priya@client.example")
    (kit_link,) = re.findall(r"The kit, always up to date: (\S+)", text)
    token = kit_link.removeprefix(SITE + "/panel/kit/").rstrip("/")
    assert links.panel_member_id_from_token(token) == member.pk
    assert "&#" not in text
    assert "&amp;" not in text
    html = rendered(parts(raw)["text/html"])
    assert (kit_link, "Open the kit (always up to date)") in html.links
    email.refresh_from_db()
    assert email.sent_at is not None


def test_the_scorecard_link_email_says_when_in_the_companys_time_zone(mailbox, interview):
    raw = next(
        r
        for r, m in zip(mailbox.raw, mailbox.messages, strict=True)
        if "tom@client.example" in m["To"]
    )
    text = parts(raw)["text/plain"].replace("\r\n", "\n")
    # 14:00 UTC is 14:00 in London in March (no summer time yet).
    assert "You are interviewing Ada Quist for" in text
    assert "on Wednesday 4 March, 14:00 (Europe/London)" in text
    card = card_of(interview, "tom@client.example")
    (token,) = re.findall(re.escape(SITE) + r"/panel/scorecard/([^/\s]+)/", text)
    assert links.scorecard_id_from_token(token) == card.pk


def test_the_reminder_from_beats_task_as_the_interviewer_receives_it(
    mailbox, interview, django_capture_on_commit_callbacks
):
    from followups.tasks import remind_missing_scorecards

    requisition = interview.application.requisition
    with (
        time_machine.travel(INTERVIEW_AT + datetime.timedelta(hours=25)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert remind_missing_scorecards() == 2
    (raw,) = [
        r
        for r, m in zip(mailbox.raw, mailbox.messages, strict=True)
        if "tom@client.example" in m["To"] and str(m["Subject"]).startswith("Your scorecard")
    ]
    assert raw_header(raw, "Subject").strip() == (
        f"Your scorecard for Ada Quist ({requisition.title})"
    )
    text = parts(raw)["text/plain"].replace("\r\n", "\n")
    assert text.startswith("Hello Tom Okafor,\n\n")
    assert (
        f"Your scorecard for Ada Quist's panel / technical interview for {requisition.title} "
        "on Wednesday 4 March, 14:00 (Europe/London) has not reached us yet."
    ) in text
    card = card_of(interview, "tom@client.example")
    (token,) = re.findall(re.escape(SITE) + r"/panel/scorecard/([^/\s]+)/", text)
    assert links.scorecard_id_from_token(token) == card.pk
    assert f"{requisition.recruiter.name} is waiting on every interviewer's view" in text
    assert raw_header(raw, "Reply-To").strip() == requisition.recruiter.email
