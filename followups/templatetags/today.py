"""Template helpers for "Today" and the confirmations with an Undo."""

from __future__ import annotations

from django import template

from followups.queue.services import UNDO_TAG

register = template.Library()


@register.filter
def undo_token(message) -> str:
    """The signed Undo a confirmation carries (see followups.queue.views.action_done), or ''."""
    tags = getattr(message, "extra_tags", "") or ""
    return tags[len(UNDO_TAG) :] if tags.startswith(UNDO_TAG) else ""
