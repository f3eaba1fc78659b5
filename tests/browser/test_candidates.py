"""A recruiter's everyday work on a candidate, in a real Chromium: find them by phone, open them,
log a call, make a promise, move a stage — each without leaving the page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from candidates.models import Application, Commitment
from tests.browser.axe import serious_violations
from tests.browser.layout import fits
from tests.candidates.factories import ApplicationFactory, CandidateFactory, TagFactory
from tests.hiring_leaders.factories import RequisitionFactory
from tests.recruitcrm.factories import PASSWORD, RecruiterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1280, "height": 800}


def sign_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def mark_page(page) -> None:
    """A full page load wipes this mark; an htmx swap keeps it."""
    page.evaluate("window.__notReloaded = true")


def still_same_page(page) -> bool:
    return page.evaluate("window.__notReloaded === true")


@pytest.fixture
def book(transactional_db):
    recruiter = RecruiterFactory(first_name="Rosa", last_name="Recruiter")
    now = timezone.now()
    priya = CandidateFactory(
        first_name="Priya",
        last_name="Natarajan",
        email="priya.n@mail.example",
        phone="+1 (415) 555-0134",
        headline="Staff backend engineer at Kestrel",
        location="Oakland",
        owner=recruiter,
        last_contacted_at=now - datetime.timedelta(days=9),
    )
    priya.tags.add(TagFactory(name="python"), TagFactory(name="relocating"))
    platform = RequisitionFactory(title="Platform Lead", recruiter=recruiter)
    ApplicationFactory(candidate=priya, requisition=platform, stage=Application.Stage.CONTACTED)
    for n in range(60):
        CandidateFactory(
            first_name=f"Person{n:02d}",
            last_name="Sample",
            owner=recruiter,
            last_contacted_at=now - datetime.timedelta(days=n) if n % 3 else None,
        )
    return recruiter, priya


def test_a_recruiter_finds_a_candidate_by_phone_and_works_the_relationship(
    page, live_server, book, artifacts
):
    recruiter, priya = book
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, recruiter)
    page.goto(f"{live_server.url}/candidates/")
    results = page.locator("#candidate-table")
    expect(results).to_contain_text("61 candidates")
    page.screenshot(path=artifacts / "candidates-list.png", full_page=True)
    assert serious_violations(page) == []

    # The number as it was written on a CV, not as it is stored.
    mark_page(page)
    page.get_by_label("Search candidates").press_sequentially("415.555.0134", delay=30)
    expect(results).to_contain_text("1 candidate matching “415.555.0134”")
    expect(results).to_contain_text("Priya Natarajan")
    expect(results).not_to_contain_text("Person00 Sample")
    expect(page).to_have_url(re.compile(r"q=415\.555\.0134"))
    assert still_same_page(page), "the search reloaded the page instead of swapping the table"

    results.get_by_role("link", name="Priya Natarajan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Priya Natarajan")
    expect(page.get_by_role("link", name="+1 (415) 555-0134")).to_have_attribute(
        "href", "tel:+14155550134"
    )
    assert serious_violations(page) == []

    # Log a call: last contacted moves, the timeline grows, the page stays.
    mark_page(page)
    page.get_by_label("Summary").fill("Talked through the Platform Lead role")
    page.get_by_role("button", name="Log it").click()
    flash = page.locator("#candidate-flash")
    expect(flash).to_contain_text("Logged the call with Priya Natarajan")
    expect(page.locator("#contact-card")).to_contain_text("just now")
    expect(page.locator("#timeline li").first).to_contain_text(
        "Talked through the Platform Lead role"
    )

    # Make a promise, due on a day of her choosing.
    promises = page.locator("#promises")
    promises.get_by_label("What you promised").fill("Send the interview plan")
    due = timezone.localdate() + datetime.timedelta(days=2)
    promises.get_by_label("By").fill(due.isoformat())
    promises.get_by_role("button", name="Promise it").click()
    expect(flash).to_contain_text("Promise to Priya recorded: Send the interview plan")
    expect(promises).to_contain_text("Send the interview plan")
    expect(page.locator("#timeline")).to_contain_text("Promised: Send the interview plan")

    # Move the pipeline on: the start date only appears when hiring.
    pipelines = page.locator("#pipelines")
    stage = pipelines.get_by_label("Move to")
    expect(pipelines.get_by_label("Start date")).to_be_hidden()
    stage.select_option("hired")
    expect(pipelines.get_by_label("Start date")).to_be_visible()
    stage.select_option("screened")
    expect(pipelines.get_by_label("Start date")).to_be_hidden()
    pipelines.get_by_role("button", name="Move").click()
    expect(flash).to_contain_text("Moved Priya Natarajan to Screened for Platform Lead")
    expect(pipelines.locator(".badge--screened")).to_have_text("Screened")
    assert still_same_page(page), "an action reloaded the page instead of swapping its parts"
    page.screenshot(path=artifacts / "candidate-page.png", full_page=True)
    assert serious_violations(page) == []

    application = Application.objects.get(candidate=priya)
    assert application.stage == Application.Stage.SCREENED
    assert Commitment.objects.get(candidate=priya).description == "Send the interview plan"

    page.set_viewport_size(PHONE)
    page.reload()
    page.screenshot(path=artifacts / "phone-candidate-page.png", full_page=True)
    assert fits(page, PHONE["width"])
    page.goto(f"{live_server.url}/candidates/")
    page.screenshot(path=artifacts / "phone-candidates-list.png", full_page=True)
    assert fits(page, PHONE["width"])
    assert serious_violations(page) == []


def test_a_column_heading_and_the_filters_agree_on_the_sort(page, live_server, book):
    recruiter, _ = book
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, recruiter)
    page.goto(f"{live_server.url}/candidates/")
    results = page.locator("#candidate-table")
    expect(results.locator("tbody tr").first).to_contain_text("Priya Natarajan")  # A to Z

    results.get_by_role("link", name="Added").click()
    expect(results).to_contain_text("newest added")
    expect(page.get_by_label("Sort")).to_have_value("-added")

    # A filter after it keeps the heading's order, where it had gone back to A to Z.
    page.get_by_label("Owner").select_option("me")
    expect(page).to_have_url(re.compile(r"owner=me"))
    expect(results).to_contain_text("newest added")
    expect(results.locator("tbody tr").first).to_contain_text("Person59 Sample")


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_a_long_unbroken_word_wraps_on_the_timeline(page, live_server, book, viewport):
    recruiter, priya = book
    page.set_viewport_size(viewport)
    sign_in(page, live_server, recruiter)
    page.goto(f"{live_server.url}/candidates/{priya.pk}/")

    page.get_by_label("Call", exact=True).check()
    page.get_by_label("Summary").fill("Sent " + "https://example.com/" + "x" * 200)
    page.get_by_role("button", name="Log it").click()

    expect(page.locator("#timeline")).to_contain_text("https://example.com/xxxx")
    assert fits(page, viewport["width"])
