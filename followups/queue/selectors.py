"""The reads behind "Today", a recruiter's daily queue: everything that needs a human today,
most urgent first, each section with its count and its first rows.

The page is one statement however long the queue is (TODAY_SQL), made of one part for every
section made of follow-up rows (tasks, flags, failed sends, quiet candidates, bad news
waiting), which reads the cadence steps it needs itself (STEPS); one for the promises; one
for the requisitions whose leader is owed an update; one for the open roles past their
time-to-fill forecast; and the health line. Each part ranks its rows per section in SQL (a
window function) and brings back only the first few of each with the section's total, as one
JSON array, so a recruiter with 5,000 quiet candidates costs what one with five does. A
section's own page runs its part alone.

The queries are SQL, not the ORM: built with the ORM, they cost 30 ms of Python per page for a
few milliseconds in PostgreSQL (recruitcrm/joined_rows.py). The rules of what enters each
section are written once (QUEUE_*_SQL) and shared by a recruiter's queue and the team view.
Every row is read as plain values, the few words it shows: promises, leaders owed, roles past
their forecast, and the follow-up rows with what their task's words read
(followups.composing.TaskAbout), where model instances cost more to build than the statements
took to run.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import connection
from django.utils import timezone

from candidates.models import Application, Candidate, Commitment
from followups.composing import TaskAbout, TaskRole
from followups.models import (
    BookHealth,
    Cadence,
    CadenceStep,
    FollowUp,
    MessageTemplate,
    Snooze,
    Trigger,
)
from followups.services.one_off import LEADER_SLOWER_RESET
from followups.services.recurring import LOOKAHEAD
from hiring_leaders.models import Company, HiringLeader, Requisition, TimeToFillForecast
from recruitcrm.celery import beat_every
from recruitcrm.joined_rows import Prepared
from recruitcrm.models import User

# Each section shows its most urgent five and links to the rest ("Show all 76"): with eight
# sections that is a screenful to work through, and the page stays small (a row with its
# actions is 3 KB of HTML).
ROWS_SHOWN = 5
# Today counts a recruiter's quiet candidates up to here and says "more than 500" beyond: the
# count read every one of a big book's 4,000 quiet tasks on each visit (2 ms of the page's SQL
# at load on the bench data set), for a figure nobody works through on one page. The
# section's own page counts them all.
QUIET_COUNTED_UP_TO = 500
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


# The filter's names, as its switch on the page says them.
WHO_LABELS = {"candidates": "Candidates", "leaders": "Hiring leaders"}


@dataclass(frozen=True)
class SectionInfo:
    key: str
    title: str
    empty: str
    # Whom its rows can be about: a filter to the others hides the section, not empties it.
    about: tuple[str, ...] = ("candidates", "leaders")
    # Filled by beat's walk (this entry of settings.CELERY_BEAT_SCHEDULE), so empty says
    # nothing until beat has been round once.
    from_beat: str = ""

    def holds(self, who: str) -> bool:
        return not who or who in self.about

    def empty_for(self, who: str, *, counted: bool) -> str:
        """What the all-clear line says: under a filter only that the filter shows nothing here,
        which is all the filtered queue knows."""
        if self.from_beat and not counted:
            return f"not looked for yet; it is looked for {beat_every(self.from_beat)}."
        if who:
            return f"nothing under “{WHO_LABELS[who]}”."
        return self.empty


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
        "No check-in is waiting for your review. When a new hire or hiring leader scores a "
        "check-in 2 or lower or raises a concern, it shows here until you tag what it is about.",
    ),
    SectionInfo(
        "from_leaders",
        "From hiring leaders",
        "No hiring leader is waiting on you, and nobody you submitted is waiting on a leader "
        "past the set number of days. A leader's feedback, question or answer about a role on "
        "hold shows here the moment they give it.",
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
        "Nobody in your open pipelines has gone quiet: everyone has heard from you lately.",
        about=("candidates",),
        from_beat="schedule-recurring-followups",
    ),
    SectionInfo(
        "leaders",
        "Hiring leaders owed an update",
        "Every hiring leader of an open role has heard from you in the last 7 days.",
        about=("leaders",),
    ),
    SectionInfo(
        "overrun",
        "Past its forecast",
        "No open role has run past the time-to-fill range you gave its leader. When one does, "
        "it shows here with the expectation reset ready to send.",
        about=("leaders",),
    ),
    SectionInfo(
        "bad_news",
        "Bad news waiting",
        "No rejection, hold or closed role is waiting to be told. When one is, the automatic "
        "note waits here so you can call first.",
        about=("candidates",),
    ),
)
SECTION_KEYS = tuple(section.key for section in SECTIONS)


@dataclass
class Section:
    info: SectionInfo
    rows: list = field(default_factory=list)
    count: int = 0
    # The count stopped there: the section holds more than `count` rows.
    more_than: bool = False

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


def _params(**values) -> dict:
    return values


# ---------- follow-up rows: flags, tasks, failed sends, quiet candidates, bad news ----------


def _in(triggers) -> str:
    return "IN (" + ", ".join(f"'{trigger}'" for trigger in triggers) + ")"


# The ids of the cadence steps each part of the queue reads, by their cadence's trigger, read in
# the statement that uses them (a few dozen rows; a query of their own cost a round trip on every
# visit) and once per statement: as a subquery per use, Today's statement read and joined both
# tables eleven times (0.2 ms of its 3). A statement that uses them starts `WITH {STEPS}`; each
# array is NULL when no step has such a trigger.
_STEP_TRIGGERS = {
    "quiet": _in([Trigger.CANDIDATE_UNTOUCHED]),
    "bad_news": _in(BAD_NEWS),
    "other": "NOT " + _in([Trigger.CANDIDATE_UNTOUCHED, *BAD_NEWS]),
    "weekly": _in([Trigger.REQUISITION_OPEN_WEEKLY]),
}
STEPS = (
    "steps AS MATERIALIZED (SELECT "
    + ", ".join(
        f"array_agg(s.id) FILTER (WHERE c.trigger {condition})::bigint[] AS {name}"
        for name, condition in _STEP_TRIGGERS.items()
    )
    + f""" FROM {CadenceStep._meta.db_table} s
        JOIN {Cadence._meta.db_table} c ON c.id = s.cadence_id)"""
)


def _steps(name: str) -> str:
    # An array expression, not a subquery: `= ANY(...)` reads a bare subquery as a set of rows.
    return f"(SELECT {name} FROM steps)::bigint[]"


QUIET_STEPS = _steps("quiet")
BAD_NEWS_STEPS = _steps("bad_news")
OTHER_STEPS = _steps("other")
WEEKLY_STEPS = _steps("weekly")


# The rules of which follow-up rows are in a recruiter's queue, and in which section: shared by
# one recruiter's page (ranked, first rows of each section) and the team view (counted).
#   tasks due before tonight (except quiet-candidate tasks, which have their own rule);
#   a quiet candidate's task, two days before the automatic note (LOOKAHEAD);
#   bad news to a candidate still waiting to go.
def _about_whom(alias: str) -> str:
    """The Today filter (all / candidates / hiring leaders) on a row aliased `alias`: a row is
    about a hiring leader when it names one and no candidate."""
    return f"""(%(who)s = ''
        OR (%(who)s = 'candidates' AND {alias}.candidate_id IS NOT NULL)
        OR (%(who)s = 'leaders' AND {alias}.candidate_id IS NULL
            AND {alias}.hiring_leader_id IS NOT NULL))"""


# Each section's rows in order, numbered, with the section's size, from a `queue` CTE.
RANKED_BY_SECTION = """ranked AS (
        SELECT id, section,
            row_number() OVER (PARTITION BY section ORDER BY due_at, id) AS rank,
            count(*) OVER (PARTITION BY section) AS section_count
        FROM queue
    )"""


# Read from two partial indexes keyed (recruiter, cadence step, due), one over the recruiters'
# scheduled tasks and one over their scheduled emails, each carrying every column used here,
# probed once per (recruiter, step) pair: a recruiter with 4,000 quiet candidates' tasks and
# 3,600 quiet candidates' emails no longer has all of them read to find the few dozen other rows
# (EXPLAIN ANALYZE on the bench data set: 4-5 ms -> 0.2 ms). OFFSET 0 keeps each probe a probe:
# without it the planner, guessing one row per recruiter, reads the recruiter's whole range and
# joins the steps afterwards.
QUEUE_FOLLOWUP_COLUMNS = (
    "f.id, f.recruiter_id, f.due_at, f.key, f.cadence_step_id, f.audience, f.candidate_id, "
    "f.hiring_leader_id"
)


def _by_step(steps: str, channel: str, where: str) -> str:
    """A recruiter's scheduled rows of `channel` from the steps `steps` (one of STEPS) lists."""
    return f"""SELECT f.* FROM unnest(%(recruiters)s::bigint[]) r(id)
        CROSS JOIN unnest({steps}) s(id)
        CROSS JOIN LATERAL (
            SELECT {QUEUE_FOLLOWUP_COLUMNS} FROM {FollowUp._meta.db_table} f
            WHERE f.recruiter_id = r.id AND f.cadence_step_id = s.id
              AND f.state = 'scheduled' AND f.channel = '{channel}' AND {where}
            OFFSET 0) f"""


# A task from a bad-news step: due like any task, or at once when it is the candidate's news
# (the email it stands in for could not go).
BAD_NEWS_TASK = "(f.due_at < %(tonight)s OR f.audience = 'candidate')"
# A recruiter's task about a candidate gone quiet, shown LOOKAHEAD ahead of its day.
QUIET_TASK = "f.audience = 'recruiter' AND f.due_at <= %(quiet_until)s"


def _queue_followups_sql(*, quiet: bool) -> str:
    """The scheduled tasks and emails that put rows in a recruiter's queue, with their section;
    without the quiet candidates' tasks when `quiet` is false (the rows read counts and ranks
    those on their own: they are most of a busy recruiter's queue). Every step is in one of
    QUIET_STEPS, BAD_NEWS_STEPS and OTHER_STEPS, so no row is read twice:
      tasks due before tonight (a task made by hand, a flag, a failed send has no step);
      a quiet candidate's task, LOOKAHEAD before the automatic note;
      bad news to a candidate still waiting to go, as a task or an email."""
    quiet_tasks = f"UNION ALL {_by_step(QUIET_STEPS, 'task', QUIET_TASK)}" if quiet else ""
    return f"""
    SELECT f.id, f.recruiter_id, f.due_at,
        CASE WHEN f.key LIKE 'checkin-flag:%%' THEN 'flags'
             WHEN f.key LIKE 'failed:%%' THEN 'failed'
             WHEN f.key LIKE 'leader-feedback:%%' OR f.key LIKE 'feedback-wait:%%'
               OR f.key LIKE 'hold-answer:%%' THEN 'from_leaders'
             WHEN f.cadence_step_id = ANY({QUIET_STEPS}) THEN 'quiet'
             WHEN f.cadence_step_id = ANY({BAD_NEWS_STEPS}) AND f.audience = 'candidate'
                THEN 'bad_news'
             ELSE 'tasks' END AS section
    FROM (
        SELECT {QUEUE_FOLLOWUP_COLUMNS}
        FROM {FollowUp._meta.db_table} f
        WHERE f.recruiter_id = ANY(%(recruiters)s) AND f.state = 'scheduled'
          AND f.channel = 'task' AND f.cadence_step_id IS NULL AND f.due_at < %(tonight)s
        UNION ALL {_by_step(OTHER_STEPS, "task", "f.due_at < %(tonight)s")}
        UNION ALL {_by_step(BAD_NEWS_STEPS, "task", BAD_NEWS_TASK)}
        UNION ALL {_by_step(BAD_NEWS_STEPS, "email", "f.audience = 'candidate'")}
        {quiet_tasks}
    ) f
    WHERE {_about_whom("f")}
"""


QUEUE_FOLLOWUPS_SQL = _queue_followups_sql(quiet=True)

# The quiet section on its own: counted from the index (up to count_up_to rows; NULL counts
# them all), and only its first rows taken in order (top-N per step, then of those), where
# ranking it with the others sorted all of a busy recruiter's 4,000. Its rows are about
# candidates, so the hiring-leaders view has none, known before any is read (a one-time filter,
# where filtering row by row walked all 4,000 to find none).
QUIET_WHERE = f"{QUIET_TASK} AND %(who)s <> 'leaders' AND {_about_whom('f')}"
QUIET_RANKED = f"""quiet_ranked AS (
        SELECT top.id, 'quiet' AS section,
            row_number() OVER (ORDER BY top.due_at, top.id) AS rank,
            (SELECT count(*) FROM (
                SELECT 1 FROM ({_by_step(QUIET_STEPS, "task", QUIET_WHERE)}) quiet
                LIMIT %(count_up_to)s) counted) AS section_count
        FROM (
            SELECT f.id, f.due_at FROM unnest(%(recruiters)s::bigint[]) r(id)
            CROSS JOIN unnest({QUIET_STEPS}) s(id)
            CROSS JOIN LATERAL (
                SELECT f.id, f.due_at FROM {FollowUp._meta.db_table} f
                WHERE f.recruiter_id = r.id AND f.cadence_step_id = s.id
                  AND f.state = 'scheduled' AND f.channel = 'task' AND {QUIET_WHERE}
                ORDER BY f.due_at, f.id
                LIMIT %(last)s) f
            ORDER BY f.due_at, f.id
            LIMIT %(last)s
        ) top
    )"""

# What a row shows of its follow-up, the people, the role, the cadence and the template, and
# what its task's words read (followups.composing.TaskAbout): plain values, where each row was
# up to seven model instances built for a few words. The rows come as one JSON array of arrays
# (each row's values in FollowUpDue's order, then its section and the section's size), so that
# Today reads them in the same statement as its other sections (TODAY_SQL).
FOLLOWUP_PAGE = f"""
    WITH {STEPS},
    queue AS ({_queue_followups_sql(quiet=False)}),
    {RANKED_BY_SECTION},
    {QUIET_RANKED},
    every_ranked AS (
        SELECT id, section, rank, section_count FROM ranked
        UNION ALL
        SELECT id, section, rank, section_count FROM quiet_ranked
    )
    SELECT json_agg(json_build_array(
        f.id, f.key, f.channel, f.due_at, f.created_at, cad.name, cad.trigger,
        -- Only a quiet candidate row tells of the automatic note.
        CASE WHEN ranked.section = 'quiet' THEN (
            SELECT note.due_at FROM {FollowUp._meta.db_table} note
            WHERE note.candidate_id = f.candidate_id
              AND note.cadence_step_id = ANY({QUIET_STEPS})
              AND note.audience = 'candidate' AND note.channel = 'email'
              AND note.state = 'scheduled'
            ORDER BY note.due_at LIMIT 1) END,
        f.candidate_id, c.email, c.opted_out_at, f.hiring_leader_id, f.requisition_id,
        f.application_id,
        f.task_title, t.name, t.subject, f.facts,
        c.first_name, c.last_name, l.first_name, l.last_name,
        r.title, r.location, r.status, r.status_reason, r.company_id, r.hiring_leader_id,
        a.stage,
        -- A quiet candidate's silence as recurring.quiet_candidates measures it: any word or
        -- move since cancels the row, so its pipeline is still the one that moved last.
        CASE WHEN ranked.section = 'quiet'
            THEN GREATEST(c.last_contacted_at, a.stage_changed_at) END,
        ranked.section, ranked.section_count
    ) ORDER BY ranked.section, ranked.rank)
    FROM every_ranked ranked
    JOIN {FollowUp._meta.db_table} f ON f.id = ranked.id
    LEFT JOIN {Candidate._meta.db_table} c ON c.id = f.candidate_id
    LEFT JOIN {HiringLeader._meta.db_table} l ON l.id = f.hiring_leader_id
    LEFT JOIN {Requisition._meta.db_table} r ON r.id = f.requisition_id
    LEFT JOIN {Application._meta.db_table} a ON a.id = f.application_id
    LEFT JOIN {MessageTemplate._meta.db_table} t ON t.id = f.template_id
    LEFT JOIN {CadenceStep._meta.db_table} s ON s.id = f.cadence_step_id
    LEFT JOIN {Cadence._meta.db_table} cad ON cad.id = s.cadence_id
    WHERE ranked.rank BETWEEN %(first)s AND %(last)s
"""
FOLLOWUP_ROWS_SQL = Prepared("today_followups", generic=True, sql=f"SELECT ({FOLLOWUP_PAGE})")

_TRIGGER_LABELS = dict(Trigger.choices)


@dataclass(slots=True)
class FollowUpDue:
    """A follow-up in the queue (a task, a flag, a failed send, a quiet candidate, bad news
    waiting): the few words its row shows and what its task's words read, as plain values."""

    pk: int
    key: str
    channel: str
    due_at: datetime.datetime
    created_at: datetime.datetime
    cadence_name: str | None
    cadence_trigger: str | None
    automatic_note_at: datetime.datetime | None
    candidate_id: int | None
    candidate_email: str | None
    candidate_opted_out_at: datetime.datetime | None
    hiring_leader_id: int | None
    requisition_id: int | None
    application_id: int | None
    about: TaskAbout
    # A quiet candidate's row: since when nobody has heard from them or seen their pipeline move.
    silent_since: datetime.datetime | None = None

    @property
    def row_id(self) -> str:
        return f"task-{self.pk}"

    @property
    def task_title(self) -> str:
        return self.about.task_title

    @property
    def template_name(self) -> str:
        return self.about.template_name

    @property
    def facts(self) -> dict:
        return self.about.facts

    @property
    def candidate_name(self) -> str:
        return f"{self.about.candidate[0]} {self.about.candidate[1]}".strip()

    @property
    def leader_name(self) -> str | None:
        """None when the row is about no hiring leader."""
        leader = self.about.leader
        return f"{leader[0]} {leader[1]}".strip() if leader else None

    @property
    def requisition_title(self) -> str | None:
        return self.about.role.title if self.about.role else None

    @property
    def trigger_display(self) -> str:
        return _TRIGGER_LABELS.get(self.cadence_trigger, self.cadence_trigger)


def _moment(value: str | None) -> datetime.datetime | None:
    """A moment as the statements' JSON gives it: ISO 8601, in the connection's time zone."""
    return None if value is None else datetime.datetime.fromisoformat(value)


def _followup_due(values: list, recruiter: User) -> FollowUpDue:
    """A FollowUpDue from a FOLLOWUP_PAGE array (its section and count aside)."""
    pk, key, channel, due_at, created_at, cadence_name, trigger, note_at = values[:8]
    candidate_id, email, opted_out_at, leader_id, requisition_id, application_id = values[8:14]
    title, template_name, subject, facts = values[14:18]
    c_first, c_last, l_first, l_last, *role, stage, silent_since = values[18:30]
    about = TaskAbout(
        task_title=title,
        template_name=template_name or "",
        template_subject=subject or "",
        recruiter=recruiter,
        facts=facts,
        candidate=(c_first, c_last) if candidate_id else None,
        leader=(l_first, l_last) if leader_id else None,
        role=TaskRole(requisition_id, *role) if requisition_id else None,
        stage=stage,
    )
    return FollowUpDue(
        pk,
        key,
        channel,
        _moment(due_at),
        _moment(created_at),
        cadence_name,
        trigger,
        _moment(note_at),
        candidate_id,
        email,
        _moment(opted_out_at),
        leader_id,
        requisition_id,
        application_id,
        about=about,
        silent_since=_moment(silent_since),
    )


def _queue_params(*, recruiters: list[int], tonight: datetime.datetime, now, who: str) -> dict:
    return _params(
        recruiters=recruiters,
        tonight=tonight,
        quiet_until=now + LOOKAHEAD,
        who=who,
    )


def _followup_params(
    *, recruiter: User, now: datetime.datetime, who: str, ranks: Ranks, quiet_up_to: int | None
) -> dict:
    return _queue_params(
        recruiters=[recruiter.pk],
        tonight=end_of_today(recruiter, now),
        now=now,
        who=who,
    ) | _params(
        first=ranks.first,
        last=ranks.last,
        # One past the cap: "more than" only when there is more.
        count_up_to=quiet_up_to + 1 if quiet_up_to is not None else None,
    )


def _followup_sections(
    rows: list | None, recruiter: User, quiet_up_to: int | None
) -> dict[str, Section]:
    """The sections of FOLLOWUP_PAGE's arrays; the quiet one capped at `quiet_up_to`."""
    sections: dict[str, Section] = {}
    for values in rows or ():
        key, count = values[-2:]
        section = sections.setdefault(key, Section(info=_info(key)))
        section.rows.append(_followup_due(values, recruiter))
        section.count = count
    quiet = sections.get("quiet")
    if quiet is not None and quiet_up_to is not None and quiet.count > quiet_up_to:
        quiet.count, quiet.more_than = quiet_up_to, True
    return sections


def followup_sections(
    *,
    recruiter: User,
    now: datetime.datetime,
    who: str = "",
    ranks: Ranks = Ranks(),
    quiet_up_to: int | None = None,
) -> dict[str, Section]:
    """The follow-up rows' sections; the quiet one counted up to `quiet_up_to` (None: all)."""
    params = _followup_params(
        recruiter=recruiter, now=now, who=who, ranks=ranks, quiet_up_to=quiet_up_to
    )
    with connection.cursor() as cursor:
        FOLLOWUP_ROWS_SQL.execute(cursor, params)
        (rows,) = cursor.fetchone()
    return _followup_sections(rows, recruiter, quiet_up_to)


# ---------- promises ----------

# Open promises due before tonight that the recruiter has not put aside: late ones are
# "overdue", the rest "due today". The recruiters' snoozed promises are read once and hashed
# (NOT IN over two NOT NULL columns), where NOT EXISTS probed the snoozes once per open promise
# (82 probes for the bench's busy recruiter, 0.1 ms of Today).
QUEUE_PROMISES_SQL = f"""
    SELECT p.id, p.recruiter_id, p.due_at,
        CASE WHEN p.due_at < %(now)s THEN 'overdue' ELSE 'due_today' END AS section
    FROM {Commitment._meta.db_table} p
    WHERE p.recruiter_id = ANY(%(recruiters)s) AND p.status = 'open' AND p.due_at < %(tonight)s
      AND (p.recruiter_id, p.id) NOT IN (
        SELECT z.recruiter_id, z.object_id FROM {Snooze._meta.db_table} z
        WHERE z.recruiter_id = ANY(%(recruiters)s) AND z.kind = 'commitment'
          AND z.until > %(now)s)
      AND {_about_whom("p")}
"""


@dataclass
class PromiseDue:
    """An open promise in the queue: the few words its row shows, read as plain values (four
    model instances a row cost more than the statement)."""

    pk: int
    description: str
    due_at: datetime.datetime
    candidate_id: int | None
    candidate_first_name: str | None
    candidate_last_name: str | None
    hiring_leader_id: int | None
    leader_first_name: str | None
    leader_last_name: str | None
    requisition_id: int | None
    requisition_title: str | None

    @property
    def row_id(self) -> str:
        return f"promise-{self.pk}"

    @property
    def candidate_name(self) -> str:
        return f"{self.candidate_first_name} {self.candidate_last_name}".strip()

    @property
    def leader_name(self) -> str:
        return f"{self.leader_first_name} {self.leader_last_name}".strip()


# A page of each promise section, as one JSON array of arrays (PromiseDue's values, then the
# section and its size).
PROMISE_PAGE = f"""
    WITH queue AS ({QUEUE_PROMISES_SQL}),
    {RANKED_BY_SECTION}
    SELECT json_agg(json_build_array(
        p.id, p.description, p.due_at, p.candidate_id, c.first_name, c.last_name,
        p.hiring_leader_id, l.first_name, l.last_name, p.requisition_id, r.title,
        ranked.section, ranked.section_count
    ) ORDER BY ranked.section, ranked.rank)
    FROM ranked
    JOIN {Commitment._meta.db_table} p ON p.id = ranked.id
    LEFT JOIN {Candidate._meta.db_table} c ON c.id = p.candidate_id
    LEFT JOIN {HiringLeader._meta.db_table} l ON l.id = p.hiring_leader_id
    LEFT JOIN {Requisition._meta.db_table} r ON r.id = p.requisition_id
    WHERE ranked.rank BETWEEN %(first)s AND %(last)s
"""
# Prepared: planning this statement took longer than running it.
PROMISE_ROWS_SQL = Prepared("today_promises", generic=True, sql=f"SELECT ({PROMISE_PAGE})")


def _promise_params(*, recruiter: User, now: datetime.datetime, who: str, ranks: Ranks) -> dict:
    return _params(
        recruiters=[recruiter.pk],
        now=now,
        tonight=end_of_today(recruiter, now),
        who=who,
        first=ranks.first,
        last=ranks.last,
    )


def _promise_sections(rows: list | None) -> dict[str, Section]:
    sections: dict[str, Section] = {}
    for *fields, key, count in rows or ():
        found = sections.setdefault(key, Section(info=_info(key)))
        fields[2] = _moment(fields[2])
        found.rows.append(PromiseDue(*fields))
        found.count = count
    return sections


def promise_sections(
    *, recruiter: User, now: datetime.datetime, who: str = "", ranks: Ranks = Ranks()
) -> dict[str, Section]:
    params = _promise_params(recruiter=recruiter, now=now, who=who, ranks=ranks)
    with connection.cursor() as cursor:
        PROMISE_ROWS_SQL.execute(cursor, params)
        (rows,) = cursor.fetchone()
    return _promise_sections(rows)


# ---------- hiring leaders owed an update ----------

# Open roles, open for a week or more, whose leader has not heard from the recruiter for a week.
# The leader and a snooze are probed per open role (OFFSET 0 keeps each a probe by primary key
# and by snooze_one_per_row): the statement runs its generic plan, which otherwise read every
# leader and every snooze of the agency to join a recruiter's dozen roles to them.
QUEUE_LEADERS_SQL = f"""
    SELECT r.id, r.recruiter_id, r.opened_on, l.last_contacted_at
    FROM {Requisition._meta.db_table} r
    CROSS JOIN LATERAL (
        SELECT l.last_contacted_at FROM {HiringLeader._meta.db_table} l
        WHERE l.id = r.hiring_leader_id
          AND (l.last_contacted_at < %(quiet_since)s OR l.last_contacted_at IS NULL)
        OFFSET 0) l
    WHERE r.recruiter_id = ANY(%(recruiters)s) AND r.status = 'open'
      AND r.opened_on <= %(quiet_since_date)s
      AND NOT EXISTS (
        SELECT 1 FROM {Snooze._meta.db_table} z
        WHERE z.recruiter_id = r.recruiter_id AND z.kind = 'requisition'
          AND z.object_id = r.id AND z.until > %(now)s
        OFFSET 0)
"""

# A page of the leaders owed an update, as one JSON array of arrays (LeaderOwed's values, then
# the section's size); nothing for the candidates-only view (a one-time filter in the plan).
LEADER_PAGE = f"""
    WITH {STEPS},
    queue AS ({QUEUE_LEADERS_SQL}),
    ranked AS (
        SELECT id,
            row_number() OVER (
                ORDER BY last_contacted_at ASC NULLS FIRST, opened_on, id) AS rank,
            count(*) OVER () AS owed_count
        FROM queue
    )
    SELECT json_agg(json_build_array(
        r.id, r.title, r.hiring_leader_id, l.first_name, l.last_name, l.last_contacted_at,
        co.name,
        (SELECT weekly.due_at FROM {FollowUp._meta.db_table} weekly
         WHERE weekly.hiring_leader_id = r.hiring_leader_id
           AND weekly.cadence_step_id = ANY({WEEKLY_STEPS})
           AND weekly.state = 'scheduled' AND weekly.channel = 'email'
           AND weekly.audience = 'hiring_leader'
         ORDER BY weekly.due_at LIMIT 1),
        ranked.owed_count
    ) ORDER BY ranked.rank)
    FROM ranked
    JOIN {Requisition._meta.db_table} r ON r.id = ranked.id
    JOIN {HiringLeader._meta.db_table} l ON l.id = r.hiring_leader_id
    JOIN {Company._meta.db_table} co ON co.id = r.company_id
    WHERE ranked.rank BETWEEN %(first)s AND %(last)s AND %(who)s <> 'candidates'
"""
# Prepared: planning this statement took longer than running it.
LEADER_ROWS_SQL = Prepared("today_leaders", generic=True, sql=f"SELECT ({LEADER_PAGE})")


@dataclass
class LeaderOwed:
    """An open role whose hiring leader is owed an update: the few words its row shows, read as
    plain values (three model instances a row cost more than the statement)."""

    pk: int
    title: str
    hiring_leader_id: int
    leader_first_name: str
    leader_last_name: str
    last_contacted_at: datetime.datetime | None
    company_name: str
    next_update_at: datetime.datetime | None

    @property
    def row_id(self) -> str:
        return f"leader-{self.pk}"

    @property
    def leader_name(self) -> str:
        return f"{self.leader_first_name} {self.leader_last_name}".strip()


def _leader_params(*, recruiters: list[int], now: datetime.datetime) -> dict:
    quiet_since = now - LEADER_UPDATE_EVERY
    return _params(
        recruiters=recruiters, now=now, quiet_since=quiet_since, quiet_since_date=quiet_since.date()
    )


def _leader_section(rows: list | None) -> Section:
    section = Section(info=_info("leaders"))
    for *fields, count in rows or ():
        fields[5], fields[7] = _moment(fields[5]), _moment(fields[7])
        section.rows.append(LeaderOwed(*fields))
        section.count = count
    return section


def leader_update_rows(
    *,
    recruiter: User,
    now: datetime.datetime,
    who: str = "",
    ranks: Ranks = Ranks(),
) -> Section:
    if who == "candidates":
        return Section(info=_info("leaders"))
    params = _leader_params(recruiters=[recruiter.pk], now=now) | _params(
        who=who,
        first=ranks.first,
        last=ranks.last,
    )
    with connection.cursor() as cursor:
        LEADER_ROWS_SQL.execute(cursor, params)
        (rows,) = cursor.fetchone()
    return _leader_section(rows)


# ---------- open roles past their time-to-fill forecast ----------

# Open roles whose standing forecast (the latest: a re-forecast resets the clock) ends before
# today, until the recruiter sends the leader a reset or dismisses the prompt
# (TimeToFillForecast.overrun_handled_at). The latest forecast is one index probe per open role
# (forecast_requisition).
QUEUE_OVERRUN_SQL = f"""
    SELECT r.id, r.recruiter_id, r.opened_on + f.high_days AS ran_out_on, f.id AS forecast_id,
           f.low_days, f.high_days
    FROM {Requisition._meta.db_table} r
    CROSS JOIN LATERAL (
        SELECT x.id, x.low_days, x.high_days, x.overrun_handled_at
        FROM {TimeToFillForecast._meta.db_table} x
        WHERE x.requisition_id = r.id
        ORDER BY x.made_at DESC, x.id DESC LIMIT 1
    ) f
    WHERE r.recruiter_id = ANY(%(recruiters)s) AND r.status = 'open'
      AND f.overrun_handled_at IS NULL AND r.opened_on + f.high_days < %(today)s
"""
# The overrun rows of one page, ranked, as one JSON array of arrays (Overrun's values, then the
# section's size). Nothing for the candidates-only view (a one-time filter in the plan).
OVERRUN_PAGE = f"""
    WITH queue AS ({QUEUE_OVERRUN_SQL}),
    ranked AS (
        SELECT *, row_number() OVER (ORDER BY ran_out_on, id) AS rank,
               count(*) OVER () AS overrun_count
        FROM queue
    ),
    page AS (
        SELECT ranked.rank, ranked.id, ranked.forecast_id, ranked.low_days, ranked.high_days,
               r.title, r.opened_on, r.hiring_leader_id, l.first_name, l.last_name, co.name,
               ranked.overrun_count,
               (SELECT t.id FROM {MessageTemplate._meta.db_table} t
                WHERE lower(t.name) = lower(%(reset)s)) AS reset_template_id
        FROM ranked
        JOIN {Requisition._meta.db_table} r ON r.id = ranked.id
        JOIN {HiringLeader._meta.db_table} l ON l.id = r.hiring_leader_id
        JOIN {Company._meta.db_table} co ON co.id = r.company_id
        WHERE ranked.rank BETWEEN %(first)s AND %(last)s AND %(who)s <> 'candidates'
    )
    SELECT json_agg(json_build_array(
        id, forecast_id, low_days, high_days, title, opened_on, hiring_leader_id, first_name,
        last_name, name, reset_template_id, overrun_count
    ) ORDER BY rank)
    FROM page"""
# Prepared, its generic plan kept: planning it took three times as long as running it.
OVERRUN_ROWS_SQL = Prepared("today_overrun", generic=True, sql=f"SELECT ({OVERRUN_PAGE})")


@dataclass
class Overrun:
    """An open role past the forecast its leader was given."""

    pk: int
    forecast_id: int
    low_days: int
    high_days: int
    title: str
    opened_on: datetime.date
    hiring_leader_id: int
    leader_first_name: str
    leader_last_name: str
    company_name: str
    reset_template_id: int | None
    days_open: int = 0

    @property
    def row_id(self) -> str:
        return f"overrun-{self.pk}"

    @property
    def leader_name(self) -> str:
        return f"{self.leader_first_name} {self.leader_last_name}".strip()

    @property
    def days_over(self) -> int:
        return self.days_open - self.high_days


def _overrun_params(*, recruiter: User, now: datetime.datetime, who: str, ranks: Ranks) -> dict:
    return _params(
        recruiters=[recruiter.pk],
        today=timezone.localdate(now),
        reset=LEADER_SLOWER_RESET,
        who=who,
        first=ranks.first,
        last=ranks.last,
    )


def _overrun_section(rows: list | None, today: datetime.date) -> Section:
    section = Section(info=_info("overrun"))
    for *fields, count in rows or ():
        fields[5] = datetime.date.fromisoformat(fields[5])
        row = Overrun(*fields)
        row.days_open = (today - row.opened_on).days
        section.rows.append(row)
        section.count = count
    return section


def overrun_rows(
    *, recruiter: User, now: datetime.datetime, who: str = "", ranks: Ranks = Ranks()
) -> Section:
    params = _overrun_params(recruiter=recruiter, now=now, who=who, ranks=ranks)
    with connection.cursor() as cursor:
        OVERRUN_ROWS_SQL.execute(cursor, params)
        (rows,) = cursor.fetchone()
    return _overrun_section(rows, params["today"])


# ---------- the health line ----------

# Reach is counted by beat (followups.queue.services.book_health_count): reading every
# candidate of a 5,000-strong book on each visit would cost more than the rest of the page.
# Promises kept on time are counted here: a recruiter's promises of 90 days are a few hundred.
HEALTH_LINES = f"""
    SELECT r.id AS recruiter_id,
        coalesce(b.active, 0) AS active, coalesce(b.heard_from, 0) AS heard_from, b.counted_at,
        p.promises_30, p.kept_on_time_30, p.promises_90, p.kept_on_time_90
    FROM unnest(%(recruiters)s::bigint[]) AS r(id)
    LEFT JOIN {BookHealth._meta.db_table} b ON b.recruiter_id = r.id
    CROSS JOIN LATERAL (
        SELECT
            count(*) FILTER (WHERE p.due_at >= %(day_30)s) AS promises_30,
            count(*) FILTER (WHERE p.due_at >= %(day_30)s AND p.status = 'kept'
                             AND p.kept_at <= p.due_at) AS kept_on_time_30,
            count(*) AS promises_90,
            count(*) FILTER (WHERE p.status = 'kept' AND p.kept_at <= p.due_at)
                AS kept_on_time_90
        FROM {Commitment._meta.db_table} p
        WHERE p.recruiter_id = r.id AND p.due_at >= %(day_90)s AND p.due_at < %(now)s
    ) p
"""
HEALTH_SQL = Prepared("today_health", generic=True, sql=HEALTH_LINES)
# One recruiter's health line, as a JSON array of Health's figures.
HEALTH_LINE = f"""
    SELECT json_build_array(active, heard_from, counted_at, promises_30, kept_on_time_30,
        promises_90, kept_on_time_90)
    FROM ({HEALTH_LINES}) health"""


def _health_params(*, recruiters: list[int], now: datetime.datetime) -> dict:
    return _params(
        recruiters=recruiters,
        now=now,
        day_30=now - datetime.timedelta(days=30),
        day_90=now - datetime.timedelta(days=90),
    )


def _health_by_recruiter(recruiters: list[int], now: datetime.datetime) -> dict[int, Health]:
    with connection.cursor() as cursor:
        HEALTH_SQL.execute(cursor, _health_params(recruiters=recruiters, now=now))
        return {
            recruiter_id: Health(*figures, open_flags=0)
            for recruiter_id, *figures in cursor.fetchall()
        }


def _health(figures: list, *, open_flags: int) -> Health:
    active, heard_from, counted_at, *promises = figures
    return Health(active, heard_from, _moment(counted_at), *promises, open_flags=open_flags)


# ---------- the whole queue ----------


def _info(key: str) -> SectionInfo:
    return next(info for info in SECTIONS if info.key == key)


# Today in one round trip: each part a JSON array, read by the same functions as a section's
# own page (followup_sections, promise_sections, leader_update_rows, overrun_rows), where four
# statements paid four times what each statement costs beyond its own work (the round trip,
# the implicit transaction, the driver and Django's cursor).
TODAY_SQL = Prepared(
    "today",
    generic=True,
    sql=f"""SELECT ({FOLLOWUP_PAGE}), ({PROMISE_PAGE}), ({LEADER_PAGE}), ({OVERRUN_PAGE}),
        ({HEALTH_LINE})""",
)


def queue_for(*, recruiter: User, who: str = "", now: datetime.datetime | None = None) -> Queue:
    """A recruiter's queue: every section, in order, each with its first rows and count."""
    now = now or timezone.now()
    who = who if who in WHO else ""
    ranks = Ranks()
    params = (
        _followup_params(
            recruiter=recruiter, now=now, who=who, ranks=ranks, quiet_up_to=QUIET_COUNTED_UP_TO
        )
        | _promise_params(recruiter=recruiter, now=now, who=who, ranks=ranks)
        | _leader_params(recruiters=[recruiter.pk], now=now)
        | _overrun_params(recruiter=recruiter, now=now, who=who, ranks=ranks)
        | _health_params(recruiters=[recruiter.pk], now=now)
    )
    with connection.cursor() as cursor:
        TODAY_SQL.execute(cursor, params)
        followups, promises, leaders, overruns, health = cursor.fetchone()
    found = _followup_sections(followups, recruiter, QUIET_COUNTED_UP_TO)
    found |= _promise_sections(promises)
    found["leaders"] = _leader_section(leaders)
    found["overrun"] = _overrun_section(overruns, params["today"])
    open_flags = found["flags"].count if "flags" in found else 0
    sections = [found.get(info.key) or Section(info=info) for info in SECTIONS]
    return Queue(sections=sections, health=_health(health, open_flags=open_flags), who=who)


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
    elif key == "overrun":
        found = {key: overrun_rows(recruiter=recruiter, now=now, who=who, ranks=ranks)}
    else:
        found = followup_sections(recruiter=recruiter, now=now, who=who, ranks=ranks)
    return found.get(key) or Section(info=_info(key))


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
    """Each section's size for every recruiter on the page, by the same rules as their own
    queue, in one grouped query; then their health lines in another."""
    ids = list(members)
    tonight = end_of_today(User(time_zone=""), now)
    params = (
        _queue_params(recruiters=ids, tonight=tonight, now=now, who="")
        | _leader_params(recruiters=ids, now=now)
        | _params(today=timezone.localdate(now))
    )
    with connection.cursor() as cursor:
        cursor.execute(TEAM_COUNTS_SQL, params)
        for recruiter_id, key, n in cursor.fetchall():
            members[recruiter_id].counts[key] = n
    for recruiter_id, health_line in _health_by_recruiter(ids, now).items():
        member = members[recruiter_id]
        member.active, member.heard_from = health_line.active, health_line.heard_from
        member.promises_90 = health_line.promises_90
        member.kept_on_time_90 = health_line.kept_on_time_90


TEAM_COUNTS_SQL = f"""
    WITH {STEPS}
    SELECT recruiter_id, section, count(*) FROM ({QUEUE_FOLLOWUPS_SQL}) followups
    GROUP BY recruiter_id, section
    UNION ALL
    SELECT recruiter_id, section, count(*) FROM ({QUEUE_PROMISES_SQL}) promises
    GROUP BY recruiter_id, section
    UNION ALL
    SELECT recruiter_id, 'leaders', count(*) FROM ({QUEUE_LEADERS_SQL}) leaders
    GROUP BY recruiter_id
    UNION ALL
    SELECT recruiter_id, 'overrun', count(*) FROM ({QUEUE_OVERRUN_SQL}) overrun
    GROUP BY recruiter_id
"""
