"""The board's cards written in Python are the bytes the template's loop wrote."""

import datetime
from pathlib import Path

import pytest
from django.template import engines

from candidates.models import Application
from hiring_leaders.board_html import board_cards
from hiring_leaders.selectors import BoardCard, BoardColumn

TODAY = datetime.date(2026, 11, 25)
CSRF = '<input type="hidden" name="csrfmiddlewaretoken" value="t{o}k">'
STAGES = Application.Stage.choices


def _loop():
    source = (Path(__file__).parent / "board_cards_loop.html").read_text()
    return engines["jinja2"].env.from_string(source)


def _cards(stage: str) -> list[BoardCard]:
    def card(pk, name, headline, opted_out, days_ago):
        since = TODAY - datetime.timedelta(days=days_ago)
        moved_at = datetime.datetime.combine(since, datetime.time(9), tzinfo=datetime.UTC)
        return BoardCard(pk, pk * 10, stage, moved_at, name, headline, opted_out, since)

    return [
        card(1, "Ada Lovelace", 'Data Engineer at <Acme> & "Sons"', False, 0),
        card(2, "O'Neil <b>{x}</b>", "", True, 1),
        card(3, "Grace Hopper", "Admiral", False, -1),
        card(4, "Mary Jackson", "", False, 40),
    ]


@pytest.mark.parametrize("moved_pk", [None, 2])
@pytest.mark.parametrize("rank", range(len(STAGES)))
def test_every_stages_cards_are_written_as_the_loop_wrote_them(rank, moved_pk):
    stage, label = STAGES[rank]
    column = BoardColumn(
        stage=stage,
        label=label,
        count=4,
        cards=_cards(stage),
        next_stage=STAGES[rank + 1] if rank + 1 < len(STAGES) else None,
    )
    context = {
        "board_url": "/requisitions/7/",
        "candidates_url": "/candidates/",
        "csrf_input": CSRF,
        "moved_pk": moved_pk,
        "today": TODAY,
    }

    written = board_cards(column, **context)

    assert str(written) == _loop().render(column=column, **context)
    assert "O&#39;Neil &lt;b&gt;{x}&lt;/b&gt;" in written
    assert ("card--moved" in written) == (moved_pk is not None)
