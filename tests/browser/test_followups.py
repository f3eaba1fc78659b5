"""Follow-ups in a real Chromium: an admin tunes a cadence and a template; a new hire answers a
check-in from the emailed link and the recruiter sees the flag."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from candidates import services as candidate_services
from followups import services
from followups.models import Cadence, CadenceStep, FollowUp, MessageTemplate
from tests.browser.axe import serious_violations
from tests.browser.layout import fits
from tests.candidates.factories import ApplicationFactory, CandidateFactory
from tests.followups.factories import FollowUpFactory
from tests.hiring_leaders.factories import HiringLeaderFactory, RequisitionFactory
from tests.recruitcrm.factories import PASSWORD, AdminUserFactory, RecruiterFactory

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
    """Leave a mark in the window: a full page load wipes it, an htmx swap does not."""
    page.evaluate("window.__notReloaded = true")


def still_same_page(page) -> bool:
    return page.evaluate("window.__notReloaded === true")


@pytest.fixture
def admin(transactional_db):
    # A transactional test starts from an empty database: the shipped cadences come back with
    # the migration's own function.
    if not Cadence.objects.exists():
        from importlib import import_module

        from django.apps import apps as global_apps

        defaults = import_module("followups.migrations.0002_default_cadences")
        defaults.create_defaults(global_apps, None)
    return AdminUserFactory(first_name="Ada", last_name="Admin")


def test_an_admin_edits_a_step_inline_and_previews_a_template(page, live_server, admin, artifacts):
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, admin)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cadences").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cadences")
    row = page.locator("tr", has_text="Post-hire check-ins")
    expect(row).to_contain_text("Placement starts")
    expect(row).to_contain_text("On")
    page.screenshot(path=artifacts / "admin-cadence-list.png", full_page=True)
    row.get_by_role("link", name="Post-hire check-ins").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Post-hire check-ins")

    step = CadenceStep.objects.get(
        cadence__name="Post-hire check-ins", offset_days=30, audience="new_hire"
    )
    step_row = page.locator(f"#step-{step.pk}")
    expect(step_row).to_contain_text("Day 30")
    mark_page(page)
    step_row.get_by_role("link", name="Edit").click()
    day = step_row.get_by_label("Day", exact=True)
    expect(day).to_be_focused()
    expect(day).to_have_value("30")
    page.screenshot(path=artifacts / "admin-cadence-step-editing.png", full_page=True)

    day.fill("-3")
    step_row.get_by_role("button", name="Save").click()
    expect(step_row).to_contain_text("greater than or equal to 0")
    day = step_row.get_by_label("Day", exact=True)
    day.fill("28")
    step_row.get_by_role("button", name="Save").click()
    expect(step_row).to_contain_text("Day 28")
    expect(step_row.get_by_role("link", name="Edit")).to_be_visible()
    expect(page.locator("#flash")).to_contain_text("Saved the day-28 email to the new hire.")
    assert still_same_page(page), "saving the step reloaded the page instead of the row"
    step.refresh_from_db()
    assert step.offset_days == 28

    step_row.get_by_role("link", name="Edit").click()
    expect(step_row.get_by_label("Day", exact=True)).to_have_value("28")
    step_row.get_by_role("link", name="Cancel").click()
    expect(step_row.get_by_role("link", name="Edit")).to_be_visible()
    assert still_same_page(page)
    page.screenshot(path=artifacts / "admin-cadence-detail.png", full_page=True)

    step_row.get_by_role("link", name="Post-hire check-in (new hire)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Post-hire check-in (new hire)")
    preview = page.locator("#template-preview")
    expect(preview).to_contain_text("How are your first 30 days at Northwind Analytics?")

    subject = page.get_by_label("Subject")
    subject.fill("")
    subject.press_sequentially("Hi {{ recipient.nickname }}", delay=15)
    expect(preview).to_contain_text("Unknown placeholder {{ recipient.nickname }}")
    expect(preview).to_contain_text("Will not send")
    page.screenshot(path=artifacts / "admin-template-preview-problem.png", full_page=True)

    page.get_by_role("button", name="Save template").click()
    expect(page.locator("#id_subject_error")).to_contain_text("Unknown placeholder")
    expect(page.get_by_label("Subject")).to_have_value("Hi {{ recipient.nickname }}")

    subject = page.get_by_label("Subject")
    subject.fill("")
    subject.press_sequentially("Hi ", delay=15)
    page.get_by_role("button", name="recipient.first_name").click()
    expect(subject).to_have_value("Hi {{ recipient.first_name }}")
    expect(preview.locator(".preview__subject")).to_have_text("Hi Ada")
    expect(preview).not_to_contain_text("Unknown placeholder")
    expect(preview.locator(".preview__text")).to_contain_text("Hi Ada,")
    frame = page.frame_locator("iframe.preview__html")
    expect(frame.locator("body")).to_contain_text("Northwind Analytics")
    page.screenshot(path=artifacts / "admin-template-preview.png", full_page=True)

    page.get_by_role("button", name="Save template").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved “Post-hire check-in")
    assert step.template.__class__.objects.get(pk=step.template_id).subject == (
        "Hi {{ recipient.first_name }}"
    )

    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.frame_locator("iframe.preview__html").locator("body")).to_contain_text("Hi Ada")
    page.screenshot(path=artifacts / "phone-admin-template-editor.png", full_page=True)
    assert fits(page, PHONE["width"])
    page.goto(f"{live_server.url}/followups/cadences/{step.cadence_id}/")
    page.screenshot(path=artifacts / "phone-admin-cadence-detail.png", full_page=True)
    assert fits(page, PHONE["width"])
    step_row.get_by_role("link", name="Edit").click()
    expect(step_row.get_by_label("Day", exact=True)).to_be_visible()
    page.screenshot(path=artifacts / "phone-admin-cadence-step-editing.png", full_page=True)
    assert fits(page, PHONE["width"])


def test_whom_an_email_is_written_for_and_its_message_are_asked_only_of_an_email(
    page, live_server, admin, artifacts
):
    sign_in(page, live_server, admin)
    page.goto(f"{live_server.url}/followups/templates/new/")
    written_for = page.get_by_role("group", name="Written for")
    message = page.get_by_label("Message")
    preview = page.locator("#template-preview")
    expect(written_for).to_be_visible()
    page.get_by_label("Message").fill("Walk them through it.")

    page.get_by_label("Task for the recruiter").check()
    expect(written_for).to_be_hidden()
    expect(message).to_be_hidden()
    page.get_by_label("Name").fill("Call about the offer")
    page.get_by_label("Subject").fill("Call {{ recipient.first_name }} about the offer")
    # The preview shows the task as the recruiter reads it, not as an email to Ada.
    expect(preview.locator(".preview__subject")).to_have_text("Call Ada about the offer")
    expect(preview).not_to_contain_text("HTML email")
    page.screenshot(path=artifacts / "admin-task-template.png", full_page=True)
    page.get_by_role("button", name="Create template").click()

    expect(page.get_by_text("Created “Call about the offer”")).to_be_visible()
    assert MessageTemplate.objects.get(name="Call about the offer").body == ""
    page.get_by_label("Email to a person").check()
    expect(written_for).to_be_visible()
    expect(message).to_be_visible()


def test_an_admin_retries_a_failed_email_from_the_outbox(page, live_server, admin, artifacts):
    candidate = CandidateFactory(first_name="Grace", last_name="Hopper")
    failed = FollowUpFactory(
        candidate=candidate,
        state="failed",
        attempts=5,
        last_error="SMTPRecipientsRefused: 450 4.2.0 mailbox temporarily unavailable",
        due_at=timezone.now() - datetime.timedelta(hours=3),
    )
    for n in range(8):
        FollowUpFactory(candidate=CandidateFactory(), due_at=timezone.now() + datetime.timedelta(n))
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, admin)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Outbox").click()
    counts = page.locator("#outbox-counts")
    expect(counts).to_contain_text("1 Failed")
    row = page.locator(f"#followup-{failed.pk}")
    expect(row).to_contain_text("mailbox temporarily unavailable")
    page.screenshot(path=artifacts / "admin-outbox.png", full_page=True)

    mark_page(page)
    page.get_by_label("State", exact=True).select_option("failed")
    expect(page.locator("#outbox-table")).to_contain_text("1 follow-up, failed")
    expect(page).to_have_url(re.compile(r"state=failed"))
    row.get_by_role("button", name="Retry").click()
    # Sending again asks first, in place of the row; "Keep it" puts the row back untouched.
    expect(row).to_contain_text("again, now?")
    page.screenshot(path=artifacts / "admin-outbox-retry-asks.png", full_page=True)
    row.get_by_role("link", name="Keep it as it is").click()
    expect(row).to_contain_text("Failed")
    row.get_by_role("button", name="Retry").click()
    row.get_by_role("button", name="Yes, send it now").click()
    expect(row).to_contain_text("Scheduled")
    expect(page.locator("#flash")).to_contain_text("Retrying the email")
    expect(counts).to_contain_text("0 Failed")
    assert still_same_page(page)
    page.screenshot(path=artifacts / "admin-outbox-retried.png", full_page=True)

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/followups/outbox/")
    page.screenshot(path=artifacts / "phone-admin-outbox.png", full_page=True)
    assert fits(page, PHONE["width"])


def test_the_outbox_goes_to_the_next_fifty_and_back_to_the_first(
    page, live_server, admin, artifacts
):
    now = timezone.now()
    candidate = CandidateFactory(first_name="Grace", last_name="Hopper")
    for n in range(70):
        FollowUpFactory(
            candidate=candidate, state="sent", due_at=now - datetime.timedelta(hours=n + 1)
        )
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, admin)
    page.goto(f"{live_server.url}/followups/outbox/?state=sent")
    table = page.locator("#outbox-table")
    expect(table).to_contain_text("70 follow-ups, sent")
    expect(table.locator("tbody tr")).to_have_count(50)

    mark_page(page)
    page.get_by_role("link", name="Next 50").click()
    expect(table.locator("tbody tr")).to_have_count(20)
    expect(page).to_have_url(re.compile(r"after="))
    assert still_same_page(page)
    page.screenshot(path=artifacts / "admin-outbox-next-page.png", full_page=True)

    page.set_viewport_size(PHONE)
    page.screenshot(path=artifacts / "phone-admin-outbox-next-page.png", full_page=True)
    assert fits(page, PHONE["width"])
    page.get_by_role("link", name="First page").click()
    expect(table.locator("tbody tr")).to_have_count(50)


def a_weekday_31_or_more_days_ago() -> datetime.date:
    """A start date whose day-30 check-in fell on a past weekday (check-ins skip weekends)."""
    start = timezone.localdate() - datetime.timedelta(days=31)
    while (start + datetime.timedelta(days=30)).weekday() >= 5:
        start -= datetime.timedelta(days=1)
    return start


def test_a_new_hire_answers_a_check_in_and_the_recruiter_sees_the_flag(
    page, live_server, admin, settings, artifacts
):
    settings.SITE_URL = live_server.url
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    recruiter = RecruiterFactory(first_name="Rosa", last_name="Recruiter")
    requisition = RequisitionFactory(
        title="Senior Data Engineer",
        recruiter=recruiter,
        hiring_leader=HiringLeaderFactory(first_name="Dana", last_name="Okafor"),
    )
    candidate = CandidateFactory(
        first_name="Ada", last_name="Lovelace", email="ada@mail.example", owner=recruiter
    )
    application = ApplicationFactory(candidate=candidate, requisition=requisition, stage="offer")
    start = a_weekday_31_or_more_days_ago()
    # The hire was recorded on the start date; its day-30 check-in is due by now.
    with time_machine.travel(datetime.datetime.combine(start, datetime.time(8, 0), datetime.UTC)):
        placement = candidate_services.placement_record(
            application=application, start_date=start, by=recruiter
        )

    mail.outbox = []
    for claim in services.followups_claim_due():
        assert services.followup_deliver(followup_id=claim.followup_id, token=claim.token) == "sent"
    # Ada also heard that her application moved to Hired; the check-in is the one with a link.
    (email,) = [m for m in mail.outbox if m.to == ["ada@mail.example"] and "/checkin/" in m.body]
    assert email.subject.startswith("How are your first")
    link = re.search(r"https?://\S+/checkin/\S+/", email.body).group(0)
    assert link.startswith(live_server.url)

    page.set_viewport_size(PHONE)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("How is it going?")
    expect(page.locator(".card__lead")).to_contain_text("Senior Data Engineer")
    page.get_by_label("2 — Not great").check()
    page.get_by_label("Anything you would like us to know?").fill(
        "My manager left in my second week and nobody has picked up my onboarding."
    )
    page.screenshot(path=artifacts / "phone-new-hire-checkin.png", full_page=True)
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(page.get_by_role("status")).to_contain_text("They will be in touch about it soon.")
    page.screenshot(path=artifacts / "phone-new-hire-checkin-thanks.png", full_page=True)

    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, recruiter)
    # The recruiter's day starts on Today, where the flag waits with the others.
    flags = page.locator(
        "section", has=page.get_by_role("heading", name=re.compile("Check-in flags"))
    )
    expect(flags).to_contain_text("Ada Lovelace")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Candidates").click()
    page.get_by_label("Search candidates").fill("lovelace")
    page.get_by_role("link", name="Ada Lovelace").click()
    tasks = page.locator("section", has=page.get_by_role("heading", name=re.compile("Open tasks")))
    expect(tasks).to_contain_text("Check-in flag")
    expect(tasks).to_contain_text("Check-in flag: Ada Lovelace scored 2/5")
    expect(tasks).to_contain_text("For you")
    checkins = page.locator("section", has=page.get_by_role("heading", name="Post-hire check-ins"))
    expect(checkins).to_contain_text("2/5")
    expect(checkins).to_contain_text("My manager left in my second week")
    expect(checkins).to_contain_text("(new hire)")
    expect(page.locator("#timeline")).to_contain_text("Ada Lovelace answered a check-in: 2/5")
    page.screenshot(path=artifacts / "recruiter-candidate-checkin-flag.png", full_page=True)

    page.set_viewport_size(PHONE)
    page.reload()
    page.screenshot(path=artifacts / "phone-recruiter-candidate-checkin-flag.png", full_page=True)
    assert fits(page, PHONE["width"])
    answered = FollowUp.objects.get(
        placement=placement, audience="new_hire", cadence_step__offset_days=30
    )
    assert answered.response.score == 2
    assert FollowUp.objects.filter(key=f"checkin-flag:{answered.pk}", state="scheduled").exists()


def test_the_follow_up_pages_pass_axe_core(page, live_server, admin, artifacts):
    candidate = CandidateFactory(first_name="Grace", last_name="Hopper")
    FollowUpFactory(
        candidate=candidate,
        state="failed",
        attempts=5,
        last_error="SMTPRecipientsRefused: 550 5.1.1 no such mailbox",
    )
    FollowUpFactory(candidate=candidate, due_at=timezone.now() + datetime.timedelta(days=2))
    FollowUpFactory(
        candidate=candidate, channel="task", audience="recruiter", template=None, task_title="Call"
    )
    cadence = Cadence.objects.get(name="Post-hire check-ins")
    step = cadence.steps.order_by("offset_days", "pk").first()
    checked = {}
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, admin)

    page.goto(f"{live_server.url}/followups/cadences/")
    checked["cadence list"] = serious_violations(page)
    page.goto(f"{live_server.url}/followups/cadences/{cadence.pk}/")
    checked["cadence detail"] = serious_violations(page)
    step_row = page.locator(f"#step-{step.pk}")
    step_row.get_by_role("link", name="Edit").click()
    expect(step_row.get_by_label("Day", exact=True)).to_be_visible()
    checked["cadence detail, editing a step"] = serious_violations(page)
    page.locator(f"#step-{step.pk}").get_by_role("link", name="Cancel").click()
    page.locator(f"#step-{step.pk}").get_by_role("link", name="Delete").click()
    expect(page.get_by_role("button", name="Delete step")).to_be_visible()
    checked["cadence detail, confirming a delete"] = serious_violations(page)
    page.goto(f"{live_server.url}/followups/templates/")
    checked["template list"] = serious_violations(page)
    page.goto(f"{live_server.url}/followups/templates/{step.template_id}/edit/")
    checked["template editor"] = serious_violations(page)
    page.get_by_label("Message").fill("Hello {{ nobody }}")
    expect(page.locator("#template-preview")).to_contain_text("Unknown placeholder")
    checked["template editor, with a problem"] = serious_violations(page)
    page.goto(f"{live_server.url}/followups/outbox/")
    checked["outbox"] = serious_violations(page)
    page.goto(f"{live_server.url}/followups/outbox/?q=nobody")
    checked["outbox, no match"] = serious_violations(page)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/followups/outbox/")
    checked["outbox, phone"] = serious_violations(page)
    page.goto(f"{live_server.url}/followups/cadences/{cadence.pk}/")
    checked["cadence detail, phone"] = serious_violations(page)

    assert {name: found for name, found in checked.items() if found} == {}
