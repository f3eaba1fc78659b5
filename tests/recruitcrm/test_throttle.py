"""Sign-in and password-reset throttling: per account and per client address, a clear message
with the wait and HTTP 429, windows that end by themselves, and password reset answers that never
tell whether an address has an account."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from recruitcrm import throttle
from tests.recruitcrm.factories import PASSWORD, AdminUserFactory, RecruiterFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
ADMIN_LOGIN = reverse("admin:login")
RESET = reverse("password_reset")
# A fixed moment, frozen: which window an attempt falls in never depends on the real clock.
MOMENT = datetime.datetime(2026, 3, 4, 9, 30, 7, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.SIGN_IN_ATTEMPTS_PER_ACCOUNT = 3
    settings.SIGN_IN_ATTEMPTS_PER_IP = 6
    settings.SIGN_IN_WINDOW_MINUTES = 15


@pytest.fixture
def frozen():
    with time_machine.travel(MOMENT, tick=False) as traveller:
        yield traveller


def text(response) -> str:
    return response.content.decode()


def sign_in(client, username, password="wrong-password", url=LOGIN, **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def wait_in_minutes(response) -> int:
    found = re.search(r"Try again in about (\d+) minutes?\.", text(response))
    assert found, text(response)
    return int(found.group(1))


def test_an_account_is_throttled_after_too_many_attempts_with_a_clear_message(
    client, recruiter, frozen
):
    for _ in range(3):
        assert sign_in(client, recruiter.username).status_code == 200

    refused = sign_in(client, recruiter.username, PASSWORD)

    assert refused.status_code == 429
    assert "Too many sign-in attempts for this account." in text(refused)
    minutes = wait_in_minutes(refused)
    assert 1 <= minutes <= 15
    assert int(refused["Retry-After"]) <= minutes * 60
    assert 'role="alert"' in text(refused)
    # Even the right password is refused while throttled, or throttling would guard nothing.
    assert "_auth_user_id" not in client.session


def test_the_wait_ends_by_itself_when_the_page_said_it_would(client, recruiter, frozen):
    for _ in range(3):
        sign_in(client, recruiter.username)
    refused = sign_in(client, recruiter.username, PASSWORD)

    frozen.shift(datetime.timedelta(seconds=int(refused["Retry-After"]) + 1))
    response = sign_in(client, recruiter.username, PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_an_attacker_cannot_lock_an_account_for_longer_than_a_window(client, recruiter, frozen):
    # Hammering on through the wait does not extend it: each window ends at its own time.
    for _ in range(40):
        sign_in(client, recruiter.username)
        frozen.shift(datetime.timedelta(seconds=10))
    frozen.shift(datetime.timedelta(minutes=15))

    assert sign_in(client, recruiter.username, PASSWORD).status_code == 302


def test_the_account_is_named_case_insensitively_and_other_accounts_are_unaffected(
    client, recruiter, other_recruiter, frozen
):
    for username in [f"  {recruiter.username.upper()} ", recruiter.username.title()]:
        sign_in(client, username)
    sign_in(client, recruiter.username)

    assert sign_in(client, recruiter.username, PASSWORD).status_code == 429
    assert sign_in(client, other_recruiter.username, PASSWORD).status_code == 302


def test_sign_in_and_admin_sign_in_share_one_count_per_account(client, frozen):
    admin = AdminUserFactory()
    sign_in(client, admin.username)
    sign_in(client, admin.username, url=ADMIN_LOGIN)
    sign_in(client, admin.username)

    refused = sign_in(client, admin.username, PASSWORD, url=ADMIN_LOGIN)

    assert refused.status_code == 429
    assert "Too many sign-in attempts for this account." in text(refused)


def test_one_address_trying_many_accounts_is_throttled(client, frozen):
    for n in range(6):
        assert sign_in(client, f"guess{n}").status_code == 200

    refused = sign_in(client, RecruiterFactory().username, PASSWORD)

    assert refused.status_code == 429
    assert "Too many sign-in attempts from your network." in text(refused)
    # Another address is not held back by this one.
    other = sign_in(client, "guess0", REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200


def test_the_admin_sign_in_is_throttled_per_address_too(client, frozen):
    for n in range(6):
        sign_in(client, f"admin-guess{n}", url=ADMIN_LOGIN)

    refused = sign_in(client, "admin-guess-last", url=ADMIN_LOGIN)

    assert refused.status_code == 429
    assert "Too many sign-in attempts from your network." in text(refused)


def test_looking_at_the_sign_in_page_counts_nothing(client, recruiter, frozen):
    for _ in range(10):
        assert client.get(LOGIN).status_code == 200

    assert sign_in(client, recruiter.username, PASSWORD).status_code == 302


def test_behind_a_trusted_proxy_each_client_counts_on_its_own(client, settings, frozen):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for n in range(6):
        sign_in(client, f"spray{n}", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)

    throttled = sign_in(client, "spray-last", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    # A client making up its own X-Forwarded-For entries cannot escape its count...
    spoofed = sign_in(client, "spray-last", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7", **proxy)
    # ...and another client behind the same proxy is not held back.
    neighbour = sign_in(client, "someone", HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy)

    assert throttled.status_code == 429
    assert spoofed.status_code == 429
    assert neighbour.status_code == 200


def test_the_client_address_is_remote_addr_unless_proxies_are_trusted(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7, 10.0.0.1"
    )

    settings.TRUSTED_PROXY_COUNT = 0
    assert throttle.client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 2
    assert throttle.client_ip(request) == "198.51.100.7"


# ---------- password reset ----------


def reset(client, email, **extra):
    return client.post(RESET, {"email": email}, **extra)


def comparable(response) -> tuple:
    """What a visitor can observe, less the per-response CSRF token and CSP nonce."""
    body = re.sub(r'"x-csrftoken": "[^"]+"', "", text(response))
    body = re.sub(r'nonce="[^"]+"', "", body)
    return response.status_code, response.get("Location"), response.get("Retry-After"), body


def throttle_address(client, email) -> list[tuple]:
    return [comparable(reset(client, email)) for _ in range(4)]


def test_password_reset_is_throttled_per_address_and_then_sends_nothing(client, mailoutbox, frozen):
    RecruiterFactory(email="rita@agency.example")
    for _ in range(3):
        assert reset(client, "rita@agency.example").status_code == 302

    refused = reset(client, "Rita@Agency.example")

    assert refused.status_code == 429
    assert "Too many password reset requests for this address." in text(refused)
    assert 1 <= wait_in_minutes(refused) <= 15
    assert len(mailoutbox) == 3


def test_a_throttled_password_reset_answers_the_same_whether_or_not_the_address_is_known(
    client, mailoutbox, frozen
):
    unknown = throttle_address(client, "maybe@agency.example")
    cache.clear()
    RecruiterFactory(email="maybe@agency.example")
    known = throttle_address(client, "maybe@agency.example")

    assert [answer[0] for answer in known] == [302, 302, 302, 429]
    assert known == unknown
    assert len(mailoutbox) == 3


def test_password_reset_is_throttled_per_address_of_the_client(client, frozen):
    for n in range(6):
        assert reset(client, f"someone{n}@agency.example").status_code == 302

    refused = reset(client, "someone-else@agency.example")

    assert refused.status_code == 429
    assert "Too many password reset requests from your network." in text(refused)
    assert reset(client, "x@agency.example", REMOTE_ADDR="203.0.113.9").status_code == 302


def test_password_reset_counts_apart_from_sign_in(client, recruiter, frozen):
    for _ in range(3):
        reset(client, recruiter.email)

    assert sign_in(client, recruiter.username, PASSWORD).status_code == 302


# ---------- the cache behind the counts ----------


def test_sign_in_is_not_refused_when_the_cache_is_down(client, recruiter, monkeypatch, caplog):
    def cache_down(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(throttle, "get_usage", cache_down)

    response = sign_in(client, recruiter.username, PASSWORD)

    assert response.status_code == 302
    assert "sign-in throttling is off" in caplog.text


@pytest.mark.redis
def test_throttling_counts_in_redis_when_cache_url_names_one(client, recruiter, settings, frozen):
    import uuid

    import redis

    from tests import services

    prefix = f"test-throttle-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": services.redis_url(),
            "KEY_PREFIX": prefix,
        }
    }
    try:
        for _ in range(3):
            sign_in(client, recruiter.username)
        refused = sign_in(client, recruiter.username, PASSWORD)
        keys = list(redis.Redis.from_url(services.redis_url()).scan_iter(f"{prefix}*"))
    finally:
        client_ = redis.Redis.from_url(services.redis_url())
        for key in client_.scan_iter(f"{prefix}*"):
            client_.delete(key)

    assert refused.status_code == 429
    assert keys, "the counts were not kept in Redis"
