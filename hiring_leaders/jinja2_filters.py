"""Filters the recruiters' requisition pages use in Jinja2 (registered by recruitcrm.jinja2):
what Django's humanize and built-in filters gave their Django templates."""

from __future__ import annotations

import datetime
import functools

from django import forms
from django.utils import timezone
from markupsafe import Markup, escape

from candidates.form_html import control

_NEAR_DAYS = {-1: "yesterday", 0: "today", 1: "tomorrow"}


def naturalday(
    value: datetime.date | datetime.datetime | None,
    pattern: str = "%-d %b %Y",
    today: datetime.date | None = None,
) -> str:
    """ "today", "yesterday", "tomorrow", else the day in `pattern`, as humanize's naturalday.
    A page that writes many days passes `today` once rather than have each one look it up."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    near = _NEAR_DAYS.get((value - (today or timezone.localdate())).days)
    return near or _day(value, pattern)


@functools.lru_cache(maxsize=1024)
def _day(value: datetime.date, pattern: str) -> str:
    # A board's seventy cards were moved on a handful of days: strftime once for each.
    return value.strftime(pattern)


def capfirst(value: str) -> str:
    return value[:1].upper() + value[1:]


def linebreaksbr(value: str) -> Markup:
    """Each line of the text on its own line, everything escaped."""
    lines = str(value).replace("\r\n", "\n").split("\n")
    return Markup("<br>").join(escape(line) for line in lines)


def truncatechars(value: str, length: int) -> str:
    """At most `length` characters, the last an ellipsis when cut, as Django's filter."""
    value = str(value)
    return value if len(value) <= length else value[: length - 1] + "…"


def form_field(bound: forms.BoundField) -> Markup:
    """A form field as the intake pages lay it out: its label ("(optional)" when it may be left
    blank), its control, its help and its errors, the help and errors named by their ids as the
    control's aria-describedby says. Written here, not as a template macro: the intake page
    writes twenty of these a visit, and a macro call with its eight lookups and escapes cost
    more than the control itself."""
    name = bound.auto_id
    optional = "" if bound.field.required else ' <span class="field__optional">(optional)</span>'
    help_text = (
        f'<p class="field__help" id="{escape(name)}_helptext">{escape(bound.help_text)}</p>'
        if bound.help_text
        else ""
    )
    errors = bound.errors
    listed = (
        f'<ul class="errorlist" id="{escape(name)}_error">'
        + "".join(f"<li>{escape(error)}</li>" for error in errors)
        + "</ul>"
        if errors
        else ""
    )
    return Markup(
        f'<div class="field field--{escape(bound.name)}">\n'
        f'    <label for="{escape(bound.id_for_label)}">{escape(bound.label)}{optional}</label>\n'
        f"    {control(bound)}\n"
        f"    {help_text}\n"
        f"    {listed}\n"
        f"  </div>"
    )


FILTERS = {
    "form_field": form_field,
    "naturalday": naturalday,
    "capfirst": capfirst,
    "linebreaksbr": linebreaksbr,
    "truncatechars": truncatechars,
}
