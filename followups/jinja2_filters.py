"""Filters the follow-up engine's Jinja2 pages use (registered by recruitcrm.jinja2)."""

from followups.templatetags.today import task_words, undo_token

FILTERS = {"task_words": task_words, "undo_token": undo_token}
