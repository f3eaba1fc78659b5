"""Filters the candidate pages' Jinja2 templates use (registered by recruitcrm.jinja2)."""

from __future__ import annotations

from django.http import QueryDict

from candidates.form_html import choices, control
from candidates.models import PassReason


def querystring(query: QueryDict, **changes) -> str:
    """`request.GET|querystring(after=None, sort="-name")`: what Django's `{% querystring %}`
    writes — the page's own query with these parameters set, or removed when None."""
    params = query.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return f"?{params.urlencode()}" if params else "?"


def pass_reasons(application_id) -> list[tuple[str, str]]:
    """`application_id|pass_reasons`: the reasons a hiring leader may give for passing on a
    candidate, for the feedback forms of any page that shows them."""
    return PassReason.choices


FILTERS = {
    "querystring": querystring,
    "control": control,
    "choices": choices,
    "pass_reasons": pass_reasons,
}
