"""What hiring leaders tell us, and what it puts in front of the recruiter: feedback on a
submitted candidate, the answer to the on-hold question, a digest's link opened.

A leader's words reach the recruiter (a task in "From hiring leaders" on Today, the candidate's
timeline), never the candidate: a pass closes the application, and the candidate hears the
respectful rejection cadence in its own words.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from candidates.models import Application, ApplicationStageChange, LeaderFeedback
from followups.models import DigestVisit, FollowUp, HoldAnswer
from followups.services.recruiter_tasks import recruiter_task_create
from followups.services.rows import State, cancel_scheduled
from hiring_leaders.models import HiringLeader, Requisition

# Task keys: the queue files tasks with these prefixes under "From hiring leaders".
FEEDBACK_KEY = "leader-feedback:"
WAITING_KEY = "feedback-wait:"
HOLD_ANSWER_KEY = "hold-answer:"


def feedback_overdue_after() -> datetime.timedelta:
    return datetime.timedelta(days=settings.LEADER_FEEDBACK_OVERDUE_DAYS)


def _about(application: Application) -> str:
    return f"{application.candidate.name} ({application.requisition.title})"


def _quoted(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return f"“{text[:limit]}{'…' if len(text) > limit else ''}”"


def followups_on_submitted(*, application: Application, stage_change: ApplicationStageChange):
    """A candidate went to the leader: if no word comes back within the set number of days,
    a task tells the recruiter to chase it (cancelled the moment the leader answers). Nobody
    chases a leader whose role is on hold: the chase waits for the role to reopen."""
    if application.requisition.status == Requisition.Status.ON_HOLD:
        return
    _chase(
        application,
        key=f"{WAITING_KEY}{stage_change.pk}",
        since="submission",
        due_at=stage_change.changed_at + feedback_overdue_after(),
    )


def _chase(application: Application, *, key: str, since: str, due_at: datetime.datetime) -> None:
    leader = application.requisition.hiring_leader
    recruiter_task_create(
        recruiter=application.requisition.recruiter,
        # Shown on the candidate's page from the submission on: worded to be true before it
        # is due, as well as when it is.
        title=_chase_title(application, since=since),
        key=key,
        due_at=due_at,
        candidate=application.candidate,
        hiring_leader=leader,
        requisition=application.requisition,
        application=application,
    )


def _chase_title(application: Application, *, since: str) -> str:
    leader = application.requisition.hiring_leader
    days = settings.LEADER_FEEDBACK_OVERDUE_DAYS
    return (
        f"Nudge {leader.name} for feedback on {_about(application)} if none has come "
        f"{days} day{'s' if days != 1 else ''} after {since}"
    )


# Why a chase stopped while its role is on hold: the one note reopening looks for.
PAUSED_ON_HOLD = "Paused: the role is on hold"


def pause_role_feedback_waits(*, requisition: Requisition) -> int:
    """The role went on hold: chasing its leader for feedback waits until it reopens."""
    waits = FollowUp.objects.filter(
        application__requisition=requisition, key__startswith=WAITING_KEY
    )
    return cancel_scheduled(waits, reason=PAUSED_ON_HOLD)


def resume_role_feedback_waits(*, requisition: Requisition) -> int:
    """The role reopened: every candidate still at "submitted" with no word from the leader
    since their submission is chased again, the leader given the whole wait from today (their
    chase paused by the hold, or never started because they were put forward during it). A
    chase that ended for another reason (the leader answered) stays ended. Returns how many."""
    now = timezone.now()
    waiting = (
        requisition.applications.filter(
            outcome=Application.Outcome.ACTIVE, stage=Application.Stage.SUBMITTED
        )
        .exclude(
            Exists(
                LeaderFeedback.objects.filter(
                    application=OuterRef("pk"), given_at__gte=OuterRef("stage_changed_at")
                )
            )
        )
        .annotate(
            submission=Subquery(
                ApplicationStageChange.objects.filter(
                    application=OuterRef("pk"), to_stage=Application.Stage.SUBMITTED
                )
                .order_by("-changed_at", "-pk")
                .values("pk")[:1]
            )
        )
        .select_related("candidate", "requisition__hiring_leader", "requisition__recruiter")
    )
    chases = {
        f.key: f
        for f in FollowUp.objects.filter(
            application__requisition=requisition, key__startswith=WAITING_KEY
        )
    }
    due_at = now + feedback_overdue_after()
    resumed, started = [], 0
    for application in waiting:
        key = f"{WAITING_KEY}{application.submission}"
        chase = chases.get(key)
        if chase is None:
            _chase(application, key=key, since="the role reopened", due_at=due_at)
            started += 1
        elif chase.state == State.CANCELLED and chase.note == PAUSED_ON_HOLD:
            chase.state, chase.note = State.SCHEDULED, ""
            chase.due_at, chase.updated_at = due_at, now
            chase.task_title = _chase_title(application, since="the role reopened")
            resumed.append(chase)
    FollowUp.objects.bulk_update(resumed, ["state", "note", "due_at", "updated_at", "task_title"])
    return started + len(resumed)


def cancel_feedback_waits(
    *, application: Application, reason: str, keep: ApplicationStageChange | None = None
) -> int:
    """End the chase (keep: the submission whose chase stays, when its trigger runs again)."""
    waits = FollowUp.objects.filter(application=application, key__startswith=WAITING_KEY)
    if keep is not None:
        waits = waits.exclude(key=f"{WAITING_KEY}{keep.pk}")
    return cancel_scheduled(waits, reason=reason)


def cancel_role_feedback_waits(*, requisition: Requisition, reason: str) -> int:
    """End the chase on every candidate submitted to a role that has closed."""
    waits = FollowUp.objects.filter(
        application__requisition=requisition, key__startswith=WAITING_KEY
    )
    return cancel_scheduled(waits, reason=reason)


_FEEDBACK_WORDS = {
    LeaderFeedback.Kind.ADVANCE: "wants to interview {who}: arrange the interview",
    LeaderFeedback.Kind.PASS: "passed on {who}: {reason}",
    LeaderFeedback.Kind.QUESTION: "asks about {who}",
}


def followups_on_leader_feedback(*, feedback: LeaderFeedback) -> FollowUp:
    """The recruiter sees the feedback at once, as a task due now; the chase is off."""
    application = feedback.application
    words = _FEEDBACK_WORDS[feedback.kind].format(
        who=_about(application), reason=feedback.get_reason_display()
    )
    if feedback.text:
        words += f" — {_quoted(feedback.text)}"
    cancel_feedback_waits(application=application, reason="The hiring leader gave feedback")
    return recruiter_task_create(
        recruiter=application.requisition.recruiter,
        title=f"{feedback.hiring_leader.name} {words}",
        key=f"{FEEDBACK_KEY}{feedback.pk}",
        due_at=feedback.given_at,
        candidate=application.candidate,
        hiring_leader=feedback.hiring_leader,
        requisition=application.requisition,
        application=application,
    )


_HOLD_WORDS = {
    HoldAnswer.Choice.REOPEN: "wants {title} reopened: reopen it, or call them",
    HoldAnswer.Choice.KEEP: "keeps {title} on hold",
    HoldAnswer.Choice.CANCEL: "wants {title} cancelled: cancel it with a reason for candidates",
}


@transaction.atomic
def hold_answer_give(
    *, digest: FollowUp, requisition: Requisition, leader: HiringLeader, answer: str
) -> HoldAnswer:
    """Record the leader's answer to "reopen, keep on hold or cancel?" (answering the same
    digest again changes it) and put it in the recruiter's queue. The status itself is the
    recruiter's to change: reopening or cancelling tells candidates, with words to choose."""
    if answer not in HoldAnswer.Choice.values:
        raise ValueError(answer)
    now = timezone.now()
    found, _ = HoldAnswer.objects.update_or_create(
        digest=digest,
        requisition=requisition,
        defaults={"hiring_leader": leader, "answer": answer, "answered_at": now},
    )
    key = f"{HOLD_ANSWER_KEY}{found.pk}"
    words = _HOLD_WORDS[answer].format(title=requisition.title)
    existing = FollowUp.objects.filter(key=key, state=FollowUp.State.SCHEDULED)
    # A changed answer rewrites the open task rather than adding a second one.
    if not existing.update(task_title=f"{leader.name} {words}"[:300], updated_at=now):
        recruiter_task_create(
            recruiter=requisition.recruiter,
            title=f"{leader.name} {words}",
            key=key,
            hiring_leader=leader,
            requisition=requisition,
        )
    return found


def digest_visit_record(*, digest_id: int, requisition: Requisition, leader: HiringLeader) -> bool:
    """The leader opened this requisition's page from the link in one of their digests:
    remember when (first and latest). A link from someone else's digest records nothing."""
    if not FollowUp.objects.filter(
        pk=digest_id, hiring_leader=leader, state=FollowUp.State.SENT
    ).exists():
        return False
    now = timezone.now()
    if DigestVisit.objects.filter(digest_id=digest_id, requisition=requisition).update(
        last_seen_at=now
    ):
        return True
    try:
        with transaction.atomic():
            DigestVisit.objects.create(
                digest_id=digest_id, requisition=requisition, first_seen_at=now, last_seen_at=now
            )
    except IntegrityError:  # two tabs opened the link at once
        pass
    return True
