"""Today, the recruiter's home: what enters each section, what leaves it, in what order, and
every action on a row, over htmx and as a plain form."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from candidates import services as candidate_services
from candidates.models import Activity, Commitment
from followups import services
from followups.composing import TaskAbout
from followups.models import FollowUp, Snooze, Trigger
from followups.queue import selectors
from followups.queue import services as queue_services
from tests.candidates.factories import ApplicationFactory, CandidateFactory
from tests.followups.factories import cadence_with_step
from tests.hiring_leaders.factories import HiringLeaderFactory, RequisitionFactory
from tests.recruitcrm.factories import RecruiterFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TODAY_URL = "/"


def text(response) -> str:
    return response.content.decode()


def days(n: float) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def preview(page: str) -> str:
    """The composer's preview: what the person will read."""
    return page[page.index('<section id="preview"') :]


@pytest.fixture
def me(db):
    return RecruiterFactory(first_name="Maya", last_name="Okafor", time_zone="Europe/London")


@pytest.fixture
def signed_in(client, me):
    client.force_login(me)
    return client


def promise(me, *, due_in: datetime.timedelta, to=None, description="Call back with feedback"):
    to = to or CandidateFactory(owner=me)
    fields = {"candidate": to} if to.__class__.__name__ == "Candidate" else {"hiring_leader": to}
    return candidate_services.commitment_make(
        recruiter=me, description=description, due_at=timezone.now() + due_in, **fields
    )


def open_role(me, **fields):
    """An open requisition whose leader heard from us today (so it owes them nothing)."""
    leader = HiringLeaderFactory(last_contacted_at=timezone.now())
    return RequisitionFactory(recruiter=me, hiring_leader=leader, company=leader.company, **fields)


def quiet_candidate(me, *, silent_days=8, stage="screened", **fields):
    requisition = open_role(me)
    candidate = CandidateFactory(
        owner=me, last_contacted_at=timezone.now() - days(silent_days), **fields
    )
    ApplicationFactory(
        candidate=candidate,
        requisition=requisition,
        stage=stage,
        stage_changed_at=timezone.now() - days(silent_days + 5),
    )
    return candidate


def quiet_why(page: str) -> str:
    """What the first quiet row says of the silence and the note."""
    return page.split('<p class="queue-row__why">')[1].split("</p>")[0]


def section(queue, key):
    return queue.section(key)


def task_ids(queue) -> list[int]:
    return [row.pk for row in queue.section("tasks").rows]


def test_the_page_renders_for_a_recruiter_with_nothing_to_do(signed_in):
    response = signed_in.get(TODAY_URL)
    assert response.status_code == 200
    assert "Nothing needs you today" in text(response)


@pytest.fixture
def busy(me, requisition, recruiter):
    """A queue with something in every section, and things that must not be there."""
    overdue_late = promise(me, due_in=-days(3), description="Send the offer letter")
    overdue = promise(me, due_in=-days(1), description="Call back about salary")
    leader = HiringLeaderFactory(first_name="Dana", last_name="Kim")
    due_today = promise(me, due_in=datetime.timedelta(minutes=30), to=leader)
    later = promise(me, due_in=days(3), description="Not yet")
    with time_machine.travel(timezone.now() - days(4)):
        kept = promise(me, due_in=days(2), description="Already kept")
        candidate_services.commitment_keep(commitment=kept, by=me)
    someone_elses = promise(RecruiterFactory(), due_in=-days(1), description="Not mine")

    flag = services.recruiter_task_create(
        recruiter=me,
        title="Check-in flag: Ada scored 2/5",
        key="checkin-flag:test",
        candidate=CandidateFactory(owner=me),
    )
    task = services.recruiter_task_create(
        recruiter=me,
        title="Send Dana the interview schedule",
        key="task:test",
        hiring_leader=leader,
    )
    not_yet = services.recruiter_task_create(
        recruiter=me,
        title="Next week's task",
        key="task:later",
        due_at=timezone.now() + days(5),
        candidate=CandidateFactory(owner=me),
    )
    failed = services.recruiter_task_create(
        recruiter=me,
        title="Email to Bo failed: 550 no such user",
        key="failed:test",
        candidate=CandidateFactory(owner=me, first_name="Bo"),
    )
    # A name no Faker name contains: the leaders' view must not show it, and a random one could
    # be a random leader's.
    quiet = quiet_candidate(me, first_name="Ottilie", last_name="Lindqvist")
    owed = RequisitionFactory(
        recruiter=me,
        opened_on=timezone.localdate() - days(20),
        hiring_leader=HiringLeaderFactory(last_contacted_at=timezone.now() - days(9)),
    )
    rejected = ApplicationFactory(requisition=open_role(me), stage="screened")
    candidate_services.application_close(
        application=rejected, outcome="rejected", reason="Not a fit", by=me
    )
    services.followups_schedule_recurring()
    return {
        "overdue": [overdue_late, overdue],
        "due_today": [due_today],
        "absent_promises": [later, kept, someone_elses],
        "flag": flag,
        "task": task,
        "not_yet": not_yet,
        "failed": failed,
        "quiet": quiet,
        "owed": owed,
        "rejected": rejected,
    }


class TestSections:
    def test_the_quiet_section_counts_everyone_shows_the_first_due_and_pages_on(
        self, me, monkeypatch
    ):
        silent = {quiet_candidate(me, silent_days=days_) for days_ in (14, 13, 12, 11, 10, 9, 8)}
        services.followups_schedule_recurring()
        reminders = FollowUp.objects.filter(
            recruiter=me, channel="task", candidate__in=silent
        ).order_by("due_at", "pk")
        in_order = [reminder.candidate for reminder in reminders]

        quiet = selectors.queue_for(recruiter=me).section("quiet")
        monkeypatch.setattr(selectors, "SECTION_PAGE_SIZE", 4)
        first_page = selectors.queue_section(recruiter=me, key="quiet")
        second_page = selectors.queue_section(recruiter=me, key="quiet", page=2)

        assert set(in_order) == silent
        assert quiet.count == 7
        in_order = [candidate.pk for candidate in in_order]
        assert [row.candidate_id for row in quiet.rows] == in_order[: selectors.ROWS_SHOWN]
        assert [row.candidate_id for row in first_page.rows] == in_order[:4]
        assert [row.candidate_id for row in second_page.rows] == in_order[4:]
        assert second_page.count == 7

    def test_today_counts_quiet_candidates_up_to_a_cap_and_their_page_counts_all(
        self, me, signed_in, monkeypatch
    ):
        for days_ in (14, 13, 12, 11, 10, 9, 8):
            quiet_candidate(me, silent_days=days_)
        services.followups_schedule_recurring()
        monkeypatch.setattr(selectors, "QUIET_COUNTED_UP_TO", 6)

        quiet = selectors.queue_for(recruiter=me).section("quiet")
        everyone = selectors.queue_section(recruiter=me, key="quiet")
        page = text(signed_in.get(TODAY_URL))

        assert (quiet.count, quiet.more_than, len(quiet.rows)) == (6, True, selectors.ROWS_SHOWN)
        assert (everyone.count, everyone.more_than) == (7, False)
        assert 'Going quiet <span class="count">more than 6</span>' in page
        assert "More than 6 in all: see every one" in page
        monkeypatch.setattr(selectors, "QUIET_COUNTED_UP_TO", 7)
        exactly = selectors.queue_for(recruiter=me).section("quiet")
        assert (exactly.count, exactly.more_than) == (7, False)

    def test_a_quiet_row_counts_the_silence_to_now_and_says_when_the_note_goes(
        self, me, signed_in, django_assert_max_num_queries
    ):
        monday = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
        quiet_address = reverse("followups:today_section", args=["quiet"])
        with time_machine.travel(monday, tick=False):
            # Five days and three hours without a word: shown ahead of the seventh day's note.
            quiet_candidate(me, silent_days=5.125, first_name="Kate", last_name="Anderson")
            services.followups_schedule_recurring()
            with django_assert_max_num_queries(12):
                page = text(signed_in.get(quiet_address))
        with time_machine.travel(monday + days(1), tick=False):
            next_day = text(signed_in.get(quiet_address))

        why = quiet_why(page)
        assert (
            "no contact for 5 days.\nAn automatic \u201cwhere things stand\u201d note goes" in why
        )
        assert ">in 2 days</time> unless you get in touch first." in why
        why = quiet_why(next_day)
        assert "no contact for 6 days." in why
        assert ">in 1 day</time> unless you get in touch first." in why

    def test_each_section_holds_what_belongs_there_and_nothing_else(self, me, busy):
        queue = selectors.queue_for(recruiter=me)

        assert [p.pk for p in queue.section("overdue").rows] == [p.pk for p in busy["overdue"]]
        assert [p.pk for p in queue.section("due_today").rows] == [busy["due_today"][0].pk]
        assert [t.pk for t in queue.section("flags").rows] == [busy["flag"].pk]
        assert [t.pk for t in queue.section("tasks").rows] == [busy["task"].pk]
        assert [t.pk for t in queue.section("failed").rows] == [busy["failed"].pk]
        (quiet,) = queue.section("quiet").rows
        assert quiet.candidate_id == busy["quiet"].pk
        assert quiet.automatic_note_at is not None
        assert [r.pk for r in queue.section("leaders").rows] == [busy["owed"].pk]
        (news,) = queue.section("bad_news").rows
        assert news.candidate_id == busy["rejected"].candidate_id
        assert [s.key for s in queue.sections] == list(selectors.SECTION_KEYS)
        assert {s.key: s.count for s in queue.sections} == {
            "overdue": 2,
            "due_today": 1,
            "flags": 1,
            "from_leaders": 0,
            "tasks": 1,
            "failed": 1,
            "quiet": 1,
            "leaders": 1,
            "overrun": 0,
            "bad_news": 1,
        }

    def test_the_page_says_who_about_what_since_when_and_why(self, signed_in, busy):
        page = " ".join(text(signed_in.get(TODAY_URL)).split())

        assert "Overdue promises" in page
        assert "You promised: <strong>Send the offer letter</strong>" in page
        assert "Late" in page
        assert "Check-in flag: Ada scored 2/5" in page
        assert "Email to Bo failed: 550 no such user" in page
        assert f"{busy['quiet'].name}</a>" in page
        assert "An automatic “where things stand” note goes" in page
        assert f"Owed an update on <strong>{busy['owed'].title}</strong>" in page
        assert "last heard from you" in page
        assert "“Not moving forward (candidate)” goes" in page
        assert "Would you rather tell them yourself?" in page

    def test_only_candidates_or_only_hiring_leaders(self, me, busy):
        candidates = selectors.queue_for(recruiter=me, who="candidates")
        leaders = selectors.queue_for(recruiter=me, who="leaders")

        assert candidates.section("due_today").count == 0  # the promise to Dana
        assert candidates.section("tasks").count == 0  # the task about Dana
        assert candidates.section("leaders").count == 0
        assert candidates.section("quiet").count == 1
        assert leaders.section("due_today").count == 1
        assert leaders.section("leaders").count == 1
        assert leaders.section("quiet").count == 0
        assert leaders.section("overdue").count == 0

    @pytest.mark.parametrize(
        ("asked", "shown"),
        [("candidates", "candidates"), ("leaders", "leaders"), ("", ""), ("everyone", "")],
    )
    def test_the_filter_comes_from_the_address_and_anything_unknown_shows_all(
        self, signed_in, busy, asked, shown
    ):
        page = text(signed_in.get(TODAY_URL, {"who": asked}))

        assert f'<div id="queue" class="queue" data-who="{shown}">' in page
        segments = page.split('<nav class="segmented"')[1].split("</nav>")[0]
        current = re.search(r'<a href="([^"]*)" aria-current="page"', segments).group(1)
        assert current == "/" + (f"?who={shown}" if shown else "")
        assert (busy["quiet"].name in page) == (shown != "leaders")

    def test_a_filtered_all_clear_claims_only_what_the_filter_saw(self, me, signed_in):
        # Rows about hiring leaders only: a leader owed an update and a task about a leader.
        RequisitionFactory(
            recruiter=me,
            opened_on=timezone.localdate() - days(20),
            hiring_leader=HiringLeaderFactory(last_contacted_at=timezone.now() - days(9)),
        )
        leader = HiringLeaderFactory()
        services.recruiter_task_create(
            recruiter=me, title="Send the shortlist", key="t", hiring_leader=leader
        )

        page = text(signed_in.get(TODAY_URL, {"who": "candidates"}))

        clear = page.split('<section class="queue-clear"')[1]
        assert "<strong>Tasks due:</strong> nothing under \u201cCandidates\u201d." in clear
        # Sections that only ever hold leaders' rows are not claimed to be clear.
        assert "Hiring leaders owed an update" not in clear
        assert "Past its forecast" not in clear
        assert "Every hiring leader" not in clear
        assert "No task is due" not in clear
        leaders = text(signed_in.get(TODAY_URL, {"who": "leaders"})).split("queue-clear")[1]
        assert "Going quiet" not in leaders
        assert "Bad news waiting" not in leaders  # news for candidates only
        assert (
            "<strong>Check-in flags:</strong> nothing under \u201cHiring leaders\u201d." in leaders
        )

    def test_going_quiet_is_not_called_clear_before_anyone_has_looked(self, me, signed_in):
        page = text(signed_in.get(TODAY_URL))

        assert "not counted yet" in page  # the health line: beat has not been round
        assert (
            "<strong>Going quiet:</strong> not looked for yet; it is looked for every 15 "
            "minutes." in page
        )
        queue_services.book_health_count()
        page = text(signed_in.get(TODAY_URL))
        assert "<strong>Going quiet:</strong> Nobody in your open pipelines has gone quiet" in page

    def test_going_quiet_says_how_often_it_is_looked_for_as_beats_schedule_says(
        self, me, signed_in, settings
    ):
        entry = settings.CELERY_BEAT_SCHEDULE["schedule-recurring-followups"]
        settings.CELERY_BEAT_SCHEDULE = settings.CELERY_BEAT_SCHEDULE | {
            "schedule-recurring-followups": entry | {"schedule": datetime.timedelta(hours=1)}
        }

        page = text(signed_in.get(TODAY_URL))

        said = "<strong>Going quiet:</strong> not looked for yet; it is looked for every hour."
        assert said in page

    def test_a_filter_over_htmx_moves_the_switch_with_the_queue(self, signed_in, busy):
        body = text(signed_in.get(TODAY_URL, {"who": "leaders"}, **HTMX))

        assert body.lstrip().startswith('<div id="queue" class="queue" data-who="leaders">')
        switch = body.split('<nav class="segmented" id="who-switch"')[1].split("</nav>")[0]
        assert switch.lstrip().startswith('aria-label="Show rows about" data-hx-swap-oob="true"')
        assert '<a href="/?who=leaders" aria-current="page"' in switch
        assert switch.count("aria-current") == 1

    def test_undo_under_a_filter_brings_the_filtered_queue_back(self, signed_in, busy):
        task = busy["flag"]
        done = signed_in.post(
            reverse("followups:today_task_done", args=[task.pk]), {"who": "candidates"}, **HTMX
        )

        assert '<input type="hidden" name="who" value="candidates">' in text(done)
        undone = signed_in.post(
            reverse("followups:undo"),
            {"token": undo_token_in(done), "who": "candidates"},
            **HTMX,
        )
        queue = '<div id="queue" class="queue" data-who="candidates">'
        assert text(undone).lstrip().startswith(queue)

    def test_a_long_section_shows_its_first_rows_and_its_full_count(self, me, signed_in):
        for n in range(selectors.ROWS_SHOWN + 5):
            promise(me, due_in=-days(n + 1), description=f"Promise {n:02d}")

        queue = selectors.queue_for(recruiter=me)
        overdue = queue.section("overdue")

        assert (len(overdue.rows), overdue.count, overdue.more) == (
            selectors.ROWS_SHOWN,
            selectors.ROWS_SHOWN + 5,
            5,
        )
        oldest = f"Promise {selectors.ROWS_SHOWN + 4:02d}"
        assert overdue.rows[0].description == oldest
        everything = text(signed_in.get(reverse("followups:today_section", args=["overdue"])))
        assert everything.count("data-row>") == selectors.ROWS_SHOWN + 5

    def test_a_follow_up_rows_words_and_links_read_what_its_follow_up_says(self, me, busy):
        queue = selectors.queue_for(recruiter=me)
        keys = ("flags", "tasks", "failed", "quiet", "bad_news")
        rows = [row for key in keys for row in queue.section(key).rows]

        assert len(rows) == len(keys)
        for row in rows:
            followup = FollowUp.objects.get(pk=row.pk)
            assert row.about == TaskAbout.of(followup)
            assert (row.key, row.channel, row.due_at, row.created_at) == (
                followup.key,
                followup.channel,
                followup.due_at,
                followup.created_at,
            )
            assert (row.hiring_leader_id, row.requisition_id, row.application_id) == (
                followup.hiring_leader_id,
                followup.requisition_id,
                followup.application_id,
            )
            step = followup.cadence_step
            assert (row.cadence_name, row.cadence_trigger) == (
                (step.cadence.name, step.cadence.trigger) if step else (None, None)
            )

    def test_a_task_due_later_this_week_waits_until_its_day(self, me, busy):
        assert busy["not_yet"].pk not in task_ids(selectors.queue_for(recruiter=me))
        with time_machine.travel(timezone.now() + days(5)):
            later = task_ids(selectors.queue_for(recruiter=me))
        assert busy["not_yet"].pk in later

    def test_the_health_line_counts_the_recruiters_own_book(self, me, busy):
        heard = quiet_candidate(me, silent_days=2)
        assert selectors.queue_for(recruiter=me).health.counted_at is None  # until beat counts
        queue_services.book_health_count()
        health = selectors.queue_for(recruiter=me).health

        # Active: the quiet one, the one heard from two days ago, the rejected one is closed.
        assert (health.active, health.heard_from) == (2, 1)
        assert health.heard_from_share == 50
        assert heard.owner == me
        # Promises due in the last 30 days: two overdue (open) and one kept on time.
        assert (health.promises_30, health.kept_on_time_30) == (3, 1)
        assert health.open_flags == 1


def test_a_hiring_leader_on_a_row_is_a_link_to_their_page_as_a_candidate_is(signed_in, busy):
    dana = busy["task"].hiring_leader
    page = text(signed_in.get(TODAY_URL))

    link = f'<a class="queue-row__who" href="/hiring-leaders/{dana.pk}/">Dana Kim</a>'
    # Her promise, her task, the roles she is owed an update on.
    assert page.count(link) >= 2
    assert signed_in.get(f"/hiring-leaders/{dana.pk}/").status_code == 200


@pytest.mark.parametrize("extra", [0, 25])
def test_the_page_runs_a_fixed_number_of_queries(
    me, signed_in, busy, extra, django_assert_max_num_queries
):
    for n in range(extra):
        promise(me, due_in=-days(1 + n / 10))
        quiet_candidate(me)
        services.recruiter_task_create(
            recruiter=me, title=f"Task {n}", key=f"task:{n}", candidate=CandidateFactory()
        )
    services.followups_schedule_recurring()

    # Session, user; the queue: its follow-up rows (with the cadence steps they need), promises,
    # leaders owed, roles past their forecast and health line in one statement, whatever rows
    # it shows.
    with django_assert_max_num_queries(3):
        response = signed_in.get(TODAY_URL)
    assert response.status_code == 200
    with django_assert_max_num_queries(3):
        signed_in.get(TODAY_URL, {"who": "candidates"}, **HTMX)


def undo_token_in(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', text(response)).group(1)


def log_from_promise_row(client, promise, summary: str, *, about=None, kept=True, **headers):
    """A call logged in the form a promise's row on Today opens, its "keeps my promise" ticked
    unless `kept` is False."""
    data = {
        "candidate": about or promise.candidate_id,
        "kind": "call",
        "summary": summary,
        "keeps": promise.pk,
    }
    if kept:
        data["keep_it"] = "1"
    return client.post(reverse("followups:today_log"), data, **headers)


class TestActions:
    def test_done_over_htmx_swaps_the_queue_and_offers_undo(self, me, signed_in, busy):
        task = busy["task"]

        response = signed_in.post(
            reverse("followups:today_task_done", args=[task.pk]), {"who": ""}, **HTMX
        )

        task.refresh_from_db()
        body = text(response)
        assert task.state == FollowUp.State.DONE
        assert body.lstrip().startswith('<div id="queue"')
        assert response["HX-Retarget"] == "#queue"
        assert f'id="task-{task.pk}"' not in body
        assert "Done: Send Dana the interview schedule." in body
        assert ">Undo</button>" in body

        signed_in.post(reverse("followups:undo"), {"token": undo_token_in(response)}, **HTMX)
        task.refresh_from_db()
        assert task.state == FollowUp.State.SCHEDULED

    def test_done_works_without_javascript_too(self, signed_in, busy):
        task = busy["flag"]

        response = signed_in.post(reverse("followups:today_task_done", args=[task.pk]))

        assert response.status_code == 302
        assert response.url == "/"
        page = text(signed_in.get(response.url))
        assert "Done: Check-in flag: Ada scored 2/5." in page
        assert f'id="task-{task.pk}"' not in page

    @pytest.mark.parametrize(
        ("until", "extra", "back_in_days"),
        [
            ("tomorrow", {}, 1),
            ("3days", {}, 3),
            ("nextweek", {}, None),
            ("date", {"date": "+9"}, 9),
        ],
    )
    def test_snoozing_a_task_hides_it_until_then(
        self, me, signed_in, busy, until, extra, back_in_days
    ):
        task = busy["task"]
        if "date" in extra:
            extra = {"date": (timezone.localdate() + days(9)).isoformat()}

        signed_in.post(
            reverse("followups:today_task_snooze", args=[task.pk]), {"until": until, **extra}
        )

        task.refresh_from_db()
        local = timezone.localtime(task.due_at)
        assert task.due_at > timezone.now()
        if back_in_days is None:
            assert local.weekday() == 0  # next Monday
        else:
            assert local.date() == timezone.localdate() + days(back_in_days)
        assert task.pk not in task_ids(selectors.queue_for(recruiter=me))
        with time_machine.travel(task.due_at + datetime.timedelta(minutes=1)):
            assert task.pk in task_ids(selectors.queue_for(recruiter=me))

    def test_a_snooze_without_a_date_is_refused_and_changes_nothing(self, signed_in, busy):
        task = busy["task"]
        before = task.due_at

        response = signed_in.post(
            reverse("followups:today_task_snooze", args=[task.pk]), {"until": "date"}, **HTMX
        )

        task.refresh_from_db()
        assert task.due_at == before
        assert "Choose the date it should come back." in text(response)

    def test_keeping_a_promise_takes_it_off_and_undo_reopens_it(self, me, signed_in, busy):
        kept = busy["overdue"][0]

        response = signed_in.post(reverse("followups:today_promise_kept", args=[kept.pk]), **HTMX)

        kept.refresh_from_db()
        assert kept.status == Commitment.Status.KEPT
        assert "Kept: Send the offer letter" in text(response)
        signed_in.post(reverse("followups:undo"), {"token": undo_token_in(response)}, **HTMX)
        kept.refresh_from_db()
        assert kept.status == Commitment.Status.OPEN

    def test_undoing_kept_leaves_no_trace_and_brings_its_reminders_back(self, me, signed_in):
        made = promise(me, due_in=-days(1), description="Send the offer letter")
        # Its reminder, not yet sent (as the "promise falls due" cadence would schedule it).
        reminder = services.recruiter_task_create(
            recruiter=me,
            title="Promise due: Send the offer letter",
            key="promise-due:test",
            due_at=timezone.now() + days(1),
            candidate=made.candidate,
        )
        FollowUp.objects.filter(pk=reminder.pk).update(commitment=made)

        kept = signed_in.post(reverse("followups:today_promise_kept", args=[made.pk]), **HTMX)
        assert FollowUp.objects.get(pk=reminder.pk).state == FollowUp.State.CANCELLED
        signed_in.post(reverse("followups:undo"), {"token": undo_token_in(kept)}, **HTMX)

        made.refresh_from_db()
        assert (made.status, made.kept_at) == (Commitment.Status.OPEN, None)
        assert FollowUp.objects.get(pk=reminder.pk).state == FollowUp.State.SCHEDULED
        summaries = list(
            Activity.objects.filter(candidate=made.candidate).values_list("summary", flat=True)
        )
        assert summaries == ["Promised: Send the offer letter (by " + f"{made.due_at:%a %d %b})"]

    def test_snoozing_a_promise_keeps_its_due_date(self, me, signed_in, busy):
        late = busy["overdue"][0]
        due = late.due_at

        signed_in.post(
            reverse("followups:today_row_snooze", args=["commitment", late.pk]),
            {"until": "tomorrow"},
            **HTMX,
        )

        late.refresh_from_db()
        assert late.due_at == due
        overdue = selectors.queue_for(recruiter=me).section("overdue").rows
        assert late.pk not in [row.pk for row in overdue]
        assert Snooze.objects.filter(kind="commitment", object_id=late.pk).exists()

    def test_snoozing_a_leader_update(self, me, signed_in, busy):
        owed = busy["owed"]
        signed_in.post(
            reverse("followups:today_row_snooze", args=["requisition", owed.pk]),
            {"until": "3days"},
        )
        assert not selectors.queue_for(recruiter=me).section("leaders").rows

    def test_logging_a_call_ends_the_silence_and_undo_puts_it_back(self, me, signed_in, busy):
        quiet = busy["quiet"]
        before = quiet.last_contacted_at

        response = signed_in.post(
            reverse("followups:today_log"),
            {"candidate": quiet.pk, "kind": "call", "summary": "Caught up on the process"},
            **HTMX,
        )

        quiet.refresh_from_db()
        assert quiet.last_contacted_at > before
        assert not selectors.queue_for(recruiter=me).section("quiet").rows
        assert f"Logged a call with {quiet.name}." in text(response)
        signed_in.post(reverse("followups:undo"), {"token": undo_token_in(response)}, **HTMX)
        quiet.refresh_from_db()
        assert quiet.last_contacted_at == before
        assert not Activity.objects.filter(summary="Caught up on the process").exists()

    def test_a_call_logged_from_a_promises_row_keeps_it_and_undo_reopens_it(
        self, me, signed_in, busy
    ):
        late = busy["overdue"][1]  # "Call back about salary"
        row = text(signed_in.get(reverse("home")))
        log = f"{reverse('followups:today_log')}?candidate={late.candidate_id}&amp;keeps={late.pk}"
        assert f'href="{log}&amp;kind=call"' in row

        form = text(
            signed_in.get(
                reverse("followups:today_log"),
                {"candidate": late.candidate_id, "keeps": late.pk, "kind": "call"},
                **HTMX,
            )
        )
        response = log_from_promise_row(signed_in, late, "Talked salary through", **HTMX)

        assert "checked> This keeps my promise: “Call back about salary”" in form
        late.refresh_from_db()
        assert late.status == Commitment.Status.KEPT
        assert (
            f"Logged a call with {late.candidate.name}, and kept your promise: Call back about "
            "salary." in text(response)
        )
        overdue = selectors.queue_for(recruiter=me).section("overdue").rows
        assert late.pk not in [r.pk for r in overdue]
        signed_in.post(reverse("followups:undo"), {"token": undo_token_in(response)}, **HTMX)
        late.refresh_from_db()
        assert late.status == Commitment.Status.OPEN
        assert not Activity.objects.filter(summary="Talked salary through").exists()

    def test_unticked_a_logged_call_leaves_the_promise_open(self, signed_in, busy):
        late = busy["overdue"][1]
        log_from_promise_row(signed_in, late, "Left a voicemail", kept=False)

        late.refresh_from_db()
        assert late.status == Commitment.Status.OPEN
        assert Activity.objects.filter(summary="Left a voicemail").exists()

    def test_a_promise_kept_meanwhile_leaves_the_call_logged_and_keeps_nothing(
        self, me, signed_in, busy
    ):
        late = busy["overdue"][1]
        candidate_services.commitment_keep(commitment=late, by=me)  # in another tab

        response = log_from_promise_row(signed_in, late, "Talked salary through", **HTMX)

        assert f"Logged a call with {late.candidate.name}." in text(response)
        assert Activity.objects.filter(summary="Talked salary through").exists()

    def test_a_call_keeps_no_promise_of_someone_elses_and_none_made_to_another_person(
        self, signed_in, busy
    ):
        theirs, to_leader = busy["absent_promises"][2], busy["due_today"][0]

        logged = log_from_promise_row(signed_in, theirs, "Called about theirs", **HTMX)
        refused = log_from_promise_row(
            signed_in, to_leader, "Called about Dana's", about=busy["quiet"].pk, **HTMX
        )

        for promise_made in (theirs, to_leader):
            promise_made.refresh_from_db()
            assert promise_made.status == Commitment.Status.OPEN
        assert "kept your promise" not in text(logged)
        assert Activity.objects.filter(summary="Called about theirs").exists()
        assert "That promise was made to someone else." in text(refused)
        assert not Activity.objects.filter(summary="Called about Dana's").exists()

    def test_the_log_form_opens_under_its_row_and_re_renders_with_errors(self, signed_in, busy):
        quiet = busy["quiet"]
        url = reverse("followups:today_log")

        form = signed_in.get(url, {"candidate": quiet.pk, "kind": "email"}, **HTMX)
        refused = signed_in.post(
            url, {"candidate": quiet.pk, "kind": "call", "summary": ""}, **HTMX
        )

        assert text(form).lstrip().startswith('<form method="post"')
        assert '<option value="email" selected>' in text(form)
        assert refused.status_code == 200
        assert "Say in a few words what happened." in text(refused)
        assert not Activity.objects.filter(candidate=quiet, kind="call").exists()

    def test_the_log_form_is_a_page_of_its_own_without_javascript(self, signed_in, busy):
        quiet = busy["quiet"]
        page = text(signed_in.get(reverse("followups:today_log"), {"candidate": quiet.pk}))
        assert f"Log what happened with {quiet.name}" in page

        response = signed_in.post(
            reverse("followups:today_log"),
            {"candidate": quiet.pk, "kind": "note", "summary": "Prefers mornings"},
        )
        assert response.status_code == 302
        assert Activity.objects.filter(candidate=quiet, summary="Prefers mornings").exists()

    def test_making_a_promise_from_the_queue_and_taking_it_back(self, me, signed_in, busy):
        leader = busy["owed"].hiring_leader
        tomorrow = timezone.localdate() + days(1)

        response = signed_in.post(
            reverse("followups:today_promise"),
            {
                "hiring_leader": leader.pk,
                "requisition": busy["owed"].pk,
                "description": "Send a shortlist",
                "due_on": tomorrow.isoformat(),
            },
            **HTMX,
        )

        made = Commitment.objects.get(description="Send a shortlist")
        assert (made.hiring_leader, made.recruiter) == (leader, me)
        assert timezone.localtime(made.due_at).date() == tomorrow
        signed_in.post(reverse("followups:undo"), {"token": undo_token_in(response)}, **HTMX)
        assert not Commitment.objects.filter(description="Send a shortlist").exists()

    def test_a_promise_in_the_past_is_refused(self, signed_in, busy):
        response = signed_in.post(
            reverse("followups:today_promise"),
            {
                "candidate": busy["quiet"].pk,
                "description": "Too late",
                "due_on": (timezone.localdate() - days(1)).isoformat(),
            },
            **HTMX,
        )
        assert "A promise is due today or later." in text(response)
        assert not Commitment.objects.filter(description="Too late").exists()

    def test_telling_bad_news_in_person_cancels_the_automatic_note(self, me, signed_in, busy):
        (row,) = selectors.queue_for(recruiter=me).section("bad_news").rows
        news = FollowUp.objects.get(pk=row.pk)

        response = signed_in.post(reverse("followups:today_bad_news_told", args=[news.pk]), **HTMX)

        news.refresh_from_db()
        assert news.state == FollowUp.State.CANCELLED
        call = Activity.objects.get(candidate=news.candidate, kind="call")
        assert call.summary == "Told them in person: Not moving forward (candidate)"
        signed_in.post(reverse("followups:undo"), {"token": undo_token_in(response)}, **HTMX)
        news.refresh_from_db()
        assert news.state == FollowUp.State.SCHEDULED
        assert not Activity.objects.filter(pk=call.pk).exists()

    def test_an_undo_token_is_the_makers_alone_and_short_lived(self, me, client, busy):
        client.force_login(me)
        response = client.post(reverse("followups:today_task_done", args=[busy["task"].pk]), **HTMX)
        token = undo_token_in(response)
        client.force_login(RecruiterFactory())
        refused = client.post(reverse("followups:undo"), {"token": token}, **HTMX)
        assert "Only the person who did this can undo it." in text(refused)
        client.force_login(me)
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=20)):
            late = client.post(reverse("followups:undo"), {"token": token}, **HTMX)
        assert "Too late to undo that" in text(late)
        busy["task"].refresh_from_db()
        assert busy["task"].state == FollowUp.State.DONE


class TestWhoMayDoWhat:
    def test_a_hiring_leader_reaches_none_of_it(self, client, leader, busy):
        client.force_login(leader.user)
        task = busy["task"]
        for method, url in [
            ("get", reverse("followups:today_section", args=["tasks"])),
            ("post", reverse("followups:today_task_done", args=[task.pk])),
            ("post", reverse("followups:today_task_snooze", args=[task.pk])),
            ("post", reverse("followups:today_promise_kept", args=[busy["overdue"][0].pk])),
            ("post", reverse("followups:today_row_snooze", args=["requisition", busy["owed"].pk])),
            ("get", reverse("followups:today_log") + f"?candidate={busy['quiet'].pk}"),
            ("get", reverse("followups:today_promise") + f"?candidate={busy['quiet'].pk}"),
            ("post", reverse("followups:undo")),
            ("get", reverse("followups:team")),
            ("get", reverse("followups:message_compose") + f"?candidate={busy['quiet'].pk}"),
        ]:
            assert getattr(client, method)(url).status_code == 404, url
        assert client.get("/").url == reverse("hiring_leaders:requisition_list")

    def test_another_recruiter_cannot_touch_my_rows(self, client, busy):
        client.force_login(RecruiterFactory())
        task, late = busy["task"], busy["overdue"][0]
        for url in [
            reverse("followups:today_task_done", args=[task.pk]),
            reverse("followups:today_task_snooze", args=[task.pk]),
            reverse("followups:today_promise_kept", args=[late.pk]),
            reverse("followups:today_row_snooze", args=["commitment", late.pk]),
            reverse("followups:today_row_snooze", args=["requisition", busy["owed"].pk]),
        ]:
            assert client.post(url, {"until": "tomorrow"}).status_code == 404, url
        task.refresh_from_db()
        assert task.state == FollowUp.State.SCHEDULED

    def test_unknown_sections_rows_and_people_are_404s(self, signed_in):
        assert signed_in.get(reverse("followups:today_section", args=["nope"])).status_code == 404
        assert (
            signed_in.post(reverse("followups:today_task_done", args=[999999])).status_code == 404
        )
        assert (
            signed_in.get(reverse("followups:today_log") + "?candidate=999999").status_code == 404
        )
        assert signed_in.get(reverse("followups:today_log") + "?candidate=abc").status_code == 404
        assert (
            signed_in.post(reverse("followups:today_row_snooze", args=["weather", 1])).status_code
            == 404
        )

    def test_an_admin_lands_on_the_team_view(self, client, admin_user):
        client.force_login(admin_user)
        assert client.get("/").url == reverse("followups:team")


class TestTeam:
    @pytest.mark.parametrize("recruiters", [1, 12])
    def test_every_recruiters_counts_side_by_side_in_a_fixed_number_of_queries(
        self, client, admin_user, me, busy, recruiters, django_assert_max_num_queries
    ):
        for n in range(recruiters):
            other = RecruiterFactory(first_name=f"Zed{n:02d}")
            promise(other, due_in=-days(1))
        queue_services.book_health_count()
        client.force_login(admin_user)

        # Session, user, count and page of recruiters, the cadence steps, then one grouped
        # query per figure.
        with django_assert_max_num_queries(10):
            response = client.get(reverse("followups:team"))

        page = " ".join(text(response).split())
        row = page.split(f'data-label="Recruiter">{me.name}</th>')[1].split("</tr>")[0]
        assert 'data-label="Overdue promises">2<' in row
        assert 'data-label="Going quiet">1<' in row
        assert 'data-label="Leaders owed">1<' in row
        assert 'data-label="Waiting"><strong>9</strong>' in row
        assert '100% <span class="cell-sub">of 1</span>' not in row

    def test_a_promise_leaves_the_counts_only_while_its_own_recruiter_snoozes_it(
        self, client, admin_user, me
    ):
        other = RecruiterFactory(first_name="Zed")
        snoozed, still_mine = promise(me, due_in=-days(1)), promise(me, due_in=-days(3))
        theirs, lapsed = promise(other, due_in=-days(1)), promise(other, due_in=-days(2))
        later = timezone.now() + days(1)
        Snooze.objects.create(recruiter=me, kind="commitment", object_id=snoozed.pk, until=later)
        # Another recruiter's snooze of my promise does not hide it from me.
        Snooze.objects.create(
            recruiter=other, kind="commitment", object_id=still_mine.pk, until=later
        )
        Snooze.objects.create(
            recruiter=other, kind="commitment", object_id=lapsed.pk, until=timezone.now() - days(1)
        )
        client.force_login(admin_user)

        page = " ".join(text(client.get(reverse("followups:team"))).split())

        def overdue(recruiter) -> str:
            row = page.split(f'data-label="Recruiter">{recruiter.name}</th>')[1]
            return row.split('data-label="Overdue promises">')[1].split("<")[0]

        assert (overdue(me), overdue(other)) == ("1", "2")
        for recruiter, shown in ((me, [still_mine]), (other, [lapsed, theirs])):
            rows = selectors.queue_for(recruiter=recruiter).section("overdue").rows
            assert [row.pk for row in rows] == [promise.pk for promise in shown]

    def test_a_recruiter_cannot_open_it(self, signed_in):
        assert signed_in.get(reverse("followups:team")).status_code == 404


class TestCompose:
    @pytest.fixture
    def on_hold_reset(self):
        from followups.models import MessageTemplate

        return MessageTemplate.objects.get(name="Expectation reset: role on hold")

    @pytest.fixture
    def slower_reset(self):
        from followups.models import MessageTemplate

        return MessageTemplate.objects.get(name="Expectation reset: slower than we estimated")

    def test_the_page_previews_exactly_what_the_candidate_will_read(
        self, signed_in, busy, on_hold_reset
    ):
        candidate = busy["quiet"]
        url = reverse("followups:message_compose")

        page = text(signed_in.get(url, {"candidate": candidate.pk, "template": on_hold_reset.pk}))

        assert f"Message {candidate.name}" in page
        assert '<optgroup label="Expectation resets">' in page
        title = candidate.applications.get().requisition.title
        assert f"{title} at" in page
        assert "is on hold for now" in page

    def test_each_person_is_offered_the_messages_for_people_like_them(self, signed_in, busy):
        url = reverse("followups:message_compose")
        leader = busy["owed"].hiring_leader

        to_candidate = text(signed_in.get(url, {"candidate": busy["quiet"].pk}))
        to_leader = text(signed_in.get(url, {"hiring_leader": leader.pk}))

        # "Where things stand" reads true whenever it goes, and only to a candidate; a
        # cadence's message for an occasion (a digest, a check-in, a move) is never offered.
        assert "Where things stand (candidate)" in to_candidate
        assert "Where things stand (candidate)" not in to_leader
        for occasional in (
            "Weekly digest (hiring leader)",
            "Post-hire check-in (hiring leader)",
            "Post-hire check-in (new hire)",
            "Status update: submitted (candidate)",
            "Requisition on hold (hiring leader)",
        ):
            assert occasional not in to_candidate
            assert occasional not in to_leader
        # No cadence sends the expectation resets: each is offered to whom its words are for.
        assert ">Feedback pending</option>" in to_candidate
        assert ">Feedback pending</option>" not in to_leader
        to_the_leader = ">Slower than I estimated (to the hiring leader)</option>"
        assert to_the_leader in to_leader
        assert to_the_leader not in to_candidate

    def test_a_message_written_for_anyone_is_offered_to_both(self, signed_in, busy, admin_user):
        services.message_template_save(
            name="Office move",
            subject="We have moved",
            body="Hi {{ recipient.first_name }}, our office has moved.",
            by=admin_user,
        )
        url = reverse("followups:message_compose")
        leader = busy["owed"].hiring_leader

        for person in ({"candidate": busy["quiet"].pk}, {"hiring_leader": leader.pk}):
            assert ">Office move</option>" in text(signed_in.get(url, person))

    def test_sending_goes_after_the_undo_window_and_undo_takes_it_back(
        self, me, signed_in, busy, slower_reset
    ):
        candidate = busy["quiet"]
        application = candidate.applications.get()

        response = signed_in.post(
            reverse("followups:message_compose"),
            {
                "candidate": candidate.pk,
                "template": slower_reset.pk,
                "about": f"a{application.pk}",
                "next": "/",
            },
        )

        sent = FollowUp.objects.get(key__startswith="one-off:")
        assert (sent.candidate, sent.application, sent.recruiter) == (candidate, application, me)
        assert response.url == "/"
        page = text(signed_in.get("/"))
        assert "“Expectation reset: slower than we estimated” goes to" in page
        # In Today's own flash, which an htmx Undo replaces (no stale Undo left above it).
        flash = page.split('<div id="flash"')[1].split("</div>")[0]
        assert "“Expectation reset: slower than we estimated” goes to" in flash
        token = re.search(r'name="token" value="([^"]+)"', page).group(1)
        undone = signed_in.post(reverse("followups:undo"), {"token": token}, **HTMX)
        sent.refresh_from_db()
        assert sent.state == FollowUp.State.CANCELLED
        assert '<div id="flash" data-hx-swap-oob="innerHTML">' in text(undone)
        again = signed_in.post(reverse("followups:undo"), {"token": token}, **HTMX)
        assert "That message was already taken back: it will not be sent." in text(again)

    def test_someone_who_opted_out_cannot_be_sent_anything(self, signed_in, on_hold_reset):
        opted_out = CandidateFactory(opted_out_at=timezone.now())
        url = reverse("followups:message_compose")

        page = text(signed_in.get(url, {"candidate": opted_out.pk}))
        refused = signed_in.post(url, {"candidate": opted_out.pk, "template": on_hold_reset.pk})

        assert "Can\u2019t send:" in page
        assert "opted out of email" in page
        assert refused.status_code == 200
        assert not FollowUp.objects.filter(candidate=opted_out).exists()

    def test_a_hiring_leader_can_be_sent_an_update(self, signed_in, busy):
        owed = busy["owed"]
        page = text(
            signed_in.get(
                reverse("followups:message_compose"),
                {"hiring_leader": owed.hiring_leader_id, "requisition": owed.pk},
            )
        )
        assert f"Message {owed.hiring_leader.name}" in page
        assert "Hiring leader" in page

    def test_the_preview_swaps_in_place_over_htmx(self, signed_in, busy, on_hold_reset):
        response = signed_in.get(
            reverse("followups:message_compose"),
            {"candidate": busy["quiet"].pk, "template": on_hold_reset.pk},
            **HTMX,
        )
        assert text(response).lstrip().startswith('<section id="preview"')

    @pytest.mark.parametrize(
        "query", ["", "?candidate=999999", "?hiring_leader=999999", "?candidate=nope"]
    )
    def test_no_one_to_write_to_is_a_404(self, signed_in, query):
        response = signed_in.get(reverse("followups:message_compose") + query)
        assert response.status_code == 404

    def test_the_menu_lists_the_resets_by_what_they_say(self, signed_in, busy):
        page = text(
            signed_in.get(reverse("followups:message_compose"), {"candidate": busy["quiet"].pk})
        )

        assert ">Slower than we estimated</option>" in page
        assert ">Role on hold</option>" in page

    def test_a_promise_about_a_role_opens_the_message_about_that_role(
        self, me, signed_in, on_hold_reset
    ):
        candidate = CandidateFactory(owner=me)
        promised_about = ApplicationFactory(
            candidate=candidate,
            requisition=open_role(me, title="Platform Engineer"),
            stage="screened",
            stage_changed_at=timezone.now() - days(9),
        )
        ApplicationFactory(
            candidate=candidate,
            requisition=open_role(me, title="Staff Security Engineer"),
            stage="sourced",
            stage_changed_at=timezone.now() - days(1),
        )
        query = {"candidate": candidate.pk, "requisition": promised_about.requisition_id}

        page = text(signed_in.get(reverse("followups:message_compose"), query))
        chosen = text(
            signed_in.get(
                reverse("followups:message_compose"), query | {"template": on_hold_reset.pk}
            )
        )

        assert f'<option value="a{promised_about.pk}" selected>Platform Engineer at' in page
        # Which news to give is the recruiter's to choose.
        assert '<option value="" selected>Choose a message…</option>' in page
        assert "Platform Engineer" in preview(chosen)
        assert "Staff Security Engineer" not in preview(chosen)

    def test_a_closed_application_can_be_what_the_message_is_about(self, me, signed_in):
        from followups.models import MessageTemplate

        not_selected = MessageTemplate.objects.get(name="Expectation reset: not selected")
        candidate = CandidateFactory(owner=me)
        closed = ApplicationFactory(
            candidate=candidate,
            requisition=open_role(me, title="Engineering Manager, Autonomy"),
            stage="interviewing",
            outcome="rejected",
            close_reason="Went with a candidate with more fleet experience",
            closed_at=timezone.now() - days(1),
        )
        url = reverse("followups:message_compose")

        page = text(signed_in.get(url, {"candidate": candidate.pk, "template": not_selected.pk}))
        signed_in.post(
            url,
            {"candidate": candidate.pk, "template": not_selected.pk, "about": f"a{closed.pk}"},
        )

        assert "Engineering Manager, Autonomy at" in page
        assert "(closed: rejected at Interviewing)" in page
        assert "Can\u2019t send" not in page
        sent = FollowUp.objects.get(candidate=candidate, key__startswith="one-off:")
        assert (sent.application, sent.template) == (closed, not_selected)

    def test_a_role_the_candidate_is_not_in_is_never_swapped_for_another(
        self, me, signed_in, on_hold_reset
    ):
        candidate = CandidateFactory(owner=me)
        ApplicationFactory(
            candidate=candidate,
            requisition=open_role(me, title="Their Only Role"),
            stage="screened",
        )
        elsewhere = open_role(me, title="Someone Else's Role")
        query = {
            "candidate": candidate.pk,
            "requisition": elsewhere.pk,
            "template": on_hold_reset.pk,
        }

        page = text(signed_in.get(reverse("followups:message_compose"), query))

        assert '<option value="" selected>Not about a particular role</option>' in page
        assert "This message talks about a role: choose which one it is about." in page
        assert "Their Only Role" not in preview(page)

    def test_a_leaders_message_starts_about_their_open_role_not_a_filled_one(self, me, signed_in):
        leader = HiringLeaderFactory()
        filled = RequisitionFactory(
            recruiter=me,
            hiring_leader=leader,
            company=leader.company,
            title="Embedded Firmware Engineer",
            status="filled",
            opened_on=timezone.localdate() - days(5),
            closed_on=timezone.localdate(),
        )
        still_open = RequisitionFactory(
            recruiter=me,
            hiring_leader=leader,
            company=leader.company,
            title="Robotics Engineer",
            opened_on=timezone.localdate() - days(60),
        )

        page = text(
            signed_in.get(reverse("followups:message_compose"), {"hiring_leader": leader.pk})
        )

        options = page.split('name="about"')[1].split("</select>")[0]
        assert f'<option value="r{still_open.pk}" selected>Robotics Engineer (open)' in options
        assert options.index(f"r{still_open.pk}") < options.index(f"r{filled.pk}")
        assert '<option value="" selected>Choose a message…</option>' in page

    def test_it_runs_a_fixed_number_of_queries(
        self, signed_in, busy, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(9):
            signed_in.get(reverse("followups:message_compose"), {"candidate": busy["quiet"].pk})


def test_beat_counts_every_recruiters_book(me, busy, django_assert_max_num_queries):
    from followups.models import BookHealth
    from followups.tasks import count_book_health

    idle = RecruiterFactory()
    with django_assert_max_num_queries(3):
        counted = count_book_health()

    from recruitcrm.models import User

    assert counted == User.objects.filter(role="recruiter").count()
    mine, theirs = BookHealth.objects.get(recruiter=me), BookHealth.objects.get(recruiter=idle)
    assert (mine.active, mine.heard_from) == (1, 0)  # the quiet one; the rejection is closed
    assert (theirs.active, theirs.heard_from) == (0, 0)
    quiet_candidate(me, silent_days=1)
    count_book_health()
    mine.refresh_from_db()
    assert (mine.active, mine.heard_from) == (2, 1)


def test_a_message_about_a_role_cannot_go_about_no_role(signed_in):
    from followups.models import MessageTemplate

    reset = MessageTemplate.objects.get(name="Expectation reset: feedback pending")
    nobody_in_a_pipeline = CandidateFactory(first_name="Oscar")
    url = reverse("followups:message_compose")
    # Every shipped message for a candidate talks about a role.
    only_roles = text(signed_in.get(url, {"candidate": nobody_in_a_pipeline.pk}))
    MessageTemplate.objects.create(
        name="Keeping in touch", kind="email", subject="Hello", body="Hi {{ recipient.first_name }}"
    )

    opened = text(signed_in.get(url, {"candidate": nobody_in_a_pipeline.pk}))
    page = text(signed_in.get(url, {"candidate": nobody_in_a_pipeline.pk, "template": reset.pk}))
    refused = signed_in.post(
        url, {"candidate": nobody_in_a_pipeline.pk, "template": reset.pk, "about": ""}
    )

    assert (
        "Every message here talks about a role, and Oscar has never been in a pipeline: add "
        "them to a requisition first, or ask an admin for a message that needs no role."
        in only_roles
    )
    # With a message that needs no role on the menu, nothing is refused before one is chosen.
    assert "Can\u2019t send" not in opened
    assert "Choose a message to see it here." in opened
    assert (
        "This message talks about a role, and Oscar has never been in a pipeline: choose a "
        "message that is not about one." in page
    )
    # No preview with the role's words left blank ("waiting for 's feedback … for .").
    assert "<dt>Subject</dt>" not in page
    assert "feedback on your application for" not in page
    assert refused.status_code == 200
    assert not FollowUp.objects.filter(candidate=nobody_in_a_pipeline).exists()


def test_placeholders_a_template_uses_are_read_from_its_parse():
    from followups.messages import needs_a_role, placeholders_used

    assert placeholders_used("Hi {{ recipient.first_name }}, {{ requisition.title|upper }}") == {
        "recipient",
        "requisition",
    }
    assert needs_a_role(subject="News", body="{% if company.name %}x{% endif %}")
    assert not needs_a_role(subject="Hi {{ recipient.first_name }}", body="Thanks")


def test_a_cadence_step_added_in_the_admin_reaches_the_next_read(shipped_cadences):
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH {selectors.STEPS} SELECT {selectors.QUIET_STEPS}, {selectors.OTHER_STEPS}"
        )
        quiet_before, other_before = cursor.fetchone()
        added = cadence_with_step(Trigger.CANDIDATE_UNTOUCHED)
        cursor.execute(
            f"WITH {selectors.STEPS} SELECT {selectors.QUIET_STEPS}, {selectors.OTHER_STEPS}"
        )
        quiet_after, other_after = cursor.fetchone()

    assert set(quiet_after) == {*(quiet_before or []), added.pk}
    assert other_after == other_before
