"""The Jinja2 pages (templates/jinja2/base.html) and the Django pages (templates/base.html) share
one layout: a recruiter moving between them must not see the header, navigation or footer change.
Both layouts are rendered here for the same user and compared outside <main>."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def chrome(html: str) -> str:
    """The page without its own content: what is outside <main>, with what rightly differs from
    page to page (title, which link is current, tokens, page scripts) taken out."""
    outside = re.sub(r"<main\b.*</main>", "<main></main>", html, flags=re.S)
    outside = re.sub(r"<title>.*?</title>", "<title></title>", outside, flags=re.S)
    outside = re.sub(r'\s*aria-current="page"', "", outside)
    outside = re.sub(r'("x-csrftoken": "|name="csrfmiddlewaretoken" value=")[^"]+', r"\1", outside)
    outside = re.sub(r'<script src="[^"]*/js/[^"]*"[^>]*></script>', "", outside)
    return "\n".join(line.strip() for line in outside.splitlines() if line.strip())


@pytest.mark.parametrize("user_fixture", ["recruiter", "admin_user"])
def test_jinja_and_django_pages_wear_the_same_layout(client, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))

    jinja_page = client.get(reverse("candidates:candidate_list")).content.decode()
    django_page = client.get(reverse("clients:company_list")).content.decode()

    assert chrome(jinja_page) == chrome(django_page)
