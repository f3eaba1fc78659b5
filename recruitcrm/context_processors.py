from __future__ import annotations

import functools

from django.middleware.csrf import get_token
from markupsafe import Markup

from recruitcrm.jinja2 import Relative, url
from recruitcrm.models import User


def navigation(request):
    """The navigation links each role sees, so the base layout never guesses, the current one
    marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    path = request.path
    # "/" is the start of every path: it is current only on itself.
    return {
        "nav_links": [
            (label, url, path == url if url == "/" else path.startswith(url))
            for label, url in _role_links(user.role)
        ],
        # As user.get_role_display() says it, without building the field's choices each page.
        "role_label": ROLE_LABELS.get(user.role, user.role),
    }


ROLE_LABELS = dict(User.Role.choices)


@functools.cache
def _role_links(role: str) -> tuple[tuple[str, str], ...]:
    """A role's links, worked out once per process: every page of every visit asks."""
    recruiter, admin = role == User.Role.RECRUITER, role == User.Role.ADMIN
    links = []
    if recruiter:
        links.append(("Today", url("home")))
    if admin:
        links.append(("Team", url("followups:team")))
    if recruiter or admin:
        links.append(("Candidates", url("candidates:candidate_list")))
        links.append(("Requisitions", url("clients:requisition_list")))
        links.append(("Companies", url("clients:company_list")))
        links.append(("Analytics", url("analytics:pipeline")))
        links.append(("Calibration", url("clients:calibration")))
    if role == User.Role.HIRING_LEADER:
        links.append(("My requisitions", url("hiring_leaders:requisition_list")))
    if admin:
        links.append(("Cadences", url("followups:cadence_list")))
        links.append(("Outbox", url("followups:outbox")))
        links.append(("System status", url("system_status")))
        links.append(("Django admin", url("admin:index")))
    return tuple(links)


def csrf_once(request):
    """The CSRF token for a Jinja2 page, worked out once. The backend's own is lazy and masks the
    secret afresh every time a form prints it: on "Today", with three forms a row, that was a
    thousand random numbers a request."""
    token = get_token(request)
    return {
        "csrf_token": token,
        # The token is letters and digits only: nothing to escape.
        "csrf_input": Markup(f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'),
    }


def moments(request):
    """The Jinja2 pages' `relative()`, with the time zone and "now" read once for the page
    (recruitcrm.jinja2.Relative)."""
    return {"relative": Relative()}
