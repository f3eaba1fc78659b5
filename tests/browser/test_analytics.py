"""An admin opens the agency's analytics in Chromium, waits for the worker to count them (the
page polls), filters by company and downloads a table as CSV; the page at desk and phone
width, waiting and counted, checked with axe-core."""

from __future__ import annotations

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from candidates.models import Application, Candidate
from candidates.tasks import count_analytics
from tests.browser.axe import serious_violations
from tests.browser.layout import fits
from tests.browser.test_followups import LAPTOP, PHONE, sign_in
from tests.candidates.analytics_fixture import feedback, pipeline
from tests.hiring_leaders.factories import HiringLeaderFactory, RequisitionFactory
from tests.recruitcrm.factories import AdminUserFactory, RecruiterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

S = Application.Stage
SHOTS = "/tmp/shots-analytics"
WAITING_SHOTS = "/tmp/shots-counting"


@pytest.fixture
def queue(monkeypatch):
    """The counts the pages queue, held until `work(queue)` plays the worker."""
    queued = []
    monkeypatch.setattr(
        count_analytics, "delay", lambda *args, **kwargs: queued.append((args, kwargs))
    )
    return queued


def work(queued) -> None:
    while queued:
        args, kwargs = queued.pop(0)
        count_analytics(*args, **kwargs)


@pytest.fixture
def agency():
    """Two clients' pipelines of the last few weeks."""
    now = timezone.now()

    def ago(days: float) -> datetime.datetime:
        return now - datetime.timedelta(days=days)

    rosa = RecruiterFactory(first_name="Rosa", last_name="Recruiter")
    acme = HiringLeaderFactory(company__name="Acme Robotics")
    globex = HiringLeaderFactory(company__name="Globex")
    platform = RequisitionFactory(
        title="Platform Engineer", recruiter=rosa, hiring_leader=acme, company=acme.company
    )
    analyst = RequisitionFactory(
        title="Data Analyst", recruiter=rosa, hiring_leader=globex, company=globex.company
    )
    sources = [Candidate.Source.REFERRAL, Candidate.Source.LINKEDIN, Candidate.Source.JOB_BOARD]
    for n in range(12):
        start = 40 - n
        steps = [(S.SOURCED, ago(start)), (S.CONTACTED, ago(start - 2))]
        if n % 2 == 0:
            steps.append((S.SCREENED, ago(start - 5)))
        if n % 3 == 0:
            steps.append((S.SUBMITTED, ago(start - 8)))
        if n % 6 == 0:
            steps += [(S.INTERVIEWING, ago(start - 12)), (S.OFFER, ago(start - 20))]
        if n == 0:
            steps.append((S.HIRED, ago(start - 22)))
        close = None
        if n in (1, 5, 7):
            close = (Application.Outcome.REJECTED, "Salary expectations too high", ago(3))
        application = pipeline(
            platform if n % 4 else analyst, steps, close=close, source=sources[n % 3]
        )
        if n == 3:
            feedback(application, "pass", ago(start - 10), reason="level")
    return AdminUserFactory(), platform


def test_an_admin_filters_the_analytics_and_downloads_a_table(page, live_server, agency, queue):
    admin, _platform = agency
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, admin)
    page.get_by_role("link", name="Analytics").click()

    expect(page.get_by_role("heading", name="Pipeline analytics")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Counting the whole agency for")
    assert serious_violations(page) == []
    page.screenshot(path=f"{WAITING_SHOTS}/pipeline-waiting-desktop.png", full_page=True)
    work(queue)
    # the page polls every 3 seconds and shows the figures once counted
    funnel_chart = page.get_by_role("img", name="Funnel: candidates reaching each stage")
    expect(funnel_chart).to_be_visible(timeout=10_000)
    expect(page.get_by_text("Counting the whole agency")).to_have_count(0)
    assert serious_violations(page) == []
    page.screenshot(path=f"{SHOTS}/pipeline-desktop.png", full_page=True)

    # typed, as the page says: part of the name is enough when only one company has it
    page.get_by_label("Company").fill("acme")
    # as one types, the names that match are offered (htmx fills the field's <datalist>)
    expect(page.locator("#id_company-choices option")).to_have_count(1)
    assert page.locator("#id_company-choices option").get_attribute("value") == "Acme Robotics"
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"/analytics/\?.*company=acme"))
    expect(page.get_by_label("Company")).to_have_value("Acme Robotics")
    expect(page.get_by_role("status")).to_contain_text("Counting Acme Robotics for")
    work(queue)
    funnel = page.get_by_role("region", name="Where candidates drop out")
    expect(funnel.get_by_role("row", name="Sourced")).to_contain_text("9", timeout=10_000)

    with page.expect_download() as download:
        page.get_by_role("region", name="Funnel").get_by_role("link", name="Download CSV").click()
    body = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:2] == ["stage", "reached"]
    assert rows[1][:2] == ["Sourced", "9"]  # Acme's nine, not Globex's three
    assert download.value.suggested_filename.startswith("funnel-")

    page.get_by_role("link", name="Candidate experience").click()
    expect(page.get_by_role("status")).to_contain_text("Counting Acme Robotics for")
    work(queue)
    expect(page.get_by_role("heading", name="Heard from us")).to_be_visible(timeout=10_000)
    assert page.get_by_label("Company").input_value() == "Acme Robotics"
    assert serious_violations(page) == []
    page.screenshot(path=f"{SHOTS}/experience-desktop.png", full_page=True)


def test_the_analytics_read_at_phone_width(page, live_server, agency, queue):
    admin, _ = agency
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, admin)
    for name, path in (("pipeline", "/analytics/"), ("experience", "/analytics/experience/")):
        page.goto(f"{live_server.url}{path}")
        check_again = page.get_by_role("link", name="Check again")
        expect(check_again).to_be_visible()
        href = check_again.get_attribute("href")
        page.screenshot(path=f"{WAITING_SHOTS}/{name}-waiting-phone.png", full_page=True)
        assert fits(page, PHONE["width"]), name
        work(queue)
        page.goto(f"{live_server.url}{href}")  # the link, as without JavaScript (no poll race)
        expect(page.get_by_text("Counted", exact=False).first).to_be_visible()
        page.screenshot(path=f"{SHOTS}/{name}-phone.png", full_page=True)
        assert fits(page, PHONE["width"]), name
