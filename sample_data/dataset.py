"""Large deterministic data sets for load tests and query plans (`manage.py generate_dataset`).

Rows are drawn from one `random.Random(seed)` with no Faker (too slow at a million people), in
chunks of candidates so memory stays flat whatever the size. Each row holds the values the
database stores (timestamps already written out in UTC), so the same rows feed PostgreSQL's
COPY and, on other databases, `bulk_create`.

Every data set also holds the heavy cases `make bench` times pages with (`dataset_cast`): the
first recruiter carries a big book (5,000 candidates, each in an active pipeline of one of their
open requisitions) and the first of those requisitions a big pipeline (2,000 applications), both
exact and smaller only for small data sets.

The rows are what the services would have written: every application has its stage history
and a timeline entry per change, closed applications carry a reason, hires have placements,
promises have their "Promised"/"Kept" entries, and last-contacted times match the timelines.

On PostgreSQL the big tables lose their secondary indexes, unique and foreign-key constraints
for the load and get them back before the transaction commits: rebuilding an index once is far
cheaper than maintaining it row by row, and re-adding a constraint checks every row in one
pass. It all happens in one transaction holding the tables' locks, so no other session ever sees
a table without its indexes and a failed load leaves nothing behind.
"""

from __future__ import annotations

import io
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from candidates import name_prefixes
from candidates.models import (
    Activity,
    Application,
    ApplicationStageChange,
    Candidate,
    Commitment,
    Placement,
)
from followups.models import CheckInResponse, FollowUp, Snooze
from followups.queue.services import book_health_count
from hiring_leaders.models import (
    Company,
    HiringLeader,
    Requisition,
    RoleFamily,
    Seniority,
    TimeToFillForecast,
)
from recruitcrm.models import User
from sample_data import demo_data as pools
from sample_data.dataset_followups import (
    CHECKIN_COLUMNS,
    FOLLOWUP_COLUMNS,
    SNOOZE_COLUMNS,
    AppFacts,
    FollowUpRows,
)

DATASET_PASSWORD = "dataset-pass-2026"
CHUNK_CANDIDATES = 20_000
DAY_SECONDS = 86_400
# The bench's heavy cases (see `Sizes`): recruiter1's book, their requisitions, the big pipeline.
BUSY_BOOK = 5_000
BUSY_REQUISITIONS = 12
BIG_PIPELINE = 2_000
# How far back the history of a data set reaches, and how far ahead promises fall due.
HISTORY_DAYS = 720
FUTURE_DAYS = 150  # post-hire check-ins are scheduled up to 90 days after a start date

# The columns written for each table, in order. Every concrete field must be listed (checked
# by `check_columns`), so a field added to a model fails loudly here instead of loading wrong.
COLUMNS: dict[type[models.Model], tuple[str, ...]] = {
    User: (
        "id",
        "password",
        "last_login",
        "is_superuser",
        "username",
        "first_name",
        "last_name",
        "email",
        "is_staff",
        "is_active",
        "date_joined",
        "role",
        "time_zone",
    ),
    Company: ("id", "name", "website", "time_zone", "created_at"),
    HiringLeader: (
        "id",
        "company_id",
        "user_id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "job_title",
        "time_zone",
        "opted_out_at",
        "last_contacted_at",
        "created_at",
    ),
    Requisition: (
        "id",
        "title",
        "company_id",
        "hiring_leader_id",
        "recruiter_id",
        "status",
        "status_reason",
        "status_note",
        "location",
        "role_family",
        "seniority",
        "openings",
        "opened_on",
        "closed_on",
        "target_fill_date",
        "intake_notes",
        "created_at",
        "updated_at",
    ),
    Candidate: (
        "id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "phone_digits",
        "headline",
        "location",
        "time_zone",
        "source",
        "owner_id",
        "opted_out_at",
        "last_contacted_at",
        "created_at",
        "updated_at",
    ),
    Application: (
        "id",
        "candidate_id",
        "requisition_id",
        "stage",
        "outcome",
        "close_reason",
        "closed_at",
        "hired_at",
        "stage_changed_at",
        "created_at",
        "candidate_last_name",
        "candidate_first_name",
    ),
    ApplicationStageChange: (
        "id",
        "application_id",
        "from_stage",
        "to_stage",
        "outcome",
        "changed_by_id",
        "changed_at",
        "note",
    ),
    Activity: (
        "id",
        "kind",
        "candidate_id",
        "hiring_leader_id",
        "requisition_id",
        "application_id",
        "actor_id",
        "occurred_at",
        "summary",
        "body",
        "shared_with_leader",  # added by `_unshared`: no generated entry is shown to a leader
    ),
    Commitment: (
        "id",
        "recruiter_id",
        "candidate_id",
        "hiring_leader_id",
        "requisition_id",
        "description",
        "due_at",
        "status",
        "kept_at",
        "created_at",
    ),
    Placement: (
        "id",
        "application_id",
        "start_date",
        "created_by_id",
        "created_at",
        "fell_through_at",
        "fell_through_reason",
    ),
    TimeToFillForecast: (
        "id",
        "requisition_id",
        "low_days",
        "high_days",
        "reason",
        "suggested_low_days",
        "suggested_high_days",
        "history_count",
        "made_by_id",
        "made_at",
        "overrun_handled_at",
    ),
    FollowUp: FOLLOWUP_COLUMNS,
    CheckInResponse: CHECKIN_COLUMNS,
    Snooze: SNOOZE_COLUMNS,
}
# Written once, before the candidates, and small: they keep their indexes during the load.
SMALL_TABLES = (User, Company, HiringLeader, Requisition, TimeToFillForecast)
# Streamed in chunks; on PostgreSQL their indexes and constraints are rebuilt after the load.
BIG_TABLES = (
    Candidate,
    Application,
    ApplicationStageChange,
    Activity,
    Commitment,
    Placement,
    FollowUp,
    CheckInResponse,
    Snooze,
)

STAGES = Application.Stage.values
STAGE_LABELS = [Application.Stage(stage).label for stage in STAGES]
HIRED = STAGES.index(Application.Stage.HIRED)
OFFER = STAGES.index(Application.Stage.OFFER)
SOURCE_LABELS = dict(Candidate.Source.choices)
# One slot per percentage point, so drawing a source is one index.
SOURCE_SLOTS = tuple(source for source, weight in pools.SOURCES for _ in range(weight))
# How many applications a candidate has: 0 to 3, 1.5 on average.
APPLICATION_COUNTS = (0,) * 3 + (1,) * 7 + (2,) * 7 + (3,) * 3
# How far an application has got: a pipeline is a funnel.
STAGE_REACHED = (0,) * 35 + (1,) * 25 + (2,) * 15 + (3,) * 10 + (4,) * 8 + (5,) * 3

COMPANY_WORDS = (  # noqa: SIM905
    "Northwind Bluefin Copperleaf Lumen Tidewater Kestrel Orchard Halcyon Granite Juniper "
    "Meridian Solstice Harbor Evergreen Quartz Summit Aurora Cobalt Redwood Saffron"
).split()
COMPANY_KINDS = (  # noqa: SIM905
    "Robotics Health Logistics Energy Payments Analytics Games Grocery Insurance Media "
    "Biotech Labs Systems Foods Mobility Security"
).split()
TITLES = tuple(sorted({spec.title for spec in pools.REQUISITIONS} | set(pools.HEADLINE_ROLES)))
JOB_TITLES = tuple(sorted({spec.job_title for spec in pools.LEADERS}))
ON_HOLD_REASONS = tuple(spec.reason for spec in pools.REQUISITIONS if spec.status == pools.ON_HOLD)
CANCEL_REASONS = tuple(spec.reason for spec in pools.REQUISITIONS if spec.status == pools.CANCELLED)
CONTACT_ACTIVITIES = (
    (Activity.Kind.CALL, "Screening call about "),
    (Activity.Kind.CALL, "Debrief call about "),
    (Activity.Kind.EMAIL, "Sent the job description for "),
    (Activity.Kind.EMAIL, "Followed up on availability for "),
    (Activity.Kind.MESSAGE, "LinkedIn message about "),
    (Activity.Kind.MEETING, "Video call to prepare for "),
)
LEADER_ACTIVITIES = (
    (Activity.Kind.CALL, "Weekly pipeline update for "),
    (Activity.Kind.EMAIL, "Sent a shortlist for "),
    (Activity.Kind.MEETING, "Calibration meeting for "),
)

# Most requisitions got a time-to-fill range at kick-off; the rest predate the habit.
FORECAST_SHARE = 0.8
FORECAST_REASONS = (
    "Similar roles took three to five months last year.",
    "Niche skills and a below-market salary band.",
    "Strong referral pipeline already; the panel can interview quickly.",
    "On-site only, in a tight local market.",
    "Leader wants to see a wide shortlist before deciding.",
)

# Words in a title that say which family a role belongs to, checked in this order.
FAMILY_WORDS = (
    (RoleFamily.DATA, ("data", "analytics", "machine learning", "forecast")),
    (RoleFamily.PRODUCT, ("product manager",)),
    (RoleFamily.ENGINEERING, ("engineer", "programmer", "developer", "informatics")),
    (RoleFamily.DESIGN, ("design", "ux", "artist")),
    (RoleFamily.SALES, ("account executive", "sales")),
    (RoleFamily.MARKETING, ("community", "marketing")),
    (RoleFamily.CUSTOMER, ("support", "customer")),
    (RoleFamily.FINANCE, ("financ", "fp&a", "fraud", "controller", "compliance", "esg")),
    (RoleFamily.PEOPLE, ("people",)),
)
SENIORITY_WORDS = (
    (Seniority.EXECUTIVE, ("head of", "director", "vp ")),
    (Seniority.LEAD, ("staff", "lead", "principal")),
    (Seniority.SENIOR, ("senior",)),
    # A product manager manages a product, not people.
    (Seniority.MID, ("product manager",)),
    (Seniority.MANAGER, ("manager", "supervisor", "controller")),
    (Seniority.JUNIOR, ("representative", "technician", "junior")),
)


def family_and_seniority(title: str) -> tuple[str, str]:
    """The role family and seniority a recruiter would file this title under."""
    lowered = title.lower()
    family = next(
        (f for f, words in FAMILY_WORDS if any(w in lowered for w in words)), RoleFamily.OPERATIONS
    )
    level = next((s for s, words in SENIORITY_WORDS if any(w in lowered for w in words)), "mid")
    return str(family), str(level)


def check_columns() -> None:
    """Refuse to run when a model has a field this generator does not write."""
    for model, columns in COLUMNS.items():
        fields = {f.attname for f in model._meta.concrete_fields}
        missing, unknown = fields - set(columns), set(columns) - fields
        if missing or unknown:
            raise RuntimeError(
                f"sample_data/dataset.py is out of date for {model.__name__}: "
                f"missing {sorted(missing)}, unknown {sorted(unknown)}."
            )


class DatasetExists(Exception):
    """This seed's data set is already in the database."""


@dataclass
class Sizes:
    """How many rows of each kind a data set of `candidates` people gets."""

    candidates: int

    @property
    def companies(self) -> int:
        return self.candidates // 2000 + 1

    @property
    def requisitions(self) -> int:
        return max(1, self.candidates // 50)

    @property
    def leaders(self) -> int:
        return max(self.companies, self.candidates // 200)

    @property
    def recruiters(self) -> int:
        # A recruiter carries a couple of thousand relationships.
        return max(2, self.candidates // 2500)

    @property
    def busy_book(self) -> int:
        """Candidates recruiter1 owns, each in an active pipeline of one of their requisitions."""
        # At most a quarter of everyone, so a small data set still has other recruiters' people.
        return min(BUSY_BOOK, self.candidates // 4)

    @property
    def busy_requisitions(self) -> int:
        """Open requisitions of recruiter1, counted in `requisitions`; the first is the big one."""
        return min(BUSY_REQUISITIONS, max(1, self.requisitions // 10))

    @property
    def big_pipeline(self) -> int:
        """Applications in recruiter1's first requisition, all from their book."""
        if self.busy_requisitions == 1:
            return self.busy_book
        return min(BIG_PIPELINE, self.busy_book // 2)

    @property
    def leader_logins(self) -> int:
        # Every fourth hiring leader signs in; the others only get email.
        return (self.leaders + 3) // 4


@dataclass
class TableReport:
    rows: int = 0
    load_seconds: float = 0.0
    index_seconds: float = 0.0


@dataclass
class Report:
    tables: dict[str, TableReport] = field(default_factory=dict)
    generate_seconds: float = 0.0
    total_seconds: float = 0.0

    def table(self, model: type[models.Model]) -> TableReport:
        return self.tables.setdefault(model._meta.db_table, TableReport())


def dataset_generate(
    *, candidates: int, seed: int, progress: Callable[[str], None] = lambda line: None
) -> Report:
    """Load a data set of `candidates` people drawn from `seed`; refuses a seed already loaded."""
    check_columns()
    started = time.monotonic()
    report = Report()
    with transaction.atomic():
        writer = _writer_for(connection, report)
        writer.lock(list(COLUMNS))
        if User.objects.filter(username=_admin_username(seed)).exists():
            raise DatasetExists(
                f"The data set for seed {seed} is already here (user {_admin_username(seed)}). "
                "Use another --seed, or start from an empty database."
            )
        first_ids = {model: _next_id(model) for model in COLUMNS}
        generator = _Generator(Sizes(candidates), seed=seed, first_ids=first_ids)
        generator.followups = FollowUpRows(generator, seed=seed)
        # Rebuilding costs in proportion to the whole table: worth it only when the load is
        # a good part of what the table will hold.
        existing = Candidate.objects.count()
        rebuild = candidates >= existing // 4
        with writer.deferred_indexes(BIG_TABLES, progress, enabled=rebuild):
            for model, rows in generator.organisation().items():
                writer.write(model, rows)
            done = 0
            for chunk, count in generator.people():
                for model in BIG_TABLES:
                    writer.write(model, chunk[model])
                done += count
                elapsed = time.monotonic() - started
                progress(
                    f"  candidates {done:>11,} / {candidates:,} "
                    f"({100 * done // max(candidates, 1):3d}%)  {elapsed:7.1f}s"
                )
        writer.finish(list(COLUMNS), progress)
        # What beat keeps counted for Today's health line, counted once for the new recruiters.
        book_health_count(
            recruiter_ids=[pk for pk, _name in generator.recruiters],
            now=generator.clock.moment(generator.clock.now),
        )
    report.generate_seconds = generator.seconds
    report.total_seconds = time.monotonic() - started
    return report


@dataclass(frozen=True)
class Cast:
    """Who and what of a loaded data set the benchmark opens pages as and for."""

    recruiter: User  # recruiter1, owner of the big book
    big_requisition: Requisition
    leader: User  # the big requisition's hiring leader, who has a login


def dataset_cast(*, seed: int) -> Cast:
    """The heavy cases of the data set drawn from `seed`; DoesNotExist when it is not loaded."""
    recruiter = User.objects.get(username=recruiter_username(seed, 1))
    requisition = (
        Requisition.objects.select_related("hiring_leader__user")
        .filter(recruiter=recruiter)
        .earliest("pk")
    )
    return Cast(recruiter, requisition, requisition.hiring_leader.user)


def _admin_username(seed: int) -> str:
    return f"ds{seed}-admin"


def recruiter_username(seed: int, number: int) -> str:
    return f"ds{seed}-recruiter{number}"


def _next_id(model: type[models.Model]) -> int:
    # The tables are locked against writers, so nobody else takes these ids meanwhile; the
    # sequences are moved past them when the load finishes.
    return (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1


# ---------------------------------------------------------------------------------------------
# Generating rows
# ---------------------------------------------------------------------------------------------


class _Clock:
    """Moments as whole seconds since the start of the history, written out by table lookup."""

    def __init__(self):
        today = timezone.now().astimezone(UTC).date()
        self.origin = today - timedelta(days=HISTORY_DAYS)
        # "Now" is the start of today (UTC), so a data set drawn twice in a day is the same.
        self.now = HISTORY_DAYS * DAY_SECONDS
        days = [self.origin + timedelta(days=d) for d in range(HISTORY_DAYS + FUTURE_DAYS)]
        self.dates = [d.isoformat() for d in days]
        self.day_prefixes = [f"{d} " for d in self.dates]
        self.times = [
            f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00" for s in range(DAY_SECONDS)
        ]

    def stamp(self, seconds: int) -> str:
        return self.day_prefixes[seconds // DAY_SECONDS] + self.times[seconds % DAY_SECONDS]

    def date(self, seconds: int) -> str:
        return self.dates[seconds // DAY_SECONDS]

    def day(self, seconds: int) -> date:
        return self.origin + timedelta(days=seconds // DAY_SECONDS)

    def moment(self, seconds: int) -> datetime:
        return datetime.combine(self.origin, time_of_day(), tzinfo=UTC) + timedelta(seconds=seconds)


@dataclass
class _Role:
    """What candidate rows need to know about a requisition."""

    id: int
    title: str
    recruiter: int
    status: str
    opens: int
    ends: int
    hire_pending: bool
    leader: int = 0


def _unshared(rows) -> None:
    """Every timeline entry drawn here stays inside the agency (Activity.shared_with_leader)."""
    rows[Activity] = [(*row, False) for row in rows[Activity]]


def _ascii_lower(text: str) -> str:
    return text.encode("ascii", "ignore").decode().lower().replace(" ", "")


class _Generator:
    def __init__(self, sizes: Sizes, *, seed: int, first_ids: dict):
        self.sizes, self.seed = sizes, seed
        self.rng = random.Random(seed)
        self.clock = _Clock()
        self.ids = dict(first_ids)
        self.tag = f"ds{seed}"
        self.seconds = 0.0
        self.recruiters: list[tuple[int, str]] = []  # (id, display name)
        self.recruiter_names: dict[int, str] = {}
        self.roles: list[_Role] = []  # what anyone may apply to: not recruiter1's
        self.busy_roles: list[_Role] = []  # recruiter1's, for their book only
        self.leader_first_names: dict[int, str] = {}
        self.followups: FollowUpRows  # set by dataset_generate, which may read the cadences
        # The candidate being drawn: their applications and hires, for their follow-ups.
        self._apps: list[AppFacts] = []
        self._hires: list[tuple] = []

    def _id(self, model) -> int:
        value = self.ids[model]
        self.ids[model] = value + 1
        return value

    def _between(self, start: int, end: int) -> int:
        return start + int(self.rng.random() * max(end - start, 1))

    # Organisation: users, companies, leaders, requisitions ---------------------------------

    def organisation(self) -> dict:
        started = time.monotonic()
        rows: dict = {model: [] for model in COLUMNS}
        self._users(rows)
        companies = self._companies(rows)
        leaders = self._leaders(rows, companies)
        self._requisitions(rows, leaders)
        _unshared(rows)
        self.followups.busy_recruiter = self.recruiters[0][0]
        self.followups.snooze_roles(rows, self.busy_roles)
        self.seconds += time.monotonic() - started
        return rows

    def _user(self, rows, username: str, role: str, first: str, last: str, staff=False) -> int:
        user_id = self._id(User)
        joined = self.clock.stamp(self._between(0, DAY_SECONDS * 30))
        rows[User].append(
            (
                user_id,
                self.password,
                None,
                staff,
                username,
                first,
                last,
                f"{username}@agency.{self.tag}.example",
                staff,
                True,
                joined,
                role,
                "",
            )
        )
        return user_id

    def _users(self, rows) -> None:
        rng = self.rng
        # One hash for the whole data set: hashing is deliberately slow.
        self.password = make_password(DATASET_PASSWORD)
        self._user(rows, _admin_username(self.seed), User.Role.ADMIN, "Data", "Admin", True)
        for number in range(1, self.sizes.recruiters + 1):
            first, last = rng.choice(pools.FIRST_NAMES), rng.choice(pools.LAST_NAMES)
            username = recruiter_username(self.seed, number)
            user_id = self._user(rows, username, User.Role.RECRUITER, first, last)
            self.recruiters.append((user_id, f"{first} {last}"))
        self.recruiter_names = dict(self.recruiters)

    def _companies(self, rows) -> list[tuple[int, str]]:
        rng, companies = self.rng, []
        for number in range(1, self.sizes.companies + 1):
            company_id = self._id(Company)
            zone = rng.choice(pools.COMPANIES).time_zone
            name = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_KINDS)} {number}"
            rows[Company].append(
                (
                    company_id,
                    f"{name} ({self.tag})",
                    f"https://c{number}.{self.tag}.example",
                    zone,
                    self.clock.stamp(self._between(0, DAY_SECONDS * 60)),
                )
            )
            companies.append((company_id, zone))
        return companies

    def _leaders(self, rows, companies) -> list[tuple[int, int]]:
        rng, leaders = self.rng, []
        for number in range(self.sizes.leaders):
            company_id, zone = companies[number % len(companies)]
            first, last = rng.choice(pools.FIRST_NAMES), rng.choice(pools.LAST_NAMES)
            user_id = None
            if number % 4 == 0:
                username = f"{self.tag}-leader{number + 1}"
                user_id = self._user(rows, username, User.Role.HIRING_LEADER, first, last)
            leader_id = self._id(HiringLeader)
            email = (
                f"{_ascii_lower(first)}.{_ascii_lower(last)}.{number + 1}"
                f"@c{company_id}.{self.tag}.example"
            )
            rows[HiringLeader].append(
                [
                    leader_id,
                    company_id,
                    user_id,
                    first,
                    last,
                    email,
                    f"+44 20 {number + 1:08d}",
                    rng.choice(JOB_TITLES),
                    zone,
                    None,
                    None,  # last contacted: filled in from the leader's timeline below
                    self.clock.stamp(self._between(0, DAY_SECONDS * 90)),
                ]
            )
            self.leader_first_names[leader_id] = first
            leaders.append((leader_id, company_id))
        return leaders

    def _requisitions(self, rows, leaders) -> None:
        rng, clock = self.rng, self.clock
        last_contact: dict[int, int] = {}
        busy_id, _name = self.recruiters[0]
        for number in range(self.sizes.requisitions):
            busy = number < self.sizes.busy_requisitions
            # The big pipeline's leader (the first) has a login, so the bench can open their page.
            leader_id, company_id = leaders[0] if number == 0 else rng.choice(leaders)
            recruiter_id = busy_id if busy else rng.choice(self.recruiters[1:])[0]
            role = self._role(recruiter_id, open_=busy)
            role.leader = leader_id
            roll = rng.random()
            reason = ""
            if role.status == Requisition.Status.ON_HOLD:
                reason = ON_HOLD_REASONS[int(roll * len(ON_HOLD_REASONS))]
            elif role.status == Requisition.Status.CANCELLED:
                reason = CANCEL_REASONS[int(roll * len(CANCEL_REASONS))]
            closes = role.status in (Requisition.Status.FILLED, Requisition.Status.CANCELLED)
            rows[Requisition].append(
                (
                    role.id,
                    role.title,
                    company_id,
                    leader_id,
                    recruiter_id,
                    role.status,
                    reason,
                    "",
                    rng.choice(pools.CANDIDATE_LOCATIONS)[0],
                    *family_and_seniority(role.title),
                    1 if roll < 0.85 else 2,
                    clock.date(role.opens),
                    clock.date(role.ends) if closes else None,
                    clock.date(role.opens + DAY_SECONDS * 60),
                    f"Must-haves agreed at intake: {rng.choice(pools.SKILLS)}.",
                    clock.stamp(role.opens),
                    clock.stamp(
                        role.ends if role.status != Requisition.Status.OPEN else role.opens
                    ),
                )
            )
            self._requisition_timeline(rows, role, leader_id, reason)
            if rng.random() < FORECAST_SHARE:
                self._forecast(rows, role)
            contacted = self._leader_timeline(rows, role, leader_id)
            if contacted is not None:
                last_contact[leader_id] = max(contacted, last_contact.get(leader_id, 0))
            if rng.random() < 0.3:
                self._commitment(rows, role.recruiter, None, leader_id, role, role.opens)
            (self.busy_roles if busy else self.roles).append(role)
            if role.status == Requisition.Status.OPEN:
                self.followups.open_role(rows, role=role, leader_id=leader_id)
        for leader in rows[HiringLeader]:
            if leader[0] in last_contact:
                leader[10] = clock.stamp(last_contact[leader[0]])
        rows[HiringLeader] = [tuple(leader) for leader in rows[HiringLeader]]

    def _forecast(self, rows, role: _Role) -> None:
        """The range the recruiter gave at kick-off, a day after opening: as wide as recruiters
        make them, and as often wrong. A filled role's actual time sits inside about half the
        time; otherwise mostly past the range's end (optimism is the usual bias)."""
        rng = self.rng
        if role.status == Requisition.Status.FILLED:
            actual = max(1, (role.ends - role.opens) // DAY_SECONDS)
            low = max(1, int(actual * rng.uniform(0.45, 1.15)))
        else:
            low = rng.randint(30, 120)
        high = low + max(7, int(low * rng.uniform(0.3, 0.9)))
        rows[TimeToFillForecast].append(
            (
                self._id(TimeToFillForecast),
                role.id,
                low,
                high,
                rng.choice(FORECAST_REASONS),
                None,
                None,
                None,
                role.recruiter,
                self.clock.stamp(min(role.opens + DAY_SECONDS, self.clock.now - 60)),
                None,
            )
        )

    def _role(self, recruiter_id: int, *, open_: bool = False) -> _Role:
        rng, now = self.rng, self.clock.now
        roll = rng.random()
        if roll < 0.6 or open_:
            status = Requisition.Status.OPEN
        elif roll < 0.7:
            status = Requisition.Status.ON_HOLD
        elif roll < 0.9:
            status = Requisition.Status.FILLED
        else:
            status = Requisition.Status.CANCELLED
        # Opened on a working morning, some time in the last year and a half.
        opens = (now // DAY_SECONDS - rng.randint(1, 540)) * DAY_SECONDS + 9 * 3600
        ends = now - 60
        if status != Requisition.Status.OPEN:
            ends = min(opens + rng.randint(7, 120) * DAY_SECONDS + rng.randint(0, 28800), ends)
        return _Role(
            id=self._id(Requisition),
            title=rng.choice(TITLES),
            recruiter=recruiter_id,
            status=status,
            opens=opens,
            ends=ends,
            hire_pending=status == Requisition.Status.FILLED,
        )

    def _requisition_timeline(self, rows, role: _Role, leader_id: int, reason: str) -> None:
        stamp = self.clock.stamp
        rows[Activity].append(
            (
                self._id(Activity),
                Activity.Kind.REQUISITION,
                None,
                leader_id,
                role.id,
                None,
                role.recruiter,
                stamp(role.opens),
                f"Opened {role.title}",
                "",
            )
        )
        verb = {
            Requisition.Status.ON_HOLD: "Put {} on hold",
            Requisition.Status.FILLED: "Filled {}",
            Requisition.Status.CANCELLED: "Cancelled {}",
        }.get(role.status)
        if verb:
            rows[Activity].append(
                (
                    self._id(Activity),
                    Activity.Kind.REQUISITION,
                    None,
                    leader_id,
                    role.id,
                    None,
                    role.recruiter,
                    stamp(role.ends),
                    verb.format(role.title),
                    reason,
                )
            )

    def _leader_timeline(self, rows, role: _Role, leader_id: int) -> int | None:
        rng, last = self.rng, None
        for _ in range(rng.randint(0, 3)):
            moment = self._between(role.opens, role.ends)
            kind, prefix = rng.choice(LEADER_ACTIVITIES)
            rows[Activity].append(
                (
                    self._id(Activity),
                    kind,
                    None,
                    leader_id,
                    role.id,
                    None,
                    role.recruiter,
                    self.clock.stamp(moment),
                    prefix + role.title,
                    "",
                )
            )
            last = moment if last is None else max(last, moment)
        return last

    # People: candidates and everything that hangs off them ---------------------------------

    def people(self) -> Iterator[tuple[dict, int]]:
        total = self.sizes.candidates
        for first in range(0, total, CHUNK_CANDIDATES):
            started = time.monotonic()
            count = min(CHUNK_CANDIDATES, total - first)
            rows: dict = {model: [] for model in BIG_TABLES}
            for number in range(first + 1, first + count + 1):
                self._candidate(rows, number)
            self.followups.snoozes(rows)
            _unshared(rows)
            self.seconds += time.monotonic() - started
            yield rows, count

    def _candidate(self, rows, number: int) -> None:
        rng, clock = self.rng, self.clock
        first, last = rng.choice(pools.FIRST_NAMES), rng.choice(pools.LAST_NAMES)
        candidate_id = self._id(Candidate)
        self._apps, self._hires = [], []
        roles = self._roles_for_candidate()
        busy_role = self._busy_role(number)
        if busy_role is not None:
            # In recruiter1's book: their requisition comes first, so they own this candidate.
            roles = [busy_role, *roles[1:]]
        if roles:
            recruiter_id = roles[0].recruiter
            starts = [self._between(r.opens, r.opens + (r.ends - r.opens) * 4 // 5) for r in roles]
            created = min(starts) - rng.randint(600, 30 * DAY_SECONDS)
        else:
            recruiter_id = rng.choice(self.recruiters[1:])[0]
            starts = []
            created = clock.now - rng.randint(DAY_SECONDS, (HISTORY_DAYS - 1) * DAY_SECONDS)
        created = max(created, 0)
        source = SOURCE_SLOTS[rng.randrange(len(SOURCE_SLOTS))]
        owner_name = self.recruiter_names[recruiter_id]
        rows[Activity].append(
            (
                self._id(Activity),
                Activity.Kind.NOTE,
                candidate_id,
                None,
                None,
                None,
                recruiter_id,
                clock.stamp(created),
                f"Added to RecruitCRM by {owner_name} (source: {SOURCE_LABELS[source]})",
                "",
            )
        )
        for role, start in zip(roles, starts, strict=True):
            self._application(
                rows, candidate_id, (last, first), role, start, active=role is busy_role
            )
        contacted = self._contacts(rows, candidate_id, recruiter_id, roles, created)
        opted_out = None
        if rng.random() < 0.03:
            opted_out = clock.stamp(self._between(created, clock.now - 60))
        if rng.random() < 0.08:
            self._commitment(
                rows, recruiter_id, candidate_id, None, roles[0] if roles else None, created
            )
        email = ""
        if rng.random() >= 0.08:  # about one in twelve never gave an email address
            email = f"{_ascii_lower(first)}.{_ascii_lower(last)}.{number}@{self.tag}.example"
        location, zone = rng.choice(pools.CANDIDATE_LOCATIONS)
        self._followups(rows, candidate_id, recruiter_id, bool(email) and not opted_out, contacted)
        rows[Candidate].append(
            (
                candidate_id,
                first,
                last,
                email,
                f"+1 555 {number:07d}",
                f"1555{number:07d}",
                f"{rng.choice(pools.HEADLINE_ROLES)} at {rng.choice(pools.HEADLINE_EMPLOYERS)}",
                location,
                zone,
                source,
                recruiter_id,
                opted_out,
                clock.stamp(contacted) if contacted is not None else None,
                clock.stamp(created),
                clock.stamp(created),
            )
        )

    def _followups(self, rows, candidate_id, owner, reachable, contacted) -> None:
        followups = self.followups
        followups.candidate(
            rows,
            candidate_id=candidate_id,
            owner=owner,
            reachable=reachable,
            apps=self._apps,
            contacted=contacted,
        )
        for placement_id, app, start in self._hires:
            followups.placement(
                rows,
                placement_id=placement_id,
                candidate_id=candidate_id,
                reachable=reachable,
                app=app,
                start=(start - self.clock.origin).days * DAY_SECONDS,
            )

    def _busy_role(self, number: int) -> _Role | None:
        """Recruiter1's requisition for candidate `number` when it is in their book, else None.

        The book is every n-th candidate, so it spreads over the whole data set; its first
        `big_pipeline` members make the big pipeline.
        """
        sizes = self.sizes
        if not sizes.busy_book or number % (sizes.candidates // sizes.busy_book):
            return None
        place = number // (sizes.candidates // sizes.busy_book) - 1
        if place >= sizes.busy_book:
            return None
        if place < sizes.big_pipeline:
            return self.busy_roles[0]
        others = self.busy_roles[1:] or self.busy_roles
        return others[place % len(others)]

    def _roles_for_candidate(self) -> list[_Role]:
        rng = self.rng
        roles = self.roles
        count = min(APPLICATION_COUNTS[rng.randrange(len(APPLICATION_COUNTS))], len(roles))
        picked: list[_Role] = []
        # Distinct requisitions, so a candidate is never twice in one pipeline.
        while len(picked) < count:
            role = roles[rng.randrange(len(roles))]
            if all(role is not other for other in picked):
                picked.append(role)
        return picked

    def _application(
        self,
        rows,
        candidate_id: int,
        name: tuple[str, str],
        role: _Role,
        start: int,
        *,
        active: bool = False,
    ) -> None:
        rng = self.rng
        hired = role.hire_pending
        role.hire_pending = False
        outcome, reason, closes = Application.Outcome.ACTIVE, "", None
        if hired:
            reached = HIRED
        else:
            reached = STAGE_REACHED[rng.randrange(len(STAGE_REACHED))]
            # An application in recruiter1's book (always an open requisition) stays active.
            roll = 1.0 if active else rng.random()
            if role.status in (Requisition.Status.FILLED, Requisition.Status.CANCELLED):
                outcome = Application.Outcome.REJECTED
                if roll < 0.75:
                    closes = role.ends
                    filled = role.status == Requisition.Status.FILLED
                    reason = (
                        pools.FILLED_ELSEWHERE_REASON if filled else pools.CANCELLED_ROLE_REASON
                    )
            elif roll < 0.12:
                outcome = Application.Outcome.REJECTED
            elif roll < 0.18:
                outcome = Application.Outcome.WITHDRAWN
            if outcome != Application.Outcome.ACTIVE and not reason:
                choices = (
                    pools.REJECTION_REASONS
                    if outcome == Application.Outcome.REJECTED
                    else pools.WITHDRAWAL_REASONS
                )
                reason = choices[rng.randrange(len(choices))]
        events = reached + 1 + (outcome != Application.Outcome.ACTIVE and closes is None)
        moments = self._steps(start, closes or role.ends, events)
        if outcome != Application.Outcome.ACTIVE and closes is None:
            closes = moments.pop()
        self._write_application(
            rows, candidate_id, name, role, reached, moments, outcome, reason, closes
        )

    def _steps(self, start: int, end: int, count: int) -> list[int]:
        """`count` increasing moments from start to no later than end."""
        gap = max((end - start) // (count + 1), 1)
        return [start + step * gap + int(self.rng.random() * gap) for step in range(count)]

    def _write_application(
        self, rows, candidate_id, name, role, reached, moments, outcome, reason, closes
    ) -> None:
        stamp, title, by = self.clock.stamp, role.title, role.recruiter
        application_id = self._id(Application)
        hired_at = stamp(moments[-1]) if reached == HIRED else None
        rows[Application].append(
            (
                application_id,
                candidate_id,
                role.id,
                STAGES[reached],
                outcome,
                reason,
                stamp(closes) if closes is not None else None,
                hired_at,
                stamp(moments[-1]),
                stamp(moments[0]),
                *name,  # last name, first name: the list's name sort, kept on the application
            )
        )
        facts = AppFacts(application_id, role, moments, [], reached, outcome, closes, None)
        self._apps.append(facts)
        for rank, moment in enumerate(moments):
            if rank == 0:
                summary = f"Added to {title} as {STAGE_LABELS[0]}"
            else:
                summary = f"{title}: {STAGE_LABELS[rank - 1]} → {STAGE_LABELS[rank]}"
            when = stamp(moment)
            facts.change_ids.append(self._id(ApplicationStageChange))
            rows[ApplicationStageChange].append(
                (
                    facts.change_ids[-1],
                    application_id,
                    STAGES[rank - 1] if rank else "",
                    STAGES[rank],
                    Application.Outcome.ACTIVE,
                    by,
                    when,
                    "",
                )
            )
            rows[Activity].append(
                (
                    self._id(Activity),
                    Activity.Kind.STAGE_CHANGE,
                    candidate_id,
                    None,
                    role.id,
                    application_id,
                    by,
                    when,
                    summary,
                    "",
                )
            )
        if closes is not None:
            facts.close_change_id = self._close(
                rows, candidate_id, role, application_id, reached, outcome, reason, closes
            )
        if reached == HIRED:
            self._placement(rows, candidate_id, role, facts, moments[-1])

    def _close(self, rows, candidate_id, role, application_id, reached, outcome, reason, closes):
        when = self.clock.stamp(closes)
        stage = STAGES[reached]
        change_id = self._id(ApplicationStageChange)
        rows[ApplicationStageChange].append(
            (
                change_id,
                application_id,
                stage,
                stage,
                outcome,
                role.recruiter,
                when,
                reason,
            )
        )
        rows[Activity].append(
            (
                self._id(Activity),
                Activity.Kind.STAGE_CHANGE,
                candidate_id,
                None,
                role.id,
                application_id,
                role.recruiter,
                when,
                f"{role.title}: {Application.Outcome(outcome).label}",
                reason,
            )
        )
        return change_id

    def _placement(self, rows, candidate_id, role, facts: AppFacts, hired: int) -> None:
        application_id = facts.id
        start = self.clock.day(hired) + timedelta(days=self.rng.randint(14, 45))
        when = self.clock.stamp(hired)
        placement_id = self._id(Placement)
        self._hires.append((placement_id, facts, start))
        rows[Placement].append(
            (placement_id, application_id, start.isoformat(), role.recruiter, when, None, "")
        )
        rows[Activity].append(
            (
                self._id(Activity),
                Activity.Kind.PLACEMENT,
                candidate_id,
                None,
                role.id,
                application_id,
                role.recruiter,
                when,
                f"Placed in {role.title}, starting {start:%d %b %Y}",
                "",
            )
        )

    def _contacts(self, rows, candidate_id, recruiter_id, roles, created) -> int | None:
        rng, last = self.rng, None
        for _ in range((0, 0, 1, 1, 2)[rng.randrange(5)]):
            moment = self._between(created, self.clock.now - 60)
            kind, prefix = CONTACT_ACTIVITIES[rng.randrange(len(CONTACT_ACTIVITIES))]
            role = roles[rng.randrange(len(roles))] if roles else None
            rows[Activity].append(
                (
                    self._id(Activity),
                    kind,
                    candidate_id,
                    None,
                    role.id if role else None,
                    None,
                    recruiter_id,
                    self.clock.stamp(moment),
                    prefix + (role.title if role else "new roles"),
                    "",
                )
            )
            last = moment if last is None else max(last, moment)
        return last

    def _commitment(self, rows, recruiter_id, candidate_id, leader_id, role, since: int) -> None:
        rng, clock = self.rng, self.clock
        now, day = clock.now, DAY_SECONDS
        roll = rng.random()
        kept = None
        if roll < 0.2:  # still open and overdue
            due = now - rng.randint(3600, 14 * day)
        elif roll < 0.4:  # still open, due in the next two weeks
            due = now + rng.randint(3600, 14 * day)
        else:
            due = now - rng.randint(15 * day, 300 * day)
            late = roll >= 0.88
            kept = due + rng.randint(3600, 4 * day) if late else due - rng.randint(600, 2 * day)
        due = max(due, since + 2 * day)
        if kept is not None:
            kept = min(max(kept, since + day + 600), now - 60)
        made = max(since + 600, due - rng.randint(day, 7 * day))
        if kept is not None:
            made = min(made, kept - 300)
        made = min(made, now - 120)
        title = role.title if role else "new roles"
        if candidate_id is not None:
            description = f"Call back with next steps on {title}"
        else:
            description = f"Send {self.leader_first_names[leader_id]} more profiles for {title}"
        commitment_id = self._id(Commitment)
        self.followups.promise(
            commitment_id=commitment_id, recruiter=recruiter_id, due=due, kept=kept is not None
        )
        rows[Commitment].append(
            (
                commitment_id,
                recruiter_id,
                candidate_id,
                leader_id,
                role.id if role else None,
                description,
                clock.stamp(due),
                Commitment.Status.KEPT if kept is not None else Commitment.Status.OPEN,
                clock.stamp(kept) if kept is not None else None,
                clock.stamp(made),
            )
        )
        due_day = clock.day(due)
        entries = [(made, f"Promised: {description} (by {due_day:%a %d %b})")]
        if kept is not None:
            entries.append((kept, f"Kept ({'late' if kept > due else 'on time'}): {description}"))
        for moment, summary in entries:
            rows[Activity].append(
                (
                    self._id(Activity),
                    Activity.Kind.COMMITMENT,
                    candidate_id,
                    leader_id,
                    role.id if role else None,
                    None,
                    recruiter_id,
                    clock.stamp(moment),
                    summary,
                    "",
                )
            )


# ---------------------------------------------------------------------------------------------
# Writing rows
# ---------------------------------------------------------------------------------------------


def _writer_for(conn, report: Report):
    if conn.vendor == "postgresql":
        return _CopyWriter(conn, report)
    return _BulkWriter(conn, report)


class _BulkWriter:
    """Any database: bulk_create in batches. The indexes stay; slower, and fine for tests."""

    batch_size = 2000

    def __init__(self, conn, report: Report):
        self.conn, self.report = conn, report

    def lock(self, models_) -> None:
        """Nothing to do: SQLite's write transaction already keeps other writers out."""

    def write(self, model, rows) -> None:
        if not rows:
            return
        started = time.monotonic()
        columns = COLUMNS[model]
        model.objects.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows],
            batch_size=self.batch_size,
        )
        table = self.report.table(model)
        table.rows += len(rows)
        table.load_seconds += time.monotonic() - started

    def deferred_indexes(self, models_, progress, *, enabled: bool):
        return _nothing()

    def finish(self, models_, progress) -> None:
        _reset_sequences(self.conn, models_)


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class _CopyWriter:
    """PostgreSQL: COPY … FROM STDIN, with the big tables' indexes rebuilt after the load."""

    def __init__(self, conn, report: Report):
        self.conn, self.report = conn, report
        self.cursor = conn.cursor()

    def lock(self, models_) -> None:
        tables = ", ".join(self.conn.ops.quote_name(m._meta.db_table) for m in models_)
        # Readers carry on; writers wait until the data set is committed.
        self.cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
        # Rebuilding indexes of millions of rows wants memory more than anything else.
        self.cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")

    def write(self, model, rows) -> None:
        if not rows:
            return
        started = time.monotonic()
        quote = self.conn.ops.quote_name
        columns = ", ".join(quote(model._meta.get_field(name).column) for name in COLUMNS[model])
        sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        buffer = io.StringIO()
        buffer.writelines(
            "\t".join(["\\N" if value is None else str(value) for value in row]) + "\n"
            for row in rows
        )
        buffer.seek(0)
        raw = self.cursor.cursor
        if hasattr(raw, "copy_expert"):  # psycopg2
            raw.copy_expert(sql, buffer, size=1 << 20)
        else:  # psycopg 3
            with raw.copy(sql) as copy:
                copy.write(buffer.getvalue())
        table = self.report.table(model)
        table.rows += len(rows)
        table.load_seconds += time.monotonic() - started

    def deferred_indexes(self, models_, progress, *, enabled: bool):
        if not enabled:
            progress("  small load next to a large data set: indexes stay in place")
            return _nothing()
        progress("  dropping secondary indexes and constraints of the big tables for the load")
        return _DeferredIndexes(self, models_, progress)

    def finish(self, models_, progress) -> None:
        _reset_sequences(self.conn, models_)
        progress("  analyzing tables…")
        for model in models_:
            self.cursor.execute(f"ANALYZE {self.conn.ops.quote_name(model._meta.db_table)}")


class _DeferredIndexes:
    """Drops secondary indexes, unique and foreign-key constraints; restores them on exit.

    Their definitions come from the catalog (pg_get_indexdef / pg_get_constraintdef), so they
    come back exactly as migrations made them, under the same names. Primary keys and check
    constraints stay: both are cheap per row. Re-adding a constraint validates every row.
    """

    def __init__(self, writer: _CopyWriter, models_, progress):
        self.writer, self.models, self.progress = writer, models_, progress
        self.saved: list[tuple[type[models.Model], str, str]] = []  # (model, kind, sql)

    def __enter__(self):
        cursor = self.writer.cursor
        # Dropping a foreign key alters the table it points at too, which PostgreSQL refuses
        # while checks deferred to commit are pending there: run those checks now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for model in self.models:
            table = self.writer.conn.ops.quote_name(model._meta.db_table)
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC",
                [table],
            )
            constraints = cursor.fetchall()
            cursor.execute(
                "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i "
                "WHERE indrelid = %s::regclass AND NOT indisprimary AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid "
                "AND c.conrelid = i.indrelid)",
                [table],
            )
            indexes = cursor.fetchall()
            for name, definition, _kind in constraints:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                sql = f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
                self.saved.append((model, "constraint", sql))
            for name, definition in indexes:
                cursor.execute(f"DROP INDEX {name}")
                self.saved.append((model, "index", definition))
            # Row by row, what the triggers keep (candidates' search prefixes, pipelines'
            # stamps) would cost more than the load; __exit__ makes it whole set-wise.
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is not None:
            return False  # the transaction rolls back, and the indexes with it
        cursor = self.writer.cursor
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Indexes and unique constraints first, so foreign keys check against finished tables.
        order = sorted(self.saved, key=lambda item: "FOREIGN KEY" in item[2])
        for model, _kind, sql in order:
            started = time.monotonic()
            cursor.execute(sql)
            self.writer.report.table(model).index_seconds += time.monotonic() - started
        for model in self.models:
            cursor.execute(
                f"ALTER TABLE {self.writer.conn.ops.quote_name(model._meta.db_table)} "
                "ENABLE TRIGGER USER"
            )
        # A new data set's pipelines keep stamp 0 (nothing was cached under any stamp yet);
        # the candidates' search prefixes are made from all of them.
        if Candidate in self.models:
            started = time.monotonic()
            name_prefixes.refill(cursor)
            self.writer.report.table(Candidate).index_seconds += time.monotonic() - started
        # Back to Django's way: foreign keys checked at commit.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for model in self.models:
            seconds = self.writer.report.table(model).index_seconds
            self.progress(
                f"  rebuilt indexes and constraints of {model._meta.db_table}: {seconds:.1f}s"
            )
        return False


def _reset_sequences(conn, models_) -> None:
    statements = conn.ops.sequence_reset_sql(no_style(), models_)
    with conn.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
