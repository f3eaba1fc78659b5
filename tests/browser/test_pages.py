"""The pages people click, in a real Chromium: search, open, read; leaders see only their own."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from candidates.models import Application
from recruitcrm.models import Heartbeat
from tests.browser.axe import serious_violations
from tests.browser.layout import fits
from tests.candidates.factories import (
    ActivityFactory,
    ApplicationFactory,
    CandidateFactory,
    CommitmentFactory,
)
from tests.hiring_leaders.factories import HiringLeaderWithLoginFactory, RequisitionFactory
from tests.recruitcrm.factories import PASSWORD, AdminUserFactory, RecruiterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1280, "height": 800}


def sign_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def mark_page(page) -> None:
    """Leave a mark in the window: a full page load wipes it, an htmx swap does not."""
    page.evaluate("window.__notReloaded = true")


def still_same_page(page) -> bool:
    return page.evaluate("window.__notReloaded === true")


@pytest.fixture
def recruiter_with_candidates(transactional_db):
    recruiter = RecruiterFactory(first_name="Rosa", last_name="Recruiter")
    colleague = RecruiterFactory(first_name="Carl", last_name="Colleague")
    now = timezone.now()
    annabel = CandidateFactory(
        first_name="Annabel",
        last_name="Smithers",
        email="annabel.smithers@mail.example",
        headline="Senior backend engineer",
        location="Leeds",
        owner=recruiter,
        last_contacted_at=now - datetime.timedelta(days=3),
    )
    for n, (first, last) in enumerate(
        [("Boris", "Jones"), ("Chen", "Wei"), ("Dana", "Okafor"), ("Eli", "Novak")]
        + [(f"Person{n:02d}", f"Sample{n:02d}") for n in range(60)]
    ):
        CandidateFactory(
            first_name=first,
            last_name=last,
            owner=recruiter if n % 3 else colleague,
            last_contacted_at=now - datetime.timedelta(hours=5 * n) if n % 4 else None,
            opted_out_at=now if n == 2 else None,
        )
    ApplicationFactory(
        candidate=annabel,
        requisition=RequisitionFactory(title="Platform Lead", recruiter=recruiter),
        stage=Application.Stage.INTERVIEWING,
    )
    CommitmentFactory(
        candidate=annabel,
        recruiter=recruiter,
        description="Call back about the offer range",
        due_at=now - datetime.timedelta(days=1),
    )
    CommitmentFactory(
        candidate=annabel,
        recruiter=recruiter,
        description="Send interview prep notes",
        due_at=now + datetime.timedelta(days=2),
    )
    for n in range(35):
        ActivityFactory(
            candidate=annabel,
            actor=recruiter,
            kind=["call", "email", "note", "meeting"][n % 4],
            summary=f"Timeline entry {n:02d}",
            occurred_at=now - datetime.timedelta(hours=7 * n + 1),
        )
    return recruiter, annabel


@pytest.fixture
def leaders_with_requisitions(transactional_db):
    leader = HiringLeaderWithLoginFactory(first_name="Lena", last_name="Leader")
    other = HiringLeaderWithLoginFactory()
    recruiter = RecruiterFactory(first_name="Rosa", last_name="Recruiter")
    platform = RequisitionFactory(
        title="Platform Lead", hiring_leader=leader, recruiter=recruiter, location="Remote, EU"
    )
    for stage, how_many in [
        ("sourced", 9),
        ("contacted", 5),
        ("screened", 3),
        ("submitted", 2),
        ("interviewing", 2),
        ("offer", 1),
    ]:
        for _ in range(how_many):
            ApplicationFactory(requisition=platform, stage=stage)
    RequisitionFactory(
        title="Data Engineer",
        hiring_leader=leader,
        recruiter=recruiter,
        status="on_hold",
        status_reason="Budget review until next quarter",
    )
    RequisitionFactory(title="Secret Role At Another Leader", hiring_leader=other)
    return leader, platform


def test_a_recruiter_searches_opens_a_candidate_and_reads_the_timeline(
    page, live_server, recruiter_with_candidates, artifacts
):
    recruiter, annabel = recruiter_with_candidates
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, recruiter)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Candidates").click()
    expect(page.get_by_role("heading", name="Candidates")).to_be_visible()
    expect(page.locator("#candidate-table")).to_contain_text("65 candidates")
    page.screenshot(path=artifacts / "recruiter-candidate-list.png", full_page=True)

    mark_page(page)
    page.get_by_label("Search candidates").press_sequentially("annab", delay=40)
    table = page.locator("#candidate-table")
    expect(table).to_contain_text("Annabel Smithers")
    expect(table).not_to_contain_text("Boris Jones")
    expect(table).to_contain_text("1 candidate matching “annab”")
    expect(page).to_have_url(re.compile(r"/candidates/\?q=annab"))
    assert still_same_page(page), "the search reloaded the page instead of swapping the table"
    page.screenshot(path=artifacts / "recruiter-candidate-search.png", full_page=True)

    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/candidates/")
    expect(table).to_contain_text("Boris Jones")
    page.go_forward()
    expect(table).to_contain_text("1 candidate matching “annab”")
    expect(table).not_to_contain_text("Boris Jones")

    page.get_by_label("Search candidates").fill("")
    page.get_by_label("Search candidates").press_sequentially("zzq", delay=40)
    expect(table).to_contain_text("No candidates match “zzq”")
    page.get_by_label("Search candidates").fill("annabel")
    expect(table).to_contain_text("Annabel Smithers")

    page.get_by_role("link", name="Annabel Smithers").click()
    expect(page).to_have_url(f"{live_server.url}{annabel.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Annabel Smithers")
    expect(page.get_by_text("Platform Lead")).to_be_visible()
    expect(page.locator(".commitment--late")).to_contain_text("Call back about the offer range")
    expect(page.locator(".commitment--late")).to_contain_text("Late")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Timeline entry 00")
    expect(timeline).not_to_contain_text("Timeline entry 30")
    page.screenshot(path=artifacts / "recruiter-candidate-detail.png", full_page=True)

    mark_page(page)
    timeline.get_by_role("link", name="Older").click()
    expect(timeline).to_contain_text("Timeline entry 30")
    expect(timeline).not_to_contain_text("Timeline entry 00")
    expect(page).to_have_url(re.compile(r"\?older="))
    assert still_same_page(page), "the Older link reloaded the page instead of the timeline"

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{annabel.get_absolute_url()}")
    page.screenshot(path=artifacts / "phone-recruiter-candidate-detail.png", full_page=True)
    page.goto(f"{live_server.url}/candidates/")
    page.screenshot(path=artifacts / "phone-recruiter-candidate-list.png", full_page=True)
    assert fits(page, PHONE["width"])


def test_the_search_works_without_javascript_too(
    browser, live_server, recruiter_with_candidates, artifacts
):
    recruiter, _ = recruiter_with_candidates
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, recruiter)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Candidates").click()
    page.get_by_label("Search candidates").fill("smithers")
    page.get_by_role("button", name="Search").click()

    expect(page).to_have_url(re.compile(r"q=smithers"))
    expect(page.locator("#candidate-table")).to_contain_text("Annabel Smithers")
    expect(page.locator("#candidate-table")).not_to_contain_text("Boris Jones")
    context.close()


def test_a_hiring_leader_sees_only_their_own_requisitions(
    page, live_server, leaders_with_requisitions, artifacts
):
    leader, platform = leaders_with_requisitions
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, leader.user)
    expect(page).to_have_url(f"{live_server.url}/leader/requisitions/")
    expect(page.get_by_role("heading", name="My requisitions")).to_be_visible()
    expect(page.get_by_role("link", name="Platform Lead")).to_be_visible()
    expect(page.get_by_role("link", name="Data Engineer")).to_be_visible()
    expect(page.get_by_text("On hold")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Secret Role At Another Leader")
    expect(page.get_by_role("link", name="Candidates")).to_have_count(0)
    page.screenshot(path=artifacts / "leader-requisition-list.png", full_page=True)

    page.get_by_role("link", name="Platform Lead").click()
    expect(page).to_have_url(f"{live_server.url}{platform.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Platform Lead")
    expect(page.locator(".funnel-chart")).to_contain_text("Sourced")
    expect(page.locator(".stat", has_text="In the pipeline")).to_contain_text("22")
    expect(page.locator(".progress-part[data-hx-get]")).to_have_count(0)
    page.screenshot(path=artifacts / "leader-requisition-detail.png", full_page=True)

    page.set_viewport_size(PHONE)
    page.reload()
    # The progress page's parts load after its shell: every placeholder replaced.
    expect(page.locator(".progress-part[data-hx-get]")).to_have_count(0)
    page.screenshot(path=artifacts / "phone-leader-requisition-detail.png", full_page=True)
    assert fits(page, PHONE["width"])
    page.goto(f"{live_server.url}/leader/requisitions/")
    page.screenshot(path=artifacts / "phone-leader-requisition-list.png", full_page=True)
    assert fits(page, PHONE["width"])


def test_the_main_pages_pass_axe_core(
    page, live_server, recruiter_with_candidates, leaders_with_requisitions, artifacts
):
    recruiter, annabel = recruiter_with_candidates
    leader, platform = leaders_with_requisitions
    checked = {}

    page.goto(f"{live_server.url}/accounts/login/")
    checked["login"] = serious_violations(page)
    page.get_by_label("Username").fill(recruiter.username)
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("don\u2019t match")
    page.screenshot(path=artifacts / "login-error.png", full_page=True)
    checked["login with error"] = serious_violations(page)

    sign_in(page, live_server, recruiter)
    expect(page).to_have_url(f"{live_server.url}/")
    checked["today"] = serious_violations(page)
    page.goto(f"{live_server.url}/candidates/")
    checked["candidate list"] = serious_violations(page)
    page.goto(f"{live_server.url}/candidates/?q=nobody-at-all")
    page.screenshot(path=artifacts / "recruiter-candidate-list-no-match.png", full_page=True)
    checked["candidate list, empty"] = serious_violations(page)
    page.goto(f"{live_server.url}{annabel.get_absolute_url()}")
    checked["candidate detail"] = serious_violations(page)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are signed out")).to_be_visible()

    sign_in(page, live_server, leader.user)
    expect(page).to_have_url(f"{live_server.url}/leader/requisitions/")
    checked["leader requisition list"] = serious_violations(page)
    page.goto(f"{live_server.url}{platform.get_absolute_url()}")
    expect(page.locator(".progress-part[data-hx-get]")).to_have_count(0)  # its parts loaded
    checked["leader requisition detail"] = serious_violations(page)

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/leader/requisitions/")
    checked["leader requisition list, phone"] = serious_violations(page)
    page.get_by_role("button", name="Log out").click()

    page.set_viewport_size(LAPTOP)
    Heartbeat.objects.create(process="worker", last_seen_at=timezone.now(), hostname="worker-1")
    sign_in(page, live_server, AdminUserFactory(first_name="Ada", last_name="Admin"))
    expect(page).to_have_url(f"{live_server.url}/team/")
    checked["team"] = serious_violations(page)
    # Twelve columns: the table keeps to a laptop's width rather than running off the page.
    assert fits(page, LAPTOP["width"])
    # An admin's ten links, their name and Log out on one line of the top bar.
    tops = page.locator(".topbar__inner > *").evaluate_all(
        "items => items.map(item => item.getBoundingClientRect().bottom)"
    )
    assert max(tops) <= 48, tops
    page.goto(f"{live_server.url}/system/status/")
    expect(page.locator("tbody tr").first).to_contain_text("Running")
    expect(page.locator("tbody tr").last).to_contain_text("Never seen")
    page.screenshot(path=artifacts / "admin-system-status.png", full_page=True)
    checked["system status"] = serious_violations(page)
    page.goto(f"{live_server.url}/no-such-page/")
    page.screenshot(path=artifacts / "not-found.png", full_page=True)
    checked["not found"] = serious_violations(page)

    assert {name: found for name, found in checked.items() if found} == {}
