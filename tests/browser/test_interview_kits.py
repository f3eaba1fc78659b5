"""The recruiter opens the interview kit, an interviewer submits a scorecard through its link,
and the recruiter reads the scorecards side by side, in Chromium at desk and phone width."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from candidates import scorecards
from candidates.models import Application
from followups import links, panel_mail
from hiring_leaders import interview_kits as kits
from hiring_leaders.models import InterviewKit, PanelMember
from tests.browser.axe import serious_violations
from tests.browser.layout import fits
from tests.browser.test_followups import LAPTOP, PHONE, sign_in
from tests.candidates.factories import ApplicationFactory, CandidateFactory
from tests.hiring_leaders.factories import HiringLeaderWithLoginFactory, RequisitionFactory
from tests.hiring_leaders.kit_factories import IntakeFactory
from tests.recruitcrm.factories import RecruiterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-kits")


@pytest.fixture
def shots() -> Path:
    SHOTS.mkdir(exist_ok=True)
    return SHOTS


@pytest.fixture
def role(monkeypatch):
    # Panel mail stays in its rows: no worker runs here, and nothing should reach a broker.
    monkeypatch.setattr(panel_mail, "_hand_over", lambda ids: None)
    recruiter = RecruiterFactory(first_name="Maya", last_name="Recruiter")
    leader = HiringLeaderWithLoginFactory(first_name="Lee", last_name="Harper")
    requisition = RequisitionFactory(
        title="Senior Data Engineer",
        recruiter=recruiter,
        hiring_leader=leader,
        company=leader.company,
    )
    IntakeFactory(
        requisition=requisition,
        must_haves=(
            "Python for data pipelines in production\n"
            "PostgreSQL at scale (tuning, partitioning)\n"
            "Has owned on-call for a data platform"
        ),
        interview_panel="Marta Silva <marta@client.example>",
    )
    kits.interview_kit_generate(requisition=requisition, by=recruiter)
    candidate = CandidateFactory(owner=recruiter, first_name="Liam", last_name="Iyer")
    application = ApplicationFactory(
        candidate=candidate, requisition=requisition, stage=Application.Stage.INTERVIEWING
    )
    interview = scorecards.interview_book(
        application=application,
        kit_round=InterviewKit.objects.get().rounds.get(name="Panel / technical interview"),
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        interviewers=list(PanelMember.objects.filter(requisition=requisition)),
        by=recruiter,
    )
    return recruiter, requisition, application, interview


def test_open_the_kit_submit_a_scorecard_by_its_link_and_read_them_side_by_side(
    page, live_server, role, shots
):
    recruiter, requisition, application, interview = role
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, recruiter)

    # The kit, reached from the requisition page.
    page.goto(f"{live_server.url}/requisitions/{requisition.pk}/")
    page.get_by_role("link", name="Interview kit").click()
    expect(page.get_by_role("heading", name="Interview kit")).to_be_visible()
    expect(page.locator("#criteria")).to_contain_text("PostgreSQL at scale")
    expect(page.locator("#rounds")).to_contain_text("Panel / technical interview")
    page.screenshot(path=shots / "kit-desktop.png", full_page=True)
    assert serious_violations(page) == []
    page.get_by_role("button", name="Share with the leader").click()
    expect(page.get_by_role("status")).to_contain_text("Shared the kit with Lee Harper")
    page.set_viewport_size(PHONE)
    page.screenshot(path=shots / "kit-phone.png", full_page=True)
    assert fits(page, PHONE["width"])

    # Marta opens the link from her email, signed out, and leaves one rating out first.
    marta = interview.scorecards.get(interviewer__email="marta@client.example")
    context = page.context.browser.new_context(viewport=LAPTOP)
    link_page = context.new_page()
    link_page.goto(
        live_server.url + reverse("panel:scorecard", args=[links.scorecard_token(marta.pk)])
    )
    expect(link_page.get_by_role("heading", name="Scorecard: Liam Iyer")).to_be_visible()
    groups = link_page.locator("fieldset.scorecard__criterion")
    expect(groups).to_have_count(3)
    groups.nth(0).get_by_label("Strong yes").check()
    groups.nth(0).get_by_label("What you heard").fill("Rebuilt a nightly load, idempotent steps.")
    groups.nth(1).get_by_label("Yes", exact=True).check()
    link_page.get_by_label("Overall notes").fill("Would hire; coach the on-call gap.")
    link_page.get_by_role("button", name="Send my scorecard").click()
    expect(link_page.get_by_role("alert")).to_contain_text("nothing you typed is lost")
    expect(groups.nth(2)).to_contain_text("Rate “Has owned on-call for a data platform”.")
    expect(groups.nth(0).get_by_label("What you heard")).to_have_value(
        "Rebuilt a nightly load, idempotent steps."
    )
    expect(groups.nth(0).get_by_label("Strong yes")).to_be_checked()
    groups.nth(2).get_by_label("No", exact=True).check()
    link_page.screenshot(path=shots / "scorecard-desktop.png", full_page=True)
    assert serious_violations(link_page) == []
    link_page.get_by_role("button", name="Send my scorecard").click()
    expect(link_page.get_by_role("status").first).to_contain_text("your scorecard is in")
    link_page.set_viewport_size(PHONE)
    link_page.screenshot(path=shots / "scorecard-phone.png", full_page=True)
    assert fits(link_page, PHONE["width"])
    context.close()

    # Maya reads the two side by side: Marta's ratings, Lee not submitted yet.
    page.set_viewport_size(LAPTOP)
    page.goto(
        f"{live_server.url}/requisitions/{requisition.pk}/applications/{application.pk}/interviews/"
    )
    table = page.locator(".scores__table")
    expect(table).to_contain_text("Marta Silva")
    expect(table).to_contain_text("Lee Harper")
    expect(table).to_contain_text("Strong yes")
    expect(table).to_contain_text("Rebuilt a nightly load")
    expect(table).to_contain_text("Not submitted")
    expect(page.locator(".scores")).to_contain_text("1 of 2 scorecards missing")
    page.screenshot(path=shots / "interviews-desktop.png", full_page=True)
    assert serious_violations(page) == []
    page.set_viewport_size(PHONE)
    page.screenshot(path=shots / "interviews-phone.png", full_page=True)
    assert fits(page, PHONE["width"])


def test_the_leader_reads_the_shared_kit_on_a_phone(page, live_server, role, shots):
    _, requisition, _, _ = role
    kits.interview_kit_share(kit=InterviewKit.objects.get())
    leader = requisition.hiring_leader
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, leader.user)
    page.goto(f"{live_server.url}/leader/requisitions/{requisition.pk}/")
    expect(page.locator("#interview-kit")).to_contain_text("Has owned on-call")
    expect(page.locator("#your-scorecards")).to_contain_text("Liam Iyer")
    page.screenshot(path=shots / "leader-progress-phone.png", full_page=True)
    assert fits(page, PHONE["width"])
    assert serious_violations(page) == []
