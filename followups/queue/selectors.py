"""The reads behind "Today", a recruiter's daily queue: everything that needs a human today,
most urgent first, each section with its count and its first rows.

The page runs a fixed number of queries however long the queue is: one for every section made
of follow-up rows (tasks, flags, failed sends, quiet candidates, bad news waiting), one for the
promises, one for the requisitions whose leader is owed an update, two for the health line. Each
ranks its rows per section in SQL (a window function) and brings back only the first few of each
with the section's total, so a recruiter with 5,000 quiet candidates costs what one with five
does.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from candidates.models import Candidate, Commitment
from followups.models import (
    Audience,
    BookHealth,
    CadenceStep,
    Channel,
    FollowUp,
    Snooze,
    Trigger,
)
from followups.services.recurring import LOOKAHEAD
from hiring_leaders.models import HiringLeader, Requisition
from recruitcrm.models import User

ROWS_SHOWN = 10
# A leader who has heard nothing about an open role for this long is owed an update.
LEADER_UPDATE_EVERY = datetime.timedelta(days=7)
# The candidate messages that carry bad news, which a recruiter may want to give in person.
BAD_NEWS = (
    Trigger.APPLICATION_CLOSED,
    Trigger.REQUISITION_ON_HOLD,
    Trigger.REQUISITION_FILLED,
    Trigger.REQUISITION_CANCELLED,
)
WHO = ("", "candidates", "leaders")


@dataclass(frozen=True)
class SectionInfo:
    key: str
    title: str
    empty: str


# In the order the page shows them: most urgent first.
SECTIONS = (
    SectionInfo(
        "overdue",
        "Overdue promises",
        "No promise is late. Promises you make from a candidate's page or a row below show "
        "here the moment they are past due.",
    ),
    SectionInfo(
        "due_today",
        "Promises due today",
        "Nothing you promised is due today.",
    ),
    SectionInfo(
        "flags",
        "Check-in flags",
        "No new hire or hiring leader has raised a concern or scored a check-in 2 or lower.",
    ),
    SectionInfo(
        "tasks",
        "Tasks due",
        "No task is due. Cadences put tasks here when a touch needs a person rather than an "
        "email (someone opted out, a promise falls due).",
    ),
    SectionInfo(
        "failed",
        "Emails that could not be sent",
        "Every email went out. When one fails for good, it shows here so you can reach the "
        "person another way.",
    ),
    SectionInfo(
        "quiet",
        "Going quiet",
        "Everyone in your open pipelines has heard from you in the last week.",
    ),
    SectionInfo(
        "leaders",
        "Hiring leaders owed an update",
        "Every hiring leader of an open role has heard from you in the last 7 days.",
    ),
    SectionInfo(
        "bad_news",
        "Bad news waiting",
        "No rejection, hold or closed role is waiting to be told. When one is, the automatic "
        "note waits here so you can call first.",
    ),
)
SECTION_KEYS = tuple(section.key for section in SECTIONS)


@dataclass
class Section:
    info: SectionInfo
    rows: list = field(default_factory=list)
    count: int = 0

    @property
    def key(self) -> str:
        return self.info.key

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


@dataclass
class Health:
    active: int
    heard_from: int
    counted_at: datetime.datetime | None
    promises_30: int
    kept_on_time_30: int
    promises_90: int
    kept_on_time_90: int
    open_flags: int

    @staticmethod
    def share(part: int, whole: int) -> int | None:
        return round(100 * part / whole) if whole else None

    @property
    def heard_from_share(self) -> int | None:
        return self.share(self.heard_from, self.active)

    @property
    def kept_share_30(self) -> int | None:
        return self.share(self.kept_on_time_30, self.promises_30)

    @property
    def kept_share_90(self) -> int | None:
        return self.share(self.kept_on_time_90, self.promises_90)


@dataclass
class Queue:
    sections: list[Section]
    health: Health
    who: str

    @property
    def total(self) -> int:
        return sum(section.count for section in self.sections)

    def section(self, key: str) -> Section:
        return next(section for section in self.sections if section.key == key)


def end_of_today(user: User, now: datetime.datetime) -> datetime.datetime:
    """Midnight tonight in the recruiter's own time zone: "due today" is their today."""
    try:
        zone = (
            zoneinfo.ZoneInfo(user.time_zone) if user.time_zone else timezone.get_current_timezone()
        )
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = timezone.get_current_timezone()
    local = now.astimezone(zone)
    return datetime.datetime.combine(
        local.date() + datetime.timedelta(days=1), datetime.time(), tzinfo=zone
    )


@dataclass(frozen=True)
class Ranks:
    """Which rows of each section to bring back, by their rank inside the section (1-based)."""

    first: int = 1
    last: int = ROWS_SHOWN

    @classmethod
    def page(cls, number: int, size: int) -> Ranks:
        return cls(first=(number - 1) * size + 1, last=number * size)


def _ranked(queryset: QuerySet, *, section, order_by, ranks: Ranks) -> QuerySet:
    """Each row with its section, its rank inside the section and the section's size; only
    the ranks asked for."""
    return queryset.annotate(
        section=section,
        rank=Window(RowNumber(), partition_by=[section], order_by=order_by),
        section_count=Window(Count("pk"), partition_by=[section]),
    ).filter(rank__gte=ranks.first, rank__lte=ranks.last)


def _about_filter(who: str, *, candidate_field="candidate", leader_field="hiring_leader") -> Q:
    if who == "candidates":
        return Q(**{f"{candidate_field}__isnull": False})
    if who == "leaders":
        return Q(**{f"{candidate_field}__isnull": True, f"{leader_field}__isnull": False})
    return Q()


# ---------- follow-up rows: flags, tasks, failed sends, quiet candidates, bad news ----------


@dataclass(frozen=True)
class Steps:
    """Every cadence step, with its cadence and template: a few dozen rows read in one small
    query, so the queue's own query needs no joins to them (joining them made planning it cost
    more than running it)."""

    by_id: dict[int, CadenceStep]

    @classmethod
    def load(cls) -> Steps:
        return cls({s.pk: s for s in CadenceStep.objects.select_related("cadence", "template")})

    def ids(self, *triggers: str) -> list[int]:
        return [pk for pk, step in self.by_id.items() if step.cadence.trigger in triggers]

    def attach(self, row: FollowUp) -> None:
        step = self.by_id.get(row.cadence_step_id)
        if step is not None:
            row.cadence_step = step
            if row.template_id == step.template_id:
                row.template = step.template


def _section(steps: Steps) -> Case:
    return Case(
        When(key__startswith="checkin-flag:", then=Value("flags")),
        When(key__startswith="failed:", then=Value("failed")),
        When(cadence_step__in=steps.ids(Trigger.CANDIDATE_UNTOUCHED), then=Value("quiet")),
        When(
            cadence_step__in=steps.ids(*BAD_NEWS),
            audience=Audience.CANDIDATE,
            then=Value("bad_news"),
        ),
        default=Value("tasks"),
        output_field=CharField(),
    )


def _followup_rows(
    *, recruiter: User, now: datetime.datetime, who: str, steps: Steps
) -> QuerySet[FollowUp]:
    """The recruiter's follow-up rows that belong in today's queue."""
    quiet = Q(cadence_step__in=steps.ids(Trigger.CANDIDATE_UNTOUCHED))
    bad_news = Q(cadence_step__in=steps.ids(*BAD_NEWS), audience=Audience.CANDIDATE)
    due_tasks = Q(channel=Channel.TASK, due_at__lt=end_of_today(recruiter, now)) & ~quiet
    # A quiet candidate shows two days before the automatic note, as their recruiter's task.
    quiet_soon = quiet & Q(
        channel=Channel.TASK, audience=Audience.RECRUITER, due_at__lte=now + LOOKAHEAD
    )
    return (
        FollowUp.objects.filter(recruiter=recruiter, state=FollowUp.State.SCHEDULED)
        .filter(due_tasks | quiet_soon | bad_news)
        .filter(_about_filter(who))
        .select_related("candidate", "hiring_leader", "requisition", "application")
    )


def _automatic_note_due(steps: Steps) -> Subquery:
    """When the automatic "where things stand" note to this quiet candidate goes."""
    return Subquery(
        FollowUp.objects.filter(
            candidate=OuterRef("candidate"),
            cadence_step__in=steps.ids(Trigger.CANDIDATE_UNTOUCHED),
            audience=Audience.CANDIDATE,
            channel=Channel.EMAIL,
            state=FollowUp.State.SCHEDULED,
        )
        .order_by("due_at")
        .values("due_at")[:1]
    )


def followup_sections(
    *, recruiter: User, now: datetime.datetime, who: str = "", ranks: Ranks = Ranks()
) -> dict[str, Section]:
    steps = Steps.load()
    rows = _ranked(
        _followup_rows(recruiter=recruiter, now=now, who=who, steps=steps).annotate(
            automatic_note_at=_automatic_note_due(steps)
        ),
        section=_section(steps),
        order_by=[F("due_at").asc(), F("pk").asc()],
        ranks=ranks,
    ).order_by("section", "rank")
    sections: dict[str, Section] = {}
    for row in rows:
        row.row_id = f"task-{row.pk}"
        row.recruiter = recruiter
        steps.attach(row)
        section = sections.setdefault(row.section, Section(info=_info(row.section)))
        section.rows.append(row)
        section.count = row.section_count
    return sections


# ---------- promises ----------


def _snoozed(kind: str, recruiter: User, now: datetime.datetime) -> Exists:
    return Exists(
        Snooze.objects.filter(
            recruiter=recruiter, kind=kind, object_id=OuterRef("pk"), until__gt=now
        )
    )


def promise_sections(
    *, recruiter: User, now: datetime.datetime, who: str = "", ranks: Ranks = Ranks()
) -> dict[str, Section]:
    section = Case(
        When(due_at__lt=now, then=Value("overdue")),
        default=Value("due_today"),
        output_field=CharField(),
    )
    promises = (
        Commitment.objects.filter(
            recruiter=recruiter,
            status=Commitment.Status.OPEN,
            due_at__lt=end_of_today(recruiter, now),
        )
        .exclude(_snoozed(Snooze.Kind.COMMITMENT, recruiter, now))
        .filter(_about_filter(who))
        .select_related("candidate", "hiring_leader", "requisition")
    )
    rows = _ranked(
        promises, section=section, order_by=[F("due_at").asc(), F("pk").asc()], ranks=ranks
    ).order_by("section", "rank")
    sections: dict[str, Section] = {}
    for row in rows:
        row.row_id = f"promise-{row.pk}"
        found = sections.setdefault(row.section, Section(info=_info(row.section)))
        found.rows.append(row)
        found.count = row.section_count
    return sections


# ---------- hiring leaders owed an update ----------


def leader_update_rows(
    *, recruiter: User, now: datetime.datetime, who: str = "", ranks: Ranks = Ranks()
) -> Section:
    section = Section(info=_info("leaders"))
    if who == "candidates":
        return section
    quiet_since = now - LEADER_UPDATE_EVERY
    owed = (
        Requisition.objects.filter(
            recruiter=recruiter,
            status=Requisition.Status.OPEN,
            opened_on__lte=quiet_since.date(),
        )
        .filter(
            Q(hiring_leader__last_contacted_at__lt=quiet_since)
            | Q(hiring_leader__last_contacted_at__isnull=True)
        )
        .exclude(_snoozed(Snooze.Kind.REQUISITION, recruiter, now))
        .select_related("hiring_leader", "company")
        .annotate(
            next_update_at=Subquery(
                FollowUp.objects.filter(
                    requisition=OuterRef("pk"),
                    cadence_step__cadence__trigger=Trigger.REQUISITION_OPEN_WEEKLY,
                    state=FollowUp.State.SCHEDULED,
                    channel=Channel.EMAIL,
                )
                .order_by("due_at")
                .values("due_at")[:1]
            ),
            owed_count=Window(Count("pk")),
        )
        .order_by(F("hiring_leader__last_contacted_at").asc(nulls_first=True), "opened_on", "pk")
    )
    rows = list(owed[ranks.first - 1 : ranks.last])
    for row in rows:
        row.row_id = f"leader-{row.pk}"
    section.rows = rows
    section.count = rows[0].owed_count if rows else 0
    return section


# ---------- the health line ----------


def health(*, recruiter: User, now: datetime.datetime, open_flags: int) -> Health:
    # Reach is counted by beat (followups.queue.services.book_health_count): reading every
    # candidate of a 5,000-strong book on each visit would cost more than the rest of the page.
    book = BookHealth.objects.filter(recruiter=recruiter).first()
    kept = Q(status=Commitment.Status.KEPT, kept_at__lte=F("due_at"))
    day_30, day_90 = now - datetime.timedelta(days=30), now - datetime.timedelta(days=90)
    promises = Commitment.objects.filter(
        recruiter=recruiter, due_at__gte=day_90, due_at__lt=now
    ).aggregate(
        promises_90=Count("pk"),
        kept_on_time_90=Count("pk", filter=kept),
        promises_30=Count("pk", filter=Q(due_at__gte=day_30)),
        kept_on_time_30=Count("pk", filter=kept & Q(due_at__gte=day_30)),
    )
    return Health(
        active=book.active if book else 0,
        heard_from=book.heard_from if book else 0,
        counted_at=book.counted_at if book else None,
        **promises,
        open_flags=open_flags,
    )


# ---------- the whole queue ----------


def _info(key: str) -> SectionInfo:
    return next(info for info in SECTIONS if info.key == key)


def queue_for(*, recruiter: User, who: str = "", now: datetime.datetime | None = None) -> Queue:
    """A recruiter's queue: every section, in order, each with its first rows and count."""
    now = now or timezone.now()
    who = who if who in WHO else ""
    found = followup_sections(recruiter=recruiter, now=now, who=who)
    found |= promise_sections(recruiter=recruiter, now=now, who=who)
    found["leaders"] = leader_update_rows(recruiter=recruiter, now=now, who=who)
    sections = [found.get(info.key) or Section(info=info) for info in SECTIONS]
    flags = found["flags"].count if "flags" in found else 0
    return Queue(
        sections=sections, health=health(recruiter=recruiter, now=now, open_flags=flags), who=who
    )


SECTION_PAGE_SIZE = 50


def queue_section(
    *,
    recruiter: User,
    key: str,
    who: str = "",
    page: int = 1,
    now: datetime.datetime | None = None,
) -> Section:
    """One page of one section, for its "show all" page."""
    now = now or timezone.now()
    ranks = Ranks.page(page, SECTION_PAGE_SIZE)
    if key in ("overdue", "due_today"):
        found = promise_sections(recruiter=recruiter, now=now, who=who, ranks=ranks)
    elif key == "leaders":
        found = {key: leader_update_rows(recruiter=recruiter, now=now, who=who, ranks=ranks)}
    else:
        found = followup_sections(recruiter=recruiter, now=now, who=who, ranks=ranks)
    return found.get(key) or Section(info=_info(key))


def person_of(row) -> Candidate | HiringLeader | None:
    """Who a queue row is about: the candidate first, else the hiring leader."""
    return getattr(row, "candidate", None) or getattr(row, "hiring_leader", None)


# ---------- the team view ----------

TEAM_PER_PAGE = 50


@dataclass
class TeamMember:
    recruiter: User
    counts: dict[str, int]
    active: int = 0
    heard_from: int = 0
    promises_90: int = 0
    kept_on_time_90: int = 0

    @property
    def waiting(self) -> int:
        return sum(self.counts.values())

    @property
    def heard_from_share(self) -> int | None:
        return Health.share(self.heard_from, self.active)

    @property
    def kept_share_90(self) -> int | None:
        return Health.share(self.kept_on_time_90, self.promises_90)

    def count(self, key: str) -> int:
        return self.counts.get(key, 0)


def team_page(*, page_number, now: datetime.datetime | None = None):
    """Every recruiter's queue counts and health line, side by side: a fixed number of grouped
    queries for a page of recruiters, however many rows their queues hold. "Due today" is
    today in the site's time zone here, not each recruiter's own."""
    from django.core.paginator import Paginator

    now = now or timezone.now()
    recruiters = User.objects.filter(role=User.Role.RECRUITER, is_active=True).order_by(
        "first_name", "last_name", "pk"
    )
    page = Paginator(recruiters, TEAM_PER_PAGE).get_page(page_number)
    members = {user.pk: TeamMember(recruiter=user, counts={}) for user in page.object_list}
    if members:
        _team_counts(members, now=now)
    page.object_list = list(members.values())
    return page


def _team_counts(members: dict[int, TeamMember], *, now: datetime.datetime) -> None:
    ids = list(members)
    tonight = end_of_today(User(time_zone=""), now)
    steps = Steps.load()
    quiet = Q(cadence_step__in=steps.ids(Trigger.CANDIDATE_UNTOUCHED))
    bad_news = Q(cadence_step__in=steps.ids(*BAD_NEWS), audience=Audience.CANDIDATE)
    rows = FollowUp.objects.filter(recruiter__in=ids, state=FollowUp.State.SCHEDULED).filter(
        (Q(channel=Channel.TASK, due_at__lt=tonight) & ~quiet)
        | (
            quiet
            & Q(channel=Channel.TASK, audience=Audience.RECRUITER, due_at__lte=now + LOOKAHEAD)
        )
        | bad_news
    )
    for recruiter_id, key, n in (
        rows.annotate(section=_section(steps))
        .values_list("recruiter", "section")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        members[recruiter_id].counts[key] = n
    promise_section = Case(
        When(due_at__lt=now, then=Value("overdue")),
        default=Value("due_today"),
        output_field=CharField(),
    )
    for recruiter_id, key, n in (
        Commitment.objects.filter(
            recruiter__in=ids, status=Commitment.Status.OPEN, due_at__lt=tonight
        )
        .annotate(section=promise_section)
        .values_list("recruiter", "section")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        members[recruiter_id].counts[key] = n
    quiet_since = now - LEADER_UPDATE_EVERY
    for recruiter_id, n in (
        Requisition.objects.filter(
            recruiter__in=ids, status=Requisition.Status.OPEN, opened_on__lte=quiet_since.date()
        )
        .filter(
            Q(hiring_leader__last_contacted_at__lt=quiet_since)
            | Q(hiring_leader__last_contacted_at__isnull=True)
        )
        .values_list("recruiter")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        members[recruiter_id].counts["leaders"] = n
    _team_health(members, now=now)


def _team_health(members: dict[int, TeamMember], *, now: datetime.datetime) -> None:
    ids = list(members)
    for book in BookHealth.objects.filter(recruiter__in=ids):
        members[book.recruiter_id].active = book.active
        members[book.recruiter_id].heard_from = book.heard_from
    kept = Q(status=Commitment.Status.KEPT, kept_at__lte=F("due_at"))
    for recruiter_id, total, on_time in (
        Commitment.objects.filter(
            recruiter__in=ids, due_at__gte=now - datetime.timedelta(days=90), due_at__lt=now
        )
        .values_list("recruiter")
        .annotate(total=Count("pk"), on_time=Count("pk", filter=kept))
        .order_by()
    ):
        members[recruiter_id].promises_90, members[recruiter_id].kept_on_time_90 = total, on_time
