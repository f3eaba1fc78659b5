"""A recruiter imports a CSV in Chromium: upload, read the preview, choose, confirm, find them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from candidates.models import Application, Candidate
from tests.browser.axe import serious_violations
from tests.browser.layout import fits
from tests.candidates.factories import CandidateFactory
from tests.candidates.import_helpers import csv_bytes
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
    page.evaluate("window.__notReloaded = true")


def still_same_page(page) -> bool:
    return page.evaluate("window.__notReloaded === true")


def test_a_recruiter_imports_a_csv_with_one_bad_row(page, live_server, artifacts):
    recruiter = RecruiterFactory(first_name="Rosa", last_name="Recruiter")
    RequisitionFactory(title="Platform Lead", recruiter=recruiter)
    on_file = CandidateFactory(
        first_name="Grace", last_name="Hopper", email="grace.hopper@example.com", headline=""
    )
    data = csv_bytes(
        [
            {
                "First name": "Ada",
                "Last name": "Lovelace",
                "Email": "ada.lovelace@example.com",
                "Phone": "+44 20 7946 0001",
                "Title": "Staff engineer",
                "Source": "Referral",
                "Tags": "python; mentoring",
                "Requisition": "Platform Lead",
            },
            {
                "First name": "Alan",
                "Last name": "Turing",
                "Email": "alan.turing@example.com",
                "Source": "linkedin",
            },
            {
                "First name": "Grace",
                "Last name": "Hopper",
                "Email": "Grace.Hopper@example.com",
                "Title": "Compiler lead",
            },
            {"First name": "Katherine", "Last name": "Johnson", "Email": "katherine@"},
        ]
    )
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, recruiter)

    page.goto(f"{live_server.url}/candidates/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import candidates from a CSV file")
    assert serious_violations(page) == []
    page.screenshot(path=artifacts / "import-upload.png", full_page=True)
    page.get_by_label("CSV file").set_input_files(
        {"name": "spring-fair.csv", "mimeType": "text/csv", "buffer": data}
    )
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check “spring-fair.csv” before importing"
    )
    summary = page.locator("#decision-summary")
    expect(summary).to_contain_text("2 new candidates, owned by you")
    expect(summary).to_contain_text("1 person on file left as they are")
    expect(summary).to_contain_text("1 row with errors left out")
    rows = page.locator("#import-rows")
    expect(rows).to_contain_text("Ada Lovelace")
    expect(rows).to_contain_text("Platform Lead")
    assert serious_violations(page) == []
    page.screenshot(path=artifacts / "import-preview.png", full_page=True)

    mark_page(page)
    page.get_by_role("link", name=re.compile("^Errors")).click()
    expect(rows).to_contain_text("“katherine@” is not a valid email address")
    expect(page).to_have_url(re.compile(r"\?show=error$"))
    page.get_by_role("link", name=re.compile("^Already on file")).click()
    expect(rows).to_contain_text("title → Compiler lead")
    page.get_by_role("button", name="Update Grace Hopper").click()
    expect(page.get_by_role("button", name="Update Grace Hopper")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(summary).to_contain_text("1 person on file updated")
    expect(page.locator("#import-flash")).to_have_text("Row 4, Grace Hopper: will update.")
    assert still_same_page(page), "choosing update reloaded the page instead of the row"
    assert serious_violations(page) == []
    page.screenshot(path=artifacts / "import-preview-matches.png", full_page=True)

    page.set_viewport_size(PHONE)
    page.screenshot(path=artifacts / "phone-import-preview-matches.png", full_page=True)
    assert fits(page, PHONE["width"])
    page.get_by_role("link", name=re.compile("^New candidates")).click()
    expect(rows).to_contain_text("alan.turing@example.com")
    page.screenshot(path=artifacts / "phone-import-preview.png", full_page=True)
    assert fits(page, PHONE["width"])
    page.set_viewport_size(LAPTOP)

    page.get_by_role("button", name="Import 3 people").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Imported “spring-fair.csv”")
    expect(page.get_by_role("status").first).to_contain_text("Imported 2 candidates, updated 1.")
    expect(page.locator("#import-rows")).to_contain_text("“katherine@”")
    assert serious_violations(page) == []
    page.screenshot(path=artifacts / "import-result.png", full_page=True)

    page.get_by_role("link", name="See the candidates").click()
    expect(page).to_have_url(f"{live_server.url}/candidates/")
    expect(page.locator("main")).to_contain_text("Ada Lovelace")
    expect(page.locator("main")).to_contain_text("Alan Turing")
    expect(page.locator("main")).not_to_contain_text("Katherine Johnson")
    on_file.refresh_from_db()
    assert on_file.headline == "Compiler lead"
    ada = Candidate.objects.get(email="ada.lovelace@example.com")
    assert ada.owner == recruiter
    assert Application.objects.filter(candidate=ada, requisition__title="Platform Lead").exists()
