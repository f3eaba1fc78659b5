"""Undo of a pipeline move, from the board and from the candidate's page: as if the card had not
moved, and its status email stopped while it still waits out the undo window."""

from __future__ import annotations

import datetime
import html
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from candidates import services as candidate_services
from candidates.models import Activity, Application
from followups import services
from followups.models import FollowUp
from tests.candidates.factories import ApplicationFactory, CandidateFactory
from tests.followups.factories import cadence_with_step
from tests.recruitcrm.factories import RecruiterFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
STATUS_UPDATE = "Status update: submitted (candidate)"
State = FollowUp.State


def text(response) -> str:
    return html.unescape(response.content.decode())


def undo_form(page: str) -> tuple[str, str]:
    """The token and the `next` of the Undo beside the confirmation."""
    form = page.split('class="message__undo"')[1].split("</form>")[0]
    token = re.search(r'name="token" value="([^"]+)"', form).group(1)
    back = re.search(r'name="next" value="([^"]*)"', form).group(1)
    return token, back


def undo(client, token: str, back: str):
    return client.post(reverse("followups:undo"), {"token": token, "next": back})


@pytest.fixture
def application(requisition):
    moved_there = timezone.now() - datetime.timedelta(days=6)
    return ApplicationFactory(
        requisition=requisition,
        stage=Application.Stage.SCREENED,
        stage_changed_at=moved_there,
        candidate=CandidateFactory(first_name="Ana", last_name="Lopez"),
    )


@pytest.fixture
def board(requisition):
    return reverse("clients:requisition_detail", args=[requisition.pk])


def move_on_board(client, requisition, application, stage="submitted", **extra):
    address = reverse("clients:application_move", args=[requisition.pk, application.pk])
    return client.post(address, {"stage": stage}, **extra)


def test_the_board_offers_undo_and_it_puts_everything_back(
    client, recruiter, requisition, application, board, shipped_cadences
):
    client.force_login(recruiter)
    before = application.stage_changed_at

    moved = move_on_board(
        client, requisition, application, HTTP_HX_CURRENT_URL=f"http://testserver{board}", **HTMX
    )
    token, back = undo_form(text(moved))
    update = FollowUp.objects.get(template__name=STATUS_UPDATE)
    undone = undo(client, token, back)

    assert (undone.status_code, undone.url) == (302, board)
    page = text(client.get(undone.url))
    assert (
        "Undone. Ana Lopez is back at Screened for "
        f"{requisition.title}. Nothing about the move had gone out."
    ) in page
    application.refresh_from_db()
    assert (application.stage, application.stage_changed_at) == ("screened", before)
    assert not application.stage_changes.exists()
    assert not Activity.objects.filter(kind=Activity.Kind.STAGE_CHANGE).exists()
    update.refresh_from_db()
    assert (update.state, update.note) == (State.CANCELLED, "The move was undone")


def test_the_status_email_waits_out_the_undo_window_before_it_can_go(
    client, recruiter, requisition, application, shipped_cadences
):
    client.force_login(recruiter)

    move_on_board(client, requisition, application, **HTMX)

    assert services.followups_claim_due() == []
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61)):
        (claim,) = services.followups_claim_due()
    assert claim.followup_id == FollowUp.objects.get(template__name=STATUS_UPDATE).pk


def test_undo_after_the_email_went_says_so(
    client, recruiter, requisition, application, board, shipped_cadences, settings
):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    client.force_login(recruiter)
    moved = move_on_board(
        client, requisition, application, HTTP_HX_CURRENT_URL=f"http://testserver{board}", **HTMX
    )
    token, back = undo_form(text(moved))

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        (claim,) = services.followups_claim_due()
        services.followup_deliver(followup_id=claim.followup_id, token=claim.token)
        page = text(client.get(undo(client, token, back).url))

    assert f"“{STATUS_UPDATE}” had already gone to them: you may want to explain." in page
    application.refresh_from_db()
    assert application.stage == "screened"


def test_undo_is_refused_once_the_candidate_has_moved_again(
    client, recruiter, requisition, application, board
):
    client.force_login(recruiter)
    moved = move_on_board(
        client, requisition, application, HTTP_HX_CURRENT_URL=f"http://testserver{board}", **HTMX
    )
    token, back = undo_form(text(moved))
    move_on_board(client, requisition, application, stage="interviewing", **HTMX)

    page = text(client.get(undo(client, token, back).url))

    assert "Ana Lopez\u2019s pipeline has changed since; move them by hand instead." in page
    application.refresh_from_db()
    assert application.stage == "interviewing"
    assert application.stage_changes.count() == 2


def test_undo_twice_takes_it_back_once(client, recruiter, requisition, application, board):
    client.force_login(recruiter)
    moved = move_on_board(
        client, requisition, application, HTTP_HX_CURRENT_URL=f"http://testserver{board}", **HTMX
    )
    token, back = undo_form(text(moved))
    undo(client, token, back)

    page = text(client.get(undo(client, token, back).url))

    assert "That move was already taken back." in page
    application.refresh_from_db()
    assert application.stage == "screened"


def test_only_the_recruiter_who_moved_can_undo_it(
    client, recruiter, requisition, application, board
):
    client.force_login(recruiter)
    moved = move_on_board(
        client, requisition, application, HTTP_HX_CURRENT_URL=f"http://testserver{board}", **HTMX
    )
    token, back = undo_form(text(moved))
    client.force_login(RecruiterFactory())

    page = text(client.get(undo(client, token, back).url))

    assert "Only the person who did this can undo it." in page
    application.refresh_from_db()
    assert application.stage == "submitted"


def test_undo_starts_again_the_chase_and_the_reminder_the_move_ended(
    recruiter, requisition, application
):
    # At "submitted", waiting on the leader's word; gone quiet, with a reminder due.
    candidate_services.application_move(application=application, stage="submitted", by=recruiter)
    wait = FollowUp.objects.get(key__startswith="feedback-wait:")
    quiet = cadence_with_step("candidate_untouched", audience="recruiter", channel="task")
    reminder = FollowUp.objects.create(
        key="quiet:test",
        cadence_step=quiet,
        template=quiet.template,
        audience="recruiter",
        channel="task",
        candidate=application.candidate,
        recruiter=recruiter,
        due_at=timezone.now() + datetime.timedelta(days=1),
    )
    application.refresh_from_db()
    before = application.stage_changed_at

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        moved = candidate_services.application_move(
            application=application, stage="interviewing", by=recruiter
        )
    stage_change = moved.stage_changes.latest("pk")
    wait.refresh_from_db()
    reminder.refresh_from_db()
    assert (wait.state, reminder.state) == (State.CANCELLED, State.CANCELLED)

    undone, gone = candidate_services.application_move_undo(
        stage_change=stage_change, stage_changed_before=before, by=recruiter
    )

    assert (undone.stage, gone) == ("submitted", [])
    wait.refresh_from_db()
    reminder.refresh_from_db()
    assert (wait.state, wait.note) == (State.SCHEDULED, "")
    assert (reminder.state, reminder.note) == (State.SCHEDULED, "")


def test_a_move_into_submitted_undone_drops_its_chase(recruiter, requisition, application):
    before = application.stage_changed_at
    moved = candidate_services.application_move(
        application=application, stage="submitted", by=recruiter
    )

    candidate_services.application_move_undo(
        stage_change=moved.stage_changes.get(), stage_changed_before=before, by=recruiter
    )

    wait = FollowUp.objects.get(key__startswith="feedback-wait:")
    assert (wait.state, wait.note) == (State.CANCELLED, "The move was undone")


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_the_candidate_page_offers_undo_of_a_move(
    client, recruiter, requisition, application, htmx
):
    client.force_login(recruiter)
    page_url = application.candidate.get_absolute_url()
    address = reverse(
        "candidates:application_move", args=[application.candidate.pk, application.pk]
    )

    response = client.post(
        address,
        {"stage": "submitted"},
        **(HTMX | {"HTTP_HX_CURRENT_URL": f"http://testserver{page_url}"} if htmx else {}),
    )
    page = text(response) if htmx else text(client.get(response.url))
    assert (
        f"Moved Ana Lopez to Submitted for {requisition.title}. Scheduled: “{STATUS_UPDATE}” by "
        "email to Ana Lopez, within a couple of minutes; a task for"
    ) in page
    token, back = undo_form(page)
    undone = undo(client, token, back)

    assert back == page_url
    assert undone.url == page_url
    application.refresh_from_db()
    assert application.stage == "screened"
    assert "Undone. Ana Lopez is back at Screened" in text(client.get(page_url))


def test_a_move_to_where_the_card_already_is_offers_no_undo(
    client, recruiter, requisition, application
):
    client.force_login(recruiter)
    address = reverse(
        "candidates:application_move", args=[application.candidate.pk, application.pk]
    )

    response = client.post(address, {"stage": "screened"}, **HTMX)

    assert "is already at Screened" in text(response)
    assert "message__undo" not in text(response)
