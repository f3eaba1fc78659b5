"""The post-hire tables written in Python are the bytes the page's macros wrote."""

from pathlib import Path

from django.template import engines

from followups.models import Audience
from followups.post_hire import OutcomeRow, Score, ScoreRow, ScoreTable, Step, ThemeCount
from followups.post_hire_html import concern_table, score_table

STEPS = [Step(30, Audience.NEW_HIRE), Step(30, Audience.HIRING_LEADER), Step(90, "hiring_leader")]


def _macros():
    source = (Path(__file__).parent / "post_hire_tables_macros.html").read_text()
    return engines["jinja2"].env.from_string(source).module


def _scores() -> ScoreTable:
    def row(name, *cells):
        return ScoreRow(name, shown=tuple(Score(average, count) for average, count in cells))

    return ScoreTable(
        steps=STEPS,
        total=row("All", (3.25, 8), (None, 0), (4.05, 2)),
        by_company=[row('Acme <&> "Sons"', (3.0, 1), (4.44, 3), (None, 0))],
        by_recruiter=[row("Ada O'Neil", (1.0, 1), (2.5, 2), (5.0, 1)), row("Bo", *[(None, 0)] * 3)],
    )


def _outcome(name, concerns, themes, untagged) -> OutcomeRow:
    counts = tuple(
        ThemeCount(f"t{n}", label, count, share) for n, (label, count, share) in enumerate(themes)
    )
    return OutcomeRow(name, concerns, counts, untagged, {"yes": 1, "partly": 0, "no": 0})


def test_the_score_tables_are_written_as_the_macro_wrote_them():
    macros, scores = _macros(), _scores()
    for rows, by in ((scores.by_company, "Company"), (scores.by_recruiter, "Recruiter"), ([], "X")):
        written = score_table(rows, scores, by, "scores-note")
        assert str(written) == str(macros.score_table(rows, scores, by, "scores-note"))
    assert "Acme &lt;&amp;&gt; &#34;Sons&#34;" in score_table(scores.by_company, scores, "C", "n")


def test_the_concern_tables_are_written_as_the_macro_wrote_them():
    macros = _macros()
    total = _outcome("All", 5, [("Skills <gap>", 3, 60), ("Fit", 0, None)], 2)
    rows = [
        _outcome("Acme & Co", 4, [("Skills <gap>", 3, 75), ("Fit", 0, 0)], 1),
        _outcome("Quiet Ltd", 0, [("Skills <gap>", 0, None), ("Fit", 0, None)], 0),
        _outcome("O'Brien", 1, [("Skills <gap>", 0, 0), ("Fit", 1, 100)], 0),
    ]
    for shown in (rows, []):
        written = concern_table(shown, total, "Recruiter", "concerns-note")
        assert str(written) == str(macros.concern_table(shown, total, "Recruiter", "concerns-note"))
    assert "Quiet Ltd" not in concern_table(rows, total, "Company", "n")  # no concerns: left out
