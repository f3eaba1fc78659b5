"""What an outbox row shows, read as plain values (followups.outbox_selectors.outbox_page).

A page of the outbox is 50 rows of a table of 700,000. Read as model instances with their
template, candidate, hiring leader and recruiter, a row cost five instances, a second query for
its cadence step and a few calls per cell in the template (get_state_display, person, name):
more CPU than the database spent. Here a row is the columns it shows (one query with its four
joins), its labels worked out once; what the rows are about (their cadence, and for a failed or
cancelled email what deciding its Retry reads) comes in a second query, also as values, and
the retry check runs on those values (followups.services.outbox.retry_refusal).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from followups.models import Audience, CadenceStep, Channel, FollowUp, SuppressedAddress
from followups.services.outbox import Addressee, RetryFacts
from recruitcrm.joined_rows import Prepared

STATE_LABELS = dict(FollowUp.State.choices)
AUDIENCE_LABELS = dict(Audience.choices)

# The columns a row shows, read with values(): the follow-up's own and its four joins'.
COLUMNS = (
    "id",
    "due_at",
    "sent_at",
    "state",
    "channel",
    "audience",
    "task_title",
    "last_error",
    "note",
    "attempts",
    "cadence_step_id",
    "template__name",
    "candidate_id",
    "candidate__first_name",
    "candidate__last_name",
    "candidate__email",
    "candidate__opted_out_at",
    "hiring_leader_id",
    "hiring_leader__first_name",
    "hiring_leader__last_name",
    "hiring_leader__email",
    "hiring_leader__opted_out_at",
    "recruiter__first_name",
    "recruiter__last_name",
    "recruiter__username",
)


@dataclass(frozen=True)
class Person:
    """Who an email goes to, as the row shows them."""

    name: str
    email: str


@dataclass
class OutboxRow:
    pk: int
    due_at: datetime.datetime
    sent_at: datetime.datetime | None
    state: str
    state_label: str
    channel: str
    audience_label: str
    person: Person | None  # an email's recipient; None for a recruiter's task
    recruiter_name: str
    about_name: str  # the candidate a task is about, or ''
    what: str  # the task's title or the template's name
    cadence: str  # "Onboarding · day 30" for a row a cadence scheduled, else ''
    last_error: str
    note: str
    attempts: int
    retryable: bool = False
    retry_refusal: str = ""


def is_retryable(channel: str, state: str) -> bool:
    """A failed or cancelled email: the row offers Retry, or says why it may not."""
    return channel == Channel.EMAIL and state in (FollowUp.State.FAILED, FollowUp.State.CANCELLED)


def _name(first: str | None, last: str | None) -> str:
    return f"{first or ''} {last or ''}".strip()


def _cadence_label(step: CadenceStep | None) -> str:
    return f"{step.cadence.name} · day {step.offset_days}" if step else ""


def _recipient_prefix(values: dict) -> str | None:
    """Whose columns name the row's recipient: the leader's or the candidate's, by audience."""
    audience = values["audience"]
    if audience == Audience.HIRING_LEADER and values["hiring_leader_id"]:
        return "hiring_leader__"
    if audience in (Audience.CANDIDATE, Audience.NEW_HIRE) and values["candidate_id"]:
        return "candidate__"
    return None


def row_from_values(values: dict, cadence: str) -> OutboxRow:
    audience = values["audience"]
    person = None
    if values["channel"] == Channel.EMAIL:
        prefix = _recipient_prefix(values)
        if prefix:
            person = Person(
                _name(values[prefix + "first_name"], values[prefix + "last_name"]),
                values[prefix + "email"],
            )
    recruiter = _name(values["recruiter__first_name"], values["recruiter__last_name"])
    return OutboxRow(
        pk=values["id"],
        due_at=values["due_at"],
        sent_at=values["sent_at"],
        state=values["state"],
        state_label=STATE_LABELS.get(values["state"], values["state"]),
        channel=values["channel"],
        audience_label=AUDIENCE_LABELS.get(audience, audience),
        person=person,
        recruiter_name=recruiter or values["recruiter__username"],  # as User.__str__
        about_name=_name(values["candidate__first_name"], values["candidate__last_name"])
        if values["candidate_id"]
        else "",
        what=values["task_title"] or values["template__name"] or "",
        cadence=cadence,
        last_error=values["last_error"],
        note=values["note"],
        attempts=values["attempts"],
        retryable=is_retryable(values["channel"], state=values["state"]),
    )


def rows_from_values(found: list[dict]) -> list[OutboxRow]:
    """The rows, with their cadence step's label from what each is about (ABOUT)."""
    rows = []
    for values in found:
        offset, cadence, *_ = values["about"]
        rows.append(row_from_values(values, f"{cadence} · day {offset}" if cadence else ""))
    return rows


def _addressee(values: dict) -> Addressee | None:
    prefix = _recipient_prefix(values)
    if prefix is None:
        return None
    return Addressee(
        _name(values[prefix + "first_name"], values[prefix + "last_name"]),
        values[prefix + "email"],
        values[prefix + "opted_out_at"],
    )


def retry_facts(values: dict) -> RetryFacts:
    """What deciding a retry reads, from a row's columns and what it is about (ABOUT)."""
    _offset, _cadence, trigger, requisition, outcome, fell_through, commitment, *_ = values["about"]
    return RetryFacts(
        channel=values["channel"],
        state=values["state"],
        person=_addressee(values),
        trigger=trigger,
        requisition_status=requisition,
        application_outcome=outcome,
        placement_fell_through=bool(fell_through),
        commitment_status=commitment,
        note=values["note"],
    )


def refused_address(values: dict) -> str | None:
    """The row's recipient's address, as the refused addresses keep it (lower-case), when it
    refused mail before (ABOUT's last two columns, the candidate's and the leader's)."""
    *_, candidate_refused, leader_refused = values["about"]
    prefix = _recipient_prefix(values)
    refused = {"candidate__": candidate_refused, "hiring_leader__": leader_refused}.get(prefix)
    return values[prefix + "email"].lower() if refused else None


def row_of(followup: FollowUp) -> OutboxRow:
    """One row from a follow-up loaded whole (the row swapped back after an action)."""
    person = followup.person if followup.channel == Channel.EMAIL else None
    retryable = getattr(followup, "retryable", False)
    return OutboxRow(
        pk=followup.pk,
        due_at=followup.due_at,
        sent_at=followup.sent_at,
        state=followup.state,
        state_label=followup.get_state_display(),
        channel=followup.channel,
        audience_label=followup.get_audience_display(),
        person=Person(person.name, person.email) if person else None,
        recruiter_name=followup.recruiter.name,
        about_name=followup.candidate.name if followup.candidate_id else "",
        what=followup.task_title or (followup.template.name if followup.template else ""),
        cadence=_cadence_label(followup.cadence_step),
        last_error=followup.last_error,
        note=followup.note,
        attempts=followup.attempts,
        retryable=retryable,
        retry_refusal=getattr(followup, "retry_refusal", "") if retryable else "",
    )


# ---------- the page's reads: a prepared statement per shape ----------
#
# The rows and the counts were built by the ORM on every visit (about 1 ms of Python) and
# planned by PostgreSQL on every visit (about 1.8 ms, for 0.8 ms of running). Each shape of the
# page (a state, a channel, first page or after a cursor, which of the two runs of the
# unfiltered order) is one statement, prepared once per connection (joined_rows.Prepared) and
# run on its generic plan: every one is a walk of the (due_at, id) or (state, due_at, id) index
# stopping at the page's LIMIT, written into the statement so the generic plan knows it. The
# filters' values are written into the SQL only from the fixed lists below, never as typed. A
# recipient search stays on the ORM (selectors.outbox_filtered): it is not a walk of an index.

PAGE_LIMIT = 51  # OUTBOX_PER_PAGE + 1: one more row says there is a next page
COUNT_LIMIT = 1001  # OUTBOX_COUNT_CAP + 1

# A state filter's condition, and whether its rows are listed newest first (work still ahead
# is listed soonest first).
_STATE_WHERE: dict[str, tuple[str, bool]] = {
    "due": ("state = 'scheduled' AND due_at <= %(now)s", False),
    "later": ("state = 'scheduled' AND due_at > %(now)s", False),
    **{
        state: (
            f"state = '{state}'",
            state not in (FollowUp.State.SCHEDULED, FollowUp.State.SENDING),
        )
        for state in FollowUp.State.values
    },
}
# Everything: what just happened first (newest first), then what is coming (soonest first), so
# months of scheduled check-ins do not push today's sends off the first page. Two index range
# scans rather than one ORDER BY CASE …, which sorts the whole table.
_ALL_RUNS = (("due_at <= %(now)s", True), ("due_at > %(now)s", False))
_CHANNEL_WHERE = {channel: f"channel = '{channel}'" for channel in Channel.values}

# The counts the page heads with, by state: each a walk of at most COUNT_LIMIT entries of
# followup_outbox_state, a few hundred microseconds whatever the table holds.
COUNTS = {
    "due": _STATE_WHERE["due"][0],
    "later": _STATE_WHERE["later"][0],
    "sending": _STATE_WHERE[FollowUp.State.SENDING][0],
    "failed": _STATE_WHERE[FollowUp.State.FAILED][0],
}

_JOINED = ("template", "candidate", "hiring_leader", "recruiter")


# What a row is about, read beside it (each row's `values["about"]`, in this order): its cadence
# step's day and cadence (the row's label, and the trigger a retry reads), and for a failed or
# cancelled email what deciding its Retry reads, down to whether the candidate's and the
# leader's addresses refused mail before. Each a probe by primary key, made only for the rows
# that need it (LATERAL, kept apart by OFFSET 0 as the joins are): read in the rows' own
# statement, not two more round trips (the about statement alone hashed all 4,000 placements
# for a page of failed emails on the bench data set, then the refused addresses were a query
# of their own).
ABOUT = (
    "offset_days",
    "cadence_name",
    "trigger",
    "requisition_status",
    "application_outcome",
    "placement_fell_through",
    "commitment_status",
    "candidate_refused",
    "hiring_leader_refused",
)
# The follow-up's columns ABOUT reads.
_ABOUT_READS = ("cadence_step", "requisition", "application", "placement", "commitment")


def _about_sql() -> tuple[str, str]:
    """ABOUT's select list and its joins, for a statement reading follow-ups as `f`."""
    table = {
        name: FollowUp._meta.get_field(name).related_model._meta.db_table
        for name in (*_ABOUT_READS, "candidate", "hiring_leader")
    }
    cadence = CadenceStep._meta.get_field("cadence").related_model._meta.db_table
    refused = SuppressedAddress._meta.db_table
    retryable = (
        f"f.channel = '{Channel.EMAIL}' "
        f"AND f.state IN ('{FollowUp.State.FAILED}', '{FollowUp.State.CANCELLED}')"
    )

    def probe(alias: str, what: str, name: str) -> str:
        return f"(SELECT {what} FROM {table[name]} {alias} WHERE {alias}.id = f.{name}_id)"

    def refused_of(name: str) -> str:
        return (
            f"EXISTS (SELECT 1 FROM {table[name]} p JOIN {refused} x ON x.email = lower(p.email)"
            f" WHERE p.id = f.{name}_id)"
        )

    select = "about_step.offset_days, about_step.name, about_step.trigger, " + ", ".join(
        f"about_retry.{name}" for name in ABOUT[3:]
    )
    joins = (
        "LEFT JOIN LATERAL (SELECT s.offset_days, c.name, c.trigger "
        f"FROM {table['cadence_step']} s JOIN {cadence} c ON c.id = s.cadence_id "
        "WHERE s.id = f.cadence_step_id OFFSET 0) about_step ON TRUE "
        "LEFT JOIN LATERAL (SELECT "
        f"{probe('r', 'r.status', 'requisition')} AS requisition_status, "
        f"{probe('a', 'a.outcome', 'application')} AS application_outcome, "
        f"{probe('p', 'p.fell_through_at IS NOT NULL', 'placement')} AS placement_fell_through, "
        f"{probe('m', 'm.status', 'commitment')} AS commitment_status, "
        f"{refused_of('candidate')} AS candidate_refused, "
        f"{refused_of('hiring_leader')} AS hiring_leader_refused "
        f"WHERE {retryable} OFFSET 0) about_retry ON TRUE"
    )
    return select, joins


def about_sql(where: str) -> str:
    """ABOUT for the follow-ups `where` selects (as `f`), each row its id then ABOUT."""
    select, joins = _about_sql()
    return f"SELECT f.id, {select} FROM {FollowUp._meta.db_table} f {joins} WHERE {where}"


def runs(state: str) -> int:
    """How many stretches of the order a filter's rows are read in (see _ALL_RUNS)."""
    return 1 if state else len(_ALL_RUNS)


def _run_where(state: str, channel: str, run: int) -> tuple[list[str], bool]:
    where, newest_first = _STATE_WHERE[state] if state else _ALL_RUNS[run]
    conditions = [where]
    if channel:
        conditions.append(_CHANNEL_WHERE[channel])
    return conditions, newest_first


def _filter_where(state: str, channel: str) -> str:
    """What the filters select, in any order (for their count)."""
    conditions = [_STATE_WHERE[state][0]] if state else []
    if channel:
        conditions.append(_CHANNEL_WHERE[channel])
    return " AND ".join(conditions) or "TRUE"


def _column(model, name: str) -> str:
    return f'"{model._meta.get_field(name).column}"'


def _rows_sql(conditions: list[str], *, newest_first: bool, after: bool) -> str:
    table = FollowUp._meta.db_table
    if after:
        conditions = [*conditions, f"(due_at, id) {'<' if newest_first else '>'} (%(due)s, %(id)s)"]
    way = "DESC" if newest_first else "ASC"
    own = [name for name in COLUMNS if "__" not in name]
    inner = own + [FollowUp._meta.get_field(name).attname for name in _JOINED + _ABOUT_READS]
    inner = [_column(FollowUp, name) for name in dict.fromkeys(inner)]
    # Each joined row probed by its primary key for each of the page's rows (LATERAL, kept
    # apart by OFFSET 0): joined as tables, PostgreSQL read all 5,000 hiring leaders to hash
    # them for fifty rows (rows at load on the bench data set: 0.85-1.3 -> 0.3-0.45 ms).
    aliases, joins = {}, []
    for number, name in enumerate(_JOINED):
        model = FollowUp._meta.get_field(name).related_model
        aliases[name] = (f"j{number}", model)
        wanted = [c.split("__")[1] for c in COLUMNS if c.startswith(name + "__")]
        joins.append(
            f"LEFT JOIN LATERAL (SELECT {', '.join(_column(model, n) for n in wanted)} "
            f"FROM {model._meta.db_table} "
            f"WHERE {_column(model, model._meta.pk.name)} = f.{_column(FollowUp, name)} "
            f"OFFSET 0) j{number} ON TRUE"
        )
    select = []  # in COLUMNS' order, as read_run reads them back
    for column in COLUMNS:
        relation, _, field = column.rpartition("__")
        alias, model = aliases[relation] if relation else ("f", FollowUp)
        select.append(f'{alias}.{_column(model, field)} AS "{column}"')
    about_select, about_joins = _about_sql()
    return (
        f"SELECT {', '.join(select)}, {about_select} FROM ("
        f"SELECT {', '.join(inner)} FROM {table} WHERE {' AND '.join(conditions)} "
        f"ORDER BY due_at {way}, id {way} LIMIT {PAGE_LIMIT}) f {' '.join(joins)} {about_joins} "
        f"ORDER BY f.due_at {way}, f.id {way}"
    )


_STATEMENTS: dict[tuple, object] = {}


def _statement(key: tuple, name: str, sql) -> Prepared:
    found = _STATEMENTS.get(key)
    if found is None:
        found = _STATEMENTS[key] = Prepared(name, sql(), generic=True)
    return found


def read_run(cursor, *, state: str, channel: str, run: int, after: tuple | None, now) -> list[dict]:
    """Up to PAGE_LIMIT rows of one run of the filters' order, from just beyond `after`
    ((due_at, id) of the last row shown), as COLUMNS' values and ABOUT (as_values). `state`
    and `channel` are an outbox filter's values ('' for any)."""
    conditions, newest_first = _run_where(state, channel, run)
    key = ("rows", state, channel, run, after is not None)
    name = f"outbox_rows_{state or 'all'}_{channel or 'any'}_{run}_{'after' if after else 'first'}"
    statement = _statement(
        key, name, lambda: _rows_sql(conditions, newest_first=newest_first, after=bool(after))
    )
    params = {"now": now}
    if after is not None:
        params.update(due=after[0], id=after[1])
    statement.execute(cursor, {k: v for k, v in params.items() if k in statement.names})
    return [as_values(found) for found in cursor.fetchall()]


def as_values(found: tuple) -> dict:
    """A row read as COLUMNS then ABOUT, as COLUMNS' values with ABOUT's under "about"."""
    values = dict(zip(COLUMNS, found[: len(COLUMNS)], strict=True))
    values["about"] = found[len(COLUMNS) :]
    return values


def read_counts(cursor, *, now, selection: tuple[str, str] | None = None) -> list[int]:
    """The outbox's counts by state (COUNTS' order), each stopping at COUNT_LIMIT; with a
    `selection` (state, channel) that selection's count last, in the same statement.

    Each count is a walk of up to COUNT_LIMIT index entries (0.2 ms each on the bench data
    set), so the selection's is not walked again when it is one of COUNTS, nor when it is the
    whole outbox and COUNTS' own rows, which it holds apart, already pass the cap."""
    wheres = list(COUNTS.values())
    where = _filter_where(*selection) if selection is not None else None

    def sql() -> str:
        walks = ", ".join(f"{_capped_count(w)} AS c{n}" for n, w in enumerate(wheres))
        also = ""
        if where == "TRUE":
            total = " + ".join(f"c{n}" for n in range(len(wheres)))
            also = (
                f", CASE WHEN {total} >= {COUNT_LIMIT} THEN {COUNT_LIMIT} "
                f"ELSE {_capped_count(where)} END"
            )
        elif where is not None and where not in wheres:
            also = f", {_capped_count(where)}"
        # OFFSET 0 keeps the walks in their own subquery: the CASE reads their results, and
        # the ELSE's walk runs only when it is reached.
        return f"SELECT *{also} FROM (SELECT {walks} OFFSET 0) counts"

    state, channel = selection or ("", "")
    name = "outbox_counts" + (f"_{state or 'all'}_{channel or 'any'}" if selection else "")
    statement = _statement(("counts", selection), name, sql)
    statement.execute(cursor, {"now": now})
    found = list(cursor.fetchone())
    if where in wheres:
        found.append(found[wheres.index(where)])
    return found


def _capped_count(where: str) -> str:
    table = FollowUp._meta.db_table
    return f"(SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {where} LIMIT {COUNT_LIMIT}) c)"
