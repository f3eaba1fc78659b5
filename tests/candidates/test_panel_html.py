# ruff: noqa: E501, RUF001
"""The candidate page's contact card, promises, tasks and scheduled emails, written by
candidates.panel_html rather than by the template's blocks: the same bytes as the blocks wrote,
for every shape of candidate, promise and follow-up the page shows; what people typed escaped."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.template import engines
from markupsafe import Markup

from candidates import page_views, panel_html
from candidates.forms import PromiseForm, TagsForm
from candidates.selectors import WaitingFollowUp
from recruitcrm.jinja2 import Relative

NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
CSRF = Markup('<input type="hidden" name="csrfmiddlewaretoken" value="token">')
USER_PK = 7

# The blocks as candidate_detail.html had them before the filters.
OLD_BLOCKS = {
    "contact_card": r"""
{%- set tags_action = url('candidates:candidate_tags', candidate.pk) %}
<section id="contact-card" class="panel candidate-header" aria-labelledby="candidate-name"{% if oob %} data-hx-swap-oob="true"{% endif %}>
  <div class="panel__body">
    <div class="candidate-header__top">
      <div>
        <div class="candidate-header__title">
          <h1 id="candidate-name">{{ candidate.name }}</h1>
          {% if candidate.opted_out_at %}<span class="badge badge--opted-out" title="Opted out {{ candidate.opted_out_at|strftime('%-d %b %Y') }}">Opted out</span>{% endif %}
        </div>
        {% if candidate.headline or candidate.location %}
          <p class="page-header__sub">{{ candidate.headline }}{% if candidate.headline and candidate.location %} · {% endif %}{{ candidate.location }}</p>
        {% endif %}
      </div>
      <div class="candidate-header__actions">
        <a class="button button--primary" href="{{ url('followups:message_compose') }}?candidate={{ candidate.pk }}&amp;next={{ candidate_url|urlencode }}">Send a message</a>
        <a class="button" href="{{ url('candidates:candidate_edit', candidate.pk) }}">Edit details</a>
      </div>
    </div>
    {% if candidate.opted_out_at %}
      <p class="alert alert--warning">{{ candidate.first_name }} opted out {{ relative(candidate.opted_out_at) }}. Do not send them automated messages.</p>
    {% endif %}
    <dl class="meta-grid">
      <div>
        <dt>Email</dt>
        <dd>{% if candidate.email %}<a href="mailto:{{ candidate.email }}">{{ candidate.email }}</a>{% else %}<span class="muted">None on file</span>{% endif %}</dd>
      </div>
      <div>
        <dt>Phone</dt>
        <dd>{% if candidate.phone_digits %}<a href="tel:{% if candidate.phone[:1] == '+' %}+{% endif %}{{ candidate.phone_digits }}">{{ candidate.phone }}</a>{% elif candidate.phone %}{{ candidate.phone }}{% else %}<span class="muted">None on file</span>{% endif %}</dd>
      </div>
      <div>
        <dt>Owner</dt>
        <dd>{% if candidate.owner_id == user.pk %}You{% else %}{{ candidate.owner.name }}{% endif %}</dd>
      </div>
      <div>
        <dt>Source</dt>
        <dd>{{ candidate.get_source_display() }}</dd>
      </div>
      <div>
        <dt>Last contacted</dt>
        <dd>{{ relative(candidate.last_contacted_at, "Never") }}</dd>
      </div>
      {% if candidate.time_zone %}
        <div>
          <dt>Time zone</dt>
          <dd>{{ candidate.time_zone }}</dd>
        </div>
      {% endif %}
      <div class="meta-grid__wide">
        <dt>Tags</dt>
        <dd>
          {% for name in candidate.tag_list %}<a class="tag" href="{{ url('candidates:candidate_list') }}?tag={{ name|urlencode }}">{{ name }}</a> {% else %}<span class="muted">None yet</span>{% endfor %}
          <details class="inline-edit"{% if forms.tags.errors %} open{% endif %}>
            <summary>Edit tags</summary>
            <form method="post" action="{{ tags_action }}" class="inline-form"
                  data-hx-post="{{ tags_action }}" data-hx-swap="none">
              {{ csrf_input }}
              {{ forms.tags.tags|field_block }}
              <button type="submit" class="button button--small">Save tags</button>
            </form>
          </details>
        </dd>
      </div>
    </dl>
  </div>
</section>
""",
    "promises": r"""
  {%- set promise_action = url('candidates:commitment_make', candidate.pk) %}
  <section id="promises" class="panel" aria-labelledby="promises-title"{% if oob %} data-hx-swap-oob="true"{% endif %}>
    <div class="panel__head">
      <h2 id="promises-title">Promises to {{ candidate.first_name }} <span class="count">· {{ open_commitments|length }} open</span></h2>
    </div>
    {% if open_commitments %}
      <ul class="list">
        {% for commitment in open_commitments %}
          {%- set keep_action = url('candidates:commitment_keep', candidate.pk, commitment.pk) %}
          <li class="commitment{% if commitment.is_late %} commitment--late{% endif %}">
            <div class="commitment__what">
              <span>{{ commitment.description }}</span>
              <span class="cell-sub">{% if commitment.recruiter_id == user.pk %}Your promise{% else %}{{ commitment.recruiter.name }}’s promise{% endif %}{% if commitment.requisition %} · {{ commitment.requisition.title }}{% endif %} · {% if commitment.is_late %}<span class="badge badge--late">Late</span> {% endif %}due {{ relative(commitment.due_at) }}</span>
            </div>
            <form method="post" action="{{ keep_action }}"
                  data-hx-post="{{ keep_action }}" data-hx-swap="none">
              {{ csrf_input }}
              <button type="submit" class="button button--small">Kept<span class="visually-hidden">: {{ commitment.description }}</span></button>
            </form>
          </li>
        {% endfor %}
      </ul>
    {% else %}
      <div class="empty empty--compact">
        <p class="empty__title">No open promises</p>
        <p>When you promise {{ candidate.first_name }} something (“I’ll call you Friday”), record it here; it stays on your Today list until it’s kept.</p>
      </div>
    {% endif %}
    <form method="post" action="{{ promise_action }}" class="panel__foot action-form promise-form"
          data-hx-post="{{ promise_action }}" data-hx-swap="none">
      {{ csrf_input }}
      <h3>Make a promise</h3>
      {{ forms.promise|form_errors }}
      {{ forms.promise.description|field_block }}
      <div class="field-row">
        {{ forms.promise.due_date|field_block }}
        {{ forms.promise.due_time|field_block }}
      </div>
      <button type="submit" class="button button--small button--primary">Promise it</button>
    </form>
  </section>
  """,
    "tasks": r"""
  <section id="tasks" class="panel" aria-labelledby="tasks-title"{% if oob %} data-hx-swap-oob="true"{% endif %}>
    <div class="panel__head">
      <h2 id="tasks-title">Open tasks <span class="count">· {{ open_tasks|length }}{% if more_tasks %}+{% endif %}</span></h2>
    </div>
    {% if open_tasks %}
      <ul class="list">
        {% for task in open_tasks %}
          <li class="task{% if task.is_checkin_flag %} task--flag{% endif %}">
            {% if task.is_checkin_flag %}<span class="badge badge--red">Check-in flag</span>{% endif %}
            <span class="task__title">{% if task.task_title %}{{ task.task_title }}{% else %}{{ task.template_name }}{% endif %}</span>
            <span class="cell-sub">{% if task.recruiter_id == user.pk %}For you{% else %}For {{ task.recruiter_name }}{% endif %}{% if task.requisition_title is not none %} · {{ task.requisition_title }}{% endif %} · due {{ relative(task.due_at) }}</span>
          </li>
        {% endfor %}
      </ul>
      {% if more_tasks %}<p class="table-foot">Showing the {{ open_tasks|length }} due soonest.</p>{% endif %}
    {% else %}
      <div class="empty empty--compact">
        <p class="empty__title">No open tasks</p>
        <p>When {{ candidate.first_name }} goes quiet, a check-in raises a flag or a follow-up needs a person rather than an email, the recruiter’s task shows here. They are worked from Today.</p>
      </div>
    {% endif %}
  </section>
  """,
    "emails": r"""
  <section id="emails" class="panel" aria-labelledby="emails-title"{% if oob %} data-hx-swap-oob="true"{% endif %}>
    <div class="panel__head">
      <h2 id="emails-title">Emails scheduled <span class="count">· {{ emails|length }}{% if more_emails %}+{% endif %}</span></h2>
    </div>
    {% if emails %}
      <ul class="list">
        {% for email in emails %}
          <li class="task">
            <span class="task__title">{{ email.template_name }}</span>
            <span class="cell-sub">to {% if email.audience == "hiring_leader" %}{{ email.leader_name or "the hiring leader" }} (hiring leader){% else %}{{ candidate.first_name }}{% endif %}{% if email.is_one_off %}, sent by {{ email.recruiter_name }}{% endif %}{% if email.requisition_title is not none %} · {{ email.requisition_title }}{% endif %} · goes {% if email.due_at - relative.now <= RIGHT_AWAY %}within a couple of minutes{% else %}{{ relative(email.due_at) }}{% endif %}</span>
{% if email.is_one_off and email.recruiter_id == user.pk %}{% set action = url('candidates:message_take_back', candidate.pk, email.pk) %}            <form method="post" action="{{ action }}"
                  data-hx-post="{{ action }}" data-hx-swap="none">
              {{ csrf_input }}
              <button type="submit" class="button button--small">Take back<span class="visually-hidden">: {{ email.template_name }}</span></button>
            </form>
{% endif %}          </li>
        {% endfor %}
      </ul>
      {% if more_emails %}<p class="table-foot">Showing the {{ emails|length }} going soonest.</p>{% endif %}
    {% else %}
      <div class="empty empty--compact">
        <p class="empty__title">No emails waiting to go</p>
        <p>Status updates, expectation resets and check-ins show here with when they will go. Moving a stage or sending a message schedules them.</p>
      </div>
    {% endif %}
  </section>
  """,
}


def old_block(name: str, context: dict) -> str:
    # As the page's template is loaded, whose blocks end in a newline that from_string drops.
    env = engines["jinja2"].env.overlay(keep_trailing_newline=True)
    return env.from_string(OLD_BLOCKS[name]).render(context)


def new_block(name: str, context: dict) -> str:
    template = engines["jinja2"].env.get_template(page_views.DETAIL)
    return "".join(template.blocks[name](template.new_context(context)))


def context(**values) -> dict:
    return {
        "user": SimpleNamespace(pk=USER_PK),
        "csrf_input": CSRF,
        "relative": Relative(),
        "RIGHT_AWAY": panel_html.RIGHT_AWAY,
        "oob": False,
        **values,
    }


def candidate(**fields) -> SimpleNamespace:
    values = {
        "pk": 42,
        "name": "Ann <O'Neil>",
        "first_name": "Ann & Co",
        "opted_out_at": None,
        "headline": "",
        "location": "",
        "email": "",
        "phone": "",
        "phone_digits": "",
        "owner_id": USER_PK,
        "owner": SimpleNamespace(name="Bo <Smith>"),
        "last_contacted_at": None,
        "time_zone": "",
        "tag_list": [],
        "source": "job_board",
        "get_source_display": lambda: "Job board",
    }
    return SimpleNamespace(**{**values, **fields})


CANDIDATES = [
    candidate(),
    candidate(
        opted_out_at=NOW - datetime.timedelta(days=40),
        headline="Lead <eng>",
        location="Paris & Lyon",
        email="ann+x@example.com",
        phone="+44 (0)20 7946",
        phone_digits="44207946",
        owner_id=3,
        last_contacted_at=NOW - datetime.timedelta(hours=5),
        time_zone="Europe/Paris",
        tag_list=["R&D", "go lang", "a/b"],
    ),
    candidate(headline="Only a headline", phone="020 7946", phone_digits="0207946"),
    candidate(location="Only a place", phone="ext. only", owner_id=None),
]


@pytest.mark.parametrize("shown", CANDIDATES)
@pytest.mark.parametrize("tags_posted", [None, {"tags": "x" * 1001}])
@time_machine.travel(NOW, tick=False)
def test_the_contact_card_is_what_the_block_wrote(shown, tags_posted):
    tags = TagsForm(tags_posted, auto_id="id_tags_%s", initial={"tags": ""})
    values = context(
        candidate=shown, forms=SimpleNamespace(tags=tags), candidate_url="/candidates/42/"
    )

    assert new_block("contact_card", values) == old_block("contact_card", values)


def promise(pk: int, **fields) -> SimpleNamespace:
    values = {
        "pk": pk,
        "description": 'Call <back> & "chat"',
        "is_late": False,
        "recruiter_id": USER_PK,
        "recruiter": SimpleNamespace(name="Cy <Ng>"),
        "requisition": None,
        "due_at": NOW + datetime.timedelta(days=1),
    }
    return SimpleNamespace(**{**values, **fields})


@pytest.mark.parametrize(
    "promises",
    [
        [],
        [
            promise(1, is_late=True, due_at=NOW - datetime.timedelta(hours=3)),
            promise(2, recruiter_id=9, requisition=SimpleNamespace(title="R&D <lead>")),
        ],
    ],
)
@pytest.mark.parametrize("posted", [None, {"description": ""}])
@time_machine.travel(NOW, tick=False)
def test_the_promises_are_what_the_block_wrote(promises, posted):
    form = PromiseForm(posted, auto_id="id_promise_%s", viewer=None)
    values = context(
        candidate=candidate(),
        open_commitments=promises,
        forms=SimpleNamespace(promise=form),
    )

    assert new_block("promises", values) == old_block("promises", values)


def waiting(pk: int, **fields) -> WaitingFollowUp:
    values = {
        "pk": pk,
        "channel": "task",
        "audience": "candidate",
        "task_title": "",
        "due_at": NOW + datetime.timedelta(days=2),
        "recruiter_id": USER_PK,
        "template_name": "Where <things> stand",
        "recruiter_name": "Di & Co",
        "leader_name": "",
        "requisition_title": None,
        "is_checkin_flag": False,
        "is_one_off": False,
    }
    return WaitingFollowUp(**{**values, **fields})


FOLLOW_UPS = [
    [],
    [
        waiting(1, task_title="Call <her>", is_checkin_flag=True, requisition_title="R&D"),
        waiting(2, recruiter_id=5, requisition_title=""),
        waiting(3, audience="hiring_leader", leader_name="Lee <Park>", is_one_off=True),
        waiting(5, is_one_off=True, recruiter_id=5),
        waiting(6, is_one_off=True, due_at=NOW + datetime.timedelta(seconds=50)),
        waiting(4, audience="hiring_leader", due_at=NOW - datetime.timedelta(hours=1)),
    ],
]


@pytest.mark.parametrize("follow_ups", FOLLOW_UPS)
@pytest.mark.parametrize("more", [False, True])
@time_machine.travel(NOW, tick=False)
def test_the_tasks_and_emails_are_what_the_blocks_wrote(follow_ups, more):
    values = context(
        candidate=candidate(),
        open_tasks=follow_ups,
        more_tasks=more,
        emails=follow_ups,
        more_emails=more,
    )

    assert new_block("tasks", values) == old_block("tasks", values)
    assert new_block("emails", values) == old_block("emails", values)


@time_machine.travel(NOW, tick=False)
def test_what_people_typed_is_escaped():
    shown = CANDIDATES[1]
    values = context(
        candidate=shown,
        forms=SimpleNamespace(tags=TagsForm(auto_id="id_tags_%s")),
        candidate_url="/candidates/42/",
    )
    card = new_block("contact_card", values)

    assert "Ann &lt;O&#39;Neil&gt;" in card
    assert "Lead &lt;eng&gt; · Paris &amp; Lyon" in card
    assert 'href="/candidates/?tag=R%26D">R&amp;D</a>' in card
    assert "<eng>" not in card
