# ruff: noqa: E501, RUF001
"""The outbox's rows, written by followups.outbox_html rather than by the template's macro: the
same bytes as the macro wrote, for every state, channel and recipient a row can have; what
people typed escaped, long errors cut as the macro cut them."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.template import engines
from markupsafe import Markup

from followups.outbox_html import outbox_rows
from followups.outbox_rows import OutboxRow, Person
from recruitcrm.jinja2 import Relative

NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
CSRF = Markup('<input type="hidden" name="csrfmiddlewaretoken" value="token">')
BACK = "/followups/outbox/?state=failed&q=O'Neil"

# The macro as followups/outbox_rows.html had it before the filter.
OLD_MACRO = r"""{% macro rows(rows) -%}
{%- autoescape false %}
{#- The token and the page's address written once for the page, not again for every row. #}
{%- set csrf = csrf_input|string %}
{%- set back_e = back|e %}
{%- for row in rows %}
{%- set person = row.person -%}
<tr id="followup-{{ row.pk }}">
  <td class="nowrap" data-label="Due">
    {{ relative(row.due_at) }}
    {% if row.sent_at %}<span class="cell-sub">sent {{ relative(row.sent_at) }}</span>{% endif %}
  </td>
  <td data-label="State"><span class="badge badge--state-{{ row.state }}">{{ row.state_label }}</span></td>
  <td data-label="Channel">{% if row.channel == "email" %}Email{% else %}Task{% endif %}</td>
  <td data-label="To">
    {% if person %}
      {{ person.name|e }}
      <span class="cell-sub">{{ row.audience_label }} · {{ (person.email or "no email")|e }}</span>
    {% else %}
      {{ row.recruiter_name|e }}
      <span class="cell-sub">Recruiter{% if row.about_name %} · about {{ row.about_name|e }}{% endif %}</span>
    {% endif %}
  </td>
  <td data-label="Message or task" class="outbox__what">
    {{ row.what|e }}
    {% if row.cadence %}<span class="cell-sub">{{ row.cadence|e }}</span>{% endif %}
    {% if row.state == "failed" and row.last_error %}
      <span class="outbox__error"><strong>Error:</strong> {{ row.last_error|truncate(300, True, "…", 0)|e }}</span>
    {% elif row.last_error and row.state == "scheduled" %}
      <span class="cell-sub">Last attempt failed: {{ row.last_error|truncate(160, True, "…", 0)|e }}</span>
    {% endif %}
    {% if row.note and row.state != "failed" %}<span class="cell-sub">{{ row.note|e }}</span>{% endif %}
  </td>
  <td data-label="Attempts" class="num">{{ row.attempts }}</td>
  <td class="row-actions">
    {% if row.retryable and row.retry_refusal %}
      <span class="cell-sub row-actions__why">Can’t retry: {{ row.retry_refusal|e }}</span>
    {% elif row.retryable %}
      {%- set action = url('followups:followup_retry', row.pk) %}
      <form method="post" action="{{ action }}"
            data-hx-post="{{ action }}" data-hx-target="#followup-{{ row.pk }}" data-hx-swap="outerHTML">
        {{ csrf }}<input type="hidden" name="next" value="{{ back_e }}">
        <button type="submit" class="button button--small button--primary" id="retry-{{ row.pk }}">Retry<span class="visually-hidden"> email to {{ person.name|e }}</span></button>
      </form>
    {% elif row.state == "scheduled" %}
      {%- set action = url('followups:followup_cancel', row.pk) %}
      <form method="post" action="{{ action }}"
            data-hx-post="{{ action }}" data-hx-target="#followup-{{ row.pk }}" data-hx-swap="outerHTML">
        {{ csrf }}<input type="hidden" name="next" value="{{ back_e }}">
        <button type="submit" class="button button--small" id="cancel-{{ row.pk }}">Cancel<span class="visually-hidden"> {% if row.channel == "email" %}email to {{ person.name|e }}{% else %}task for {{ row.recruiter_name|e }}{% endif %}</span></button>
      </form>
    {% endif %}
  </td>
</tr>
{%- endfor %}
{%- endautoescape %}
{%- endmacro %}"""


def old_rows(rows, relative) -> str:
    env = engines["jinja2"].env
    template = env.from_string(OLD_MACRO + "{{ rows(shown) }}")
    return template.render(shown=rows, csrf_input=CSRF, back=BACK, relative=relative)


def row(pk: int, **fields) -> OutboxRow:
    values = {
        "pk": pk,
        "due_at": NOW - datetime.timedelta(hours=pk),
        "sent_at": None,
        "state": "scheduled",
        "state_label": "Scheduled",
        "channel": "email",
        "audience_label": "Candidate",
        "person": Person(name="Ann <O'Neil>", email="ann&co@example.com"),
        "recruiter_name": "Bo & Co",
        "about_name": "",
        "what": "Where <things> stand",
        "cadence": "",
        "last_error": "",
        "note": "",
        "attempts": 0,
    }
    return OutboxRow(**{**values, **fields})


ROWS = [
    row(1),
    row(2, sent_at=NOW - datetime.timedelta(minutes=5), state="sent", state_label="Sent"),
    row(
        3,
        state="failed",
        state_label="Failed",
        last_error="x" * 400,
        attempts=3,
        retryable=True,
        cadence="Onboarding · day 30",
    ),
    row(
        4,
        state="failed",
        state_label="Failed",
        last_error="SMTP <550> refused",
        retryable=True,
        retry_refusal="They opted out & asked <us> to stop",
    ),
    row(5, last_error="y" * 200, note="Moved to Monday"),
    row(6, last_error="z" * 160, note="A note"),
    row(7, channel="task", person=None, about_name="Cy <Ng>", what="Call <her>"),
    row(8, channel="task", person=None, state="cancelled", state_label="Cancelled"),
    row(
        9,
        person=Person(name="Lee", email=""),
        audience_label="Hiring leader",
        state="cancelled",
        state_label="Cancelled",
        retryable=True,
        note="Cancelled by Bo",
    ),
    row(10, state="sending", state_label="Sending", attempts=1),
]


@pytest.mark.parametrize("rows", [ROWS, ROWS[:1], []], ids=["all", "one", "none"])
@time_machine.travel(NOW, tick=False)
def test_the_filter_writes_what_the_macro_wrote(rows):
    relative = Relative()

    assert outbox_rows(rows, CSRF, BACK, relative) == old_rows(rows, relative)


@time_machine.travel(NOW, tick=False)
def test_what_people_typed_is_escaped_and_long_errors_cut():
    written = outbox_rows(ROWS, CSRF, BACK, Relative())

    assert "Ann &lt;O&#39;Neil&gt;" in written
    assert 'value="/followups/outbox/?state=failed&amp;q=O&#39;Neil"' in written
    assert "<strong>Error:</strong> " + "x" * 299 + "…</span>" in written
    assert "Last attempt failed: " + "y" * 159 + "…</span>" in written
    assert "Last attempt failed: " + "z" * 160 + "</span>" in written
    assert "<things>" not in written
    assert "<her>" not in written
