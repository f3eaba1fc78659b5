"""What every Jinja2 page is given before its own context: the CSRF token masked once
(recruitcrm.context_processors.csrf_once) and the layout's fixed parts
(recruitcrm.jinja2.Layout)."""

from __future__ import annotations

import re

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.templatetags.static import static
from django.test import Client, RequestFactory
from django.urls import reverse

from recruitcrm.context_processors import csrf_once
from recruitcrm.jinja2 import Layout


def request_with_secret():
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = _get_new_csrf_string()
    return request


def test_the_pages_input_carries_the_same_token():
    context = csrf_once(request_with_secret())

    assert context["csrf_input"] == (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{context["csrf_token"]}">'
    )


@pytest.mark.django_db
def test_a_form_posted_with_the_pages_token_passes_the_csrf_check(recruiter):
    client = Client(enforce_csrf_checks=True)
    client.force_login(recruiter)
    page = client.get(reverse("candidates:candidate_list")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    header = re.search(r'"x-csrftoken": "([^"]+)"', page).group(1)

    refused = client.post(reverse("logout"), {"csrfmiddlewaretoken": "x" * 64})
    signed_out = client.post(reverse("logout"), {"csrfmiddlewaretoken": token})

    assert header == token
    assert refused.status_code == 403
    assert signed_out.status_code == 302


def test_the_layouts_head_and_links_are_what_static_and_reverse_give():
    layout = Layout()

    assert layout.head == "\n  ".join(
        [f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">']
        + [
            f'<link rel="stylesheet" href="{static(f"css/{name}.css")}">'
            for name in ("app", "today", "candidates", "clients", "imports", "analytics")
        ]
        + [f'<script src="{static("vendor/htmx/htmx.min.js")}" defer></script>']
    )
    assert layout.home == reverse("home")
    assert layout.password_change == reverse("password_change")
    assert layout.logout == reverse("logout")
    assert layout.signed_out == f"{reverse('login')}?signed_out=1"


@pytest.mark.django_db
def test_the_layout_writes_the_pages_messages_and_nothing_without_them(recruiter):
    from django.contrib import messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.cache import SessionStore
    from django.template import engines

    page = engines["jinja2"].from_string(
        '{% extends "base.html" %}{% block content %}{% endblock %}'
    )

    def rendered(*texts):
        request = RequestFactory().get("/candidates/")
        request.user, request.session = recruiter, SessionStore()
        request._messages = FallbackStorage(request)
        for text in texts:
            messages.success(request, text)
        return page.render({}, request)

    assert '<ul class="messages">' not in rendered()
    html = rendered("Saved <b>Ada</b>", "Moved")
    assert '<li class="message message--success">Saved &lt;b&gt;Ada&lt;/b&gt;' in html
    assert '<li class="message message--success">Moved' in html
