"""The candidate page's contact card, promises, tasks and scheduled emails, written in Python
(the contact_card, promise_panel, task_panel and email_panel filters), as its pipelines and
timeline are (candidates.page_html, candidates.jinja2_filters).

The template's blocks made a context lookup, an escape and a join for every value they showed,
and a lookup chain for each form field: together a fifth of the page's rendering. Here what
people typed (a name, a headline, an address, a promise) is escaped once each. The bytes are the
blocks' own, their blank lines included; tests/candidates/test_panel_html.py renders both.
"""

from __future__ import annotations

import datetime
from urllib.parse import quote

from markupsafe import Markup, escape

from candidates.form_html import field_block, form_errors
from candidates.models import Candidate
from hiring_leaders.wording import RIGHT_AWAY
from recruitcrm.jinja2 import strftime, text, url

# The sources' labels, read once (get_source_display() builds its field's choices afresh).
SOURCE_LABELS = dict(Candidate.Source.choices)


def _query_value(value: str) -> str:
    # As Jinja's urlencode filter quotes a string: UTF-8, "/" left as it is.
    return quote(value.encode(), safe="/")


def contact_card(candidate, user_pk, tags_form, csrf_input: str, candidate_url: str, relative):
    """`candidate|contact_card(user.pk, forms.tags, csrf_input, candidate_url, relative)`: who
    the candidate is and how to reach them, with the actions on the whole record."""
    pk, first_name = candidate.pk, text(candidate.first_name)
    opted_out = candidate.opted_out_at
    badge = warning = ""
    if opted_out:
        badge = (
            '<span class="badge badge--opted-out" title="Opted out '
            f'{escape(strftime(opted_out, "%-d %b %Y"))}">Opted out</span>'
        )
        warning = (
            f'\n      <p class="alert alert--warning">{first_name} opted out '
            f"{relative.html(opted_out)}. Do not send them automated messages.</p>\n    "
        )
    return Markup(
        '  <div class="panel__body">\n'
        '    <div class="candidate-header__top">\n'
        "      <div>\n"
        '        <div class="candidate-header__title">\n'
        f'          <h1 id="candidate-name">{text(candidate.name)}</h1>\n'
        f"          {badge}\n"
        "        </div>\n"
        f"        {_sub_heading(candidate)}\n"
        "      </div>\n"
        '      <div class="candidate-header__actions">\n'
        '        <a class="button button--primary" href="'
        f"{url('followups:message_compose')}?candidate={pk}&amp;next="
        f'{escape(_query_value(candidate_url))}">Send a message</a>\n'
        f'        <a class="button" href="{url("candidates:candidate_edit", pk)}">'
        "Edit details</a>\n"
        "      </div>\n"
        "    </div>\n"
        f"    {warning}\n"
        '    <dl class="meta-grid">\n'
        f"{_reach(candidate, user_pk, relative)}"
        f"{_tags(candidate, tags_form, csrf_input)}"
        "    </dl>\n"
        "  </div>"
    )


def _sub_heading(candidate) -> str:
    headline, location = candidate.headline, candidate.location
    if not (headline or location):
        return ""
    between = " · " if headline and location else ""
    return (
        f'\n          <p class="page-header__sub">{text(headline)}{between}'
        f"{text(location)}</p>\n        "
    )


def _reach(candidate, user_pk, relative) -> str:
    email, phone, digits = candidate.email, candidate.phone, candidate.phone_digits
    none = '<span class="muted">None on file</span>'
    if email:
        email = text(email)
        email = f'<a href="mailto:{email}">{email}</a>'
    if digits:
        plus = "+" if phone[:1] == "+" else ""
        phone = f'<a href="tel:{plus}{text(digits)}">{text(phone)}</a>'
    elif phone:
        phone = text(phone)
    owner = "You" if candidate.owner_id == user_pk else text(candidate.owner.name)
    zone = ""
    if candidate.time_zone:
        zone = (
            "\n        <div>\n"
            "          <dt>Time zone</dt>\n"
            f"          <dd>{text(candidate.time_zone)}</dd>\n"
            "        </div>\n      "
        )
    return (
        f"{_term('Email', email or none)}"
        f"{_term('Phone', phone or none)}"
        f"{_term('Owner', owner)}"
        f"{_term('Source', text(SOURCE_LABELS.get(candidate.source, candidate.source)))}"
        f"{_term('Last contacted', relative.html(candidate.last_contacted_at, 'Never'))}"
        f"      {zone}\n"
    )


def _term(term: str, definition: str) -> str:
    return f"      <div>\n        <dt>{term}</dt>\n        <dd>{definition}</dd>\n      </div>\n"


def _tags(candidate, form, csrf_input: str) -> str:
    action = url("candidates:candidate_tags", candidate.pk)
    tags = "".join(
        f'<a class="tag" href="{url("candidates:candidate_list")}?tag='
        f'{escape(_query_value(name))}">{text(name)}</a> '
        for name in candidate.tag_list
    )
    return (
        '      <div class="meta-grid__wide">\n'
        "        <dt>Tags</dt>\n"
        "        <dd>\n"
        f"          {tags or '<span class="muted">None yet</span>'}\n"
        f'          <details class="inline-edit"{" open" if form.errors else ""}>\n'
        "            <summary>Edit tags</summary>\n"
        f'            <form method="post" action="{action}" class="inline-form"\n'
        f'                  data-hx-post="{action}" data-hx-swap="none">\n'
        f"              {csrf_input}\n"
        f"              {field_block(form['tags'])}\n"
        '              <button type="submit" class="button button--small">Save tags</button>\n'
        "            </form>\n"
        "          </details>\n"
        "        </dd>\n"
        "      </div>\n"
    )


def promise_panel(commitments, candidate, user_pk, form, csrf_input: str, relative) -> Markup:
    """`open_commitments|promise_panel(candidate, user.pk, forms.promise, csrf_input,
    relative)`: the promises still owed to the candidate, each with its Kept button, and the
    form that makes one."""
    first_name = text(candidate.first_name)
    if commitments:
        rows = "".join(
            _promise(commitment, candidate.pk, user_pk, csrf_input, relative)
            for commitment in commitments
        )
        listed = f'\n      <ul class="list">\n        {rows}\n      </ul>\n    '
    else:
        listed = (
            '\n      <div class="empty empty--compact">\n'
            '        <p class="empty__title">No open promises</p>\n'
            f"        <p>When you promise {first_name} something (“I\u2019ll call you Friday”), "
            "record it here; it stays on your Today list until it\u2019s kept.</p>\n"
            "      </div>\n    "
        )
    action = url("candidates:commitment_make", candidate.pk)
    return Markup(
        '    <div class="panel__head">\n'
        f'      <h2 id="promises-title">Promises to {first_name} <span class="count">'
        f"· {len(commitments)} open</span></h2>\n"
        "    </div>\n"
        f"    {listed}\n"
        f'    <form method="post" action="{action}" class="panel__foot action-form promise-form"\n'
        f'          data-hx-post="{action}" data-hx-swap="none">\n'
        f"      {csrf_input}\n"
        "      <h3>Make a promise</h3>\n"
        f"      {form_errors(form)}\n"
        f"      {field_block(form['description'])}\n"
        '      <div class="field-row">\n'
        f"        {field_block(form['due_date'])}\n"
        f"        {field_block(form['due_time'])}\n"
        "      </div>\n"
        '      <button type="submit" class="button button--small button--primary">'
        "Promise it</button>\n"
        "    </form>"
    )


def _promise(commitment, candidate_pk: int, user_pk, csrf_input: str, relative) -> str:
    late = commitment.is_late
    description = text(commitment.description)
    whose = (
        "Your promise"
        if commitment.recruiter_id == user_pk
        else f"{text(commitment.recruiter.name)}\u2019s promise"
    )
    requisition = commitment.requisition
    role = f" · {text(requisition.title)}" if requisition else ""
    action = url("candidates:commitment_keep", candidate_pk, commitment.pk)
    return (
        f'\n          <li class="commitment{" commitment--late" if late else ""}">\n'
        '            <div class="commitment__what">\n'
        f"              <span>{description}</span>\n"
        f'              <span class="cell-sub">{whose}{role} · '
        f"{'<span class="badge badge--late">Late</span> ' if late else ''}"
        f"due {relative.html(commitment.due_at)}</span>\n"
        "            </div>\n"
        f'            <form method="post" action="{action}"\n'
        f'                  data-hx-post="{action}" data-hx-swap="none">\n'
        f"              {csrf_input}\n"
        '              <button type="submit" class="button button--small">Kept'
        f'<span class="visually-hidden">: {description}</span></button>\n'
        "            </form>\n"
        "          </li>\n        "
    )


def task_panel(tasks, more: bool, first_name: str, user_pk, relative) -> Markup:
    """`open_tasks|task_panel(more_tasks, candidate.first_name, user.pk, relative)`: the
    recruiters' open tasks about the candidate, soonest first."""
    return _follow_up_panel(
        "tasks",
        "Open tasks",
        tasks,
        more,
        "".join(_task(task, user_pk, relative) for task in tasks),
        f"Showing the {len(tasks)} due soonest.",
        '        <p class="empty__title">No open tasks</p>\n'
        f"        <p>When {text(first_name)} goes quiet, a check-in raises a flag or a "
        "follow-up needs a person rather than an email, the recruiter\u2019s task shows here. "
        "They are worked from Today.</p>\n",
    )


def _follow_up_panel(
    name: str, title: str, shown: list, more: bool, rows: str, foot: str, empty: str
) -> Markup:
    """A panel of follow-ups: its head with how many, then the rows (and, when there are more
    than it shows, a line saying so) or what it says when there are none."""
    if shown:
        foot = f'<p class="table-foot">{foot}</p>' if more else ""
        listed = f'\n      <ul class="list">\n        {rows}\n      </ul>\n      {foot}\n    '
    else:
        listed = f'\n      <div class="empty empty--compact">\n{empty}      </div>\n    '
    return Markup(
        '    <div class="panel__head">\n'
        f'      <h2 id="{name}-title">{title} <span class="count">· '
        f"{len(shown)}{'+' if more else ''}</span></h2>\n"
        "    </div>\n"
        f"    {listed}"
    )


def _task(task, user_pk, relative) -> str:
    flag = task.is_checkin_flag
    title = text(task.task_title or task.template_name)
    who = "For you" if task.recruiter_id == user_pk else f"For {text(task.recruiter_name)}"
    role = "" if task.requisition_title is None else f" · {text(task.requisition_title)}"
    return (
        f'\n          <li class="task{" task--flag" if flag else ""}">\n'
        f"            {'<span class="badge badge--red">Check-in flag</span>' if flag else ''}\n"
        f'            <span class="task__title">{title}</span>\n'
        f'            <span class="cell-sub">{who}{role} · due {relative.html(task.due_at)}'
        "</span>\n"
        "          </li>\n        "
    )


def email_panel(emails, more: bool, candidate, user_pk, csrf_input, relative) -> Markup:
    """`emails|email_panel(more_emails, candidate, user.pk, csrf_input, relative)`: the emails
    still to go to the candidate or about them, soonest first, to whom and when; a message the
    viewer sent by hand can be taken back here until it goes."""
    first_name = text(candidate.first_name)
    return _follow_up_panel(
        "emails",
        "Emails scheduled",
        emails,
        more,
        "".join(
            _email(email, first_name, candidate.pk, user_pk, csrf_input, relative)
            for email in emails
        ),
        f"Showing the {len(emails)} going soonest.",
        '        <p class="empty__title">No emails waiting to go</p>\n'
        "        <p>Status updates, expectation resets and check-ins show here with when "
        "they will go. Moving a stage or sending a message schedules them.</p>\n",
    )


def _goes(due_at: datetime.datetime, relative) -> str:
    # "Goes just now" read as a promise a minute late, while a message waits for the next run;
    # the confirmations say it so (hiring_leaders.wording), by the same measure.
    if due_at - relative.now <= RIGHT_AWAY:
        return "within a couple of minutes"
    return relative.html(due_at)


def _email(email, first_name: str, candidate_pk, user_pk, csrf_input, relative) -> str:
    if email.audience == "hiring_leader":
        to = f"{text(email.leader_name or 'the hiring leader')} (hiring leader)"
    else:
        to = first_name
    sender = f", sent by {text(email.recruiter_name)}" if email.is_one_off else ""
    role = "" if email.requisition_title is None else f" · {text(email.requisition_title)}"
    name = text(email.template_name)
    take_back = ""
    if email.is_one_off and email.recruiter_id == user_pk:
        action = url("candidates:message_take_back", candidate_pk, email.pk)
        take_back = (
            f'            <form method="post" action="{action}"\n'
            f'                  data-hx-post="{action}" data-hx-swap="none">\n'
            f"              {csrf_input}\n"
            '              <button type="submit" class="button button--small">Take back'
            f'<span class="visually-hidden">: {name}</span></button>\n'
            "            </form>\n"
        )
    return (
        '\n          <li class="task">\n'
        f'            <span class="task__title">{name}</span>\n'
        f'            <span class="cell-sub">to {to}{sender}{role} · '
        f"goes {_goes(email.due_at, relative)}</span>\n"
        f"{take_back}"
        "          </li>\n        "
    )
