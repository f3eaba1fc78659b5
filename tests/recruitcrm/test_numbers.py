import decimal

import pytest
from django.contrib.humanize.templatetags import humanize

from recruitcrm.jinja2 import intcomma


@pytest.mark.parametrize(
    "value",
    [
        0,
        7,
        999,
        1000,
        12345,
        1_000_000,
        -1234567,
        10**12,
        True,
        1234.5,
        "98765",
        None,
        decimal.Decimal("4321.10"),
    ],
)
def test_counts_are_grouped_as_django_groups_them(value):
    assert intcomma(value) == humanize.intcomma(value)


def test_a_count_reads_with_commas():
    assert intcomma(1234567) == "1,234,567"
