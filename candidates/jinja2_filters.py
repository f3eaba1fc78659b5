"""Filters the candidate pages' Jinja2 templates use (registered by recruitcrm.jinja2)."""

from __future__ import annotations

import functools

from markupsafe import Markup, escape

from candidates.form_html import choices, control, field_block, form_errors, radio_labels
from candidates.models import Activity, PassReason
from candidates.page_html import checkin_placements, pipeline_rows
from candidates.panel_html import contact_card, email_panel, promise_panel, task_panel
from recruitcrm.jinja2 import text


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
        body = f'<div class="timeline__body">{text(body)}</div>' if body else ""
        actor = entry.actor_name
        title = entry.requisition_title
        meta = relative.html(entry.occurred_at)
        if actor:
            meta += f" · {text(actor)}"
        if title:
            meta += f" · {text(title)}"
        parts.append(
            "\n          <li>\n"
            f'            <div class="timeline__kind">{_kind_badge(entry.kind)}</div>\n'
            "            <div>\n"
            f'              <div class="timeline__summary">{text(entry.summary)}</div>\n'
            f"              {body}\n"
            '              <div class="timeline__meta">\n'
            f"                {meta}\n"
            "              </div>\n"
            "            </div>\n"
            "          </li>\n"
            "        "
        )
    return Markup("".join(parts))


def candidate_rows(rows, detail_url: str, user_pk, relative) -> Markup:
    """`page.rows|candidate_rows(detail_url, user_pk, relative)`: the candidate list's fifty rows
    (search.CandidateRow), the same bytes the template's loop wrote, with what people typed
    (name, headline, tags, email, phone) escaped once each as plain strings (`text`), where the
    loop went through Jinja's escape and join for every piece and its context call for each of
    the two moments a row.
    An owner's name is escaped once a page: a page holds a few owners, fifty times. `relative`
    is the page's own (Relative); its moments are joined as plain strings."""
    link = escape(detail_url)
    owners = {user_pk: "You"}
    moment = relative.html
    parts = []
    for (
        pk,
        name,
        opted_out_at,
        headline,
        tag_list,
        email,
        phone,
        owner_id,
        owner_name,
        last_contacted_at,
        created_at,
    ) in rows:
        name = text(name)
        owner = owners.get(owner_id)
        if owner is None:
            owner = owners[owner_id] = text(owner_name)
        opted_out = ' <span class="badge badge--opted-out">Opted out</span>' if opted_out_at else ""
        headline = f' <span class="cell-sub">{text(headline)}</span>' if headline else ""
        tags = ""
        if tag_list:
            tags = "".join([f'<span class="tag">{text(tag)}</span>' for tag in tag_list])
            tags = f' <span class="tags">{tags}</span>'
        email = f"<span>{text(email)}</span>" if email else '<span class="muted">No email</span>'
        phone = f' <span class="cell-sub">{text(phone)}</span>' if phone else ""
        parts.append(
            f'\n<tr>\n<td class="select-cell"><input type="checkbox" name="candidate" value="{pk}"'
            f' form="bulk-actions" id="select-{pk}" aria-label="Select {name}"></td>\n'
            f'<td class="primary"><a href="{link}{pk}/">{name}</a>{opted_out}{headline}{tags}'
            f'</td>\n<td data-label="Contact" class="contact-cell">{email}{phone}</td>\n'
            f'<td data-label="Owner" class="nowrap">{owner}</td>\n'
            '<td data-label="Last contacted" class="nowrap">'
            f"{moment(last_contacted_at, 'Never')}</td>\n"
            f'<td data-label="Added" class="nowrap">{moment(created_at)}</td>\n</tr>'
        )
    return Markup("".join(parts))


FILTERS = {
    "control": control,
    "choices": choices,
    "field_block": field_block,
    "form_errors": form_errors,
    "radio_labels": radio_labels,
    "pass_reasons": pass_reasons,
    "timeline_rows": timeline_rows,
    "pipeline_rows": pipeline_rows,
    "checkin_placements": checkin_placements,
    "candidate_rows": candidate_rows,
    "contact_card": contact_card,
    "promise_panel": promise_panel,
    "task_panel": task_panel,
    "email_panel": email_panel,
}
