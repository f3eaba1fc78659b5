from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import (
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize
from django.utils import timezone

from candidates.keyset import KeyPart, RowBeyond, cursor_decode, cursor_encode
from candidates.models import Application, Candidate, Placement
from followups import links, outbox_rows
from followups.models import (
    Cadence,
    CadenceStep,
    Channel,
    CheckInResponse,
    FollowUp,
    MessageTemplate,
    Trigger,
    Weekday,
)
from followups.services.outbox import followup_retry_refusal, retry_refusal
from followups.services.recipients import suppressed_among
from hiring_leaders.models import HiringLeader
from recruitcrm.joined_rows import Prepared


def checkin_for_token(*, token: str) -> FollowUp:
    """The check-in a signed link points at; a link to anything else is a bad link."""
    followup_id = links.followup_id_from_checkin_token(token)
    followup = (
        FollowUp.objects.select_related(
            "placement__application__candidate",
            "placement__application__requisition__company",
            # The 90-day leader check-in quotes the intake back (services.asks_whether_solved).
            "placement__application__requisition__intake",
            "cadence_step",
            "candidate",
            "hiring_leader",
            "recruiter",
            "response",
        )
        .filter(pk=followup_id, placement__isnull=False)
        .first()
    )
    if followup is None:
        raise links.BadLink("This check-in link is not valid.")
    return followup


# ---------------------------------------------------------------------------------------------
# Admin pages: cadences, steps, templates, outbox
# ---------------------------------------------------------------------------------------------

CADENCES_PER_PAGE = 50
TEMPLATES_PER_PAGE = 50
OUTBOX_PER_PAGE = outbox_rows.PAGE_LIMIT - 1
TEMPLATE_USERS_SHOWN = 20


def _scheduled_count(**outer) -> Subquery:
    """How many follow-ups not yet sent hang off each row, as one correlated subquery."""
    rows = (
        FollowUp.objects.filter(state=FollowUp.State.SCHEDULED, **outer)
        .order_by()
        .values("state")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def trigger_in_words(cadence: Cadence) -> str:
    """What starts a cadence, as an admin would say it, with its stage, weekday or quiet days."""
    match cadence.trigger:
        case Trigger.STAGE_ENTERED if cadence.stage:
            return f"Candidate enters {Application.Stage(cadence.stage).label}"
        case Trigger.STAGE_ENTERED:
            return "Candidate moves to any other stage"
        case Trigger.REQUISITION_OPEN_WEEKLY:
            return (
                f"Every {Weekday(cadence.weekday).label}: one digest per hiring leader with an "
                "open or on-hold requisition"
            )
        case Trigger.CANDIDATE_UNTOUCHED:
            days = cadence.quiet_days
            return f"Candidate in a pipeline not contacted for {days} day{pluralize(days)}"
        case Trigger.PLACEMENT_STARTED:
            return "Placement starts (days count from the start date)"
        case Trigger.COMMITMENT_DUE:
            return "A promise falls due (days count from its due time)"
    return cadence.get_trigger_display()


def _with_words(cadence: Cadence) -> Cadence:
    cadence.trigger_words = trigger_in_words(cadence)
    return cadence


def _cadences() -> QuerySet[Cadence]:
    return Cadence.objects.annotate(
        step_count=Coalesce(
            Subquery(
                CadenceStep.objects.filter(cadence=OuterRef("pk"))
                .order_by()
                .values("cadence")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        ),
        scheduled_count=_scheduled_count(cadence_step__cadence=OuterRef("pk")),
    )


def cadence_page(*, page_number: str | int | None = 1) -> Page:
    page = Paginator(_cadences().order_by("name", "pk"), CADENCES_PER_PAGE).get_page(page_number)
    for cadence in page:
        _with_words(cadence)
    return page


def cadence_for_admin(*, pk: int) -> Cadence:
    return _with_words(get_object_or_404(_cadences(), pk=pk))


def _steps() -> QuerySet[CadenceStep]:
    return CadenceStep.objects.select_related("template", "cadence").annotate(
        scheduled_count=_scheduled_count(cadence_step=OuterRef("pk"))
    )


def cadence_steps(*, cadence: Cadence) -> list[CadenceStep]:
    """A cadence's steps in the order they happen: by day, then time of day."""
    steps = _steps().filter(cadence=cadence)
    return list(
        steps.order_by("offset_days", F("send_time").asc(nulls_first=True), "position", "pk")
    )


def step_for_admin(*, pk: int) -> CadenceStep:
    return get_object_or_404(_steps(), pk=pk)


def template_page(*, page_number: str | int | None = 1) -> Page:
    templates = MessageTemplate.objects.annotate(
        step_count=Coalesce(
            Subquery(
                CadenceStep.objects.filter(template=OuterRef("pk"))
                .order_by()
                .values("template")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        ),
    ).order_by("name", "pk")
    return Paginator(templates, TEMPLATES_PER_PAGE).get_page(page_number)


def template_for_admin(*, pk: int) -> MessageTemplate:
    return get_object_or_404(MessageTemplate, pk=pk)


def template_users(*, template: MessageTemplate) -> list[CadenceStep]:
    """The steps that send this template (the first few), so an admin knows what an edit touches."""
    steps = template.steps.select_related("cadence").order_by("cadence__name", "offset_days", "pk")
    return list(steps[:TEMPLATE_USERS_SHOWN])


OUTBOX_STATES = {
    "due": "Due now",
    "later": "Scheduled later",
    **{state.value: state.label for state in FollowUp.State},
}


# Filters showing work still ahead, listed soonest first; everything else is newest first.
OUTBOX_AHEAD_STATES = ("due", "later", FollowUp.State.SCHEDULED, FollowUp.State.SENDING)
# Counts stop here: an exact count of 700,000 sent emails reads them all on every visit and
# tells an admin nothing "more than 1,000" does not.
OUTBOX_COUNT_CAP = 1000


@dataclass(frozen=True)
class CappedCount:
    """A count that stopped at OUTBOX_COUNT_CAP; shown as "1,000+" when it did."""

    value: int
    capped: bool = False

    def __str__(self) -> str:
        return f"{self.value:,}+" if self.capped else f"{self.value:,}"

    def __bool__(self) -> bool:
        return self.value > 0

    @property
    def number(self) -> str:
        return f"{self.value:,}"

    @classmethod
    def of(cls, found: int) -> CappedCount:
        return cls(min(found, OUTBOX_COUNT_CAP), capped=found > OUTBOX_COUNT_CAP)


def outbox_counts(
    *, now: datetime.datetime | None = None, selection: tuple[str, str] | None = None
) -> dict[str, CappedCount]:
    """The outbox's counts by state, each stopping at OUTBOX_COUNT_CAP, in one query; with a
    `selection` (an outbox filter's state and channel), that selection's count too (under
    "also"), in the same query. A statement prepared once per connection
    (outbox_rows.read_counts)."""
    keys = list(outbox_rows.COUNTS) + (["also"] if selection is not None else [])
    with connection.cursor() as cursor:
        found = outbox_rows.read_counts(cursor, now=now or timezone.now(), selection=selection)
    return {key: CappedCount.of(n) for key, n in zip(keys, found, strict=True)}


# What a row says about itself. Joined in one query with the follow-up; what it is about comes
# in a second query, and only for the rows whose Retry it decides. One query joining all ten
# tables took PostgreSQL 33 ms to plan (the join order search) for 1 ms of running.
_OUTBOX_RELATED = ("template", "candidate", "hiring_leader", "recruiter")
# What deciding whether a failed or cancelled email may be sent again reads.
_WHAT_RETRY_READS = (
    "cadence_step__cadence",
    "requisition",
    "application",
    "placement",
    "commitment",
)


def _outbox_rows() -> QuerySet[FollowUp]:
    return FollowUp.objects.select_related(*_OUTBOX_RELATED)


def _with_cadence_steps(rows: list[FollowUp]) -> None:
    """Each row's cadence step and cadence (the row says which cadence sent it), in one query
    of a small table; the retryable rows also get what they are about."""
    retryable = {row.pk for row in rows if _retryable(row)}
    about = FollowUp.objects.select_related(*_WHAT_RETRY_READS).in_bulk(retryable)
    missing = {row.cadence_step_id for row in rows if row.pk not in retryable}
    steps = CadenceStep.objects.select_related("cadence").in_bulk(missing - {None})
    for row in rows:
        if row.pk in about:
            found = about[row.pk]
            for name in _WHAT_RETRY_READS:
                name = name.split("__")[0]
                setattr(row, name, getattr(found, name))
        elif row.cadence_step_id is not None:
            row.cadence_step = steps.get(row.cadence_step_id)


# A recipient search looks people up first, at most this many of each kind: "a" matches half
# the candidates, and a condition on 500,000 ids, or a subquery the planner runs per row, made
# PostgreSQL walk the whole follow-up table (minutes, for "a").
OUTBOX_SEARCH_PEOPLE = 1000


@dataclass(frozen=True)
class _Recipients:
    candidates: list[int]
    leaders: list[int]
    more: bool  # more people matched than OUTBOX_SEARCH_PEOPLE of a kind

    @classmethod
    def matching(cls, query: str) -> _Recipients:
        """Candidates and hiring leaders matching every word at the start of a first name,
        last name or email address."""
        words = query.split()[:5]
        found = [_people_matching(model, words) for model in (Candidate, HiringLeader)]
        more = any(len(ids) > OUTBOX_SEARCH_PEOPLE for ids in found)
        return cls(found[0][:OUTBOX_SEARCH_PEOPLE], found[1][:OUTBOX_SEARCH_PEOPLE], more)

    def condition(self) -> Q:
        return Q(candidate__in=self.candidates) | Q(hiring_leader__in=self.leaders)


_NAME_FIELDS = ("first_name", "last_name", "email")


def _people_matching(model, words: list[str]) -> list[int]:
    """Up to OUTBOX_SEARCH_PEOPLE + 1 ids, in one query: a UNION of one walk per field whose
    start the first word matches, each on that field's prefix index (UPPER(…)) and stopping at
    the limit. Written as one OR, PostgreSQL bitmap-scans every match first (a second, for the
    15,000 Marias of a million candidates)."""
    every_word = Q()
    for word in words:
        every_word &= Q(
            *(Q(**{f"{name}__istartswith": word}) for name in _NAME_FIELDS), _connector=Q.OR
        )
    walks = [
        model.objects.filter(every_word, **{f"{name}__istartswith": words[0]})
        .order_by()
        .values_list("pk", flat=True)[: OUTBOX_SEARCH_PEOPLE + 1]
        for name in _NAME_FIELDS
    ]
    return list(walks[0].union(*walks[1:]).order_by())


def outbox_filtered(
    *,
    state: str = "",
    channel: str = "",
    recipients: _Recipients | None = None,
    now: datetime.datetime,
) -> QuerySet[FollowUp]:
    rows = FollowUp.objects.all()
    if state == "due":
        rows = rows.filter(state=FollowUp.State.SCHEDULED, due_at__lte=now)
    elif state == "later":
        rows = rows.filter(state=FollowUp.State.SCHEDULED, due_at__gt=now)
    elif state:
        rows = rows.filter(state=state)
    if channel:
        rows = rows.filter(channel=channel)
    if recipients is not None:
        rows = rows.filter(recipients.condition())
    return rows


@dataclass(frozen=True)
class _Run:
    """One stretch of the outbox's order, read on the (due_at, id) indexes in one direction."""

    rows: QuerySet[FollowUp]
    newest_first: bool


_OUTBOX_KEYS = (KeyPart("run", int), KeyPart("due_at", datetime.datetime), KeyPart("id", int))


def _outbox_runs(filtered: QuerySet[FollowUp], *, state: str, now) -> list[_Run]:
    if state in OUTBOX_AHEAD_STATES:
        return [_Run(filtered, newest_first=False)]
    if state:
        return [_Run(filtered, newest_first=True)]
    # Everything: what just happened first (newest first), then what is coming (soonest
    # first), so months of scheduled check-ins do not push today's sends off the first page.
    # Two index range scans rather than one ORDER BY CASE …, which sorts the whole table.
    return [
        _Run(filtered.filter(due_at__lte=now), newest_first=True),
        _Run(filtered.filter(due_at__gt=now), newest_first=False),
    ]


def _outbox_order(*, newest_first: bool) -> list:
    """(due_at, id), one way or the other, for a recipient search: by an expression no index
    serves, on purpose. Its rows are the few hundred of a thousand people, found on the
    candidate and leader indexes and sorted; walking the due_at index instead (what the planner
    picks for a LIMIT) reads the whole table when the people are rare."""
    due = ExpressionWrapper(
        F("due_at") + Value(datetime.timedelta(0)), output_field=DateTimeField()
    )
    keys = [due, F("id")]
    return [key.desc() if newest_first else key.asc() for key in keys]


def _outbox_values(*, state: str, channel: str, cursor, now) -> list[tuple[int, dict]]:
    """Up to OUTBOX_PER_PAGE + 1 rows as (run, values), each run one prepared statement
    (outbox_rows.read_run)."""
    found: list[tuple[int, dict]] = []
    with connection.cursor() as db:
        for number in range(outbox_rows.runs(state)):
            if cursor is not None and cursor[0] > number:
                continue
            after = tuple(cursor[1:]) if cursor is not None and cursor[0] == number else None
            values = outbox_rows.read_run(
                db, state=state, channel=channel, run=number, after=after, now=now
            )
            found += [(number, row) for row in values]
            if len(found) > OUTBOX_PER_PAGE:
                break
    return found


def _searched_values(
    filtered: QuerySet[FollowUp], *, state: str, cursor, now
) -> list[tuple[int, dict]]:
    """A recipient search's rows as (run, values), up to OUTBOX_PER_PAGE + 1, read by the ORM
    (the page's rows with what they are about)."""
    found: list[tuple[int, dict]] = []
    for number, run in enumerate(_outbox_runs(filtered, state=state, now=now)):
        if cursor is not None and cursor[0] > number:
            continue
        rows = run.rows
        if cursor is not None and cursor[0] == number:
            keys = [F("due_at"), F("id")]
            rows = rows.filter(RowBeyond(keys, cursor[1:], backwards=run.newest_first))
        order = _outbox_order(newest_first=run.newest_first)
        wanted = OUTBOX_PER_PAGE + 1 - len(found)
        found += [
            (number, row) for row in rows.order_by(*order).values(*outbox_rows.COLUMNS)[:wanted]
        ]
        if len(found) > OUTBOX_PER_PAGE:
            break
    _with_about([row for _number, row in found[:OUTBOX_PER_PAGE]])
    return found


@dataclass
class OutboxPage:
    rows: list[outbox_rows.OutboxRow]
    # How many follow-ups the filters match, up to OUTBOX_COUNT_CAP; None for a recipient
    # search, which would have to find every match to count it.
    count: CappedCount | None
    counts: dict[str, CappedCount]  # the whole outbox's, by state (outbox_counts)
    next_cursor: str = ""
    is_first: bool = True
    # A recipient search matched more people than it looked at (OUTBOX_SEARCH_PEOPLE).
    people_capped: bool = False

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor) or not self.is_first


def outbox_page(
    *,
    state: str = "",
    channel: str = "",
    query: str = "",
    after: str = "",
    now: datetime.datetime | None = None,
) -> OutboxPage:
    """A page of the outbox from just after `after` (a cursor from the previous page): keyset
    pagination on the (due_at, id) indexes, so a deep page costs what the first one does."""
    now = now or timezone.now()
    recipients = _Recipients.matching(query) if query.strip() else None
    cursor = cursor_decode(after, _OUTBOX_KEYS) if after else None
    if recipients is None:
        found = _outbox_values(state=state, channel=channel, cursor=cursor, now=now)
    else:
        filtered = outbox_filtered(state=state, channel=channel, recipients=recipients, now=now)
        found = _searched_values(filtered, state=state, cursor=cursor, now=now)
    more = len(found) > OUTBOX_PER_PAGE
    found = found[:OUTBOX_PER_PAGE]
    next_cursor = ""
    if more:
        number, last = found[-1]
        next_cursor = cursor_encode([number, last["due_at"], last["id"]])
    # A recipient search is not counted: counting would find every match.
    counts = outbox_counts(now=now, selection=None if recipients else (state, channel))
    values = [row for _number, row in found]
    rows = outbox_rows.rows_from_values(values)
    _with_retry_refusals(rows, values)
    return OutboxPage(
        rows=rows,
        count=counts.pop("also", None),
        counts=counts,
        next_cursor=next_cursor,
        is_first=cursor is None,
        people_capped=bool(recipients and recipients.more),
    )


# What a recipient search's rows are about (outbox_rows.ABOUT), which the page's own statements
# read beside each row: one statement planned once per connection.
ROWS_ABOUT_SQL = Prepared(
    "outbox_rows_about", outbox_rows.about_sql("f.id = ANY(%(ids)s)"), generic=True
)


def _with_about(values: list[dict]) -> None:
    """Each row's ABOUT, under "about", as the page's own statements read it."""
    if not values:
        return
    with connection.cursor() as cursor:
        ROWS_ABOUT_SQL.execute(cursor, {"ids": [v["id"] for v in values]})
        about = {found[0]: found[1:] for found in cursor.fetchall()}
    nothing = (None,) * len(outbox_rows.ABOUT)  # a row deleted since it was read
    for v in values:
        v["about"] = about.get(v["id"], nothing)


def _with_retry_refusals(rows: list[outbox_rows.OutboxRow], values: list[dict]) -> None:
    """Why each failed or cancelled email may not be sent again (or ''), decided on the row's
    own columns and what it is about, down to whether its address refused mail before."""
    retryable = [v for v in values if outbox_rows.is_retryable(v["channel"], v["state"])]
    refused = {outbox_rows.refused_address(v) for v in retryable} - {None}
    facts = {v["id"]: outbox_rows.retry_facts(v) for v in retryable}
    for row in rows:
        if row.pk in facts:
            row.retry_refusal = retry_refusal(facts[row.pk], suppressed=refused)


def with_retry_refusals(rows: list[FollowUp]) -> list[FollowUp]:
    """Each failed or cancelled email says why it may not be sent again (or ''), so the page
    offers Retry only where it would work. One lookup of refused addresses for all the rows."""
    retryable = [f for f in rows if _retryable(f)]
    suppressed = suppressed_among(f.person.email for f in retryable)
    for followup in rows:
        followup.retryable = followup in retryable
        followup.retry_refusal = followup_retry_refusal(followup=followup, suppressed=suppressed)
    return rows


def _retryable(followup: FollowUp) -> bool:
    return followup.channel == Channel.EMAIL and followup.state in (
        FollowUp.State.FAILED,
        FollowUp.State.CANCELLED,
    )


def followup_for_admin(*, pk: int) -> FollowUp:
    followup = get_object_or_404(_outbox_rows(), pk=pk)
    _with_cadence_steps([followup])
    return with_retry_refusals([followup])[0]


# ---------------------------------------------------------------------------------------------
# The candidate page: how many open tasks it lists (read in candidates.selectors), check-ins
# ---------------------------------------------------------------------------------------------

CANDIDATE_TASKS_SHOWN = 20


@dataclass
class PlacementCheckIns:
    placement: Placement
    application: Application
    responses: list[CheckInResponse]


def candidate_placement_checkins(*, candidate: Candidate) -> list[PlacementCheckIns]:
    """Each of the candidate's placements with its check-in answers, newest first.

    Placements come from the applications `candidate_for_recruiter` already loaded, and the
    answers with them (`candidate.checkin_answers`, CHECKIN_ANSWERS_JSON's arrays): no query.
    """
    placed = []
    for application in candidate.applications.all():
        placement = getattr(application, "placement", None)
        if placement is not None:
            placed.append(PlacementCheckIns(placement, application, []))
    if not placed:
        return []
    by_placement = {item.placement.pk: item for item in placed}
    for values in candidate.checkin_answers or ():
        answer = checkin_answer(values)
        by_placement[answer.placement_id].responses.append(answer)
    return sorted(placed, key=lambda item: item.placement.start_date, reverse=True)


# What the candidate page shows of an answer, its follow-up (whose review it is) and the leader
# who gave it, read in the candidate's statement (candidates.selectors.CANDIDATE_SQL) as one JSON
# array per answer, newest first: a round trip fewer than reading them apart. The answer's
# fields in the model's order, as Model.from_db takes them (so are the follow-up's and leader's).
CHECKIN_ANSWER_FIELDS = tuple(
    field.attname
    for field in CheckInResponse._meta.concrete_fields
    if field.attname
    in {
        "id",
        "placement_id",
        "followup_id",
        "audience",
        "score",
        "comment",
        "is_concern",
        "concern_theme",
        "answered_at",
        "reviewed_at",
    }
)
_CHECKIN_MOMENTS = [CHECKIN_ANSWER_FIELDS.index(name) for name in ("answered_at", "reviewed_at")]
CHECKIN_ANSWERS_JSON = f"""
    SELECT json_agg(json_build_array(
        {", ".join(f"ans.{name}" for name in CHECKIN_ANSWER_FIELDS)},
        f.hiring_leader_id, f.recruiter_id, l.first_name, l.last_name
    ) ORDER BY ans.answered_at DESC, ans.id DESC)
    FROM {Application._meta.db_table} pa
    JOIN {Placement._meta.db_table} pp ON pp.application_id = pa.id
    JOIN {CheckInResponse._meta.db_table} ans ON ans.placement_id = pp.id
    JOIN {FollowUp._meta.db_table} f ON f.id = ans.followup_id
    LEFT JOIN {HiringLeader._meta.db_table} l ON l.id = f.hiring_leader_id
    WHERE pa.candidate_id = c.id
"""


def _moment(value: str | None) -> datetime.datetime | None:
    return None if value is None else datetime.datetime.fromisoformat(value)


def checkin_answer(values: list) -> CheckInResponse:
    """An answer from its JSON array (CHECKIN_ANSWERS_JSON), with its follow-up and leader, as
    the candidate page shows it; the fields it does not show are deferred."""
    *own, leader_id, recruiter_id, first_name, last_name = values
    for index in _CHECKIN_MOMENTS:
        own[index] = _moment(own[index])
    answer = CheckInResponse.from_db(DEFAULT_DB_ALIAS, CHECKIN_ANSWER_FIELDS, own)
    followup = FollowUp.from_db(
        DEFAULT_DB_ALIAS,
        ("id", "hiring_leader_id", "recruiter_id"),
        (answer.followup_id, leader_id, recruiter_id),
    )
    followup._state.fields_cache["hiring_leader"] = (
        None
        if leader_id is None
        else HiringLeader.from_db(
            DEFAULT_DB_ALIAS, ("id", "first_name", "last_name"), (leader_id, first_name, last_name)
        )
    )
    answer._state.fields_cache["followup"] = followup
    return answer
