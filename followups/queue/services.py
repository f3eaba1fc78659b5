"""What a recruiter does to the rows of "Today": done, snooze, told them myself, and Undo.

Logging a call, making or keeping a promise and sending a message are the candidates' and the
follow-up engine's own services; the queue calls them. Every action here returns an `Undo`, the
signed, short-lived instruction that takes it back, which the page offers beside its confirmation.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from candidates import services as candidate_services
from candidates.models import (
    Activity,
    Application,
    ApplicationStageChange,
    Candidate,
    Commitment,
)
from followups.models import (
    BookHealth,
    Channel,
    CheckInResponse,
    FollowUp,
    MessageTemplate,
    Snooze,
)
from followups.services import (
    ReviewBefore,
    checkin_review,
    checkin_review_restore,
    message_promise,
    message_send,
    message_unsend,
)
from hiring_leaders.models import HiringLeader, Requisition
from recruitcrm.models import User

State = FollowUp.State
UNDO_SALT = "followups.queue.undo"
# A confirmation's message tag that carries its Undo (the pages show the button beside it).
UNDO_TAG = "undo:"
# Long enough to notice a slip; short enough that an old page cannot undo yesterday's work.
UNDO_WITHIN = datetime.timedelta(minutes=15)


@dataclass(frozen=True)
class Undo:
    """What taking an action back means, signed so only its maker can use it."""

    action: str
    ids: tuple[int, ...]
    by: int
    when: str = ""  # an earlier due time or snooze end, ISO 8601

    def message_tag(self) -> str:
        """The confirmation's `extra_tags`, for a message the page shows with its Undo."""
        return f"{UNDO_TAG}{self.token()}"

    def token(self) -> str:
        return signing.dumps(
            {"a": self.action, "i": list(self.ids), "u": self.by, "w": self.when},
            salt=UNDO_SALT,
            compress=True,
        )

    @classmethod
    def from_token(cls, token: str, *, by: User) -> Undo:
        try:
            data = signing.loads(token, salt=UNDO_SALT, max_age=UNDO_WITHIN.total_seconds())
            undo = cls(
                action=data["a"],
                ids=tuple(int(i) for i in data["i"]),
                by=data["u"],
                when=data.get("w", ""),
            )
        except signing.SignatureExpired:
            raise ValidationError("Too late to undo that; change it by hand instead.") from None
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise ValidationError("That undo link is not valid.") from None
        if undo.by != by.pk:
            raise ValidationError("Only the person who did this can undo it.")
        return undo


# ---------- tasks ----------


def _open_task(task: FollowUp, *, by: User) -> FollowUp:
    task = FollowUp.objects.select_for_update().get(pk=task.pk)
    if task.channel != Channel.TASK or task.recruiter_id != by.pk:
        raise ValidationError("This is not one of your tasks.")
    if task.state != State.SCHEDULED:
        raise ValidationError(f"This task is already {task.get_state_display().lower()}.")
    return task


@transaction.atomic
def task_done(*, task: FollowUp, by: User) -> Undo:
    task = _open_task(task, by=by)
    task.state = State.DONE
    task.note = f"Done by {by}"
    task.save(update_fields=["state", "note", "updated_at"])
    return Undo("task_reopen", (task.pk,), by.pk)


@transaction.atomic
def task_snooze(*, task: FollowUp, until: datetime.datetime, by: User) -> Undo:
    """Put a task aside until `until`; it comes back into the queue then."""
    task = _open_task(task, by=by)
    if until <= timezone.now():
        raise ValidationError("Choose a time in the future.")
    previous = task.due_at
    task.due_at = until
    task.note = f"Snoozed by {by} until {timezone.localtime(until):%a %d %b}"
    task.save(update_fields=["due_at", "note", "updated_at"])
    return Undo("task_unsnooze", (task.pk,), by.pk, when=previous.isoformat())


# ---------- promises and requisitions put aside ----------


@transaction.atomic
def row_snooze(*, kind: str, object_id: int, until: datetime.datetime, by: User) -> Undo:
    """Put a promise or a requisition's owed update aside until `until`, without changing the
    promise's due date (it is still late if it is late)."""
    if until <= timezone.now():
        raise ValidationError("Choose a time in the future.")
    existing = Snooze.objects.filter(recruiter=by, kind=kind, object_id=object_id).first()
    Snooze.objects.update_or_create(
        recruiter=by, kind=kind, object_id=object_id, defaults={"until": until}
    )
    before = existing.until.isoformat() if existing else ""
    return Undo("row_unsnooze", (object_id,), by.pk, when=f"{kind}|{before}")


@transaction.atomic
def commitment_kept_from_queue(*, commitment: Commitment, by: User) -> Undo:
    if commitment.recruiter_id != by.pk:
        raise ValidationError("This is not one of your promises.")
    candidate_services.commitment_keep(commitment=commitment, by=by)
    return Undo("commitment_unkeep", (commitment.pk,), by.pk)


@transaction.atomic
def contact_log(
    *,
    kind: str,
    summary: str,
    candidate: Candidate | None,
    hiring_leader: HiringLeader | None,
    requisition: Requisition | None,
    keeps: Commitment | None,
    by: User,
) -> tuple[Activity, Undo]:
    """Log a call, email, meeting or note from the queue; `keeps`: the promise it keeps (the
    call promised, logged from the promise's row), kept with it and reopened by its Undo."""
    person = candidate or hiring_leader
    contacted_before = person.last_contacted_at
    activity = candidate_services.activity_log(
        kind=kind,
        by=by,
        summary=summary,
        candidate=candidate,
        hiring_leader=hiring_leader,
        requisition=requisition,
    )
    undo = undo_for_activity(activity, by=by, contacted_before=contacted_before)
    if keeps is None:
        return activity, undo
    commitment_kept_from_queue(commitment=keeps, by=by)
    return activity, Undo("contact_unlog", (activity.pk, keeps.pk), by.pk, when=undo.when)


# ---------- messages ----------


@transaction.atomic
def message_send_keeping_track(
    *,
    template: MessageTemplate,
    to: Candidate | HiringLeader,
    by: User,
    requisition: Requisition | None = None,
    application: Application | None = None,
    zone,
) -> tuple[FollowUp, Commitment | None, Undo]:
    """Send a message from the composer; a promise its words make in the recruiter's name
    ("I'll send you a revised estimate") goes on their list with it, and one Undo takes back
    both."""
    sent = message_send(
        template=template, to=to, by=by, requisition=requisition, application=application
    )
    promise = message_promise(template=template, to=to, requisition=requisition, zone=zone)
    if promise is None:
        return sent, None, undo_for_message(sent, by=by)
    made = candidate_services.commitment_make(
        recruiter=by,
        description=promise.description,
        due_at=promise.due_at,
        candidate=to if isinstance(to, Candidate) else None,
        hiring_leader=to if isinstance(to, HiringLeader) else None,
        requisition=requisition,
    )
    return sent, made, Undo("message_unsend_and_withdraw", (sent.pk, made.pk), by.pk)


# ---------- bad news ----------


@transaction.atomic
def bad_news_told(*, followup: FollowUp, by: User) -> Undo:
    """The recruiter gave the news in person: the automatic message is no longer needed, and
    the conversation is on the timeline."""
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if followup.recruiter_id != by.pk or followup.candidate_id is None:
        raise ValidationError("This is not one of your messages.")
    if followup.state != State.SCHEDULED:
        raise ValidationError("This message is no longer waiting.")
    what = followup.template.name if followup.template else followup.task_title
    activity = candidate_services.activity_log(
        kind=Activity.Kind.CALL,
        by=by,
        summary=f"Told them in person: {what}",
        candidate=followup.candidate,
        requisition=followup.requisition,
    )
    followup.state = State.CANCELLED
    followup.note = f"Told in person by {by}"
    followup.save(update_fields=["state", "note", "updated_at"])
    return Undo("bad_news_untold", (followup.pk, activity.pk), by.pk)


# ---------- check-in flags ----------


def checkin_review_from_queue(*, response: CheckInResponse, theme: str, by: User) -> Undo:
    """Tag a flagged check-in's concern theme (from Today or the candidate page); the flag
    leaves the queue."""
    before = checkin_review(response=response, theme=theme, by=by)
    when = "|".join(
        (
            before.theme,
            before.reviewed_at,
            str(before.reviewed_by or ""),
            "1" if before.flag_was_open else "",
        )
    )
    return Undo("checkin_unreview", (response.pk,), by.pk, when=when)


def _checkin_unreview(undo: Undo, by: User) -> str:
    theme, reviewed_at, reviewed_by, flag_was_open = undo.when.split("|")
    response = CheckInResponse.objects.filter(pk=undo.ids[0]).first()
    if response is None:
        raise ValidationError("That check-in answer is gone; nothing was undone.")
    before = ReviewBefore(
        theme=theme,
        reviewed_at=reviewed_at,
        reviewed_by=int(reviewed_by) if reviewed_by else None,
        flag_was_open=bool(flag_was_open),
    )
    checkin_review_restore(response=response, before=before, by=by)
    return (
        "The check-in flag is back as it was."
        if before.flag_was_open
        else "The tag is back as it was."
    )


# ---------- undo ----------


@transaction.atomic
def queue_undo(*, token: str, by: User) -> str:
    """Carry out a signed Undo; returns what was undone, in words."""
    undo = Undo.from_token(token, by=by)
    action = _UNDOERS.get(undo.action)
    if action is None:
        raise ValidationError("That undo link is not valid.")
    return action(undo, by)


def _task_reopen(undo: Undo, by: User) -> str:
    updated = FollowUp.objects.filter(
        pk=undo.ids[0], recruiter=by, channel=Channel.TASK, state=State.DONE
    ).update(state=State.SCHEDULED, note="", updated_at=timezone.now())
    if not updated:
        raise ValidationError("That task has changed since; nothing was undone.")
    return "The task is back in your queue."


def _task_unsnooze(undo: Undo, by: User) -> str:
    due = datetime.datetime.fromisoformat(undo.when)
    FollowUp.objects.filter(
        pk=undo.ids[0], recruiter=by, channel=Channel.TASK, state=State.SCHEDULED
    ).update(due_at=due, note="", updated_at=timezone.now())
    return "The task is back where it was."


def _row_unsnooze(undo: Undo, by: User) -> str:
    kind, _, before = undo.when.partition("|")
    snoozes = Snooze.objects.filter(recruiter=by, kind=kind, object_id=undo.ids[0])
    if before:
        snoozes.update(until=datetime.datetime.fromisoformat(before))
    else:
        snoozes.delete()
    return "It is back in your queue."


def _commitment_unkeep(undo: Undo, by: User) -> str:
    commitment = Commitment.objects.get(pk=undo.ids[0], recruiter=by)
    candidate_services.commitment_unkeep(commitment=commitment, by=by)
    return "The promise is open again."


def _activity_withdraw(undo: Undo, by: User) -> str:
    activity = Activity.objects.filter(pk=undo.ids[0]).first()
    if activity is None:
        return "It was already off the timeline."
    person = activity.candidate or activity.hiring_leader
    candidate_services.activity_withdraw(activity=activity, by=by)
    if undo.when and person is not None:
        # Last-contacted goes back to what it was, even where the timeline cannot say (a
        # candidate imported with a last-contacted date and no history behind it).
        before = datetime.datetime.fromisoformat(undo.when)
        type(person).objects.filter(pk=person.pk).contacted(before)
    return "Taken off the timeline."


def _commitment_withdraw(undo: Undo, by: User) -> str:
    commitment = Commitment.objects.filter(pk=undo.ids[0]).first()
    if commitment is not None:
        candidate_services.commitment_withdraw(commitment=commitment, by=by)
    return "The promise is withdrawn."


def _contact_unlog(undo: Undo, by: User) -> str:
    activity_id, commitment_id = undo.ids
    _activity_withdraw(Undo("activity_withdraw", (activity_id,), by.pk, when=undo.when), by)
    _commitment_unkeep(Undo("commitment_unkeep", (commitment_id,), by.pk), by)
    return "Taken off the timeline, and the promise is open again."


def _message_unsend(undo: Undo, by: User) -> str:
    message_unsend(followup=FollowUp.objects.get(pk=undo.ids[0]), by=by)
    return "The message will not be sent."


def _message_unsend_and_withdraw(undo: Undo, by: User) -> str:
    followup_id, commitment_id = undo.ids
    _message_unsend(Undo("message_unsend", (followup_id,), by.pk), by)
    _commitment_withdraw(Undo("commitment_withdraw", (commitment_id,), by.pk), by)
    return "The message will not be sent, and its promise is off your list."


def _bad_news_untold(undo: Undo, by: User) -> str:
    followup_id, activity_id = undo.ids
    FollowUp.objects.filter(pk=followup_id, recruiter=by, state=State.CANCELLED).update(
        state=State.SCHEDULED, note="", updated_at=timezone.now()
    )
    _activity_withdraw(Undo("activity_withdraw", (activity_id,), by.pk), by)
    return "The automatic message is waiting again."


def _move_undo(undo: Undo, by: User) -> str:
    before, _, moved_at = undo.when.partition("|")
    stage_change = (
        ApplicationStageChange.objects.select_related("application__candidate")
        .filter(application=undo.ids[0], changed_at=datetime.datetime.fromisoformat(moved_at))
        .exclude(from_stage="")
        .first()
    )
    if stage_change is None:
        raise ValidationError("That move was already taken back.")
    application, gone = candidate_services.application_move_undo(
        stage_change=stage_change,
        stage_changed_before=datetime.datetime.fromisoformat(before),
        by=by,
    )
    candidate = application.candidate
    said = (
        f"{candidate.name} is back at {application.get_stage_display()} "
        f"for {application.requisition.title}."
    )
    if not gone:
        return f"{said} Nothing about the move had gone out."
    names = ", ".join(f"“{f.template.name}”" for f in gone if f.template_id) or "an email"
    return f"{said} {names} had already gone to them: you may want to explain."


_UNDOERS = {
    "task_reopen": _task_reopen,
    "task_unsnooze": _task_unsnooze,
    "row_unsnooze": _row_unsnooze,
    "commitment_unkeep": _commitment_unkeep,
    "activity_withdraw": _activity_withdraw,
    "contact_unlog": _contact_unlog,
    "commitment_withdraw": _commitment_withdraw,
    "message_unsend": _message_unsend,
    "message_unsend_and_withdraw": _message_unsend_and_withdraw,
    "bad_news_untold": _bad_news_untold,
    "checkin_unreview": _checkin_unreview,
    "move_undo": _move_undo,
}


def undo_for_activity(
    activity: Activity, *, by: User, contacted_before: datetime.datetime | None = None
) -> Undo:
    """`contacted_before`: the person's last-contacted time before this was logged."""
    when = contacted_before.isoformat() if contacted_before else ""
    return Undo("activity_withdraw", (activity.pk,), by.pk, when=when)


def undo_for_commitment(commitment: Commitment, *, by: User) -> Undo:
    return Undo("commitment_withdraw", (commitment.pk,), by.pk)


def undo_for_move(
    application: Application, *, by: User, stage_changed_before: datetime.datetime
) -> Undo:
    """The Undo of the move that put `application` at its stage: which move, by its moment,
    and the moment the card had reached its earlier stage, which it gets back."""
    when = f"{stage_changed_before.isoformat()}|{application.stage_changed_at.isoformat()}"
    return Undo("move_undo", (application.pk,), by.pk, when=when)


def undo_for_message(followup: FollowUp, *, by: User) -> Undo:
    return Undo("message_unsend", (followup.pk,), by.pk)


# ---------- the health of each recruiter's book ----------


def book_health_count(
    *, recruiter_ids: list[int] | None = None, now: datetime.datetime | None = None
) -> int:
    """Count, for each recruiter (or those given), their candidates in open pipelines and how
    many heard from us in the last 7 days, in one grouped query; store it for "Today" and the
    team view to read. Returns how many recruiters were counted."""
    now = now or timezone.now()
    in_pipeline = Application.objects.filter(
        candidate=OuterRef("pk"),
        outcome=Application.Outcome.ACTIVE,
        requisition__status=Requisition.Status.OPEN,
    ).exclude(stage=Application.Stage.HIRED)
    recruiters = User.objects.filter(role=User.Role.RECRUITER)
    candidates = Candidate.objects.filter(Exists(in_pipeline))
    if recruiter_ids is not None:
        recruiters = recruiters.filter(pk__in=recruiter_ids)
        candidates = candidates.filter(owner__in=recruiter_ids)
    counted = {
        owner: (active, heard)
        for owner, active, heard in candidates.values_list("owner")
        .annotate(
            active=Count("pk"),
            heard=Count("pk", filter=Q(last_contacted_at__gte=now - datetime.timedelta(days=7))),
        )
        .order_by()
    }
    rows = [
        BookHealth(
            recruiter_id=pk,
            active=counted.get(pk, (0, 0))[0],
            heard_from=counted.get(pk, (0, 0))[1],
            counted_at=now,
        )
        for pk in recruiters.values_list("pk", flat=True)
    ]
    BookHealth.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["recruiter"],
        update_fields=["active", "heard_from", "counted_at"],
    )
    return len(rows)
