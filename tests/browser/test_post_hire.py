"""After the hire, in Chromium: the new hire's low check-in score is tagged from Today with one
click, the leader answers the 90-day check-in with the intake quoted back, and both show on
the post-hire analytics page, at desk and phone width."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from candidates import services as candidate_services
from followups import links
from followups.models import CheckInResponse, FollowUp
from hiring_leaders.models import Intake
from tests.browser.axe import serious_violations
from tests.browser.layout import fits
from tests.browser.test_followups import LAPTOP, PHONE, sign_in
from tests.browser.test_today import htmx_settled
from tests.candidates.factories import ApplicationFactory, CandidateFactory
from tests.hiring_leaders.factories import HiringLeaderWithLoginFactory, RequisitionFactory
from tests.recruitcrm.factories import RecruiterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-posthire2")


@pytest.fixture
def hired(shipped_cadences):
    """Ada started as Firmware Engineer 91 days ago: every check-in is due."""
    recruiter = RecruiterFactory(first_name="Maya", last_name="Okafor")
    leader = HiringLeaderWithLoginFactory(first_name="Dana", last_name="Kim")
    role = RequisitionFactory(
        title="Firmware Engineer", recruiter=recruiter, hiring_leader=leader, company=leader.company
    )
    Intake.objects.create(
        requisition=role,
        why_open="backfill",
        team_short_of="Nobody owns the bootloader since Sam left; releases slip a week.",
        success_90_days="Ships the quarterly release without help.",
    )
    application = ApplicationFactory(
        requisition=role,
        stage="offer",
        candidate=CandidateFactory(owner=recruiter, first_name="Ada", last_name="Byte"),
    )
    start = timezone.localdate() - datetime.timedelta(days=91)
    with time_machine.travel(start):
        placement = candidate_services.placement_record(
            application=application, start_date=start, by=recruiter
        )
    SHOTS.mkdir(exist_ok=True)
    return recruiter, leader, placement


def checkin_link(live_server, placement, audience, day) -> str:
    followup = FollowUp.objects.get(
        placement=placement, audience=audience, cadence_step__offset_days=day
    )
    return live_server.url + f"/checkin/{links.checkin_token(followup.pk)}/"


def test_a_flag_tagged_from_today_and_a_90_day_answer_on_the_analytics_page(
    page, live_server, hired
):
    recruiter, leader, placement = hired

    # The new hire scores the 30-day check-in 2 out of 5: a flag for Maya.
    page.set_viewport_size(PHONE)
    page.goto(checkin_link(live_server, placement, "new_hire", 30))
    page.get_by_label("2 — Not great").check()
    page.get_by_label("Anything you would like us to know?").fill("Nobody set up my laptop")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")

    # The leader's 90-day check-in quotes the intake and asks whether the hire solved it.
    page.goto(checkin_link(live_server, placement, "hiring_leader", 90))
    expect(page.get_by_text("What you told us when the search started:")).to_be_visible()
    expect(page.get_by_text("Nobody owns the bootloader since Sam left")).to_be_visible()
    page.screenshot(path=SHOTS / "checkin-90-day-phone.png", full_page=True)
    assert fits(page, PHONE["width"])
    assert serious_violations(page) == []
    page.get_by_label("4 — Good").check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("alert")).to_contain_text("Say whether the hire solved the problem")
    page.get_by_label("Partly").check()
    page.get_by_label("Anything you would like us to know?").fill(
        "Owns the bootloader; the release backlog still lands on me."
    )
    page.set_viewport_size(LAPTOP)
    page.screenshot(path=SHOTS / "checkin-90-day-desktop.png", full_page=True)
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert CheckInResponse.objects.get(audience="hiring_leader").solved_problem == "partly"

    # Maya tags the flag from Today with one click: it leaves the queue, the counts follow.
    sign_in(page, live_server, recruiter)
    flags = page.locator("#section-flags")
    expect(flags).to_contain_text("Nobody set up my laptop")
    page.screenshot(path=SHOTS / "today-flag-desktop.png", full_page=True)
    assert serious_violations(page) == []
    flags.get_by_role("button", name="Onboarding").click()
    htmx_settled(page)
    expect(page.locator("#flash")).to_contain_text("Tagged the check-in from Ada Byte: Onboarding.")
    expect(page.locator("#section-flags")).to_have_count(0)
    expect(page.locator(".health__item", has_text="Open check-in flags")).to_contain_text("0")
    page.screenshot(path=SHOTS / "today-after-tag-desktop.png", full_page=True)
    assert CheckInResponse.objects.get(audience="new_hire").concern_theme == "onboarding"

    # Both show on the post-hire analytics page.
    page.goto(f"{live_server.url}/analytics/post-hire/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Post-hire analytics")
    solved = page.locator(".solved-card")
    expect(solved).to_contain_text("Backfill: someone left — Nobody owns the bootloader")
    expect(solved).to_contain_text("Partly")
    expect(solved).to_contain_text("the release backlog still lands on me")
    concerns = page.locator("section", has=page.get_by_role("heading", name="Concerns by theme"))
    expect(concerns.locator("tfoot").first).to_contain_text("1 (100%)")
    expect(page.locator(".analytics-counted")).to_contain_text("Counted")
    page.screenshot(path=SHOTS / "post-hire-desktop.png", full_page=True)
    assert serious_violations(page) == []
    page.set_viewport_size(PHONE)
    page.screenshot(path=SHOTS / "post-hire-phone.png", full_page=True)
    assert fits(page, PHONE["width"])

    # And the leader reads it back on their progress page.
    page.get_by_role("button", name="Log out").click()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, leader.user)
    page.goto(f"{live_server.url}/leader/requisitions/{placement.application.requisition_id}/")
    report = page.locator(".solved-report")
    expect(report).to_contain_text("At 90 days you said:")
    expect(report).to_contain_text("Partly")
    page.screenshot(path=SHOTS / "progress-solved-phone.png", full_page=True)


def test_the_page_shows_the_companies_with_most_answers_and_the_rest_in_the_csv(
    page, live_server, shipped_cadences, monkeypatch
):
    """With more companies than the page shows (one here, fifteen in use), the line under the
    table says how many more and links to the CSV, which has them all."""
    from followups import post_hire
    from tests.followups.test_post_hire_analytics import answer, hire
    from tests.hiring_leaders.factories import CompanyFactory

    monkeypatch.setattr(post_hire, "LEADING", 1)
    recruiter = RecruiterFactory(first_name="Maya", last_name="Okafor")
    for name, scores in (("Northwind", [4, 5]), ("Initech", [2])):
        company = CompanyFactory(name=name)
        for n, score in enumerate(scores):
            answer(hire(f"{name}{n}", company, recruiter), 30, "new_hire", score)
    SHOTS.mkdir(exist_ok=True)
    sign_in(page, live_server, recruiter)
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/analytics/post-hire/")
    scores = page.locator("section", has=page.get_by_role("heading", name="Check-in scores"))
    expect(scores.locator("tbody").first).to_contain_text("Northwind")
    expect(scores.locator("tbody").first).not_to_contain_text("Initech")
    more = scores.locator(".analytics-more").first
    expect(more).to_have_text("And 1 more company with fewer — all of them in the CSV download.")
    assert "export=scores-by-company" in more.get_by_role("link").get_attribute("href")
    page.screenshot(path=SHOTS / "post-hire-more-desktop.png", full_page=True)
    assert serious_violations(page) == []
    page.set_viewport_size(PHONE)
    page.screenshot(path=SHOTS / "post-hire-more-phone.png", full_page=True)
    assert fits(page, PHONE["width"])
