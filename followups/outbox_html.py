"""The outbox's rows, written in Python (the outbox_rows filter), as Today's and the candidate
page's rows are: the template's macro looked up, tested and escaped every value of fifty rows
one by one, two thirds of the page's rendering. What people typed (names, addresses, a
template's or cadence's name, an error, a note, why a retry is refused, the page's address) is
escaped once each; labels and moments are the code's own. The bytes are the macro's own;
tests/followups/test_outbox_html.py renders both.
"""

from __future__ import annotations

from markupsafe import Markup

from followups.outbox_rows import OutboxRow
from recruitcrm.jinja2 import text, url


def outbox_rows(rows: list[OutboxRow], csrf_input: str, back: str, relative) -> Markup:
    """`rows|outbox_rows(csrf_input, back, relative)`: the outbox's table rows, one after
    another, each with its Retry or Cancel form posting back to `back` (the page's address)."""
    back = text(back)
    return Markup("".join(_row(row, csrf_input, back, relative) for row in rows))


def _row(row: OutboxRow, csrf_input: str, back: str, relative) -> str:
    sent = ""
    if row.sent_at:
        sent = f'<span class="cell-sub">sent {relative.html(row.sent_at)}</span>'
    return (
        f'<tr id="followup-{row.pk}">\n'
        '  <td class="nowrap" data-label="Due">\n'
        f"    {relative.html(row.due_at)}\n"
        f"    {sent}\n"
        "  </td>\n"
        f'  <td data-label="State"><span class="badge badge--state-{row.state}">'
        f"{row.state_label}</span></td>\n"
        f'  <td data-label="Channel">{"Email" if row.channel == "email" else "Task"}</td>\n'
        '  <td data-label="To">\n'
        f"    {_to(row)}\n"
        "  </td>\n"
        '  <td data-label="Message or task" class="outbox__what">\n'
        f"    {_what(row)}\n"
        "  </td>\n"
        f'  <td data-label="Attempts" class="num">{row.attempts}</td>\n'
        '  <td class="row-actions">\n'
        f"    {_actions(row, csrf_input, back)}\n"
        "  </td>\n"
        "</tr>"
    )


def _to(row: OutboxRow) -> str:
    person = row.person
    if person:
        return (
            f"\n      {text(person.name)}\n"
            f'      <span class="cell-sub">{row.audience_label} · '
            f"{text(person.email or 'no email')}</span>\n    "
        )
    about = f" · about {text(row.about_name)}" if row.about_name else ""
    return (
        f"\n      {text(row.recruiter_name)}\n"
        f'      <span class="cell-sub">Recruiter{about}</span>\n    '
    )


def _what(row: OutboxRow) -> str:
    cadence = f'<span class="cell-sub">{text(row.cadence)}</span>' if row.cadence else ""
    error = ""
    if row.state == "failed" and row.last_error:
        error = (
            '\n      <span class="outbox__error"><strong>Error:</strong> '
            f"{text(_truncated(row.last_error, 300))}</span>\n    "
        )
    elif row.last_error and row.state == "scheduled":
        error = (
            '\n      <span class="cell-sub">Last attempt failed: '
            f"{text(_truncated(row.last_error, 160))}</span>\n    "
        )
    note = ""
    if row.note and row.state != "failed":
        note = f'<span class="cell-sub">{text(row.note)}</span>'
    return f"{text(row.what)}\n    {cadence}\n    {error}\n    {note}"


def _truncated(said: str, length: int) -> str:
    # As Jinja's truncate(length, True, "…", 0) cuts it: the ellipsis counts towards the length.
    return said if len(said) <= length else f"{said[: length - 1]}…"


def _actions(row: OutboxRow, csrf_input: str, back: str) -> str:
    if row.retryable and row.retry_refusal:
        return (
            '\n      <span class="cell-sub row-actions__why">Can\u2019t retry: '
            f"{text(row.retry_refusal)}</span>\n    "
        )
    if row.retryable:
        action, verb, cls = "followups:followup_retry", "Retry", " button--primary"
        hidden = f"email to {text(row.person.name)}"
    elif row.state == "scheduled":
        action, verb, cls = "followups:followup_cancel", "Cancel", ""
        if row.channel == "email":
            hidden = f"email to {text(row.person.name)}"
        else:
            hidden = f"task for {text(row.recruiter_name)}"
    else:
        return ""
    action = url(action, row.pk)
    return (
        f'\n      <form method="post" action="{action}"\n'
        f'            data-hx-post="{action}" data-hx-target="#followup-{row.pk}" '
        'data-hx-swap="outerHTML">\n'
        f'        {csrf_input}<input type="hidden" name="next" value="{back}">\n'
        f'        <button type="submit" class="button button--small{cls}" '
        f'id="{verb.lower()}-{row.pk}">{verb}<span class="visually-hidden"> {hidden}</span>'
        "</button>\n"
        "      </form>\n    "
    )
