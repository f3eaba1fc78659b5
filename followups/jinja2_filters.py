"""Filters the follow-up engine's Jinja2 pages use (registered by recruitcrm.jinja2)."""

from followups.outbox_html import outbox_rows
from followups.post_hire_html import concern_table, score_table
from followups.queue.row_html import queue_rows, review_form
from followups.templatetags.today import undo_token

FILTERS = {
    "outbox_rows": outbox_rows,
    "score_table": score_table,
    "concern_table": concern_table,
    "undo_token": undo_token,
    "queue_rows": queue_rows,
    "review_form": review_form,
}
