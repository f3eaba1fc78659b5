"""The leader's sign-in pages and a busy progress page (leader and "view as leader") checked by
the Nu Html Checker: no errors."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from candidates.models import Activity, Application
from hiring_leaders import sign_in
from tests.candidates.factories import ApplicationFactory, CommitmentFactory
from tests.hiring_leaders.progress_page import open_page, part_urls
from tests.recruitcrm import valid_html

pytestmark = [pytest.mark.django_db, pytest.mark.page_checkers]


def test_the_leader_pages_are_valid_html(client, leader, recruiter, requisition, tmp_path):
    now = timezone.now()
    for n, stage in enumerate(Application.Stage.values * 3):
        ApplicationFactory(
            requisition=requisition,
            stage=stage,
            stage_changed_at=now - datetime.timedelta(days=n),
        )
    Activity.objects.create(
        kind=Activity.Kind.NOTE,
        requisition=requisition,
        hiring_leader=leader,
        actor=recruiter,
        shared_with_leader=True,
        summary="Strong week",
        body="Three screens booked.\n\nMore soon.",
    )
    CommitmentFactory(candidate=None, hiring_leader=leader, requisition=requisition)
    progress_url = reverse("hiring_leaders:requisition_detail", args=[requisition.pk])
    pages = {}
    anonymous = Client()
    for url in (
        reverse("hiring_leaders:sign_in") + f"?next={progress_url}",
        reverse("hiring_leaders:sign_in_sent"),
    ):
        pages[url] = valid_html.rendered(anonymous, url)
    bad = anonymous.get(reverse("hiring_leaders:sign_in_link", args=["junk"]))
    pages["bad link"] = bad.content.decode()
    anonymous.get(reverse("hiring_leaders:sign_in_link", args=[sign_in.sign_in_token(leader.user)]))
    continue_url = reverse("hiring_leaders:sign_in_continue")
    pages[continue_url] = valid_html.rendered(anonymous, continue_url)
    anonymous.post(continue_url)
    pages[progress_url] = valid_html.rendered(anonymous, progress_url)
    # The page with its parts loaded in place, and each part as a page of its own (no htmx).
    pages["assembled"] = open_page(anonymous, progress_url).content.decode()
    for url in part_urls(anonymous.get(progress_url)).values():
        pages[url] = valid_html.rendered(anonymous, url)
    client.force_login(recruiter)
    as_leader = reverse("clients:requisition_as_leader", args=[requisition.pk])
    pages[as_leader] = valid_html.rendered(client, as_leader)

    assert valid_html.nu_html_checker(pages, tmp_path) == []
