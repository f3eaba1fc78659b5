"""The pages of a leader's feedback and of the on-hold question, and the digest's HTML part,
checked by the Nu Html Checker: no errors."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from candidates import services as candidate_services
from candidates.models import Application
from followups import digest, services
from followups.composing import followup_parts, message_context
from followups.models import FollowUp
from hiring_leaders import services as requisition_services
from tests.candidates.factories import ApplicationFactory
from tests.hiring_leaders.factories import RequisitionFactory
from tests.recruitcrm import valid_html

pytestmark = [pytest.mark.django_db, pytest.mark.page_checkers]


def test_the_feedback_and_on_hold_pages_and_the_digest_are_valid_html(
    shipped_cadences, client, leader, recruiter, requisition, tmp_path
):
    application = ApplicationFactory(requisition=requisition, stage=Application.Stage.SCREENED)
    candidate_services.application_move(
        application=application, stage=Application.Stage.SUBMITTED, by=recruiter
    )
    paused = RequisitionFactory(hiring_leader=leader, recruiter=recruiter, title="Data & <Lead>")
    requisition_services.requisition_put_on_hold(requisition=paused, reason="Budget", by=recruiter)
    services.followups_schedule_weekly_update(requisition=requisition)
    sent = FollowUp.objects.get(key__startswith="digest:")
    until = timezone.now()
    while not digest.asks_about_hold(until):
        until += timezone.timedelta(days=7)
    FollowUp.objects.filter(pk=sent.pk).update(due_at=until, state="sent")
    sent.refresh_from_db()

    pages = {"digest": followup_parts(sent, context=message_context(sent)).html}
    client.force_login(leader.user)
    feedback = reverse("leader_feedback:feedback", args=[requisition.pk, application.pk])
    pages[feedback] = valid_html.rendered(client, feedback + "?kind=pass")
    refused = client.post(feedback, {"kind": "pass", "reason": "", "text": ""})
    pages["refused"] = refused.content.decode()
    token = digest.hold_token(digest_id=sent.pk, requisition_id=paused.pk, answer="keep")
    hold = reverse("followups:hold_answer", args=[token])
    anonymous = Client()
    pages[hold] = valid_html.rendered(anonymous, hold)
    pages["answered"] = anonymous.post(hold).content.decode()

    assert valid_html.nu_html_checker(pages, tmp_path) == []
