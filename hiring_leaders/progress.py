"""The reads behind a requisition's progress page: what its hiring leader sees (and what a
recruiter sees when viewing the page as the leader).

A leader sees the role itself, counts, the candidates submitted to them, the effort behind the
counts, what they were sent and the notes written for them. Never the recruiters' internal
notes, other roles' candidates, or the names of candidates not yet submitted.

Each function is one query, whatever the number of applications: a role with 2,000 of them
renders with the same queries as one with two (seven with the session's, six once the effort's
weeks are cached).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from candidates.models import (
    Activity,
    Application,
    ApplicationStageChange,
    Candidate,
    Commitment,
    LeaderFeedback,
    Scorecard,
)
from followups.models import Audience, Channel, FollowUp
from hiring_leaders.models import (
    Company,
    HiringLeader,
    InterviewKit,
    Requisition,
    TimeToFillForecast,
)
from recruitcrm.joined_rows import Prepared, Table
from recruitcrm.models import User

Stage = Application.Stage
SUBMITTED_PER_PAGE = 25
TIMELINE_SHOWN = 12
PROMISES_SHOWN = 10
WEEKS_CHARTED = 12
# The stages a candidate is "submitted to the leader" at: the leader has their profile.
SUBMITTED_STAGES = [Stage.SUBMITTED, Stage.INTERVIEWING, Stage.OFFER, Stage.HIRED]
# What the effort section counts: people who reached each of these stages.
EFFORT_STAGES = [
    Stage.SOURCED,
    Stage.CONTACTED,
    Stage.SCREENED,
    Stage.SUBMITTED,
    Stage.INTERVIEWING,
]
EFFORT_LABELS = {
    Stage.SOURCED: "Sourced",
    Stage.CONTACTED: "Contacted",
    Stage.SCREENED: "Screened",
    Stage.SUBMITTED: "Submitted to you",
    Stage.INTERVIEWING: "Interviews",
}


def feedback_overdue_days() -> int:
    """How long a submitted candidate may wait for the leader's word before the page says the
    leader is holding things up (the same window the digest and the recruiter's queue use)."""
    return settings.LEADER_FEEDBACK_OVERDUE_DAYS


# ---------- who may open the page ----------


def _progress_requisitions():
    # The forecast that stands (the latest) rides along on the forecast_requisition index, so
    # the page pays no query for it (requisition_forecast reads these).
    latest = TimeToFillForecast.objects.filter(requisition=OuterRef("pk")).order_by(
        "-made_at", "-pk"
    )
    return Requisition.objects.select_related(
        "company", "recruiter", "hiring_leader__company"
    ).annotate(
        forecast_low=Subquery(latest.values("low_days")[:1]),
        forecast_high=Subquery(latest.values("high_days")[:1]),
        forecast_made_at=Subquery(latest.values("made_at")[:1]),
        forecast_earlier=Subquery(latest.values("pk")[1:2]),
        # Whether the interview kit is shared: the kit's own queries run only when it is.
        kit_shared_at=Subquery(
            InterviewKit.objects.filter(requisition=OuterRef("pk")).values("shared_with_leader_at")[
                :1
            ]
        ),
    )


def progress_requisition_for_leader(*, user: User, pk: int) -> Requisition:
    """One of the signed-in leader's own requisitions, with its leader, in one query; any other
    (another company's, a colleague's at the same company, none) is a 404."""
    # Whether the leader sits on an interview panel with a scorecard still open to them.
    on_panel = Scorecard.objects.filter(
        interview__application__requisition=OuterRef("pk"),
        interviewer__hiring_leader__user=user,
        read__isnull=True,
    )
    return get_object_or_404(
        _progress_requisitions().annotate(has_scorecards=Exists(on_panel)),
        pk=pk,
        hiring_leader__user=user,
    )


def progress_requisition_for_recruiter(*, pk: int) -> Requisition:
    """Any requisition: an agency's roles are a team asset, every recruiter may read them."""
    return get_object_or_404(_progress_requisitions(), pk=pk)


# ---------- the page's shell and the parts loaded after it ----------
#
# The page answers first with what a leader reads first (status, days open, the forecast, how
# many candidates wait on them: all on the requisition's one read) and loads its heavier parts
# after it, each from its own URL. A part reads the requisition again, lightly, with the same
# permission as the page.


# The shell's one read: the requisition, its company, recruiter and leader, the forecast that
# stands, whether the kit is shared and how many submitted candidates wait on the leader (as
# requisition_standing counts them). SQL written out: the ORM spent more CPU building and
# PostgreSQL more planning its seven subqueries than running them, and the shell's whole budget
# is about 2 ms.
_SHELL_SQL = """
    SELECT {requisition_columns},
           co.name AS shell_company_name,
           u.first_name AS shell_recruiter_first_name, u.last_name AS shell_recruiter_last_name,
           u.username AS shell_recruiter_username, u.email AS shell_recruiter_email,
           hl.first_name AS shell_leader_first_name, hl.last_name AS shell_leader_last_name,
           hl.user_id AS shell_leader_user_id, hl.company_id AS shell_leader_company_id,
           hl.time_zone AS shell_leader_time_zone, lco.time_zone AS shell_leader_company_zone
           {pipeline_stamp} {shell_only}
    FROM {requisition} r
    JOIN {company} co ON co.id = r.company_id
    JOIN {user} u ON u.id = r.recruiter_id
    JOIN {leader} hl ON hl.id = r.hiring_leader_id
    JOIN {company} lco ON lco.id = hl.company_id
    {shell_joins}
    WHERE r.id = %(pk)s {of_leader}
"""
# What only the shell shows: the forecast, the kit, the leader's scorecards, who waits on them.
_SHELL_ONLY_SQL = """,
           f.low_days AS forecast_low, f.high_days AS forecast_high,
           f.made_at AS forecast_made_at,
           (SELECT f2.id FROM {forecast} f2 WHERE f2.requisition_id = r.id
            ORDER BY f2.made_at DESC, f2.id DESC LIMIT 1 OFFSET 1) AS forecast_earlier,
           (SELECT k.shared_with_leader_at FROM {kit} k WHERE k.requisition_id = r.id)
               AS kit_shared_at,
           {has_scorecards} AS has_scorecards,
           (SELECT count(*) FROM {application} a
            WHERE a.requisition_id = r.id AND a.outcome = %(active)s
              AND a.stage = %(submitted)s AND a.stage_changed_at < %(overdue_before)s
              AND NOT EXISTS ({answered})) AS overdue"""
_SHELL_JOINS_SQL = """
    LEFT JOIN LATERAL (
        SELECT low_days, high_days, made_at FROM {forecast}
        WHERE requisition_id = r.id ORDER BY made_at DESC, id DESC LIMIT 1
    ) f ON true"""
# Stand-ins for the requisition and its leader when the ORM writes the scorecard condition once.
_THIS_REQUISITION, _THIS_LEADER = -7_000_001, -7_000_002


@functools.cache
def _scorecards_owed_sql() -> tuple[str, dict]:
    """Whether the leader sits on the requisition's panel with a scorecard still open to them, as
    SQL for _SHELL_SQL: written by the ORM once per process (the relations are the kit's)."""
    # The signed-in leader is the requisition's own (the read's WHERE says so): their panel
    # seats are found by the requisition's hiring_leader_id, one join fewer to plan.
    owed = (
        Scorecard.objects.filter(
            interview__application__requisition_id=_THIS_REQUISITION,
            interviewer__hiring_leader_id=_THIS_LEADER,
            read__isnull=True,
        )
        .order_by()
        .values("pk")
    )
    sql, params = owed.query.sql_with_params()
    pieces = sql.split("%s")
    assert len(pieces) == len(params) + 1
    out, named = [pieces[0]], {}
    for n, (param, piece) in enumerate(zip(params, pieces[1:], strict=True)):
        if param == _THIS_REQUISITION:
            out.append("r.id")
        elif param == _THIS_LEADER:
            out.append("r.hiring_leader_id")
        else:
            named[f"owed_{n}"] = param
            out.append(f"%(owed_{n})s")
        out.append(piece)
    return f"EXISTS ({''.join(out)})", named


@functools.cache
def _shell_statement(*, for_leader: bool, shell: bool) -> Prepared:
    """The shell's read (shell=True) or a part's (shell=False), for the requisition's own leader
    or for any recruiter: written once per process and prepared once per connection, as
    PostgreSQL planned it in 1.4 ms and ran it in 0.3 ms on the bench data set."""
    tables = {
        "forecast": TimeToFillForecast._meta.db_table,
        "kit": InterviewKit._meta.db_table,
        "application": Application._meta.db_table,
        "answered": _ANSWERED_SQL.format(feedback=LeaderFeedback._meta.db_table),
        "has_scorecards": _scorecards_owed_sql()[0] if for_leader else "false",
    }
    sql = _SHELL_SQL.format(
        requisition_columns=_SHELL_REQUISITION.select(),
        requisition=Requisition._meta.db_table,
        company=Company._meta.db_table,
        user=User._meta.db_table,
        leader=HiringLeader._meta.db_table,
        shell_only=_SHELL_ONLY_SQL.format(**tables) if shell else "",
        shell_joins=_SHELL_JOINS_SQL.format(**tables) if shell else "",
        of_leader="AND hl.user_id = %(user)s" if for_leader else "",
        # The stamp behind Standing.version (hiring_leaders migration 0006: PostgreSQL only).
        pipeline_stamp=", r.pipeline_stamp" if connection.vendor == "postgresql" else "",
    )
    return Prepared(f"leader_progress_{'shell' if shell else 'part'}_{int(for_leader)}", sql)


_SHELL_REQUISITION = Table(Requisition, "r")


def _shell_requisition(
    *, pk: int, user: User | None, now: datetime.datetime | None = None
) -> Requisition:
    """The requisition with what its page's header needs (company, recruiter, leader and the
    leader's time zone); given `now`, with what the shell shows as well."""
    params = {"pk": pk, "user": user.pk if user else None}
    if user:
        params.update(_scorecards_owed_sql()[1])
    if now:
        params.update(
            active=Application.Outcome.ACTIVE.value,
            submitted=Stage.SUBMITTED.value,
            overdue_before=now - datetime.timedelta(days=feedback_overdue_days()),
        )
    statement = _shell_statement(for_leader=user is not None, shell=now is not None)
    width = len(_SHELL_REQUISITION.attnames)
    with connection.cursor() as cursor:
        statement.execute(cursor, params)
        row = cursor.fetchone()
        names = [column[0] for column in cursor.description[width:]]
    if row is None:
        raise Http404
    requisition = _SHELL_REQUISITION.load(row[:width])
    requisition.__dict__.update(zip(names, row[width:], strict=True))
    requisition.company = Company(id=requisition.company_id, name=requisition.shell_company_name)
    requisition.recruiter = User(
        id=requisition.recruiter_id,
        first_name=requisition.shell_recruiter_first_name,
        last_name=requisition.shell_recruiter_last_name,
        username=requisition.shell_recruiter_username,
        email=requisition.shell_recruiter_email,
    )
    requisition.hiring_leader = HiringLeader(
        id=requisition.hiring_leader_id,
        first_name=requisition.shell_leader_first_name,
        last_name=requisition.shell_leader_last_name,
        user_id=requisition.shell_leader_user_id,
        company_id=requisition.shell_leader_company_id,
        time_zone=requisition.shell_leader_time_zone,
    )
    requisition.hiring_leader.company = Company(
        id=requisition.shell_leader_company_id, time_zone=requisition.shell_leader_company_zone
    )
    return requisition


def shell_requisition_for_leader(*, user: User, pk: int, now: datetime.datetime) -> Requisition:
    """What progress_requisition_for_leader reads, with how many candidates wait on the leader,
    in one statement; another's requisition (or none) is a 404."""
    return _shell_requisition(pk=pk, now=now, user=user)


def shell_requisition_for_recruiter(*, pk: int, now: datetime.datetime) -> Requisition:
    return _shell_requisition(pk=pk, now=now, user=None)


def part_requisition_for_leader(*, user: User, pk: int) -> Requisition:
    """The requisition behind one part of its progress page: the leader's own, else 404 (the
    shell's read without what only the shell shows)."""
    return _shell_requisition(pk=pk, user=user)


def part_requisition_for_recruiter(*, pk: int) -> Requisition:
    return _shell_requisition(pk=pk, user=None)


# ---------- where things stand ----------


@dataclass(frozen=True)
class FunnelStep:
    stage: str
    label: str
    count: int


@dataclass
class Standing:
    """Counts per stage of the active pipeline and how many submitted candidates have waited
    longer than the feedback window for the leader's answer."""

    steps: list[FunnelStep]
    closed: int
    submitted: int  # active candidates at submitted or later: the leader has their profile
    overdue: int
    # Changes whenever the pipeline's history does (someone added, moved, closed, removed):
    # the counts, and the latest move, which every move makes the latest.
    version: str = ""

    @property
    def active(self) -> int:
        return sum(step.count for step in self.steps)

    @property
    def hired(self) -> int:
        return next(step.count for step in self.steps if step.stage == Stage.HIRED)


# Counts per (outcome, stage) on the application_board index. A submitted candidate whose
# leader answered since the submission (a question, say) is not overdue: the recruiter's queue
# says the same (candidates.feedback_selectors.waiting_on_leader). SQL written out rather than
# built by the ORM: building this and the submitted page's query cost the page more CPU (about
# 2 ms each) than PostgreSQL spends running them.
_STANDING_SQL = """
    SELECT a.outcome, a.stage, count(*),
           count(*) FILTER (
               WHERE a.stage = %(submitted)s AND a.stage_changed_at < %(overdue_before)s
                 AND NOT EXISTS ({answered})
           ),
           max(a.stage_changed_at)
    FROM {application} a
    WHERE a.requisition_id = %(requisition)s
    GROUP BY a.outcome, a.stage
    ORDER BY a.outcome, a.stage
"""
# The leader's answers about application `a` since it last moved (its submission, for one at
# submitted), on the leader_feedback_application index.
_ANSWERED_SQL = (
    "SELECT 1 FROM {feedback} f WHERE f.application_id = a.id AND f.given_at >= a.stage_changed_at"
)


# Prepared: PostgreSQL planned it on every visit to a part of the progress page.
STANDING_SQL = Prepared(
    "requisition_standing",
    _STANDING_SQL.format(
        application=Application._meta.db_table,
        answered=_ANSWERED_SQL.format(feedback=LeaderFeedback._meta.db_table),
    ),
)


def requisition_standing(*, requisition: Requisition, now: datetime.datetime) -> Standing:
    """One grouped query on the application_board index."""
    params = {
        "requisition": requisition.pk,
        "submitted": Stage.SUBMITTED.value,
        "overdue_before": now - datetime.timedelta(days=feedback_overdue_days()),
    }
    with connection.cursor() as cursor:
        STANDING_SQL.execute(cursor, params)
        rows = cursor.fetchall()
    active: dict[str, int] = {}
    closed = overdue = 0
    groups = []
    for outcome, stage, n, late, latest in rows:
        groups.append((outcome, stage, n, latest))
        if outcome == Application.Outcome.ACTIVE:
            active[stage] = n
            overdue += late
        else:
            closed += n
    steps = [FunnelStep(value, label, active.get(value, 0)) for value, label in Stage.choices]
    submitted = sum(active.get(stage, 0) for stage in SUBMITTED_STAGES)
    stamp = getattr(requisition, "pipeline_stamp", None)
    return Standing(
        steps=steps,
        closed=closed,
        submitted=submitted,
        overdue=overdue,
        version=pipeline_version(groups) if stamp is None else stamped_version(stamp),
    )


def pipeline_version(groups) -> str:
    """(outcome, stage, count, latest move) per group, in (outcome, stage) order: a role's
    Standing.version where the database keeps no pipeline stamp (SQLite)."""
    parts = "|".join(f"{o}:{s}:{n}:{latest.timestamp()}" for o, s, n, latest in groups)
    return hashlib.blake2b(parts.encode(), digest_size=12).hexdigest()


def stamped_version(stamp: int) -> str:
    """A role's Standing.version on PostgreSQL: its requisition's pipeline_stamp, which a
    trigger on the applications moves on whenever someone is added, moved, closed or removed
    (hiring_leaders migration 0006). The weekly digest reads the stamps of all its roles with
    them, so that it finds the effort's weeks a progress page cached, and caches them for the
    next visit."""
    return f"stamp:{stamp}"


def days_open(requisition: Requisition, today: datetime.date) -> int:
    return ((requisition.closed_on or today) - requisition.opened_on).days


@dataclass(frozen=True)
class Forecast:
    """The time-to-fill range the leader was given and where today (or the fill) falls in it.
    The range is the one that stands now: a re-forecast replaces the intake's on this page."""

    earliest: datetime.date
    latest: datetime.date
    low_days: int
    high_days: int
    day: int  # days open today, or until the role closed
    revised: bool  # a re-forecast, not the one given at intake
    made_on: datetime.date

    @property
    def where(self) -> str:
        if self.day > self.high_days:
            return "past"
        if self.day < self.low_days:
            return "before"
        return "inside"

    @property
    def share(self) -> float:
        """Where today sits along a bar from day 0 to a little past the range, 0 to 100."""
        right = max(self.high_days, self.day) * 1.1
        return round(100 * self.day / right, 1)

    @property
    def low_share(self) -> float:
        return round(100 * self.low_days / (max(self.high_days, self.day) * 1.1), 1)

    @property
    def high_share(self) -> float:
        return round(100 * self.high_days / (max(self.high_days, self.day) * 1.1), 1)


def requisition_forecast(
    *, requisition: Requisition, today: datetime.date | None = None
) -> Forecast | None:
    """The forecast that stands (the latest), from what progress_requisition_for_* annotated:
    no query. None when no forecast was given."""
    low = getattr(requisition, "forecast_low", None)
    if low is None:
        return None
    high = requisition.forecast_high
    today = today or timezone.localdate()
    return Forecast(
        earliest=requisition.opened_on + datetime.timedelta(days=low),
        latest=requisition.opened_on + datetime.timedelta(days=high),
        low_days=low,
        high_days=high,
        day=days_open(requisition, today),
        revised=requisition.forecast_earlier is not None,
        made_on=timezone.localdate(requisition.forecast_made_at),
    )


# ---------- candidates submitted to the leader ----------


@dataclass(slots=True)
class SubmittedCandidate:
    """A candidate the leader has been sent, as a row: what the page shows and the ids the
    feedback forms post (application_id)."""

    application_id: int
    candidate_id: int
    name: str
    headline: str
    location: str
    stage: str
    stage_label: str
    since: datetime.datetime
    # Days since submission while the leader's answer is awaited; None past that stage, or
    # once the leader asked a question about them (the recruiter owes the next word then).
    waiting_days: int | None
    asked_at: datetime.datetime | None = None


def submitted_candidates_page(
    *, requisition: Requisition, standing: Standing, now: datetime.datetime, page_number=1
) -> Page:
    """One page of the active candidates at submitted or later."""
    paginator = Paginator(_SubmittedInReadingOrder(requisition), SUBMITTED_PER_PAGE)
    paginator.count = standing.submitted  # counted already: the paginator runs no COUNT
    page = paginator.get_page(page_number)
    page.object_list = [_submitted_row(row, now) for row in page.object_list]
    return page


class _SubmittedInReadingOrder:
    """The submitted candidates as the paginator slices them: submitted (waiting on the
    leader) first, longest wait at the top, then offer, interviewing and hired. A page is one
    query: its applications are chosen from the application_board index alone (a role's few
    hundred submitted rows, sorted), and only those 25 are joined to their candidates and to
    the leader's latest question about them since the submission."""

    def __init__(self, requisition: Requisition):
        self.requisition = requisition

    def __getitem__(self, window: slice) -> list[tuple]:
        params = {
            "requisition": self.requisition.pk,
            "question": LeaderFeedback.Kind.QUESTION.value,
            "offset": window.start,
            "limit": window.stop - window.start,
        }
        with connection.cursor() as cursor:
            SUBMITTED_SQL.execute(cursor, params)
            return cursor.fetchall()


_READING_ORDER = [Stage.SUBMITTED, Stage.OFFER, Stage.INTERVIEWING, Stage.HIRED]

_SUBMITTED_SQL = """
    WITH chosen AS (
        SELECT id, {rank} AS rank, stage_changed_at
        FROM {application}
        WHERE requisition_id = %(requisition)s AND outcome = '{active}' AND stage IN ({stages})
        ORDER BY rank, stage_changed_at, id
        LIMIT %(limit)s OFFSET %(offset)s
    )
    SELECT a.id, a.candidate_id, c.first_name, c.last_name, c.headline, c.location, a.stage,
           a.stage_changed_at,
           (SELECT max(f.given_at) FROM {feedback} f
            WHERE f.application_id = a.id AND f.given_at >= a.stage_changed_at
              AND f.kind = %(question)s)
    FROM chosen
    JOIN {application} a ON a.id = chosen.id
    JOIN {candidate} c ON c.id = a.candidate_id
    ORDER BY chosen.rank, chosen.stage_changed_at, chosen.id
"""


def _submitted_sql() -> str:
    whens = " ".join(f"WHEN '{stage}' THEN {n}" for n, stage in enumerate(_READING_ORDER))
    return _SUBMITTED_SQL.format(
        rank=f"CASE stage {whens} END",
        # Written in, as the ranks are: with parameters for them, the generic plan read the
        # stages row by row rather than as part of the index walk (all 2,000 of a big role's
        # entries).
        active=Application.Outcome.ACTIVE.value,
        stages=", ".join(f"'{stage}'" for stage in SUBMITTED_STAGES),
        application=Application._meta.db_table,
        candidate=Candidate._meta.db_table,
        feedback=LeaderFeedback._meta.db_table,
    )


# Prepared, its generic plan kept (the same index walk for every role and page): PostgreSQL
# spent 0.9 ms planning it for 0.7 ms of running, on every page of submitted candidates.
SUBMITTED_SQL = Prepared("leader_submitted_page", _submitted_sql(), generic=True)


def _submitted_row(row: tuple, now: datetime.datetime) -> SubmittedCandidate:
    pk, candidate_id, first, last, headline, location, stage, since, asked_at = row
    waiting = (now - since).days if stage == Stage.SUBMITTED and asked_at is None else None
    return SubmittedCandidate(
        application_id=pk,
        candidate_id=candidate_id,
        name=f"{first} {last}".strip(),
        headline=headline,
        location=location,
        stage=stage,
        stage_label=Stage(stage).label,
        since=since,
        waiting_days=waiting,
        asked_at=asked_at,
    )


# ---------- the effort behind it ----------


@dataclass
class EffortWeek:
    monday: datetime.date
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Effort:
    # The weeks since the role opened (the last WEEKS_CHARTED at most), oldest first, empty
    # ones included.
    weeks: list[EffortWeek]
    this_week: dict[str, int]
    total: dict[str, int]
    labels: dict[str, str] = field(default_factory=lambda: dict(EFFORT_LABELS))

    @property
    def any(self) -> bool:
        return any(self.total.values())

    @property
    def busiest_week(self) -> int:
        return max((week.total for week in self.weeks), default=0)


def _rank_sql(column: str) -> str:
    """A stage column as its place in the pipeline (sourced 0 … hired 6); -1 for none (added)."""
    whens = " ".join(f"WHEN '{stage}' THEN {n}" for n, stage in enumerate(Stage.values))
    return f"CASE {column} {whens} ELSE -1 END"


# Per application and week: how far its steps that week took it up the pipeline, from where.
# A step "reaches" stage X when it goes from below X to X or beyond (adding someone at screened
# reaches sourced, contacted and screened): the moment the recruiter's work got them that far.
# Each application counts once per week and stage, so moving back and forth does not count
# twice; a closing step (same stage) never counts. Grouping by application first and by week
# after is one hash aggregate, where COUNT(DISTINCT …) per stage sorted the rows five times.
_EFFORT_SQL = """
    WITH steps AS (
        SELECT a.requisition_id, s.application_id,
               date_trunc('week', s.changed_at AT TIME ZONE %(zone)s)::date AS week,
               {from_rank} AS low, {to_rank} AS high
        FROM {stage_change} s JOIN {application} a ON a.id = s.application_id
        WHERE {which} AND s.outcome = %(active)s
    ), reached AS (
        SELECT requisition_id, week, {per_stage_bool}
        FROM steps GROUP BY requisition_id, week, application_id
    )
    SELECT requisition_id, week, {per_stage_count} FROM reached GROUP BY requisition_id, week
"""
# The page's one role; the digest's several, up to its moment (a digest sent late, or sent
# again, says what it said at its due time).
_ONE_ROLE = "a.requisition_id = %(requisition)s"
_ROLES_UNTIL = "a.requisition_id = ANY(%(requisitions)s) AND s.changed_at < %(until)s"


def _effort_sql(which: str = _ONE_ROLE) -> str:
    ranks = {stage: Stage.values.index(stage) for stage in EFFORT_STAGES}
    return _EFFORT_SQL.format(
        from_rank=_rank_sql("s.from_stage"),
        to_rank=_rank_sql("s.to_stage"),
        stage_change=ApplicationStageChange._meta.db_table,
        application=Application._meta.db_table,
        which=which,
        per_stage_bool=", ".join(
            f"bool_or(low < {rank} AND high >= {rank}) AS r{rank}" for rank in ranks.values()
        ),
        per_stage_count=", ".join(f"count(*) FILTER (WHERE r{rank})" for rank in ranks.values()),
    )


def leader_zone(requisition: Requisition) -> ZoneInfo:
    """Weeks run Monday to Sunday where the leader is (their own zone, else their company's)."""
    leader = requisition.hiring_leader
    for name in (leader.time_zone, leader.company.time_zone):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo(settings.TIME_ZONE)


def requisition_effort(
    *, requisition: Requisition, now: datetime.datetime, standing: Standing | None = None
) -> Effort:
    """People sourced, contacted, screened, submitted and sent to interview, week by week in the
    leader's time zone: one query over the role's stage history (the ORM has no aggregate
    of an aggregate, hence the SQL). Given the role's `standing`, the weeks are kept in the
    cache under its version and read again only once someone in the pipeline was added, moved,
    closed or removed, which is when the history they come from can have changed."""
    zone = leader_zone(requisition)
    this_monday = _monday(now.astimezone(zone).date())
    key = None
    if standing is not None:
        key = effort_cache_key(requisition.pk, zone, this_monday, standing.version)
        by_week = cache.get(key)
        if by_week is not None:
            return _effort(requisition, by_week, this_monday)
    by_week = _effort_by_week(requisition, zone)
    if key is not None:
        cache.set(key, by_week, EFFORT_KEPT.total_seconds())
    return _effort(requisition, by_week, this_monday)


# A week's worth: long enough for every visit of the week, short enough not to pile up.
EFFORT_KEPT = datetime.timedelta(days=7)


def effort_cache_key(requisition_id: int, zone, this_monday: datetime.date, version: str) -> str:
    return f"leader-effort:{requisition_id}:{zone}:{this_monday}:{version}"


def _effort_by_week(requisition: Requisition, zone: ZoneInfo) -> dict:
    params = {
        "zone": str(zone),
        "requisition": requisition.pk,
        "active": Application.Outcome.ACTIVE.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(_effort_sql(), params)
        return {week: dict(zip(EFFORT_STAGES, counts, strict=True)) for _, week, *counts in cursor}


def effort_by_week_of(
    *, requisition_ids: list[int], zone: ZoneInfo, until: datetime.datetime
) -> dict[int, dict]:
    """Several roles' effort weeks, as requisition_effort keeps them, from the history before
    `until`: one query (the weekly digest's)."""
    params = {
        "zone": str(zone),
        "requisitions": requisition_ids,
        "until": until,
        "active": Application.Outcome.ACTIVE.value,
    }
    by_role: dict[int, dict] = {pk: {} for pk in requisition_ids}
    with connection.cursor() as cursor:
        cursor.execute(_effort_sql(_ROLES_UNTIL), params)
        for requisition_id, week, *counts in cursor:
            by_role[requisition_id][week] = dict(zip(EFFORT_STAGES, counts, strict=True))
    return by_role


def _effort(requisition: Requisition, by_week: dict, this_monday: datetime.date) -> Effort:
    # The weeks since the role opened, at most WEEKS_CHARTED of them.
    opened = min(_monday(requisition.opened_on), this_monday)
    weeks = min(WEEKS_CHARTED, (this_monday - opened).days // 7 + 1)
    mondays = [this_monday - datetime.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    empty = dict.fromkeys(EFFORT_STAGES, 0)
    return Effort(
        weeks=[EffortWeek(monday, by_week.get(monday, empty)) for monday in mondays],
        this_week=by_week.get(this_monday, empty),
        total={s: sum(week[s] for week in by_week.values()) for s in EFFORT_STAGES},
    )


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


# ---------- what the leader was told, and what they were promised ----------


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    kind: str  # "update": an email RecruitCRM sent the leader; "note": written for them
    title: str
    body: str
    by: str


@dataclass(frozen=True)
class Promise:
    description: str
    due_at: datetime.datetime


@dataclass
class ToldAndPromised:
    timeline: list[TimelineEntry]
    # The moment to continue from for older entries, or None when there are none.
    earlier_than: datetime.datetime | None
    promises: list[Promise]
    more_promises: bool


# Three short index reads in one statement, each part its own ORDER BY and LIMIT: the emails
# the leader was sent about this role (or about all their roles, as a digest is), the notes the
# recruiter wrote for them, and the open promises made to them about this role or in general.
# One statement rather than three: building and sending each query cost more than running it.
_TOLD_AND_PROMISED_SQL = """
    (SELECT 'update', f.sent_at, coalesce(t.name, ''), '', '', ''
     FROM {followup} f LEFT JOIN {template} t ON t.id = f.template_id
     WHERE f.hiring_leader_id = %(leader)s
       -- About this role or about all of them (a digest); written so that the planner reads
       -- the leader's few sent emails (followup_leader_sent) rather than AND in the role's
       -- thousands of candidate emails and every email about no role.
       AND coalesce(f.requisition_id, %(requisition)s) = %(requisition)s
       AND f.audience = %(audience)s AND f.channel = %(channel)s AND f.state = %(sent)s
       AND (%(before)s::timestamptz IS NULL OR f.sent_at < %(before)s::timestamptz)
     ORDER BY f.sent_at DESC, f.id DESC LIMIT %(entries)s)
    UNION ALL
    (SELECT 'note', a.occurred_at, a.summary, a.body,
            coalesce(u.first_name, ''), coalesce(u.last_name, '')
     FROM {activity} a LEFT JOIN {user} u ON u.id = a.actor_id
     WHERE a.requisition_id = %(requisition)s AND a.candidate_id IS NULL
       AND a.shared_with_leader
       AND (%(before)s::timestamptz IS NULL OR a.occurred_at < %(before)s::timestamptz)
     ORDER BY a.occurred_at DESC, a.id DESC LIMIT %(entries)s)
    UNION ALL
    (SELECT 'promise', c.due_at, c.description, '', '', ''
     FROM {commitment} c
     WHERE c.hiring_leader_id = %(leader)s AND c.status = %(open)s
       AND (c.requisition_id = %(requisition)s OR c.requisition_id IS NULL)
     ORDER BY c.due_at, c.id LIMIT %(promises)s)
"""


def told_and_promised(
    *, requisition: Requisition, before: datetime.datetime | None = None
) -> ToldAndPromised:
    """What the leader was told about the role, newest first (TIMELINE_SHOWN at a time, from
    `before`), and what they were promised, soonest due first: one query."""
    sql = _TOLD_AND_PROMISED_SQL.format(
        followup=FollowUp._meta.db_table,
        template=FollowUp._meta.get_field("template").related_model._meta.db_table,
        activity=Activity._meta.db_table,
        user=User._meta.db_table,
        commitment=Commitment._meta.db_table,
    )
    params = {
        "leader": requisition.hiring_leader_id,
        "requisition": requisition.pk,
        "audience": Audience.HIRING_LEADER.value,
        "channel": Channel.EMAIL.value,
        "sent": FollowUp.State.SENT.value,
        "open": Commitment.Status.OPEN.value,
        "before": before,
        "entries": TIMELINE_SHOWN + 1,
        "promises": PROMISES_SHOWN + 1,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    entries = sorted(
        (
            TimelineEntry(at, kind, title, body, f"{first} {last}".strip())
            for kind, at, title, body, first, last in rows
            if kind != "promise"
        ),
        key=lambda entry: entry.at,
        reverse=True,
    )
    promises = sorted(
        (Promise(title, at) for kind, at, title, *_ in rows if kind == "promise"),
        key=lambda promise: promise.due_at,
    )
    shown = entries[:TIMELINE_SHOWN]
    return ToldAndPromised(
        timeline=shown,
        earlier_than=shown[-1].at if len(entries) > TIMELINE_SHOWN else None,
        promises=promises[:PROMISES_SHOWN],
        more_promises=len(promises) > PROMISES_SHOWN,
    )
