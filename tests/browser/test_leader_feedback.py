"""A hiring leader passes on a candidate in Chromium, and the recruiter sees it on Today; the
leader's weekly digest as a mail client would render its HTML part, at desk and phone width."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from candidates import services as candidate_services
from candidates.models import Application, LeaderFeedback
from followups import digest, services
from followups.composing import followup_parts, message_context
from followups.models import FollowUp
from hiring_leaders import services as requisition_services
from tests.browser.layout import fits
from tests.browser.test_followups import (
    LAPTOP,
    PHONE,
    serious_violations,
    sign_in,
)
from tests.candidates.factories import CandidateFactory
from tests.hiring_leaders.factories import HiringLeaderWithLoginFactory, RequisitionFactory
from tests.recruitcrm.factories import RecruiterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def submitted(shipped_cadences):
    recruiter = RecruiterFactory(first_name="Rosa", last_name="Recruiter")
    leader = HiringLeaderWithLoginFactory(first_name="Dana", last_name="Kim")
    role = RequisitionFactory(
        title="Platform Engineer", recruiter=recruiter, hiring_leader=leader, company=leader.company
    )
    ada = CandidateFactory(owner=recruiter, first_name="Ada", last_name="Lovelace")
    application = candidate_services.application_create(
        candidate=ada, requisition=role, by=recruiter, stage=Application.Stage.SCREENED
    )
    candidate_services.application_move(
        application=application, stage=Application.Stage.SUBMITTED, by=recruiter
    )
    return recruiter, leader, role, application


def test_a_leader_passes_with_a_reason_and_the_recruiter_sees_it_on_today(
    page, live_server, submitted, artifacts
):
    recruiter, leader, role, application = submitted
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, leader.user)
    page.goto(f"{live_server.url}/leader/requisitions/{role.pk}/")
    row = page.locator(f"#feedback-{application.pk}")
    row.get_by_text("Pass").first.click()
    row.get_by_label("Main reason").select_option(label="Wrong level for the role")
    row.get_by_label("Why, in a few words").fill("Strong, but we need someone more senior")
    page.screenshot(path=artifacts / "leader-feedback-pass.png", full_page=True)
    row.get_by_role("button", name="Pass on Ada Lovelace").click()
    expect(page.locator(f"#feedback-{application.pk}")).to_contain_text("never your words")
    assert serious_violations(page) == []
    feedback = LeaderFeedback.objects.get()
    assert (feedback.kind, feedback.reason) == ("pass", "level")

    page.get_by_role("button", name="Log out").click()
    sign_in(page, live_server, recruiter)
    section = page.locator("#section-from_leaders")
    expect(section).to_contain_text("Dana Kim passed on Ada Lovelace (Platform Engineer)")
    expect(section).to_contain_text("Wrong level for the role")
    expect(section).to_contain_text("we need someone more senior")
    page.screenshot(path=artifacts / "today-from-leaders.png", full_page=True)


def test_the_digest_reads_well_in_a_browser_at_desk_and_phone_width(page, submitted, artifacts):
    recruiter, leader, role, _ = submitted
    RequisitionFactory(
        title="Data Lead",
        recruiter=recruiter,
        hiring_leader=leader,
        company=leader.company,
        status="on_hold",
        status_reason="The budget is being reviewed",
    )
    until = timezone.now() + datetime.timedelta(hours=1)
    while not digest.asks_about_hold(until):
        until += datetime.timedelta(days=7)
    services.followups_schedule_weekly_update(requisition=role)
    sent = FollowUp.objects.get(key__startswith="digest:")
    FollowUp.objects.filter(pk=sent.pk).update(due_at=until)
    sent.refresh_from_db()
    # What the worker sends: the shipped template's subject and opening, then every role.
    html = followup_parts(sent, context=message_context(sent)).html
    for name, size in (("digest-desktop.png", LAPTOP), ("digest-phone.png", PHONE)):
        page.set_viewport_size(size)
        page.set_content(html)
        expect(page.get_by_role("heading", name="Platform Engineer")).to_be_visible()
        expect(page.get_by_role("link", name="Keep it on hold")).to_be_visible()
        page.screenshot(path=artifacts / name, full_page=True)
    assert fits(page, PHONE["width"])


def test_the_feedback_page_and_the_on_hold_question_at_desk_and_phone_width(
    page, live_server, submitted, artifacts
):
    recruiter, leader, role, application = submitted
    paused = RequisitionFactory(
        title="Data Lead", recruiter=recruiter, hiring_leader=leader, company=leader.company
    )
    requisition_services.requisition_put_on_hold(
        requisition=paused, reason="The budget is being reviewed", by=recruiter
    )
    sent = FollowUp.objects.filter(key__startswith="digest:").first()
    token = digest.hold_token(digest_id=sent.pk, requisition_id=paused.pk, answer="reopen")
    sign_in(page, live_server, leader.user)
    feedback = (
        f"{live_server.url}/leader/requisitions/{role.pk}/candidates/{application.pk}/feedback/"
    )
    for width, size in (("desktop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.goto(feedback + "?kind=pass")
        page.get_by_text("Ask").first.click()
        page.screenshot(path=artifacts / f"leader-feedback-page-{width}.png", full_page=True)
        assert fits(page, PHONE["width"]) or width == "desktop"
        page.goto(f"{live_server.url}/on-hold/{token}/")
        expect(page.get_by_role("button", name="Confirm: Reopen it")).to_be_visible()
        page.screenshot(path=artifacts / f"on-hold-confirm-{width}.png", full_page=True)
    page.get_by_role("button", name="Confirm: Reopen it").click()
    expect(page.get_by_role("status")).to_contain_text("will reopen Data Lead")
    assert serious_violations(page) == []
    page.screenshot(path=artifacts / "on-hold-answered-phone.png", full_page=True)
