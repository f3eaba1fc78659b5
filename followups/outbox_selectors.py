"""The admin Outbox's reads: every follow-up the engine keeps, a page at a time by keyset, with
counts by state that stop at OUTBOX_COUNT_CAP, and one follow-up with what a Retry would say."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import DateTimeField, ExpressionWrapper, F, Q, QuerySet, Value
from django.shortcuts import get_object_or_404
from django.utils import timezone

from candidates.keyset import KeyPart, RowBeyond, cursor_decode, cursor_encode
from candidates.models import Candidate
from followups import outbox_rows
from followups.models import CadenceStep, Channel, FollowUp
from followups.services.outbox import followup_retry_refusal, retry_refusal
from followups.services.recipients import suppressed_among
from hiring_leaders.models import HiringLeader
from recruitcrm.joined_rows import Prepared

OUTBOX_PER_PAGE = outbox_rows.PAGE_LIMIT - 1


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
