"""Filters the candidate pages' Jinja2 templates use (registered by recruitcrm.jinja2)."""

from __future__ import annotations

from candidates.form_html import choices, control
from candidates.models import PassReason


def pass_reasons(application_id) -> list[tuple[str, str]]:
    """`application_id|pass_reasons`: the reasons a hiring leader may give for passing on a
    candidate, for the feedback forms of any page that shows them."""
    return PassReason.choices


FILTERS = {
    "control": control,
    "choices": choices,
    "pass_reasons": pass_reasons,
}
