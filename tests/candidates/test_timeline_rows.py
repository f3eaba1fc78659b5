"""The candidate page's timeline lines, written by candidates.jinja2_filters.timeline_rows rather
than by a loop in the template: what people typed is escaped, empty parts are left out."""

from __future__ import annotations

import datetime

import time_machine
from django.template import engines

from candidates.jinja2_filters import timeline_rows
from candidates.selectors import TimelineEntry
from recruitcrm.jinja2 import Relative

NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)


def entry(**fields) -> TimelineEntry:
    values = {
        "pk": 1,
        "occurred_at": NOW - datetime.timedelta(days=2),
        "kind": "note",
        "summary": "Called about the offer",
        "body": "",
        "actor_name": "",
        "requisition_title": "",
    }
    return TimelineEntry(**{**values, **fields})


@time_machine.travel(NOW, tick=False)
def test_typed_values_are_escaped_and_the_kind_named():
    relative = Relative()
    html = timeline_rows(
        [
            entry(
                kind="stage_change",
                summary="<b>Moved</b>",
                body='Said "yes" & <i>smiled</i>',
                actor_name="Ann <O'Neil>",
                requisition_title="R&D <lead>",
            )
        ],
        relative,
    )

    assert '<span class="badge badge--kind-stage_change">Stage change</span>' in html
    assert '<div class="timeline__summary">&lt;b&gt;Moved&lt;/b&gt;</div>' in html
    assert (
        '<div class="timeline__body">Said &#34;yes&#34; &amp; &lt;i&gt;smiled&lt;/i&gt;</div>'
    ) in html
    moment = relative(NOW - datetime.timedelta(days=2))
    assert f"{moment} · Ann &lt;O&#39;Neil&gt; · R&amp;D &lt;lead&gt;" in html
    assert "2 days ago" in html
    assert "<b>" not in html
    assert "<i>" not in html


@time_machine.travel(NOW, tick=False)
def test_empty_parts_are_left_out_and_rows_keep_their_order():
    html = timeline_rows(
        [entry(pk=2, summary="Second"), entry(pk=1, summary="First", actor_name="Ann")],
        Relative(),
    )

    assert "timeline__body" not in html
    assert html.count("<li>") == 2
    assert html.index("Second") < html.index("First")
    assert html.count(" · ") == 1


@time_machine.travel(NOW, tick=False)
def test_the_filter_writes_what_the_templates_loop_wrote():
    loop = engines["jinja2"].env.from_string(
        """{% for entry in rows %}
          <li>
            <div class="timeline__kind"><span class="badge badge--kind-{{ entry.kind }}">{{ entry.kind_label }}</span></div>
            <div>
              <div class="timeline__summary">{{ entry.summary }}</div>
              {% if entry.body %}<div class="timeline__body">{{ entry.body }}</div>{% endif %}
              <div class="timeline__meta">
                {{ relative(entry.occurred_at) }}{% if entry.actor_name %} · {{ entry.actor_name }}{% endif %}{% if entry.requisition_title %} · {{ entry.requisition_title }}{% endif %}
              </div>
            </div>
          </li>
        {% endfor %}"""  # noqa: E501
    )
    rows = [
        entry(kind=kind, body=body, actor_name=actor, requisition_title=title, summary="a<b")
        for kind in ("call", "email", "message", "placement", "requisition")
        for body, actor, title in (("", "", ""), ("x & y", "Ann", "R<1>"))
    ]
    relative = Relative()

    assert timeline_rows(rows, relative) == loop.render(rows=rows, relative=relative)
