"""The reads behind the candidate-experience analytics (issue 9 §4): who heard from us lately,
how long interviewed candidates wait for an outcome (and who has waited past 45 days), and
promises kept on time.

The definitions are Today's (followups.queue): an *active* candidate is in an open
requisition's pipeline, not closed and not yet hired; *heard from us* is their last-contacted
time (every call, email, meeting or message sets it); a promise is *kept on time* when it was
marked kept no later than it was due, counted over the promises due in the range and before now.
The recruiter filter is the candidate's owner (the promise's recruiter); the company, the
requisition's company (the promise's requisition or hiring leader).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection

from candidates.analytics import TABLES as _PIPELINE_TABLES
from candidates.models import Application, Commitment, Interview, Stage
from hiring_leaders.models import HiringLeader, Requisition
from recruitcrm.analytics import Filters, share
from recruitcrm.models import User

# An interviewed candidate who has heard nothing this long after their last interview is owed
# an answer: the essay's "nobody hears back" made measurable.
OUTCOME_OWED_DAYS = 45
FLAGGED_SHOWN = 50
RECRUITERS_PER_PAGE = 25

TABLES = {
    **_PIPELINE_TABLES,
    "commitment": Commitment._meta.db_table,
    "interview": Interview._meta.db_table,
    "leader": HiringLeader._meta.db_table,
    "user": User._meta.db_table,
}


def _fetch(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql.format(**TABLES), params)
        return cursor.fetchall()


def _params(filters: Filters, now: datetime.datetime, **more) -> dict:
    return {
        **filters.params(),
        "now": now,
        "active": Application.Outcome.ACTIVE.value,
        "interviewing": Stage.INTERVIEWING.value,
        "told_stages": [Stage.OFFER.value, Stage.HIRED.value],
        "interviewed_stages": [Stage.INTERVIEWING.value, Stage.OFFER.value, Stage.HIRED.value],
        "owed_days": OUTCOME_OWED_DAYS,
        **more,
    }


# ---------- heard from us ----------


@dataclass(frozen=True)
class HeardFrom:
    active: int
    last_7_days: int
    last_14_days: int

    @property
    def share_7(self) -> int | None:
        return share(self.last_7_days, self.active)

    @property
    def share_14(self) -> int | None:
        return share(self.last_14_days, self.active)


_HEARD_SQL = """
    SELECT count(*),
           count(*) FILTER (WHERE c.last_contacted_at >= %(now)s - interval '7 days'),
           count(*) FILTER (WHERE c.last_contacted_at >= %(now)s - interval '14 days')
    FROM {candidate} c
    WHERE EXISTS (
        SELECT 1 FROM {application} a JOIN {requisition} r ON r.id = a.requisition_id
        WHERE a.candidate_id = c.id AND a.outcome = %(active)s AND a.stage <> %(hired)s
          AND r.status = %(open)s {company}
    ) {owner}
"""


def heard_from(filters: Filters, *, now: datetime.datetime) -> HeardFrom:
    """Today's figures, whatever the date range: "heard from us" is about now."""
    sql = _HEARD_SQL.replace(
        "{company}", " AND r.company_id = %(company)s" if filters.company_id else ""
    ).replace("{owner}", " AND c.owner_id = %(recruiter)s" if filters.recruiter_id else "")
    params = _params(filters, now, hired=Stage.HIRED.value, open=Requisition.Status.OPEN.value)
    return HeardFrom(*_fetch(sql, params)[0])


# ---------- from the last interview to the outcome ----------

# The last interview of an application: its latest interview held (Interview rows, from the
# kit), or, for pipelines run without them, when it last entered "interviewing". The outcome is
# the first change after it that tells the candidate something: an offer, a hire, or a close.
# Only applications standing (or closed) at interviewing or later are read: one moved back below
# it is not counted. Both steps MATERIALIZED: inlined, PostgreSQL misjudged the rows (12 for
# 3,160) and joined every requisition to every one of them (6.3 s on the 100,000 data set).
_INTERVIEWED = """
    SELECT a.id, a.candidate_id, a.requisition_id, a.outcome, a.stage,
           greatest(
               (SELECT max(i.starts_at) FROM {interview} i
                WHERE i.application_id = a.id AND i.starts_at <= %(now)s),
               (SELECT max(s.changed_at) FROM {change} s
                WHERE s.application_id = a.id AND s.to_stage = %(interviewing)s
                  AND s.outcome = %(active)s)
           ) AS last_interview
    FROM {application} a JOIN {requisition} r ON r.id = a.requisition_id
    WHERE a.stage = ANY(%(interviewed_stages)s) AND {where} {scope}
"""
_TOLD = """
    SELECT it.*,
           (SELECT min(s.changed_at) FROM {change} s
            WHERE s.application_id = it.id AND s.changed_at > it.last_interview
              AND (s.to_stage = ANY(%(told_stages)s) OR s.outcome <> %(active)s)) AS told_at
    FROM interviewed it WHERE it.last_interview IS NOT NULL
"""


@dataclass(frozen=True)
class InterviewOutcomes:
    told: int
    median_days: float | None
    p90_days: float | None
    told_late: int  # told, but more than OUTCOME_OWED_DAYS after their last interview


# Outcomes given in the range: an outcome is a change, so the application changed (or closed)
# on or after the range's start; that bound lets the planner skip older applications.
_OUTCOMES_SQL = f"""
    WITH interviewed AS MATERIALIZED ({_INTERVIEWED}), told AS MATERIALIZED ({_TOLD}),
    waits AS (
        SELECT told_at, extract(epoch FROM told_at - last_interview) / 86400.0 AS days FROM told
    )
    SELECT count(*),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY days),
           percentile_cont(0.9) WITHIN GROUP (ORDER BY days),
           count(*) FILTER (WHERE days > %(owed_days)s)
    FROM waits WHERE told_at >= %(start_at)s AND told_at < %(end_at)s
"""


def _scope(filters: Filters) -> str:
    clauses = []
    if filters.recruiter_id:
        clauses.append(" AND r.recruiter_id = %(recruiter)s")
    if filters.company_id:
        clauses.append(" AND r.company_id = %(company)s")
    return "".join(clauses)


def interview_outcomes(filters: Filters, *, now: datetime.datetime) -> InterviewOutcomes:
    sql = _OUTCOMES_SQL.replace(
        "{where}", "(a.stage_changed_at >= %(start_at)s OR a.closed_at >= %(start_at)s)"
    ).replace("{scope}", _scope(filters))
    return InterviewOutcomes(*_fetch(sql, _params(filters, now))[0])


@dataclass(frozen=True)
class OwedOutcome:
    application_id: int
    candidate_id: int
    candidate_name: str
    requisition_id: int
    requisition_title: str
    last_interview: datetime.datetime
    days: int


@dataclass(frozen=True)
class OwedOutcomes:
    rows: list[OwedOutcome]
    count: int

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


# Still waiting now: an open application at interviewing (one told anything has moved on or
# closed), longest wait first. Not bound to the date range: these are owed a call today.
_OWED_SQL = f"""
    WITH interviewed AS MATERIALIZED ({_INTERVIEWED}), told AS MATERIALIZED ({_TOLD})
    SELECT t.id, t.candidate_id, c.first_name, c.last_name, t.requisition_id, q.title,
           t.last_interview, count(*) OVER ()
    FROM told t
    JOIN {{candidate}} c ON c.id = t.candidate_id
    JOIN {{requisition}} q ON q.id = t.requisition_id
    WHERE t.told_at IS NULL AND t.last_interview < %(now)s - make_interval(days => %(owed_days)s)
    ORDER BY t.last_interview, t.id
    LIMIT %(limit)s
"""


def outcomes_owed(
    filters: Filters, *, now: datetime.datetime, limit: int | None = FLAGGED_SHOWN
) -> OwedOutcomes:
    sql = _OWED_SQL.replace(
        "{where}", "a.outcome = %(active)s AND a.stage = %(interviewing)s"
    ).replace("{scope}", _scope(filters))
    rows = _fetch(sql, _params(filters, now, limit=limit))
    return OwedOutcomes(
        rows=[
            OwedOutcome(
                pk, candidate, f"{first} {last}".strip(), req, title, when, (now - when).days
            )
            for pk, candidate, first, last, req, title, when, _ in rows
        ],
        count=rows[0][-1] if rows else 0,
    )


# ---------- promises kept on time ----------


@dataclass(frozen=True)
class PromiseRecord:
    recruiter_id: int | None  # None: everyone's together
    recruiter_name: str
    due: int
    kept_on_time: int
    kept_late: int
    open_late: int

    @property
    def kept_share(self) -> int | None:
        return share(self.kept_on_time, self.due)


@dataclass(frozen=True)
class Promises:
    total: PromiseRecord
    recruiters: list[PromiseRecord]
    page: int
    has_next: bool


# One pass, grouped per recruiter with the total as the ROLLUP's grand row.
_PROMISES_SQL = """
    SELECT p.recruiter_id, min(u.first_name), min(u.last_name), count(*),
           count(*) FILTER (WHERE p.status = 'kept' AND p.kept_at <= p.due_at),
           count(*) FILTER (WHERE p.status = 'kept' AND p.kept_at > p.due_at),
           count(*) FILTER (WHERE p.status = 'open'),
           GROUPING(p.recruiter_id)
    FROM {commitment} p
    JOIN {user} u ON u.id = p.recruiter_id
    LEFT JOIN {requisition} r ON r.id = p.requisition_id
    LEFT JOIN {leader} l ON l.id = p.hiring_leader_id
    WHERE p.due_at >= %(start_at)s AND p.due_at < least(%(end_at)s, %(now)s) {scope}
    GROUP BY ROLLUP (p.recruiter_id)
    ORDER BY GROUPING(p.recruiter_id) DESC, min(u.last_name), min(u.first_name), p.recruiter_id
    LIMIT %(limit)s OFFSET %(offset)s
"""


def promises_kept(filters: Filters, *, now: datetime.datetime, page: int = 1) -> Promises:
    """The grand total first, then one page of recruiters (and one more row, to know of a next
    page); page N repeats the total, so every page has it."""
    clauses = []
    if filters.recruiter_id:
        clauses.append(" AND p.recruiter_id = %(recruiter)s")
    if filters.company_id:
        clauses.append(" AND coalesce(r.company_id, l.company_id) = %(company)s")
    sql = _PROMISES_SQL.replace("{scope}", "".join(clauses))
    offset = (page - 1) * RECRUITERS_PER_PAGE
    total_sql = f"({sql.replace('LIMIT %(limit)s OFFSET %(offset)s', 'LIMIT 1')})"
    page_sql = f"({sql.replace('%(offset)s', '%(offset)s + 1')})"
    rows = _fetch(
        f"{total_sql} UNION ALL {page_sql}",
        _params(filters, now, limit=RECRUITERS_PER_PAGE + 1, offset=offset),
    )
    records = [
        PromiseRecord(
            None if grand else recruiter,
            "Everyone" if grand else f"{first} {last}".strip(),
            due,
            kept,
            late,
            open_,
        )
        for recruiter, first, last, due, kept, late, open_, grand in rows
    ]
    total = (
        records[0]
        if records and records[0].recruiter_id is None
        else PromiseRecord(None, "Everyone", 0, 0, 0, 0)
    )
    people = [r for r in records if r.recruiter_id is not None]
    return Promises(
        total=total,
        recruiters=people[:RECRUITERS_PER_PAGE],
        page=page,
        has_next=len(people) > RECRUITERS_PER_PAGE,
    )


# ---------- the whole page ----------


@dataclass(frozen=True)
class ExperienceAnalytics:
    heard: HeardFrom
    outcomes: InterviewOutcomes
    owed: OwedOutcomes
    promises: Promises


def experience_analytics(
    filters: Filters, *, now: datetime.datetime, page: int = 1
) -> ExperienceAnalytics:
    """Four queries."""
    return ExperienceAnalytics(
        heard=heard_from(filters, now=now),
        outcomes=interview_outcomes(filters, now=now),
        owed=outcomes_owed(filters, now=now),
        promises=promises_kept(filters, now=now, page=page),
    )


EXPORTS = ("heard-from", "interview-outcomes", "outcomes-owed", "promises")


def export_rows(
    table: str,
    filters: Filters,
    *,
    now: datetime.datetime,
    counted: ExperienceAnalytics | None = None,
):
    """As candidates.analytics.export_rows: the two one-row tables from `counted` when given."""
    if table == "heard-from":
        h = counted.heard if counted else heard_from(filters, now=now)
        return (
            [
                "active candidates",
                "heard from us in 7 days",
                "% in 7 days",
                "heard from us in 14 days",
                "% in 14 days",
            ],
            [(h.active, h.last_7_days, h.share_7, h.last_14_days, h.share_14)],
        )
    if table == "interview-outcomes":
        o = counted.outcomes if counted else interview_outcomes(filters, now=now)
        return (
            [
                "outcomes given",
                "median days from last interview",
                "90th percentile days",
                f"told after more than {OUTCOME_OWED_DAYS} days",
            ],
            [(o.told, _round(o.median_days), _round(o.p90_days), o.told_late)],
        )
    if table == "outcomes-owed":
        owed = outcomes_owed(filters, now=now, limit=None)
        return (
            ["candidate", "requisition", "last interview", "days waiting", "candidate id"],
            [
                (
                    r.candidate_name,
                    r.requisition_title,
                    r.last_interview.isoformat(),
                    r.days,
                    r.candidate_id,
                )
                for r in owed.rows
            ],
        )
    return (
        ["recruiter", "promises due", "kept on time", "kept late", "still open", "% kept on time"],
        _all_promise_rows(filters, now=now),
    )


def _all_promise_rows(filters: Filters, *, now: datetime.datetime):
    page = 1
    while True:
        promises = promises_kept(filters, now=now, page=page)
        if page == 1:
            t = promises.total
            yield (t.recruiter_name, t.due, t.kept_on_time, t.kept_late, t.open_late, t.kept_share)
        for r in promises.recruiters:
            yield (r.recruiter_name, r.due, r.kept_on_time, r.kept_late, r.open_late, r.kept_share)
        if not promises.has_next:
            return
        page += 1


def _round(days: float | None) -> float | None:
    return None if days is None else round(days, 1)
