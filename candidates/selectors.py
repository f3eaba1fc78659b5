"""The reads behind the candidate pages, each with a fixed number of queries: possible
duplicates, the candidate page, the bulk actions' selection and preview. The list's search,
filters and keyset pages are in search.py."""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import (
    Model,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    Value,
)
from django.http import Http404

from candidates import keyset
from candidates.keyset import KeyPart
from candidates.models import (
    Activity,
    Application,
    Candidate,
    Commitment,
    Placement,
    Tag,
)
from followups.compose_selectors import templates_to_send
from followups.models import Channel, FollowUp, MessageTemplate, SuppressedAddress
from followups.selectors import CANDIDATE_TASKS_SHOWN, CHECKIN_ANSWERS_JSON
from followups.services import ONE_OFF_KEY, message_preview, message_send_problem
from hiring_leaders.models import Company, HiringLeader, Requisition
from recruitcrm.joined_rows import Prepared, Table, select_list
from recruitcrm.models import User

# The candidate list's page size (its reads are in search.py; the benchmark reads this one).
CANDIDATES_PER_PAGE = 50
TIMELINE_PER_PAGE = 30
SCHEDULED_SHOWN = 8
ACTIVE_REQUISITION = (Requisition.Status.OPEN, Requisition.Status.ON_HOLD)


def phone_digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


def candidate_duplicates(
    *,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    exclude_pk: int | None = None,
) -> QuerySet[Candidate]:
    """Candidates that are probably the same person: same email, or same name and phone."""
    match = Q(pk__in=[])
    if email:
        match |= Q(email__iexact=email.strip())
    digits = phone_digits(phone)
    if digits and first_name and last_name:
        match |= Q(
            _same_phone(digits),
            first_name__iexact=first_name.strip(),
            last_name__iexact=last_name.strip(),
        )
    found = Candidate.objects.filter(match).select_related("owner")
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return found.order_by("pk")


# The shortest number two phones must share to be the same phone written two ways.
SAME_PHONE_MIN_DIGITS = 7


def _same_phone(digits: str) -> Q:
    """The same number with or without its country code or trunk 0: "+1 555 010 2000" is
    "555-010-2000", and "+44 20 7946 0000" is "020 7946 0000"."""
    same = Q(phone_digits=digits)
    national = digits.lstrip("0")
    if len(national) >= SAME_PHONE_MIN_DIGITS:
        longer = Q(phone_digits__endswith=national)
        endings = [national[start:] for start in range(len(national) - SAME_PHONE_MIN_DIGITS + 1)]
        # On file without its country code, perhaps with a trunk 0.
        shorter = Q(phone_digits__in=endings + [f"0{ending}" for ending in endings])
        same |= longer | shorter
    return same


def requisition_choices(*, viewer: User, include: int | None = None) -> list[Requisition]:
    """The viewer's open and on-hold requisitions (and `include`, whatever it is), by title."""
    wanted = Q(recruiter=viewer, status__in=ACTIVE_REQUISITION)
    if include is not None:
        wanted |= Q(pk=include)
    return list(
        Requisition.objects.filter(wanted).select_related("company").order_by("title", "pk")[:200]
    )


@dataclass(frozen=True, slots=True)
class RequisitionOption:
    """A requisition as the candidate list's filter offers it."""

    pk: int
    title: str
    company_name: str


@dataclass(frozen=True, slots=True)
class FilterChoices:
    """What the candidate list's filter bar offers: the viewer's requisitions, the tag names."""

    requisitions: list[RequisitionOption]
    tags: list[str]


# The filter bar's two lists in one statement planned once per connection, each part ordered and
# cut as before: built with the ORM (a filter with an OR, select_related, an ordering), the
# requisitions alone took 1.6 ms of Python on every visit to the candidate list, and as two
# statements they were two round trips. Subqueries in FROM, as SQLite allows no parenthesised
# part with its own ORDER BY in a UNION. Its generic plan, with each company's name probed by
# key: PostgreSQL planned it on every visit (0.2 ms) and joined by hashing all 501 companies of
# the bench data set for a recruiter's dozen roles (0.5 -> 0.2 ms a visit, psql).
FILTER_CHOICES_SQL = Prepared(
    "candidate_list_filter_choices",
    f"""
    SELECT part, id, title, company FROM (
        SELECT 0 AS part, r.id AS id, r.title AS title, (
            SELECT co.name FROM {Company._meta.db_table} co WHERE co.id = r.company_id
        ) AS company
        FROM {Requisition._meta.db_table} r
        WHERE (r.recruiter_id = %(viewer)s AND r.status IN (%(open)s, %(on_hold)s))
            OR r.id = %(include)s
        ORDER BY r.title, r.id
        LIMIT 200
    ) requisitions
    UNION ALL
    SELECT part, id, title, company FROM (
        SELECT 1 AS part, t.id AS id, t.name AS title, NULL AS company
        FROM {Tag._meta.db_table} t
        ORDER BY t.name
        LIMIT 200
    ) tags
    ORDER BY part, title, id
""",
    generic=True,
)


def filter_choices(*, viewer: User, include: int | None = None) -> FilterChoices:
    """`requisition_choices` as (id, title, company) rows, and the first 200 tag names, for the
    candidate list's filters."""
    params = {"viewer": viewer.pk, "include": include}
    params["open"], params["on_hold"] = ACTIVE_REQUISITION
    with connection.cursor() as cursor:
        FILTER_CHOICES_SQL.execute(cursor, params)
        read = cursor.fetchall()
    return FilterChoices(
        requisitions=[
            RequisitionOption(pk, title, company) for part, pk, title, company in read if part == 0
        ],
        tags=[title for part, _, title, _ in read if part == 1],
    )


def owner_named(*, pk: int) -> User | None:
    return User.objects.filter(pk=pk, role__in=[User.Role.RECRUITER, User.Role.ADMIN]).first()


# ---------------------------------------------------------------------------------------------
# Bulk actions
# ---------------------------------------------------------------------------------------------


def candidates_selected(*, ids: list[int]) -> list[Candidate]:
    """The candidates a bulk action was asked for, by name; unknown ids simply drop out."""
    return list(
        Candidate.objects.filter(pk__in=ids)
        .select_related("owner")
        .order_by(*Candidate._meta.ordering)
    )


# Placeholders that only mean something once a message is about a role (and, for
# `application`, about the person's place in its pipeline).
_ROLE_PLACEHOLDER = re.compile(r"\b(requisition|company|hiring_leader|pipeline|application)\.")
_PIPELINE_PLACEHOLDER = re.compile(r"\bapplication\.")


def message_needs_role(template: MessageTemplate) -> bool:
    """Whether the template talks about a role ("… has paused the {{ requisition.title }}
    role"): sent about no role, it would go out with holes in it."""
    return bool(_ROLE_PLACEHOLDER.search(f"{template.subject}\n{template.body}"))


def message_problems(
    *,
    candidates: list[Candidate],
    template: MessageTemplate,
    requisition: Requisition | None = None,
) -> dict[int, str]:
    """Why the template cannot go to each of these candidates, in the words message_send
    uses, in a fixed number of queries (only an address that bounced before costs one more)."""
    addresses = {c.email.lower() for c in candidates if c.email and not c.opted_out}
    bounced = set()
    if addresses:
        bounced = set(
            SuppressedAddress.objects.filter(email__in=addresses).values_list("email", flat=True)
        )
    problems = {}
    for candidate in candidates:
        if candidate.opted_out or not candidate.email or candidate.email.lower() in bounced:
            problem = message_send_problem(template=template, to=candidate)
            if problem:
                problems[candidate.pk] = problem
    body = f"{template.subject}\n{template.body}"
    if requisition is not None and _PIPELINE_PLACEHOLDER.search(body):
        in_pipeline = set(
            Application.objects.filter(
                requisition=requisition,
                candidate__in=candidates,
                outcome=Application.Outcome.ACTIVE,
            ).values_list("candidate_id", flat=True)
        )
        for candidate in candidates:
            if candidate.pk not in problems and candidate.pk not in in_pipeline:
                problems[candidate.pk] = (
                    f"{candidate.name} is not in the {requisition.title} pipeline."
                )
    return problems


def email_templates() -> list[MessageTemplate]:
    """The templates a recruiter may send candidates (tasks are for the recruiter; a leader's
    digest is not for a candidate)."""
    return list(templates_to_send(to="candidate"))


@dataclass
class PreviewFor:
    candidate: Candidate
    message: object  # followups.messages.RenderedMessage


def message_preview_for_first(
    *,
    candidates: list[Candidate],
    problems: dict[int, str],
    template: MessageTemplate,
    requisition: Requisition | None,
    by: User,
) -> PreviewFor | None:
    """Exactly what the first person the message can reach would get, or None if nobody."""
    first = next((c for c in candidates if c.pk not in problems), None)
    if first is None:
        return None
    application = None
    if requisition is not None:
        application = (
            Application.objects.filter(
                candidate=first, requisition=requisition, outcome=Application.Outcome.ACTIVE
            )
            .select_related("requisition__company", "requisition__hiring_leader")
            .first()
        )
    rendered = message_preview(
        template=template, to=first, by=by, requisition=requisition, application=application
    )
    return PreviewFor(candidate=first, message=rendered)


# ---------------------------------------------------------------------------------------------
# The candidate page
# ---------------------------------------------------------------------------------------------


TAG_SEPARATOR = "\x1f"  # a control character: never part of a tag's name


def with_tag_names(candidates: QuerySet[Candidate]) -> QuerySet[Candidate]:
    """Each candidate's tag names in the same query, as one string (read with `tag_names`)."""
    names = (
        Tag.objects.filter(candidates=OuterRef("pk"))
        .order_by()
        .values("candidates")
        .annotate(names=StringAgg("name", delimiter=Value(TAG_SEPARATOR)))
        .values("names")
    )
    return candidates.annotate(tag_string=Subquery(names))


def tag_names(candidate: Candidate) -> list[str]:
    """The tag names `with_tag_names` read; a candidate read without it has none."""
    return split_tag_names(getattr(candidate, "tag_string", None))


def split_tag_names(joined: str | None) -> list[str]:
    # Sorted here: SQLite cannot order inside an aggregate.
    return sorted(joined.split(TAG_SEPARATOR), key=str.lower) if joined else []


@dataclass(slots=True)
class PipelineEntry:
    """One of the candidate's applications as the candidate page shows it, with its role, the
    role's company and the placement of a hire, read as plain values: the page only shows them
    (four model instances an application cost more to build than its lines took to write), and
    an action on one reads the application again."""

    pk: int
    requisition_id: int
    stage: str
    outcome: str
    close_reason: str
    stage_changed_at: datetime.datetime
    hired_at: datetime.datetime | None
    requisition_title: str
    requisition_status: str
    company_name: str
    # The placement's, None before a hire.
    placement_id: int | None
    start_date: datetime.date | None
    fell_through_at: datetime.datetime | None

    # The model's own rule for an open application, read from these values.
    Outcome = Application.Outcome
    is_active = Application.is_active


# PipelineEntry's fields, in its order, from the candidate's statement (a JSON array each).
PIPELINE_COLUMNS = (
    "a.id",
    "a.requisition_id",
    "a.stage",
    "a.outcome",
    "a.close_reason",
    "a.stage_changed_at",
    "a.hired_at",
    "r.title",
    "r.status",
    "co.name",
    "p.id",
    "p.start_date",
    "p.fell_through_at",
)


def candidate_for_recruiter(*, viewer: User, pk: int) -> Candidate:
    """A candidate a recruiter may open, with what the detail page shows alongside it: owner,
    tags, applications (role, company, placement) as `candidate.pipeline`, open promises, the
    placements' check-in answers, the follow-ups still to happen and the timeline's newest page,
    in one statement.

    Candidates are a team asset in an agency: every recruiter may open every candidate.
    Hiring leaders never reach this (the views admit recruiters and admins only).
    """
    params = {
        "pk": pk,
        "separator": TAG_SEPARATOR,
        "open": Commitment.Status.OPEN,
        "scheduled": FollowUp.State.SCHEDULED,
        "task": Channel.TASK,
        "email": Channel.EMAIL,
        "tasks": CANDIDATE_TASKS_SHOWN + 1,
        "emails": SCHEDULED_SHOWN + 1,
        "timeline": TIMELINE_PER_PAGE + 1,
    }
    with connection.cursor() as cursor:
        CANDIDATE_SQL.execute(cursor, params)
        row = cursor.fetchone()
    if row is None:
        raise Http404("No Candidate matches the given query.")
    candidate_table, owner_table = CANDIDATE_TABLES
    owner_at = len(candidate_table.attnames)
    extras_at = owner_at + len(owner_table.attnames)
    candidate = candidate_table.load(row[:owner_at])
    _cache(candidate, owner=owner_table.load(row[owner_at:extras_at]))
    (
        candidate.tag_string,
        applications,
        promises,
        answers,
        candidate.waiting_followups,
        candidate.newest_timeline,
    ) = row[extras_at:]
    promises = json.loads(promises) if promises else ()
    # (The answers as JSON arrays, read by followups.selectors.candidate_placement_checkins; the
    # follow-ups and the timeline's newest page as JSON text, decoded by
    # candidate_waiting_followups and candidate_timeline.)
    candidate.checkin_answers = json.loads(answers) if answers else None
    candidate.pipeline = [_pipeline_entry(*values) for values in json.loads(applications or "[]")]
    candidate.open_commitments = [_promise(values, candidate) for values in promises]
    candidate.tag_list = tag_names(candidate)
    return candidate


def _pipeline_entry(*values) -> PipelineEntry:
    """An application from its JSON array (PIPELINE_COLUMNS), its moments and dates parsed."""
    *head, changed_at, hired_at, title, status, company, placement, start, fell_through = values
    return PipelineEntry(
        *head,
        datetime.datetime.fromisoformat(changed_at),
        hired_at and datetime.datetime.fromisoformat(hired_at),
        title,
        status,
        company,
        placement,
        start and datetime.date.fromisoformat(start),
        fell_through and datetime.datetime.fromisoformat(fell_through),
    )


def _cache(instance: Model, **related: Model | None) -> None:
    """Related rows read with `instance`, where its descriptors look before querying (as
    select_related leaves them; None for an outer join that found nothing)."""
    instance._state.fields_cache.update(related)


# The candidate and what the page shows of its owner (the name): a user's password hash and
# the like are neither sent nor decoded on every visit. The applications are PIPELINE_COLUMNS.
_USER_NAME = ("username", "first_name", "last_name")
CANDIDATE_TABLES = (Table(Candidate, "c"), Table(User, "o", _USER_NAME))
# The candidate's scheduled follow-ups (a handful), numbered per channel in one scan (PostgreSQL
# plans it in half the time of a UNION of two limited reads joined back to the table), the first
# few of each channel as one JSON array a follow-up, soonest first.
WAITING_JSON = f"""
    SELECT json_agg(json_build_array(
        f.id, f.channel, f.audience, f.key, f.task_title, f.due_at, f.recruiter_id,
        t.name, u.first_name, u.last_name, u.username, r.title, l.first_name, l.last_name
    ) ORDER BY f.due_at, f.id)
    FROM (
        SELECT *, row_number() OVER (PARTITION BY channel ORDER BY due_at, id) AS place
        FROM {FollowUp._meta.db_table}
        WHERE candidate_id = c.id AND state = %(scheduled)s AND channel IN (%(task)s, %(email)s)
    ) f
    LEFT JOIN {MessageTemplate._meta.db_table} t ON t.id = f.template_id
    LEFT JOIN {User._meta.db_table} u ON u.id = f.recruiter_id
    LEFT JOIN {Requisition._meta.db_table} r ON r.id = f.requisition_id
    LEFT JOIN {HiringLeader._meta.db_table} l ON l.id = f.hiring_leader_id
    WHERE f.place
        <= CASE f.channel WHEN %(task)s THEN %(tasks)s::integer ELSE %(emails)s::integer END
"""


TIMELINE_KEY = (KeyPart("occurred_at", datetime.datetime), KeyPart("pk", int))


@dataclass(slots=True)
class TimelineEntry:
    """One line of a timeline, read as plain values: it is only shown."""

    pk: int
    occurred_at: datetime.datetime
    kind: str
    summary: str
    body: str
    actor_name: str
    requisition_title: str

    @property
    def kind_label(self) -> str:
        return Activity.Kind(self.kind).label


# A timeline line's columns, in the order _timeline_entry takes them, from activities `a`.
TIMELINE_COLUMNS = (
    "a.id, a.occurred_at, a.kind, a.summary, a.body, u.first_name, u.last_name, u.username, r.title"
)
TIMELINE_JOINS = f"""
    LEFT JOIN {User._meta.db_table} u ON u.id = a.actor_id
    LEFT JOIN {Requisition._meta.db_table} r ON r.id = a.requisition_id
"""
# The timeline's newest page (and one line more, to know if there are older ones) rides with
# the candidate, one JSON array a line, newest first: most visits open only that page, and
# reading it apart cost a round trip. Older and newer pages are read alone (TIMELINE_SQL).
NEWEST_TIMELINE_JSON = f"""
    SELECT json_agg(json_build_array({TIMELINE_COLUMNS}) ORDER BY a.occurred_at DESC, a.id DESC)
    FROM (
        SELECT * FROM {Activity._meta.db_table}
        WHERE candidate_id = c.id
        ORDER BY occurred_at DESC, id DESC
        LIMIT %(timeline)s
    ) a
    {TIMELINE_JOINS}
"""


def candidate_timeline(*, candidate: Candidate, older: str = "", newer: str = "") -> keyset.Seek:
    """One page of the candidate's timeline, newest first, paged by a keyset (as `keyset.seek`
    pages it, in written SQL). The newest page came with the candidate
    (`candidate_for_recruiter`); a page after a cursor is read here."""
    backwards = bool(newer)
    boundary = keyset.cursor_decode(newer or older, TIMELINE_KEY) if (newer or older) else None
    if boundary is None:
        found = [
            _timeline_entry(pk, datetime.datetime.fromisoformat(at), *rest)
            for pk, at, *rest in json.loads(candidate.newest_timeline or "[]")
        ]
    else:
        at, pk = boundary
        params = {"pk": candidate.pk, "at": at, "id": pk, "limit": TIMELINE_PER_PAGE + 1}
        with connection.cursor() as cursor:
            TIMELINE_SQL[backwards].execute(cursor, params)
            found = [_timeline_entry(*row) for row in cursor.fetchall()]
    return keyset.seek_page(
        found,
        parts=TIMELINE_KEY,
        per_page=TIMELINE_PER_PAGE,
        backwards=backwards,
        from_boundary=boundary is not None,
    )


def _timeline_sql(*, backwards: bool) -> str:
    # Newest first; a page back (towards newer rows) reads upwards from its boundary.
    order, beyond = ("ASC", ">") if backwards else ("DESC", "<")
    return f"""
        SELECT {TIMELINE_COLUMNS}
        FROM {Activity._meta.db_table} a
        {TIMELINE_JOINS}
        WHERE a.candidate_id = %(pk)s AND (a.occurred_at, a.id) {beyond} (%(at)s, %(id)s)
        ORDER BY a.occurred_at {order}, a.id {order}
        LIMIT %(limit)s
    """


TIMELINE_SQL = {
    backwards: Prepared(
        f"candidate_page_timeline_{int(backwards)}", _timeline_sql(backwards=backwards)
    )
    for backwards in (False, True)
}


def _timeline_entry(
    pk, occurred_at, kind, summary, body, first_name, last_name, username, title
) -> TimelineEntry:
    """A timeline line from its TIMELINE_COLUMNS."""
    actor = person_name(first_name, last_name, username)
    return TimelineEntry(pk, occurred_at, kind, summary, body, actor, title or "")


_CANDIDATE_TAGS = Candidate.tags.through._meta
# The tag names, the applications, the open promises, the placements' check-in answers, the
# follow-ups to come and the timeline's newest page ride along in one row (lateral subqueries,
# the lists as JSON arrays): a round trip fewer each than reading them apart, and one row, where
# a row per application repeated the candidate and every list on each.
PROMISE_FIELDS = ("id", "recruiter_id", "requisition_id", "description", "due_at", "status")
CANDIDATE_SQL = Prepared(
    "candidate_page_candidate",
    f"""
    SELECT {select_list(CANDIDATE_TABLES)},
        tagged.names,
        applied.found::text,
        promised.found::text,
        answered.found::text,
        waiting.found::text,
        newest.found::text
    FROM {Candidate._meta.db_table} c
    JOIN {User._meta.db_table} o ON o.id = c.owner_id
    CROSS JOIN LATERAL (
        SELECT string_agg(t.name, %(separator)s)
        FROM {_CANDIDATE_TAGS.db_table} ct
        JOIN {Tag._meta.db_table} t ON t.id = ct.tag_id
        WHERE ct.candidate_id = c.id
    ) tagged (names)
    CROSS JOIN LATERAL (
        SELECT json_agg(json_build_array(
            {", ".join(f"m.{name}" for name in PROMISE_FIELDS)},
            u.username, u.first_name, u.last_name, pr.title
        ) ORDER BY m.due_at, m.id) AS found
        FROM {Commitment._meta.db_table} m
        JOIN {User._meta.db_table} u ON u.id = m.recruiter_id
        LEFT JOIN {Requisition._meta.db_table} pr ON pr.id = m.requisition_id
        WHERE m.candidate_id = c.id AND m.status = %(open)s
    ) promised
    CROSS JOIN LATERAL ({CHECKIN_ANSWERS_JSON}) answered (found)
    CROSS JOIN LATERAL ({WAITING_JSON}) waiting (found)
    CROSS JOIN LATERAL ({NEWEST_TIMELINE_JSON}) newest (found)
    CROSS JOIN LATERAL (
        SELECT json_agg(json_build_array({", ".join(PIPELINE_COLUMNS)})
            ORDER BY a.outcome, a.stage_changed_at DESC, a.id DESC)
        FROM {Application._meta.db_table} a
        JOIN {Requisition._meta.db_table} r ON r.id = a.requisition_id
        JOIN {Company._meta.db_table} co ON co.id = r.company_id
        LEFT JOIN {Placement._meta.db_table} p ON p.application_id = a.id
        WHERE a.candidate_id = c.id
    ) applied (found)
    WHERE c.id = %(pk)s
""",
)


def _promise(values: list, candidate: Candidate) -> Commitment:
    """An open promise from its JSON array (PROMISE_FIELDS, then its recruiter's name and its
    role's title), as the page shows it."""
    pk, recruiter_id, requisition_id, description, due_at, status, *names, title = values
    commitment = Commitment.from_db(
        DEFAULT_DB_ALIAS,
        PROMISE_FIELDS,
        (
            pk,
            recruiter_id,
            requisition_id,
            description,
            datetime.datetime.fromisoformat(due_at),
            status,
        ),
    )
    recruiter = User.from_db(DEFAULT_DB_ALIAS, ("id", *_USER_NAME), (recruiter_id, *names))
    requisition = (
        None
        if requisition_id is None
        else Requisition.from_db(DEFAULT_DB_ALIAS, ("id", "title"), (requisition_id, title))
    )
    _cache(commitment, candidate=candidate, recruiter=recruiter, requisition=requisition)
    return commitment


def person_name(first_name: str | None, last_name: str | None, username: str | None) -> str:
    """A user's name as User.__str__ says it (full name, else username) from values read with
    a row, without a User instance; empty when there is no user."""
    return f"{first_name or ''} {last_name or ''}".strip() or username or ""


def candidate_open_commitments(*, candidate: Candidate) -> list[Commitment]:
    """Promises still owed to the candidate, soonest due first: read with the candidate
    (`candidate_for_recruiter`), no query."""
    return candidate.open_commitments


@dataclass(slots=True)
class WaitingFollowUp:
    """A task or an email still to happen about the candidate, read as plain values (it is only
    shown): what it is, for whom, about which role, when."""

    pk: int
    channel: str
    audience: str
    task_title: str
    due_at: datetime.datetime
    recruiter_id: int | None
    template_name: str
    # Names as User.name and HiringLeader.name say them; "" where there is nobody.
    recruiter_name: str
    leader_name: str
    # None when the follow-up is about no role.
    requisition_title: str | None
    is_checkin_flag: bool
    is_one_off: bool


@dataclass
class WaitingFollowUps:
    """What is still to happen about a candidate: tasks in a recruiter's queue and emails."""

    tasks: list[WaitingFollowUp]
    more_tasks: bool
    emails: list[WaitingFollowUp]
    more_emails: bool


def candidate_waiting_followups(*, candidate: Candidate) -> WaitingFollowUps:
    """The candidate's open tasks and scheduled emails, soonest first, the first few of each
    and whether there are more: read with the candidate (`candidate_for_recruiter`), no query."""
    found = {Channel.TASK: [], Channel.EMAIL: []}
    for values in json.loads(candidate.waiting_followups or "[]"):
        followup = _waiting(*values)
        found[followup.channel].append(followup)
    tasks, emails = found[Channel.TASK], found[Channel.EMAIL]
    return WaitingFollowUps(
        tasks=tasks[:CANDIDATE_TASKS_SHOWN],
        more_tasks=len(tasks) > CANDIDATE_TASKS_SHOWN,
        emails=emails[:SCHEDULED_SHOWN],
        more_emails=len(emails) > SCHEDULED_SHOWN,
    )


def _waiting(
    pk, channel, audience, key, task_title, due_at, recruiter_id, template_name, *names
) -> WaitingFollowUp:
    """A follow-up from its JSON array (WAITING_JSON)."""
    first_name, last_name, username, requisition_title, leader_first, leader_last = names
    return WaitingFollowUp(
        pk=pk,
        channel=channel,
        audience=audience,
        task_title=task_title,
        due_at=datetime.datetime.fromisoformat(due_at),
        recruiter_id=recruiter_id,
        template_name=template_name or "",
        recruiter_name=person_name(first_name, last_name, username),
        leader_name=f"{leader_first or ''} {leader_last or ''}".strip(),
        requisition_title=requisition_title,
        is_checkin_flag=key.startswith("checkin-flag:"),
        is_one_off=key.startswith(ONE_OFF_KEY),
    )


def requisitions_to_add(*, viewer: User, candidate: Candidate) -> list[Requisition]:
    """The viewer's open and on-hold requisitions the candidate has never been in: a role they
    were closed for is reopened from its pipeline on the page, not added twice."""
    been_in = {entry.requisition_id for entry in candidate.pipeline}
    return [r for r in requisition_choices(viewer=viewer) if r.pk not in been_in]
