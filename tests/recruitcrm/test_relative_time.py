import datetime
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from recruitcrm.jinja2 import Relative, relative
from recruitcrm.templatetags.relative_time import ago

NOW = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("delta", "said"),
    [
        (datetime.timedelta(seconds=20), "just now"),
        (datetime.timedelta(minutes=1), "1 minute ago"),
        (datetime.timedelta(hours=5, minutes=59), "5 hours ago"),
        (datetime.timedelta(days=3, hours=1), "3 days ago"),
        (datetime.timedelta(days=15), "2 weeks ago"),
        (datetime.timedelta(days=400), "1 year ago"),
        (-datetime.timedelta(days=2, hours=3), "in 2 days"),
        # Each unit from its first second on, and the second before it.
        (datetime.timedelta(seconds=59.999), "just now"),
        (datetime.timedelta(seconds=60), "1 minute ago"),
        (datetime.timedelta(seconds=3599), "59 minutes ago"),
        (datetime.timedelta(hours=1), "1 hour ago"),
        (datetime.timedelta(days=1), "1 day ago"),
        (datetime.timedelta(days=7) - datetime.timedelta(seconds=1), "6 days ago"),
        (datetime.timedelta(days=7), "1 week ago"),
        (datetime.timedelta(days=30), "1 month ago"),
        (datetime.timedelta(days=365), "1 year ago"),
        (datetime.timedelta(days=365 * 3), "3 years ago"),
        (-datetime.timedelta(seconds=30), "just now"),
        (-datetime.timedelta(hours=1), "in 1 hour"),
        # What is ahead goes to the nearest unit: due in 47 hours is "in 2 days".
        (-datetime.timedelta(hours=47), "in 2 days"),
        (-datetime.timedelta(hours=35, minutes=59), "in 1 day"),
        (-datetime.timedelta(hours=36), "in 2 days"),
        (-datetime.timedelta(days=6, hours=13), "in 7 days"),
        (datetime.timedelta(hours=47), "1 day ago"),
    ],
)
def test_one_unit_as_people_say_it(delta, said):
    assert ago(NOW - delta, NOW) == said


def test_nothing_for_no_time():
    assert ago(None) == ""


# ---------- the Jinja2 pages' relative() ----------


@pytest.mark.parametrize(
    ("zone", "moment", "exact"),
    [
        ("UTC", datetime.datetime(2026, 3, 9, 7, 5, 4, 123456), "Mon 9 Mar 2026, 07:05 UTC"),
        # The zone's own abbreviation, summer and winter.
        ("Europe/London", datetime.datetime(2026, 7, 1, 12, 0), "Wed 1 Jul 2026, 13:00 BST"),
        ("Europe/London", datetime.datetime(2026, 12, 31, 23, 59), "Thu 31 Dec 2026, 23:59 GMT"),
    ],
)
def test_relative_writes_the_moment_in_the_current_zone_with_the_exact_time_on_hover(
    zone, moment, exact
):
    moment = moment.replace(tzinfo=datetime.UTC)
    local = moment.astimezone(zoneinfo.ZoneInfo(zone))
    with (
        time_machine.travel(moment + datetime.timedelta(days=3), tick=False),
        timezone.override(zone),
    ):
        written = relative(moment)

    assert written == (
        f'<time datetime="{local.isoformat(timespec="milliseconds")}" '
        f'title="{exact}">3 days ago</time>'
    )
    assert exact == local.strftime("%a %-d %b %Y, %H:%M %Z")


def test_a_page_reads_the_zone_and_now_once_for_all_its_moments():
    start = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        with timezone.override("Asia/Tokyo"):
            page = Relative()
        clock.shift(datetime.timedelta(hours=2))

        written = page(start - datetime.timedelta(minutes=5))

    assert ">5 minutes ago</time>" in written
    assert "+09:00" in written


def test_relative_says_when_there_is_no_moment():
    assert relative(None) == '<span class="muted">Never</span>'
    assert relative(None, "Not <yet>") == '<span class="muted">Not &lt;yet&gt;</span>'


def test_a_filter_writing_many_rows_gets_the_same_html_as_a_plain_string():
    page = Relative()
    moment = page.now - datetime.timedelta(days=3, minutes=7)

    for value, empty in ((moment, "Never"), (None, "Not <yet>")):
        written = page.html(value, empty)
        assert type(written) is str
        assert written == page(value, empty)


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(59.9, "just now"), (60, "1 minute ago"), (-60, "in 1 minute"), (7 * 86400, "1 week ago")],
)
def test_each_unit_starts_at_its_size(seconds, said):
    assert ago(NOW - datetime.timedelta(seconds=seconds), NOW) == said


def test_one_moment_is_written_in_each_viewers_zone_and_said_afresh_each_time():
    """The exact form of a moment is kept per moment and zone: a second viewer in another zone
    sees their own, and "ago" moves on with the clock."""
    moment = datetime.datetime(2026, 7, 1, 12, 0, tzinfo=datetime.UTC)
    written = {}
    for zone, days in (("UTC", 1), ("Europe/London", 1), ("UTC", 2), ("America/New_York", 2)):
        with (
            time_machine.travel(moment + datetime.timedelta(days=days), tick=False),
            timezone.override(zone),
        ):
            written[zone, days] = relative(moment)

    assert 'title="Wed 1 Jul 2026, 12:00 UTC">1 day ago' in written["UTC", 1]
    assert 'title="Wed 1 Jul 2026, 13:00 BST">1 day ago' in written["Europe/London", 1]
    assert 'title="Wed 1 Jul 2026, 12:00 UTC">2 days ago' in written["UTC", 2]
    assert 'datetime="2026-07-01T08:00:00.000-04:00"' in written["America/New_York", 2]
    assert 'title="Wed 1 Jul 2026, 08:00 EDT">2 days ago' in written["America/New_York", 2]
