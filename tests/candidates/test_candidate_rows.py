"""The candidate list's rows, written by candidates.jinja2_filters.candidate_rows rather than by a
loop in the template: what people typed is escaped, empty parts are left out, and the bytes are
the ones the template's loop wrote."""

from __future__ import annotations

import datetime

import time_machine
from django.template import engines

from candidates.jinja2_filters import candidate_rows
from candidates.search import CandidateRow
from recruitcrm.jinja2 import Relative

NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
ME = 7


def row(**cells) -> CandidateRow:
    values = {
        "pk": 41,
        "name": "Ada Lovelace",
        "opted_out_at": None,
        "headline": "",
        "tag_list": [],
        "email": "",
        "phone": "",
        "owner_id": ME,
        "owner_name": "Rita Recruiter",
        "last_contacted_at": None,
        "created_at": NOW - datetime.timedelta(days=30),
    }
    return CandidateRow(**{**values, **cells})


def shapes() -> list[CandidateRow]:
    return [
        row(),
        row(
            pk=42,
            name='Ann <O\'Neil> & "co"',
            opted_out_at=NOW - datetime.timedelta(days=1),
            headline="R&D <lead>",
            tag_list=["<b>python</b>", "go & rust"],
            email="ann+<x>@example.com",
            phone="+44 <20>",
            owner_id=ME + 1,
            owner_name="Bob <Boss>",
            last_contacted_at=NOW - datetime.timedelta(hours=3),
        ),
        row(pk=43, headline="Engineer", email="g@example.com", owner_id=ME + 2),
        row(pk=44, tag_list=["one"], phone="555", last_contacted_at=NOW),
    ]


@time_machine.travel(NOW, tick=False)
def test_typed_values_are_escaped():
    html = candidate_rows([shapes()[1]], "/candidates/", ME, Relative())

    assert 'aria-label="Select Ann &lt;O&#39;Neil&gt; &amp; &#34;co&#34;"' in html
    assert '<a href="/candidates/42/">Ann &lt;O&#39;Neil&gt; &amp; &#34;co&#34;</a>' in html
    assert ' <span class="badge badge--opted-out">Opted out</span>' in html
    assert '<span class="cell-sub">R&amp;D &lt;lead&gt;</span>' in html
    assert (
        '<span class="tags"><span class="tag">&lt;b&gt;python&lt;/b&gt;</span>'
        '<span class="tag">go &amp; rust</span></span>'
    ) in html
    assert "<span>ann+&lt;x&gt;@example.com</span>" in html
    assert '<span class="cell-sub">+44 &lt;20&gt;</span>' in html
    assert ">Bob &lt;Boss&gt;</td>" in html
    assert "3 hours ago" in html
    assert "<b>" not in html


@time_machine.travel(NOW, tick=False)
def test_empty_parts_are_left_out_and_rows_keep_their_order():
    html = candidate_rows([shapes()[2], shapes()[0]], "/candidates/", ME, Relative())

    assert html.count("<tr>") == 2
    assert html.index('value="43"') < html.index('value="41"')
    assert "badge--opted-out" not in html
    assert 'class="tags"' not in html
    assert html.count('<span class="muted">No email</span>') == 1
    assert html.count('<span class="muted">Never</span>') == 2
    # The viewer's own candidate says "You"; someone else's, its owner's name.
    assert html.count('<td data-label="Owner" class="nowrap">You</td>') == 1
    assert html.count('<td data-label="Owner" class="nowrap">Rita Recruiter</td>') == 1


@time_machine.travel(NOW, tick=False)
def test_the_filter_writes_what_the_templates_loop_wrote():
    env = engines["jinja2"].env
    loop = env.from_string(
        """<tbody>
          {%- for pk, name, opted_out_at, headline, tag_list, email, phone, owner_id, owner_name, last_contacted_at, created_at in rows %}
<tr>
<td class="select-cell"><input type="checkbox" name="candidate" value="{{ pk }}" form="bulk-actions" id="select-{{ pk }}" aria-label="Select {{ name }}"></td>
<td class="primary"><a href="{{ detail_url }}{{ pk }}/">{{ name }}</a>
{%- if opted_out_at %} <span class="badge badge--opted-out">Opted out</span>{% endif %}
{%- if headline %} <span class="cell-sub">{{ headline }}</span>{% endif %}
{%- if tag_list %} <span class="tags">{% for tag in tag_list %}<span class="tag">{{ tag }}</span>{% endfor %}</span>{% endif %}</td>
<td data-label="Contact" class="contact-cell">{% if email %}<span>{{ email }}</span>{% else %}<span class="muted">No email</span>{% endif %}
{%- if phone %} <span class="cell-sub">{{ phone }}</span>{% endif %}</td>
<td data-label="Owner" class="nowrap">{% if owner_id == user_pk %}You{% else %}{{ owner_name }}{% endif %}</td>
<td data-label="Last contacted" class="nowrap">{{ relative(last_contacted_at, "Never") }}</td>
<td data-label="Added" class="nowrap">{{ relative(created_at) }}</td>
</tr>
          {%- endfor %}
        </tbody>"""  # noqa: E501
    )
    written = env.from_string(
        """<tbody>
          {{- rows|candidate_rows(detail_url, user_pk, relative) }}
        </tbody>"""
    )
    context = {
        "rows": shapes(),
        "detail_url": "/candidates/",
        "user_pk": ME,
        "relative": Relative(),
    }

    assert written.render(context) == loop.render(context)
    assert candidate_rows([], "/candidates/", ME, Relative()) == ""
