from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def compose_url(**about) -> str:
    """The message composer's address for one person (e.g. hiring_leader=…, requisition=…),
    or '' while this installation has no composer, so pages offer the link only when it works."""
    try:
        base = reverse("followups:message_compose")
    except NoReverseMatch:
        return ""
    return f"{base}?{urlencode({k: v for k, v in about.items() if v})}"
