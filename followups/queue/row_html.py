"""The rows of "Today" and of a section's "show all" page, written by string formatting rather
than Jinja2 macros: a page of thirty rows made a macro call per row and three more for the parts
every row repeats (its Done form, its snooze menu, its talk links), with some twenty context
lookups and thirty escapes a row, for markup that differs from row to row only by a few names,
an address and an id. What people typed is escaped once each here.

Each form still posts on its own, with htmx and without: the CSRF field (the page's, worked out
once by recruitcrm.context_processors.csrf_once) and the row filter, which is left out when it
is empty (the views read a missing `who` as all rows).
"""

from __future__ import annotations

import functools

from markupsafe import Markup, escape

from followups.composing import task_words
from recruitcrm.jinja2 import Relative, pluralize, strftime, text, url

# Stand-ins for what differs from row to row in the parts every row of a section repeats (its
# Done, its snooze menu, a flag's review form): RowWriter writes each part once per section
# with these, and each row's copy puts in the row's address and id, where writing it afresh
# escaped and wrapped a dozen constants a row. Neither is changed by escaping, and what goes in
# their place needs none: addresses reversed from ids, row ids made of a word and an id.
_ADDRESS = "\x00address\x00"
_ROW_ID = "\x00row\x00"
_ID = 987_654_321_000


@functools.cache
def _address(name: str, *before: str) -> str:
    """The address of `name` (after the words `before`) for one object, "{}" where its id goes:
    worked out once per process, as every row asks for the same few with its own id."""
    return url(name, *before, _ID).replace("{", "{{").replace("}", "}}").replace(str(_ID), "{}")


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


def talk_links(row, row_id: str, keeps: int | None = None) -> Markup:
    """Log a call, an email, a note; make a promise; send a message: each opens under the row
    over htmx (into the row's form holder), or as a page of its own without."""
    return Markup(_talk_links(row, escape(row_id), keeps=keeps))


@functools.cache
def _talk_addresses() -> tuple[str, str, str]:
    return (
        url("followups:today_log"),
        url("followups:today_promise"),
        url("followups:message_compose"),
    )


def _talk_links(row, row_id: str, keeps: int | None = None) -> str:
    """talk_links for a row id that needs no escaping; `keeps`: the promise a contact logged
    from the row may keep (a promise's own row)."""
    # A promise has no application: what the template engine read as undefined reads as None.
    candidate_id, requisition_id = row.candidate_id, getattr(row, "requisition_id", None)
    application_id = getattr(row, "application_id", None)
    about = f"candidate={candidate_id}" if candidate_id else f"hiring_leader={row.hiring_leader_id}"
    role = f"&amp;requisition={requisition_id}" if requisition_id else ""
    log_address, promise_address, compose_address = _talk_addresses()
    log = f"{log_address}?{about}{role}{f'&amp;keeps={keeps}' if keeps else ''}"
    promise = f"{promise_address}?{about}{role}"
    compose_about = f"&amp;application={application_id}" if application_id else role
    compose = f"{compose_address}?{about}{compose_about}&amp;next=/"
    link = '<a class="button button--small" data-key="'
    return (
        f'<div class="queue-row__talk" data-hx-target="#{row_id}-form" data-hx-swap="innerHTML">'
        f'{link}c" href="{log}&amp;kind=call" data-hx-get="{log}&amp;kind=call">Call</a>'
        f'{link}e" href="{log}&amp;kind=email" data-hx-get="{log}&amp;kind=email">Email</a>'
        f'{link}n" href="{log}&amp;kind=note" data-hx-get="{log}&amp;kind=note">Note</a>'
        f'{link}p" href="{promise}" data-hx-get="{promise}">Promise</a>'
        f'{link}m" href="{compose}">Message…</a></div>'
        f'<div class="queue-row__form" id="{row_id}-form"></div>'
    )


def review_form(
    checkin_id: str, row_id: str, csrf_input: str, who: str, themes, next: str = ""
) -> Markup:
    """A flagged check-in is reviewed by saying what the concern is about: one click tags it and
    takes the flag out of the queue. With `next` (the candidate page) it posts without htmx and
    comes back there."""
    action = url("followups:today_checkin_review", int(checkin_id))
    return Markup(_review_form(action, row_id, csrf_input, who, themes, next))


def _review_form(action: str, row_id: str, csrf_input: str, who: str, themes, next: str) -> str:
    action, row_id = escape(action), escape(row_id)
    htmx = (
        "" if next else f' data-hx-post="{action}" data-hx-target="#queue" data-hx-swap="outerHTML"'
    )
    back = f'<input type="hidden" name="next" value="{escape(next)}">' if next else ""
    buttons = "".join(
        f'\n  <button type="submit" name="theme" value="{escape(value)}"'
        f' class="button button--small">{escape(label)}</button>'
        for value, label in themes
    )
    return (
        f'<form method="post" action="{action}" class="review"{htmx}'
        f' aria-labelledby="{row_id}-review">\n'
        f'  {csrf_input}<input type="hidden" name="who" value="{escape(who)}">{back}\n'
        f'  <span class="review__label" id="{row_id}-review">Review: the concern is about</span>'
        f"{buttons}\n</form>"
    )


def _candidate_who(candidate_id: int, name: str) -> str:
    """A candidate a row is about, linked to their page."""
    href = _address("candidates:candidate_detail").format(candidate_id)
    return f'<a class="queue-row__who" href="{href}">{text(name)}</a>'


def _leader_who(leader_id: int, name: str, about: str) -> str:
    """A hiring leader a row is about, linked to their page, then `about` (HTML)."""
    href = _address("clients:hiringleader_detail").format(leader_id)
    return (
        f'<a class="queue-row__who" href="{href}">{text(name)}</a>'
        f' <span class="muted">{about}</span>'
    )


class RowWriter:
    """Writes the rows of one section of Today (or of its "show all" page), one method per kind
    of row, where a Jinja2 macro per row made some twenty lookups and escapes through the
    template's context (a page of thirty rows: two thirds of its render). What people typed
    (names, promises, titles) is escaped once each; the parts every row repeats are written
    once per section (_ADDRESS, _ROW_ID); `relative` is the page's own."""

    def __init__(
        self, section_key: str, who: str, csrf_input: str, relative: Relative, themes
    ) -> None:
        self.section_key, self.who, self.csrf_input = section_key, who, csrf_input
        # Each moment as a plain str (.html): wrapping every one in a Markup only for the row
        # to be joined into one was a tenth of the rows' time.
        self.relative, self.themes = relative.html, themes
        self.now = relative.now
        self._buttons: dict[tuple[str, str, str], str] = {}

    def write(self, rows) -> Markup:
        kind = self._KINDS.get(self.section_key, RowWriter.task_row)
        return Markup("".join([kind(self, row) for row in rows]))

    @staticmethod
    def _company(row) -> str:
        return f"hiring leader, {text(row.company_name)}"

    @staticmethod
    def _row_who(row) -> str:
        """A promise's or a follow-up's person: the candidate, else the hiring leader."""
        if row.candidate_id:
            return _candidate_who(row.candidate_id, row.candidate_name)
        if row.hiring_leader_id:
            return _leader_who(row.hiring_leader_id, row.leader_name, "hiring leader")
        return ""

    @functools.cached_property
    def _snooze_menu(self) -> str:
        return str(snooze_menu(_ADDRESS, _ROW_ID, self.csrf_input, self.who))

    def _snooze(self, action: str, row_id: str) -> str:
        return self._snooze_menu.replace(_ADDRESS, action).replace(_ROW_ID, row_id)

    def _button(self, action: str, label: str, key: str, title: str = "") -> str:
        shape = (label, key, title)
        button = self._buttons.get(shape)
        if button is None:
            button = str(post_button(_ADDRESS, self.csrf_input, self.who, label, key, title))
            self._buttons[shape] = button
        return button.replace(_ADDRESS, action)

    @staticmethod
    def _task_done(pk: int) -> str:
        return _address("followups:today_task_done").format(pk)

    @functools.cached_property
    def _review_form(self) -> str:
        return _review_form(_ADDRESS, _ROW_ID, self.csrf_input, self.who, self.themes, "")

    def _review(self, checkin_id: str, row_id: str) -> str:
        action = _address("followups:today_checkin_review").format(int(checkin_id))
        return self._review_form.replace(_ADDRESS, action).replace(_ROW_ID, row_id)

    def promise_row(self, row) -> str:
        row_id = row.row_id
        role = (
            f' <span class="muted">· {text(row.requisition_title)}</span>'
            if row.requisition_id
            else ""
        )
        if self.section_key == "overdue":
            due = f'<span class="badge badge--late">Late</span> due {self.relative(row.due_at)}'
        else:
            due = (
                f'<span class="badge badge--amber">Today</span> due {strftime(row.due_at, "%H:%M")}'
            )
        kept = self._button(_address("followups:today_promise_kept").format(row.pk), "Kept", "d")
        snooze = self._snooze(
            _address("followups:today_row_snooze", "commitment").format(row.pk), row_id
        )
        return (
            f'<li class="queue-row" id="{row_id}" tabindex="-1" data-row>\n'
            '  <div class="queue-row__main">\n'
            f"    {self._row_who(row)}\n"
            f'    <p class="queue-row__what">You promised: <strong>{text(row.description)}'
            f"</strong>{role}</p>\n"
            f'    <p class="queue-row__why">{due}</p>\n'
            "  </div>\n"
            '  <div class="queue-row__actions">\n'
            f"    {kept}\n"
            f"    {snooze}\n"
            "  </div>\n"
            f"  {_talk_links(row, row_id, keeps=row.pk)}\n"
            "</li>"
        )

    def _task_why(self, row) -> str:
        key, relative = self.section_key, self.relative
        if key == "quiet":
            return self._quiet_why(row)
        if key == "flags":
            return f'<span class="badge badge--red">Flag</span> raised {relative(row.created_at)}'
        if key == "from_leaders":
            if row.key.startswith("feedback-wait:"):
                return (
                    '<span class="badge badge--amber">Waiting on the leader</span> overdue since '
                    f"{relative(row.due_at)}"
                )
            return f'<span class="badge badge--blue">From the leader</span> {relative(row.due_at)}'
        if key == "failed":
            return (
                f'<span class="badge badge--red">Not sent</span> {relative(row.created_at)}:'
                " reach them another way"
            )
        cadence = f" · from “{text(row.cadence_name)}”" if row.cadence_name is not None else ""
        return f'<span class="badge badge--blue">Task</span> due {relative(row.due_at)}{cadence}'

    def _quiet_why(self, row) -> str:
        if row.automatic_note_at:
            then = (
                "An automatic “where things stand” note goes "
                f"{self.relative(row.automatic_note_at)} unless you get in touch first."
            )
        elif row.candidate_opted_out_at is not None:
            then = "They opted out of email: no automatic note will go, so get in touch yourself."
        elif not row.candidate_email:
            then = "There is no email address for them: call, or add one."
        elif row.about.stage == "sourced":
            then = (
                "Still at “sourced” for this role, so no automatic note: the first word is yours."
            )
        else:
            then = "No automatic note is waiting: get in touch yourself."
        return (
            f'<span class="badge badge--amber">Quiet</span> no contact for {self._silence(row)}.'
            f"\n{then}"
        )

    def _silence(self, row) -> str:
        """The days since anyone heard from the candidate, as of now. The reminder's own count
        is to the day its note goes, up to two days ahead: shown early, it overstated the
        silence. A row read without its silence falls back to that count."""
        if row.silent_since is None:
            return f"{escape(row.facts.get('quiet_days', 'several'))} days"
        days = (self.now - row.silent_since).days
        return f"{days} day{pluralize(days)}"

    def task_row(self, row) -> str:
        row_id = row.row_id
        role = (
            f' <span class="muted">· {text(row.requisition_title)}</span>'
            if row.requisition_id and self.section_key != "quiet"
            else ""
        )
        checkin_id = row.key[13:] if self.section_key == "flags" else ""
        review = checkin_id.isdigit()
        done = "" if review else f"\n      {self._button(self._task_done(row.pk), 'Done', 'd')}"
        snooze = self._snooze(_address("followups:today_task_snooze").format(row.pk), row_id)
        form = f"\n  {self._review(checkin_id, row_id)}" if review else ""
        talk = _talk_links(row, row_id) if row.candidate_id or row.hiring_leader_id else ""
        return (
            f'<li class="queue-row" id="{row_id}" tabindex="-1" data-row>\n'
            '  <div class="queue-row__main">\n'
            f"    {self._row_who(row)}\n"
            f'    <p class="queue-row__what">{text(task_words(row.about))}{role}</p>\n'
            f'    <p class="queue-row__why">{self._task_why(row)}</p>\n'
            "  </div>\n"
            f'  <div class="queue-row__actions">{done}\n'
            f"    {snooze}\n"
            f"  </div>{form}\n"
            f"  {talk}\n"
            "</li>"
        )

    def leader_row(self, row) -> str:
        row_id = row.row_id
        about = f"?hiring_leader={row.hiring_leader_id}&amp;requisition={row.pk}"
        log_address, promise_address, compose_address = _talk_addresses()
        log = f"{log_address}{about}"
        promise = f"{promise_address}{about}"
        compose = f"{compose_address}{about}&amp;next=/"
        if row.next_update_at:
            weekly = f" · the weekly update goes {self.relative(row.next_update_at)}"
        else:
            weekly = " · no automatic update is scheduled"
        snooze = self._snooze(
            _address("followups:today_row_snooze", "requisition").format(row.pk), row_id
        )
        return (
            f'<li class="queue-row" id="{row_id}" tabindex="-1" data-row>\n'
            '  <div class="queue-row__main">\n'
            f"    {_leader_who(row.hiring_leader_id, row.leader_name, self._company(row))}\n"
            f'    <p class="queue-row__what">Owed an update on <strong>{text(row.title)}'
            "</strong></p>\n"
            '    <p class="queue-row__why"><span class="badge badge--amber">Owed</span>'
            f" last heard from you {self.relative(row.last_contacted_at, 'never')}{weekly}</p>\n"
            "  </div>\n"
            '  <div class="queue-row__actions">\n'
            f"    {snooze}\n"
            "  </div>\n"
            f'  <div class="queue-row__talk" data-hx-target="#{row_id}-form"'
            ' data-hx-swap="innerHTML">\n'
            f'    <a class="button button--small" data-key="c" href="{log}&amp;kind=call"'
            f' data-hx-get="{log}&amp;kind=call">Call</a>\n'
            f'    <a class="button button--small" data-key="e" href="{log}&amp;kind=email"'
            f' data-hx-get="{log}&amp;kind=email">Email</a>\n'
            f'    <a class="button button--small" data-key="p" href="{promise}"'
            f' data-hx-get="{promise}">Promise</a>\n'
            f'    <a class="button button--small button--primary" data-key="m" href="{compose}">'
            "Send an update…</a>\n"
            "  </div>\n"
            f'  <div class="queue-row__form" id="{row_id}-form"></div>\n'
            "</li>"
        )

    def bad_news_row(self, row) -> str:
        row_id = row.row_id
        role = f": <strong>{text(row.requisition_title)}</strong>" if row.requisition_id else ""
        if row.channel == "email":
            why = (
                f'<span class="badge badge--purple">Waiting</span> “{escape(row.template_name)}”'
                f" goes {self.relative(row.due_at)}. Would you rather tell them yourself?"
            )
            button = self._button(
                _address("followups:today_bad_news_told").format(row.pk),
                "Told them myself",
                "t",
                "Logs your call and cancels the automatic message",
            )
        else:
            why = f'<span class="badge badge--red">Yours to tell</span> {escape(row.task_title)}'
            button = self._button(self._task_done(row.pk), "Done", "d")
        trigger = text(row.trigger_display)
        return (
            f'<li class="queue-row" id="{row_id}" tabindex="-1" data-row>\n'
            '  <div class="queue-row__main">\n'
            f"    {self._row_who(row)}\n"
            f'    <p class="queue-row__what">{trigger}{role}</p>\n'
            f'    <p class="queue-row__why">{why}</p>\n'
            "  </div>\n"
            '  <div class="queue-row__actions">\n'
            f"      {button}\n"
            "  </div>\n"
            f"  {_talk_links(row, row_id)}\n"
            "</li>"
        )

    def overrun_row(self, row) -> str:
        """An open role past the time-to-fill range its leader was given: send the leader's reset
        (compose, prefilled), or dismiss."""
        row_id = row.row_id
        template = f"&amp;template={row.reset_template_id}" if row.reset_template_id else ""
        compose = (
            f"{_talk_addresses()[2]}?hiring_leader={row.hiring_leader_id}"
            f"&amp;requisition={row.pk}{template}&amp;next=/"
        )
        dismiss = _address("clients:forecast_overrun_dismiss").format(row.forecast_id)
        intake = _address("clients:requisition_intake").format(row.pk)
        days_over = row.days_over
        return (
            f'<li class="queue-row" id="{row_id}" tabindex="-1" data-row>\n'
            '  <div class="queue-row__main">\n'
            f"    {_leader_who(row.hiring_leader_id, row.leader_name, self._company(row))}\n"
            f'    <p class="queue-row__what"><a href="{intake}'
            f'#forecast"><strong>{text(row.title)}</strong> is past its forecast</a></p>\n'
            f'    <p class="queue-row__why"><span class="badge badge--red">{days_over}'
            f" day{pluralize(days_over)} over</span> Open {row.days_open} days against a"
            f" forecast of {row.low_days}\N{EN DASH}{row.high_days}."
            f" Tell {text(row.leader_first_name)} before they ask.</p>\n"
            "  </div>\n"
            '  <div class="queue-row__actions">\n'
            '    <a class="button button--small button--primary" data-key="m"'
            f' href="{compose}">Send the reset…</a>\n'
            f'    <form method="post" action="{dismiss}" data-hx-post="{dismiss}">\n'
            f'      {self.csrf_input}<input type="hidden" name="who" value="{escape(self.who)}">\n'
            '      <button type="submit" class="button button--small" data-key="d"'
            ' title="Takes the prompt out of Today without sending anything">Dismiss</button>\n'
            "    </form>\n"
            "  </div>\n"
            "</li>"
        )

    _KINDS = {
        "overdue": promise_row,
        "due_today": promise_row,
        "leaders": leader_row,
        "overrun": overrun_row,
        "bad_news": bad_news_row,
    }


def queue_rows(section, who: str, csrf_input: str, relative: Relative, themes) -> Markup:
    """`section|queue_rows(who, csrf_input, relative, concern_themes)`: a section's rows."""
    return RowWriter(section.key, who, csrf_input, relative, themes).write(section.rows)
