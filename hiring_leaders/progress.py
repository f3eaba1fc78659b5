"""The reads behind a requisition's progress page: what its hiring leader sees (and what a
recruiter sees when viewing the page as the leader).

A leader sees the role itself, counts, the candidates submitted to them, the effort behind the
counts, what they were sent and the notes written for them. Never the recruiters' internal
notes, other roles' candidates, or the names of candidates not yet submitted.

Each function is one query, whatever the number of applications: a role with 2,000 of them
renders with the same eight queries as one with two.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404

from candidates.models import Activity, Application, ApplicationStageChange, Commitment
from followups.models import Audience, Channel, FollowUp
from hiring_leaders.models import Requisition
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
    return getattr(settings, "LEADER_FEEDBACK_OVERDUE_DAYS", 3)


# ---------- who may open the page ----------


def _progress_requisitions():
    return Requisition.objects.select_related("company", "recruiter", "hiring_leader__company")


def progress_requisition_for_leader(*, user: User, pk: int) -> Requisition:
    """One of the signed-in leader's own requisitions, with its leader, in one query; any other
    (another company's, a colleague's at the same company, none) is a 404."""
    return get_object_or_404(_progress_requisitions(), pk=pk, hiring_leader__user=user)


def progress_requisition_for_recruiter(*, pk: int) -> Requisition:
    """Any requisition: an agency's roles are a team asset, every recruiter may read them."""
    return get_object_or_404(_progress_requisitions(), pk=pk)


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

    @property
    def active(self) -> int:
        return sum(step.count for step in self.steps)

    @property
    def hired(self) -> int:
        return next(step.count for step in self.steps if step.stage == Stage.HIRED)


def requisition_standing(*, requisition: Requisition, now: datetime.datetime) -> Standing:
    """One grouped query on the application_board index."""
    overdue_before = now - datetime.timedelta(days=feedback_overdue_days())
    rows = (
        Application.objects.filter(requisition=requisition)
        .values_list("outcome", "stage")
        .annotate(
            n=Count("pk"),
            overdue=Count(
                "pk",
                filter=Q(stage=Stage.SUBMITTED, stage_changed_at__lt=overdue_before),
            ),
        )
        .order_by()
    )
    active: dict[str, int] = {}
    closed = overdue = 0
    for outcome, stage, n, late in rows:
        if outcome == Application.Outcome.ACTIVE:
            active[stage] = n
            overdue += late
        else:
            closed += n
    steps = [FunnelStep(value, label, active.get(value, 0)) for value, label in Stage.choices]
    submitted = sum(active.get(stage, 0) for stage in SUBMITTED_STAGES)
    return Standing(steps=steps, closed=closed, submitted=submitted, overdue=overdue)


def days_open(requisition: Requisition, today: datetime.date) -> int:
    return ((requisition.closed_on or today) - requisition.opened_on).days


@dataclass(frozen=True)
class Forecast:
    """The time-to-fill range given at intake and where today falls in it."""

    earliest: datetime.date
    latest: datetime.date


def requisition_forecast(*, requisition: Requisition) -> Forecast | None:
    """The hook for the intake forecast (issue 9): requisitions carry no forecast yet, so there
    is none to show, and the page leaves the place out."""
    return None


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
    # Days since submission while the leader's answer is awaited; None past that stage.
    waiting_days: int | None


def submitted_candidates_page(
    *, requisition: Requisition, standing: Standing, now: datetime.datetime, page_number=1
) -> Page:
    """One page of the active candidates at submitted or later."""
    # Submitted (waiting on the leader) first, longest wait at the top; then offer,
    # interviewing and hired. Sorting a role's few hundred submitted rows is cheap.
    rank = Case(
        *(When(stage=stage, then=Value(n)) for n, stage in enumerate(_READING_ORDER)),
        output_field=IntegerField(),
    )
    rows = (
        Application.objects.filter(
            requisition=requisition,
            outcome=Application.Outcome.ACTIVE,
            stage__in=SUBMITTED_STAGES,
        )
        .order_by(rank, "stage_changed_at", "pk")
        .values_list(
            "pk",
            "candidate_id",
            "candidate__first_name",
            "candidate__last_name",
            "candidate__headline",
            "candidate__location",
            "stage",
            "stage_changed_at",
        )
    )
    paginator = Paginator(rows, SUBMITTED_PER_PAGE)
    paginator.count = standing.submitted  # counted already: the paginator runs no COUNT
    page = paginator.get_page(page_number)
    page.object_list = [_submitted_row(row, now) for row in page.object_list]
    return page


_READING_ORDER = [Stage.SUBMITTED, Stage.OFFER, Stage.INTERVIEWING, Stage.HIRED]


def _submitted_row(row: tuple, now: datetime.datetime) -> SubmittedCandidate:
    pk, candidate_id, first, last, headline, location, stage, since = row
    waiting = (now - since).days if stage == Stage.SUBMITTED else None
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
        SELECT s.application_id,
               date_trunc('week', s.changed_at AT TIME ZONE %(zone)s)::date AS week,
               {from_rank} AS low, {to_rank} AS high
        FROM {stage_change} s JOIN {application} a ON a.id = s.application_id
        WHERE a.requisition_id = %(requisition)s AND s.outcome = %(active)s
    ), reached AS (
        SELECT week, {per_stage_bool}
        FROM steps GROUP BY week, application_id
    )
    SELECT week, {per_stage_count} FROM reached GROUP BY week
"""


def _effort_sql() -> str:
    ranks = {stage: Stage.values.index(stage) for stage in EFFORT_STAGES}
    return _EFFORT_SQL.format(
        from_rank=_rank_sql("s.from_stage"),
        to_rank=_rank_sql("s.to_stage"),
        stage_change=ApplicationStageChange._meta.db_table,
        application=Application._meta.db_table,
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


def requisition_effort(*, requisition: Requisition, now: datetime.datetime) -> Effort:
    """People sourced, contacted, screened, submitted and sent to interview, week by week in the
    leader's time zone: one query over the role's stage history (the ORM has no aggregate
    of an aggregate, hence the SQL)."""
    zone = leader_zone(requisition)
    params = {
        "zone": str(zone),
        "requisition": requisition.pk,
        "active": Application.Outcome.ACTIVE.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(_effort_sql(), params)
        by_week = {week: dict(zip(EFFORT_STAGES, counts, strict=True)) for week, *counts in cursor}
    this_monday = _monday(now.astimezone(zone).date())
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


def leader_timeline(*, requisition: Requisition, before: datetime.datetime | None = None):
    """The emails the leader was sent about this role (or about all their roles, as a digest
    is) and the notes the recruiter wrote for them, newest first; and the moment to continue
    from for older ones, or None. Two queries, each on an index, TIMELINE_SHOWN rows each."""
    leader = requisition.hiring_leader
    sent = FollowUp.objects.filter(
        Q(requisition=requisition) | Q(requisition__isnull=True),
        hiring_leader=leader,
        audience=Audience.HIRING_LEADER,
        channel=Channel.EMAIL,
        state=FollowUp.State.SENT,
    )
    notes = Activity.objects.filter(
        requisition=requisition, candidate__isnull=True, shared_with_leader=True
    )
    if before is not None:
        sent = sent.filter(sent_at__lt=before)
        notes = notes.filter(occurred_at__lt=before)
    entries = [
        TimelineEntry(at, "update", name, "", "")
        for at, name in sent.order_by("-sent_at", "-pk").values_list("sent_at", "template__name")[
            : TIMELINE_SHOWN + 1
        ]
    ] + [
        TimelineEntry(at, "note", summary, body, f"{first} {last}".strip())
        for at, summary, body, first, last in notes.order_by("-occurred_at", "-pk").values_list(
            "occurred_at", "summary", "body", "actor__first_name", "actor__last_name"
        )[: TIMELINE_SHOWN + 1]
    ]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    shown = entries[:TIMELINE_SHOWN]
    more = shown[-1].at if len(entries) > TIMELINE_SHOWN else None
    return shown, more


def open_promises_to_leader(*, requisition: Requisition) -> tuple[list[Commitment], bool]:
    """Promises made to the leader about this role or to them in general, soonest due first."""
    promises = list(
        Commitment.objects.filter(
            Q(requisition=requisition) | Q(requisition__isnull=True),
            hiring_leader_id=requisition.hiring_leader_id,
            status=Commitment.Status.OPEN,
        )
        .only("description", "due_at", "status", "kept_at")
        .order_by("due_at", "pk")[: PROMISES_SHOWN + 1]
    )
    return promises[:PROMISES_SHOWN], len(promises) > PROMISES_SHOWN
