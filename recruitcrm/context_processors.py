from __future__ import annotations

import secrets

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from markupsafe import Markup

from recruitcrm.jinja2 import Relative, url


def navigation(request):
    """The navigation links each role sees, so the base layout never guesses (their URLs
    remembered by url(): every page asks for the same ten)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    links = []
    if user.is_recruiter:
        links.append(("Today", url("home")))
    if user.is_admin:
        links.append(("Team", url("followups:team")))
    if user.is_recruiter or user.is_admin:
        links.append(("Candidates", url("candidates:candidate_list")))
        links.append(("Requisitions", url("clients:requisition_list")))
        links.append(("Companies", url("clients:company_list")))
        links.append(("Analytics", url("analytics:pipeline")))
        links.append(("Calibration", url("clients:calibration")))
    if user.is_hiring_leader:
        links.append(("My requisitions", url("hiring_leaders:requisition_list")))
    if user.is_admin:
        links.append(("Cadences", url("followups:cadence_list")))
        links.append(("Outbox", url("followups:outbox")))
        links.append(("System status", url("system_status")))
        links.append(("Django admin", url("admin:index")))
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
    thousand random numbers a request. Masked here as Django masks it (`masked_token`), in a
    tenth of the time."""
    token = masked_token(request)
    return {
        "csrf_token": token,
        # The token is letters and digits only: nothing to escape.
        "csrf_input": Markup(f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'),
    }


_CHARS = CSRF_ALLOWED_CHARS
_RADIX = len(_CHARS)
_INDEX = {char: index for index, char in enumerate(_CHARS)}
# Random bytes below this are taken modulo the 62 characters with no bias; the rest are dropped.
_UNBIASED = 256 - 256 % _RADIX


def masked_token(request) -> str:
    """What `django.middleware.csrf.get_token` returns: the request's secret masked with a fresh
    random mask (the mask, then the secret shifted by it, letter by letter), which the middleware
    unmasks. Django draws the mask with `secrets.choice`, one call a letter (40 µs a page, every
    signed-in page); here it comes from one `secrets.token_bytes`, drawn without bias. A request
    without a secret yet goes to Django's own, which makes one and sets the cookie."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None or len(secret) != CSRF_SECRET_LENGTH:
        return get_token(request)
    # As get_token does: the cookie is sent again, so its expiry is renewed.
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask: list[int] = []
    while len(mask) < CSRF_SECRET_LENGTH:
        mask += [byte % _RADIX for byte in secrets.token_bytes(40) if byte < _UNBIASED]
    mask = mask[:CSRF_SECRET_LENGTH]
    index = _INDEX
    chars = _CHARS
    return "".join([chars[m] for m in mask]) + "".join(
        [chars[(index[s] + m) % _RADIX] for s, m in zip(secret, mask, strict=True)]
    )


def moments(request):
    """The Jinja2 pages' `relative()`, with the time zone and "now" read once for the page
    (recruitcrm.jinja2.Relative)."""
    return {"relative": Relative()}
