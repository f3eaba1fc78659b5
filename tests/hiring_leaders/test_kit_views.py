"""The recruiter's interview kit page, the interviews page, and the kit on the leader's page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.models import Interview, Scorecard, ScorecardRating
from followups import panel_mail
from followups.models import PanelEmail, ScorecardRead
from hiring_leaders import interview_kits as kits
from hiring_leaders.models import InterviewKit, KitCriterion, PanelMember
from tests.candidates.factories import ApplicationFactory
from tests.hiring_leaders.factories import HiringLeaderWithLoginFactory, RequisitionFactory
from tests.hiring_leaders.kit_factories import IntakeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kit(requisition, recruiter):
    IntakeFactory(
        requisition=requisition,
        interview_panel="Priya Shah <priya@client.example>\nTom Okafor, tom@client.example",
    )
    kits.interview_kit_generate(requisition=requisition, by=recruiter)
    return InterviewKit.objects.get(requisition=requisition)


@pytest.fixture
def mail_sent_at_once(monkeypatch):
    """Panel mail sent as soon as its transaction commits, without a worker."""
    monkeypatch.setattr(panel_mail, "_hand_over", lambda ids: panel_mail.panel_emails_send(ids=ids))


@pytest.fixture
def application(requisition):
    return ApplicationFactory(requisition=requisition, stage="interviewing")


def kit_url(requisition, name="kits:kit", *args):
    return reverse(name, args=[requisition.pk, *args])


# ---------- who may open the pages ----------


def _same_company_leader(requisition):
    return HiringLeaderWithLoginFactory(company=requisition.company)


@pytest.mark.parametrize("who", ["leader", "other_leader", "same_company_leader"])
def test_leaders_get_404_on_every_recruiter_page(client, who, request, kit, application):
    requisition = kit.requisition
    user = (
        _same_company_leader(requisition).user
        if who == "same_company_leader"
        else request.getfixturevalue(who).user
    )
    client.force_login(user)
    criterion = kit.criteria.first()
    question = criterion.questions.first()
    kit_round = kit.rounds.first()
    member = requisition.panel_members.first()
    pages = [
        ("get", kit_url(requisition)),
        ("post", kit_url(requisition, "kits:generate")),
        ("post", kit_url(requisition, "kits:share")),
        ("post", kit_url(requisition, "kits:send")),
        ("post", kit_url(requisition, "kits:criterion_add")),
        ("post", kit_url(requisition, "kits:criterion", criterion.pk)),
        ("post", kit_url(requisition, "kits:question_add", criterion.pk)),
        ("post", kit_url(requisition, "kits:question", question.pk)),
        ("post", kit_url(requisition, "kits:round_add")),
        ("post", kit_url(requisition, "kits:round", kit_round.pk)),
        ("post", kit_url(requisition, "kits:member_add")),
        ("post", kit_url(requisition, "kits:member", member.pk)),
        ("get", kit_url(requisition, "kits:application_interviews", application.pk)),
        ("post", kit_url(requisition, "kits:application_interviews", application.pk)),
    ]
    for method, address in pages:
        assert getattr(client, method)(address).status_code == 404, address
    assert not InterviewKit.objects.filter(shared_with_leader_at__isnull=False).exists()
    assert not PanelEmail.objects.exists()


def test_items_of_another_requisitions_kit_are_404(client, recruiter, kit):
    other = RequisitionFactory(recruiter=recruiter)
    IntakeFactory(requisition=other)
    kits.interview_kit_generate(requisition=other, by=recruiter)
    client.force_login(recruiter)
    criterion = kit.criteria.first()
    response = client.post(kit_url(other, "kits:criterion", criterion.pk), {"action": "remove"})
    assert response.status_code == 404
    assert KitCriterion.objects.filter(pk=criterion.pk).exists()
    application = ApplicationFactory(requisition=kit.requisition)
    assert (
        client.get(kit_url(other, "kits:application_interviews", application.pk)).status_code == 404
    )


# ---------- the kit page ----------


def test_the_kit_page_shows_criteria_questions_rounds_and_panel(
    client, recruiter, kit, django_assert_num_queries
):
    client.force_login(recruiter)
    address = kit_url(kit.requisition)
    with django_assert_num_queries(10):
        response = client.get(address)
    page = response.content.decode()
    assert response.status_code == 200
    for criterion in kit.criteria.all():
        assert criterion.name in page
        for question in criterion.questions.all():
            assert question.text.replace("“", "&#8220;")[:20] in page or question.text[:20] in page
    assert "Recruiter screen" in page
    assert "Panel / technical interview" in page
    assert "priya@client.example" in page
    assert "Tom Okafor" in page
    assert "Nothing sent yet" in page


def test_the_query_count_does_not_grow_with_the_kit(
    client, recruiter, kit, django_assert_num_queries
):
    for n in range(6):
        criterion = kits.kit_criterion_save(kit=kit, name=f"Extra {n}", what_good_looks_like="")
        kits.kit_question_save(criterion=criterion, text="Tell me about it.")
        kits.panel_member_save(
            requisition=kit.requisition, name=f"P {n}", email=f"p{n}@client.example"
        )
    client.force_login(recruiter)
    address = kit_url(kit.requisition)
    with django_assert_num_queries(10):
        assert client.get(address).status_code == 200


def test_without_an_intake_the_page_says_what_to_do(client, recruiter, requisition):
    client.force_login(recruiter)
    response = client.get(kit_url(requisition))
    page = response.content.decode()
    assert "No interview kit yet" in page
    assert "this role has no intake yet" in page
    response = client.post(kit_url(requisition, "kits:generate"), follow=True)
    assert "The intake has no must-haves yet" in response.content.decode()


def test_generating_from_the_page_confirms_what_it_did(client, recruiter, requisition):
    IntakeFactory(requisition=requisition)
    client.force_login(recruiter)
    response = client.post(kit_url(requisition, "kits:generate"), follow=True)
    assert "Generated the kit: 3 criteria" in response.content.decode()
    response = client.post(kit_url(requisition, "kits:generate"), follow=True)
    assert "the must-haves have not changed" in response.content.decode()


def test_editing_a_criterion_and_a_bad_edit_keeps_what_was_typed(client, recruiter, kit):
    criterion = kit.criteria.first()
    client.force_login(recruiter)
    prefix = f"criterion{criterion.pk}"
    response = client.post(
        kit_url(kit.requisition, "kits:criterion", criterion.pk),
        {"action": "save", f"{prefix}-name": "", f"{prefix}-what_good_looks_like": "Kept text 42"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Name the criterion" in page
    assert "Kept text 42" in page
    response = client.post(
        kit_url(kit.requisition, "kits:criterion", criterion.pk),
        {
            "action": "save",
            f"{prefix}-name": "Runs PostgreSQL at scale",
            f"{prefix}-what_good_looks_like": "Names the biggest table.",
        },
        follow=True,
    )
    assert "Saved “Runs PostgreSQL at scale”." in response.content.decode()
    criterion.refresh_from_db()
    assert criterion.what_good_looks_like == "Names the biggest table."


def test_a_duplicate_criterion_is_refused_on_the_form(client, recruiter, kit):
    client.force_login(recruiter)
    response = client.post(
        kit_url(kit.requisition, "kits:criterion_add"),
        {"new-criterion-name": "Writes clearly", "new-criterion-what_good_looks_like": "x"},
    )
    assert response.status_code == 400
    assert "already has a criterion" in response.content.decode()


def test_questions_are_added_edited_moved_and_removed(client, recruiter, kit):
    criterion = kit.criteria.first()
    client.force_login(recruiter)
    add = kit_url(kit.requisition, "kits:question_add", criterion.pk)
    response = client.post(add, {f"new-question{criterion.pk}-text": ""})
    assert response.status_code == 400
    assert "Write the question" in response.content.decode()
    client.post(add, {f"new-question{criterion.pk}-text": "What broke last?"})
    added = criterion.questions.get(text="What broke last?")
    client.post(kit_url(kit.requisition, "kits:question", added.pk), {"action": "up"})
    texts = list(criterion.questions.order_by("position").values_list("text", flat=True))
    assert texts[1] == "What broke last?"
    client.post(
        kit_url(kit.requisition, "kits:question", added.pk),
        {"action": "save", f"question{added.pk}-text": "What broke last, and why?"},
    )
    added.refresh_from_db()
    assert added.text == "What broke last, and why?"
    client.post(kit_url(kit.requisition, "kits:question", added.pk), {"action": "remove"})
    assert not criterion.questions.filter(pk=added.pk).exists()


def test_rounds_take_the_panel_and_the_criteria(client, recruiter, kit):
    client.force_login(recruiter)
    priya = PanelMember.objects.get(email="priya@client.example")
    criterion = kit.criteria.first()
    response = client.post(
        kit_url(kit.requisition, "kits:round_add"),
        {
            "new-round-name": "Take-home review",
            "new-round-minutes": "3",
            "new-round-interviewers": [priya.pk],
        },
    )
    assert response.status_code == 400
    assert "at least 5 minutes" in response.content.decode()
    assert "Take-home review" in response.content.decode()
    client.post(
        kit_url(kit.requisition, "kits:round_add"),
        {
            "new-round-name": "Take-home review",
            "new-round-minutes": "30",
            "new-round-interviewers": [priya.pk],
            "new-round-criteria": [criterion.pk],
        },
    )
    added = kit.rounds.get(name="Take-home review")
    assert list(added.interviewers.all()) == [priya]
    assert list(added.criteria.all()) == [criterion]


def test_panel_members_are_added_and_a_duplicate_is_refused(client, recruiter, kit):
    client.force_login(recruiter)
    add = kit_url(kit.requisition, "kits:member_add")
    client.post(add, {"new-member-name": "Ana Lima", "new-member-email": "ana@client.example"})
    assert PanelMember.objects.filter(email="ana@client.example").exists()
    response = client.post(
        add, {"new-member-name": "Ana L.", "new-member-email": "ANA@client.example"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "already on this panel" in page
    assert "Ana L." in page


def test_sharing_puts_the_kit_on_the_leaders_page(client, recruiter, leader, kit):
    progress = reverse("hiring_leaders:requisition_detail", args=[kit.requisition.pk])
    client.force_login(leader.user)
    assert "Interview kit" not in client.get(progress).content.decode()
    client.force_login(recruiter)
    response = client.post(kit_url(kit.requisition, "kits:share"), follow=True)
    assert f"Shared the kit with {leader.name}" in response.content.decode()
    as_leader = client.get(reverse("clients:requisition_as_leader", args=[kit.requisition.pk]))
    assert "Writes clearly" in as_leader.content.decode()
    client.force_login(leader.user)
    page = client.get(progress).content.decode()
    assert "Interview kit" in page
    assert "Mentors junior engineers" in page
    assert "Panel / technical interview" in page


def test_sending_to_the_panel_writes_one_email_per_member_and_shows_them(
    client, recruiter, kit, django_capture_on_commit_callbacks, mailoutbox, mail_sent_at_once
):
    client.force_login(recruiter)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(kit_url(kit.requisition, "kits:send"), follow=True)
    page = response.content.decode()
    assert "Sending the kit to 3 panel members" in page
    assert PanelEmail.objects.filter(kind="kit").count() == 3
    assert sorted(m.to[0].split("<")[1].rstrip(">") for m in mailoutbox) == sorted(
        kit.requisition.panel_members.values_list("email", flat=True)
    )
    page = client.get(kit_url(kit.requisition)).content.decode()
    assert page.count(">Sent</span>") >= 3
    kit.refresh_from_db()
    assert kit.sent_to_panel_at is not None


# ---------- interviews and the side-by-side view ----------


def test_booking_an_interview_owes_a_scorecard_per_interviewer(
    client,
    recruiter,
    kit,
    application,
    django_capture_on_commit_callbacks,
    mailoutbox,
    mail_sent_at_once,
):
    client.force_login(recruiter)
    kit_round = kit.rounds.get(name="Panel / technical interview")
    members = list(kit.requisition.panel_members.exclude(hiring_leader__isnull=False))
    address = kit_url(kit.requisition, "kits:application_interviews", application.pk)
    response = client.post(address, {"kit_round": kit_round.pk, "starts_at": "2026-03-05T14:00"})
    assert response.status_code == 400
    assert "Choose at least one interviewer" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            address,
            {
                "kit_round": kit_round.pk,
                "starts_at": "2026-03-05T14:00",
                "interviewers": [m.pk for m in members],
            },
            follow=True,
        )
    assert "2 scorecards owed" in response.content.decode()
    interview = Interview.objects.get(application=application)
    assert interview.round == kit_round
    assert set(interview.scorecards.values_list("interviewer", flat=True)) == {
        m.pk for m in members
    }
    assert {m.subject for m in mailoutbox} == {
        f"Scorecard for {application.candidate.name} ({kit.requisition.title}), 5 Mar"
    }


def test_scorecards_side_by_side_with_who_has_not_submitted(
    client, recruiter, kit, application, django_assert_num_queries
):
    members = list(kit.requisition.panel_members.order_by("name"))
    interview = Interview.objects.create(
        application=application,
        round=kit.rounds.get(name="Hiring leader interview"),
        starts_at=timezone.now() - datetime.timedelta(hours=3),
    )
    cards = [Scorecard.objects.create(interview=interview, interviewer=m) for m in members]
    criteria = list(kit.criteria.order_by("position"))
    for criterion, rating in zip(criteria, (4, 1, 3), strict=True):
        ScorecardRating.objects.create(
            scorecard=cards[0], criterion=criterion, rating=rating, notes=f"note {rating}"
        )
    Scorecard.objects.filter(pk=cards[0].pk).update(submitted_at=timezone.now())
    client.force_login(recruiter)
    address = kit_url(kit.requisition, "kits:application_interviews", application.pk)
    # User (the session is cached), requisition, application, panel, rounds, interviews,
    # scorecards, ratings, the round's criteria, the kit's criteria, and recording the read.
    with django_assert_num_queries(11):
        response = client.get(address)
    page = response.content.decode()
    assert "2 of 3 scorecards missing" in page
    assert page.count("Not submitted") == 2
    assert "Strong yes" in page
    assert "Strong no" in page
    assert "note 4" in page
    # The recruiter has now read the submitted one: its link stops taking changes.
    assert ScorecardRead.objects.filter(scorecard=cards[0]).exists()
    assert not ScorecardRead.objects.filter(scorecard=cards[1]).exists()


def test_another_recruiter_reading_does_not_close_the_scorecard(
    client, other_recruiter, kit, application
):
    member = kit.requisition.panel_members.first()
    interview = Interview.objects.create(application=application, starts_at=timezone.now())
    card = Scorecard.objects.create(
        interview=interview, interviewer=member, submitted_at=timezone.now()
    )
    client.force_login(other_recruiter)
    response = client.get(kit_url(kit.requisition, "kits:application_interviews", application.pk))
    assert response.status_code == 200
    assert not ScorecardRead.objects.filter(scorecard=card).exists()


def test_no_interviews_yet_says_how_to_book_one(client, recruiter, kit, application):
    client.force_login(recruiter)
    page = client.get(
        kit_url(kit.requisition, "kits:application_interviews", application.pk)
    ).content.decode()
    assert "No interviews booked" in page
    assert "Book the interview" in page


@pytest.mark.parametrize("extra_criteria", [0, 8])
def test_the_leaders_page_with_the_kit_and_a_scorecard_runs_fixed_queries(
    client, recruiter, leader, kit, application, extra_criteria, django_assert_max_num_queries
):
    for n in range(extra_criteria):
        criterion = kits.kit_criterion_save(kit=kit, name=f"Extra {n}", what_good_looks_like="x")
        kits.kit_question_save(criterion=criterion, text="Tell me about it.")
    kits.interview_kit_share(kit=kit)
    member = PanelMember.objects.get(hiring_leader=leader)
    interview = Interview.objects.create(application=application, starts_at=timezone.now())
    Scorecard.objects.create(interview=interview, interviewer=member)
    address = reverse("hiring_leaders:requisition_detail", args=[kit.requisition.pk])
    client.force_login(leader.user)
    client.get(address)  # sessions and the effort chart's cache warmed as on any later visit
    # The page's own reads plus the kit (the kit row, panel, criteria, questions, rounds, its
    # two many-to-many tables) and the leader's open scorecards, whatever the kit's size. A
    # maximum: what the rest of the page reads (sessions, users cached on a first visit, its
    # parts) is not this test's business.
    with django_assert_max_num_queries(12):
        page = client.get(address).content.decode()
    assert "Your scorecards" in page
    assert reverse("kits:leader_scorecard", args=[interview.scorecards.get().pk]) in page
    assert "Interview kit" in page
