"""The candidate page shows the follow-up engine's work: open tasks, flags and check-in answers."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates import selectors as candidate_selectors
from candidates import services as candidate_services
from followups import services
from followups.models import CheckInResponse, FollowUp
from followups.selectors import candidate_placement_checkins
from followups.services.answers import asks_whether_solved
from tests.candidates.factories import ApplicationFactory, CandidateFactory, PlacementFactory
from tests.followups.factories import FollowUpFactory
from tests.hiring_leaders.factories import RequisitionFactory

pytestmark = pytest.mark.django_db

# As in tests/candidates/test_views.py: the page's three queries, whatever the data.
DETAIL_QUERIES = 3


def detail_url(candidate) -> str:
    return reverse("candidates:candidate_detail", args=[candidate.pk])


def text(response) -> str:
    return response.content.decode()


def section(body: str, title_id: str) -> str:
    return body.split(f'id="{title_id}"')[1].split("</section>")[0]


# A Wednesday morning, far from midnight in the site's time zone and the machine's.
STARTED = datetime.datetime(2026, 3, 4, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def placed(requisition, recruiter):
    """A hire who started today, with the check-ins the shipped cadence schedules; the test
    runs on that day, its clock stopped, whatever day the suite runs on."""
    with time_machine.travel(STARTED, tick=False):
        application = ApplicationFactory(
            requisition=requisition,
            stage="offer",
            candidate=CandidateFactory(first_name="Ada", last_name="Lovelace", owner=recruiter),
        )
        yield candidate_services.placement_record(
            application=application, start_date=timezone.localdate(), by=recruiter
        )


def checkin(placement, audience="new_hire", day=30) -> FollowUp:
    return FollowUp.objects.get(
        placement=placement, audience=audience, cadence_step__offset_days=day
    )


def test_a_low_check_in_shows_as_a_flag_among_the_candidates_tasks(client, recruiter, placed):
    services.checkin_answer(followup=checkin(placed), score=2, comment="My manager left")
    client.force_login(recruiter)

    body = text(client.get(detail_url(placed.application.candidate)))

    tasks = section(body, "tasks-title")
    assert 'Open tasks <span class="count">· 1</span>' in body
    assert '<span class="badge badge--red">Check-in flag</span>' in tasks
    assert "Check-in flag: Ada Lovelace scored 2/5 — “My manager left”" in tasks
    assert "For you" in tasks
    assert placed.application.requisition.title in tasks
    assert "task--flag" in tasks


def test_the_answer_shows_on_its_placement(client, recruiter, placed):
    services.checkin_answer(
        followup=checkin(placed), score=4, comment="Settling in", is_concern=True
    )
    services.checkin_answer(followup=checkin(placed, "hiring_leader"), score=5)
    client.force_login(recruiter)

    body = text(client.get(detail_url(placed.application.candidate)))

    checkins = section(body, "checkins-title")
    requisition = placed.application.requisition
    assert requisition.title in checkins
    assert f"at {requisition.company.name}" in checkins
    assert f"Start date {placed.start_date:%-d %b %Y}" in checkins
    assert checkins.count('<li class="checkin') == 2
    assert ">4/5<" in checkins
    assert "“Settling in”" in checkins
    assert "Concern raised" in checkins
    assert "(new hire)" in checkins
    assert ">5/5<" in checkins
    assert f"{requisition.hiring_leader.name} <span" in checkins
    assert "(hiring leader)" in checkins
    assert "Answered <time" in checkins
    # The timeline has it too, from the service.
    assert "Ada Lovelace answered a check-in: 4/5 (concern raised)" in body


def test_a_placement_without_answers_says_what_will_appear(client, recruiter, placed):
    client.force_login(recruiter)

    body = text(client.get(detail_url(placed.application.candidate)))

    assert "No answers yet." in section(body, "checkins-title")
    assert "No open tasks" in body


def test_a_candidate_never_hired_has_no_check_in_section(client, recruiter, candidate):
    client.force_login(recruiter)

    body = text(client.get(detail_url(candidate)))

    assert 'id="checkins-title"' not in body
    assert "No open tasks" in body


def test_only_open_tasks_about_this_candidate_are_listed_soonest_first(
    client, recruiter, other_recruiter, candidate
):
    now = timezone.now()
    task = {"channel": "task", "audience": "recruiter", "template": None}
    FollowUpFactory(
        candidate=candidate, task_title="Later one", due_at=now + datetime.timedelta(days=2), **task
    )
    FollowUpFactory(
        candidate=candidate,
        recruiter=other_recruiter,
        task_title="Sooner one",
        due_at=now - datetime.timedelta(hours=1),
        **task,
    )
    FollowUpFactory(candidate=candidate, task_title="Done one", state="cancelled", **task)
    FollowUpFactory(candidate=CandidateFactory(), task_title="Someone else's", **task)
    FollowUpFactory(candidate=candidate)  # an email, not a task
    client.force_login(recruiter)

    tasks = section(text(client.get(detail_url(candidate))), "tasks-title")

    assert tasks.index("Sooner one") < tasks.index("Later one")
    assert f"For {other_recruiter.name}" in tasks
    assert "Done one" not in tasks
    assert "Someone else" not in tasks
    assert tasks.count('<li class="task') == 2


def test_a_long_task_list_shows_the_soonest_twenty(client, recruiter, candidate):
    FollowUpFactory.create_batch(
        25,
        candidate=candidate,
        channel="task",
        audience="recruiter",
        template=None,
        task_title="Chase",
    )
    client.force_login(recruiter)

    body = text(client.get(detail_url(candidate)))

    assert 'Open tasks <span class="count">· 20+</span>' in body
    assert "Showing the 20 due soonest." in body


@pytest.mark.parametrize(("placements", "tasks"), [(1, 1), (5, 25)])
def test_the_page_runs_a_fixed_number_of_queries(
    client, recruiter, candidate, django_assert_max_num_queries, placements, tasks
):
    for _ in range(placements):
        placement = PlacementFactory(
            application__candidate=candidate, application__requisition=RequisitionFactory()
        )
        services.followups_on_placement(placement=placement)
        for followup in FollowUp.objects.filter(placement=placement, channel="email"):
            services.checkin_answer(
                followup=followup,
                score=1 + followup.pk % 5,
                # The leader's 90-day check-in also asks whether the hire solved the problem.
                solved_problem="partly" if asks_whether_solved(followup) else "",
            )
    FollowUpFactory.create_batch(
        tasks,
        candidate=candidate,
        channel="task",
        audience="recruiter",
        template=None,
        task_title="Chase",
    )
    client.force_login(recruiter)

    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(detail_url(candidate))

    assert response.status_code == 200
    assert ">1/5<" in text(response) or ">2/5<" in text(response)


def test_each_placement_shows_its_own_answers_and_never_another_candidates(
    client, recruiter, candidate
):
    other = CandidateFactory(owner=recruiter)
    moment = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        comments = {}
        for who, role in [(candidate, "Welder"), (candidate, "Foreman"), (other, "Rigger")]:
            placement = PlacementFactory(
                application__candidate=who,
                application__requisition=RequisitionFactory(title=role),
                start_date=moment.date() - datetime.timedelta(days=60),
            )
            services.followups_on_placement(placement=placement)
            first = FollowUp.objects.filter(placement=placement, channel="email").order_by("pk")[0]
            services.checkin_answer(followup=first, score=4, comment=f"Happy as a {role}")
            comments[role] = f"“Happy as a {role}”"
        client.force_login(recruiter)

        # Past the fifth execution PostgreSQL may keep a generic plan: the same answers still.
        for _ in range(7):
            with CaptureQueriesContext(connection) as ran:
                checkins = section(text(client.get(detail_url(candidate))), "checkins-title")
            placements = checkins.split('<div class="placement">')[1:]
            assert len(placements) == 2
            assert all(part.count('<li class="checkin') == 1 for part in placements)
            for role in ("Welder", "Foreman"):
                assert comments[role] in next(p for p in placements if role in p)
            assert comments["Rigger"] not in checkins
    # The answers (and the follow-ups to come, and the timeline) ride in the candidate's own
    # statement.
    page = [
        q["sql"] for q in ran.captured_queries if q["sql"].startswith("EXECUTE candidate_page_")
    ]
    assert [sql.split("(")[0].rstrip("_0123456789") for sql in page] == [
        "EXECUTE candidate_page_candidate",
    ]


def test_the_answers_read_with_the_candidate_are_the_ones_the_orm_reads(recruiter, candidate):
    """Every field the page shows of an answer, its follow-up and its leader, as the ORM reads
    them: a reviewed answer and an unreviewed one, a leader's and a new hire's, on two
    placements, newest first on each; past the fifth execution (the generic plan) too."""
    with time_machine.travel(STARTED, tick=False):
        for role in ("Welder", "Foreman"):
            placement = PlacementFactory(
                application__candidate=candidate,
                application__requisition=RequisitionFactory(title=role),
                start_date=STARTED.date() - datetime.timedelta(days=100),
            )
            services.followups_on_placement(placement=placement)
    answered = []
    for step, followup in enumerate(
        FollowUp.objects.filter(
            placement__application__candidate=candidate, channel="email"
        ).order_by("pk")[:4]
    ):
        with time_machine.travel(STARTED + datetime.timedelta(hours=step, microseconds=123456)):
            answered.append(
                services.checkin_answer(
                    followup=followup,
                    score=1 + step,
                    comment=f"Answer <{step}>",
                    is_concern=step == 2,
                    solved_problem="partly" if asks_whether_solved(followup) else "",
                )
            )
    with time_machine.travel(STARTED + datetime.timedelta(days=1, microseconds=654321)):
        services.checkin_review(
            response=answered[0], theme="manager", by=answered[0].followup.recruiter
        )

    def shown(answer, recruiter_id, leader_name):
        return (
            answer.pk,
            answer.placement_id,
            answer.followup_id,
            answer.audience,
            answer.score,
            answer.comment,
            answer.is_concern,
            answer.concern_theme,
            answer.answered_at,
            answer.reviewed_at,
            answer.raises_flag,
            recruiter_id,
            leader_name,
        )

    expected = {
        answer.pk: shown(
            answer,
            answer.followup.recruiter_id,
            answer.followup.hiring_leader.name if answer.followup.hiring_leader else "",
        )
        for answer in CheckInResponse.objects.filter(
            placement__application__candidate=candidate
        ).select_related("followup__hiring_leader")
    }

    for _ in range(7):
        with CaptureQueriesContext(connection) as ran:
            found = candidate_placement_checkins(
                candidate=candidate_selectors.candidate_for_recruiter(
                    viewer=recruiter, pk=candidate.pk
                )
            )
            values = {
                answer.pk: shown(answer, answer.recruiter_id, answer.leader_name)
                for item in found
                for answer in item.responses
            }
        assert len(ran.captured_queries) == 1
        assert values == expected
        assert values[answered[0].pk][9] is not None
        # A leader's answer and a new hire's are among them, and a flagged one.
        assert {row[-1] == "" for row in values.values()} == {True, False}
        assert {row[10] for row in values.values()} == {True, False}
        for item in found:
            moments = [answer.answered_at for answer in item.responses]
            assert moments == sorted(moments, reverse=True)


def test_the_followups_read_with_the_candidate_are_the_ones_the_orm_reads(
    recruiter, other_recruiter, candidate, requisition
):
    """Every field the tasks and emails panels show, as the ORM reads it: a task without a
    template, an email to the hiring leader about a role, a one-off, a check-in flag; soonest
    first, due times to the microsecond; past the fifth execution (the generic plan) too."""
    soon = STARTED + datetime.timedelta(hours=1, microseconds=250001)
    task = {"channel": "task", "audience": "recruiter", "template": None}
    FollowUpFactory(candidate=candidate, task_title="Call <back>", due_at=soon, **task)
    FollowUpFactory(
        candidate=candidate,
        key="checkin-flag:1",
        recruiter=other_recruiter,
        requisition=requisition,
        task_title="Flag",
        due_at=soon - datetime.timedelta(days=1),
        **task,
    )
    FollowUpFactory(
        candidate=candidate,
        audience="hiring_leader",
        hiring_leader=requisition.hiring_leader,
        requisition=requisition,
        due_at=soon + datetime.timedelta(days=2),
    )
    FollowUpFactory(candidate=candidate, key="one-off:7", due_at=soon + datetime.timedelta(days=1))
    FollowUpFactory(candidate=candidate, state="sent", task_title="Already sent")

    def shown(followup, *, template, recruiter, requisition, leader, flag, one_off):
        return (
            followup.pk,
            followup.channel,
            followup.audience,
            followup.task_title,
            followup.due_at,
            followup.recruiter_id,
            template,
            recruiter,
            requisition,
            leader,
            flag,
            one_off,
        )

    def shown_by_orm(followup):
        return shown(
            followup,
            template=followup.template.name if followup.template else "",
            recruiter=followup.recruiter.name if followup.recruiter else "",
            requisition=followup.requisition.title if followup.requisition else None,
            leader=followup.hiring_leader.name if followup.hiring_leader else "",
            flag=followup.key.startswith("checkin-flag:"),
            one_off=followup.key.startswith("one-off:"),
        )

    def shown_on_page(followup):
        return shown(
            followup,
            template=followup.template_name,
            recruiter=followup.recruiter_name,
            requisition=followup.requisition_title,
            leader=followup.leader_name,
            flag=followup.is_checkin_flag,
            one_off=followup.is_one_off,
        )

    expected = [
        shown_by_orm(followup)
        for followup in FollowUp.objects.filter(candidate=candidate, state="scheduled")
        .select_related("template", "recruiter", "requisition", "hiring_leader")
        .order_by("due_at", "pk")
    ]
    for _ in range(7):
        with CaptureQueriesContext(connection) as ran:
            waiting = candidate_selectors.candidate_waiting_followups(
                candidate=candidate_selectors.candidate_for_recruiter(
                    viewer=recruiter, pk=candidate.pk
                )
            )
            tasks = [shown_on_page(followup) for followup in waiting.tasks]
            emails = [shown_on_page(followup) for followup in waiting.emails]
            flags = [row[-2:] for row in tasks + emails]
        assert len(ran.captured_queries) == 1
        assert tasks == [row for row in expected if row[1] == "task"]
        assert emails == [row for row in expected if row[1] == "email"]
        assert len(tasks) == 2
        assert len(emails) == 2
        assert flags == [(True, False), (False, False), (False, True), (False, False)]
        assert not waiting.more_tasks
        assert not waiting.more_emails
