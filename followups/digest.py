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
from collections import defaultdict
from dataclasses import dataclass, field

from django.core import signing
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from candidates.feedback_selectors import Waiting, waiting_on_leader
from candidates.models import (
    Activity,
    Application,
    ApplicationStageChange,
    Candidate,
    Commitment,
    Stage,
)
from followups import links
from followups.models import FollowUp, HoldAnswer
from hiring_leaders.models import HiringLeader, Requisition

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


@dataclass
class RoleNews:
    requisition: Requisition
    link: str
    moves: list[Moved] = field(default_factory=list)
    effort: Effort = field(default_factory=Effort)
    waiting: list[Waiting] = field(default_factory=list)
    waiting_count: int = 0
    promises: list[Commitment] = field(default_factory=list)
    note: Activity | None = None
    hold_links: list[tuple[str, str]] = field(default_factory=list)

    @property
    def on_hold(self) -> bool:
        return self.requisition.status == Requisition.Status.ON_HOLD

    @property
    def moved(self) -> bool:
        return bool(self.moves)

    @property
    def waiting_more(self) -> int:
        return self.waiting_count - len(self.waiting)


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
    path = reverse("hiring_leaders:requisition_detail", args=[requisition_id])
    return links.absolute(path + (f"?{urlencode({'digest': digest_id})}" if digest_id else ""))


def leader_digest(
    *, leader: HiringLeader, until: datetime.datetime, digest_id: int | None = None
) -> Digest:
    """What the leader's digest sent at `until` says about the week before it."""
    since = until - WEEK
    requisitions = sorted(
        Requisition.objects.filter(hiring_leader=leader, status__in=DIGEST_STATUSES)
        .select_related("company", "recruiter")
        .order_by("opened_on", "pk"),
        # Open roles first, longest open first; roles on hold after them.
        key=lambda r: r.status != Requisition.Status.OPEN,
    )
    roles = {
        r.pk: RoleNews(requisition=r, link=progress_link(r.pk, digest_id)) for r in requisitions
    }
    if roles:
        ids = list(roles)
        _week(roles, ids, since, until)
        _waiting(roles, ids, until)
        _promises(roles, leader, ids)
        _notes(roles, ids, since, until)
        if digest_id and asks_about_hold(until):
            _hold_links(roles, digest_id)
    return Digest(leader=leader, since=since, until=until, roles=list(roles.values()))


# Names listed per kind of move, and candidates listed as waiting, per role: a role with
# hundreds of either says how many more rather than making the email a phone book.
NAMES_SHOWN = 10
WAITING_SHOWN = 5


def _rank_sql(column: str) -> str:
    """A stage column as its place in the pipeline (sourced 0 … hired 6); -1 for none (added)."""
    whens = " ".join(f"WHEN '{stage}' THEN {n}" for n, stage in enumerate(Stage.values))
    return f"CASE {column} {whens} ELSE -1 END"


def _week_sql() -> str:
    """The roles' stage history read once: per role, the people each step reached in the week
    and before it (a step reaches stage X when it takes someone from below X to X or beyond,
    as the progress page counts), then this week's moves worth naming, oldest first."""
    ranks = [Stage.values.index(stage) for stage in EFFORT_STAGES]
    reached = ", ".join(f"bool_or(low < {r} AND high >= {r}) AS r{r}" for r in ranks)
    counts = ", ".join(f"count(*) FILTER (WHERE r{r})" for r in ranks)
    blanks = ", ".join("0" for _ in ranks)
    return f"""
    WITH steps AS MATERIALIZED (
        SELECT a.requisition_id, s.application_id, a.candidate_id, s.to_stage, s.changed_at,
               s.changed_at >= %(since)s AS recent,
               {_rank_sql("s.from_stage")} AS low, {_rank_sql("s.to_stage")} AS high
        FROM {Application._meta.db_table} a
        -- Each application's own history through the stage_change_app index: the planner
        -- would otherwise scan the whole table (OFFSET 0 keeps the subquery a nested loop).
        CROSS JOIN LATERAL (
            SELECT s.application_id, s.from_stage, s.to_stage, s.changed_at
            FROM {ApplicationStageChange._meta.db_table} s
            WHERE s.application_id = a.id AND s.changed_at < %(until)s AND s.outcome = 'active'
            OFFSET 0
        ) s
        WHERE a.requisition_id = ANY(%(ids)s)
    ), reached AS (
        SELECT requisition_id, recent, {reached}
        FROM steps GROUP BY requisition_id, application_id, recent
    )
    SELECT requisition_id, recent, NULL, NULL, NULL, NULL, {counts}
    FROM reached GROUP BY requisition_id, recent
    UNION ALL
    SELECT st.requisition_id, true, st.to_stage, st.changed_at, c.first_name, c.last_name, {blanks}
    FROM steps st JOIN {Candidate._meta.db_table} c ON c.id = st.candidate_id
    WHERE st.recent AND st.to_stage = ANY(%(named)s)
    """


def _week(roles, ids, since, until) -> None:
    """What moved this week, by name, and the effort this week and in total: one query."""
    params = {"ids": ids, "since": since, "until": until, "named": [s for s, _ in MOVES]}
    moved: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    with connection.cursor() as cursor:
        cursor.execute(_week_sql(), params)
        for requisition_id, recent, stage, at, first, last, *counts in cursor:
            if stage is None:
                effort = roles[requisition_id].effort
                for (key, _), n in zip(EFFORT, counts, strict=True):
                    effort.total[key] = effort.total.get(key, 0) + n
                    if recent:
                        effort.week[key] = n
            else:
                moved[requisition_id][stage].append((at, f"{first} {last}".strip()))
    for requisition_id, by_stage in moved.items():
        roles[requisition_id].moves = [
            Moved(label, _distinct_names(by_stage[stage]))
            for stage, label in MOVES
            if by_stage.get(stage)
        ]


def _distinct_names(rows: list) -> list[str]:
    names = []
    for _, name in sorted(rows, key=lambda row: row[0]):
        if name not in names:
            names.append(name)
    return names


def _waiting(roles, ids, until) -> None:
    """Who waits for the leader's word, longest first, WAITING_SHOWN per role and how many."""
    for waiting in waiting_on_leader(requisition_ids=ids, now=until, per_requisition=WAITING_SHOWN):
        role = roles[waiting.requisition_id]
        role.waiting.append(waiting)
        role.waiting_count = waiting.of


def _promises(roles, leader, ids) -> None:
    """What happens next: the recruiter's open promises to the leader about each role."""
    for promise in Commitment.objects.filter(
        hiring_leader=leader, status=Commitment.Status.OPEN, requisition_id__in=ids
    ).order_by("due_at", "pk"):
        roles[promise.requisition_id].promises.append(promise)


def _notes(roles, ids, since, until) -> None:
    """The recruiter's latest note written for the leader this week, per role."""
    for note in Activity.objects.filter(
        requisition_id__in=ids,
        shared_with_leader=True,
        occurred_at__gte=since,
        occurred_at__lt=until,
    ).order_by("-occurred_at", "-pk"):
        role = roles[note.requisition_id]
        role.note = role.note or note


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
    """The plain-text and HTML bodies: the admin's words from the template, then the roles."""
    context = {
        "digest": digest,
        "intro_text": intro_text,
        "intro_html": intro_html,
        "now": timezone.now(),
        **footer,
    }
    return (
        render_to_string("emails/leader-digest-body.txt", context),
        render_to_string("emails/leader-digest-body.html", context),
    )
