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
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from candidates.feedback_selectors import Waiting, waiting_on_leader
from candidates.models import Activity, ApplicationStageChange, Commitment, Stage
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
    moves: list[tuple[str, list[str]]] = field(default_factory=list)
    effort: Effort = field(default_factory=Effort)
    waiting: list[Waiting] = field(default_factory=list)
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
    def overdue(self) -> list[Waiting]:
        return [w for w in self.waiting if w.overdue]


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
        raise links.BadLink("This link has expired; your recruiter will ask again.") from None
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
        _moves(roles, ids, since, until)
        _effort(roles, ids, since, until)
        for waiting in waiting_on_leader(requisition_ids=ids, now=until):
            roles[waiting.requisition_id].waiting.append(waiting)
        _promises(roles, leader, ids)
        _notes(roles, ids, since, until)
        if digest_id and asks_about_hold(until):
            _hold_links(roles, digest_id)
    return Digest(leader=leader, since=since, until=until, roles=list(roles.values()))


def _moves(roles, ids, since, until) -> None:
    """Who moved forward this week, by name, per role (one query)."""
    rows = (
        ApplicationStageChange.objects.filter(
            application__requisition_id__in=ids,
            changed_at__gte=since,
            changed_at__lt=until,
            outcome="active",
            to_stage__in=[stage for stage, _ in MOVES],
        )
        .exclude(from_stage="")
        .order_by("changed_at", "pk")
        .values_list(
            "application__requisition_id",
            "to_stage",
            "application__candidate__first_name",
            "application__candidate__last_name",
        )
    )
    found: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for requisition_id, stage, first, last in rows:
        names = found[requisition_id][stage]
        name = f"{first} {last}".strip()
        if name not in names:
            names.append(name)
    for requisition_id, by_stage in found.items():
        roles[requisition_id].moves = [
            (label, by_stage[stage]) for stage, label in MOVES if by_stage.get(stage)
        ]


def _effort(roles, ids, since, until) -> None:
    """People sourced (added), contacted, screened, submitted, and interviews, this week and in
    total, per role: one grouped count over the pipeline's history."""
    added = Q(from_stage="")
    counted = {
        "sourced": added,
        "contacted": Q(to_stage=Stage.CONTACTED) & ~added,
        "screened": Q(to_stage=Stage.SCREENED) & ~added,
        "submitted": Q(to_stage=Stage.SUBMITTED) & ~added,
        "interviews": Q(to_stage=Stage.INTERVIEWING) & ~added,
    }
    week = Q(changed_at__gte=since, changed_at__lt=until)
    annotations = {}
    for key, rule in counted.items():
        annotations[f"{key}_total"] = Count("pk", filter=rule & Q(changed_at__lt=until))
        annotations[f"{key}_week"] = Count("pk", filter=rule & week)
    rows = (
        ApplicationStageChange.objects.filter(application__requisition_id__in=ids, outcome="active")
        .values("application__requisition_id")
        .annotate(**annotations)
        .order_by()
    )
    for row in rows:
        effort = roles[row["application__requisition_id"]].effort
        for key in counted:
            effort.week[key] = row[f"{key}_week"]
            effort.total[key] = row[f"{key}_total"]


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
