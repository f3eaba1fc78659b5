"""Hiring leaders sign in with a link sent by email: single-use, ten minutes, dead once the
leader's login is switched off, the same answer for any address."""

from __future__ import annotations

import datetime
import json
import re

import pytest
import time_machine
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hiring_leaders import sign_in, tasks
from tests.hiring_leaders.factories import HiringLeaderFactory
from tests.recruitcrm.factories import RecruiterFactory

pytestmark = pytest.mark.django_db

REQUEST_URL = reverse("hiring_leaders:sign_in")
LIST_URL = reverse("hiring_leaders:requisition_list")


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def queued(monkeypatch):
    """The emails asked for, as (address, next) the worker would be given."""
    calls = []
    monkeypatch.setattr(tasks.send_leader_sign_in_link, "delay", lambda *a: calls.append(a))
    return calls


def link_in(message) -> str:
    return re.search(r"http://\S+/leader/sign-in/[^/\s]+/", message.body).group(0)


CONTINUE_URL = reverse("hiring_leaders:sign_in_continue")


def use(client, link: str):
    """Open the link, then confirm on the page it leads to, as a person does."""
    opened = client.get(link)
    if opened.status_code != 302:
        return opened
    assert opened.url == CONTINUE_URL
    return client.post(CONTINUE_URL)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


# ---------- asking for a link ----------


def test_a_known_and_an_unknown_address_get_the_same_answer(
    client, leader, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(REQUEST_URL, {"email": leader.email.upper()})
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(REQUEST_URL, {"email": "nobody@nowhere.example"})

    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("hiring_leaders:sign_in_sent")
    # The request only queues the work, the same for both: the worker looks the address up.
    assert queued == [(leader.email.upper(), ""), ("nobody@nowhere.example", "")]
    sent = client.get(known.url)
    assert "If that address belongs to a hiring leader we work with" in text(sent)


def test_a_bad_address_is_asked_for_again(client, queued):
    response = client.post(REQUEST_URL, {"email": "not an address"})

    assert response.status_code == 200
    assert "Enter an email address" in text(response)
    assert queued == []


def test_asking_too_often_is_throttled_whoever_asks(client, leader, queued, settings):
    settings.SIGN_IN_ATTEMPTS_PER_ACCOUNT = 2
    for _ in range(2):
        client.post(REQUEST_URL, {"email": "nobody@nowhere.example"})

    response = client.post(REQUEST_URL, {"email": "nobody@nowhere.example"})

    assert response.status_code == 429
    assert "Too many sign-in links asked for this address" in text(response)


def test_the_worker_emails_a_known_leader_a_link(leader, settings):
    settings.SITE_URL = "https://crm.example.com"

    assert sign_in.leader_sign_in_send(email=leader.email.upper(), next_url="/leader/x/")

    (message,) = mail.outbox
    assert message.to == [leader.email]
    assert message.subject == "Your sign-in link for RecruitCRM"
    assert "https://crm.example.com/leader/sign-in/" in message.body
    assert "It works once, within 10 minutes." in message.body
    html = message.alternatives[0].content
    assert '<a href="https://crm.example.com/leader/sign-in/' in html


def test_the_worker_sends_nothing_for_an_unknown_address(db):
    assert not sign_in.leader_sign_in_send(email="nobody@nowhere.example")
    assert mail.outbox == []


def test_the_worker_sends_nothing_to_a_deactivated_leader(leader):
    leader.user.is_active = False
    leader.user.save(update_fields=["is_active"])

    assert not sign_in.leader_sign_in_send(email=leader.email)
    assert mail.outbox == []


def test_the_worker_sends_nothing_for_a_recruiters_address(db):
    recruiter = RecruiterFactory(email="maya@agency.example")
    HiringLeaderFactory(email="someone@client.example", user=recruiter)

    assert not sign_in.leader_sign_in_send(email="someone@client.example")
    assert mail.outbox == []


def test_a_leader_without_a_login_gets_one_with_their_first_link(client, db):
    leader = HiringLeaderFactory(email="Dana@Client.example", first_name="Dana")

    sign_in.leader_sign_in_send(email="dana@client.example")
    leader.refresh_from_db()
    response = use(client, path_of(link_in(mail.outbox[0])))

    assert leader.user.role == "hiring_leader"
    assert leader.user.username == "dana@client.example"
    assert not leader.user.has_usable_password()
    assert response.status_code == 302
    assert response.url == LIST_URL


# ---------- using a link ----------


def test_a_link_signs_the_leader_in_and_leads_to_a_url_without_the_token(
    client, leader, requisition
):
    page = reverse("hiring_leaders:requisition_detail", args=[requisition.pk])
    link = sign_in.sign_in_link(leader.user, page)

    response = use(client, path_of(link))

    assert response.status_code == 302
    assert response.url == page
    assert client.get(page).status_code == 200


def test_opening_a_link_spends_nothing_until_the_leader_confirms(client, leader):
    link = path_of(sign_in.sign_in_link(leader.user))
    token = link.split("/")[-2]
    scanner = Client()  # a mail scanner opens every link in the email, and follows redirects

    opened = scanner.get(link)
    asked = scanner.get(opened.url)

    assert opened.status_code == 302
    assert token not in opened.url
    assert f"Continue as {leader.name}" in text(asked)
    assert scanner.get(LIST_URL).status_code == 302  # opening signs nobody in
    assert use(client, link).status_code == 302
    assert client.get(LIST_URL).status_code == 200


def test_the_confirmation_page_without_a_link_asks_for_one(client, db):
    response = client.get(CONTINUE_URL)

    assert response.status_code == 302
    assert response.url == REQUEST_URL


def test_a_link_that_expires_before_it_is_confirmed_is_refused(client, leader):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        link = path_of(sign_in.sign_in_link(leader.user))
    with time_machine.travel(start + datetime.timedelta(minutes=9), tick=False):
        assert client.get(link).status_code == 302
    with time_machine.travel(start + datetime.timedelta(minutes=10, seconds=5), tick=False):
        response = client.post(CONTINUE_URL)

    assert response.status_code == 400
    assert "This sign-in link has expired" in text(response)
    assert client.get(LIST_URL).status_code == 302


def test_a_link_works_only_once(client, leader):
    link = path_of(sign_in.sign_in_link(leader.user))
    assert use(client, link).status_code == 302
    client.logout()

    again = use(client, link)

    assert again.status_code == 400
    assert "already been used, or no longer works" in text(again)
    assert "Email me a sign-in link" in text(again)
    assert client.get(LIST_URL).status_code == 302  # not signed in


def test_using_one_link_spends_older_ones_too(client, leader):
    first = path_of(sign_in.sign_in_link(leader.user))
    second = path_of(sign_in.sign_in_link(leader.user))

    assert use(client, second).status_code == 302
    client.logout()
    assert use(client, first).status_code == 400


def test_a_link_expires_after_ten_minutes(client, leader):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        link = path_of(sign_in.sign_in_link(leader.user))

    with time_machine.travel(start + datetime.timedelta(minutes=9, seconds=50), tick=False):
        assert sign_in.leader_sign_in_exchange(token=link.split("/")[-2])[0] == leader.user
    with time_machine.travel(start + datetime.timedelta(minutes=10, seconds=5), tick=False):
        response = use(client, link)

    assert response.status_code == 400
    assert "This sign-in link has expired" in text(response)


def test_a_tampered_link_is_refused(client, leader, other_leader):
    token = sign_in.sign_in_token(leader.user)
    # Someone else's id under the same signature, or a character changed.
    payload, stamp, signature = token.split(":")
    data = json.loads(signing.b64_decode(payload.encode()))
    data["u"] = other_leader.user.pk
    forged_payload = signing.b64_encode(json.dumps(data, separators=(",", ":")).encode())
    forged = f"{forged_payload.decode()}:{stamp}:{signature}"
    altered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")

    for bad in (forged, altered, "junk", token + "x"):
        response = client.get(reverse("hiring_leaders:sign_in_link", args=[bad]))
        assert response.status_code == 400
        assert "not valid" in text(response) or "no longer works" in text(response)
    assert client.get(LIST_URL).status_code == 302


def test_a_link_dies_when_the_leader_is_deactivated(client, leader):
    link = path_of(sign_in.sign_in_link(leader.user))
    leader.user.is_active = False
    leader.user.save(update_fields=["is_active"])

    response = use(client, link)

    assert response.status_code == 400
    assert client.get(LIST_URL).status_code == 302


def test_a_session_dies_when_the_leader_is_deactivated(client, leader):
    use(client, path_of(sign_in.sign_in_link(leader.user)))
    assert client.get(LIST_URL).status_code == 200
    leader.user.is_active = False
    leader.user.save(update_fields=["is_active"])

    assert client.get(LIST_URL).status_code == 302


def test_a_link_never_leads_off_the_leaders_pages(client, leader):
    for elsewhere in ("https://evil.example/", "//evil.example/leader/", "/admin/"):
        client.logout()
        leader.user.refresh_from_db()
        response = use(client, path_of(sign_in.sign_in_link(leader.user, elsewhere)))
        assert response.url == LIST_URL


# ---------- pages reached while signed out ----------


def test_a_leader_page_reached_signed_out_offers_a_fresh_link(client, requisition, queued):
    page = reverse("hiring_leaders:requisition_detail", args=[requisition.pk])

    response = client.get(page)
    offer = client.get(response.url)
    asked = client.post(REQUEST_URL, {"email": requisition.hiring_leader.email, "next": page})

    assert response.status_code == 302
    assert response.url.startswith(REQUEST_URL)
    assert "email you a link that brings you straight back to it" in text(offer)
    assert f'name="next" value="{page}"' in text(offer)
    assert "Sign in with your username and password" in text(offer)
    assert asked.status_code == 302


def test_a_signed_in_leader_asking_for_a_link_goes_to_their_roles(client, leader):
    client.force_login(leader.user)

    response = client.get(REQUEST_URL)

    assert response.status_code == 302
    assert response.url == LIST_URL


def test_a_digest_link_opened_signed_out_comes_back_with_its_digest(
    client, leader, requisition, queued, django_capture_on_commit_callbacks
):
    page = reverse("hiring_leaders:requisition_detail", args=[requisition.pk]) + "?digest=12"

    offer = client.get(client.get(page).url)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(REQUEST_URL, {"email": leader.email, "next": page})
    link = path_of(sign_in.sign_in_link(leader.user, queued[0][1]))
    landed = use(client, link)

    assert 'name="next" value="/leader/requisitions/' in text(offer)
    assert "?digest=12" in text(offer)
    assert queued == [(leader.email, page)]
    assert landed.url == page
