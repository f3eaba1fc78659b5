from __future__ import annotations

from django.middleware.csrf import get_token
from django.urls import reverse
from markupsafe import Markup


def navigation(request):
    """The navigation links each role sees, so the base layout never guesses."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    links = []
    if user.is_recruiter:
        links.append(("Today", reverse("home")))
    if user.is_admin:
        links.append(("Team", reverse("followups:team")))
    if user.is_recruiter or user.is_admin:
        links.append(("Candidates", reverse("candidates:candidate_list")))
        links.append(("Requisitions", reverse("clients:requisition_list")))
        links.append(("Companies", reverse("clients:company_list")))
        links.append(("Analytics", reverse("analytics:pipeline")))
        links.append(("Calibration", reverse("clients:calibration")))
    if user.is_hiring_leader:
        links.append(("My requisitions", reverse("hiring_leaders:requisition_list")))
    if user.is_admin:
        links.append(("Cadences", reverse("followups:cadence_list")))
        links.append(("Outbox", reverse("followups:outbox")))
        links.append(("System status", reverse("system_status")))
        links.append(("Django admin", reverse("admin:index")))
    path = request.path
    # "/" is the start of every path: it is current only on itself.
    return {
        "nav_links": [
            (label, url, path == url if url == "/" else path.startswith(url))
            for label, url in links
        ]
    }


def csrf_once(request):
    """The CSRF token for a Jinja2 page, worked out once. The backend's own is lazy and masks the
    secret afresh every time a form prints it: on "Today", with three forms a row, that was a
    thousand random numbers a request."""
    token = get_token(request)
    return {
        "csrf_token": token,
        "csrf_input": Markup('<input type="hidden" name="csrfmiddlewaretoken" value="{}">').format(
            token
        ),
    }
