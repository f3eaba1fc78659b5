"""Plays out the demo agency of sample_data/demo_data.py through the services.

The story-carrying writes (candidates, pipelines and their history, timelines, promises, hires,
requisition changes) go through candidates/services.py and hiring_leaders/services.py, so the
demo holds exactly the rows the app itself would write. Services stamp those rows with the
present moment, but the demo tells months of history in a few seconds, so right after each call
the rows it just wrote are moved to the moment the story says it happened (see `_Story`).

Everything is drawn from one seeded `random.Random`, and relative to the moment the seed runs,
so the demo is the same every time and always looks current.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Replace
from django.utils import timezone

from candidates import services as candidate_services
from candidates.models import (
    Activity,
    Application,
    ApplicationStageChange,
    Candidate,
    Commitment,
    Placement,
    Stage,
)
from followups.models import Cadence, CheckInResponse, FollowUp, Trigger
from followups.services import (
    checkin_answer,
    checkin_review,
    followups_schedule_recurring,
    person_opt_out,
)
from followups.services.leaders import WAITING_KEY, feedback_overdue_after
from hiring_leaders import services as requisition_services
from hiring_leaders.models import Company, HiringLeader, Requisition
from recruitcrm.models import User
from sample_data import demo_analytics, demo_forecasts, demo_kits
from sample_data import demo_data as data

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)

# Cadences whose services anchor the schedule on the moment of the call rather than on the
# moment the event happened in the story (see `_touches_paused_for_history`).
WALL_CLOCK_TRIGGERS = (
    Trigger.STAGE_ENTERED,
    Trigger.APPLICATION_CLOSED,
    Trigger.REQUISITION_ON_HOLD,
    Trigger.REQUISITION_REOPENED,
    Trigger.REQUISITION_FILLED,
    Trigger.REQUISITION_CANCELLED,
)


class DemoConflict(Exception):
    """Part of the demo exists, or a demo name is taken by someone else's data."""


def demo_logins() -> list[data.Login]:
    leaders = []
    for spec in data.LEADERS:
        if spec.username:
            company = _company_spec(spec.company)
            leaders.append(
                data.Login(
                    spec.username,
                    spec.first_name,
                    spec.last_name,
                    User.Role.HIRING_LEADER,
                    company.time_zone,
                    f"progress pages for the {company.name} roles they own, nothing else",
                )
            )
    return [data.ADMIN, *data.RECRUITERS, *leaders]


def demo_exists() -> bool:
    """True when the demo is already there; DemoConflict when only some of it is."""
    usernames = [login.username for login in demo_logins()]
    taken = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    names = [spec.name for spec in data.COMPANIES]
    companies = Company.objects.filter(name__in=names).count()
    if not taken and not companies:
        return False
    if len(taken) == len(usernames) and companies == len(names):
        return True
    raise DemoConflict(
        "Part of the demo is missing or its names are taken: "
        f"users present {sorted(taken) or 'none'} of {usernames}, "
        f"{companies} of {len(names)} demo companies. "
        "Seed into a fresh database (or remove those rows) and run seed_demo again."
    )


@transaction.atomic
def demo_seed(*, seed: int = data.RANDOM_SEED) -> dict[str, int]:
    """Build the whole demo agency in one transaction; returns row counts per kind."""
    story = _Story(random.Random(seed), now=timezone.now())
    story.play()
    return story.counts()


@contextmanager
def _touches_paused_for_history() -> Iterator[None]:
    """Record months of history without the touches it would have triggered at the time.

    A stage change recorded by the seed is anchored on the real clock by the follow-up engine,
    so "status update, right away" for a move made in the story six weeks ago would be due now:
    the first dispatcher tick would mail hundreds of stale updates. Those touches belong to the
    story's past and count as handled. Only the cadences anchored on the wall clock are paused,
    inside the seed's transaction (nobody else ever sees them off); placement check-ins, weekly
    leader updates and commitment reminders are anchored on dates that are true in the story
    and are scheduled by the services as usual.
    """
    paused = list(
        Cadence.objects.filter(trigger__in=WALL_CLOCK_TRIGGERS, enabled=True).values_list(
            "pk", flat=True
        )
    )
    Cadence.objects.filter(pk__in=paused).update(enabled=False)
    try:
        yield
    finally:
        Cadence.objects.filter(pk__in=paused).update(enabled=True)


def _company_spec(key: str) -> data.CompanySpec:
    return next(spec for spec in data.COMPANIES if spec.key == key)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


@dataclass
class _Role:
    """One requisition and the stretch of time its pipeline moved in."""

    spec: data.RequisitionSpec
    requisition: Requisition
    opened_at: datetime
    # Pipelines stop moving when the role is filled, cancelled or put on hold.
    ends_at: datetime
    hired_at: datetime | None = None
    start_offset: int | None = None
    pipelines: list[_Pipeline] = field(default_factory=list)


@dataclass
class _Person:
    """A candidate before they exist in the database, with what will happen to them."""

    first_name: str
    last_name: str
    email: str
    phone: str
    headline: str
    location: str
    time_zone: str
    source: str
    applications: list[_Pipeline] = field(default_factory=list)
    candidate: Candidate | None = None
    owner: User | None = None
    created_at: datetime | None = None


@dataclass
class _Pipeline:
    """One application: the stages it passes through and when, and how it ends."""

    person: _Person
    role: _Role
    stages: list[str]
    moments: list[datetime]
    hired: bool = False
    outcome: str = Application.Outcome.ACTIVE
    reason: str = ""
    closed_at: datetime | None = None
    application: Application | None = None


def _stage_at(pipeline: _Pipeline, moment: datetime) -> str:
    reached = [
        stage for stage, at in zip(pipeline.stages, pipeline.moments, strict=True) if at <= moment
    ]
    return reached[-1] if reached else pipeline.stages[0]


def _fitting(
    words: str, choices: tuple, pipeline: _Pipeline, moment: datetime, early: tuple = ()
) -> str:
    """`words` if they can be true of the candidate at that moment, else another of the same
    kind that can, chosen by the first's place (the story's random draws stay as they were)."""
    stage = Application.stage_rank(_stage_at(pipeline, moment))

    def fits(line: str) -> bool:
        return Application.stage_rank(data.CANDIDATE_WORDS_FROM.get(line, "sourced")) <= stage

    if fits(words):
        return words
    fitting = [line for line in choices if fits(line)] or list(early)
    return fitting[choices.index(words) % len(fitting)]


class _Story:
    def __init__(self, rng: random.Random, *, now: datetime):
        self.rng = rng
        # Every moment of the story is before `now`, and every row a service stamps is at or
        # after it, so "this object's rows stamped since now" are exactly the rows to backdate.
        self.now = now
        self.today = timezone.localdate(now)
        self.latest = now - timedelta(minutes=5)
        self.users: dict[str, User] = {}
        self.companies: dict[str, Company] = {}
        self.leaders: dict[str, HiringLeader] = {}
        self.roles: list[_Role] = []
        self.people: list[_Person] = []

    def play(self) -> None:
        """The whole story, oldest facts first, then the candidates it left gone quiet."""
        self._users()
        self._companies_and_leaders()
        with _touches_paused_for_history():
            self._requisitions()
            self._plan_people()
            self._create_candidates()
            for person in self.people:
                for pipeline in person.applications:
                    self._play_pipeline(pipeline)
            self._close_requisitions()
            demo_forecasts.play(self)
            demo_analytics.play(self)
            demo_kits.play(self)
            self._candidate_timelines()
            self._leader_timelines()
            self._commitments()
            self._opt_outs()
            self._post_hire_answers()
        self._gone_quiet()

    def _gone_quiet(self) -> None:
        """Beat first expands "gone quiet" a whole interval after the app starts: until then
        Today would tell each recruiter nobody has gone quiet while the story left dozens so.
        Beat's own expansion, run once now; next to a generated data set it sweeps that too, in
        the run's bounded time, and beat carries on where it stopped."""
        followups_schedule_recurring()

    def counts(self) -> dict[str, int]:
        return {
            "users": User.objects.count(),
            "companies": Company.objects.count(),
            "hiring leaders": HiringLeader.objects.count(),
            "requisitions": Requisition.objects.count(),
            "candidates": Candidate.objects.count(),
            "applications": Application.objects.count(),
            "stage changes": ApplicationStageChange.objects.count(),
            "activities": Activity.objects.count(),
            "commitments": Commitment.objects.count(),
            "placements": Placement.objects.count(),
            "follow-ups": FollowUp.objects.count(),
        }

    # Time ----------------------------------------------------------------------------------

    def _at_work(self, moment: datetime, zone: str, *, past: bool = True) -> datetime:
        """The same local day at a plausible working hour; in the past unless told otherwise."""
        tz = ZoneInfo(zone or "UTC")
        day = timezone.localtime(moment, tz).date()
        minutes = self.rng.randrange(8 * 60 + 30, 18 * 60)
        worked = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=tz)
        return min(worked, self.latest) if past else worked

    def _moments(self, start: datetime, end: datetime, count: int, zone: str) -> list[datetime]:
        """`count` ordered moments between start and end, at working hours where they fit."""
        end = min(end, self.latest)
        start = min(start, end - timedelta(minutes=1))
        span = max((end - start).total_seconds(), 60.0)
        raw = sorted(start + timedelta(seconds=self.rng.uniform(0, span)) for _ in range(count))
        moments = []
        for moment in raw:
            worked = self._at_work(moment, zone)
            moments.append(worked if start <= worked <= end else moment)
        return sorted(moments)

    def _day_start(self, day: date, zone: str) -> datetime:
        return datetime.combine(day, time(9, 0), tzinfo=ZoneInfo(zone or "UTC"))

    # People and organisations --------------------------------------------------------------

    def _users(self) -> None:
        # One hash for everyone: hashing is deliberately slow and the password is shared anyway.
        password = make_password(data.DEMO_PASSWORD)
        for login in demo_logins():
            is_admin = login.role == User.Role.ADMIN
            self.users[login.username] = User.objects.create(
                username=login.username,
                first_name=login.first_name,
                last_name=login.last_name,
                email=f"{login.username}@brightpath.example",
                role=login.role,
                time_zone=login.time_zone,
                is_staff=is_admin,
                is_superuser=is_admin,
                password=password,
                date_joined=self.now - timedelta(days=420),
            )

    def _companies_and_leaders(self) -> None:
        for number, spec in enumerate(data.COMPANIES):
            company = Company.objects.create(
                name=spec.name, website=f"https://www.{spec.domain}", time_zone=spec.time_zone
            )
            joined = self.now - timedelta(days=400 - 20 * number)
            Company.objects.filter(pk=company.pk).update(created_at=joined)
            self.companies[spec.key] = company
        for number, spec in enumerate(data.LEADERS):
            company_spec = _company_spec(spec.company)
            leader = HiringLeader.objects.create(
                company=self.companies[spec.company],
                user=self.users.get(spec.username),
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=f"{_ascii(spec.first_name)}.{_ascii(spec.last_name)}@{company_spec.domain}",
                phone=f"+1 555 0{number:02d} {self.rng.randrange(1000, 9999)}",
                job_title=spec.job_title,
                time_zone=company_spec.time_zone,
            )
            joined = self.now - timedelta(days=390 - 10 * number)
            HiringLeader.objects.filter(pk=leader.pk).update(created_at=joined)
            self.leaders[f"{spec.first_name} {spec.last_name}"] = leader

    def _requisitions(self) -> None:
        filled_starts = iter(data.FILLED_START_OFFSETS)
        open_starts = iter(data.OPEN_ROLE_START_OFFSETS)
        for spec in data.REQUISITIONS:
            start_offset = None
            if spec.status == data.FILLED:
                start_offset = next(filled_starts)
            elif spec.openings > 1:
                start_offset = next(open_starts)
            self.roles.append(self._open_requisition(spec, start_offset))

    def _plan_role(
        self, spec: data.RequisitionSpec, start_offset: int | None, zone: str
    ) -> tuple[date, datetime | None, datetime]:
        """When the role opened, when its hire was made, and when its pipeline stopped moving."""
        rng, today = self.rng, self.today
        hired_at, ends_at = None, self.latest
        if spec.status == data.FILLED:
            hired_day = today + timedelta(days=start_offset - rng.randint(14, 28))
            hired_day = min(hired_day, today - 2 * DAY)
            opened_on = hired_day - timedelta(days=rng.randint(35, 75))
            hired_at = self._at_work(self._day_start(hired_day, zone), zone)
            ends_at = hired_at + timedelta(days=rng.randint(0, 2), minutes=rng.randint(10, 90))
        elif start_offset is not None:
            opened_on = today - timedelta(days=rng.randint(55, 90))
            hired_at = self._at_work(self.now - timedelta(days=rng.randint(3, 12)), zone)
        elif spec.status == data.CANCELLED:
            opened_on = today - timedelta(days=rng.randint(60, 150))
            ends_at = self._day_start(opened_on, zone) + timedelta(days=rng.randint(20, 50))
            ends_at = self._at_work(min(ends_at, self.now - 3 * DAY), zone)
        elif spec.status == data.ON_HOLD:
            opened_on = today - timedelta(days=rng.randint(45, 110))
            ends_at = self._at_work(self.now - timedelta(days=rng.randint(8, 30)), zone)
        else:
            opened_on = today - timedelta(days=rng.randint(4, 100))
        return opened_on, hired_at, min(ends_at, self.latest)

    def _open_requisition(self, spec: data.RequisitionSpec, start_offset: int | None) -> _Role:
        rng = self.rng
        leader = self.leaders[spec.leader]
        company_spec = next(c for c in data.COMPANIES if c.name == leader.company.name)
        zone = company_spec.time_zone
        opened_on, hired_at, ends_at = self._plan_role(spec, start_offset, zone)
        requisition = requisition_services.requisition_open(
            title=spec.title,
            company=leader.company,
            hiring_leader=leader,
            recruiter=self.users[spec.recruiter],
            opened_on=opened_on,
            location=rng.choice((company_spec.location, f"{company_spec.location} (hybrid)")),
            openings=spec.openings,
            target_fill_date=opened_on + timedelta(days=rng.randint(45, 75)),
            intake_notes=data.INTAKE_NOTES.format(
                skill=rng.choice(data.SKILLS), leader=leader.first_name
            ),
        )
        opened_at = self._day_start(opened_on, zone)
        Requisition.objects.filter(pk=requisition.pk).update(
            created_at=opened_at, updated_at=opened_at
        )
        self._backdate_requisition_activity(requisition, opened_at)
        return _Role(spec, requisition, opened_at, ends_at, hired_at, start_offset)

    # Planning who applies where ------------------------------------------------------------

    def _plan_people(self) -> None:
        rng = self.rng
        emails: set[str] = set()
        for number in range(data.CANDIDATE_COUNT):
            self.people.append(self._invent_person(number, emails))
        in_pipelines = self.people[: int(len(self.people) * 0.8)]
        sizes = {data.OPEN: (14, 24), data.ON_HOLD: (9, 14), data.FILLED: (12, 18)}
        for role in self.roles:
            low, high = sizes.get(role.spec.status, (6, 10))
            applicants = rng.sample(in_pipelines, rng.randint(low, high))
            hire = applicants[0] if role.hired_at else None
            for person in applicants:
                pipeline = self._plan_pipeline(person, role, hired=person is hire)
                person.applications.append(pipeline)
                role.pipelines.append(pipeline)
        for number, person in enumerate(self.people):
            self._plan_arrival(person, number)

    def _invent_person(self, number: int, emails: set[str]) -> _Person:
        rng = self.rng
        first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
        email = ""
        if rng.random() >= 0.08:  # about one in twelve candidates never gave an email
            local = rng.choice((f"{first}.{last}", f"{first[0]}{last}", f"{first}{last[0]}"))
            email = f"{_ascii(local)}@{rng.choice(data.EMAIL_DOMAINS)}"
            while email in emails:
                email = email.replace("@", f"{rng.randint(1, 99)}@", 1)
            emails.add(email)
        location, zone = rng.choice(data.CANDIDATE_LOCATIONS)
        role = rng.choice(data.HEADLINE_ROLES)
        return _Person(
            first_name=first,
            last_name=last,
            email=email,
            phone=f"+1 555 {100 + number // 100:03d} {number % 100:02d}{rng.randint(10, 99)}",
            headline=f"{role} at {rng.choice(data.HEADLINE_EMPLOYERS)}",
            location=location,
            time_zone=zone,
            source=rng.choices(*zip(*data.SOURCES, strict=True))[0],
        )

    def _plan_pipeline(self, person: _Person, role: _Role, *, hired: bool) -> _Pipeline:
        rng, stages = self.rng, Stage.values
        status = role.spec.status
        end = role.hired_at - 6 * HOUR if hired else role.ends_at
        start = role.opened_at + timedelta(hours=rng.randint(2, 72))
        start = min(start, end - DAY)
        if hired:
            reached = stages[: stages.index(Stage.OFFER) + 1]
        else:
            weights = data.ACTIVE_STAGE_WEIGHTS
            target = rng.choices([s for s, _ in weights], [w for _, w in weights])[0]
            reached = stages[: stages.index(target) + 1]
        zone = role.requisition.company.time_zone
        first = start + (end - start) * rng.uniform(0, 0.6)
        moments = self._moments(first, end, len(reached), zone)
        pipeline = _Pipeline(person, role, list(reached), moments, hired=hired)
        if hired:
            return pipeline
        roll = rng.random()
        if roll < 0.12:
            pipeline.outcome = Application.Outcome.REJECTED
            pipeline.reason = rng.choice(data.REJECTION_REASONS)
        elif roll < 0.19:
            pipeline.outcome = Application.Outcome.WITHDRAWN
            pipeline.reason = rng.choice(data.WITHDRAWAL_REASONS)
        elif status in (data.FILLED, data.CANCELLED):
            # Whoever is still in play when the role closes is told so at that moment.
            pipeline.outcome = Application.Outcome.REJECTED
            filled = status == data.FILLED
            pipeline.reason = data.FILLED_ELSEWHERE_REASON if filled else data.CANCELLED_ROLE_REASON
            pipeline.closed_at = role.ends_at
        if pipeline.outcome != Application.Outcome.ACTIVE and pipeline.closed_at is None:
            pipeline.closed_at = min(moments[-1] + timedelta(days=rng.randint(1, 6)), end)
        return pipeline

    def _plan_arrival(self, person: _Person, number: int) -> None:
        rng = self.rng
        recruiters = [self.users[login.username] for login in data.RECRUITERS]
        if person.applications:
            first = min(p.moments[0] for p in person.applications)
            arrival = first - timedelta(minutes=rng.randint(10, 60 * 24 * 20))
            person.owner = person.applications[0].role.requisition.recruiter
        else:
            first = self.latest
            arrival = self.now - timedelta(days=rng.randint(5, 500), hours=rng.random())
            person.owner = recruiters[number % len(recruiters)]
        worked = self._at_work(arrival, person.time_zone)
        person.created_at = worked if worked < first else arrival

    # Playing it through the services --------------------------------------------------------

    def _create_candidates(self) -> None:
        for person in self.people:
            candidate = candidate_services.candidate_create(
                by=person.owner,
                first_name=person.first_name,
                last_name=person.last_name,
                email=person.email,
                phone=person.phone,
                headline=person.headline,
                location=person.location,
                time_zone=person.time_zone,
                source=person.source,
            )
            when = person.created_at
            Candidate.objects.filter(pk=candidate.pk).update(created_at=when, updated_at=when)
            Activity.objects.filter(candidate=candidate).update(occurred_at=when)
            person.candidate = candidate

    def _play_pipeline(self, pipeline: _Pipeline) -> None:
        recruiter = pipeline.role.requisition.recruiter
        application = candidate_services.application_create(
            candidate=pipeline.person.candidate,
            requisition=pipeline.role.requisition,
            by=recruiter,
        )
        self._backdate_application(
            application, pipeline.moments[0], "created_at", "stage_changed_at"
        )
        for stage, moment in zip(pipeline.stages[1:], pipeline.moments[1:], strict=True):
            application = candidate_services.application_move(
                application=application, stage=stage, by=recruiter
            )
            self._backdate_application(application, moment, "stage_changed_at")
        if pipeline.hired:
            self._hire(application, pipeline.role)
        elif pipeline.outcome != Application.Outcome.ACTIVE:
            application = candidate_services.application_close(
                application=application,
                outcome=pipeline.outcome,
                reason=pipeline.reason,
                by=recruiter,
            )
            self._backdate_application(application, pipeline.closed_at, "closed_at")
        pipeline.application = application

    def _hire(self, application: Application, role: _Role) -> None:
        start_date = self.today + timedelta(days=role.start_offset)
        placement = candidate_services.placement_record(
            application=application, start_date=start_date, by=role.requisition.recruiter
        )
        self._backdate_application(application, role.hired_at, "stage_changed_at", "hired_at")
        Placement.objects.filter(pk=placement.pk).update(created_at=role.hired_at)

    def _close_requisitions(self) -> None:
        for role in self.roles:
            requisition, by = role.requisition, role.requisition.recruiter
            status, reason = role.spec.status, role.spec.reason
            if status == data.ON_HOLD:
                requisition_services.requisition_put_on_hold(
                    requisition=requisition, reason=reason, by=by
                )
            elif status == data.FILLED:
                requisition_services.requisition_fill(requisition=requisition, by=by)
            elif status == data.CANCELLED:
                requisition_services.requisition_cancel(
                    requisition=requisition, reason=reason, by=by
                )
            else:
                continue
            closed_on = role.ends_at.date() if status != data.ON_HOLD else None
            Requisition.objects.filter(pk=requisition.pk).update(
                closed_on=closed_on, updated_at=role.ends_at
            )
            self._backdate_requisition_activity(requisition, role.ends_at)

    def _backdate_application(self, application: Application, when: datetime, *fields) -> None:
        Application.objects.filter(pk=application.pk).update(**dict.fromkeys(fields, when))
        for name in fields:
            setattr(application, name, when)
        ApplicationStageChange.objects.filter(
            application=application, changed_at__gte=self.now
        ).update(changed_at=when)
        Activity.objects.filter(application=application, occurred_at__gte=self.now).update(
            occurred_at=when
        )
        # The service set the chase of the leader's feedback LEADER_FEEDBACK_OVERDUE_DAYS after
        # the submission as it saw it (the seed's now); in the story the wait began at `when`.
        FollowUp.objects.filter(
            application=application, key__startswith=WAITING_KEY, created_at__gte=self.now
        ).update(due_at=when + feedback_overdue_after(), created_at=when)

    def _backdate_requisition_activity(self, requisition: Requisition, when: datetime) -> None:
        Activity.objects.filter(
            requisition=requisition, application=None, occurred_at__gte=self.now
        ).update(occurred_at=when)

    # Timelines, promises and opt-outs ------------------------------------------------------

    def _candidate_timelines(self) -> None:
        rng = self.rng
        kinds = (
            (Activity.Kind.CALL, data.CANDIDATE_CALLS, 34),
            (Activity.Kind.EMAIL, data.CANDIDATE_EMAILS, 30),
            (Activity.Kind.MESSAGE, data.CANDIDATE_MESSAGES, 14),
            (Activity.Kind.NOTE, data.CANDIDATE_NOTES, 14),
            (Activity.Kind.MEETING, data.CANDIDATE_MEETINGS, 8),
        )
        for person in self.people:
            for moment in self._timeline_moments(person):
                # Talk about a role only while the candidate is in its pipeline.
                pipelines = [
                    p
                    for p in person.applications
                    if p.moments[0] <= moment <= (p.closed_at or p.role.ends_at) + 3 * DAY
                ]
                if pipelines:
                    kind, templates, _ = rng.choices(kinds, [k[2] for k in kinds])[0]
                    pipeline = rng.choice(pipelines)
                    role = pipeline.role
                    words = _fitting(rng.choice(templates), templates, pipeline, moment)
                    summary = self._fill(words, role)
                else:
                    kind, summary = rng.choice(data.TALENT_POOL_ACTIVITIES)
                    role = None
                candidate_services.activity_log(
                    kind=kind,
                    by=person.owner,
                    summary=summary,
                    candidate=person.candidate,
                    requisition=role.requisition if role else None,
                    occurred_at=moment,
                )

    def _timeline_moments(self, person: _Person) -> list[datetime]:
        rng = self.rng
        if not person.applications:
            return self._moments(person.created_at + HOUR, self.latest, rng.randint(0, 2), "")
        live = any(p.outcome == Application.Outcome.ACTIVE for p in person.applications)
        # About one in eight goes quiet: nobody has spoken to them for three weeks or more.
        if live and rng.random() < 0.12:
            until = self.now - timedelta(days=rng.randint(21, 45))
            if until > person.created_at + DAY:
                return self._moments(person.created_at + HOUR, until, rng.randint(1, 4), "")
        moments = self._moments(person.created_at + HOUR, self.latest, rng.randint(0, 4), "")
        if live:
            recent = self.now - timedelta(hours=rng.uniform(2, 24 * 6.5))
            moments.append(max(recent, person.created_at + HOUR))
        return sorted(moments)

    def _live_roles(self, roles: list[_Role], moment: datetime) -> list[_Role]:
        """The roles whose pipelines were moving at that moment (all of them if none were)."""
        return [r for r in roles if r.opened_at <= moment <= r.ends_at] or roles

    def _fill(self, template: str, role: _Role | None, first: str = "") -> str:
        title = role.requisition.title if role else "Senior Engineer"
        company = role.requisition.company.name if role else "a client"
        return template.format(
            title=title, company=company, skill=self.rng.choice(data.SKILLS), first=first
        )

    def _leader_timelines(self) -> None:
        rng = self.rng
        kinds = (
            (Activity.Kind.CALL, data.LEADER_CALLS),
            (Activity.Kind.EMAIL, data.LEADER_EMAILS),
            (Activity.Kind.MEETING, data.LEADER_MEETINGS),
        )
        for leader in self.leaders.values():
            roles = [r for r in self.roles if r.requisition.hiring_leader_id == leader.pk]
            if not roles:
                continue
            # Some leaders have not heard from us in weeks: their roles owe them an update.
            stale = rng.random() < 0.25
            until = self.now - timedelta(days=rng.randint(15, 30)) if stale else self.latest
            start = min(r.opened_at for r in roles)
            if until <= start + DAY:
                until = self.latest
            moments = self._moments(start, until, rng.randint(2, 7), leader.time_zone)
            # The last word is a few days old, or, for the neglected, the day things went quiet.
            last = until if stale else self.now - timedelta(days=rng.uniform(0.2, 6))
            moments.append(self._at_work(max(last, start), leader.time_zone))
            for moment in moments:
                role = rng.choice(self._live_roles(roles, moment))
                kind, templates = rng.choice(kinds)
                candidate_services.activity_log(
                    kind=kind,
                    by=role.requisition.recruiter,
                    summary=self._fill(rng.choice(templates), role),
                    hiring_leader=leader,
                    requisition=role.requisition,
                    occurred_at=moment,
                )

    def _commitments(self) -> None:
        # (how many, due from, due to, kept: None = open, "on_time" or "late"), in days from now.
        plan = (
            (14, -9, -0.05, None),  # overdue and still open
            (18, 0.05, 6.5, None),  # due this week
            (8, 8, 21, None),  # due later
            (32, -60, -1, "on_time"),
            (14, -60, -2, "late"),
        )
        recruiters = [self.users[login.username] for login in data.RECRUITERS]
        number = 0
        for count, due_from, due_to, kept in plan:
            for _ in range(count):
                recruiter = recruiters[number % len(recruiters)]
                due = self.now + timedelta(days=self.rng.uniform(due_from, due_to))
                self._promise(recruiter, due, kept)
                number += 1

    def _promise(self, recruiter: User, due: datetime, kept: str | None) -> None:
        rng = self.rng
        due = self._at_work(due, recruiter.time_zone, past=False)
        made = due - timedelta(days=rng.uniform(1, 6))
        kept_at = None
        if kept == "on_time":
            kept_at = due - timedelta(hours=rng.uniform(1, 30))
        elif kept == "late":
            kept_at = min(due + timedelta(hours=rng.uniform(4, 72)), self.latest)
        if kept_at is not None:
            made = min(made, kept_at - HOUR)
        made = min(made, self.latest - timedelta(hours=rng.uniform(1, 72)))
        pipeline, role, leader = self._promise_target(recruiter, made)
        person = pipeline.person if pipeline else None
        template = rng.choice(data.LEADER_PROMISES if leader else data.CANDIDATE_PROMISES)
        if pipeline is not None:
            template = _fitting(
                template, data.CANDIDATE_PROMISES, pipeline, made, data.EARLY_CANDIDATE_PROMISES
            )
        commitment = candidate_services.commitment_make(
            recruiter=recruiter,
            description=self._fill(template, role, (leader or person).first_name),
            due_at=due,
            candidate=person.candidate if person else None,
            hiring_leader=leader,
            requisition=role.requisition,
        )
        Commitment.objects.filter(pk=commitment.pk).update(created_at=made)
        self._backdate_promise_activity(commitment, made)
        if kept_at is not None:
            candidate_services.commitment_keep(commitment=commitment, by=recruiter)
            Commitment.objects.filter(pk=commitment.pk).update(kept_at=kept_at)
            self._backdate_promise_activity(commitment, kept_at, on_time=kept == "on_time")

    def _promise_target(self, recruiter: User, made: datetime):
        """Someone the recruiter was working with when the promise was made: a candidate's live
        pipeline two times in three, otherwise the role's hiring leader."""
        rng = self.rng
        roles = [r for r in self.roles if r.requisition.recruiter_id == recruiter.pk]
        role = rng.choice(self._live_roles(roles, made))
        if rng.random() < 0.67:
            live = [
                p
                for p in role.pipelines
                if p.moments[0] < made and (p.closed_at is None or p.closed_at > made)
            ]
            if live:
                return rng.choice(live), role, None
        return None, role, role.requisition.hiring_leader

    def _backdate_promise_activity(
        self, commitment: Commitment, when: datetime, *, on_time: bool = False
    ) -> None:
        changes: dict = {"occurred_at": when}
        if on_time:
            # The service judged lateness against the real clock, which is after the due date
            # of a promise that, in the story, was kept on time weeks ago.
            changes["summary"] = Replace("summary", Value("Kept (late)"), Value("Kept (on time)"))
        Activity.objects.filter(
            kind=Activity.Kind.COMMITMENT,
            candidate_id=commitment.candidate_id,
            hiring_leader_id=commitment.hiring_leader_id,
            occurred_at__gte=self.now,
        ).update(**changes)

    def _opt_outs(self) -> None:
        rng = self.rng
        for person in rng.sample(self.people, len(self.people) // 25):
            moment = self._moments(person.created_at + DAY, self.latest, 1, person.time_zone)[0]
            person_opt_out(person=person.candidate)
            Candidate.objects.filter(pk=person.candidate.pk).update(opted_out_at=moment)
            Activity.objects.filter(candidate=person.candidate, occurred_at__gte=self.now).update(
                occurred_at=moment
            )

    # After the hire --------------------------------------------------------------------------

    def _post_hire_answers(self) -> None:
        """The check-ins of the hires who started 60 and 90 days ago went out when they were due
        and were answered (data.POST_HIRE_ANSWERS): concerns the recruiter tagged, one still
        waiting in Today, and the 90-day "did the hire solve the problem" answer. Recorded now,
        their check-ins were skipped as past; in the story they were sent."""
        roles = {role.start_offset: role for role in self.roles if role.spec.status == data.FILLED}
        for answer in data.POST_HIRE_ANSWERS:
            role = roles.get(answer.start_offset)
            followup = (
                FollowUp.objects.filter(
                    requisition=role.requisition,
                    placement__isnull=False,
                    audience=answer.audience,
                    cadence_step__offset_days=answer.day,
                ).first()
                if role
                else None
            )
            person = followup.person if followup else None
            if person is None or not person.email or person.opted_out_at:
                continue
            sent_at = min(followup.due_at, self.latest - 3 * HOUR)
            FollowUp.objects.filter(pk=followup.pk).update(
                state=FollowUp.State.SENT, sent_at=sent_at, attempts=1, note=""
            )
            answered = min(sent_at + timedelta(hours=self.rng.uniform(2, 30)), self.latest - HOUR)
            response = checkin_answer(
                followup=followup,
                score=answer.score,
                comment=answer.comment,
                is_concern=answer.concern,
                solved_problem=answer.solved,
            )
            Activity.objects.filter(pk=response.activity_id).update(occurred_at=answered)
            FollowUp.objects.filter(key=f"checkin-flag:{followup.pk}").update(
                due_at=answered, created_at=answered
            )
            changes: dict = {"answered_at": answered}
            if answer.theme:
                checkin_review(response=response, theme=answer.theme, by=role.requisition.recruiter)
                changes["reviewed_at"] = min(answered + timedelta(hours=20), self.latest)
            CheckInResponse.objects.filter(pk=response.pk).update(**changes)
