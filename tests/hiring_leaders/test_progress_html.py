"""The progress page's header and shell written by Python filters (hiring_leaders.progress_html):
what people typed is escaped, and the forecast says where today falls."""

from __future__ import annotations

import datetime

import pytest

from hiring_leaders.models import Company, HiringLeader, Requisition
from hiring_leaders.progress import Forecast
from hiring_leaders.progress_html import progress_header, progress_placeholder, progress_shell
from recruitcrm.models import User

TYPED = '<b>"Kim" & co</b>'
ESCAPED = "&lt;b&gt;&#34;Kim&#34; &amp; co&lt;/b&gt;"


def role(**fields) -> Requisition:
    requisition = Requisition(
        id=7,
        title=TYPED,
        status=fields.pop("status", "open"),
        location=TYPED,
        opened_on=datetime.date(2026, 1, 5),
        **fields,
    )
    requisition.company = Company(id=3, name=TYPED)
    requisition.recruiter = User(id=4, first_name=TYPED, last_name="Ode", email="k@agency.example")
    requisition.hiring_leader = HiringLeader(id=5, first_name=TYPED, last_name="Lee")
    return requisition


def forecast(day: int) -> Forecast:
    return Forecast(
        earliest=datetime.date(2026, 3, 6),
        latest=datetime.date(2026, 4, 5),
        low_days=60,
        high_days=90,
        day=day,
        revised=False,
        made_on=datetime.date(2026, 1, 5),
    )


def shell(requisition: Requisition, **given) -> str:
    options = {"read_only": False, "overdue": 0, "overdue_days": 3, "days_open": 12}
    return str(progress_shell(requisition, **({"forecast": None} | options | given)))


@pytest.mark.parametrize("read_only", [False, True])
def test_what_people_typed_is_escaped(read_only):
    header = str(progress_header(role(), read_only))
    held = shell(role(status="on_hold", status_reason=TYPED), read_only=read_only)

    assert TYPED not in header + held
    assert f"<h1>{ESCAPED}</h1>" in header
    assert f"{ESCAPED} · {ESCAPED} · Recruiter: {ESCAPED} Ode" in header
    assert f"On hold: {ESCAPED}</p>" in held
    assert (f"{ESCAPED} sees a link here" in held) is read_only


def test_the_forecast_says_where_today_falls():
    assert "Today is day 95: 5 days past the range." in shell(role(), forecast=forecast(95))
    assert "Today is day 59: 1 day before the range starts." in shell(role(), forecast=forecast(59))
    assert "Today is day 70: inside the range." in shell(role(), forecast=forecast(70))
    closed = role(status="filled", closed_on=datetime.date(2026, 4, 1))
    assert "It took 91 days, 1 past the range." in shell(closed, forecast=forecast(91))


def test_a_placeholder_escapes_its_address():
    html = str(progress_placeholder("/p/?page=2&x=<", "pipeline", "Where candidates are now"))

    assert 'data-hx-get="/p/?page=2&amp;x=&lt;"' in html
    assert '<a href="/p/?page=2&amp;x=&lt;">Where candidates are now</a>' in html
