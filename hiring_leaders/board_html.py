"""The cards of a requisition's pipeline board, written by string formatting (the board_cards
filter), as Today's rows are (followups.queue.row_html).

A board shows up to seventy cards, and the template's loop made some twenty-five lookups and
writes a card for markup that differs from card to card only by a name, a headline, a day and
an id: the bench's sixty cards took 0.7 ms to write in the loop, 0.27 ms here. What people
typed (a name, a headline) is escaped once each; a stage's label and the addresses are the
project's own. The bytes are the loop's, its indentation included
(tests/hiring_leaders/test_board_html.py compares them).
"""

from __future__ import annotations

import datetime

from markupsafe import Markup

from hiring_leaders.selectors import BoardCard, BoardColumn
from recruitcrm.jinja2 import naturalday, text

# A card in these stages links to the candidate's interviews for the role.
INTERVIEW_STAGES = ("submitted", "interviewing", "offer")


def board_cards(
    column: BoardColumn,
    board_url: str,
    candidates_url: str,
    csrf_input: str,
    moved_pk: int | None,
    today: datetime.date,
) -> Markup:
    """`column|board_cards(board_url, candidates_url, csrf_input, moved_pk, today)`: the column's
    cards as <li> items, the one just moved (`moved_pk`) marked and focused."""
    write = _Column(column, board_url, candidates_url, str(csrf_input), today)
    return Markup("".join([write.card(card, card.pk == moved_pk) for card in column.cards]))


class _Column:
    """What every card of a column shares, worked out once; then each card is written by
    f-strings."""

    def __init__(
        self,
        column: BoardColumn,
        board_url: str,
        candidates_url: str,
        csrf_input: str,
        today: datetime.date,
    ) -> None:
        self.board_url, self.candidates_url, self.csrf_input = board_url, candidates_url, csrf_input
        self.today = today
        self.since = "Hired" if column.stage == "hired" else "Here since"
        self.next_stage = column.next_stage
        self.interviews = column.stage in INTERVIEW_STAGES

    def card(self, card: BoardCard, moved: bool) -> str:
        name = text(card.name)
        opted_out = (
            '<span class="badge badge--opted-out">Opted out</span>' if card.opted_out else ""
        )
        headline = f'<span class="card__sub">{text(card.headline)}</span>' if card.headline else ""
        day = naturalday(card.since, "%-d %b", self.today)
        actions = self._actions(card.pk, name) if self.next_stage else ""
        return (
            f'\n                <li><article class="card{" card--moved" if moved else ""}"'
            f' id="card-{card.pk}">'
            f'\n                  <a class="card__name" href="{self.candidates_url}'
            f'{card.candidate_id}/"{" autofocus" if moved else ""}>{name}</a>{opted_out}{headline}'
            f'\n                  <span class="card__since">{self.since} <time datetime="'
            f'{card.since.isoformat()}">{day}</time></span>'
            f"{actions}"
            "\n                </article></li>"
        )

    def _actions(self, pk: int, name: str) -> str:
        address = f"{self.board_url}applications/{pk}/"
        stage, label = self.next_stage
        if stage == "hired":
            step = (
                f'<a class="button button--small button--next" href="{address}hire/"'
                f' data-hx-get="{address}hire/" data-hx-target="#card-{pk}">'
                f'<span class="visually-hidden">Record {name} as </span>Hired…</a>'
            )
        else:
            step = (
                f'<form method="post" action="{address}move/" data-hx-post="{address}move/">'
                f'{self.csrf_input}<button type="submit" class="button button--small button--next"'
                f' name="stage" value="{stage}"><span class="visually-hidden">Move {name} to '
                f'</span>{label} <span aria-hidden="true">→</span></button></form>'
            )
        interviews = (
            '\n                    <a class="button button--small button--quiet"'
            f' href="{address}interviews/">Interviews<span class="visually-hidden"> of {name}'
            "</span></a>"
            if self.interviews
            else ""
        )
        return (
            '\n                  <div class="card__actions">'
            f"\n                    {step}"
            f'\n                    <a class="button button--small button--quiet" href="{address}'
            f'move/" data-hx-get="{address}move/" data-hx-target="#card-{pk}">More…'
            f'<span class="visually-hidden"> moves for {name}</span></a>'
            f"{interviews}"
            "\n                  </div>"
        )
