"""Filters the candidate pages' Jinja2 templates use (registered by recruitcrm.jinja2)."""

from __future__ import annotations

from django.http import QueryDict

from candidates.form_html import choices, control


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


FILTERS = {"querystring": querystring, "control": control, "choices": choices}
