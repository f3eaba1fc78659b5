"""A recruiter fills an intake in Chromium, accepts the suggested forecast, marks the kick-off
done and reads the calibration plot; the leader sees the forecast on their progress page. Each
page is checked with axe-core and photographed at desk and phone width."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hiring_leaders.models import Intake, Requisition, TimeToFillForecast
from tests.browser.axe import serious_violations
from tests.browser.layout import fits
from tests.browser.test_followups import LAPTOP, sign_in
from tests.hiring_leaders.factories import HiringLeaderWithLoginFactory, RequisitionFactory
from tests.recruitcrm.factories import RecruiterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHOTS = Path(os.environ.get("INTAKE_SHOTS", "/tmp/shots-intake"))


def shoot(page, artifacts, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for where in (SHOTS, artifacts):
        page.screenshot(path=where / f"{name}.png", full_page=True)


@pytest.fixture
def role(db):
    recruiter = RecruiterFactory(first_name="Maya", last_name="Chen")
    leader = HiringLeaderWithLoginFactory(first_name="Lee", last_name="Harper")
    today = timezone.localdate()
    # Five similar roles filled in the last year (each with the forecast given at its intake):
    # the suggestion has enough history, and calibration has something to plot.
    for n, (took, low, high) in enumerate(
        [(60, 45, 75), (75, 40, 60), (90, 80, 120), (110, 60, 100), (50, 60, 90)]
    ):
        closed = today - datetime.timedelta(days=30 + 40 * n)
        filled = RequisitionFactory(
            title=f"Data Engineer {n + 1}",
            recruiter=recruiter,
            role_family="data",
            seniority="senior",
            status=Requisition.Status.FILLED,
            opened_on=closed - datetime.timedelta(days=took),
            closed_on=closed,
        )
        TimeToFillForecast.objects.create(
            requisition=filled,
            low_days=low,
            high_days=high,
            reason="History",
            made_by=recruiter,
            made_at=timezone.now() - datetime.timedelta(days=400),
        )
    requisition = RequisitionFactory(
        title="Senior Data Engineer",
        recruiter=recruiter,
        hiring_leader=leader,
        company=leader.company,
        opened_on=today - datetime.timedelta(days=12),
    )
    return recruiter, leader, requisition


def test_fill_an_intake_accept_the_suggested_forecast_and_see_calibration(
    page, live_server, role, artifacts
):
    recruiter, leader, requisition = role
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, recruiter)
    page.goto(f"{live_server.url}/requisitions/{requisition.pk}/")
    page.get_by_role("link", name="Intake and forecast").click()
    expect(page.get_by_role("heading", name="Intake: Senior Data Engineer")).to_be_visible()
    expect(page.locator("#forecast")).to_contain_text("Set the role family")

    page.get_by_label("Why is the role open?").select_option("growth")
    page.get_by_label("What is the team short of, and why?").fill(
        "Nobody owns the data pipeline since the team moved to the patient app."
    )
    page.get_by_label("Success after 90 days").fill("Owns the pipeline; nobody pages Lee.")
    page.get_by_label("Role family").select_option("data")
    page.get_by_label("Seniority").select_option("senior")
    page.get_by_label("Must-haves").fill("Python pipelines\nPostgreSQL at scale")
    page.get_by_label("Pay from").fill("72000")
    page.get_by_label("Pay up to").fill("88000")
    page.get_by_role("button", name="Save the intake").click()
    expect(page.get_by_text("Saved the intake.")).to_be_visible()

    forecast = page.locator("#forecast")
    expect(forecast).to_contain_text("From 5 filled roles")
    forecast.get_by_role("link", name="Use this range").click()
    low = page.get_by_label("Earliest, in days").input_value()
    high = page.get_by_label("Latest, in days").input_value()
    assert int(low) < int(high)
    page.get_by_label("Why this range").fill(
        "Our last five senior data fills; health data is niche."
    )
    page.get_by_role("button", name="Record the forecast").click()
    expect(page.get_by_text(f"Forecast recorded: {low} to {high} days.")).to_be_visible()
    page.get_by_role("button", name="Mark kick-off done").click()
    expect(page.get_by_text("Kick-off marked done.")).to_be_visible()
    page.get_by_label("Must-haves").fill("Python pipelines\nPostgreSQL at scale\nOn-call")
    page.get_by_role("button", name="Save the intake").click()
    expect(page.locator("#versions")).to_contain_text("Maya Chen changed must-haves")
    assert serious_violations(page) == []
    shoot(page, artifacts, "intake-desktop")
    page.set_viewport_size(PHONE)
    assert fits(page, PHONE["width"])
    shoot(page, artifacts, "intake-phone")

    saved = TimeToFillForecast.objects.get(requisition=requisition)
    assert (saved.suggested_low_days, saved.suggested_high_days) == (int(low), int(high))
    assert Intake.objects.get(requisition=requisition).must_have_list[-1] == "On-call"

    page.set_viewport_size(LAPTOP)
    page.get_by_role("link", name="Calibration").click()
    expect(page.get_by_role("heading", name="Forecast calibration")).to_be_visible()
    plot = page.locator(".calibration-plot--wide svg")
    expect(plot).to_be_visible()
    assert plot.locator(".cal-range").count() == 5
    expect(page.locator(".calibration-table")).to_contain_text("2 (40%)")
    assert serious_violations(page) == []
    shoot(page, artifacts, "calibration-desktop")
    page.set_viewport_size(PHONE)
    assert fits(page, PHONE["width"])
    shoot(page, artifacts, "calibration-phone")

    page.get_by_role("button", name="Log out").click()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, leader.user)
    page.goto(f"{live_server.url}/leader/requisitions/{requisition.pk}/")
    expect(page.locator("section.forecast")).to_contain_text("Forecast at intake")
    expect(page.locator("section.forecast")).to_contain_text("Today is day 12")
    assert fits(page, PHONE["width"])
    assert serious_violations(page) == []
    shoot(page, artifacts, "progress-forecast-phone")
    # The leader adds their own words about success; Maya sees whose change it was.
    page.get_by_role("link", name="Your part of the intake").click()
    page.get_by_label("Success after 30 days").fill("Knows every nightly job by name.")
    assert fits(page, PHONE["width"])
    assert serious_violations(page) == []
    shoot(page, artifacts, "leader-intake-phone")
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_text("Saved. Maya sees your answers on the role's intake.")).to_be_visible()
    assert Intake.objects.get(requisition=requisition).versions.first().changed_by_leader == leader


def test_today_prompts_a_reset_when_a_role_runs_past_its_forecast(
    page, live_server, role, artifacts
):
    recruiter, _leader, requisition = role
    TimeToFillForecast.objects.create(
        requisition=requisition,
        low_days=3,
        high_days=8,
        reason="Optimistic",
        made_by=recruiter,
        made_at=timezone.now() - datetime.timedelta(days=11),
    )
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, recruiter)
    section = page.locator("#section-overrun")
    expect(section).to_contain_text("Senior Data Engineer is past its forecast")
    expect(section).to_contain_text("4 days over")
    expect(section.get_by_role("link", name="Send the reset…")).to_be_visible()
    assert serious_violations(page) == []
    shoot(page, artifacts, "today-past-forecast-desktop")
    page.set_viewport_size(PHONE)
    assert fits(page, PHONE["width"])
    shoot(page, artifacts, "today-past-forecast-phone")
    section.get_by_role("button", name="Dismiss").click()
    expect(page.locator("#section-overrun")).to_have_count(0)
    expect(page.get_by_text("Dismissed: Senior Data Engineer past its forecast")).to_be_visible()
