"""What each change in a pipeline schedules or cancels: the entry points the base apps' services
call inside their own transaction, so a change and the touches it implies commit together."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone

from candidates.models import (
    Application,
    ApplicationStageChange,
    Candidate,
    Commitment,
    Placement,
)
from followups.models import (
    Audience,
    Channel,
    FollowUp,
    SuppressedAddress,
    Trigger,
)
from followups.services.leaders import (
    WAITING_KEY,
    cancel_feedback_waits,
    cancel_role_feedback_waits,
    followups_on_submitted,
    pause_role_feedback_waits,
    resume_role_feedback_waits,
)
from followups.services.recipients import Target, email_block, suppressed_among
from followups.services.recurring import (
    cancel_digests_without_roles,
    cancel_quiet_nudges,
    followups_schedule_weekly_update,
)
from followups.services.rows import (
    UNDO_SECONDS,
    State,
    application_targets,
    cancel_scheduled,
    enabled_cadences,
    row_for,
    rows_for,
    schedule_cadences,
)
from hiring_leaders.models import Company, HiringLeader, Requisition
from recruitcrm.joined_rows import Prepared, Table, joined_rows, select_list


def _application(application: Application) -> Application:
    """The application afresh, with its candidate, role, company, recruiter and leader (and the
    leader's company): what every message about it names."""
    tables = _application_tables()
    for found, _ in joined_rows(_application_statement(), {"pk": application.pk}, tables):
        fresh, candidate, requisition, recruiter, company, leader, leader_company = found
        leader.company = leader_company
        requisition.recruiter = recruiter
        requisition.company = company
        requisition.hiring_leader = leader
        fresh.candidate = candidate
        fresh.requisition = requisition
        return fresh
    raise Application.DoesNotExist(f"No application {application.pk}")


@functools.cache
def _application_tables() -> tuple[Table, ...]:
    return (
        Table(Application, "a"),
        Table(Candidate, "c"),
        Table(Requisition, "r"),
        Table(get_user_model(), "u"),
        Table(Company, "co"),
        Table(HiringLeader, "l"),
        Table(Company, "lco"),
    )


@functools.cache
def _application_statement() -> Prepared:
    """Prepared once per connection: every stage move reads this seven-table join, and planning
    it (as select_related wrote it) took 3 ms for a 0.6 ms read."""
    table = {table.alias: table.model._meta.db_table for table in _application_tables()}
    return Prepared(
        "stage_change_application",
        f"SELECT {select_list(_application_tables())} FROM {table['a']} a"
        f" JOIN {table['c']} c ON c.id = a.candidate_id"
        f" JOIN {table['r']} r ON r.id = a.requisition_id"
        f" JOIN {table['u']} u ON u.id = r.recruiter_id"
        f" JOIN {table['co']} co ON co.id = r.company_id"
        f" JOIN {table['l']} l ON l.id = r.hiring_leader_id"
        f" JOIN {table['lco']} lco ON lco.id = l.company_id"
        " WHERE a.id = %(pk)s",
    )


# Why a move cancelled what it did: its Undo schedules again what was cancelled for these.
PIPELINE_MOVED = "The pipeline moved"
MOVED_ON = "The candidate moved on"
OVERTAKEN = "Overtaken by a later change in the pipeline"
MOVE_UNDONE = "The move was undone"


# A hire recorded this long after its start gets no congratulations: it would read as news.
LATE_HIRE = datetime.timedelta(days=14)
LATE_HIRE_NOTE = "They had started more than two weeks before the hire was recorded."


def held_back_from_candidate(application: Application) -> bool:
    """A stage's news is not sent to a candidate whose role is on hold: they were told it is
    paused, and "your profile is with …" would say otherwise. A hire is news all the same."""
    return (
        application.requisition.status == Requisition.Status.ON_HOLD
        and application.stage != Application.Stage.HIRED
    )


def followups_on_stage_change(
    *,
    application: Application,
    stage_change: ApplicationStageChange,
    placement: Placement | None = None,
) -> None:
    """The application entered a stage (placement: the hire, when the stage is "hired", so the
    message can name the start date)."""
    application = _application(application)
    facts = {
        "stage": application.get_stage_display(),
        "previous_stage": Application.Stage(stage_change.from_stage).label
        if stage_change.from_stage
        else "",
    }
    # A cadence for one stage fires whenever the application enters it, even when added
    # straight into it; an "any stage" cadence fires on moves only, so nobody is told they
    # were sourced.
    which = Q(stage=application.stage)
    if stage_change.from_stage:
        which |= Q(stage="")
    targets = application_targets(application, key=f"stage:{stage_change.pk}", facts=facts)
    for target in {id(t): t for group in targets.values() for t in group}.values():
        target.placement = placement
    if held_back_from_candidate(application):
        del targets[Audience.CANDIDATE]
    # News still waiting about an earlier stage, or the closing a reopen takes back, would
    # arrive after this and contradict it.
    cancel_scheduled(
        FollowUp.objects.filter(application=application, channel=Channel.EMAIL)
        .filter(Q(key__startswith="stage:") | Q(key__startswith="closed:"))
        .exclude(key__startswith=f"stage:{stage_change.pk}:"),
        reason=OVERTAKEN,
    )
    schedule_cadences(
        trigger=Trigger.STAGE_ENTERED,
        targets_by_audience=targets,
        anchor=stage_change.changed_at,
        which=which,
        not_before=stage_change.changed_at + datetime.timedelta(seconds=UNDO_SECONDS),
    )
    if placement is not None and placement.start_date < timezone.localdate() - LATE_HIRE:
        # "Congratulations… I'll check in a few weeks after you start" weeks after the start.
        FollowUp.objects.filter(
            key__startswith=f"stage:{stage_change.pk}:",
            audience=Audience.CANDIDATE,
            state=State.SCHEDULED,
        ).update(state=State.SKIPPED, note=LATE_HIRE_NOTE, updated_at=timezone.now())
    # Movement ends a silence: the "gone quiet" reminder no longer applies.
    cancel_quiet_nudges(candidate=application.candidate, reason=PIPELINE_MOVED)
    # Waiting on the leader's word lasts while the candidate sits at "submitted".
    cancel_feedback_waits(application=application, reason=MOVED_ON, keep=stage_change)
    if application.stage == Application.Stage.SUBMITTED:
        followups_on_submitted(application=application, stage_change=stage_change)


def followups_on_move_undone(
    *, application: Application, stage_change: ApplicationStageChange
) -> list[FollowUp]:
    """A move taken back as a slip (candidates.pipeline.application_move_undo), nothing having
    moved since: what it scheduled and has not gone is cancelled, and what it cancelled (the
    "gone quiet" reminder, the chase of the leader's feedback) is scheduled again. Returns the
    emails it set off that had already gone, which no Undo can call back."""
    made = FollowUp.objects.filter(
        Q(key__startswith=f"stage:{stage_change.pk}:") | Q(key=f"{WAITING_KEY}{stage_change.pk}")
    )
    gone = list(
        made.filter(state__in=(State.SENT, State.SENDING), channel=Channel.EMAIL)
        .select_related("template")
        .order_by("due_at", "pk")
    )
    cancel_scheduled(made, reason=MOVE_UNDONE)
    cancelled_by_it = FollowUp.objects.filter(
        state=State.CANCELLED, updated_at__gte=stage_change.changed_at
    ).filter(
        Q(application=application, key__startswith=WAITING_KEY, note=MOVED_ON)
        | Q(application=application, note=OVERTAKEN)
        | Q(
            candidate=application.candidate_id,
            cadence_step__cadence__trigger=Trigger.CANDIDATE_UNTOUCHED,
            note=PIPELINE_MOVED,
        )
    )
    cancelled_by_it.update(state=State.SCHEDULED, note="", updated_at=timezone.now())
    return gone


# A worker follows an import's new pipelines this many at a time.
IMPORTED_PIPELINES_PER_TASK = 500


def followups_on_imported_pipelines(*, stage_change_ids: list[int]) -> None:
    """Pipelines a CSV import started at "sourced" (their first history rows), in the import's
    transaction: what followups_on_stage_change does for one added by hand. Joining a pipeline
    ends a silence here, set-wise; a cadence an admin set on entering "sourced" is scheduled by
    a worker once the import commits, so a 100,000-row file does not wait for it."""
    if not stage_change_ids:
        return
    joined = ApplicationStageChange.objects.filter(pk__in=stage_change_ids)
    cancel_scheduled(
        FollowUp.objects.filter(
            candidate__in=joined.values("application__candidate"),
            cadence_step__cadence__trigger=Trigger.CANDIDATE_UNTOUCHED,
        ),
        reason=PIPELINE_MOVED,
    )
    if not enabled_cadences(Trigger.STAGE_ENTERED, stage=Application.Stage.SOURCED).exists():
        return
    from followups.tasks import follow_imported_pipelines

    for start in range(0, len(stage_change_ids), IMPORTED_PIPELINES_PER_TASK):
        chunk = stage_change_ids[start : start + IMPORTED_PIPELINES_PER_TASK]
        transaction.on_commit(lambda chunk=chunk: follow_imported_pipelines.delay(chunk))


def followups_on_stage_changes(*, stage_change_ids: list[int]) -> None:
    """followups_on_stage_change for each history row, one transaction each; a row seen twice
    (a task delivered again) schedules nothing twice, the rows' keys being unique."""
    changes = ApplicationStageChange.objects.filter(pk__in=stage_change_ids).select_related(
        "application"
    )
    for stage_change in changes.order_by("pk"):
        with transaction.atomic():
            followups_on_stage_change(
                application=stage_change.application, stage_change=stage_change
            )


def followups_on_application_closed(
    *, application: Application, stage_change: ApplicationStageChange
) -> None:
    # A rejected or withdrawn candidate hears nothing more about this pipeline.
    cancel_scheduled(
        FollowUp.objects.filter(application=application),
        reason=f"Application {application.get_outcome_display().lower()}",
    )
    application = _application(application)
    schedule_cadences(
        trigger=Trigger.APPLICATION_CLOSED,
        targets_by_audience=application_targets(
            application,
            key=f"closed:{stage_change.pk}",
            facts={"stage": application.get_outcome_display(), "outcome": application.outcome},
        ),
        anchor=stage_change.changed_at,
        # "Not moving forward" is for the rejected, never for someone who withdrew.
        which=Q(outcome="") | Q(outcome=application.outcome),
    )


_STATUS_TRIGGERS = {
    Requisition.Status.ON_HOLD: Trigger.REQUISITION_ON_HOLD,
    Requisition.Status.FILLED: Trigger.REQUISITION_FILLED,
    Requisition.Status.CANCELLED: Trigger.REQUISITION_CANCELLED,
    Requisition.Status.OPEN: Trigger.REQUISITION_REOPENED,
}


def _cancel_outdated_for(requisition: Requisition) -> None:
    """What an earlier status scheduled and the new one makes untrue: a "the role is filled"
    note still waiting when the role reopens, weekly updates once it is no longer open, and
    "gone quiet" reminders once nobody is being recruited."""
    outdated = [t for status, t in _STATUS_TRIGGERS.items() if status != requisition.status]
    if requisition.status != Requisition.Status.OPEN:
        outdated.append(Trigger.REQUISITION_OPEN_WEEKLY)
    if not requisition.is_active:
        outdated.append(Trigger.CANDIDATE_UNTOUCHED)
    reason = f"Requisition {requisition.get_status_display().lower()}"
    cancel_scheduled(
        FollowUp.objects.filter(
            requisition=requisition, cadence_step__cadence__trigger__in=outdated
        ),
        reason=reason,
    )
    if not requisition.is_active:
        # Nobody chases a leader's word on a candidate for a role that has closed.
        cancel_role_feedback_waits(requisition=requisition, reason=reason)
    elif requisition.status == Requisition.Status.ON_HOLD:
        pause_role_feedback_waits(requisition=requisition)


# The changes that stop a role, which "it has reopened" answers.
_STOPPING = (
    Trigger.REQUISITION_ON_HOLD,
    Trigger.REQUISITION_FILLED,
    Trigger.REQUISITION_CANCELLED,
)


def _candidates_it_reaches(requisition: Requisition) -> set[int] | None:
    """Which of the pipeline's candidates its current status is news to: every one (None), but
    for a reopening, only those told it stopped. What the change schedules and what its
    preview counts both ask here."""
    if requisition.status != Requisition.Status.OPEN:
        return None
    return _candidates_told_it_stopped(requisition)


def _candidates_told_it_stopped(requisition: Requisition) -> set[int]:
    """The candidates who heard that the role stopped the last time it did (their email went,
    or the recruiter did the task in its place). Only they are told it has reopened: reopened
    before that news went out, a candidate hears of neither. (The hiring leader, whose role it
    is, hears as the cadences say.)"""
    stops = FollowUp.objects.filter(
        requisition=requisition,
        audience=Audience.CANDIDATE,
        cadence_step__cadence__trigger__in=_STOPPING,
    )
    latest = stops.order_by("-created_at", "-pk").values_list("key", flat=True).first()
    if latest is None:
        return set()
    event = latest.split(":app")[0]  # "req-on_hold:<event>:app<id>"
    told = stops.filter(key__startswith=f"{event}:app", state__in=[State.SENT, State.DONE])
    return set(told.values_list("candidate_id", flat=True))


def _requisition_change_rows(
    requisition: Requisition, *, key: str, now: datetime.datetime
) -> list[FollowUp]:
    """The rows a requisition's current status schedules, not yet saved."""
    # What the message may say about why: the shareable reason as it was when this happened,
    # never the recruiters' internal note.
    facts = {"status": requisition.get_status_display(), "status_reason": requisition.status_reason}
    leader_target = Target(
        recruiter=requisition.recruiter,
        hiring_leader=requisition.hiring_leader,
        requisition=requisition,
        key=key,
        facts=facts,
    )
    candidate_targets = [
        Target(
            recruiter=requisition.recruiter,
            candidate=application.candidate,
            application=application,
            requisition=requisition,
            key=f"{key}:app{application.pk}",
            facts=facts,
        )
        # The person hired into the role is not told "the role has been filled".
        for application in requisition.applications.filter(outcome=Application.Outcome.ACTIVE)
        .exclude(stage=Application.Stage.HIRED)
        .select_related("candidate")
    ]
    reached = _candidates_it_reaches(requisition)
    if reached is not None:
        candidate_targets = [t for t in candidate_targets if t.candidate.pk in reached]
    return rows_for(
        cadences=enabled_cadences(_STATUS_TRIGGERS[requisition.status]),
        targets_by_audience={
            Audience.CANDIDATE: candidate_targets,
            Audience.HIRING_LEADER: [leader_target],
            Audience.RECRUITER: [leader_target],
        },
        anchor=now,
        now=now,
    )


def followups_on_requisition_change(*, requisition: Requisition, event_id: int) -> None:
    """The requisition changed status (event_id: the Activity recording it)."""
    requisition = Requisition.objects.select_related(
        "recruiter", "hiring_leader__company", "company"
    ).get(pk=requisition.pk)
    _cancel_outdated_for(requisition)
    rows = _requisition_change_rows(
        requisition, key=f"req-{requisition.status}:{event_id}", now=timezone.now()
    )
    FollowUp.objects.bulk_create(rows, ignore_conflicts=True)
    if requisition.status == Requisition.Status.OPEN:
        resume_role_feedback_waits(requisition=requisition)
    if requisition.is_active:
        followups_schedule_weekly_update(requisition=requisition)
    else:
        cancel_digests_without_roles(leader=requisition.hiring_leader)


def followups_on_requisition_reassigned(*, requisition: Requisition) -> None:
    """The role has a new hiring leader or a new owning recruiter: what is still to come goes
    to them. The weekly update to the old leader is cancelled and one scheduled for the new
    leader (in their time zone); tasks and emails not yet sent are the new recruiter's to own."""
    requisition = Requisition.objects.select_related(
        "recruiter", "hiring_leader__company", "company"
    ).get(pk=requisition.pk)
    pending = FollowUp.objects.filter(requisition=requisition, state=State.SCHEDULED)
    cancel_scheduled(
        pending.filter(audience=Audience.HIRING_LEADER).exclude(
            hiring_leader=requisition.hiring_leader
        ),
        reason=f"The role's hiring leader is now {requisition.hiring_leader.name}",
    )
    pending.exclude(recruiter=requisition.recruiter).update(
        recruiter=requisition.recruiter, updated_at=timezone.now()
    )
    if requisition.is_active:
        followups_schedule_weekly_update(requisition=requisition)
    # The previous leader may have no role left to hear about.
    cancel_digests_without_roles()


def followups_plan_requisition_change(
    *, requisition: Requisition, status: str, reason: str = ""
) -> list[FollowUp]:
    """What changing the requisition to `status` would schedule, to whom and when, without
    changing anything: unsaved rows, for the page that asks "are you sure?" to show. Rows whose
    state is `skipped`, or whose channel became a task, say why in their note."""
    planned = Requisition.objects.select_related(
        "recruiter", "hiring_leader__company", "company"
    ).get(pk=requisition.pk)
    planned.status = status
    planned.status_reason = reason
    return _requisition_change_rows(planned, key="plan", now=timezone.now())


@dataclass
class PlannedTouches:
    """One touch a requisition change would schedule for many people at once: the rows
    `followups_plan_requisition_change` returns one per person, counted. The same step, ending
    the same way (an email, a task instead, skipped) for the same reason: `reason` is why email
    cannot reach them ("opted out of email"), '' when it can."""

    example: FollowUp  # the row of one of them, for its template, audience, note and words
    reason: str
    count: int = 0
    names: list[str] = field(default_factory=list)  # alphabetical, at most `names_kept`
    first_due: datetime.datetime | None = None
    last_due: datetime.datetime | None = None

    def add(self, row: FollowUp, names: list[str]) -> None:
        self.count += len(names)
        self.names.extend(names)
        self.first_due = min(self.first_due or row.due_at, row.due_at)
        self.last_due = max(self.last_due or row.due_at, row.due_at)


@dataclass
class _Kind:
    """Candidates the rules treat alike: the same time zone, the same reason email cannot reach
    them (or none). One of them stands in for all."""

    target: Target
    reason: str
    names: list[str] = field(default_factory=list)


def followups_count_requisition_change(
    *, requisition: Requisition, status: str, reason: str = "", names_kept: int = 100
) -> list[PlannedTouches]:
    """What `followups_plan_requisition_change` returns, counted rather than listed: the same
    rules decide each person's touch (the same `row_for` runs once for each kind of candidate
    instead of once per person), for a preview of a pipeline of thousands that reads in
    milliseconds. Names are kept up to `names_kept` per group, in alphabetical order."""
    planned = Requisition.objects.select_related(
        "recruiter", "hiring_leader__company", "company"
    ).get(pk=requisition.pk)
    planned.status = status
    planned.status_reason = reason
    now = timezone.now()
    kinds_by_audience, suppressed = _kinds_by_audience(planned)
    groups: dict[tuple, PlannedTouches] = {}
    for cadence in enabled_cadences(_STATUS_TRIGGERS[status]):
        for step in cadence.steps.all():
            for kind in kinds_by_audience.get(step.audience, []):
                row = row_for(
                    step=step, target=kind.target, anchor=now, now=now, suppressed=suppressed
                )
                if row is None:
                    continue
                why = kind.reason if step.channel == Channel.EMAIL else ""
                group = groups.setdefault(
                    (step.pk, row.channel, row.state, why), PlannedTouches(example=row, reason=why)
                )
                group.add(row, kind.names)
    for group in groups.values():
        group.names = sorted(group.names)[:names_kept]
    return list(groups.values())


def _kinds_by_audience(requisition: Requisition) -> tuple[dict[str, list[_Kind]], set[str]]:
    """Who each audience's steps go to, as kinds of recipient; and the refused addresses."""
    facts = {
        "status": requisition.get_status_display(),
        "status_reason": requisition.status_reason,
    }
    leader = Target(
        recruiter=requisition.recruiter,
        hiring_leader=requisition.hiring_leader,
        requisition=requisition,
        key="plan",
        facts=facts,
    )
    pipeline = _pipeline_of(requisition)
    reached = _candidates_it_reaches(requisition)
    if reached is not None:
        pipeline = [person for person in pipeline if person.candidate_id in reached]
    suppressed = {p.email.lower() for p in pipeline if p.refused}
    suppressed |= suppressed_among([requisition.hiring_leader.email])
    kinds = {
        Audience.CANDIDATE: _candidate_kinds(requisition, pipeline, suppressed, facts),
        Audience.HIRING_LEADER: [
            _Kind(
                leader, email_block(leader.hiring_leader, suppressed), [leader.hiring_leader.name]
            )
        ],
        Audience.RECRUITER: [_Kind(leader, "", [requisition.recruiter.name])],
    }
    return kinds, suppressed


@dataclass(slots=True)
class _InPipeline:
    """What the rules read of one person in the pipeline, without a model instance each."""

    application_id: int
    stage: str
    candidate_id: int
    first_name: str
    last_name: str
    email: str
    opted_out_at: datetime.datetime | None
    time_zone: str
    refused: bool  # their address refused mail before

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def _pipeline_of(requisition: Requisition) -> list[_InPipeline]:
    """Everyone a status change may write to: the active pipeline but the person hired into
    the role (who is not told "the role has been filled"), and but those still at "sourced",
    whom no cadence writes to (row_for skips each one; leaving them out here spares reading
    hundreds of candidates for nothing)."""
    refused = SuppressedAddress.objects.filter(email=Lower(OuterRef("candidate__email")))
    rows = (
        requisition.applications.filter(outcome=Application.Outcome.ACTIVE)
        .exclude(stage__in=[Application.Stage.HIRED, Application.Stage.SOURCED])
        .annotate(refused=Exists(refused))
        .values_list(
            "pk",
            "stage",
            "candidate_id",
            "candidate__first_name",
            "candidate__last_name",
            "candidate__email",
            "candidate__opted_out_at",
            "candidate__time_zone",
            "refused",
        )
    )
    return [_InPipeline(*row) for row in rows]


def _candidate_kinds(
    requisition: Requisition, pipeline: list[_InPipeline], suppressed: set[str], facts: dict
) -> list[_Kind]:
    kinds: dict[tuple, _Kind] = {}
    for person in pipeline:
        reason = email_block(person, suppressed)
        key = (reason, person.time_zone)
        kind = kinds.get(key)
        if kind is None:
            kind = kinds[key] = _Kind(_stand_in(requisition, person, facts), reason)
        kind.names.append(person.name)
    return list(kinds.values())


def _stand_in(requisition: Requisition, person: _InPipeline, facts: dict) -> Target:
    """One person as the rules see them, standing in for everyone of their kind."""
    candidate = Candidate(
        pk=person.candidate_id,
        first_name=person.first_name,
        last_name=person.last_name,
        email=person.email,
        opted_out_at=person.opted_out_at,
        time_zone=person.time_zone,
    )
    application = Application(
        pk=person.application_id, stage=person.stage, candidate=candidate, requisition=requisition
    )
    return Target(
        recruiter=requisition.recruiter,
        candidate=candidate,
        application=application,
        requisition=requisition,
        key=f"plan:app{application.pk}",
        facts=facts,
    )


def followups_on_placement(*, placement: Placement) -> None:
    placement = Placement.objects.select_related(
        "application__candidate",
        "application__requisition__recruiter",
        "application__requisition__company",
        "application__requisition__hiring_leader__company",
    ).get(pk=placement.pk)
    application = placement.application
    requisition = application.requisition
    target = Target(
        recruiter=requisition.recruiter,
        candidate=application.candidate,
        hiring_leader=requisition.hiring_leader,
        application=application,
        requisition=requisition,
        placement=placement,
        key=f"placement:{placement.pk}",
    )
    schedule_cadences(
        trigger=Trigger.PLACEMENT_STARTED,
        targets_by_audience={
            Audience.NEW_HIRE: [target],
            Audience.HIRING_LEADER: [target],
            Audience.RECRUITER: [target],
        },
        anchor=placement.start_date,
    )


def followups_on_placement_fell_through(*, placement: Placement) -> None:
    cancel_scheduled(FollowUp.objects.filter(placement=placement), reason="Placement fell through")


def followups_on_opt_out(*, person: Candidate | HiringLeader) -> None:
    """No more email to this person; steps that say so become tasks for the recruiter."""
    field_name = "candidate" if isinstance(person, Candidate) else "hiring_leader"
    pending = FollowUp.objects.filter(
        **{field_name: person}, channel=Channel.EMAIL, state=State.SCHEDULED
    ).select_related("cadence_step", "template")
    to_task = [f for f in pending if f.cadence_step and f.cadence_step.task_if_opted_out]
    for followup in to_task:
        followup.channel = Channel.TASK
        followup.task_title = (
            f"{person.name} opted out of email: send “{followup.template}” yourself"
        )
        followup.note = f"Task instead of email: {person.name} opted out."
    FollowUp.objects.bulk_update(to_task, ["channel", "task_title", "note", "updated_at"])
    cancel_scheduled(
        pending.exclude(pk__in=[f.pk for f in to_task]), reason="Recipient opted out of email"
    )


def followups_on_contact(*, candidate: Candidate) -> None:
    """We were in touch with the candidate: the silence is over."""
    cancel_quiet_nudges(candidate=candidate, reason="Back in touch")


def followups_on_commitment_made(*, commitment: Commitment) -> None:
    commitment = Commitment.objects.select_related(
        "recruiter", "candidate", "hiring_leader__company", "requisition"
    ).get(pk=commitment.pk)
    target = Target(
        recruiter=commitment.recruiter,
        candidate=commitment.candidate,
        hiring_leader=commitment.hiring_leader,
        requisition=commitment.requisition,
        commitment=commitment,
        key=f"commitment:{commitment.pk}",
    )
    schedule_cadences(
        trigger=Trigger.COMMITMENT_DUE,
        targets_by_audience={
            Audience.RECRUITER: [target],
            Audience.CANDIDATE: [target] if commitment.candidate else [],
            Audience.HIRING_LEADER: [target] if commitment.hiring_leader else [],
        },
        anchor=commitment.due_at,
    )


_KEPT = "Commitment kept"


def followups_on_commitment_kept(*, commitment: Commitment) -> None:
    cancel_scheduled(FollowUp.objects.filter(commitment=commitment), reason=_KEPT)


def followups_on_commitment_unkept(*, commitment: Commitment) -> None:
    """ "Kept" was a slip, taken back: what keeping it cancelled is scheduled again."""
    FollowUp.objects.filter(commitment=commitment, state=State.CANCELLED, note=_KEPT).update(
        state=State.SCHEDULED, note="", updated_at=timezone.now()
    )
