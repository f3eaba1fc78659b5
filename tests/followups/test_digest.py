"""The weekly digest, one per hiring leader: what it says about a week with news, a week with
none and a role on hold; the email as a real SMTP server received it; the on-hold question
answered from its signed link; a progress page opened from it recorded as seen."""

# The SMTP server fixture `mailbox` is imported from test_received_mail and named by tests.
# ruff: noqa: F811
from __future__ import annotations

import datetime
import html
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates import services as candidate_services
from candidates.models import Activity, Application
from followups import digest, services
from followups.models import DigestVisit, FollowUp, HoldAnswer
from followups.queue.selectors import queue_for
from hiring_leaders import services as requisition_services
from tests.candidates.factories import CandidateFactory, CommitmentFactory
from tests.followups.test_received_mail import (  # noqa: F401 (mailbox is a fixture)
    SITE,
    mailbox,
    parts,
    raw_header,
    received,
    rendered,
    send_everything_due,
)
from tests.hiring_leaders.factories import (
    CompanyFactory,
    HiringLeaderWithLoginFactory,
    RequisitionFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def until():
    """The digest's moment: a week in which roles on hold get their question."""
    now = timezone.now().replace(microsecond=0)
    return now if digest.asks_about_hold(now) else now + 7 * DAY


def at(moment, change, *args, **kwargs):
    with time_machine.travel(moment, tick=False):
        return change(*args, **kwargs)


def add(requisition, first, last, when):
    candidate = CandidateFactory(owner=requisition.recruiter, first_name=first, last_name=last)
    return at(
        when,
        candidate_services.application_create,
        candidate=candidate,
        requisition=requisition,
        by=requisition.recruiter,
    )


def move(application, stage, when):
    return at(
        when,
        candidate_services.application_move,
        application=application,
        stage=stage,
        by=application.requisition.recruiter,
    )


@pytest.fixture
def leader(db):
    company = CompanyFactory(name="Smith & Sons <Holdings>")
    return HiringLeaderWithLoginFactory(company=company, first_name="Zoë", last_name="D'Arcy")


@pytest.fixture
def busy_role(shipped_cadences, leader, recruiter, until):
    """Three people sourced and contacted last week; this week two screened and submitted, one
    of them on to interview."""
    role = RequisitionFactory(
        title="FP&A Analyst <Lead>",
        hiring_leader=leader,
        recruiter=recruiter,
        opened_on=(until - 40 * DAY).date(),
    )
    people = [
        add(role, "Ada", "O'Brien & Co", until - 10 * DAY),
        add(role, "Bob", "Stone", until - 10 * DAY),
        add(role, "Cy", "Young", until - 10 * DAY),
    ]
    for application in people:
        move(application, "contacted", until - 10 * DAY)
    ada, bob, _ = people
    for application in (ada, bob):
        move(application, "screened", until - 5 * DAY)
        move(application, "submitted", until - 2 * DAY)
    move(bob, "interviewing", until - 1 * DAY)
    return role


@pytest.fixture
def quiet_role(shipped_cadences, leader, recruiter, until):
    """Work done three weeks ago, nothing since."""
    role = RequisitionFactory(
        title="Controller",
        hiring_leader=leader,
        recruiter=recruiter,
        opened_on=(until - 30 * DAY).date(),
    )
    move(add(role, "Dee", "Long", until - 20 * DAY), "contacted", until - 20 * DAY)
    return role


@pytest.fixture
def paused_role(shipped_cadences, leader, recruiter, until):
    role = RequisitionFactory(
        title="Treasury Lead",
        hiring_leader=leader,
        recruiter=recruiter,
        opened_on=(until - 60 * DAY).date(),
    )
    at(
        until - 9 * DAY,
        requisition_services.requisition_put_on_hold,
        requisition=role,
        reason="The budget is being reviewed",
        internal_note="CFO is leaving; do not mention",
        by=recruiter,
    )
    return role


def by_title(found):
    return {role.requisition.title: role for role in found.roles}


class TestWhatTheDigestSays:
    def test_a_week_with_news_names_who_moved_and_counts_the_effort(
        self, leader, busy_role, quiet_role, paused_role, until
    ):
        found = by_title(digest.leader_digest(leader=leader, until=until, digest_id=1))
        assert list(found) == ["FP&A Analyst <Lead>", "Controller", "Treasury Lead"]
        busy = found["FP&A Analyst <Lead>"]
        assert [(moved.label, moved.names) for moved in busy.moves] == [
            ("Submitted to you", ["Ada O'Brien & Co", "Bob Stone"]),
            ("Moved to interview", ["Bob Stone"]),
        ]
        assert busy.effort.rows() == [
            ("Sourced", 0, 3),
            ("Contacted", 0, 3),
            ("Screened", 2, 2),
            ("Submitted", 2, 2),
            ("Interviews", 1, 1),
        ]
        assert [(w.candidate_name, w.days, w.overdue) for w in busy.waiting] == [
            ("Ada O'Brien & Co", 2, False)
        ]
        assert busy.waiting_count == 1
        assert not found["Controller"].moves
        assert found["Controller"].effort.rows()[1] == ("Contacted", 0, 1)

    def test_a_role_on_hold_asks_reopen_keep_or_cancel_every_other_week(
        self, leader, paused_role, until
    ):
        asked = by_title(digest.leader_digest(leader=leader, until=until, digest_id=7))
        assert [label for label, _ in asked["Treasury Lead"].hold_links] == [
            "Reopen it",
            "Keep it on hold",
            "Cancel it",
        ]
        next_week = by_title(
            digest.leader_digest(leader=leader, until=until + 7 * DAY, digest_id=8)
        )
        assert next_week["Treasury Lead"].hold_links == []

    def test_the_text_says_a_quiet_week_honestly_and_shows_the_effort(
        self, leader, quiet_role, recruiter, until
    ):
        found = digest.leader_digest(leader=leader, until=until, digest_id=3)
        text, _ = digest.digest_bodies(
            found,
            intro_text="Hi Zoë",
            intro_html="<p>Hi Zoë</p>",
            footer={"recruiter": recruiter, "unsubscribe_link": "x"},
        )
        assert "No candidate moved forward on your roles this week" in text
        assert "Effort (people, last 7 days / in total):" in text
        assert "- Contacted: 0 / 1" in text
        assert "Nothing moved forward this week." in text
        assert "keeps sourcing and screening" in text

    def test_the_recruiters_note_and_promise_read_well_in_text_and_html(
        self, leader, busy_role, recruiter, until
    ):
        at(
            until - 3 * DAY,
            requisition_services.requisition_note_for_leader,
            requisition=busy_role,
            text="Sourcing update",
            by=recruiter,
        )
        at(
            until - DAY,
            requisition_services.requisition_note_for_leader,
            requisition=busy_role,
            text="Shortlist ready\nTwo strong <finance> profiles.\n\nMore next week.",
            by=recruiter,
        )
        due = datetime.datetime(2031, 3, 7, 12, 0, tzinfo=datetime.UTC)
        CommitmentFactory(
            recruiter=recruiter,
            candidate=None,
            hiring_leader=leader,
            requisition=busy_role,
            description="Book the final interviews",
            due_at=due,
        )
        found = digest.leader_digest(leader=leader, until=until, digest_id=3)
        text, page = digest.digest_bodies(
            found,
            intro_text="Hi Zoë",
            intro_html="<p>Hi Zoë</p>",
            footer={"recruiter": recruiter, "unsubscribe_link": "https://x.invalid/u/?a=1&b=2"},
        )
        by = f"(by {timezone.localtime(due):%a %-d %b})"
        assert f"Note from {recruiter.first_name}: Shortlist ready" in text
        assert "Two strong <finance> profiles." in text
        assert "Sourcing update" not in text  # the week's latest note only
        assert f"What happens next: Book the final interviews {by}" in text
        assert "Stop them here: https://x.invalid/u/?a=1&b=2" in text
        assert "<p>Two strong &lt;finance&gt; profiles.</p><p>More next week.</p>" in page
        assert f"Book the final interviews {by}</p>" in page
        assert 'href="https://x.invalid/u/?a=1&amp;b=2"' in page

    @pytest.mark.parametrize("how_many", [1, 10])
    def test_the_digest_is_read_in_a_fixed_number_of_queries(
        self, leader, recruiter, until, django_assert_num_queries, how_many
    ):
        for n in range(how_many):
            role = RequisitionFactory(hiring_leader=leader, recruiter=recruiter)
            add(role, "Person", f"{n}", until - 2 * DAY)
            submitted = add(role, "Waiting", f"{n}", until - 3 * DAY)
            move(submitted, "submitted", until - 2 * DAY)
        # The roles with their week, promises, notes, pipelines and who waits; the effort's
        # weeks.
        with django_assert_num_queries(2):
            found = digest.leader_digest(leader=leader, until=until, digest_id=1)
        assert len(found.roles) == how_many
        assert all(role.waiting_count == 1 for role in found.roles)
        # The roles' effort is cached now (their weeks as their progress pages keep them).
        with django_assert_num_queries(1):
            again = digest.leader_digest(leader=leader, until=until, digest_id=1)
        assert [r.effort.rows() for r in again.roles] == [r.effort.rows() for r in found.roles]
        assert [r.waiting for r in again.roles] == [r.waiting for r in found.roles]

    def test_a_leader_without_open_roles_gets_an_empty_digest_in_one_query(
        self, leader, recruiter, until, django_assert_num_queries
    ):
        RequisitionFactory(
            hiring_leader=leader, recruiter=recruiter, status="filled", closed_on=until.date()
        )
        other = RequisitionFactory(recruiter=recruiter)
        add(other, "Someone", "Else", until - 2 * DAY)
        with django_assert_num_queries(1):
            found = digest.leader_digest(leader=leader, until=until, digest_id=1)
        assert found.roles == []

    def test_the_roles_are_the_leaders_own_open_ones_first_then_those_on_hold(
        self, leader, recruiter, paused_role, until
    ):
        newer = RequisitionFactory(
            title="Newer", hiring_leader=leader, recruiter=recruiter, opened_on=until.date()
        )
        older = RequisitionFactory(
            title="Older",
            hiring_leader=leader,
            recruiter=recruiter,
            opened_on=(until - 90 * DAY).date(),
            location="Leeds",
        )
        RequisitionFactory(title="Someone else's", recruiter=recruiter)
        found = digest.leader_digest(leader=leader, until=until, digest_id=1).roles
        assert [role.requisition.title for role in found] == ["Older", "Newer", "Treasury Lead"]
        first = found[0].requisition
        assert (first.pk, first.location, first.opened_on) == (
            older.pk,
            "Leeds",
            older.opened_on,
        )
        assert (first.company.name, first.recruiter.first_name) == (
            older.company.name,
            recruiter.first_name,
        )
        assert found[2].requisition.status_reason == "The budget is being reviewed"
        assert newer.pk == found[1].requisition.pk

    def test_people_moved_at_the_same_moment_are_named_in_the_order_they_were_added(
        self, leader, recruiter, until
    ):
        role = RequisitionFactory(hiring_leader=leader, recruiter=recruiter)
        people = [add(role, "Person", name, until - 3 * DAY) for name in ("Zed", "Amy", "Kim")]
        for application in people:
            move(application, "submitted", until - 2 * DAY)
        for _ in range(3):
            (found,) = digest.leader_digest(leader=leader, until=until, digest_id=1).roles
            assert found.moves[0].names == ["Person Zed", "Person Amy", "Person Kim"]

    def test_the_weeks_statement_is_planned_once_and_says_the_same_every_time(
        self, leader, busy_role, quiet_role, paused_role, until
    ):
        def said(found):
            return [
                (r.requisition.title, r.moves, r.effort.rows(), r.waiting, r.promises, r.note)
                for r in found.roles
            ]

        first = said(digest.leader_digest(leader=leader, until=until, digest_id=1))
        # Past the fifth execution PostgreSQL may keep a generic plan: the same digest still.
        for _ in range(7):
            with CaptureQueriesContext(connection) as ran:
                again = digest.leader_digest(leader=leader, until=until, digest_id=1)
            assert said(again) == first
        week = [q["sql"] for q in ran.captured_queries if "digest_week" in q["sql"]]
        assert len(week) == 1
        assert week[0].startswith("EXECUTE digest_week_")


class TestTheEffortKeptBetweenDigests:
    """The totals come from the effort weeks cached under each pipeline's version: whatever
    moves after they were cached shows in the next digest, and what moves after a digest's
    moment never shows in it (a digest sent again says the same)."""

    def test_a_move_after_the_effort_was_cached_shows_in_the_next_digest(
        self, leader, busy_role, until
    ):
        before = by_title(digest.leader_digest(leader=leader, until=until, digest_id=1))
        cy = busy_role.applications.get(candidate__first_name="Cy")
        move(cy, "screened", until - datetime.timedelta(hours=1))
        after = by_title(digest.leader_digest(leader=leader, until=until, digest_id=1))

        assert before["FP&A Analyst <Lead>"].effort.rows()[2] == ("Screened", 2, 2)
        assert after["FP&A Analyst <Lead>"].effort.rows()[2] == ("Screened", 3, 3)

    def test_the_weeks_a_progress_page_cached_serve_the_digest_until_someone_moves(
        self, client, leader, busy_role, until, django_assert_max_num_queries
    ):
        with time_machine.travel(until, tick=False):
            client.force_login(leader.user)
            page = client.get(reverse("hiring_leaders:requisition_detail", args=[busy_role.pk]))
        assert page.status_code == 200
        with django_assert_max_num_queries(3):
            cached = by_title(digest.leader_digest(leader=leader, until=until, digest_id=1))
        cy = busy_role.applications.get(candidate__first_name="Cy")
        move(cy, "screened", until - datetime.timedelta(hours=1))
        moved = by_title(digest.leader_digest(leader=leader, until=until, digest_id=1))

        role = "FP&A Analyst <Lead>"
        assert [row[2] for row in cached[role].effort.rows()] == [3, 3, 2, 2, 1]
        assert moved[role].effort.rows() == [
            ("Sourced", 0, 3),
            ("Contacted", 0, 3),
            ("Screened", 3, 3),
            ("Submitted", 2, 2),
            ("Interviews", 1, 1),
        ]

    def test_what_moved_after_the_digests_moment_is_not_in_it(self, leader, busy_role, until):
        sent = by_title(digest.leader_digest(leader=leader, until=until, digest_id=1))
        cy = busy_role.applications.get(candidate__first_name="Cy")
        move(cy, "screened", until + datetime.timedelta(hours=1))
        move(cy, "submitted", until + datetime.timedelta(hours=2))
        # The cache now holds the weeks up to the later move; the retry of the digest due at
        # `until` still says what it said.
        digest.leader_digest(leader=leader, until=until + 3 * DAY, digest_id=2)
        again = by_title(digest.leader_digest(leader=leader, until=until, digest_id=1))

        role = "FP&A Analyst <Lead>"
        assert again[role].effort.rows() == sent[role].effort.rows()
        assert [(m.label, m.names) for m in again[role].moves] == [
            (m.label, m.names) for m in sent[role].moves
        ]


def send_digest(leader, until) -> FollowUp:
    role = leader.requisitions.first()
    services.followups_schedule_weekly_update(requisition=role)
    digests = FollowUp.objects.filter(hiring_leader=leader, key__startswith="digest:")
    sent = digests.latest("due_at")
    digests.exclude(pk=sent.pk).update(state="cancelled")
    FollowUp.objects.filter(pk=sent.pk).update(due_at=until)
    with time_machine.travel(until + datetime.timedelta(minutes=1)):
        send_everything_due()
    sent.refresh_from_db()
    return sent


class TestTheEmailAsReceived:
    def test_one_email_for_all_the_leaders_roles_escaped_once_with_real_links(
        self, mailbox, leader, busy_role, quiet_role, paused_role, until
    ):
        sent = send_digest(leader, until)
        assert sent.state == "sent"
        # One digest for the three roles (the rest of the mailbox is candidates' updates).
        raw = received(mailbox, leader.email, "Your roles this week")
        assert "Your roles this week" in raw_header(raw, "Subject")
        text, page = parts(raw)["text/plain"], parts(raw)["text/html"]

        assert "== FP&A Analyst <Lead> (Smith & Sons <Holdings>) ==" in text
        assert "- Submitted to you: Ada O'Brien & Co, Bob Stone" in text
        assert "FP&amp;A Analyst &lt;Lead&gt;" in page
        assert "&amp;amp;" not in page
        assert "&amp;lt;" not in page
        visible = html.unescape("".join(rendered(page).text))
        assert "Submitted to you: Ada O'Brien & Co, Bob Stone" in visible
        assert "Waiting for your feedback" in visible
        assert "The budget is being reviewed" in visible
        # The recruiters' internal note never reaches the leader.
        assert "CFO" not in text
        assert "CFO" not in page

        hrefs = [href for href, _ in rendered(page).links]
        for role in (busy_role, quiet_role, paused_role):
            link = f"{SITE}/leader/requisitions/{role.pk}/?digest={sent.pk}"
            assert link in hrefs
            assert link in text
        hold_links = [href for href, label in rendered(page).links if label == "Keep it on hold"]
        assert len(hold_links) == 1
        assert hold_links[0].startswith(f"{SITE}/on-hold/")
        assert hold_links[0] in text

    def test_the_on_hold_answer_is_one_click_then_a_confirmation_and_lands_in_the_queue(
        self, client, mailbox, leader, paused_role, recruiter, until
    ):
        send_digest(leader, until)
        page = parts(received(mailbox, leader.email, "Your roles"))["text/html"]
        (reopen,) = [href for href, label in rendered(page).links if label == "Reopen it"]
        path = reopen.removeprefix(SITE)

        asked = client.get(path)
        assert asked.status_code == 200
        assert "you chose: <strong>Reopen it</strong>" in asked.content.decode()
        assert not HoldAnswer.objects.exists()  # a mail scanner opening the link decides nothing

        done = client.post(path)
        assert "will reopen Treasury Lead" in done.content.decode()
        answer = HoldAnswer.objects.get()
        assert (answer.requisition, answer.answer) == (paused_role, "reopen")
        paused_role.refresh_from_db()
        assert paused_role.status == "on_hold"  # the recruiter reopens it, with the candidates told
        (row,) = queue_for(recruiter=recruiter).section("from_leaders").rows
        assert "wants Treasury Lead reopened" in row.task_title

    def test_a_tampered_hold_link_is_refused(self, client, mailbox, leader, paused_role, until):
        send_digest(leader, until)
        page = parts(received(mailbox, leader.email, "Your roles"))["text/html"]
        (cancel,) = [href for href, label in rendered(page).links if label == "Cancel it"]
        response = client.post(cancel.removeprefix(SITE)[:-3] + "xx/")
        assert response.status_code == 400
        assert not HoldAnswer.objects.exists()


class TestSeen:
    def test_opening_a_progress_page_from_the_digest_is_recorded_with_when(
        self, client, mailbox, leader, busy_role, until
    ):
        sent = send_digest(leader, until)
        client.force_login(leader.user)
        page = reverse("hiring_leaders:requisition_detail", args=[busy_role.pk])
        assert client.get(f"{page}?digest={sent.pk}").status_code == 200
        visit = DigestVisit.objects.get()
        assert (visit.digest, visit.requisition) == (sent, busy_role)
        assert visit.first_seen_at == visit.last_seen_at

    def test_a_digest_of_someone_else_records_nothing(
        self, client, mailbox, leader, busy_role, until
    ):
        sent = send_digest(leader, until)
        other = HiringLeaderWithLoginFactory()
        own_role = RequisitionFactory(hiring_leader=other)
        client.force_login(other.user)
        page = reverse("hiring_leaders:requisition_detail", args=[own_role.pk])
        client.get(f"{page}?digest={sent.pk}")
        client.get(f"{page}?digest=99999999999999999999999")
        assert not DigestVisit.objects.exists()


def test_a_leader_whose_last_role_closes_gets_no_more_digests(shipped_cadences, leader, recruiter):
    role = RequisitionFactory(hiring_leader=leader, recruiter=recruiter)
    other = RequisitionFactory(hiring_leader=leader, recruiter=recruiter)
    services.followups_schedule_weekly_update(requisition=role)
    requisition_services.requisition_fill(requisition=role, by=recruiter)
    assert FollowUp.objects.get(key__startswith="digest:").state == "scheduled"
    requisition_services.requisition_cancel(requisition=other, reason="Merged", by=recruiter)
    assert FollowUp.objects.get(key__startswith="digest:").state == "cancelled"


def test_beat_schedules_one_digest_per_leader_whatever_the_number_of_roles(
    shipped_cadences, leader, recruiter
):
    RequisitionFactory.create_batch(3, hiring_leader=leader, recruiter=recruiter)
    services.followups_schedule_recurring()
    services.followups_schedule_recurring()
    assert FollowUp.objects.filter(hiring_leader=leader, key__startswith="digest:").count() == 1
    assert Application.objects.count() == 0


def test_the_recruiters_requisition_page_says_when_the_leader_read_and_what_they_answered(
    client, mailbox, leader, paused_role, recruiter, until
):
    sent = send_digest(leader, until)
    page_url = reverse("clients:requisition_detail", args=[paused_role.pk])
    client.force_login(recruiter)
    before = " ".join(client.get(page_url).content.decode().split())
    assert "Has not opened this role\u2019s progress page from a digest yet" in before

    services.digest_visit_record(digest_id=sent.pk, requisition=paused_role, leader=leader)
    services.hold_answer_give(digest=sent, requisition=paused_role, leader=leader, answer="keep")
    after = " ".join(client.get(page_url).content.decode().split())
    assert "Opened this role\u2019s progress page from a digest" in after
    assert "Answered <strong>Keep it on hold</strong>" in after


def test_a_role_with_many_waiting_lists_the_longest_waits_and_says_how_many_more(
    shipped_cadences, leader, recruiter, until
):
    role = RequisitionFactory(hiring_leader=leader, recruiter=recruiter)
    for n in range(8):
        application = add(role, "Person", f"{n:02d}", until - (20 - n) * DAY)
        move(application, "submitted", until - (10 - n) * DAY)
    (found,) = digest.leader_digest(leader=leader, until=until, digest_id=1).roles
    assert [w.candidate_name for w in found.waiting] == [f"Person {n:02d}" for n in range(5)]
    assert (found.waiting_count, found.waiting_more) == (8, 3)
    text, _ = digest.digest_bodies(
        digest.leader_digest(leader=leader, until=until, digest_id=1),
        intro_text="Hi",
        intro_html="<p>Hi</p>",
        footer={"recruiter": recruiter, "unsubscribe_link": "x"},
    )
    assert "- and 3 more" in text
    assert "your feedback moves 8 candidates on" in text


# A Monday morning digest in Berlin, and the one after the clocks went forward (29 March).
@pytest.mark.parametrize(
    "until",
    [
        datetime.datetime(2026, 3, 23, 8, tzinfo=BERLIN),
        datetime.datetime(2026, 3, 30, 8, tzinfo=BERLIN),
    ],
    ids=["winter-time", "summer-time"],
)
def test_the_waits_read_submitted_today_or_days_ago_on_the_leaders_calendar(
    shipped_cadences, recruiter, until
):
    leader = HiringLeaderWithLoginFactory(company=CompanyFactory(time_zone="Europe/Berlin"))
    role = RequisitionFactory(
        hiring_leader=leader, recruiter=recruiter, opened_on=(until - 30 * DAY).date()
    )
    # Hours before the digest: at 7 this morning, 8 last night, 7 yesterday morning, Saturday.
    for first, hours in (("Tia", 1), ("Sol", 12), ("Una", 25), ("Vic", 49)):
        submitted_at = until - datetime.timedelta(hours=hours)
        move(add(role, first, "Waits", submitted_at - DAY), "submitted", submitted_at)

    with time_machine.travel(until, tick=False):
        bodies = digest.digest_bodies(
            digest.leader_digest(leader=leader, until=until, digest_id=1),
            intro_text="Hi",
            intro_html="<p>Hi</p>",
            footer={"recruiter": recruiter, "unsubscribe_link": "x"},
        )

    for body in bodies:
        assert "Tia Waits, submitted today" in body
        # Not a whole day old, but submitted yesterday where the leader reads it.
        assert "Sol Waits, submitted 1 day ago" in body
        assert "Una Waits, submitted 1 day ago" in body
        assert "Vic Waits, submitted 2 days ago" in body
        assert "0 days" not in body


def test_the_leaders_timeline_keeps_the_digest_without_the_links_that_answer_for_them(
    mailbox, leader, paused_role, until
):
    sent = send_digest(leader, until)
    entry = Activity.objects.get(hiring_leader=leader, summary__contains="Your roles this week")
    assert "Should we reopen it" in entry.body
    assert "/on-hold/" not in entry.body
    assert "[personal link]" in entry.body
    assert f"?digest={sent.pk}" in entry.body  # the progress pages need no hiding


def test_an_old_hold_link_says_so_and_a_role_no_longer_theirs_is_404(
    client, mailbox, leader, paused_role, recruiter, until
):
    send_digest(leader, until)
    page = parts(received(mailbox, leader.email, "Your roles"))["text/html"]
    (keep,) = [href for href, label in rendered(page).links if label == "Keep it on hold"]
    path = keep.removeprefix(SITE)
    with time_machine.travel(until + 31 * DAY):
        assert client.get(path).status_code == 410
    paused_role.hiring_leader = HiringLeaderWithLoginFactory(company=paused_role.company)
    paused_role.save(update_fields=["hiring_leader"])
    assert client.post(path).status_code == 404
    assert not HoldAnswer.objects.exists()
