"""`{{ when|ago }}`: "3 days ago", "in 2 hours", "just now" — one unit, as people say it.

Django's naturaltime says "3 days, 1 hour ago"; in a dense list the second unit is noise and
the exact time is one hover away. `{{ when|html_datetime }}` is the same moment for a
<time datetime> attribute.
"""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone

register = template.Library()

UNITS = (
    ("year", 365 * 86400),
    ("month", 30 * 86400),
    ("week", 7 * 86400),
    ("day", 86400),
    ("hour", 3600),
    ("minute", 60),
)


@register.filter
def ago(value: datetime.datetime | None, now: datetime.datetime | None = None) -> str:
    if value is None:
        return ""
    now = now or timezone.now()
    seconds = (now - value).total_seconds()
    span = abs(seconds)
    # A list says this twice a row: the span is compared with each unit, and divided only once.
    for unit, size in UNITS:
        if span >= size:
            # What is ahead is said to the nearest unit: an email due in 47 hours goes "in 2
            # days", not "in 1 day"; what is past counts whole units, as "1 day ago" does.
            count = int(span // size) if seconds > 0 else int((span + size / 2) // size)
            phrase = f"{count} {unit}" if count == 1 else f"{count} {unit}s"
            return f"{phrase} ago" if seconds > 0 else f"in {phrase}"
    return "just now"


@register.filter
def html_datetime(value: datetime.datetime) -> str:
    """ISO 8601 in the current time zone with milliseconds at most, as HTML's <time> allows
    (Django's `date:"c"` writes microseconds, which the HTML checker rejects)."""
    return timezone.localtime(value).isoformat(timespec="milliseconds")
