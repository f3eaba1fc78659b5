import datetime

import pytest

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
    ],
)
def test_one_unit_as_people_say_it(delta, said):
    assert ago(NOW - delta, NOW) == said


def test_nothing_for_no_time():
    assert ago(None) == ""
