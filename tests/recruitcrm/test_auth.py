"""Signed-in people come from the cache, and a change to their login still counts at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_signed_in_page_reads_neither_session_nor_user_from_the_database(
    client, recruiter, django_assert_num_queries
):
    client.force_login(recruiter)
    client.get(reverse("candidates:candidate_list"))  # the first request fills the cache

    with django_assert_num_queries(0) as queries:
        client.get("/accounts/password_change/done/")

    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]


def test_a_deactivated_login_is_signed_out_on_its_next_request(client, recruiter):
    client.force_login(recruiter)
    assert client.get(reverse("candidates:candidate_list")).status_code == 200

    recruiter.is_active = False
    recruiter.save()

    response = client.get(reverse("candidates:candidate_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_changed_password_signs_out_every_other_session(client, recruiter):
    client.force_login(recruiter)
    assert client.get(reverse("candidates:candidate_list")).status_code == 200

    recruiter.set_password("a whole new secret 42")
    recruiter.save()

    response = client.get(reverse("candidates:candidate_list"))
    assert response.status_code == 302


def test_a_changed_role_counts_on_the_next_request(client, recruiter):
    client.force_login(recruiter)
    assert client.get(reverse("candidates:candidate_list")).status_code == 200

    recruiter.role = recruiter.Role.HIRING_LEADER
    recruiter.save()

    assert client.get(reverse("candidates:candidate_list")).status_code == 404


def test_the_session_auth_hash_is_django_s_and_follows_the_password(recruiter, settings):
    from django.contrib.auth.base_user import AbstractBaseUser

    def djangos(user):
        return AbstractBaseUser.get_session_auth_hash(user)

    first = recruiter.get_session_auth_hash()
    assert first == djangos(recruiter)

    recruiter.set_password("a whole new secret 42")
    assert recruiter.get_session_auth_hash() == djangos(recruiter) != first

    settings.SECRET_KEY = "another secret key for this test, long enough to be one"
    assert recruiter.get_session_auth_hash() == djangos(recruiter)
