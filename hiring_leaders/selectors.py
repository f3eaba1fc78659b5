from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, When, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from candidates.models import Activity, Application, Candidate, Commitment
from followups.models import Audience, Channel, DigestVisit, FollowUp, HoldAnswer
from followups.services.leaders import PAUSED_ON_HOLD, WAITING_KEY
from hiring_leaders.models import Company, HiringLeader, Requisition
from hiring_leaders.progress import SUBMITTED_STAGES
from recruitcrm.joined_rows import Prepared, Table, joined_rows, select_list
from recruitcrm.models import User

REQUISITIONS_PER_PAGE = 25


def leader_for_user(*, user: User) -> HiringLeader:
    """The HiringLeader a signed-in hiring leader is; 404 when the login is linked to nobody."""
    return get_object_or_404(HiringLeader.objects.select_related("company"), user=user)


def _with_pipeline_counts(requisitions):
    active = Q(applications__outcome=Application.Outcome.ACTIVE)
    return requisitions.annotate(
        active_candidates=Count("applications", filter=active),
        submitted_candidates=Count(
            "applications", filter=active & Q(applications__stage__in=SUBMITTED_STAGES)
        ),
        hires=Count("applications", filter=Q(applications__stage=Application.Stage.HIRED)),
    )


# Open roles first, then on hold, then the closed ones: what someone is waiting on.
_STATUS_ORDER = Case(
    *(When(status=value, then=rank) for rank, value in enumerate(Requisition.Status.values)),
    output_field=IntegerField(),
)


def requisition_page_for_leader(*, leader: HiringLeader, page_number: str | int | None = 1) -> Page:
    requisitions = _with_pipeline_counts(
        Requisition.objects.filter(hiring_leader=leader).select_related("company", "recruiter")
    ).order_by(_STATUS_ORDER, "-opened_on", "pk")
    return Paginator(requisitions, REQUISITIONS_PER_PAGE).get_page(page_number)


# =============================================================================================
# The recruiters' side: requisitions, pipeline boards, companies and hiring leaders. An agency's
# clients are a team asset, so every recruiter and admin may read all of them; the views admit
# no one else. Each read below is one or two queries whatever the number of rows.
# =============================================================================================

CARDS_PER_COLUMN = 10
CANDIDATES_TO_ADD = 10
COMPANIES_PER_PAGE = 25
LEADERS_PER_PAGE = 25
LEADERS_ON_COMPANY_PAGE = 50
UPDATES_SHOWN = 10
TIMELINE_PER_PAGE = 20
PROMISES_SHOWN = 20


def _known_count_paginator(rows, per_page: int, count: int) -> Paginator:
    """A Paginator told the count already computed by another query, so it runs no COUNT."""
    paginator = Paginator(rows, per_page)
    paginator.count = count  # overrides the cached_property before anything reads it
    return paginator


def _requisition_search(*, viewer: User, mine: bool, query: str):
    requisitions = Requisition.objects.all()
    if mine:
        requisitions = requisitions.filter(recruiter=viewer)
    for word in query.split()[:5]:
        requisitions = requisitions.filter(
            Q(title__icontains=word) | Q(company__name__icontains=word)
        )
    return requisitions


def requisition_status_counts(*, viewer: User, mine: bool = False, query: str = "") -> dict:
    """How many requisitions of each status match the filters: one aggregate query."""
    return _requisition_search(viewer=viewer, mine=mine, query=query).aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in Requisition.Status.values}
    )


def _attach_pipeline_counts(requisitions: list[Requisition]) -> None:
    """Active, submitted-or-later and hired counts for one page of requisitions: one grouped
    query over their applications, rather than a join that groups every matching role."""
    active = Q(outcome=Application.Outcome.ACTIVE)
    counts = {
        row["requisition"]: row
        for row in Application.objects.filter(requisition__in=[r.pk for r in requisitions])
        .values("requisition")
        .annotate(
            active=Count("pk", filter=active),
            submitted=Count("pk", filter=active & Q(stage__in=SUBMITTED_STAGES)),
            hired=Count("pk", filter=active & Q(stage=Application.Stage.HIRED)),
        )
    }
    for requisition in requisitions:
        row = counts.get(requisition.pk, {})
        requisition.active_candidates = row.get("active", 0)
        requisition.submitted_candidates = row.get("submitted", 0)
        requisition.hires = row.get("hired", 0)


def requisition_page(
    *,
    viewer: User,
    status: str,
    counts: dict,
    mine: bool = False,
    query: str = "",
    page_number: str | int | None = 1,
) -> Page:
    """One page of requisitions of one status; `counts` comes from requisition_status_counts
    with the same filters and spares the page its own COUNT."""
    requisitions = (
        _requisition_search(viewer=viewer, mine=mine, query=query)
        .filter(status=status)
        .select_related("company", "hiring_leader", "recruiter")
        .order_by("-opened_on", "title", "pk")
    )
    page = _known_count_paginator(requisitions, REQUISITIONS_PER_PAGE, counts[status]).get_page(
        page_number
    )
    page.object_list = list(page.object_list)
    _attach_pipeline_counts(page.object_list)
    return page


def requisition_for_analytics(*, pk: int, leader_user: User | None = None) -> Requisition:
    """A requisition as its analytics page shows it (title, company, opening day): any one for
    a recruiter, a leader's own only for a leader (another's is a 404). The progress page's read
    brings the forecast, the kit and the people along: half of the analytics page's time."""
    rows = Requisition.objects.select_related("company").only("title", "opened_on", "company__name")
    if leader_user is not None:
        rows = rows.filter(hiring_leader__user=leader_user)
    return get_object_or_404(rows, pk=pk)


def requisition_for_recruiter(*, pk: int) -> Requisition:
    """A requisition with its company, leader and recruiter, and what the leader did with their
    digest (followups.leader_selectors.with_leader_heard's annotations), as the board, the
    intake, the kit and the edit pages read it; 404 if there is none."""
    if not 0 < pk < 2**63:
        raise Http404("No Requisition matches the given query.")  # as the ORM, not a DataError
    rows = list(
        joined_rows(
            _recruiter_requisition_statement(), {"pk": pk}, _RECRUITER_TABLES, _LEADER_HEARD
        )
    )
    for (requisition, company, leader, recruiter), heard in rows:
        requisition.company, requisition.hiring_leader, requisition.recruiter = (
            company,
            leader,
            recruiter,
        )
        requisition.__dict__.update(heard)
        return requisition
    raise Http404("No Requisition matches the given query.")


_RECRUITER_TABLES = (
    Table(Requisition, "r"),
    Table(Company, "c"),
    Table(HiringLeader, "hl"),
    Table(User, "u"),
)
_LEADER_HEARD = ("leader_seen_at", "leader_answer", "leader_answered_at")


@functools.cache
def _recruiter_requisition_statement() -> Prepared:
    """Written once per process, prepared once per connection: built by the ORM (select_related
    over three tables and three subqueries) it cost the board more Python than its cards, for
    a statement PostgreSQL runs in a few index probes whatever the pk (so its generic plan)."""
    sql = f"""
        SELECT {select_list(_RECRUITER_TABLES)},
            (SELECT v.last_seen_at FROM {DigestVisit._meta.db_table} v
             WHERE v.requisition_id = r.id ORDER BY v.last_seen_at DESC LIMIT 1),
            (SELECT a.answer FROM {HoldAnswer._meta.db_table} a
             WHERE a.requisition_id = r.id ORDER BY a.answered_at DESC, a.id DESC LIMIT 1),
            (SELECT a.answered_at FROM {HoldAnswer._meta.db_table} a
             WHERE a.requisition_id = r.id ORDER BY a.answered_at DESC, a.id DESC LIMIT 1)
        FROM {Requisition._meta.db_table} r
        JOIN {Company._meta.db_table} c ON c.id = r.company_id
        JOIN {HiringLeader._meta.db_table} hl ON hl.id = r.hiring_leader_id
        JOIN {User._meta.db_table} u ON u.id = r.recruiter_id
        WHERE r.id = %(pk)s
    """
    return Prepared("requisition_for_recruiter", sql, generic=True)


@dataclass(slots=True)
class BoardCard:
    """What a card on the board shows: a few columns, not an Application and its Candidate
    (seventy model instances with every field were a fifth of the board's time)."""

    pk: int
    candidate_id: int
    stage: str
    stage_changed_at: datetime.datetime
    name: str
    headline: str
    opted_out: bool
    # The local day it reached its stage: worked out here with one time zone for the board,
    # rather than twice per card in the template.
    since: datetime.date


@dataclass
class BoardColumn:
    stage: str
    label: str
    count: int
    cards: list[BoardCard]
    # (stage, label) a card here moves on to with one click; None for the last column.
    next_stage: tuple[str, str] | None = None

    @property
    def more(self) -> int:
        return self.count - len(self.cards)


@dataclass
class PipelineBoard:
    columns: list[BoardColumn]
    rejected: int
    withdrawn: int

    @property
    def active(self) -> int:
        return sum(column.count for column in self.columns)


def pipeline_board(
    *, requisition: Requisition, per_column: int = CARDS_PER_COLUMN
) -> PipelineBoard:
    """The pipeline as columns by stage: every count, and the `per_column` most recently moved
    cards of each column, read from the application_board index however many thousand
    applications there are (one query on PostgreSQL)."""
    if connection.vendor == "postgresql":
        counts, rows = _board_rows_lateral(requisition.pk, per_column)
    else:
        counts, rows = _board_rows_ranked(requisition, per_column)
    cards: dict[str, list[BoardCard]] = {stage: [] for stage in Application.Stage.values}
    for card in _cards(rows):
        cards[card.stage].append(card)
    for column in cards.values():
        column.sort(key=lambda card: (card.stage_changed_at, card.pk), reverse=True)

    def closed(outcome: str) -> int:
        return sum(n for (which, _), n in counts.items() if which == outcome)

    stages = Application.Stage.choices
    return PipelineBoard(
        columns=[
            BoardColumn(
                stage=stage,
                label=label,
                count=counts.get((Application.Outcome.ACTIVE, stage), 0),
                cards=cards[stage],
                next_stage=stages[rank + 1] if rank + 1 < len(stages) else None,
            )
            for rank, (stage, label) in enumerate(stages)
        ],
        rejected=closed(Application.Outcome.REJECTED),
        withdrawn=closed(Application.Outcome.WITHDRAWN),
    )


# How many applications of each (outcome, stage), and the rows of the cards to show:
# (id, candidate id, stage, moved at, first name, last name, headline, opted out at).
BoardRows = tuple[dict[tuple[str, str], int], list[tuple]]


def _cards(rows: list[tuple]) -> list[BoardCard]:
    zone = timezone.get_current_timezone()
    return [
        BoardCard(
            pk=pk,
            candidate_id=candidate_id,
            stage=stage,
            stage_changed_at=moved_at,
            name=f"{first_name} {last_name}".strip(),
            headline=headline,
            opted_out=opted_out_at is not None,
            since=moved_at.astimezone(zone).date(),
        )
        for pk, candidate_id, stage, moved_at, first_name, last_name, headline, opted_out_at in rows
    ]


# The counts by outcome and stage come from the application_board index alone; then, for each
# active stage, a short backward scan of the same index (LATERAL … LIMIT) and the chosen
# candidates by primary key: about seventy rows read, where ranking every application of a big
# requisition read them all. One statement, because each query the ORM builds costs more Python
# than this one costs PostgreSQL; the ORM has no LATERAL. Prepared, its generic plan kept: the
# plan is the same for every requisition, and planning it took 0.4 ms of every board.
BOARD_ROWS_SQL = Prepared(
    "pipeline_board",
    generic=True,
    sql=f"""
        WITH counted AS (
            SELECT outcome, stage, count(*) AS n FROM {Application._meta.db_table}
            WHERE requisition_id = %(requisition)s
            GROUP BY outcome, stage
        )
        SELECT counted.outcome, counted.stage, counted.n,
               a.id, a.candidate_id, a.stage_changed_at,
               c.first_name, c.last_name, c.headline, c.opted_out_at
        FROM counted
        LEFT JOIN LATERAL (
            SELECT id, candidate_id, stage_changed_at FROM {Application._meta.db_table}
            WHERE counted.outcome = %(active)s
              AND requisition_id = %(requisition)s AND outcome = %(active)s
              AND stage = counted.stage
            ORDER BY stage_changed_at DESC, id DESC
            LIMIT %(per_column)s
        ) AS a ON true
        LEFT JOIN {Candidate._meta.db_table} AS c ON c.id = a.candidate_id
    """,
)


def _board_rows_lateral(requisition_id: int, per_column: int) -> BoardRows:
    params = {
        "requisition": requisition_id,
        "active": Application.Outcome.ACTIVE.value,
        "per_column": per_column,
    }
    with connection.cursor() as cursor:
        BOARD_ROWS_SQL.execute(cursor, params)
        found = cursor.fetchall()
    counts = {(outcome, stage): n for outcome, stage, n, *_ in found}
    rows = [(pk, rest[0], stage, *rest[1:]) for _, stage, _, pk, *rest in found if pk is not None]
    return counts, rows


_CARD_COLUMNS = (
    "pk",
    "candidate_id",
    "stage",
    "stage_changed_at",
    "candidate__first_name",
    "candidate__last_name",
    "candidate__headline",
    "candidate__opted_out_at",
)


def _board_rows_ranked(requisition: Requisition, per_column: int) -> BoardRows:
    """The same where there is no LATERAL (SQLite, the local default): count, rank the
    requisition's applications, then fetch the chosen few by id."""
    counts = {
        (outcome, stage): n
        for outcome, stage, n in Application.objects.filter(requisition=requisition)
        .values_list("outcome", "stage")
        .annotate(n=Count("pk"))
        .order_by()
    }
    ranked = (
        Application.objects.filter(requisition=requisition, outcome=Application.Outcome.ACTIVE)
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=F("stage"),
                order_by=[F("stage_changed_at").desc(), F("pk").desc()],
            )
        )
        .filter(place__lte=per_column)
        .values_list("pk", flat=True)
    )
    rows = Application.objects.filter(pk__in=list(ranked)).order_by().values_list(*_CARD_COLUMNS)
    return counts, list(rows)


def application_on_board(*, requisition: Requisition, pk: int) -> Application:
    """An application in this requisition's pipeline; one from another requisition is a 404."""
    return get_object_or_404(
        Application.objects.select_related("candidate", "requisition"),
        requisition=requisition,
        pk=pk,
    )


def candidates_to_add(
    *, requisition: Requisition, query: str, limit: int = CANDIDATES_TO_ADD
) -> list[Candidate]:
    """Candidates whose name or email starts with each word of the query, each marked
    `in_pipeline` when already active in this requisition, and `closed_here` when their
    application to it was closed (it is reopened on their page, not added again)."""
    words = query.split()[:5]
    if not words:
        return []
    candidates = Candidate.objects.all()
    for word in words:
        candidates = candidates.filter(
            Q(first_name__istartswith=word)
            | Q(last_name__istartswith=word)
            | Q(email__istartswith=word)
        )
    in_role = Application.objects.filter(candidate=OuterRef("pk"), requisition=requisition)
    active = Q(outcome=Application.Outcome.ACTIVE)
    return list(
        candidates.annotate(
            in_pipeline=Exists(in_role.filter(active)), closed_here=Exists(in_role.exclude(active))
        )
        .select_related("owner")
        .order_by("last_name", "first_name", "pk")[:limit]
    )


# ---------- companies ----------


def company_page(*, query: str = "", page_number: str | int | None = 1) -> Page:
    companies = Company.objects.order_by("name", "pk")
    for word in query.split()[:5]:
        companies = companies.filter(name__icontains=word)
    page = Paginator(companies, COMPANIES_PER_PAGE).get_page(page_number)
    page.object_list = list(page.object_list)
    ids = [company.pk for company in page.object_list]
    leaders = dict(
        HiringLeader.objects.filter(company__in=ids).values_list("company").annotate(n=Count("pk"))
    )
    open_roles = dict(
        Requisition.objects.filter(company__in=ids, status=Requisition.Status.OPEN)
        .values_list("company")
        .annotate(n=Count("pk"))
    )
    for company in page.object_list:
        company.leader_count = leaders.get(company.pk, 0)
        company.open_requisitions = open_roles.get(company.pk, 0)
    return page


def company_for_recruiter(*, pk: int) -> Company:
    return get_object_or_404(Company, pk=pk)


def company_leaders(*, company: Company) -> tuple[list[HiringLeader], bool]:
    """The company's hiring leaders with their open roles (at most LEADERS_ON_COMPANY_PAGE),
    and whether there are more."""
    leaders = list(
        HiringLeader.objects.filter(company=company)
        .annotate(
            open_requisitions=Count(
                "requisitions", filter=Q(requisitions__status=Requisition.Status.OPEN)
            )
        )
        .order_by("last_name", "first_name", "pk")[: LEADERS_ON_COMPANY_PAGE + 1]
    )
    return leaders[:LEADERS_ON_COMPANY_PAGE], len(leaders) > LEADERS_ON_COMPANY_PAGE


def requisitions_of(
    *, company: Company | None = None, leader: HiringLeader | None = None, page_number=1
) -> Page:
    """A company's or a leader's requisitions, open ones first, with their pipeline counts."""
    requisitions = Requisition.objects.select_related("hiring_leader", "recruiter", "company")
    if company is not None:
        requisitions = requisitions.filter(company=company)
    if leader is not None:
        requisitions = requisitions.filter(hiring_leader=leader)
    page = Paginator(
        requisitions.order_by(_STATUS_ORDER, "-opened_on", "pk"), REQUISITIONS_PER_PAGE
    ).get_page(page_number)
    page.object_list = list(page.object_list)
    _attach_pipeline_counts(page.object_list)
    return page


# ---------- hiring leaders ----------


def hiring_leader_page(
    *, query: str = "", company: Company | None = None, page_number: str | int | None = 1
) -> Page:
    leaders = HiringLeader.objects.select_related("company").order_by(
        "last_name", "first_name", "pk"
    )
    if company is not None:
        leaders = leaders.filter(company=company)
    for word in query.split()[:5]:
        leaders = leaders.filter(
            Q(first_name__istartswith=word)
            | Q(last_name__istartswith=word)
            | Q(email__istartswith=word)
            | Q(company__name__istartswith=word)
        )
    page = Paginator(leaders, LEADERS_PER_PAGE).get_page(page_number)
    page.object_list = list(page.object_list)
    open_roles = dict(
        Requisition.objects.filter(
            hiring_leader__in=[leader.pk for leader in page.object_list],
            status=Requisition.Status.OPEN,
        )
        .values_list("hiring_leader")
        .annotate(n=Count("pk"))
    )
    for leader in page.object_list:
        leader.open_requisitions = open_roles.get(leader.pk, 0)
    return page


def hiring_leader_for_recruiter(*, pk: int) -> HiringLeader:
    return get_object_or_404(HiringLeader.objects.select_related("company", "user"), pk=pk)


def hiring_leader_updates_sent(*, leader: HiringLeader) -> tuple[list, bool]:
    """The latest emails RecruitCRM sent this leader (weekly updates, status news, check-ins),
    newest first, and whether there are older ones."""
    sent = list(
        FollowUp.objects.filter(
            hiring_leader=leader,
            audience=Audience.HIRING_LEADER,
            channel=Channel.EMAIL,
            state=FollowUp.State.SENT,
        )
        .select_related("template", "requisition")
        .order_by("-sent_at", "-pk")[: UPDATES_SHOWN + 1]
    )
    return sent[:UPDATES_SHOWN], len(sent) > UPDATES_SHOWN


def hiring_leader_open_promises(*, leader: HiringLeader) -> tuple[list[Commitment], bool]:
    promises = list(
        Commitment.objects.filter(hiring_leader=leader, status=Commitment.Status.OPEN)
        .select_related("recruiter", "requisition")
        .order_by("due_at", "pk")[: PROMISES_SHOWN + 1]
    )
    return promises[:PROMISES_SHOWN], len(promises) > PROMISES_SHOWN


def hiring_leader_timeline_page(*, leader: HiringLeader, page_number=1) -> Page:
    activities = (
        Activity.objects.filter(hiring_leader=leader)
        .select_related("actor", "requisition")
        .order_by("-occurred_at", "-pk")
    )
    return Paginator(activities, TIMELINE_PER_PAGE).get_page(page_number)


RECENT_ACTIVITY_TABLES = (
    Table(Activity, "a"),
    Table(User, "u", fields=("username", "first_name", "last_name")),
)
# The board's "Recent changes": a short backward scan of activity_requisition_itself and each
# actor by primary key. Written so, and prepared once per connection on its generic plan, where
# the ORM's filter, select_related and slice cost about a millisecond of Python each visit.
RECENT_ACTIVITY_SQL = Prepared(
    "requisition_recent_activity",
    generic=True,
    sql=f"""
    SELECT {select_list(RECENT_ACTIVITY_TABLES)}
    FROM {Activity._meta.db_table} a
    LEFT JOIN {User._meta.db_table} u ON u.id = a.actor_id
    WHERE a.requisition_id = %(requisition)s AND a.candidate_id IS NULL
    ORDER BY a.occurred_at DESC, a.id DESC
    LIMIT %(limit)s
""",
)


def requisition_recent_activity(*, requisition: Requisition, limit: int = 8) -> list[Activity]:
    """The latest things that happened to the role itself (not each candidate's moves), each
    with its actor (only their name's columns; None when there is none)."""
    found = []
    for (activity, actor), _ in joined_rows(
        RECENT_ACTIVITY_SQL,
        {"requisition": requisition.pk, "limit": limit},
        RECENT_ACTIVITY_TABLES,
    ):
        activity.actor = actor
        found.append(activity)
    return found


def followups_created_since(*, since, application: Application) -> list[FollowUp]:
    """What a move just scheduled, for the sentence that confirms it."""
    return list(
        FollowUp.objects.filter(created_at__gte=since, application=application)
        .select_related("template", "recruiter", "candidate", "hiring_leader", "cadence_step")
        .order_by("due_at", "pk")
    )


def hires_recorded(*, requisition: Requisition) -> int:
    return requisition.applications.filter(
        outcome=Application.Outcome.ACTIVE, stage=Application.Stage.HIRED
    ).count()


def feedback_chases_changed(*, since, requisition: Requisition) -> tuple[int, int]:
    """How many chases of the leader's feedback a change to the role just paused (it went on
    hold) and set going (it reopened): followups.services.leaders."""
    chases = FollowUp.objects.filter(
        Q(created_at__gte=since) | Q(updated_at__gte=since),
        requisition=requisition,
        key__startswith=WAITING_KEY,
    )
    counts = chases.aggregate(
        paused=Count("pk", filter=Q(state=FollowUp.State.CANCELLED, note=PAUSED_ON_HOLD)),
        going=Count("pk", filter=Q(state=FollowUp.State.SCHEDULED)),
    )
    return counts["paused"], counts["going"]


def followups_created_counts(*, since, requisition: Requisition) -> dict[str, int]:
    """How many emails, recruiter tasks and skipped touches a change to the requisition just
    scheduled: one count, where a role on hold can write to thousands."""
    created = FollowUp.objects.filter(created_at__gte=since, requisition=requisition)
    live = ~Q(state=FollowUp.State.SKIPPED)
    return created.aggregate(
        emails=Count("pk", filter=live & Q(channel=Channel.EMAIL)),
        tasks=Count("pk", filter=live & Q(channel=Channel.TASK)),
        skipped=Count("pk", filter=Q(state=FollowUp.State.SKIPPED)),
    )
