"""The Content-Security-Policy in a real Chromium: recruiters, hiring leaders and admins go
through the main pages and their htmx interactions, and the browser blocks nothing and reports
nothing, while htmx really swaps content in."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from followups import services
from followups.models import CadenceStep
from tests.candidates.factories import (
    ActivityFactory,
    ApplicationFactory,
    CandidateFactory,
    CommitmentFactory,
)
from tests.followups.factories import FollowUpFactory
from tests.hiring_leaders.factories import (
    ForecastRunOutFactory,
    HiringLeaderFactory,
    HiringLeaderWithLoginFactory,
    RequisitionFactory,
)
from tests.recruitcrm.factories import PASSWORD, AdminUserFactory, RecruiterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Reports every securitypolicyviolation event, from the first byte of every page, to the test.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `in ${event.documentURI} (${event.sourceFile}:${event.lineNumber}) ${event.sample}`
  );
});
"""


@pytest.fixture
def watched(page):
    """The page, and what went wrong in it: CSP violations and console errors or warnings
    (Chromium also logs there what it blocked inside iframes, which events cannot reach)."""
    problems: list[str] = []
    page.expose_function("__reportViolation", lambda text: problems.append(f"violation: {text}"))
    page.add_init_script(REPORT_VIOLATIONS)

    def on_console(message):
        # Not a page's doing: the browser asking for a /favicon.ico that does not exist.
        if message.location.get("url", "").endswith("/favicon.ico"):
            return
        if message.type in ("error", "warning"):
            problems.append(f"console {message.type}: {message.text} at {message.location}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.set_viewport_size({"width": 1280, "height": 800})
    return page, problems


def sign_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def sign_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are signed out")).to_be_visible()


def mark_page(page) -> None:
    """Leave a mark in the window: a full page load wipes it, an htmx swap does not."""
    page.evaluate("window.__notReloaded = true")


def still_same_page(page) -> bool:
    return page.evaluate("window.__notReloaded === true")


def assert_htmx_runs_within_the_policy(page) -> None:
    assert page.evaluate("htmx.config.allowEval") is False
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert "style" not in page.evaluate("htmx.config.attributesToSettle")
    # No <style> element anywhere: htmx injected none, and no page has one.
    assert page.evaluate("document.querySelectorAll('style').length") == 0


@pytest.fixture
def agency(transactional_db, shipped_cadences):
    recruiter = RecruiterFactory(first_name="Rosa", last_name="Recruiter")
    leader = HiringLeaderWithLoginFactory(first_name="Lena", last_name="Leader")
    requisition = RequisitionFactory(
        title="Platform Lead", hiring_leader=leader, recruiter=recruiter
    )
    annabel = CandidateFactory(first_name="Annabel", last_name="Smithers", owner=recruiter)
    ApplicationFactory(candidate=annabel, requisition=requisition, stage="interviewing")
    for n in range(8):
        ApplicationFactory(requisition=requisition, stage="sourced" if n < 6 else "screened")
    for n in range(30):
        CandidateFactory(first_name=f"Person{n:02d}", last_name="Sample", owner=recruiter)
    now = timezone.now()
    for n in range(45):
        ActivityFactory(
            candidate=annabel,
            actor=recruiter,
            kind="note",
            summary=f"Timeline entry {n:02d}",
            occurred_at=now - datetime.timedelta(hours=n + 1),
        )
    failed = FollowUpFactory(
        candidate=annabel,
        state="failed",
        attempts=5,
        last_error="SMTPRecipientsRefused: 450 mailbox temporarily unavailable",
        due_at=now - datetime.timedelta(hours=2),
    )
    FollowUpFactory(candidate=annabel, due_at=now + datetime.timedelta(days=2))
    admin = AdminUserFactory(first_name="Ada", last_name="Admin")
    return recruiter, leader, requisition, failed, admin


def test_the_main_pages_run_under_the_policy_with_nothing_blocked(watched, live_server, agency):
    page, problems = watched
    recruiter, leader, requisition, failed, admin = agency

    # A recruiter: search as you type (htmx), a candidate's timeline paging (htmx).
    sign_in(page, live_server, recruiter)
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    page.goto(f"{live_server.url}/candidates/")
    expect(page.get_by_role("heading", name="Candidates")).to_be_visible()
    assert_htmx_runs_within_the_policy(page)
    table = page.locator("#candidate-table")
    expect(table).to_contain_text("Person00 Sample")
    mark_page(page)
    page.get_by_label("Search candidates").press_sequentially("smither", delay=30)
    expect(table).to_contain_text("Annabel Smithers")
    expect(table).not_to_contain_text("Person00 Sample")
    # The search for the whole word has been swapped in (the address says so), so the link
    # clicked next is not replaced under the click by a search for the first letters.
    expect(page).to_have_url(re.compile(r"[?&]q=smither(&|$)"))
    assert still_same_page(page), "the search reloaded the page instead of swapping the table"
    page.get_by_role("link", name="Annabel Smithers").click()
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Timeline entry 00")
    mark_page(page)
    timeline.get_by_role("link", name="Older").click()
    expect(timeline).not_to_contain_text("Timeline entry 00")
    assert still_same_page(page)
    sign_out(page)

    # A hiring leader: the pipeline funnel is drawn without inline styles.
    sign_in(page, live_server, leader.user)
    page.goto(f"{live_server.url}{requisition.get_absolute_url()}")
    funnel = page.locator(".funnel-chart")
    expect(funnel).to_contain_text("Sourced")
    sourced = funnel.locator(".funnel-chart__bar--sourced").bounding_box()
    screened = funnel.locator(".funnel-chart__bar--screened").bounding_box()
    track = funnel.locator(".funnel-chart__track").first.bounding_box()
    # Six sourced, two screened: the widths the page computed (all and a third) are drawn.
    assert sourced["width"] == pytest.approx(track["width"], abs=1)
    assert screened["width"] == pytest.approx(track["width"] / 3, abs=1)
    sign_out(page)

    # An admin: status, a cadence step edited inline, the template editor's live preview and
    # placeholder buttons, the outbox filter and retry, the Django admin.
    sign_in(page, live_server, admin)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Team")
    page.goto(f"{live_server.url}/system/status/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("System status")
    step = CadenceStep.objects.filter(template__isnull=False).order_by("cadence", "pk").first()
    page.goto(f"{live_server.url}/followups/cadences/{step.cadence_id}/")
    step_row = page.locator(f"#step-{step.pk}")
    mark_page(page)
    step_row.get_by_role("link", name="Edit").click()
    day = step_row.get_by_label("Day", exact=True)
    expect(day).to_be_focused()
    day.fill(str(step.offset_days + 1))
    step_row.get_by_role("button", name="Save").click()
    expect(step_row).to_contain_text(f"Day {step.offset_days + 1}")
    assert still_same_page(page), "saving the step reloaded the page instead of the row"

    page.goto(f"{live_server.url}/followups/templates/{step.template_id}/edit/")
    preview = page.locator("#template-preview")
    subject = page.get_by_label("Subject")
    mark_page(page)
    subject.fill("")
    subject.press_sequentially("Checking in, ", delay=15)
    page.get_by_role("button", name="recipient.first_name").click()
    expect(subject).to_have_value("Checking in, {{ recipient.first_name }}")
    expect(preview.locator(".preview__subject")).to_have_text("Checking in, Ada")
    assert still_same_page(page), "the preview reloaded the page instead of swapping in"
    email = page.frame_locator("iframe.preview__html").locator("body")
    expect(email).to_contain_text("Ada")
    # The email's own inline styles apply inside the preview (allowed by hash, not blocked):
    # its body has margin:0, where a browser's default is 8px.
    expect(email).to_have_css("margin-top", "0px")

    page.goto(f"{live_server.url}/followups/outbox/")
    mark_page(page)
    page.get_by_label("State", exact=True).select_option("failed")
    expect(page.locator("#outbox-table")).to_contain_text("1 follow-up, failed")
    row = page.locator(f"#followup-{failed.pk}")
    row.get_by_role("button", name="Retry").click()
    confirm = row.get_by_role("button", name="Yes, send it now")
    expect(row.get_by_text("Scheduled").or_(confirm)).to_be_visible()
    if confirm.is_visible():
        confirm.click()
    expect(row).to_contain_text("Scheduled")
    assert still_same_page(page), "retrying reloaded the page instead of the row"

    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", name="Configuration and data")).to_be_visible()
    page.goto(f"{live_server.url}/admin/recruitcrm/user/{recruiter.pk}/change/")
    expect(page.locator("#id_username")).to_have_value(recruiter.username)
    page.goto(f"{live_server.url}/admin/recruitcrm/user/?q=rosa")
    expect(page.locator("#result_list")).to_contain_text(recruiter.username)

    assert problems == []


def test_a_violation_would_be_caught(watched, live_server, transactional_db):
    """The watch above is not blind: an inline script the policy refuses is reported."""
    page, problems = watched
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.__ran = true";
          document.body.append(script);
        }"""
    )

    expect(page.locator("body")).to_be_visible()
    page.wait_for_timeout(200)
    assert page.evaluate("window.__ran === undefined")
    assert any(re.match(r"violation: script-src", problem) for problem in problems), problems


@pytest.fixture
def busy_today(transactional_db, shipped_cadences):
    """A recruiter's Today with a row in every kind of section an htmx action redraws: a promise
    due, a task, a quiet candidate, and a role past its forecast (in the leaders' part)."""
    recruiter = RecruiterFactory(first_name="Rosa", last_name="Recruiter")
    leader = HiringLeaderFactory(first_name="Dana", last_name="Kim")
    today = timezone.localdate()
    requisition = RequisitionFactory(
        title="Data Engineer",
        recruiter=recruiter,
        hiring_leader=leader,
        company=leader.company,
        opened_on=today - datetime.timedelta(days=40),
    )
    ForecastRunOutFactory(requisition=requisition)
    amara = CandidateFactory(
        first_name="Amara",
        last_name="Quiet",
        owner=recruiter,
        last_contacted_at=timezone.now() - datetime.timedelta(days=8),
    )
    ApplicationFactory(
        candidate=amara,
        requisition=requisition,
        stage="screened",
        stage_changed_at=timezone.now() - datetime.timedelta(days=12),
    )
    CommitmentFactory(
        candidate=CandidateFactory(first_name="Bea", last_name="Promised", owner=recruiter),
        recruiter=recruiter,
        description="Call Bea back about the offer",
        due_at=timezone.now() - datetime.timedelta(hours=1),
    )
    services.recruiter_task_create(
        recruiter=recruiter, title="Send Dana the interview plan", key="task:plan"
    )
    services.followups_schedule_recurring()
    return recruiter, amara


def test_today_redrawn_by_htmx_with_a_role_past_its_forecast_breaks_no_policy(
    watched, live_server, busy_today
):
    page, problems = watched
    recruiter, amara = busy_today
    sign_in(page, live_server, recruiter)
    overrun = page.locator("#section-overrun [data-row]")
    expect(overrun).to_contain_text("Data Engineer is past its forecast")
    # What a browser extension, a highlighting tool or a resized box does to a row: a style set
    # through the DOM, which the policy allows, shows as a style attribute; htmx must not copy
    # it onto the row it swaps in, as an attribute the policy refuses.
    overrun.evaluate("row => { row.style.outline = '2px solid orange'; }")
    assert_htmx_runs_within_the_policy(page)
    mark_page(page)

    # Each action below answers with the whole queue, the past-its-forecast row among it.
    row = page.locator("[data-row]", has_text=amara.name)
    row.get_by_role("link", name="Call").click()
    row.get_by_label("Summary").fill("Talked through the next steps")
    row.get_by_role("button", name="Log it").click()
    expect(page.locator("#flash")).to_contain_text(f"Logged a call with {amara.name}.")

    promise = page.locator("[data-row]", has_text="Call Bea back about the offer")
    promise.get_by_role("button", name="Kept").click()
    expect(page.locator("#flash")).to_contain_text("Kept")
    page.locator("#flash").get_by_role("button", name="Undo").click()
    expect(page.locator("[data-row]", has_text="Call Bea back about the offer")).to_have_count(1)

    task = page.locator("[data-row]", has_text="Send Dana the interview plan")
    task.locator("summary", has_text="Snooze").click()
    task.get_by_role("button", name="Tomorrow").click()
    expect(page.locator("#flash")).to_contain_text("Snoozed until")

    promise = page.locator("[data-row]", has_text="Call Bea back about the offer")
    promise.get_by_role("link", name="Promise", exact=True).click()
    promise.get_by_label("What you promised").fill("Send Bea the contract")
    promise.get_by_label("By").fill((timezone.localdate() + datetime.timedelta(days=2)).isoformat())
    promise.get_by_role("button", name="Promise it").click()
    expect(page.locator("#flash")).to_contain_text("Send Bea the contract")

    expect(overrun).to_contain_text("past its forecast")
    assert still_same_page(page), "an action reloaded Today instead of swapping the queue"
    assert problems == []
