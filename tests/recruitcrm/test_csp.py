"""Every page carries a Content-Security-Policy that allows no inline script and no eval, and the
pages themselves need neither: no inline <script>, no style="" outside the HTML emails (whose
style attributes the policy allows by hash, for the template editor's preview)."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.csp import CSP

from followups.models import CadenceStep
from recruitcrm import csp
from tests.candidates.factories import CandidateFactory, CommitmentFactory
from tests.followups.factories import FollowUpFactory
from tests.hiring_leaders.factories import ForecastRunOutFactory, RequisitionFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get(CSP.HEADER_ENFORCE)
    assert header, f"no {CSP.HEADER_ENFORCE} header on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict(response) -> None:
    directives = policy(response)
    scripts = directives.get("script-src", directives["default-src"])
    styles = directives.get("style-src", directives["default-src"])
    assert directives["default-src"] == [CSP.SELF]
    assert CSP.UNSAFE_INLINE not in scripts
    assert CSP.UNSAFE_EVAL not in scripts
    assert {"*", "http:", "https:"}.isdisjoint(scripts)
    assert CSP.UNSAFE_INLINE not in styles
    assert directives["object-src"] == [CSP.NONE]
    assert directives["frame-ancestors"] == [CSP.NONE]


class _InlineCode(HTMLParser):
    """Inline scripts, inline event handlers and style attributes a page would need allowed."""

    def __init__(self, nonce: str | None):
        super().__init__()
        self.nonce = nonce
        self.found: list[str] = []
        self._script_attrs: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.found += [f"<{tag} {name}=…>" for name in attrs if name.startswith("on")]
        if "style" in attrs:
            self.found.append(f'<{tag} style="{attrs["style"]}">')
        if tag == "script":
            self._script_attrs = attrs

    def handle_data(self, data):
        script = self._script_attrs
        if script is None or not data.strip() or script.get("src"):
            return
        if script.get("type") in ("application/json", "text/template"):
            return  # data, not code
        if not self.nonce or script.get("nonce") != self.nonce:
            self.found.append(f"<script> {data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script_attrs = None


def inline_code(response) -> list[str]:
    nonce = None
    for value in policy(response).get("script-src", []):
        if value.startswith("'nonce-"):
            nonce = value[len("'nonce-") : -1]
    parser = _InlineCode(nonce)
    parser.feed(response.content.decode())
    return parser.found


@pytest.fixture
def pages(recruiter, admin_user, leader):
    candidate = CandidateFactory(owner=recruiter)
    requisition = RequisitionFactory(hiring_leader=leader, recruiter=recruiter)
    step = CadenceStep.objects.select_related("cadence").filter(template__isnull=False).first()
    FollowUpFactory(candidate=candidate)
    return [
        (None, reverse("login")),
        (None, reverse("password_reset")),
        (None, reverse("password_reset_done")),
        (None, reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "x-y"})),
        (None, reverse("admin:login")),
        (None, reverse("followups:checkin", args=["not-a-token"])),
        (None, reverse("followups:opt_out", args=["not-a-token"])),
        (None, "/no-such-page/"),
        (recruiter, reverse("candidates:candidate_list")),
        (recruiter, candidate.get_absolute_url()),
        (recruiter, reverse("password_change")),
        (leader.user, reverse("hiring_leaders:requisition_list")),
        (leader.user, requisition.get_absolute_url()),
        (admin_user, reverse("system_status")),
        (admin_user, reverse("followups:cadence_list")),
        (admin_user, reverse("followups:cadence_detail", args=[step.cadence_id])),
        (admin_user, reverse("followups:template_list")),
        (admin_user, reverse("followups:template_create")),
        (admin_user, reverse("followups:template_edit", args=[step.template_id])),
        (admin_user, reverse("followups:outbox")),
        (admin_user, reverse("admin:index")),
        (admin_user, reverse("admin:recruitcrm_user_changelist")),
        (admin_user, reverse("admin:recruitcrm_user_change", args=[recruiter.pk])),
        (admin_user, reverse("admin:followups_messagetemplate_change", args=[step.template_id])),
    ]


def test_every_main_page_has_a_strict_policy_and_no_inline_code(client, pages):
    problems = {}
    for user, url in pages:
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        # A bad link on a public page is 400 or 404, and still a page someone sees.
        assert response.status_code in (200, 400, 404), (url, response.status_code)
        assert_strict(response)
        if found := inline_code(response):
            problems[url] = found

    assert problems == {}


def test_htmx_fragments_have_the_policy_too(client, recruiter):
    client.force_login(recruiter)

    fragment = client.get(reverse("candidates:candidate_list"), {"q": "a"}, HTTP_HX_REQUEST="true")

    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert_strict(fragment)
    assert inline_code(fragment) == []


def test_today_and_its_htmx_redraw_carry_no_inline_style(client, recruiter):
    """Today's rows are written in Python (followups.queue.row_html), which the template check
    below does not read: the page and the queue an action swaps in are checked as served."""
    ForecastRunOutFactory(requisition__recruiter=recruiter)
    promise = CommitmentFactory(
        recruiter=recruiter, due_at=timezone.now() - datetime.timedelta(hours=1)
    )
    client.force_login(recruiter)

    today = client.get(reverse("home"))
    redrawn = client.post(
        reverse("followups:today_promise_kept", args=[promise.pk]), HTTP_HX_REQUEST="true"
    )

    for response in (today, redrawn):
        assert response.status_code == 200
        assert "is past its forecast" in response.content.decode()
        assert_strict(response)
        assert inline_code(response) == []


def test_the_too_many_attempts_page_has_the_policy_too(client, settings):
    settings.SIGN_IN_ATTEMPTS_PER_ACCOUNT = 1
    for _ in range(2):
        throttled = client.post(reverse("login"), {"username": "someone", "password": "x"})

    assert throttled.status_code == 429
    assert_strict(throttled)
    assert inline_code(throttled) == []


def route_urls(resolver: URLResolver, prefix: str = "") -> list[str]:
    """A URL for every route, with 1 for a number and "x" for any other part."""
    urls = []
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        if route.startswith("^"):  # a regular expression (the admin's app index): skip
            continue
        route = re.sub(r"<int:\w+>", "1", route)
        route = re.sub(r"<(?:\w+:)?\w+>", "x", route)
        if isinstance(entry, URLResolver):
            urls += route_urls(entry, prefix + route)
        elif isinstance(entry, URLPattern):
            urls.append("/" + prefix + route)
    return urls


@pytest.mark.parametrize("as_user", [None, "admin_user"], ids=["anonymous", "admin"])
def test_every_route_answers_with_the_policy_whatever_the_status(client, request, as_user):
    if as_user:
        client.force_login(request.getfixturevalue(as_user))
    urls = route_urls(get_resolver())

    missing = [url for url in urls if CSP.HEADER_ENFORCE not in client.get(url).headers]

    assert len(urls) > 20
    assert missing == []


# ---------- the templates themselves ----------


def web_templates() -> list[Path]:
    emails = set(csp.email_templates())
    return [path for path in TEMPLATES.rglob("*.html") if path not in emails]


def test_no_page_template_has_an_inline_script_or_style():
    found = []
    for path in web_templates():
        source = path.read_text()
        for script in re.findall(r"<script\b[^>]*>", source):
            if "src=" not in script and "{{ csp_nonce }}" not in script:
                found.append(f"{path.relative_to(TEMPLATES)}: {script}")
        found += [f"{path.relative_to(TEMPLATES)}: style=" for _ in re.findall(r"\sstyle=", source)]
        found += [
            f"{path.relative_to(TEMPLATES)}: {handler}"
            for handler in re.findall(r"\s(?:on[a-z]+|hx-on[:\w-]*|data-hx-on[:\w-]*)=", source)
        ]

    assert found == []


def test_no_python_page_writer_has_an_inline_style():
    """Today, the candidate page and the board are written by Python (the *_html.py modules),
    out of reach of the template check above."""
    root = Path(settings.BASE_DIR)
    apps = ("candidates", "followups", "hiring_leaders", "recruitcrm")
    writers = [path for app in apps for path in (root / app).rglob("*_html.py")]

    found = [
        str(path.relative_to(root)) for path in writers if re.search(r"\sstyle=", path.read_text())
    ]

    assert len(writers) >= 6
    assert found == []


def test_the_email_style_attributes_are_literal_and_allowed_by_hash():
    hashes = set(settings.SECURE_CSP["style-src-attr"])
    assert any("jinja2" in str(path) for path in csp.email_templates())
    for path in csp.email_templates():
        for value in csp.style_attributes(path.read_text()):
            assert "{" not in value, f"{path.name}: a style attribute must be literal: {value}"
            assert f"'sha256-{csp._sha256(value)}'" in hashes
    assert CSP.UNSAFE_HASHES in hashes
    assert CSP.UNSAFE_INLINE not in hashes
