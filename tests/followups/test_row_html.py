"""The parts each row of Today repeats, written without a template: escaped, and posting what
the views read."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
import time_machine
from django.template import engines
from django.urls import reverse
from markupsafe import Markup

from candidates.models import Application, Candidate, Commitment
from followups import composing
from followups.models import Cadence, CadenceStep, FollowUp, MessageTemplate
from followups.queue import row_html
from followups.queue.selectors import (
    FollowUpDue,
    LeaderOwed,
    Overrun,
    PromiseDue,
    Section,
    SectionInfo,
)
from hiring_leaders.models import Company, HiringLeader, Requisition
from recruitcrm.jinja2 import Relative
from recruitcrm.models import User

CSRF = Markup('<input type="hidden" name="csrfmiddlewaretoken" value="t">')


def test_a_snooze_menu_posts_its_choices_and_the_filter_to_the_rows_own_address():
    html = row_html.snooze_menu("/today/tasks/7/snooze/", "task-7", CSRF, "leaders")
    assert 'action="/today/tasks/7/snooze/"' in html
    assert 'data-hx-post="/today/tasks/7/snooze/"' in html
    assert html.count(str(CSRF)) == 1
    assert '<input type="hidden" name="who" value="leaders">' in html
    for value in ("tomorrow", "3days", "nextweek", "date"):
        assert f'name="until" value="{value}"' in html
    assert '<label for="task-7-date"' in html
    assert '<input type="date" name="date" id="task-7-date">' in html


def test_an_empty_filter_is_left_out_and_everything_given_is_escaped():
    html = row_html.snooze_menu('/x/"><b>/', 'r"1', CSRF, "")
    assert 'name="who"' not in html
    assert "<b>" not in html
    assert 'id="r&#34;1-date"' in html
    button = row_html.post_button("/a/", CSRF, '"x', "Told <them>", "t", title='Logs "it"')
    assert 'value="&#34;x"' in button
    assert "Told &lt;them&gt;</button>" in button
    assert 'title="Logs &#34;it&#34;"' in button


def test_the_talk_links_name_the_person_and_role_and_open_under_the_row():
    promise = SimpleNamespace(candidate_id=5, hiring_leader_id=None, requisition_id=9)
    html = row_html.talk_links(promise, "promise-3")
    assert 'href="/today/log/?candidate=5&amp;requisition=9&amp;kind=call"' in html
    assert 'data-hx-target="#promise-3-form"' in html
    assert 'id="promise-3-form"' in html
    assert "/messages/new/?candidate=5&amp;requisition=9&amp;next=/" in html
    task = SimpleNamespace(
        candidate_id=None, hiring_leader_id=4, requisition_id=None, application_id=None
    )
    html = row_html.talk_links(task, "task-8")
    assert 'href="/today/promise/?hiring_leader=4"' in html
    assert "/messages/new/?hiring_leader=4&amp;next=/" in html
    applied = SimpleNamespace(
        candidate_id=5, hiring_leader_id=None, requisition_id=9, application_id=11
    )
    assert "?candidate=5&amp;application=11&amp;next=/" in row_html.talk_links(applied, "t")


# ---------- the rows of a section, as the Jinja2 macros wrote them ----------

NOW = datetime.datetime(2026, 3, 4, 15, 30, tzinfo=datetime.UTC)
THEMES = [("pay", "Pay"), ("manager", "Manager <&>")]


def _macros():
    """The row macros Today used before followups.queue.row_html wrote its rows (kept beside
    this test), with the filters they called."""
    env = engines["jinja2"].env.overlay()
    env.filters.update(
        post_button=row_html.post_button,
        snooze_menu=row_html.snooze_menu,
        talk_links=row_html.talk_links,
        task_words=lambda task: composing.task_words(composing.TaskAbout.of(task)),
    )
    source = (Path(__file__).parent / "queue_rows_macros.html").read_text()
    return env.from_string(
        source
        + "{% for each in rows %}{{ ROW_OF.get(key, task_row)(each, key, who_filter) }}{% endfor %}"
    )


def _people():
    ada = Candidate(pk=5, first_name="Ada <b>", last_name="O'Neil", email="ada@example.com")
    quiet = Candidate(pk=6, first_name="Bo", last_name="Quiet", email="")
    gone = Candidate(pk=7, first_name="Cy", last_name="Gone", email="c@x", opted_out_at=NOW)
    leader = HiringLeader(pk=8, first_name="Lee", last_name="Lead & Co", last_contacted_at=None)
    role = Requisition(pk=9, title='Data "Engineer" <1>', hiring_leader_id=8)
    return ada, quiet, gone, leader, role


def _task(pk, *, candidate=None, leader=None, role=None, application=None, **fields):
    task = FollowUp(
        pk=pk,
        key=fields.pop("key", f"task:{pk}"),
        channel=fields.pop("channel", "task"),
        task_title=fields.pop("task_title", f"Call <them> #{pk}"),
        due_at=fields.pop("due_at", NOW - datetime.timedelta(days=2)),
        created_at=NOW - datetime.timedelta(days=3),
        candidate=candidate,
        hiring_leader=leader,
        requisition=role,
        application=application,
        recruiter=User(first_name="Rae"),
        **fields,
    )
    task.row_id, task.automatic_note_at = f"task-{pk}", None
    return task


def _due(task: FollowUp) -> FollowUpDue:
    """The row Today's statement reads for this follow-up, as the macro read it from models."""
    step, candidate = task.cadence_step, task.candidate
    return FollowUpDue(
        task.pk,
        task.key,
        task.channel,
        task.due_at,
        task.created_at,
        step and step.cadence.name,
        step and step.cadence.trigger,
        task.automatic_note_at,
        task.candidate_id,
        candidate and candidate.email,
        candidate and candidate.opted_out_at,
        task.hiring_leader_id,
        task.requisition_id,
        task.application_id,
        about=composing.TaskAbout.of(task),
    )


def _task_rows():
    ada, quiet, gone, leader, role = _people()
    cadence = Cadence(name="Quiet <cadence>", trigger="application_closed")
    step = CadenceStep(pk=3, cadence=cadence)
    sourced = Application(pk=11, stage="sourced")
    noted = _task(1, candidate=ada, role=role, facts={"quiet_days": 12})
    noted.automatic_note_at = NOW + datetime.timedelta(days=1)
    return {
        "quiet": [
            noted,
            _task(2, candidate=gone, facts={}),
            _task(3, candidate=quiet, role=role),
            _task(4, candidate=ada, role=role, application=sourced),
            _task(5, candidate=ada, application=Application(pk=12, stage="screened")),
        ],
        "flags": [
            _task(6, candidate=ada, key="checkin-flag:42"),
            _task(7, leader=leader, key="checkin-flag:x"),
        ],
        "from_leaders": [
            _task(8, leader=leader, role=role, key="feedback-wait:1"),
            _task(9, leader=leader, key="leader-feedback:2"),
        ],
        "failed": [_task(10, candidate=ada, role=role, key="failed:3")],
        "tasks": [_task(13, candidate=ada, role=role, cadence_step=step), _task(14)],
        "bad_news": [
            _task(
                15,
                candidate=ada,
                role=role,
                channel="email",
                cadence_step=step,
                template=MessageTemplate(name="Bad <news>"),
            ),
            _task(16, candidate=quiet, channel="task", cadence_step=step),
        ],
    }


def _promise_rows():
    return [
        PromiseDue(20, "Send <notes>", NOW, 5, "Ada <b>", "O'Neil", None, None, None, 9, "R <1>"),
        PromiseDue(21, "Call & say", NOW, None, None, None, 8, "Lee", "Lead & Co", None, None),
        PromiseDue(22, "Nameless", NOW, None, None, None, 8, "", "", None, None),
    ]


def _promise_as_the_macro_read_it(row: PromiseDue) -> Commitment:
    """The promise row as the macro read it: the model with its candidate, leader and role."""
    promise = Commitment(
        pk=row.pk,
        description=row.description,
        due_at=row.due_at,
        candidate=row.candidate_id
        and Candidate(
            pk=row.candidate_id,
            first_name=row.candidate_first_name,
            last_name=row.candidate_last_name,
        ),
        hiring_leader=row.hiring_leader_id
        and HiringLeader(
            pk=row.hiring_leader_id,
            first_name=row.leader_first_name,
            last_name=row.leader_last_name,
        ),
        requisition=row.requisition_id
        and Requisition(pk=row.requisition_id, title=row.requisition_title),
    )
    promise.row_id = row.row_id
    return promise


def _leader_rows():
    return [
        LeaderOwed(30, "Role <x>", 8, "Lee", "", None, "Acme & Sons", NOW),
        LeaderOwed(31, "Role <x>", 8, "Lee", "O'Lead", NOW - datetime.timedelta(days=9), "C", None),
    ]


def _as_the_macro_read_it(row: LeaderOwed) -> SimpleNamespace:
    """The leader row as the macro read it: the role's model with its leader and company."""
    leader = HiringLeader(
        pk=row.hiring_leader_id,
        first_name=row.leader_first_name,
        last_name=row.leader_last_name,
        last_contacted_at=row.last_contacted_at,
    )
    return SimpleNamespace(
        pk=row.pk,
        row_id=row.row_id,
        title=row.title,
        hiring_leader_id=row.hiring_leader_id,
        hiring_leader=leader,
        company=Company(name=row.company_name),
        next_update_at=row.next_update_at,
    )


def _overrun_rows():
    shared = {"low_days": 30, "high_days": 60, "title": "Role <y>", "hiring_leader_id": 8}
    shared |= {"opened_on": datetime.date(2025, 1, 1), "leader_last_name": "L"}
    return [
        Overrun(
            40,
            5,
            **shared,
            leader_first_name="Lee <",
            company_name="A&B",
            reset_template_id=23,
            days_open=61,
        ),
        Overrun(
            41,
            6,
            **shared,
            leader_first_name="Lee",
            company_name="C",
            reset_template_id=None,
            days_open=90,
        ),
    ]


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("who", ["", "leaders"])
def test_the_rows_are_written_as_the_macros_wrote_them(who):
    macros, relative = _macros(), Relative()
    sections = _task_rows() | {
        "overdue": _promise_rows(),
        "due_today": _promise_rows(),
        "leaders": _leader_rows(),
        "overrun": _overrun_rows(),
    }
    for key, rows in sections.items():
        read = [_due(row) for row in rows] if isinstance(rows[0], FollowUp) else rows
        section = Section(info=SectionInfo(key, "", ""), rows=read)
        written = row_html.queue_rows(section, who, CSRF, relative, THEMES)
        if key == "leaders":
            rows = [_as_the_macro_read_it(row) for row in rows]
        if key in ("overdue", "due_today"):
            rows = [_promise_as_the_macro_read_it(row) for row in rows]
        expected = macros.render(
            rows=rows,
            key=key,
            who_filter=who,
            csrf_input=CSRF,
            relative=relative,
            concern_themes=THEMES,
        )
        # The macros' own definitions leave blank lines ahead of the rows.
        assert written == expected.lstrip("\n"), key


def test_the_candidate_pages_review_form_posts_back_without_htmx():
    html = row_html.review_form("42", "checkin-3", CSRF, "", THEMES, next="/candidates/5/")
    assert f'action="{reverse("followups:today_checkin_review", args=[42])}"' in html
    assert "data-hx-post" not in html
    assert '<input type="hidden" name="next" value="/candidates/5/">' in html
    assert 'value="manager" class="button button--small">Manager &lt;&amp;&gt;</button>' in html


@time_machine.travel(NOW, tick=False)
def test_a_quiet_row_counts_the_silence_to_now_and_is_otherwise_the_same_row():
    noted = _task_rows()["quiet"][0]  # its reminder counted 12 days, to its note's day
    read = _due(noted)
    silent = dataclasses.replace(read, silent_since=NOW - datetime.timedelta(days=1, hours=2))

    def written(row) -> str:
        section = Section(info=SectionInfo("quiet", "", ""), rows=[row])
        return row_html.queue_rows(section, "", CSRF, Relative(), THEMES)

    assert "no contact for 12 days." in written(read)
    assert written(silent) == written(read).replace("for 12 days.", "for 1 day.")
