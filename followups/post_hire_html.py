"""The post-hire page's two tables, written in Python (the score_table and concern_table
filters), as the outbox's rows are (followups.outbox_html): the template's macros looked up,
tested and escaped each of a few hundred cells one by one (the page on the bench data, as the
admin, in-process: 6.0 to 6.3 ms with them, 4.0 to 4.9 ms with these). A company's or
recruiter's name is escaped once each; the rest is figures and the code's own labels. The bytes
are the macros' own; tests/followups/test_post_hire_html.py renders both.
"""

from __future__ import annotations

from markupsafe import Markup

from followups.post_hire import OutcomeRow, Score, ScoreRow, ScoreTable
from recruitcrm.jinja2 import text

_NONE = '<span class="muted">\N{EN DASH}</span>'


def score_table(rows: list[ScoreRow], scores: ScoreTable, by: str, described_by: str) -> Markup:
    """`rows|score_table(scores, by, described_by)`: the average score and number of answers
    of each check-in (a column each) for each row (a company, a recruiter), then everyone's."""
    columns = "".join(
        f'<th scope="col" class="num">{text(step.label)}</th>' for step in scores.steps
    )
    body = "".join(
        f'\n    <tr><th scope="row">{text(row.name)}</th>{_scores(row.shown)}\n    </tr>'
        for row in rows
    )
    return Markup(
        f'<div class="table-wrap" tabindex="0" role="region" aria-label="Check-in scores by'
        f' {text(by.lower())}"><table aria-describedby="{text(described_by)}">\n'
        f'  <thead><tr>\n    <th scope="col">{text(by)}</th>{columns}\n  </tr></thead>\n'
        f"  <tbody>{body}\n  </tbody>\n"
        f'  <tfoot><tr><th scope="row">All</th>{_scores(scores.total.shown, indent="    ")}\n'
        "  </tr></tfoot>\n</table></div>"
    )


def _scores(cells: tuple[Score, ...], indent: str = "      ") -> str:
    return "".join(f'\n{indent}<td class="num">{_score(cell)}</td>' for cell in cells)


def _score(cell: Score) -> str:
    if not cell.count:
        return _NONE
    return f'{cell.average:.1f} <span class="muted">({cell.count})</span>'


def concern_table(rows: list[OutcomeRow], total: OutcomeRow, by: str, described_by: str) -> Markup:
    """`rows|concern_table(total, by, described_by)`: each row's concerns (a company's, a
    recruiter's; those with none left out) by the theme the recruiter tagged, then everyone's."""
    columns = "".join(f'<th scope="col" class="num">{text(t.label)}</th>' for t in total.themes)
    body = "".join(_concern_row(row) for row in rows if row.concerns)
    themes = "".join(
        f'<td class="num">{t.count} <span class="muted">('
        f"{_NONE if t.share is None else f'{t.share}%'})</span></td>"
        for t in total.themes
    )
    return Markup(
        f'<div class="table-wrap" tabindex="0" role="region" aria-label="Concerns by theme, by'
        f' {text(by.lower())}"><table aria-describedby="{text(described_by)}">\n'
        f'  <thead><tr>\n    <th scope="col">{text(by)}</th><th scope="col" class="num">Concerns'
        f'</th>{columns}\n    <th scope="col" class="num">Not tagged</th>\n  </tr></thead>\n'
        f"  <tbody>{body}\n  </tbody>\n"
        f'  <tfoot><tr><th scope="row">All</th><td class="num">{total.concerns}</td>{themes}\n'
        f'    <td class="num">{total.untagged}</td>\n  </tr></tfoot>\n</table></div>'
    )


def _concern_row(row: OutcomeRow) -> str:
    themes = "".join(
        f'<td class="num">{t.count} <span class="muted">({t.share}%)</span></td>'
        if t.count
        else '<td class="num"><span class="muted">0</span></td>'
        for t in row.themes
    )
    untagged = (
        f'<span class="flag--late">{row.untagged}</span>'
        if row.untagged
        else '<span class="muted">0</span>'
    )
    return (
        f'\n    <tr><th scope="row">{text(row.name)}</th><td class="num">{row.concerns}</td>'
        f'{themes}\n      <td class="num">{untagged}</td>\n    </tr>'
    )
