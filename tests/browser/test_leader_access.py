"""A hiring leader in a real Chromium: opens a role's page signed out, asks for a sign-in link,
opens it from the copy a real SMTP server received, confirms, and reads the role's progress
page, on a laptop and on a phone."""

from __future__ import annotations

import datetime
import email
import email.policy
import re
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from candidates.models import Activity
from candidates.pipeline import application_create, application_move
from followups import outbound_mail
from recruitcrm.celery import app as celery_app
from tests.browser.axe import serious_violations
from tests.browser.layout import page_width
from tests.candidates.factories import CandidateFactory, CommitmentFactory
from tests.followups import harness
from tests.hiring_leaders.factories import HiringLeaderFactory, RequisitionFactory
from tests.recruitcrm.factories import RecruiterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def mailbox(settings, live_server):
    """A real SMTP server; the sign-in email's worker runs in the request (Celery eager), so
    the message arrives as a worker would send it."""
    with harness.smtp_sink() as (box, port):
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
            }
        }
        settings.SITE_URL = live_server.url
        eager = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True
        try:
            yield box
        finally:
            celery_app.conf.task_always_eager = eager
            outbound_mail.drop()


def _history(requisition, recruiter) -> None:
    """Eight weeks of work on the role, week by week, through the real services: people
    added each week, the previous week's contacted, the week before's screened."""
    now = timezone.now()
    weeks: list[list] = []
    for week in range(8, -1, -1):
        with time_machine.travel(now - datetime.timedelta(weeks=week, hours=2), tick=False):
            added = [
                application_create(
                    candidate=CandidateFactory(owner=recruiter, headline="Backend engineer"),
                    requisition=requisition,
                    by=recruiter,
                )
                for _ in range(3 + week % 3)
            ]
            if weeks:
                weeks[-1] = [
                    application_move(application=a, stage="contacted", by=recruiter)
                    for a in weeks[-1][:3]
                ]
            if len(weeks) > 1:
                for application in weeks[-2][:1]:
                    application_move(application=application, stage="screened", by=recruiter)
            weeks.append(added)


@pytest.fixture
def role(transactional_db):
    recruiter = RecruiterFactory(first_name="Rosa", last_name="Recruiter")
    leader = HiringLeaderFactory(first_name="Dana", last_name="Kim", email="dana@northwind.example")
    requisition = RequisitionFactory(
        title="Platform Lead",
        hiring_leader=leader,
        recruiter=recruiter,
        location="Berlin",
        opened_on=timezone.localdate() - datetime.timedelta(days=60),
    )
    _history(requisition, recruiter)
    now = timezone.now()
    for first, last, headline, stages, days in [
        ("Ada", "Lovelace", "Staff engineer at a logistics firm", ["screened", "submitted"], 6),
        ("Ravi", "Tran", "Platform engineer", ["screened", "submitted"], 1),
        ("Ruth", "Edwards", "Engineering manager", ["submitted", "interviewing"], 9),
    ]:
        candidate = CandidateFactory(
            first_name=first, last_name=last, headline=headline, location="Berlin"
        )
        with time_machine.travel(now - datetime.timedelta(days=days + 3), tick=False):
            application = application_create(
                candidate=candidate, requisition=requisition, by=recruiter, stage="contacted"
            )
            application_move(application=application, stage=stages[0], by=recruiter)
        with time_machine.travel(now - datetime.timedelta(days=days), tick=False):
            application_move(application=application, stage=stages[1], by=recruiter)
    Activity.objects.create(
        kind=Activity.Kind.NOTE,
        requisition=requisition,
        hiring_leader=leader,
        actor=recruiter,
        shared_with_leader=True,
        occurred_at=now - datetime.timedelta(days=1),
        summary="Strong week of screening",
        body="Three people I am excited about; Ada is the one to read first.",
    )
    CommitmentFactory(
        candidate=None,
        hiring_leader=leader,
        recruiter=recruiter,
        requisition=requisition,
        description="Shortlist of three by Friday",
    )
    return requisition


def test_a_leader_signs_in_with_an_emailed_link_and_reads_the_progress_page(
    page, live_server, mailbox, role, artifacts
):
    page.set_viewport_size(LAPTOP)
    role_url = f"{live_server.url}/leader/requisitions/{role.pk}/"

    # A link from a digest, opened signed out: the page offers a fresh link.
    page.goto(role_url)
    expect(page.get_by_text("Sign in to see that page.")).to_be_visible()
    page.get_by_label("Your work email").fill("Dana@Northwind.example")
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    (message,) = mailbox.messages
    assert message["To"] == "dana@northwind.example"
    parsed = email.message_from_bytes(mailbox.raw[0], policy=email.policy.default)
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://\S+/leader/sign-in/\S+/", text).group(0)

    page.goto(link)

    # Opening the link asks to confirm, from an address without the token (a mail scanner's
    # visit would stop here and spend nothing); confirming signs in and goes back to the page.
    assert link.rsplit("/", 2)[-2] not in page.url
    page.get_by_role("button", name="Continue as Dana Kim").click()
    expect(page.get_by_role("heading", name="Platform Lead", level=1)).to_be_visible()
    assert page.url == role_url
    expect(page.get_by_role("heading", name="Platform Lead", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Waiting on you")).to_be_visible()
    expect(page.get_by_role("cell", name="Ada Lovelace Staff engineer")).to_be_visible()
    expect(page.get_by_text("Strong week of screening")).to_be_visible()
    expect(page.get_by_text("Shortlist of three by Friday")).to_be_visible()
    expect(page.locator(".progress-part[data-hx-get]")).to_have_count(0)
    assert serious_violations(page) == []
    page.screenshot(path=artifacts / "leader-progress.png", full_page=True)

    shots = Path("/tmp/shots-shell")
    shots.mkdir(exist_ok=True)
    page.screenshot(path=shots / "leader-progress.png", full_page=True)

    page.set_viewport_size(PHONE)
    page.reload()
    # The parts load after the shell: wait until every placeholder has been replaced.
    expect(page.locator(".progress-part[data-hx-get]")).to_have_count(0)
    expect(page.get_by_text("Shortlist of three by Friday")).to_be_visible()
    page.screenshot(path=shots / "phone-leader-progress.png", full_page=True)
    width = page_width(page)
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"
    assert serious_violations(page) == []
    page.screenshot(path=artifacts / "phone-leader-progress.png", full_page=True)

    # The same link again, signed out: spent.
    page.get_by_role("button", name="Log out").click()
    page.goto(link)
    expect(page.get_by_text("already been used, or no longer works")).to_be_visible()
