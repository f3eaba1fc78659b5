"""The pipeline board in a real Chromium: a recruiter moves a candidate with one click, then puts
the requisition on hold after reading which messages it will send."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from candidates.models import Application
from followups.models import FollowUp, Trigger
from hiring_leaders.models import Requisition
from tests.browser.axe import serious_violations
from tests.browser.layout import fits
from tests.candidates.factories import ApplicationFactory, CandidateFactory
from tests.hiring_leaders.factories import HiringLeaderFactory, RequisitionFactory
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


@pytest.fixture
def board(transactional_db, shipped_cadences):
    recruiter = RecruiterFactory(first_name="Rosa", last_name="Recruiter")
    leader = HiringLeaderFactory(first_name="Dana", last_name="Kim")
    requisition = RequisitionFactory(
        title="Platform Lead", hiring_leader=leader, recruiter=recruiter, location="Berlin"
    )
    people = [
        ("sourced", "Sam", "Sourcewell", "Backend engineer at a bank"),
        ("contacted", "Chloe", "Hansen", "Product engineer"),
        ("screened", "Ana", "Lopez", "Staff engineer at a logistics firm"),
        ("screened", "Ravi", "Tran", "Platform engineer"),
        ("interviewing", "Ruth", "Edwards", "Engineering manager"),
        ("offer", "Omar", "Brown", "Principal engineer"),
    ]
    for stage, first, last, headline in people:
        ApplicationFactory(
            requisition=requisition,
            stage=stage,
            candidate=CandidateFactory(
                first_name=first, last_name=last, headline=headline, owner=recruiter
            ),
        )
    return recruiter, requisition


def test_a_recruiter_moves_a_candidate_then_puts_the_role_on_hold_after_reading_the_plan(
    page, live_server, board, artifacts
):
    recruiter, requisition = board
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, recruiter)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requisitions").click()
    page.get_by_role("link", name="Platform Lead").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Platform Lead")
    screened = page.locator("section[aria-labelledby=column-screened]")
    submitted = page.locator("section[aria-labelledby=column-submitted]")
    expect(screened.locator(".board__count")).to_contain_text("2")
    expect(submitted.locator(".board__count")).to_contain_text("0")
    assert serious_violations(page) == []

    page.evaluate("window.__notReloaded = true")
    page.get_by_role("button", name="Move Ana Lopez to Submitted").click()

    expect(page.locator("#flash")).to_contain_text("Moved Ana Lopez from Screened to Submitted.")
    expect(submitted.locator(".board__count")).to_contain_text("1")
    expect(screened.locator(".board__count")).to_contain_text("1")
    expect(submitted).to_contain_text("Ana Lopez")
    expect(page.get_by_role("link", name="Ana Lopez", exact=True)).to_be_focused()
    assert page.evaluate("window.__notReloaded === true"), "the move reloaded the page"
    assert Application.objects.get(candidate__last_name="Lopez").stage == "submitted"
    page.screenshot(path=artifacts / "recruiter-pipeline-board.png", full_page=True)

    page.set_viewport_size(PHONE)
    page.screenshot(path=artifacts / "phone-recruiter-pipeline-board.png", full_page=True)
    assert fits(page, PHONE["width"])
    assert serious_violations(page) == []
    page.set_viewport_size(LAPTOP)

    page.get_by_role("link", name="Put on hold…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Put Platform Lead on hold")
    plan = page.locator("#status-preview")
    expect(plan).to_contain_text("Dana Kim")
    expect(plan).to_contain_text("Requisition on hold (hiring leader)")
    expect(plan).to_contain_text("Ana Lopez")
    expect(plan).not_to_contain_text("Sam Sourcewell")  # never contacted: hears nothing
    assert not FollowUp.objects.filter(template__name__startswith="Requisition on hold").exists()

    # htmx listens once the page has loaded; typing before that would refresh nothing.
    page.wait_for_load_state("load")
    page.get_by_label("Reason for the hold").fill("The team's budget is being reviewed")
    expect(plan).to_contain_text("The team's budget is being reviewed")
    page.get_by_label("Internal note").fill("CFO froze hiring until Q3")
    expect(plan).not_to_contain_text("CFO froze")
    page.screenshot(path=artifacts / "recruiter-requisition-hold-preview.png", full_page=True)
    assert serious_violations(page) == []

    page.get_by_role("button", name="Put on hold and schedule").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Platform Lead")
    expect(page.locator(".messages")).to_contain_text("Put Platform Lead on hold. Scheduled")
    expect(page.locator(".req-header")).to_contain_text("On hold")
    requisition.refresh_from_db()
    assert requisition.status == Requisition.Status.ON_HOLD
    assert requisition.status_note == "CFO froze hiring until Q3"
    # The hold's note to Dana, not the chase for her word on the candidate just submitted.
    leader_note = FollowUp.objects.get(
        hiring_leader__last_name="Kim",
        requisition=requisition,
        cadence_step__cadence__trigger=Trigger.REQUISITION_ON_HOLD,
    )
    assert leader_note.facts["status_reason"] == "The team's budget is being reviewed"


def test_a_long_unbroken_name_wraps_on_the_client_pages(
    page, live_server, transactional_db, artifacts
):
    """A 150-character name with no space (a pasted slug, a name in a script without spaces)
    wraps in headings, confirmations and facts rather than widening the page."""
    recruiter = RecruiterFactory(first_name="Rosa", last_name="Recruiter")
    company_name = "Acme" + "x" * 146
    title = "Platform" + "y" * 142
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, recruiter)

    def fits_laptop_and_phone(name: str) -> None:
        assert fits(page, LAPTOP["width"]), f"{name} at laptop width"
        page.screenshot(path=artifacts / f"long-name-{name}.png", full_page=True)
        page.set_viewport_size(PHONE)
        assert fits(page, PHONE["width"]), f"{name} at phone width"
        page.screenshot(path=artifacts / f"phone-long-name-{name}.png", full_page=True)
        page.set_viewport_size(LAPTOP)

    page.goto(f"{live_server.url}/companies/new/")
    page.get_by_label("Name").fill(company_name)
    page.get_by_role("button", name="Add the company").click()
    expect(page.locator(".messages")).to_contain_text(f"Added {company_name}.")
    fits_laptop_and_phone("company")

    page.get_by_role("link", name="Add a hiring leader").click()
    page.get_by_label("First name").fill("Dana")
    page.get_by_label("Last name").fill("Kim" + "z" * 97)
    page.get_by_label("Email").fill("dana@acme.example")
    page.get_by_role("button", name="Add the hiring leader").click()
    expect(page.locator(".messages")).to_contain_text(f"at {company_name}.")
    fits_laptop_and_phone("hiring-leader")

    page.goto(f"{live_server.url}/companies/")
    fits_laptop_and_phone("company-list")
    page.goto(f"{live_server.url}/hiring-leaders/")
    fits_laptop_and_phone("hiring-leader-list")

    page.goto(f"{live_server.url}/companies/")
    page.get_by_role("link", name=company_name).click()
    page.get_by_role("link", name="Open a requisition").first.click()
    page.wait_for_load_state("load")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Hiring leader").select_option(label="Dana Kim" + "z" * 97)
    page.get_by_role("button", name="Open the requisition").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    fits_laptop_and_phone("requisition")
    requisition_url = page.url

    page.get_by_role("link", name="Edit details").click()
    fits_laptop_and_phone("requisition-edit")
    page.goto(f"{live_server.url}/requisitions/")
    fits_laptop_and_phone("requisition-list")
    page.goto(f"{requisition_url}as-leader/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    fits_laptop_and_phone("progress-as-leader")
