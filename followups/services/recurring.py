"""Time-based triggers, expanded by beat: weekly leader digests and candidates gone quiet."""

from __future__ import annotations

import datetime
import time

from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from candidates.models import Application, Candidate
from followups import schedule
from followups.models import Audience, Cadence, FollowUp, RecurringSweep, Trigger
from followups.services.recipients import Target, suppressed_among
from followups.services.rows import (
    State,
    application_targets,
    cancel_scheduled,
    enabled_cadences,
    row_for,
    rows_for,
)
from hiring_leaders.models import Requisition
from recruitcrm.models import User

RECURRING_CHUNK = 1000
# One run's time, so a run never holds a worker for long (beat runs it every 15 minutes; a first
# run over a million candidates is ten minutes of work or more, done in slices that each carry
# on where the last stopped). Checked after each chunk of candidates (a second or two), so a
# run ends within a minute.
RECURRING_SECONDS = 45.0
# Candidate ids read per query of the walk: each query plans and runs over a bounded range.
SWEEP_SPAN = 20_000


def chunks(iterable, size: int):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def followups_schedule_weekly_update(
    *, requisition: Requisition, now: datetime.datetime | None = None
) -> None:
    """Schedule the next weekly digest for the requisition's leader (at most one per week,
    whatever number of roles they have: the digest covers all of them)."""
    cadences = list(enabled_cadences(Trigger.REQUISITION_OPEN_WEEKLY))
    leader = requisition.hiring_leader
    _schedule_digests(
        leaders=[(leader, _digest_recruiter(leader) or requisition.recruiter)],
        cadences=cadences,
        now=now or timezone.now(),
    )


# The roles a leader's digest covers: open ones, and ones on hold (with their question).
DIGEST_STATUSES = (Requisition.Status.OPEN, Requisition.Status.ON_HOLD)


def _digest_recruiter(leader) -> User | None:
    """Who signs a leader's digest and gets its replies: the recruiter of their longest-open
    role (most leaders work with one recruiter)."""
    first = (
        Requisition.objects.filter(hiring_leader=leader, status__in=DIGEST_STATUSES)
        .select_related("recruiter")
        .order_by("opened_on", "pk")
        .first()
    )
    return first.recruiter if first else None


def digest_key(leader_id: int, due: datetime.datetime) -> str:
    year, week, _ = due.isocalendar()
    return f"digest:l{leader_id}:{year}-W{week:02d}"


def _schedule_digests(*, leaders, cadences, now: datetime.datetime) -> None:
    rows = []
    suppressed = suppressed_among(leader.email for leader, _ in leaders)
    for leader, recruiter in leaders:
        for cadence in cadences:
            for step in cadence.steps.all():
                target = Target(recruiter=recruiter, hiring_leader=leader)
                due = schedule.next_weekday(
                    weekday=cadence.weekday,
                    at=step.send_time or datetime.time(9),
                    tz=schedule.zone(target.zone_for(step.audience)),
                    now=now,
                )
                # One digest per leader per week, about all of their roles: what it says is
                # read when it is sent, so a role opened or closed meanwhile is counted right.
                target.key = digest_key(leader.pk, due)
                target.facts = {"digest": True}
                row = row_for(step=step, target=target, anchor=due, now=now, suppressed=suppressed)
                if row is not None:
                    row.due_at = due
                    rows.append(row)
    FollowUp.objects.bulk_create(rows, ignore_conflicts=True)


def followups_schedule_recurring(*, now: datetime.datetime | None = None) -> int:
    """Expand the time-based triggers: weekly digests to leaders and candidates gone quiet.

    Beat runs this every 15 minutes (settings.CELERY_BEAT_SCHEDULE), so it reads only what
    needs a new row (anti-joins in SQL) and writes in bulk; keys make a repeated run insert
    nothing.
    """
    now = now or timezone.now()
    # The whole run's time, digests included: what is left of it goes to the quiet candidates.
    deadline = time.monotonic() + RECURRING_SECONDS
    before = FollowUp.objects.count()
    weekly = list(enabled_cadences(Trigger.REQUISITION_OPEN_WEEKLY))
    if weekly:
        next_digest_waiting = FollowUp.objects.filter(
            hiring_leader=OuterRef("hiring_leader"),
            state=State.SCHEDULED,
            due_at__gt=now,
            cadence_step__cadence__in=weekly,
        )
        # Each leader once, with the recruiter of their longest-open role.
        roles = (
            Requisition.objects.filter(status__in=DIGEST_STATUSES)
            .exclude(Exists(next_digest_waiting))
            .select_related("recruiter", "hiring_leader__company")
            .order_by("hiring_leader_id", "opened_on", "pk")
        )
        for chunk in chunks(_first_per_leader(roles), RECURRING_CHUNK):
            leaders = [(role.hiring_leader, role.recruiter) for role in chunk]
            _schedule_digests(leaders=leaders, cadences=weekly, now=now)
        cancel_digests_without_roles()
    for cadence in enabled_cadences(Trigger.CANDIDATE_UNTOUCHED):
        _schedule_untouched(cadence=cadence, now=now, deadline=deadline)
    return FollowUp.objects.count() - before


def _first_per_leader(roles):
    """Roles sorted by leader: the first of each leader's (DISTINCT ON, on any database)."""
    previous = None
    for role in roles.iterator(chunk_size=RECURRING_CHUNK):
        if role.hiring_leader_id != previous:
            previous = role.hiring_leader_id
            yield role


def cancel_digests_without_roles(*, leader=None) -> int:
    """A leader whose last open or on-hold role closed, or was handed to another leader, has
    nothing left to read about. Without `leader`: every such leader's (beat's sweep)."""
    digests = FollowUp.objects.filter(
        cadence_step__cadence__trigger=Trigger.REQUISITION_OPEN_WEEKLY, requisition__isnull=True
    )
    if leader is not None:
        digests = digests.filter(hiring_leader=leader)
    roles_left = Requisition.objects.filter(
        hiring_leader=OuterRef("hiring_leader"), status__in=DIGEST_STATUSES
    )
    return cancel_scheduled(
        digests.exclude(Exists(roles_left)), reason="No open or on-hold role left to report on"
    )


def _in_open_pipelines():
    """Applications that keep a relationship alive: active, in an open role, not yet hired."""
    return Application.objects.filter(
        outcome=Application.Outcome.ACTIVE, requisition__status=Requisition.Status.OPEN
    ).exclude(stage=Application.Stage.HIRED)


# A silence shows in the recruiter's queue this long before its automatic note goes, so a
# personal call or email can replace the automatic one.
LOOKAHEAD = datetime.timedelta(days=2)


def lookahead(quiet_days: int) -> datetime.timedelta:
    return min(LOOKAHEAD, datetime.timedelta(days=quiet_days - 1))


def quiet_candidates(
    *, quiet_days: int, now: datetime.datetime, ahead: datetime.timedelta = datetime.timedelta()
) -> QuerySet[Candidate]:
    """Candidates in an open pipeline who have heard nothing and seen nothing move for
    `quiet_days` (or will have, `ahead` from now), annotated with `silent_since` (the later of
    the last contact and the last stage change) and `latest_application_id` (the pipeline that
    moved last).

    A candidate still at "sourced" in every pipeline and never contacted has not gone quiet:
    the relationship has not started.
    """
    pipelines = _in_open_pipelines().filter(candidate=OuterRef("pk"))
    last_move = pipelines.order_by("-stage_changed_at", "-pk")
    return (
        Candidate.objects.filter(Exists(pipelines))
        .filter(
            Q(last_contacted_at__isnull=False)
            | Exists(pipelines.exclude(stage=Application.Stage.SOURCED))
        )
        .annotate(
            last_moved_at=Subquery(last_move.values("stage_changed_at")[:1]),
            latest_application_id=Subquery(last_move.values("pk")[:1]),
        )
        .annotate(
            silent_since=Greatest(
                Coalesce("last_contacted_at", "last_moved_at"), F("last_moved_at")
            )
        )
        .filter(silent_since__lt=now + ahead - datetime.timedelta(days=quiet_days))
    )


def _schedule_untouched(*, cadence: Cadence, now: datetime.datetime, deadline: float) -> None:
    """Remind about every quiet candidate not yet reminded, walking the candidates by id from
    where the last run stopped, until `deadline` (time.monotonic()); at least one chunk.

    A walk that runs out of time keeps its place (RecurringSweep) and the next run carries on
    there; a walk that reaches the end starts from the first candidate next time. Who has been
    reminded is what decides, not the place: a candidate reminded already is left out by
    `reminded` below, so slices never duplicate a reminder and a lost place costs only time.
    """
    sweep = RecurringSweep.objects.filter(cadence=cadence).first()
    after = sweep.after_candidate_id if sweep else 0
    # Each range starts at the next candidate there is, so gaps in the ids cost nothing.
    while (start := _next_candidate_id(after)) is not None:
        upto = start - 1 + SWEEP_SPAN
        for chunk in chunks(_quiet_not_reminded(cadence, now, after, upto), RECURRING_CHUNK):
            _remind(cadence=cadence, candidates=chunk, now=now)
            if time.monotonic() > deadline:
                _sweep_stops(cadence, after=chunk[-1].pk, now=now)
                return
        after = upto
        if time.monotonic() > deadline:
            _sweep_stops(cadence, after=after, now=now)
            return
    RecurringSweep.objects.filter(cadence=cadence).delete()


def _next_candidate_id(after: int) -> int | None:
    return Candidate.objects.filter(pk__gt=after).aggregate(first=Min("pk"))["first"]


def _sweep_stops(cadence: Cadence, *, after: int, now: datetime.datetime) -> None:
    RecurringSweep.objects.update_or_create(
        cadence=cadence,
        defaults={"after_candidate_id": after},
        create_defaults={"after_candidate_id": after, "started_at": now},
    )


def _quiet_not_reminded(cadence: Cadence, now: datetime.datetime, after: int, upto: int):
    interval = datetime.timedelta(days=cadence.quiet_days)
    # Reminded already within the last interval of this silence: not yet time for the next.
    reminded = FollowUp.objects.filter(
        candidate=OuterRef("pk"),
        cadence_step__cadence=cadence,
        created_at__gte=Greatest(OuterRef("silent_since"), Value(now - interval)),
    )
    quiet = (
        quiet_candidates(
            quiet_days=cadence.quiet_days, now=now, ahead=lookahead(cadence.quiet_days)
        )
        .filter(pk__gt=after, pk__lte=upto)
        .exclude(Exists(reminded))
        .select_related("owner")
        .order_by("pk")
    )
    return quiet.iterator(chunk_size=RECURRING_CHUNK)


def _remind(*, cadence: Cadence, candidates: list[Candidate], now: datetime.datetime) -> None:
    applications = Application.objects.select_related(
        "requisition__recruiter",
        "requisition__company",
        "requisition__hiring_leader__company",
    ).in_bulk([candidate.latest_application_id for candidate in candidates])
    rows = []
    for candidate in candidates:
        rows += _quiet_rows(
            cadence=cadence,
            candidate=candidate,
            application=applications[candidate.latest_application_id],
            now=now,
        )
    _supersede_earlier_nudges(cadence=cadence, candidates=candidates, now=now)
    FollowUp.objects.bulk_create(rows, ignore_conflicts=True)


def _quiet_rows(*, cadence, candidate, application, now) -> list[FollowUp]:
    interval = datetime.timedelta(days=cadence.quiet_days)
    # One reminder per interval of one silence, for the candidate rather than per pipeline;
    # the key changes with each interval (the nudge repeats) and with each new silence.
    reminder = (now + lookahead(cadence.quiet_days) - candidate.silent_since) // interval
    # When this interval of silence is reached: ahead of now for a silence seen early, now for
    # one found late (a first run, beat down for a while), which must not be skipped as missed.
    anchor = max(candidate.silent_since + reminder * interval, now)
    application.candidate = candidate
    targets = application_targets(
        application,
        key=f"untouched:{cadence.pk}:c{candidate.pk}:{candidate.silent_since:%Y%m%d%H%M}:{reminder}",
        facts={"quiet_days": (anchor - candidate.silent_since).days},
    )
    for target in targets[Audience.RECRUITER]:
        # The candidate's own recruiter keeps the relationship, whoever owns the role.
        target.recruiter = candidate.owner
    rows = rows_for(cadences=[cadence], targets_by_audience=targets, anchor=anchor, now=now)
    for row in rows:
        row.created_at = now
    return rows


def _supersede_earlier_nudges(*, cadence, candidates, now) -> None:
    cancel_scheduled(
        FollowUp.objects.filter(
            cadence_step__cadence=cadence,
            candidate__in=[candidate.pk for candidate in candidates],
            created_at__lt=now,
        ),
        reason="A newer reminder about the same silence replaced it",
    )


def cancel_quiet_nudges(*, candidate: Candidate, reason: str) -> int:
    """The candidate heard from us or saw their pipeline move: the silence is over."""
    return cancel_scheduled(
        FollowUp.objects.filter(
            candidate=candidate, cadence_step__cadence__trigger=Trigger.CANDIDATE_UNTOUCHED
        ),
        reason=reason,
    )
