"""A hiring leader's weekly digest: what it says, read when it is sent.

One email per leader about all their open and on-hold roles: what moved this week (by name),
the effort behind it this week and in total, who waits for the leader's feedback, what happens
next (the recruiter's open promises to the leader), the recruiter's note for the leader if one
was written this week, and a link to each progress page. A week with no movement says so and
shows the effort instead. A role on hold asks, every other week, whether to reopen it, keep it on
hold or cancel it, with one signed link per answer.

The whole digest is read in a fixed number of queries, whatever the number of roles.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.core import signing
from django.core.cache import cache
from django.db import connection
from django.template import engines
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone

from candidates import feedback_selectors
from candidates.feedback_selectors import Waiting
from candidates.models import (
    Activity,
    Application,
    ApplicationStageChange,
    Commitment,
    Stage,
)
from followups import links
from followups.models import FollowUp, HoldAnswer
from hiring_leaders import progress
from hiring_leaders.models import HiringLeader, Requisition
from recruitcrm.jinja2 import url
from recruitcrm.joined_rows import Prepared

WEEK = datetime.timedelta(days=7)
DIGEST_STATUSES = (Requisition.Status.OPEN, Requisition.Status.ON_HOLD)
HOLD_SALT = "followups.hold-answer"
# Long enough to answer from an inbox after a holiday; the next question comes anyway.
HOLD_LINK_LIFETIME = datetime.timedelta(days=30)
# What a week's moves are called in the digest, in pipeline order.
MOVES = (
    (Stage.SUBMITTED, "Submitted to you"),
    (Stage.INTERVIEWING, "Moved to interview"),
    (Stage.OFFER, "Offer made"),
    (Stage.HIRED, "Hired"),
)
EFFORT = (
    ("sourced", "Sourced"),
    ("contacted", "Contacted"),
    ("screened", "Screened"),
    ("submitted", "Submitted"),
    ("interviews", "Interviews"),
)
EFFORT_STAGES = (
    Stage.SOURCED,
    Stage.CONTACTED,
    Stage.SCREENED,
    Stage.SUBMITTED,
    Stage.INTERVIEWING,
)


@dataclass(frozen=True)
class Moved:
    """One kind of move this week on a role, and who made it (the first NAMES_SHOWN)."""

    label: str
    all_names: list[str]

    @property
    def names(self) -> list[str]:
        return self.all_names[:NAMES_SHOWN]

    @property
    def more(self) -> int:
        return len(self.all_names) - len(self.names)


@dataclass
class Effort:
    week: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)

    def rows(self) -> list[tuple[str, int, int]]:
        return [(label, self.week.get(k, 0), self.total.get(k, 0)) for k, label in EFFORT]

    @property
    def any_this_week(self) -> bool:
        return any(self.week.values())


@dataclass(frozen=True)
class Note:
    """The recruiter's note written for the leader this week (its first line is the summary)."""

    summary: str
    body: str
    at: datetime.datetime


@dataclass
class RoleNews:
    requisition: Requisition
    link: str
    moves: list[Moved] = field(default_factory=list)
    effort: Effort = field(default_factory=Effort)
    waiting: list[Waiting] = field(default_factory=list)
    waiting_count: int = 0
    promises: list[progress.Promise] = field(default_factory=list)
    note: Note | None = None
    hold_links: list[tuple[str, str]] = field(default_factory=list)
    # The digest's day where the leader is, which "submitted today" means.
    today: datetime.date | None = None

    @property
    def on_hold(self) -> bool:
        return self.requisition.status == Requisition.Status.ON_HOLD

    @property
    def moved(self) -> bool:
        return bool(self.moves)

    @property
    def waiting_more(self) -> int:
        return self.waiting_count - len(self.waiting)

    def submitted(self, waiting: Waiting) -> str:
        """When `waiting` was submitted, "today", "1 day ago" or "3 days ago", counted in days
        of the leader's calendar: a candidate submitted on Sunday evening is not "today" in
        Monday morning's digest, though less than a whole day old."""
        zone = progress.leader_zone(self.requisition)
        days = (self.today - waiting.submitted_at.astimezone(zone).date()).days
        return "today" if days <= 0 else f"{days} day{pluralize(days)} ago"


@dataclass
class Digest:
    leader: HiringLeader
    since: datetime.datetime
    until: datetime.datetime
    roles: list[RoleNews]

    @property
    def quiet_week(self) -> bool:
        return not any(role.moved for role in self.roles)


def asks_about_hold(when: datetime.datetime) -> bool:
    """Every other week (by the week number counted from 1 January 1 AD, so the rhythm runs
    across year ends): a leader asked weekly would stop reading the question."""
    return (when.date().toordinal() // 7) % 2 == 0


def hold_token(*, digest_id: int, requisition_id: int, answer: str) -> str:
    return signing.dumps({"f": digest_id, "r": requisition_id, "a": answer}, salt=HOLD_SALT)


def hold_answer_from_token(token: str) -> tuple[int, int, str]:
    try:
        data = signing.loads(token, salt=HOLD_SALT, max_age=HOLD_LINK_LIFETIME.total_seconds())
    except signing.SignatureExpired:
        raise links.BadLink(
            "This link has expired; your recruiter will ask again.", expired=True
        ) from None
    except signing.BadSignature:
        raise links.BadLink("This link is not valid.") from None
    try:
        answer = data["a"]
        if answer not in HoldAnswer.Choice.values:
            raise ValueError(answer)
        return int(data["f"]), int(data["r"]), answer
    except (KeyError, TypeError, ValueError):
        raise links.BadLink("This link is not valid.") from None


def progress_link(requisition_id: int, digest_id: int | None) -> str:
    """The role's progress page; from a digest it says which one, so opening it is recorded."""
    path = url("hiring_leaders:requisition_detail", requisition_id)  # reverse(), remembered
    # A digest's id is a number: urlencode({"digest": id}) writes the same, at a tenth of a
    # millisecond a role.
    return links.absolute(path + (f"?digest={int(digest_id)}" if digest_id else ""))


def leader_digest(
    *, leader: HiringLeader, until: datetime.datetime, digest_id: int | None = None
) -> Digest:
    """What the leader's digest sent at `until` says about the week before it."""
    since = until - WEEK
    read = _read_the_week(leader, since, until)
    roles = {
        r.pk: RoleNews(
            requisition=r,
            link=progress_link(r.pk, digest_id),
            today=until.astimezone(progress.leader_zone(r)).date(),
        )
        for r in read.requisitions
    }
    if roles:
        read.fill_in(roles)
        _week(roles, list(roles), since, until, read.steps, read.versions)
        if digest_id and asks_about_hold(until):
            _hold_links(roles, digest_id)
    return Digest(leader=leader, since=since, until=until, roles=list(roles.values()))


# What the digest says of a role, read from the requisition (the rest is deferred: read on
# access, never a wrong default), with its company's name and its recruiter's first name.
_ROLE_READ = {
    "id",
    "title",
    "status",
    "status_reason",
    "location",
    "opened_on",
    "company_id",
    "recruiter_id",
    "hiring_leader_id",
}


def _requisitions(leader: HiringLeader, rows: list[tuple]) -> list[Requisition]:
    """The leader's open and on-hold roles from the statement's role rows (id, title, status,
    the rest as a JSON array): open roles first, longest open first; roles on hold after them."""
    company_model = Requisition._meta.get_field("company").related_model
    user_model = Requisition._meta.get_field("recruiter").related_model
    # from_db takes the values in the model's field order.
    read = [f.attname for f in Requisition._meta.concrete_fields if f.attname in _ROLE_READ]
    roles, companies, recruiters = [], {}, {}
    for pk, title, status, rest in rows:
        reason, location, opened_on, company_id, recruiter_id, company_name, first_name = (
            json.loads(rest)
        )
        values = {
            "id": pk,
            "title": title,
            "status": status,
            "status_reason": reason,
            "location": location,
            "opened_on": datetime.date.fromisoformat(opened_on),
            "company_id": company_id,
            "recruiter_id": recruiter_id,
            "hiring_leader_id": leader.pk,
        }
        role = Requisition.from_db(None, read, [values[name] for name in read])
        # A leader's roles share a company and a few recruiters: one instance each (a model
        # instance costs more to build than anything else here).
        company = companies.get(company_id)
        if company is None:
            company = companies[company_id] = company_model.from_db(
                None, ("id", "name"), (company_id, company_name)
            )
        recruiter = recruiters.get(recruiter_id)
        if recruiter is None:
            recruiter = recruiters[recruiter_id] = user_model.from_db(
                None, ("id", "first_name"), (recruiter_id, first_name)
            )
        role.company = company
        role.recruiter = recruiter
        role.hiring_leader = leader
        roles.append(role)
    roles.sort(key=lambda r: (r.status != Requisition.Status.OPEN, r.opened_on, r.pk))
    return roles


# Names listed per kind of move, and candidates listed as waiting, per role: a role with
# hundreds of either says how many more rather than making the email a phone book.
NAMES_SHOWN = 10
WAITING_SHOWN = 5


def _week(roles, ids, since, until, steps: list[tuple], versions: dict[int, str]) -> None:
    """What moved this week, by name, and the effort this week and in total.

    The week is read narrowly: only the applications moved since it began (every step in the
    pipeline sets the application's stage_changed_at), and of those only their steps since.
    The totals are the effort's weeks as the progress page counts and caches them, under the
    version of each pipeline: read from the cache when the role has not moved since it was
    filled (by the page or the last digest), else from the stage history, then cached for the
    page a leader opens from the digest."""
    late = {row[0] for row in steps if row[4] >= until}
    effort_totals = _effort_totals(roles, ids, until, versions, late=late)
    reached: dict[tuple, set] = defaultdict(set)  # (role, stage): applications
    moved: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for requisition_id, application_id, from_stage, to_stage, at, name in steps:
        if at >= until:
            continue
        for stage in _reaches(from_stage, to_stage):
            reached[requisition_id, stage].add(application_id)
        if to_stage in NAMED:
            moved[requisition_id][to_stage].append((at, application_id, name.strip()))
    for requisition_id, role in roles.items():
        total = effort_totals[requisition_id]
        for (key, _), stage in zip(EFFORT, EFFORT_STAGES, strict=True):
            role.effort.week[key] = len(reached.get((requisition_id, stage), ()))
            role.effort.total[key] = total[stage]
    for requisition_id, by_stage in moved.items():
        roles[requisition_id].moves = [
            Moved(label, _distinct_names(by_stage[stage]))
            for stage, label in MOVES
            if by_stage.get(stage)
        ]


NAMED = {stage for stage, _ in MOVES}
# A stage's place in the pipeline (sourced 0 … hired 6), as the progress page ranks steps.
RANK = {stage: n for n, stage in enumerate(Stage.values)}


@functools.cache
def _reaches(from_stage: str | None, to_stage: str) -> tuple[str, ...]:
    """The effort's stages a step from one stage to another reaches (from none: the step that
    added them), worked out once per pair rather than once per step."""
    low = RANK.get(from_stage, -1)
    high = RANK[to_stage]
    return tuple(stage for stage in EFFORT_STAGES if low < RANK[stage] <= high)


# What the digest reads, in one statement (building and sending a query cost more than running
# these index reads): the leader's open and on-hold roles (with their company's name and their
# recruiter's first name, the rest of a role as a JSON array, and its pipeline stamp, the
# version of its effort's cached weeks as the progress page reads it), then about those roles:
# their active steps since the week began (only the applications moved since, every step
# setting stage_changed_at; the steps after the digest's moment too, which say the cached effort
# is newer than the digest; the candidate's name only on the steps the digest names, half of
# them), the recruiter's open promises to the leader about the roles, each role's latest note
# for the leader written this week, and who waits for the leader's word (the longest waits of
# each role, as candidates.feedback_selectors reads them, with how many wait in all: a count,
# hence the text column).
# A note for the leader is about the role itself (requisition_note_for_leader; the progress page
# reads them so too), so the notes are read from the index of the role's own entries
# (activity_requisition_itself) rather than from every candidate's call and email of the week
# on the role (0.43 -> 0.02 ms, 442 -> 34 buffers for the bench leader's 11 roles).
_THE_WEEK_SQL = """
    WITH role AS MATERIALIZED (
        SELECT r.id, r.title, r.status, r.pipeline_stamp,
               json_build_array(
                   r.status_reason, r.location, r.opened_on, r.company_id, r.recruiter_id,
                   (SELECT c.name FROM {company} c WHERE c.id = r.company_id),
                   (SELECT u.first_name FROM {user} u WHERE u.id = r.recruiter_id)
               )::text AS rest
        FROM {requisition} r
        WHERE r.hiring_leader_id = %(leader)s AND r.status = ANY(%(statuses)s)
    ), role_ids AS (SELECT array_agg(role.id) AS ids FROM role)
    SELECT 'role', role.id, NULL::timestamptz, role.title, role.status, role.rest,
           role.pipeline_stamp
    FROM role
    UNION ALL
    SELECT 'step', a.requisition_id, s.changed_at, s.from_stage, s.to_stage,
           CASE WHEN s.to_stage = ANY(%(named)s) THEN (
               SELECT c.first_name || ' ' || c.last_name FROM {candidate} c
               WHERE c.id = a.candidate_id
           ) END, a.id
    FROM {application} a
    JOIN {stage_change} s ON s.application_id = a.id
        AND s.changed_at >= %(since)s AND s.outcome = %(active)s
    WHERE a.requisition_id = ANY(%(ids)s) AND a.stage_changed_at >= %(since)s
    UNION ALL
    SELECT 'promise', p.requisition_id, p.due_at, p.description, '', '', p.id
    FROM {commitment} p
    WHERE p.hiring_leader_id = %(leader)s AND p.status = %(open)s
      AND p.requisition_id = ANY(%(ids)s)
    UNION ALL
    (SELECT DISTINCT ON (n.requisition_id)
            'note', n.requisition_id, n.occurred_at, n.summary, n.body, '', n.id
     FROM {activity} n
     WHERE n.requisition_id = ANY(%(ids)s) AND n.candidate_id IS NULL AND n.shared_with_leader
       AND n.occurred_at >= %(since)s AND n.occurred_at < %(until)s
     ORDER BY n.requisition_id, n.occurred_at DESC, n.id DESC)
    UNION ALL
    SELECT 'waiting', w.requisition_id, w.stage_changed_at, w.first_name, w.last_name,
           w.of::text, w.id
    FROM ({waiting}) w
"""


@dataclass
class _Week:
    """The statement's rows sorted out: the roles, the week's steps as (requisition,
    application, from, to, at, name: on the steps named only), each role's pipeline version,
    and what fill_in gives each role."""

    requisitions: list[Requisition]
    steps: list[tuple]
    versions: dict[int, str]
    promises: list[tuple]
    notes: dict[int, Note]
    waits: list[tuple]
    until: datetime.datetime

    def fill_in(self, roles: dict[int, RoleNews]) -> None:
        """Each role's promises (soonest due first), note and who waits for the leader
        (longest first, WAITING_SHOWN of them and how many)."""
        for *_, requisition_id, promise in sorted(self.promises, key=lambda row: row[:2]):
            roles[requisition_id].promises.append(promise)
        for requisition_id, note in self.notes.items():
            roles[requisition_id].note = note
        # Longest wait first: a statement of several parts keeps no part's order.
        waits = sorted(self.waits, key=lambda row: (row[4], row[0]))
        for waiting in feedback_selectors.waiting_from_rows(waits, now=self.until):
            role = roles[waiting.requisition_id]
            role.waiting.append(waiting)
            role.waiting_count = waiting.of


def _read_the_week(leader, since, until) -> _Week:
    sql = _THE_WEEK_SQL.format(
        requisition=Requisition._meta.db_table,
        company=Requisition._meta.get_field("company").related_model._meta.db_table,
        user=Requisition._meta.get_field("recruiter").related_model._meta.db_table,
        application=Application._meta.db_table,
        candidate=Application._meta.get_field("candidate").related_model._meta.db_table,
        stage_change=ApplicationStageChange._meta.db_table,
        commitment=Commitment._meta.db_table,
        activity=Activity._meta.db_table,
        waiting=feedback_selectors.waiting_sql(),
    )
    # The roles' ids are the statement's own (role_ids): no "ids" of the waiting part's.
    waiting = feedback_selectors.waiting_params(requisition_ids=[], per_requisition=WAITING_SHOWN)
    del waiting["ids"]
    params = {
        **waiting,
        "since": since,
        "until": until,
        "leader": leader.pk,
        "statuses": [str(status) for status in DIGEST_STATUSES],
        "active": Application.Outcome.ACTIVE.value,
        "open": Commitment.Status.OPEN.value,
        "named": [str(stage) for stage in NAMED],
    }
    steps, promises, waits, role_rows, notes, versions = [], [], [], [], {}, {}
    with connection.cursor() as cursor:
        _week_statement(sql).execute(cursor, params)
        # All at once: iterating Django's cursor wrapper costs a Python generator step a row.
        rows = cursor.fetchall()
    for kind, requisition_id, at, a, b, c, pk in rows:
        if kind == "step":
            steps.append((requisition_id, pk, a, b, at, c))
        elif kind == "waiting":
            waits.append((pk, requisition_id, a, b, at, int(c)))
        elif kind == "role":
            role_rows.append((requisition_id, a, b, c))
            versions[requisition_id] = progress.stamped_version(pk)
        elif kind == "promise":
            promises.append((at, pk, requisition_id, progress.Promise(a, at)))
        else:
            notes[requisition_id] = Note(summary=a, body=b, at=at)
    requisitions = _requisitions(leader, role_rows)
    return _Week(requisitions, steps, versions, promises, notes, waits, until)


@functools.cache
def _week_statement(sql: str) -> Prepared:
    # Prepared: a worker sending the Monday digests runs it once per leader, and planning it
    # took 0.85 ms against 5 ms of running it for a leader of 10 roles on the bench data set.
    # The roles' ids come from the statement's own first part, so the plan PostgreSQL keeps
    # reads every part by the ids it finds there (an InitPlan), whoever the leader.
    sql = sql.replace("%(ids)s", "(SELECT ids FROM role_ids)::bigint[]")
    return Prepared("digest_week", sql, generic=True)


def _effort_totals(roles, ids, until, versions, *, late: set[int]) -> dict[int, dict]:
    """Each role's effort in total up to `until`, by stage. A role moved after `until` (a
    digest sent late) is read from its history: what is cached counts up to now.

    The totals of all the roles are kept together under the keys of the weeks they add up,
    so a digest whose roles have not moved reads one cache entry, not one per role (a file
    each in the local cache: 1.2 ms of CPU for 11 roles) and sums no weeks. A role that moves
    changes its version, so its weeks' key, so the key of the totals."""
    first = next(iter(roles.values())).requisition
    zone = progress.leader_zone(first)
    today = until.astimezone(zone).date()
    this_monday = today - datetime.timedelta(days=today.weekday())
    keys = {
        pk: progress.effort_cache_key(pk, zone, this_monday, versions[pk])
        for pk in ids
        if pk not in late
    }
    together = None
    if len(keys) == len(ids):
        joined = "|".join(keys[pk] for pk in ids).encode()
        together = f"leader-effort-totals:{hashlib.blake2b(joined, digest_size=16).hexdigest()}"
        totals = cache.get(together)
        if totals is not None:
            return totals
    found = cache.get_many(list(keys.values())) if keys else {}
    weeks = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in ids if pk not in weeks]
    if missing:
        read = progress.effort_by_week_of(requisition_ids=missing, zone=zone, until=until)
        cache.set_many(
            {keys[pk]: read[pk] for pk in missing if pk in keys},
            progress.EFFORT_KEPT.total_seconds(),
        )
        weeks.update(read)
    totals = {
        pk: {stage: sum(week[stage] for week in weeks[pk].values()) for stage in EFFORT_STAGES}
        for pk in ids
    }
    if together:
        cache.set(together, totals, progress.EFFORT_KEPT.total_seconds())
    return totals


def _distinct_names(rows: list) -> list[str]:
    """Names in the order they moved; two moves at the same moment in the order the
    applications were made (the statement's rows come in no order)."""
    # A dict keeps the first place of each name: a list's `in` compared each name with all the
    # names before it.
    return list(dict.fromkeys(name for *_, name in sorted(rows, key=lambda row: row[:2])))


def _hold_links(roles, digest_id: int) -> None:
    for role in roles.values():
        if role.on_hold:
            role.hold_links = [
                (
                    label,
                    links.absolute(
                        reverse(
                            "followups:hold_answer",
                            args=[
                                hold_token(
                                    digest_id=digest_id,
                                    requisition_id=role.requisition.pk,
                                    answer=answer,
                                )
                            ],
                        )
                    ),
                )
                for answer, label in HoldAnswer.Choice.choices
            ]


def is_digest(followup: FollowUp) -> bool:
    return bool(followup.facts.get("digest")) and followup.hiring_leader_id is not None


def digest_for(followup: FollowUp) -> Digest:
    """The digest a follow-up sends: the week up to its due time (a retry says the same)."""
    return leader_digest(
        leader=followup.hiring_leader, until=followup.due_at, digest_id=followup.pk
    )


def digest_bodies(digest: Digest, *, intro_text: str, intro_html: str, footer: dict) -> tuple:
    """The plain-text and HTML bodies: the admin's words from the template, then the roles.
    Jinja2 templates (templates/jinja2/emails/): Django's engine took 5.9 ms to render a
    10-role digest, Jinja2 0.5 ms, the same bytes."""
    context = {
        "digest": digest,
        "intro_text": intro_text,
        "intro_html": intro_html,
        "now": timezone.now(),
        **footer,
    }
    # Jinja2's engine asked by name: render_to_string asks Django's engine first, which looks
    # for the name in every template folder and raises TemplateDoesNotExist before Jinja2's is
    # found (0.2 ms of the two bodies' 0.9 ms for the bench leader's 11 roles).
    engine = engines["jinja2"]
    return (
        engine.get_template("emails/leader-digest-body.txt").render(context),
        engine.get_template("emails/leader-digest-body.html").render(context),
    )
