"""The parts every row of "Today" repeats (its Done form, its snooze menu, its talk links),
written by string formatting rather than a Jinja2 macro each: a page of fifty rows called these
three macros a hundred and fifty times, with thirty escapes a row, for markup that differs from
row to row only by an address and an id.

Each form still posts on its own, with htmx and without: the CSRF field (the page's, worked out
once by recruitcrm.context_processors.csrf_once) and the row filter, which is left out when it
is empty (the views read a missing `who` as all rows).
"""

from __future__ import annotations

from markupsafe import Markup, escape

from recruitcrm.jinja2 import url


def _hidden(csrf_input: str, who: str) -> str:
    if not who:
        return str(csrf_input)
    return f'{csrf_input}<input type="hidden" name="who" value="{escape(who)}">'


def post_button(
    action: str, csrf_input: str, who: str, label: str, key: str, title: str = ""
) -> Markup:
    """A one-button form: Done, Kept, Told them myself, Dismiss."""
    action = escape(action)
    title = f' title="{escape(title)}"' if title else ""
    return Markup(
        f'<form method="post" action="{action}" data-hx-post="{action}">'
        f"{_hidden(csrf_input, who)}"
        f'<button class="button button--small button--primary" data-key="{escape(key)}"{title}>'
        f"{escape(label)}</button></form>"
    )


_SNOOZE_CHOICES = "".join(
    f'<button name="until" value="{value}" class="button button--small">{label}</button>'
    for value, label in (("tomorrow", "Tomorrow"), ("3days", "3 days"), ("nextweek", "Next week"))
)


def snooze_menu(action: str, row_id: str, csrf_input: str, who: str) -> Markup:
    """A row's Snooze: a <details> whose summary the `s` key opens, holding a form that posts
    `until` (and `date` for a chosen day) to the row's own snooze address."""
    action, row_id = escape(action), escape(row_id)
    return Markup(
        '<details class="snooze"><summary class="button button--small" data-key="s">Snooze'
        f'</summary><form method="post" action="{action}" class="snooze__menu"'
        f' data-hx-post="{action}">{_hidden(csrf_input, who)}{_SNOOZE_CHOICES}'
        f'<span class="snooze__date"><label for="{row_id}-date" class="visually-hidden">'
        f'Snooze until a date</label><input type="date" name="date" id="{row_id}-date">'
        '<button name="until" value="date" class="button button--small">On that day</button>'
        "</span></form></details>"
    )


def talk_links(row, row_id: str) -> Markup:
    """Log a call, an email, a note; make a promise; send a message: each opens under the row
    over htmx (into the row's form holder), or as a page of its own without."""
    # A promise has no application: what the template engine read as undefined reads as None.
    candidate_id, requisition_id = row.candidate_id, getattr(row, "requisition_id", None)
    application_id = getattr(row, "application_id", None)
    about = f"candidate={candidate_id}" if candidate_id else f"hiring_leader={row.hiring_leader_id}"
    role = f"&amp;requisition={requisition_id}" if requisition_id else ""
    log = f"{url('followups:today_log')}?{about}{role}"
    promise = f"{url('followups:today_promise')}?{about}{role}"
    compose_about = f"&amp;application={application_id}" if application_id else role
    compose = f"{url('followups:message_compose')}?{about}{compose_about}&amp;next=/"
    row_id = escape(row_id)
    links = "".join(
        f'<a class="button button--small" data-key="{key}" href="{href}" data-hx-get="{href}">'
        f"{label}</a>"
        for key, href, label in (
            ("c", f"{log}&amp;kind=call", "Call"),
            ("e", f"{log}&amp;kind=email", "Email"),
            ("n", f"{log}&amp;kind=note", "Note"),
            ("p", promise, "Promise"),
        )
    )
    return Markup(
        f'<div class="queue-row__talk" data-hx-target="#{row_id}-form" data-hx-swap="innerHTML">'
        f'{links}<a class="button button--small" data-key="m" href="{compose}">Message…</a></div>'
        f'<div class="queue-row__form" id="{row_id}-form"></div>'
    )
