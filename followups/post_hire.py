"""The reads behind what happens after the hire (issue 9 §4, step 6 of the essay): check-in
scores at 30/60/90 days, the concerns recruiters tagged by theme, and whether the hire solved
the problem the leader stated at intake, across the agency (the post-hire analytics page) and
for one requisition (its recruiter's page and its leader's progress page).

Every figure is aggregated in PostgreSQL: one grouped query per table, each with GROUPING SETS
so the per-company rows, the per-recruiter rows and the total come back together; Python only
lays the few grouped rows out as a table. Which answers count: those given in the page's date
range, for the check-in's recruiter (whose flag it raised) and the requisition's company.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction

from candidates.models import Application, Candidate, Placement
from followups.models import (
    Audience,
    CadenceStep,
    CheckInResponse,
    ConcernTheme,
    FollowUp,
    SolvedProblem,
)
from hiring_leaders.models import Company, HiringLeader, Intake, Requisition
from recruitcrm.analytics import Filters, share
from recruitcrm.models import User

THEMES = tuple(ConcernTheme)
# Read once: the enum's .values builds a new list on every call, and a count lays out a row per
# company and recruiter (2,600 on the bench).
SOLVED_VALUES = tuple(SolvedProblem.values)
AUDIENCES = (Audience.NEW_HIRE, Audience.HIRING_LEADER)
SOLVED_PAGE_SIZE = 25
# The page shows the companies and recruiters with the most answers first, this many of each; the
# CSV has every one (at the bench's 500 companies and 1,600 recruiters, every row was 500 KB of
# HTML nobody reads down to the end of).
LEADING = 15

# An answer is a concern when it raised a flag in the recruiter's queue (CheckInResponse
# .raises_flag): a score of 2 or lower, or "I have a concern".
CONCERN_SQL = f"(ans.score <= {CheckInResponse.LOW_SCORE} OR ans.is_concern)"

_FROM = f"""
    FROM {CheckInResponse._meta.db_table} ans
    JOIN {FollowUp._meta.db_table} f ON f.id = ans.followup_id
    JOIN {Placement._meta.db_table} p ON p.id = ans.placement_id
    JOIN {Application._meta.db_table} a ON a.id = p.application_id
    JOIN {Requisition._meta.db_table} r ON r.id = a.requisition_id
    JOIN {Company._meta.db_table} co ON co.id = r.company_id
    JOIN {User._meta.db_table} u ON u.id = f.recruiter_id
"""
_SCOPE = """
    ans.answered_at >= %(start_at)s AND ans.answered_at < %(end_at)s
    AND (%(recruiter)s::bigint IS NULL OR f.recruiter_id = %(recruiter)s::bigint)
    AND (%(company)s::bigint IS NULL OR r.company_id = %(company)s::bigint)
"""
# Which group a row of a GROUPING SETS query is: a company's, a recruiter's, or everyone's.
_GROUP = """
    CASE WHEN GROUPING(co.id) = 0 THEN 'company'
         WHEN GROUPING(u.id) = 0 THEN 'recruiter' ELSE 'all' END AS grp,
    coalesce(co.id, u.id) AS grp_id,
    coalesce(co.name, nullif(trim(u.first_name || ' ' || u.last_name), ''), u.username) AS grp_name
"""
_SETS = "(co.id, co.name{extra}), (u.id, u.first_name, u.last_name, u.username{extra}), ({bare})"


# Ranks each company and recruiter in a grouped query ("grouped", with a `size` per row) and,
# when %(leading)s is set, keeps only that many of each with the biggest size (by name among
# equals): a few hundred rows at most reach Python instead of one per company and recruiter.
# Without it every row comes back, ranked by name (the CSV). `groups` is how many there were.
_RANKED = """
    ranked AS (
        SELECT grouped.*, dense_rank() OVER (
            PARTITION BY grp
            ORDER BY CASE WHEN %(leading)s::int IS NULL THEN 0 ELSE size END DESC, grp_name, grp_id
        ) AS place
        FROM grouped
        WHERE %(leading)s::int IS NULL OR size > 0 OR grp = 'all'
    ),
    counted AS (SELECT ranked.*, max(place) OVER (PARTITION BY grp) AS groups FROM ranked)
"""
_SHOWN = "grp = 'all' OR %(leading)s::int IS NULL OR place <= %(leading)s::int"


def _sets(*extra: str) -> str:
    tail = "".join(f", {column}" for column in extra)
    return _SETS.format(extra=tail, bare=", ".join(extra))


def _fetch(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# ---------- check-in scores at 30/60/90 days ----------


@dataclass(frozen=True)
class Step:
    """A column: the check-in's day after the start date and who answered it."""

    day: int
    audience: str

    @property
    def label(self) -> str:
        who = "new hire" if self.audience == Audience.NEW_HIRE else "leader"
        return f"Day {self.day} · {who}"


@dataclass(frozen=True)
class Score:
    average: float | None
    count: int


@dataclass
class ScoreRow:
    name: str
    cells: dict[Step, Score] = field(default_factory=dict)
    # The cells in the table's column order, for the rows the page shows (post_hire_figures).
    shown: tuple[Score, ...] = ()

    def cell(self, step: Step) -> Score:
        return self.cells.get(step, Score(None, 0))

    @property
    def answers(self) -> int:
        return sum(score.count for score in self.cells.values())

    def line(self, steps: list[Step]) -> tuple[Score, ...]:
        return tuple(self.cell(step) for step in steps)


@dataclass
class ScoreTable:
    steps: list[Step]
    total: ScoreRow
    by_company: list[ScoreRow]
    by_recruiter: list[ScoreRow]
    # How many companies and recruiters with answers the page leaves to the CSV.
    more_companies: int = 0
    more_recruiters: int = 0

    @property
    def chart(self) -> list[tuple[str, float | None]]:
        return [(step.label, self.total.cell(step).average) for step in self.steps]


SCORES_SQL = f"""
    WITH grouped AS (
        SELECT {_GROUP}, s.offset_days AS day, ans.audience AS audience,
            avg(ans.score)::float AS average, count(*) AS answers,
            sum(count(*)) OVER (PARTITION BY
                GROUPING(co.id), GROUPING(u.id), coalesce(co.id, u.id)) AS size
        {_FROM}
        JOIN {CadenceStep._meta.db_table} s ON s.id = f.cadence_step_id
        WHERE {_SCOPE}
        GROUP BY GROUPING SETS ({_sets("s.offset_days", "ans.audience")})
    ),
    {_RANKED}
    SELECT grp, grp_id, grp_name, day, audience, average, answers, groups
    FROM counted WHERE {_SHOWN}
    ORDER BY grp, place, day, audience
"""


def checkin_scores(filters: Filters, *, leading: int | None = None) -> ScoreTable:
    """Average score and number of answers per check-in (day and audience), per company, per
    recruiter and in all; with `leading`, only that many companies and recruiters, those with
    the most answers first. Answers to a step since deleted have no day and are left out."""
    groups: dict[tuple[str, int | None], ScoreRow] = {}
    steps: set[Step] = set()
    more = {"company": 0, "recruiter": 0}
    params = filters.params() | {"leading": leading}
    for grp, grp_id, name, day, audience, average, count, total in _fetch(SCORES_SQL, params):
        step = Step(day, audience)
        steps.add(step)
        row = groups.setdefault((grp, grp_id), ScoreRow(name or "All"))
        row.cells[step] = Score(round(average, 1), count)
        if grp in more and leading is not None:
            more[grp] = max(total - leading, 0)
    return ScoreTable(
        steps=sorted(steps, key=lambda s: (s.day, AUDIENCES.index(s.audience))),
        total=groups.get(("all", None), ScoreRow("All")),
        by_company=[row for (grp, _), row in groups.items() if grp == "company"],
        by_recruiter=[row for (grp, _), row in groups.items() if grp == "recruiter"],
        more_companies=more["company"],
        more_recruiters=more["recruiter"],
    )


# ---------- concerns by theme, and "did the hire solve the problem" ----------


@dataclass(frozen=True)
class ThemeCount:
    theme: str
    label: str
    count: int
    share: int | None


@dataclass(frozen=True)
class OutcomeRow:
    """One company's, recruiter's or everyone's concerns by theme and 90-day answers."""

    name: str
    concerns: int
    themes: tuple[ThemeCount, ...]
    untagged: int
    solved: dict[str, int]

    @property
    def untagged_share(self) -> int | None:
        return share(self.untagged, self.concerns)

    @property
    def answered_solved(self) -> int:
        return sum(self.solved.values())


@dataclass
class Outcomes:
    total: OutcomeRow
    by_company: list[OutcomeRow]
    by_recruiter: list[OutcomeRow]
    # How many companies and recruiters with concerns the page leaves to the CSV.
    more_companies: int = 0
    more_recruiters: int = 0

    @property
    def theme_chart(self) -> list[tuple[str, int]]:
        return [(t.label, t.count) for t in self.total.themes] + [
            ("Not tagged yet", self.total.untagged)
        ]

    @property
    def solved_chart(self) -> list[tuple[str, int]]:
        return [(label, self.total.solved[value]) for value, label in SolvedProblem.choices]


_THEME_COUNTS = ",\n".join(
    f"count(*) FILTER (WHERE {CONCERN_SQL} AND ans.concern_theme = '{theme.value}') AS theme_{n}"
    for n, theme in enumerate(THEMES)
)
_SOLVED_COUNTS = ",\n".join(
    f"count(*) FILTER (WHERE ans.solved_problem = '{value}') AS solved_{n}"
    for n, value in enumerate(SOLVED_VALUES)
)
_OUTCOME_COLUMNS = ", ".join(
    ["size"]
    + [f"theme_{n}" for n in range(len(THEMES))]
    + ["untagged"]
    + [f"solved_{n}" for n in range(len(SOLVED_VALUES))]
)
# The size a company or recruiter is ranked by here is its number of concerns.
OUTCOMES_SQL = f"""
    WITH grouped AS (
        SELECT {_GROUP},
            count(*) FILTER (WHERE {CONCERN_SQL}) AS size,
            {_THEME_COUNTS},
            count(*) FILTER (WHERE {CONCERN_SQL} AND ans.concern_theme = '') AS untagged,
            {_SOLVED_COUNTS}
        {_FROM}
        WHERE {_SCOPE} AND ({CONCERN_SQL} OR ans.solved_problem <> '')
        GROUP BY GROUPING SETS ({_sets()})
    ),
    {_RANKED}
    SELECT grp, grp_id, grp_name, groups, {_OUTCOME_COLUMNS}
    FROM counted WHERE {_SHOWN}
    ORDER BY grp, place
"""


def _outcome_row(name: str, counts: tuple) -> OutcomeRow:
    concerns, *rest = counts
    themes = tuple(
        ThemeCount(theme.value, theme.label, n, share(n, concerns))
        for theme, n in zip(THEMES, rest[: len(THEMES)], strict=True)
    )
    untagged, *solved = rest[len(THEMES) :]
    return OutcomeRow(
        name=name,
        concerns=concerns,
        themes=themes,
        untagged=untagged,
        solved=dict(zip(SOLVED_VALUES, solved, strict=True)),
    )


def post_hire_outcomes(filters: Filters, *, leading: int | None = None) -> Outcomes:
    """Concerns (flagged answers) by the theme the recruiter tagged, with the untagged ones, and
    the leaders' 90-day answers (yes / partly / no), per company, per recruiter and in all; with
    `leading`, only that many companies and recruiters with concerns, the most first."""
    empty = _outcome_row("All", (0,) * (2 + len(THEMES) + len(SOLVED_VALUES)))
    outcomes = Outcomes(total=empty, by_company=[], by_recruiter=[])
    params = filters.params() | {"leading": leading}
    for grp, _grp_id, name, total, *counts in _fetch(OUTCOMES_SQL, params):
        row = _outcome_row(name or "All", tuple(counts))
        more = max(total - leading, 0) if leading is not None else 0
        if grp == "all":
            outcomes.total = row
        elif grp == "company":
            outcomes.by_company.append(row)
            outcomes.more_companies = more
        else:
            outcomes.by_recruiter.append(row)
            outcomes.more_recruiters = more
    return outcomes


# ---------- what the page shows: the leading rows, and one page of answers ----------


@dataclass(frozen=True)
class PostHireFigures:
    """The page's figures for one filter and page of answers, as kept in the cache."""

    scores: ScoreTable
    outcomes: Outcomes
    answers: list[SolvedAnswer]
    page: int
    last_page: int

    @property
    def first_shown(self) -> int:
        return (self.page - 1) * SOLVED_PAGE_SIZE + 1


def post_hire_figures(filters: Filters, *, page: int = 1) -> PostHireFigures:
    """What the post-hire page shows: the score and concern tables cut to the LEADING companies
    and recruiters, and one page of the leaders' 90-day answers (the last page if `page` is
    past it). Three queries, each driven from the answers in the range (a few thousand rows)."""
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            # Each answer finds its follow-up, placement, application and requisition by primary
            # key. At the default cost of a random read (4, for spinning disks) PostgreSQL
            # prefers to walk the whole follow-up and application keys in order for a merge
            # join: 130,000 and 200,000 index entries for 1,666 answers on the bench (96 of the
            # scores query's 140 ms). These tables' indexes are in memory.
            cursor.execute("SET LOCAL random_page_cost = 1.1")
        outcomes = post_hire_outcomes(filters, leading=LEADING)
        scores = checkin_scores(filters, leading=LEADING)
        answered = outcomes.total.answered_solved
        last_page = -(-answered // SOLVED_PAGE_SIZE) or 1
        page = min(max(page, 1), last_page)
        answers = solved_answers(filters, page=page) if answered else []

    # The shown rows' cells in column order, laid out once here rather than looked up cell by
    # cell in the template on every visit (a third of the tables' rendering time).
    for row in [*scores.by_company, *scores.by_recruiter, scores.total]:
        row.shown = row.line(scores.steps)
    return PostHireFigures(scores, outcomes, answers, page, last_page)


# ---------- each placement's intake problem, and what the leader said at 90 days ----------


@dataclass(frozen=True)
class SolvedAnswer:
    """A leader's 90-day answer, read against what they told us at intake."""

    answer: str
    comment: str
    answered_at: object
    candidate_name: str
    leader_name: str
    requisition_id: int
    requisition_title: str
    company_name: str
    recruiter_name: str
    why_open: str
    team_short_of: str
    success_90_days: str

    @property
    def answer_label(self) -> str:
        return SolvedProblem(self.answer).label

    @property
    def why_open_label(self) -> str:
        return Intake.WhyOpen(self.why_open).label if self.why_open else ""

    @property
    def problem(self) -> str:
        """The problem as stated at intake, in one line; "" when the intake says nothing."""
        parts = [self.why_open_label, self.team_short_of.strip().rstrip(".")]
        problem = " — ".join(part for part in parts if part)
        success = self.success_90_days.strip().rstrip(".")
        if success:
            problem += ("; s" if problem else "S") + f"uccess at 90 days: {success}"
        return problem + "." if problem else ""


SOLVED_SQL = f"""
    SELECT ans.solved_problem, ans.comment, ans.answered_at,
        trim(c.first_name || ' ' || c.last_name),
        coalesce(trim(l.first_name || ' ' || l.last_name), ''),
        r.id, r.title, co.name,
        coalesce(nullif(trim(u.first_name || ' ' || u.last_name), ''), u.username),
        coalesce(i.why_open, ''), coalesce(i.team_short_of, ''), coalesce(i.success_90_days, '')
    {_FROM}
    JOIN {Candidate._meta.db_table} c ON c.id = a.candidate_id
    LEFT JOIN {HiringLeader._meta.db_table} l ON l.id = f.hiring_leader_id
    LEFT JOIN {Intake._meta.db_table} i ON i.requisition_id = r.id
    WHERE {{where}} AND ans.solved_problem <> ''
    ORDER BY ans.answered_at DESC, ans.id DESC
    {{limit}}
"""


def solved_answers(filters: Filters, *, page: int = 1) -> list[SolvedAnswer]:
    """One page of the leaders' 90-day answers, newest first (the page's total is the outcome
    query's count of answers, so there is no COUNT here)."""
    sql = SOLVED_SQL.format(where=_SCOPE, limit="LIMIT %(limit)s OFFSET %(offset)s")
    params = filters.params() | {
        "limit": SOLVED_PAGE_SIZE,
        "offset": (page - 1) * SOLVED_PAGE_SIZE,
    }
    return [SolvedAnswer(*row) for row in _fetch(sql, params)]


def solved_answers_all(filters: Filters) -> Iterator[SolvedAnswer]:
    """Every answer in the range, for the CSV download (streamed by a server-side cursor)."""
    sql = SOLVED_SQL.format(where=_SCOPE, limit="")
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, filters.params())
        for row in cursor:
            yield SolvedAnswer(*row)


def requisition_solved_answers(*, requisition: Requisition, hired: int) -> list[SolvedAnswer]:
    """What the leader said at 90 days about each hire for this role, against the intake: shown
    on the recruiter's requisition page and the leader's progress page. A role has a hire or
    two, so every answer is read; with nobody hired (`hired`, which both pages have counted
    already) there is nothing to read."""
    if not hired:
        return []
    sql = SOLVED_SQL.format(where="r.id = %(requisition)s", limit="")
    return [SolvedAnswer(*row) for row in _fetch(sql, {"requisition": requisition.pk})]
