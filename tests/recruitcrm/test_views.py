from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from recruitcrm.models import Heartbeat
from tests.recruitcrm.factories import PASSWORD, RecruiterFactory

pytestmark = pytest.mark.django_db

STATUS_URL = reverse("system_status")
# Session, user, heartbeats.
STATUS_QUERIES = 3


def text(response) -> str:
    return response.content.decode()


# ---------- home ----------


def test_home_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("user_fixture", "lands_on"),
    [
        ("admin_user", "followups:team"),
        ("leader", "hiring_leaders:requisition_list"),
    ],
)
def test_home_sends_each_role_to_its_own_page(client, request, user_fixture, lands_on):
    user = request.getfixturevalue(user_fixture)
    client.force_login(getattr(user, "user", user))

    response = client.get("/")

    assert response.status_code == 302
    assert response.url == reverse(lands_on)


def test_a_recruiters_home_is_today(client, recruiter):
    client.force_login(recruiter)

    response = client.get("/")

    assert response.status_code == 200
    assert "<h1>Today</h1>" in text(response)
    assert '<a href="/" aria-current="page">Today</a>' in text(response)


# ---------- layout ----------


def test_the_layout_shows_a_recruiters_navigation_user_and_logout(client, recruiter):
    client.force_login(recruiter)

    body = text(client.get(reverse("candidates:candidate_list")))

    assert "<html" in body
    assert """data-hx-headers='{"x-csrftoken": """ in body
    assert "/static/vendor/htmx/htmx.min.js" in body
    assert "/static/css/app.css" in body
    assert f'href="{reverse("candidates:candidate_list")}" aria-current="page">Candidates' in body
    assert "My requisitions" not in body
    assert "System status" not in body
    assert recruiter.name in body
    assert f'<form method="post" action="{reverse("logout")}"' in body
    assert "Log out" in body


def test_a_leader_sees_only_their_own_navigation(client, leader):
    client.force_login(leader.user)

    body = text(client.get(reverse("hiring_leaders:requisition_list")))

    assert "My requisitions" in body
    assert ">Candidates<" not in body
    assert "System status" not in body


def test_an_admin_sees_system_status_and_django_admin_links(client, admin_user):
    client.force_login(admin_user)

    body = text(client.get(STATUS_URL))

    assert ">Candidates<" in body
    assert f'href="{reverse("system_status")}" aria-current="page">System status' in body
    assert f'href="{reverse("admin:index")}">Django admin' in body


def test_an_unknown_page_is_a_friendly_404_in_the_layout(client, recruiter):
    client.force_login(recruiter)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in text(response)
    assert "Go to your home page" in text(response)
    assert "Log out" in text(response)


# ---------- system status ----------


def test_system_status_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(STATUS_URL)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={STATUS_URL}"


@pytest.mark.parametrize("user_fixture", ["recruiter", "leader"])
def test_system_status_is_for_admins_only(client, request, user_fixture):
    user = request.getfixturevalue(user_fixture)
    client.force_login(getattr(user, "user", user))

    response = client.get(STATUS_URL)

    assert response.status_code == 404
    assert "Celery" not in text(response)


def test_system_status_says_never_seen_before_any_heartbeat(client, admin_user):
    client.force_login(admin_user)

    response = client.get(STATUS_URL)

    body = text(response)
    assert response.status_code == 200
    assert body.count('class="badge badge--stale">Never seen<') == 2
    assert "Celery worker" in body
    assert "Celery beat" in body
    assert f'href="{reverse("admin:index")}"' in body


def test_system_status_shows_fresh_processes_running_and_silent_ones_stale(client, admin_user):
    now = timezone.now()
    Heartbeat.objects.create(process="worker", last_seen_at=now, hostname="worker-1")
    Heartbeat.objects.create(
        process="beat", last_seen_at=now - datetime.timedelta(minutes=6), hostname="beat-1"
    )
    client.force_login(admin_user)

    response = client.get(STATUS_URL)

    body = text(response)
    worker, beat = body.split("Celery worker")[1], body.split("Celery beat")[1]
    assert worker.index('badge--running">Running<') < worker.index("</tr>")
    assert "worker-1" in worker
    assert beat.index('badge--stale">Stale<') < beat.index("</tr>")
    assert "6 minutes ago" in beat
    assert "beat-1" in beat
    assert "Never seen" not in body


@pytest.mark.parametrize("heartbeats", [0, 2])
def test_system_status_runs_a_fixed_number_of_queries(
    client, admin_user, django_assert_max_num_queries, heartbeats
):
    for process in ["worker", "beat"][:heartbeats]:
        Heartbeat.objects.create(process=process, last_seen_at=timezone.now())
    client.force_login(admin_user)

    with django_assert_max_num_queries(STATUS_QUERIES):
        response = client.get(STATUS_URL)

    assert response.status_code == 200


# ---------- Django admin ----------


def test_the_django_admin_does_not_exist_for_recruiters(client, recruiter):
    client.force_login(recruiter)

    response = client.get("/admin/", follow=True)

    assert response.status_code == 404


def test_the_django_admin_does_not_exist_for_hiring_leaders(client, leader):
    client.force_login(leader.user)

    response = client.get("/admin/", follow=True)

    assert response.status_code == 404


def test_admins_reach_the_django_admin(client, admin_user):
    client.force_login(admin_user)

    response = client.get("/admin/")

    assert response.status_code == 200


# ---------- signing in and out ----------


def test_the_sign_in_page_has_labelled_fields_and_a_reset_link(client):
    response = client.get(reverse("login"))

    body = text(response)
    assert response.status_code == 200
    assert '<label for="id_username">Username</label>' in body
    assert '<label for="id_password">Password</label>' in body
    assert 'autocomplete="current-password"' in body
    assert f'href="{reverse("password_reset")}"' in body


def test_a_visitor_sent_to_sign_in_is_told_why(client):
    page = client.get(reverse("candidates:candidate_list"), follow=True)
    home = client.get("/", follow=True)

    assert "Please sign in to see that page." in text(page)
    assert "Please sign in to see that page." not in text(home)


def test_bad_credentials_get_a_clear_message_and_keep_the_username(client, recruiter):
    response = client.post(
        reverse("login"), {"username": recruiter.username, "password": "wrong-password"}
    )

    body = text(response)
    assert response.status_code == 200
    assert "That username and password don\u2019t match an account" in body
    assert 'role="alert"' in body
    assert f'value="{recruiter.username}"' in body
    assert 'aria-invalid="true"' in body


def test_an_empty_sign_in_says_which_field_is_missing(client):
    response = client.post(reverse("login"), {"username": "", "password": ""})

    assert "Enter your username." in text(response)
    assert "Enter your password." in text(response)


def test_good_credentials_sign_in_and_land_on_home(client, recruiter):
    response = client.post(reverse("login"), {"username": recruiter.username, "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_a_signed_in_user_visiting_sign_in_goes_home(client, recruiter):
    client.force_login(recruiter)

    response = client.get(reverse("login"))

    assert response.status_code == 302


def test_logging_out_is_a_post_and_says_you_are_signed_out(client, recruiter):
    client.force_login(recruiter)

    refused = client.get(reverse("logout"))
    response = client.post(
        reverse("logout"), {"next": "/accounts/login/?signed_out=1"}, follow=True
    )

    assert refused.status_code == 405
    assert response.status_code == 200
    assert "You are signed out" in text(response)
    assert client.get(reverse("candidates:candidate_list")).status_code == 302


def test_the_logged_out_template_offers_to_sign_in_again(client):
    from django.template.loader import render_to_string

    html = render_to_string("registration/logged_out.html")

    assert "You are signed out" in html
    assert reverse("login") in html


# ---------- password reset ----------


def test_password_reset_emails_a_link_that_lets_you_choose_a_new_password(client, mailoutbox):
    user = RecruiterFactory(email="reset.me@agency.example", first_name="Rita", last_name="Reset")

    form = client.get(reverse("password_reset"))
    sent = client.post(reverse("password_reset"), {"email": "reset.me@agency.example"})
    done = client.get(sent.url)

    assert '<label for="id_email">Email address</label>' in text(form)
    assert sent.url == reverse("password_reset_done")
    assert "Check your email" in text(done)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == "Reset your RecruitCRM password"
    assert message.to == ["reset.me@agency.example"]
    assert "Hello Rita Reset" in message.body
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)

    confirm = client.get(link, follow=True)
    assert "Choose a new password" in text(confirm)
    assert '<label for="id_new_password1">New password</label>' in text(confirm)

    mismatch = client.post(
        confirm.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-secret-9", "new_password2": "something-else-9"},
    )
    assert 'aria-invalid="true"' in text(mismatch)

    complete = client.post(
        confirm.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-secret-9", "new_password2": "a-brand-new-secret-9"},
        follow=True,
    )
    assert "Your password is changed" in text(complete)
    user.refresh_from_db()
    assert user.check_password("a-brand-new-secret-9")


def test_an_unknown_email_gets_the_same_answer_and_no_mail(client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@agency.example"})

    assert response.url == reverse("password_reset_done")
    assert mailoutbox == []


def test_a_used_or_broken_reset_link_says_so(client, recruiter):
    response = client.get(
        reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "bad-token"})
    )

    assert "This link no longer works" in text(response)
    assert "Send me a new link" in text(response)


def test_password_change_fits_the_layout(client, recruiter):
    client.force_login(recruiter)

    response = client.get(reverse("password_change"))

    assert "Change your password" in text(response)
    assert "Log out" in text(response)
