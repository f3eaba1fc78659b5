"""`{{ when|ago }}`: "3 days ago", "in 2 hours", "just now" — one unit, as people say it.

Django's naturaltime says "3 days, 1 hour ago"; in a dense list the second unit is noise and
the exact time is one hover away. `{{ when|html_datetime }}` is the same moment for a
<time datetime> attribute.
"""

from __future__ import annotations

import bisect
import datetime

from django import template
from django.utils import timezone

register = template.Library()

# The units a span is said in, smallest first, and their sizes in seconds.
UNIT_NAMES = ("minute", "hour", "day", "week", "month", "year")
UNIT_SIZES = (60, 3600, 86400, 7 * 86400, 30 * 86400, 365 * 86400)


@register.filter
def ago(value: datetime.datetime | None, now: datetime.datetime | None = None) -> str:
    if value is None:
        return ""
    now = now or timezone.now()
    seconds = (now - value).total_seconds()
    span = abs(seconds)
    # The largest unit the span reaches, found by bisection: a page says this dozens of times.
    place = bisect.bisect_right(UNIT_SIZES, span) - 1
    if place < 0:
        return "just now"
    count = int(span // UNIT_SIZES[place])
    unit = UNIT_NAMES[place]
    phrase = f"{count} {unit}" if count == 1 else f"{count} {unit}s"
    return f"{phrase} ago" if seconds > 0 else f"in {phrase}"


@register.filter
def html_datetime(value: datetime.datetime) -> str:
    """ISO 8601 in the current time zone with milliseconds at most, as HTML's <time> allows
    (Django's `date:"c"` writes microseconds, which the HTML checker rejects)."""
    return timezone.localtime(value).isoformat(timespec="milliseconds")
