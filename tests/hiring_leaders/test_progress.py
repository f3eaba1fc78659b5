"""A requisition's progress page as its hiring leader reads it, and as a recruiter sees it with
"View as leader"."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates.models import Activity, Application, ApplicationStageChange, Candidate
from candidates.pipeline import application_close, application_create, application_move
from candidates.services import leader_feedback_give
from followups.models import Audience, Channel, FollowUp
from hiring_leaders import progress
from hiring_leaders.models import Requisition
from tests.candidates.factories import (
    ActivityFactory,
    ApplicationFactory,
    CandidateFactory,
    CommitmentFactory,
)
from tests.followups.factories import FollowUpFactory
from tests.hiring_leaders.factories import (
    HiringLeaderFactory,
    HiringLeaderWithLoginFactory,
    RequisitionFactory,
)
from tests.hiring_leaders.progress_page import open_page, part_urls

pytestmark = pytest.mark.django_db

# The page's shell, once the session and the user come from the cache (after a first visit):
# the requisition with its leader, company, recruiter, forecast and how many candidates wait on
# the leader.
SHELL_QUERIES = 1
# Each part loaded after it: the requisition with its leader, company and recruiter, then the
# part's own reads: counts per stage and the effort per week, read once until the pipeline
# changes (pipeline); counts per stage and one page of submitted candidates (submitted); what
# the leader was told and promised (updates).
PART_QUERIES = {"pipeline": 3, "submitted": 3, "updates": 2}


def page_url(requisition) -> str:
    return reverse("hiring_leaders:requisition_detail", args=[requisition.pk])


def as_leader_url(requisition) -> str:
    return reverse("clients:requisition_as_leader", args=[requisition.pk])


def text(response) -> str:
    return response.content.decode()


def visible(response) -> str:
    """The words on the page, tags stripped, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def add_pipeline(requisition, **per_stage: int) -> list[Application]:
    return [
        ApplicationFactory(requisition=requisition, stage=stage)
        for stage, how_many in per_stage.items()
        for _ in range(how_many)
    ]


# ---------- who may open it ----------


def test_a_leader_opens_their_own_requisition(client, leader, requisition):
    client.force_login(leader.user)

    response = open_page(client, page_url(requisition))

    assert response.status_code == 200
    assert f"<h1>{requisition.title}</h1>" in text(response)


def test_a_leader_of_another_company_gets_404(client, requisition, other_leader):
    client.force_login(other_leader.user)

    response = open_page(client, page_url(requisition))

    assert response.status_code == 404
    assert requisition.title not in text(response)


def test_a_colleague_at_the_same_company_gets_404(client, leader, requisition):
    colleague = HiringLeaderWithLoginFactory(company=leader.company)
    client.force_login(colleague.user)

    response = open_page(client, page_url(requisition))

    assert response.status_code == 404
    assert requisition.title not in text(response)


@pytest.mark.parametrize("user_fixture", ["recruiter", "admin_user"])
def test_recruiters_do_not_get_the_leader_url_itself(client, request, requisition, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))

    assert open_page(client, page_url(requisition)).status_code == 404


def test_a_recruiter_views_any_requisition_as_its_leader_read_only(
    client, other_recruiter, requisition
):
    add_pipeline(requisition, submitted=1)
    client.force_login(other_recruiter)

    response = open_page(client, as_leader_url(requisition))

    words = visible(response)
    assert response.status_code == 200
    assert f"You are seeing this page as {requisition.hiring_leader.name} sees it" in words
    assert "Nothing here can be changed from this view" in words
    assert "Candidates submitted to you" in words
    assert "My requisitions" not in words  # the leader's breadcrumb: not the recruiter's way back
    assert f'href="{reverse("clients:requisition_detail", args=[requisition.pk])}"' in text(
        response
    )


@pytest.fixture
def colleague(leader):
    """A hiring leader at the same company who does not own the requisition."""
    return HiringLeaderWithLoginFactory(company=leader.company)


@pytest.mark.parametrize("who", ["leader", "other_leader", "colleague"])
def test_leaders_cannot_use_view_as_leader(client, request, requisition, who):
    client.force_login(request.getfixturevalue(who).user)

    response = open_page(client, as_leader_url(requisition))

    assert response.status_code == 404


def test_view_as_leader_of_an_unknown_requisition_is_404(client, recruiter):
    client.force_login(recruiter)

    assert client.get(reverse("clients:requisition_as_leader", args=[987654])).status_code == 404


# ---------- where things stand ----------


def test_it_shows_status_days_open_and_the_pipeline_per_stage(client, leader, recruiter):
    today = timezone.localdate()
    requisition = RequisitionFactory(
        title="Platform Lead",
        hiring_leader=leader,
        recruiter=recruiter,
        openings=2,
        opened_on=today - datetime.timedelta(days=23),
    )
    add_pipeline(requisition, sourced=4, contacted=2, submitted=1, offer=1, hired=1)
    client.force_login(leader.user)

    response = open_page(client, page_url(requisition))

    words = visible(response)
    assert 'class="badge badge--open">Open<' in text(response)
    assert "23 Days open" in words
    assert "9 In the pipeline" in words
    assert "3 Submitted to you" in words
    assert "1 of 2 Hired" in words
    assert f"Recruiter: {recruiter.name}" in words
    title = re.search(r'<title id="funnel-svg-title">([^<]*)</title>', text(response)).group(1)
    assert title == (
        "Sourced: 4, Contacted: 2, Screened: 0, Submitted: 1, Interviewing: 0, Offer: 1, Hired: 1"
    )
    # The busiest stage fills the funnel's width; the others are centred in proportion.
    assert 'class="funnel-chart__bar funnel-chart__bar--sourced" x="110.0" ' in text(response)
    assert 'width="230.0"' in text(response)
    assert 'width="115.0"' in text(response)


def test_an_on_hold_role_says_why_and_never_the_internal_note(client, leader):
    requisition = RequisitionFactory(
        hiring_leader=leader,
        status=Requisition.Status.ON_HOLD,
        status_reason="Budget review until April",
        status_note="Leader is dragging their feet, chase the VP",
        intake_notes="Internal: salary band 120-140",
    )
    client.force_login(leader.user)

    words = visible(open_page(client, page_url(requisition)))

    assert "On hold: Budget review until April" in words
    assert "dragging their feet" not in words
    assert "salary band" not in words


def test_an_empty_pipeline_says_what_will_appear(client, leader, requisition):
    client.force_login(leader.user)

    words = visible(open_page(client, page_url(requisition)))

    assert "No candidates in the pipeline yet" in words
    assert "Nobody submitted to you yet" in words
    assert "Nothing recorded yet" in words


# ---------- the candidates submitted to the leader ----------


def test_only_submitted_candidates_of_this_role_are_named(client, leader, requisition):
    now = timezone.now()
    waiting = ApplicationFactory(
        requisition=requisition,
        stage=Application.Stage.SUBMITTED,
        stage_changed_at=now - datetime.timedelta(days=6, hours=1),
        candidate=CandidateFactory(
            first_name="Ada", last_name="Lovelace", headline="Staff engineer", location="London"
        ),
    )
    ApplicationFactory(
        requisition=requisition,
        stage=Application.Stage.INTERVIEWING,
        candidate=CandidateFactory(first_name="Grace", last_name="Hopper"),
    )
    ApplicationFactory(
        requisition=requisition,
        stage=Application.Stage.SCREENED,
        candidate=CandidateFactory(first_name="Not", last_name="Yetsubmitted"),
    )
    ApplicationFactory(
        requisition=requisition,
        stage=Application.Stage.SUBMITTED,
        outcome=Application.Outcome.REJECTED,
        closed_at=now,
        close_reason="Passed",
        candidate=CandidateFactory(first_name="Closed", last_name="Already"),
    )
    ApplicationFactory(
        requisition=RequisitionFactory(hiring_leader=leader),
        stage=Application.Stage.SUBMITTED,
        candidate=CandidateFactory(first_name="Other", last_name="Roleperson"),
    )
    client.force_login(leader.user)

    response = open_page(client, page_url(requisition))

    words = visible(response)
    assert "Ada Lovelace Staff engineer · London Submitted since 26 Feb 6 days" in words
    assert "Grace Hopper" in words
    assert f'id="application-{waiting.pk}"' in text(response)
    # Waiting ones first.
    assert words.index("Ada Lovelace") < words.index("Grace Hopper")
    for hidden in ("Yetsubmitted", "Closed Already", "Roleperson"):
        assert hidden not in words


def test_feedback_overdue_is_said_plainly(client, leader, requisition, settings):
    settings.LEADER_FEEDBACK_OVERDUE_DAYS = 5
    now = timezone.now()
    for name, days in [("Ada", 9), ("Grace", 5), ("Linus", 2)]:
        ApplicationFactory(
            requisition=requisition,
            stage=Application.Stage.SUBMITTED,
            stage_changed_at=now - datetime.timedelta(days=days, minutes=1),
            candidate=CandidateFactory(first_name=name, last_name="Candidate"),
        )
    client.force_login(leader.user)

    words = visible(open_page(client, page_url(requisition)))

    # The shell says how many at once; the submitted part, loaded after it, who, longest first.
    assert (
        "Waiting on you 2 candidates have waited 5 days or more for your feedback. "
        "They head the list of candidates submitted to you below, the longest wait first." in words
    )
    assert re.search(
        r"Ada Candidate Submitted since \d+ \w+ 9 days .*Grace Candidate Submitted since \d+ \w+ "
        r"5 days .*Linus Candidate Submitted since \d+ \w+ 2 days",
        words,
    )


def test_a_candidate_the_leader_asked_about_no_longer_waits_on_them(
    client, leader, requisition, settings, shipped_cadences
):
    settings.LEADER_FEEDBACK_OVERDUE_DAYS = 5
    now = timezone.now()
    asked, _waiting = (
        ApplicationFactory(
            requisition=requisition,
            stage=Application.Stage.SUBMITTED,
            stage_changed_at=now - datetime.timedelta(days=9, minutes=n),
            candidate=CandidateFactory(first_name=name, last_name="Candidate"),
        )
        for n, name in enumerate(["Ada", "Grace"])
    )
    with _at(now - datetime.timedelta(days=2)):
        leader_feedback_give(
            application=asked, leader=leader, kind="question", text="Notice period?"
        )
    client.force_login(leader.user)

    words = visible(open_page(client, page_url(requisition)))

    assert (
        "Waiting on you 1 candidate has waited 5 days or more for your feedback. "
        "They head the list" in words
    )
    assert re.search(r"Grace Candidate Submitted since \d+ \w+ 9 days", words)
    assert re.search(r"Ada Candidate Submitted since \d+ \w+ You asked 2 days ago", words)


def test_the_shell_read_is_planned_once_and_counts_afresh_every_visit(
    client, leader, requisition, other_leader, recruiter, settings
):
    settings.LEADER_FEEDBACK_OVERDUE_DAYS = 5
    moment = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=datetime.UTC)

    def submit(name: str, days: int) -> None:
        ApplicationFactory(
            requisition=requisition,
            stage=Application.Stage.SUBMITTED,
            stage_changed_at=moment - datetime.timedelta(days=days, minutes=1),
            candidate=CandidateFactory(first_name=name, last_name="Candidate"),
        )

    submit("Ada", 9)
    submit("Linus", 2)
    client.force_login(leader.user)
    with _at(moment):
        # Past the fifth execution PostgreSQL may keep a generic plan: the same page still.
        for _ in range(7):
            with CaptureQueriesContext(connection) as ran:
                words = visible(client.get(page_url(requisition)))
            assert "Waiting on you 1 candidate has waited 5 days or more" in words
        assert len(ran.captured_queries) == SHELL_QUERIES
        assert ran.captured_queries[0]["sql"].startswith("EXECUTE leader_progress_shell_1_")
        # Its values are the visit's own: a new wait counts at once, and the statement the
        # leader's visits prepared still refuses another leader.
        submit("Grace", 6)
        words = visible(client.get(page_url(requisition)))
        assert "Waiting on you 2 candidates have waited 5 days or more" in words
        client.force_login(other_leader.user)
        assert client.get(page_url(requisition)).status_code == 404
        client.force_login(recruiter)
        words = visible(client.get(as_leader_url(requisition)))
        assert "2 candidates have waited 5 days or more" in words


def test_nothing_waiting_means_no_waiting_notice(client, leader, requisition):
    add_pipeline(requisition, submitted=2)
    client.force_login(leader.user)

    assert "Waiting on you" not in visible(open_page(client, page_url(requisition)))


def test_submitted_candidates_are_paginated(client, leader, requisition):
    now = timezone.now()
    for n in range(progress.SUBMITTED_PER_PAGE + 5):
        ApplicationFactory(
            requisition=requisition,
            stage=Application.Stage.SUBMITTED,
            stage_changed_at=now - datetime.timedelta(hours=100 - n),
            candidate=CandidateFactory(first_name="Person", last_name=f"N{n:02d}"),
        )
    client.force_login(leader.user)

    first = visible(open_page(client, page_url(requisition)))
    second = visible(open_page(client, page_url(requisition), {"page": "2"}))
    junk = open_page(client, page_url(requisition), {"page": "junk"})

    assert "Person N00" in first
    assert "Person N24" in first
    assert "Person N25" not in first
    assert "1\u201325 of 30" in first
    assert "Person N25" in second
    assert "Person N29" in second
    assert "Person N00" not in second
    assert junk.status_code == 200


# ---------- the effort ----------


def _at(moment: datetime.datetime):
    return time_machine.travel(moment, tick=False)


def test_effort_counts_each_step_this_week_and_in_total(client, leader, recruiter):
    # Weeks run Monday to Sunday in the leader's zone. Wednesday 4 March 2026 is "now".
    leader.time_zone = "Europe/London"
    leader.save(update_fields=["time_zone"])
    requisition = RequisitionFactory(
        hiring_leader=leader, recruiter=recruiter, opened_on=datetime.date(2026, 2, 1)
    )
    people = [CandidateFactory(owner=recruiter) for _ in range(6)]
    two_weeks_ago = datetime.datetime(2026, 2, 18, 10, tzinfo=datetime.UTC)
    this_monday = datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC)
    with _at(two_weeks_ago):
        # Five sourced, three of them contacted, one screened: all two weeks ago.
        apps = [
            application_create(candidate=c, requisition=requisition, by=recruiter)
            for c in people[:5]
        ]
        for application in apps[:3]:
            application_move(application=application, stage="contacted", by=recruiter)
        application_move(application=apps[0], stage="screened", by=recruiter)
    with _at(this_monday):
        # This week: one more added straight at screened (counts as sourced, contacted and
        # screened: it got that far), two screened, one of them submitted, then interviewing.
        application_create(
            candidate=people[5], requisition=requisition, by=recruiter, stage="screened"
        )
        application_move(application=apps[1], stage="screened", by=recruiter)
        application_move(application=apps[0], stage="submitted", by=recruiter)
        application_move(application=apps[0], stage="interviewing", by=recruiter)
        # Back and forth does not count twice; a closed application does not add a step.
        application_move(application=apps[1], stage="contacted", by=recruiter)
        application_move(application=apps[1], stage="screened", by=recruiter)
        application_close(application=apps[4], outcome="rejected", reason="No", by=recruiter)

    effort = progress.requisition_effort(requisition=requisition, now=timezone.now())

    assert effort.this_week == {
        "sourced": 1,
        "contacted": 1,
        "screened": 2,
        "submitted": 1,
        "interviewing": 1,
    }
    assert effort.total == {
        "sourced": 6,
        "contacted": 4,
        "screened": 3,
        "submitted": 1,
        "interviewing": 1,
    }
    # The weeks since the role opened (Sunday 1 February: the week of 26 January).
    assert [week.monday for week in effort.weeks][:2] == [
        datetime.date(2026, 1, 26),
        datetime.date(2026, 2, 2),
    ]
    assert len(effort.weeks) == 6
    assert effort.weeks[-1].monday == datetime.date(2026, 3, 2)
    assert effort.weeks[-3].monday == datetime.date(2026, 2, 16)
    assert effort.weeks[-3].total == 9
    assert effort.weeks[-2].total == 0

    client.force_login(leader.user)
    response = open_page(client, page_url(requisition))
    words = visible(response)
    # "Since Monday", as counted: the digest's "this week" is the 7 days before it was sent.
    assert "Step Since Monday In total Sourced 1 6 Contacted 1 4 Screened 2 3" in words
    assert "Sourced 1 6 Contacted 1 4 Screened 2 3 Submitted to you 1 1 Interviews 1 1" in words
    assert "<title>Week of 16 Feb: 5 sourced, 3 contacted, 1 screened, 0 submitted to you" in (
        text(response)
    )


def test_the_effort_is_read_again_as_soon_as_the_pipeline_moves(
    client, leader, recruiter, requisition
):
    application = application_create(
        candidate=CandidateFactory(owner=recruiter), requisition=requisition, by=recruiter
    )
    client.force_login(leader.user)
    # Another page first, so the session and the user are read from the cache from now on.
    client.get(reverse("hiring_leaders:requisition_list"))
    with CaptureQueriesContext(connection) as first_read:
        first = visible(open_page(client, page_url(requisition)))
    with CaptureQueriesContext(connection) as again:
        open_page(client, page_url(requisition))

    application_move(application=application, stage="contacted", by=recruiter)
    application_create(
        candidate=CandidateFactory(owner=recruiter), requisition=requisition, by=recruiter
    )
    with CaptureQueriesContext(connection) as after_moves:
        after = visible(open_page(client, page_url(requisition)))

    assert "Sourced 1 1 Contacted 0 0" in first
    assert "Sourced 2 2 Contacted 1 1" in after
    # The weeks come from the cache until the pipeline changes.
    assert len(again) == len(first_read) - 1
    assert len(after_moves) == len(first_read)


def test_the_chart_shows_the_last_twelve_weeks_of_an_old_role(leader):
    requisition = RequisitionFactory(hiring_leader=leader, opened_on=datetime.date(2025, 6, 1))

    effort = progress.requisition_effort(requisition=requisition, now=timezone.now())

    assert len(effort.weeks) == progress.WEEKS_CHARTED
    assert effort.weeks[-1].monday == datetime.date(2026, 3, 2)
    assert not effort.any


# ---------- what the leader was told and promised ----------


def test_the_timeline_shows_updates_sent_and_notes_for_the_leader_only(
    client, leader, recruiter, requisition
):
    now = timezone.now()
    FollowUpFactory(
        candidate=None,
        hiring_leader=leader,
        recruiter=recruiter,
        requisition=requisition,
        audience=Audience.HIRING_LEADER,
        channel=Channel.EMAIL,
        state=FollowUp.State.SENT,
        sent_at=now - datetime.timedelta(days=3),
        template__name="Weekly progress update",
    )
    FollowUpFactory(
        candidate=None,
        hiring_leader=leader,
        recruiter=recruiter,
        requisition=requisition,
        audience=Audience.HIRING_LEADER,
        channel=Channel.EMAIL,
        state=FollowUp.State.SCHEDULED,
        template__name="Not sent yet",
    )
    ActivityFactory(
        kind=Activity.Kind.NOTE,
        candidate=None,
        requisition=requisition,
        hiring_leader=leader,
        actor=recruiter,
        shared_with_leader=True,
        occurred_at=now - datetime.timedelta(days=1),
        summary="Strong week of screening",
        body="Three people I am excited about.",
    )
    ActivityFactory(
        kind=Activity.Kind.NOTE,
        candidate=None,
        requisition=requisition,
        hiring_leader=leader,
        summary="Private: leader slow to reply",
    )
    ActivityFactory(
        kind=Activity.Kind.NOTE,
        requisition=requisition,
        summary="Candidate asked about salary",
    )
    client.force_login(leader.user)

    words = visible(open_page(client, page_url(requisition)))

    assert "Note Strong week of screening" in words
    assert "Three people I am excited about." in words
    assert "Email Weekly progress update" in words
    assert words.index("Strong week") < words.index("Weekly progress update")
    for hidden in ("Not sent yet", "leader slow to reply", "asked about salary"):
        assert hidden not in words


def test_the_timeline_continues_with_earlier_entries(client, leader, requisition):
    now = timezone.now()
    for n in range(progress.TIMELINE_SHOWN + 3):
        ActivityFactory(
            kind=Activity.Kind.NOTE,
            candidate=None,
            requisition=requisition,
            shared_with_leader=True,
            occurred_at=now - datetime.timedelta(hours=n),
            summary=f"Note number {n:02d}",
        )
    client.force_login(leader.user)

    first = open_page(client, page_url(requisition))
    link = re.search(r'href="(\?before=[^"#]+)', text(first)).group(1).replace("&amp;", "&")
    earlier = visible(open_page(client, page_url(requisition) + link))
    junk = open_page(client, page_url(requisition), {"before": "not a time"})

    assert "Note number 11" in visible(first)
    assert "Note number 12" not in visible(first)
    assert "Note number 12" in earlier
    assert "Note number 14" in earlier
    assert "Note number 11" not in earlier
    assert junk.status_code == 200


def test_open_promises_to_the_leader_show_and_late_ones_say_so(
    client, leader, recruiter, requisition
):
    now = timezone.now()
    CommitmentFactory(
        candidate=None,
        hiring_leader=leader,
        recruiter=recruiter,
        requisition=requisition,
        description="Shortlist of three by Friday",
        due_at=now + datetime.timedelta(days=2),
    )
    CommitmentFactory(
        candidate=None,
        hiring_leader=leader,
        recruiter=recruiter,
        requisition=requisition,
        description="Call about the salary band",
        due_at=now - datetime.timedelta(days=1),
    )
    CommitmentFactory(
        candidate=None,
        hiring_leader=leader,
        recruiter=recruiter,
        requisition=RequisitionFactory(hiring_leader=leader),
        description="About another role",
    )
    CommitmentFactory(recruiter=recruiter, description="Promise to a candidate")
    client.force_login(leader.user)

    words = visible(open_page(client, page_url(requisition)))

    assert "Call about the salary band Late : was due" in words
    assert "Shortlist of three by Friday Due" in words
    assert "About another role" not in words
    assert "Promise to a candidate" not in words


# ---------- a fixed number of queries ----------


@pytest.mark.parametrize("applications", [1, 60])
def test_the_page_runs_a_fixed_number_of_queries(
    client, leader, recruiter, django_assert_num_queries, applications
):
    requisition = RequisitionFactory(hiring_leader=leader, recruiter=recruiter)
    stages = Application.Stage.values
    for n in range(applications):
        application = ApplicationFactory(requisition=requisition, stage=stages[n % 4])
        if n % 4 == 3:
            application_move(application=application, stage="interviewing", by=recruiter)
    for n in range(min(applications, 20)):
        ActivityFactory(
            kind=Activity.Kind.NOTE, candidate=None, requisition=requisition, summary=f"n{n}"
        )
    CommitmentFactory(candidate=None, hiring_leader=leader, requisition=requisition)
    client.force_login(leader.user)

    assert_fixed_queries(client, django_assert_num_queries, page_url(requisition))
    # Another page of submitted candidates: the shell hands page= on to that part.
    assert_fixed_queries(
        client, django_assert_num_queries, page_url(requisition), {"page": "2"}, ["submitted"]
    )


def assert_fixed_queries(client, django_assert_num_queries, url, data=None, parts=PART_QUERIES):
    """The shell and each of its parts, each with its own fixed number of queries."""
    client.get(url, data or {})  # the session and the user, read once and then cached
    with django_assert_num_queries(SHELL_QUERIES):
        response = client.get(url, data or {})
    assert response.status_code == 200
    addresses = part_urls(response)
    assert set(addresses) == set(PART_QUERIES)
    for part in parts:
        with django_assert_num_queries(PART_QUERIES[part]):
            loaded = client.get(addresses[part], headers={"HX-Request": "true"})
        assert loaded.status_code == 200
    return response


def test_a_role_with_2000_applications_runs_the_same_queries(
    client, leader, recruiter, django_assert_num_queries
):
    requisition = RequisitionFactory(hiring_leader=leader, recruiter=recruiter)
    now = timezone.now()
    people = Candidate.objects.bulk_create(
        Candidate(first_name=f"P{n}", last_name="Bulk", owner=recruiter) for n in range(2000)
    )
    stages = Application.Stage.values
    applications = Application.objects.bulk_create(
        Application(
            candidate=person,
            requisition=requisition,
            stage=stages[n % 5],
            stage_changed_at=now - datetime.timedelta(days=n % 60),
        )
        for n, person in enumerate(people)
    )
    ApplicationStageChange.objects.bulk_create(
        ApplicationStageChange(
            application=application,
            from_stage="" if step == 0 else stages[step - 1],
            to_stage=stages[step],
            changed_at=application.stage_changed_at - datetime.timedelta(days=3 - step),
        )
        for application in applications
        for step in range(stages.index(application.stage) + 1)
    )
    client.force_login(leader.user)

    assert_fixed_queries(client, django_assert_num_queries, page_url(requisition))
    assert_fixed_queries(
        client, django_assert_num_queries, page_url(requisition), {"page": "5"}, ["submitted"]
    )

    words = visible(open_page(client, page_url(requisition)))
    assert "2,000 In the pipeline" in words
    assert "800 Submitted to you" in words  # submitted and interviewing: two stages in five
    assert re.search(r"Sourced \d+ 2,000 Contacted \d+ 1,600 Screened \d+ 1,200", words)


def test_view_as_leader_runs_a_fixed_number_of_queries(
    client, recruiter, django_assert_num_queries
):
    requisition = RequisitionFactory(hiring_leader=HiringLeaderFactory())
    add_pipeline(requisition, sourced=30, submitted=30)
    client.force_login(recruiter)

    assert_fixed_queries(client, django_assert_num_queries, as_leader_url(requisition))


# ---------- from the recruiter's requisition page ----------


def test_the_recruiters_page_has_a_view_as_leader_button(client, recruiter, requisition):
    client.force_login(recruiter)

    response = client.get(reverse("clients:requisition_detail", args=[requisition.pk]))

    assert f'href="{as_leader_url(requisition)}">View as leader</a>' in text(response)


def test_a_recruiter_shares_a_note_the_leader_then_reads(client, recruiter, leader, requisition):
    client.force_login(recruiter)
    note_url = reverse("clients:requisition_leader_note", args=[requisition.pk])

    response = client.post(note_url, {"text": "Strong week\nThree screens booked for Monday."})

    assert response.status_code == 302
    note = Activity.objects.get(requisition=requisition, shared_with_leader=True)
    assert (note.summary, note.body, note.actor) == (
        "Strong week",
        "Three screens booked for Monday.",
        recruiter,
    )
    assert note.hiring_leader == leader
    assert "Shared with" in visible(client.get(response.url))
    client.force_login(leader.user)
    words = visible(open_page(client, page_url(requisition)))
    assert f"Note Strong week {relative_words(note)} · {recruiter.name}" in words
    assert "Three screens booked for Monday." in words


def relative_words(activity) -> str:
    from recruitcrm.templatetags.relative_time import ago

    return ago(activity.occurred_at)


def test_an_empty_note_is_refused_with_a_message(client, recruiter, requisition):
    client.force_login(recruiter)

    response = client.post(
        reverse("clients:requisition_leader_note", args=[requisition.pk]), {"text": "  "}
    )

    assert response.status_code == 400
    assert "Write the note first." in visible(response)
    assert not Activity.objects.filter(shared_with_leader=True).exists()


@pytest.mark.parametrize("who", ["leader", "other_leader", "colleague"])
def test_leaders_cannot_write_notes(client, request, requisition, who):
    client.force_login(request.getfixturevalue(who).user)

    response = client.post(
        reverse("clients:requisition_leader_note", args=[requisition.pk]), {"text": "Hi"}
    )

    assert response.status_code == 404
    assert not Activity.objects.filter(shared_with_leader=True).exists()
