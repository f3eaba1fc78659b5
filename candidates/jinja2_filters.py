"""Filters the candidate pages' Jinja2 templates use (registered by recruitcrm.jinja2)."""

from __future__ import annotations

import functools

from markupsafe import Markup, escape

from candidates.form_html import choices, control
from candidates.models import Activity, PassReason


def pass_reasons(application_id) -> list[tuple[str, str]]:
    """`application_id|pass_reasons`: the reasons a hiring leader may give for passing on a
    candidate, for the feedback forms of any page that shows them."""
    return PassReason.choices


@functools.cache
def _kind_badge(kind: str) -> str:
    label = Activity.Kind(kind).label
    return f'<span class="badge badge--kind-{escape(kind)}">{escape(str(label))}</span>'


def timeline_rows(rows, relative) -> Markup:
    """`timeline.rows|timeline_rows(relative)`: the candidate page's timeline lines, written as the
    template's loop wrote them (the same bytes, its indentation included), with what people typed
    (summary, note, who, which role) escaped once each, where the loop made a dozen lookups and
    escapes a line (twenty lines a page). `relative` is the page's own (Relative)."""
    parts = []
    for entry in rows:
        body = entry.body
        body = f'<div class="timeline__body">{escape(body)}</div>' if body else ""
        actor = entry.actor_name
        title = entry.requisition_title
        meta = str(relative(entry.occurred_at))
        if actor:
            meta += f" · {escape(actor)}"
        if title:
            meta += f" · {escape(title)}"
        parts.append(
            "\n          <li>\n"
            f'            <div class="timeline__kind">{_kind_badge(entry.kind)}</div>\n'
            "            <div>\n"
            f'              <div class="timeline__summary">{escape(entry.summary)}</div>\n'
            f"              {body}\n"
            '              <div class="timeline__meta">\n'
            f"                {meta}\n"
            "              </div>\n"
            "            </div>\n"
            "          </li>\n"
            "        "
        )
    return Markup("".join(parts))


FILTERS = {
    "control": control,
    "choices": choices,
    "pass_reasons": pass_reasons,
    "timeline_rows": timeline_rows,
}
