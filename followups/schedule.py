"""When a touch lands: the recipient's local time, on a business day.

Pure functions of their arguments (and the clock), so the policy is easy to read and to test.
"""

from __future__ import annotations

import datetime
import random
import zoneinfo

from django.conf import settings

# Saturday and Sunday: nobody wants a "how's it going?" email on the weekend.
WEEKEND = (5, 6)


def zone(name: str | None) -> zoneinfo.ZoneInfo:
    """The named zone, or the site's when a person has none (or a name we cannot read)."""
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def business_day_on_or_after(day: datetime.date) -> datetime.date:
    while day.weekday() in WEEKEND:
        day += datetime.timedelta(days=1)
    return day


def local_send_time(
    *, day: datetime.date, at: datetime.time, tz: zoneinfo.ZoneInfo
) -> datetime.datetime:
    """`at` o'clock on `day` (or the next business day) in the recipient's zone."""
    day = business_day_on_or_after(day)
    # fold=0 picks the first of a repeated hour; a time skipped by DST lands just after the gap
    # once converted to UTC, which is what a person would expect of "9:00".
    naive = datetime.datetime.combine(day, at)
    return naive.replace(tzinfo=tz).astimezone(datetime.UTC).astimezone(tz)


def step_due_at(
    *,
    anchor: datetime.datetime | datetime.date,
    offset_days: int,
    send_time: datetime.time | None,
    tz: zoneinfo.ZoneInfo,
    now: datetime.datetime,
) -> datetime.datetime:
    """When a step fires, counted from its trigger's moment (the anchor).

    With no send time the step fires `offset_days` after the anchor (now, for offset 0). With a
    send time it lands at that local time on the anchor's local day plus the offset, moved to a
    business day; a slot already past today moves to the next business day.
    """
    if send_time is None:
        if isinstance(anchor, datetime.datetime):
            return max(anchor + datetime.timedelta(days=offset_days), now)
        anchor = datetime.datetime.combine(anchor, datetime.time(9, 0)).replace(tzinfo=tz)
        return max(anchor + datetime.timedelta(days=offset_days), now)
    anchor_day = anchor.astimezone(tz).date() if isinstance(anchor, datetime.datetime) else anchor
    due = local_send_time(
        day=anchor_day + datetime.timedelta(days=offset_days), at=send_time, tz=tz
    )
    if due < now and due.date() >= now.astimezone(tz).date():
        due = local_send_time(
            day=now.astimezone(tz).date() + datetime.timedelta(days=1), at=send_time, tz=tz
        )
    return due


def next_weekday(
    *, weekday: int, at: datetime.time, tz: zoneinfo.ZoneInfo, now: datetime.datetime
) -> datetime.datetime:
    """The next `weekday` at `at` local time that is still ahead of now."""
    today = now.astimezone(tz).date()
    day = today + datetime.timedelta(days=(weekday - today.weekday()) % 7)
    due = datetime.datetime.combine(day, at).replace(tzinfo=tz)
    if due <= now:
        due = datetime.datetime.combine(day + datetime.timedelta(days=7), at).replace(tzinfo=tz)
    return due


def retry_delay(*, attempts: int, rng: random.Random | None = None) -> datetime.timedelta:
    """Exponential back-off with jitter: 5, 10, 20 … minutes, capped, each ±20%.

    Jitter spreads a burst of failures so a recovering SMTP server is not hit by all of them in
    the same second.
    """
    base = settings.FOLLOWUP_RETRY_BASE_SECONDS
    cap = settings.FOLLOWUP_RETRY_MAX_SECONDS
    seconds = min(cap, base * 2 ** max(attempts - 1, 0))
    jitter = (rng or random).uniform(0.8, 1.2)
    return datetime.timedelta(seconds=seconds * jitter)
