"""The reads behind the pipeline analytics (issue 9 §4): funnel, time in each stage, where
candidates drop out and why, source of hire, days waiting on the leader's feedback. For the
whole agency (filtered by recruiter and company) or one requisition.

Every figure is one grouped SQL query; Python only reshapes the handful of grouped rows.

What the date range means, said on the page too:
- funnel, time in stage, drop-outs and reasons: applications *added* in the range (a cohort,
  so the stages compare the same people);
- source of hire: hires made in the range;
- feedback wait: candidates submitted to the leader in the range; "overdue now" is today's.
The recruiter filter is the requisition's recruiter; the company, the requisition's company.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from candidates.models import (
    Application,
    ApplicationStageChange,
    Candidate,
    CandidateSource,
    LeaderFeedback,
    PassReason,
    Stage,
)
from hiring_leaders.models import Requisition
from recruitcrm.analytics import Filters, share

STAGES = list(Stage.values)
STAGE_LABELS = dict(Stage.choices)
REASONS_SHOWN = 10

TABLES = {
    "application": Application._meta.db_table,
    "change": ApplicationStageChange._meta.db_table,
    "candidate": Candidate._meta.db_table,
    "feedback": LeaderFeedback._meta.db_table,
    "requisition": Requisition._meta.db_table,
}


@dataclass(frozen=True)
class Scope:
    """Whose pipelines: the filters, and one requisition or all of them."""

    filters: Filters
    requisition_id: int | None = None

    def where(self) -> str:
        """Conditions on `a` (application) and `r` (requisition), written only for the filters
        set, so each plan is made for the filters it has (no `x IS NULL OR` for the planner)."""
        clauses = []
        if self.requisition_id is not None:
            clauses.append("a.requisition_id = %(requisition_id)s")
        if self.filters.recruiter_id is not None:
            clauses.append("r.recruiter_id = %(recruiter)s")
        if self.filters.company_id is not None:
            clauses.append("r.company_id = %(company)s")
        return "".join(f" AND {clause}" for clause in clauses)

    def params(self, **more) -> dict:
        return {
            **self.filters.params(),
            "requisition_id": self.requisition_id,
            "stages": STAGES,
            "active": Application.Outcome.ACTIVE.value,
            **more,
        }


def _fetch(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql.format(**TABLES), params)
        return cursor.fetchall()


# The cohort: applications added in the range, in the scope's requisitions.
_COHORT = """
    SELECT a.id, a.stage, a.outcome, a.close_reason
    FROM {application} a JOIN {requisition} r ON r.id = a.requisition_id
    WHERE a.created_at >= %(start_at)s AND a.created_at < %(end_at)s {scope}
"""


# ---------- funnel and drop-outs ----------


@dataclass(frozen=True)
class FunnelRow:
    stage: str
    label: str
    reached: int
    share_of_previous: int | None  # %
    rejected_here: int
    withdrew_here: int
    active_here: int

    @property
    def dropped_here(self) -> int:
        return self.rejected_here + self.withdrew_here

    @property
    def dropped_share(self) -> int | None:
        return share(self.dropped_here, self.reached)


# A stage "reached" is the furthest the application ever got (its history holds moves back and
# skipped stages), read from the stage_change_app_steps index alone.
_FUNNEL_SQL = """
    WITH cohort AS ({cohort})
    SELECT greatest(
               array_position(%(stages)s::text[], c.stage),
               (SELECT max(array_position(%(stages)s::text[], s.to_stage))
                FROM {change} s WHERE s.application_id = c.id)
           ) AS furthest,
           c.stage, c.outcome, count(*)
    FROM cohort c
    GROUP BY 1, 2, 3
"""


def funnel(scope: Scope) -> list[FunnelRow]:
    """Per stage: how many reached it, % of the stage before, and how many closed there."""
    sql = _FUNNEL_SQL.replace("{cohort}", _COHORT).replace("{scope}", scope.where())
    rows = _fetch(sql, scope.params())
    reached = [0] * len(STAGES)
    closed: dict[tuple[str, str], int] = {}
    for furthest, stage, outcome, count in rows:  # at most 7 x 7 x 3 groups
        for rank in range(furthest):
            reached[rank] += count
        closed[stage, outcome] = closed.get((stage, outcome), 0) + count
    result = []
    for rank, stage in enumerate(STAGES):
        result.append(
            FunnelRow(
                stage=stage,
                label=STAGE_LABELS[stage],
                reached=reached[rank],
                share_of_previous=share(reached[rank], reached[rank - 1]) if rank else None,
                rejected_here=closed.get((stage, Application.Outcome.REJECTED), 0),
                withdrew_here=closed.get((stage, Application.Outcome.WITHDRAWN), 0),
                active_here=closed.get((stage, Application.Outcome.ACTIVE), 0),
            )
        )
    return result


# ---------- time in each stage ----------


@dataclass(frozen=True)
class StageTime:
    stage: str
    label: str
    stays: int
    median_days: float | None
    p90_days: float | None


# A stay in a stage runs from the change that entered it to the next change of the same
# application (a move or a close). Stays still running are left out: they have no length yet.
_STAGE_TIME_SQL = """
    WITH cohort AS ({cohort}),
    stays AS (
        SELECT s.to_stage AS stage, s.outcome,
               extract(epoch FROM lead(s.changed_at) OVER (
                   PARTITION BY s.application_id ORDER BY s.changed_at, s.id
               ) - s.changed_at) / 86400.0 AS days
        FROM {change} s JOIN cohort c ON c.id = s.application_id
    )
    SELECT stage, count(*),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY days),
           percentile_cont(0.9) WITHIN GROUP (ORDER BY days)
    FROM stays
    WHERE outcome = %(active)s AND days IS NOT NULL AND stage <> %(hired)s
    GROUP BY stage
"""


def time_in_stage(scope: Scope) -> list[StageTime]:
    sql = _STAGE_TIME_SQL.replace("{cohort}", _COHORT).replace("{scope}", scope.where())
    found = {
        stage: (n, p50, p90)
        for stage, n, p50, p90 in _fetch(sql, scope.params(hired=Stage.HIRED.value))
    }
    return [
        StageTime(stage, STAGE_LABELS[stage], *found.get(stage, (0, None, None)))
        for stage in STAGES
        if stage != Stage.HIRED
    ]


# ---------- why candidates drop out ----------


@dataclass(frozen=True)
class Reason:
    kind: str  # "rejected", "withdrawn" or "leader_pass"
    reason: str
    count: int

    @property
    def kind_label(self) -> str:
        return {
            "rejected": "We rejected",
            "withdrawn": "Candidate withdrew",
            "leader_pass": "Leader passed",
        }[self.kind]


@dataclass
class Reasons:
    rows: list[Reason] = field(default_factory=list)
    # Distinct reasons in all, when only the most frequent are read.
    distinct: int = 0

    @property
    def more(self) -> int:
        return self.distinct - len(self.rows)


# Close reasons are the recruiter's own words: grouped as written, most frequent first. A
# leader's pass carries a reason from a list (PassReason), grouped the same way.
_REASONS_SQL = """
    WITH cohort AS ({cohort}),
    grouped AS (
        SELECT c.outcome AS kind, c.close_reason AS reason, count(*) AS n
        FROM cohort c WHERE c.outcome <> %(active)s
        GROUP BY 1, 2
        UNION ALL
        SELECT 'leader_pass', f.reason, count(*)
        FROM {feedback} f JOIN cohort c ON c.id = f.application_id
        WHERE f.kind = %(pass)s
        GROUP BY 2
    )
    SELECT kind, reason, n, count(*) OVER ()
    FROM grouped ORDER BY n DESC, kind, reason
    LIMIT %(limit)s
"""


def drop_out_reasons(scope: Scope, *, limit: int | None = REASONS_SHOWN) -> Reasons:
    sql = _REASONS_SQL.replace("{cohort}", _COHORT).replace("{scope}", scope.where())
    rows = _fetch(sql, scope.params(limit=limit, **{"pass": LeaderFeedback.Kind.PASS.value}))
    labels = dict(PassReason.choices)
    reasons = Reasons(
        rows=[
            Reason(kind, labels.get(reason, reason) if kind == "leader_pass" else reason, n)
            for kind, reason, n, _ in rows
        ],
        distinct=rows[0][3] if rows else 0,
    )
    return reasons


# ---------- source of hire ----------


@dataclass(frozen=True)
class SourceOfHire:
    source: str
    label: str
    hires: int
    share: int | None


_SOURCES_SQL = """
    SELECT c.source, count(*)
    FROM {application} a
    JOIN {requisition} r ON r.id = a.requisition_id
    JOIN {candidate} c ON c.id = a.candidate_id
    WHERE a.hired_at >= %(start_at)s AND a.hired_at < %(end_at)s {scope}
    GROUP BY c.source
    ORDER BY 2 DESC, 1
"""


def source_of_hire(scope: Scope) -> list[SourceOfHire]:
    rows = _fetch(_SOURCES_SQL.replace("{scope}", scope.where()), scope.params())
    total = sum(n for _, n in rows)  # one row per source: seven at most
    labels = dict(CandidateSource.choices)
    return [
        SourceOfHire(source, labels.get(source, source), n, share(n, total)) for source, n in rows
    ]


# ---------- waiting on the leader's feedback ----------


@dataclass(frozen=True)
class FeedbackWait:
    submissions: int
    median_days: float | None
    p90_days: float | None
    still_waiting: int
    overdue_now: int
    overdue_after_days: int


# A submission waits until the leader's first word about the candidate since (advance, pass or
# question: the queue and the progress page count the same), or until the candidate moved on
# or closed without it, or until now. Overdue now: as the progress page counts it.
_FEEDBACK_SQL = """
    WITH submissions AS (
        SELECT s.application_id, s.changed_at AS since
        FROM {change} s
        JOIN {application} a ON a.id = s.application_id
        JOIN {requisition} r ON r.id = a.requisition_id
        WHERE s.to_stage = %(submitted)s AND s.outcome = %(active)s
          AND s.changed_at >= %(start_at)s AND s.changed_at < %(end_at)s {scope}
    ),
    waits AS (
        SELECT w.since,
               (SELECT min(f.given_at) FROM {feedback} f
                WHERE f.application_id = w.application_id AND f.given_at >= w.since) AS answered,
               (SELECT min(n.changed_at) FROM {change} n
                WHERE n.application_id = w.application_id AND n.changed_at > w.since) AS moved
        FROM submissions w
    )
    SELECT count(*),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM
               least(answered, moved, %(now)s) - since) / 86400.0),
           percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM
               least(answered, moved, %(now)s) - since) / 86400.0),
           count(*) FILTER (WHERE answered IS NULL AND moved IS NULL),
           (SELECT count(*)
            FROM {application} a JOIN {requisition} r ON r.id = a.requisition_id
            WHERE a.outcome = %(active)s AND a.stage = %(submitted)s
              AND a.stage_changed_at < %(overdue_before)s {scope}
              AND NOT EXISTS (SELECT 1 FROM {feedback} f
                              WHERE f.application_id = a.id AND f.given_at >= a.stage_changed_at))
    FROM waits
"""


def feedback_wait(scope: Scope, *, now: datetime.datetime) -> FeedbackWait:
    days = settings.LEADER_FEEDBACK_OVERDUE_DAYS
    params = scope.params(
        submitted=Stage.SUBMITTED.value,
        now=now,
        overdue_before=now - datetime.timedelta(days=days),
    )
    ((n, p50, p90, waiting, overdue),) = _fetch(
        _FEEDBACK_SQL.replace("{scope}", scope.where()), params
    )
    return FeedbackWait(n, p50, p90, waiting, overdue, days)


# ---------- the whole page ----------


@dataclass(frozen=True)
class PipelineAnalytics:
    funnel: list[FunnelRow]
    stage_times: list[StageTime]
    reasons: Reasons
    sources: list[SourceOfHire]
    feedback: FeedbackWait

    @property
    def added(self) -> int:
        return self.funnel[0].reached

    @property
    def hires(self) -> int:
        return sum(row.hires for row in self.sources)

    # The charts' rows (templates/jinja2/partials/charts.html).
    @property
    def funnel_chart(self) -> list[tuple]:
        return [(row.label, row.reached, row.share_of_previous) for row in self.funnel]

    @property
    def times_chart(self) -> list[tuple]:
        return [(row.label, row.median_days) for row in self.stage_times]

    @property
    def sources_chart(self) -> list[tuple]:
        return [(row.label, row.hires) for row in self.sources]


def pipeline_analytics(scope: Scope, *, now: datetime.datetime) -> PipelineAnalytics:
    """Five queries."""
    return PipelineAnalytics(
        funnel=funnel(scope),
        stage_times=time_in_stage(scope),
        reasons=drop_out_reasons(scope),
        sources=source_of_hire(scope),
        feedback=feedback_wait(scope, now=now),
    )


# ---------- the tables as CSV ----------


def export_rows(
    table: str, scope: Scope, *, now: datetime.datetime, counted: PipelineAnalytics | None = None
) -> tuple[list[str], list]:
    """Header and rows of one of the page's tables, every row (the page shows the first few).
    The tables a snapshot holds whole (all but the reasons) come from `counted` when given:
    the agency's are too slow to count again in the request."""
    if table == "funnel":
        return (
            [
                "stage",
                "reached",
                "% of previous stage",
                "rejected at this stage",
                "withdrew at this stage",
                "still active at this stage",
            ],
            [
                (
                    r.label,
                    r.reached,
                    r.share_of_previous,
                    r.rejected_here,
                    r.withdrew_here,
                    r.active_here,
                )
                for r in (counted.funnel if counted else funnel(scope))
            ],
        )
    if table == "stage-times":
        return (
            ["stage", "completed stays", "median days", "90th percentile days"],
            [
                (t.label, t.stays, _round(t.median_days), _round(t.p90_days))
                for t in (counted.stage_times if counted else time_in_stage(scope))
            ],
        )
    if table == "reasons":
        return (
            ["who", "reason", "applications"],
            [(r.kind_label, r.reason, r.count) for r in drop_out_reasons(scope, limit=None).rows],
        )
    if table == "sources":
        return (
            ["source", "hires", "% of hires"],
            [
                (s.label, s.hires, s.share)
                for s in (counted.sources if counted else source_of_hire(scope))
            ],
        )
    wait = counted.feedback if counted else feedback_wait(scope, now=now)
    return (
        [
            "submitted to the leader",
            "median days waiting",
            "90th percentile days waiting",
            "still waiting",
            f"overdue now (over {wait.overdue_after_days} days)",
        ],
        [
            (
                wait.submissions,
                _round(wait.median_days),
                _round(wait.p90_days),
                wait.still_waiting,
                wait.overdue_now,
            )
        ],
    )


EXPORTS = ("funnel", "stage-times", "reasons", "sources", "feedback")


def _round(days: float | None) -> float | None:
    return None if days is None else round(days, 1)
