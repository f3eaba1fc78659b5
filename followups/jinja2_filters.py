"""Filters the follow-up engine's Jinja2 pages use (registered by recruitcrm.jinja2)."""

from followups.queue.row_html import post_button, snooze_menu, talk_links
from followups.templatetags.today import task_words, undo_token

FILTERS = {
    "task_words": task_words,
    "undo_token": undo_token,
    "post_button": post_button,
    "snooze_menu": snooze_menu,
    "talk_links": talk_links,
}
