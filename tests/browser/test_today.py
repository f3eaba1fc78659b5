"""Today in a real Chromium: a recruiter works three rows of the queue, by mouse and by
keyboard, and sends an expectation reset after reading its preview."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from followups import services
from followups.models import FollowUp
from tests.browser.layout import fits
from tests.browser.test_followups import (
    LAPTOP,
    PHONE,
    mark_page,
    serious_violations,
    sign_in,
    still_same_page,
)
from tests.candidates.factories import ApplicationFactory, CandidateFactory
from tests.hiring_leaders.factories import HiringLeaderFactory, RequisitionFactory
from tests.recruitcrm.factories import RecruiterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def quiet(recruiter, requisition, first_name, stage):
    candidate = CandidateFactory(
        owner=recruiter,
        first_name=first_name,
        last_name="Quiet",
        last_contacted_at=timezone.now() - datetime.timedelta(days=8),
    )
    ApplicationFactory(
        candidate=candidate,
        requisition=requisition,
        stage=stage,
        stage_changed_at=timezone.now() - datetime.timedelta(days=12),
    )
    return candidate


@pytest.fixture
def day(shipped_cadences):
    recruiter = RecruiterFactory(first_name="Rosa", last_name="Recruiter")
    leader = HiringLeaderFactory(
        first_name="Dana", last_name="Kim", last_contacted_at=timezone.now()
    )
    requisition = RequisitionFactory(
        title="Platform Engineer",
        recruiter=recruiter,
        hiring_leader=leader,
        company=leader.company,
    )
    called = quiet(recruiter, requisition, "Amara", "screened")
    written_to = quiet(recruiter, requisition, "Bea", "submitted")
    services.recruiter_task_create(
        recruiter=recruiter,
        title="Send Dana the interview plan",
        key="task:plan",
        hiring_leader=leader,
        requisition=requisition,
    )
    services.followups_schedule_recurring()
    return recruiter, called, written_to


def htmx_settled(page) -> None:
    """Wait until htmx has finished swapping (and so wired up) the new queue: a key pressed on
    content htmx has not processed yet submits its form as a plain page load."""
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)


def test_a_recruiter_works_three_rows_of_today(page, live_server, day, artifacts):
    recruiter, called, written_to = day
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, recruiter)
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    quiet_section = page.locator("#section-quiet")
    expect(quiet_section.locator(".count")).to_have_text("2")
    page.screenshot(path=artifacts / "today.png", full_page=True)
    assert serious_violations(page) == []
    mark_page(page)

    # 1. A call, logged in the form that opens under the row: the silence is over.
    row = page.locator("[data-row]", has_text=called.name)
    row.get_by_role("link", name="Call").click()
    row.get_by_label("Summary").fill("Talked through the next steps")
    row.get_by_role("button", name="Log it").click()
    expect(page.locator("#flash")).to_contain_text(f"Logged a call with {called.name}.")
    expect(quiet_section.locator(".count")).to_have_text("1")
    expect(page.locator("[data-row]", has_text=called.name)).to_have_count(0)
    htmx_settled(page)

    # 2. The task about Dana, snoozed until tomorrow, by keyboard: j/k to the row, s, Enter.
    task_row = page.locator("[data-row]", has_text="Send Dana the interview plan")
    task_row.focus()
    page.keyboard.press("s")
    expect(task_row.get_by_role("button", name="Tomorrow")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#flash")).to_contain_text("Snoozed until")
    expect(page.locator("[data-row]", has_text="Send Dana the interview plan")).to_have_count(0)
    htmx_settled(page)
    # Undo brings it straight back.
    page.locator("#flash").get_by_role("button", name="Undo").click()
    expect(page.locator("[data-row]", has_text="Send Dana the interview plan")).to_have_count(1)
    assert still_same_page(page), "an action reloaded the page instead of swapping the queue"

    # 3. An expectation reset to Bea, read before it is sent.
    page.locator("[data-row]", has_text=written_to.name).get_by_role(
        "link", name="Message…"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Message {written_to.name}")
    # htmx wires the menu up once the page has loaded: a choice made before that sends nothing.
    page.wait_for_load_state()
    page.get_by_label("Message").select_option(label="Feedback pending")
    preview = page.locator("#preview")
    expect(preview).to_contain_text("Platform Engineer: still waiting on feedback")
    expect(preview).to_contain_text(f"Hi {written_to.first_name},")
    page.screenshot(path=artifacts / "today-message-preview.png", full_page=True)
    page.get_by_role("button", name=f"Send to {written_to.first_name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    expect(page.get_by_role("status").first).to_contain_text(
        "“Expectation reset: feedback pending” goes to"
    )
    sent = FollowUp.objects.get(key__startswith="one-off:")
    assert (sent.candidate, sent.state) == (written_to, "scheduled")

    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    page.screenshot(path=artifacts / "phone-today.png", full_page=True)
    assert fits(page, PHONE["width"])


def test_a_row_is_snoozed_to_a_chosen_day_with_htmx_and_without_javascript(
    browser, page, live_server, day
):
    recruiter, _, written_to = day
    chosen = timezone.localdate() + datetime.timedelta(days=10)
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, recruiter)
    # The leaders' rows: each row's menu posts the filter along, so the queue comes back filtered.
    page.goto(f"{live_server.url}/?who=leaders")
    mark_page(page)
    task_row = page.locator("[data-row]", has_text="Send Dana the interview plan")
    task_row.get_by_text("Snooze", exact=True).click()
    task_row.get_by_label("Snooze until a date").fill(chosen.isoformat())
    task_row.get_by_role("button", name="On that day").click()
    expect(page.locator("#flash")).to_contain_text(f"Snoozed until {chosen:%a %d %b}")
    expect(page.locator("[data-row]", has_text="Send Dana the interview plan")).to_have_count(0)
    expect(page.locator(".segmented [aria-current=page]")).to_have_text("Hiring leaders")
    assert still_same_page(page), "the snooze reloaded the page instead of swapping the queue"

    # Without JavaScript the same menu is a plain form: it posts, and Today comes back.
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    sign_in(plain, live_server, recruiter)
    plain.goto(f"{live_server.url}/?who=candidates")
    row = plain.locator("[data-row]", has_text=written_to.name)
    row.get_by_text("Snooze", exact=True).click()
    row.get_by_role("button", name="Next week").click()
    expect(plain.get_by_role("status").first).to_contain_text("Snoozed until")
    expect(plain).to_have_url(f"{live_server.url}/?who=candidates")
    expect(plain.locator("[data-row]", has_text=written_to.name)).to_have_count(0)
    context.close()
