"""Messages a recruiter sends themselves, from a template, to one person: a status note, an
expectation reset ("the role is on hold", "feedback is slower than we hoped"), a "not this time".

They go through the same durable rows, dispatcher and email as every cadence, so they are
timed, retried, recorded on the timeline and stopped by an opt-out like the rest. Each waits
UNDO_SECONDS before it can be sent, so "Undo" after a click on Send is real.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from candidates.models import Application, Candidate
from followups.composing import email_parts, message_context
from followups.messages import RenderedMessage
from followups.models import Audience, Channel, FollowUp, MessageTemplate
from followups.services.recipients import email_block
from followups.services.rows import UNDO_SECONDS
from hiring_leaders.intake import forecast_overrun_handle, forecast_overrun_reopen
from hiring_leaders.models import HiringLeader, Requisition
from recruitcrm.models import User

# The shipped expectation resets' names start so (followups migration 0008, hiring_leaders 0005).
EXPECTATION_RESET = "Expectation reset:"

State = FollowUp.State
# A message a recruiter sent by hand: its follow-up's key starts so.
ONE_OFF_KEY = "one-off:"


def message_send_problem(
    *,
    template: MessageTemplate | None,
    to: Candidate | HiringLeader,
    requisition: Requisition | None = None,
    application: Application | None = None,
) -> str:
    """Why this message (None: any message) cannot be sent to this person, about this role or
    application, or ''."""
    if template is not None and template.kind != MessageTemplate.Kind.EMAIL:
        return f"“{template.name}” is a task for the recruiter, not an email to a person."
    blocked = email_block(to)
    if blocked:
        return f"{to.name} {blocked}."
    if template is None:
        return ""
    return message_untrue(
        template=template, to=to, requisition=requisition, application=application
    )


# hiring_leaders migration 0005: the reset written to a leader, which promises a new estimate.
LEADER_SLOWER_RESET = "Expectation reset: slower than I estimated (to the hiring leader)"


@dataclass(frozen=True)
class Promise:
    """A promise a shipped message makes in the recruiter's name, to keep track of once sent."""

    description: str
    due_at: datetime.datetime


# What each shipped message promises, and in how many working days: "within the next few days
# I'll send you a revised estimate".
PROMISED_IN = {LEADER_SLOWER_RESET: ("Send {first_name} a revised estimate for {title}", 3)}
# A promise "by Friday" is kept by the end of Friday's working day.
END_OF_DAY = datetime.time(17, 0)


def message_promise(
    *, template: MessageTemplate, to: Candidate | HiringLeader, requisition, zone
) -> Promise | None:
    """The promise sending this message makes, due in the recruiter's time zone `zone`."""
    promised = PROMISED_IN.get(template.name)
    if promised is None or requisition is None:
        return None
    words, working_days = promised
    day = timezone.localdate(timezone=zone)
    while working_days:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:  # Monday to Friday
            working_days -= 1
    return Promise(
        words.format(first_name=to.first_name, title=requisition.title),
        datetime.datetime.combine(day, END_OF_DAY, tzinfo=zone),
    )


# The shipped expectation resets (followups migration 0008) whose words hold only of some
# roles and applications. A copy an admin renames is their own, and is not checked.
ON_HOLD_RESET = "Expectation reset: role on hold"
NOT_SELECTED_RESET = "Expectation reset: not selected"
FEEDBACK_PENDING_RESET = "Expectation reset: feedback pending"
# The shipped note on no occasion (followups migration 0008), which names the application's stage.
WHERE_THINGS_STAND = "Where things stand (candidate)"


def message_untrue(
    *,
    template: MessageTemplate,
    to: Candidate | HiringLeader,
    requisition: Requisition | None,
    application: Application | None = None,
) -> str:
    """Why a shipped expectation reset (or "where things stand") would tell an untruth about
    this role or application ("the role is paused" of an open one, "not selected" of someone
    still in the running or who withdrew, "your application is active" of a closed one), or
    ''. Bad news is one click; untrue news must not be."""
    if requisition is None or not _checked(template):
        return ""
    title, status = requisition.title, requisition.get_status_display().lower()
    if isinstance(to, Candidate) and (untrue := _untrue_of_application(template, to, application)):
        return untrue
    if template.name == ON_HOLD_RESET:
        if requisition.status == Requisition.Status.ON_HOLD:
            return ""
        return f"“Role on hold” says {title} is paused, and it is {status}."
    if template.name == NOT_SELECTED_RESET:
        if application is not None and application.is_active and requisition.is_active:
            return (
                "“Not selected” says they were not chosen, and they are still in the running "
                f"for {title}: close their application as rejected first, or choose another "
                "message."
            )
        return ""
    if not requisition.is_active:
        return f"{title} is {status}: this message would speak of it as still going on."
    stage = application.stage if application is not None else ""
    if (
        template.name == FEEDBACK_PENDING_RESET
        and stage
        and Application.stage_rank(stage) < Application.stage_rank(Application.Stage.SUBMITTED)
    ):
        return (
            "“Feedback pending” says the company has their profile, and they are at "
            f"{application.get_stage_display()} for {title}: nobody has been asked for "
            "feedback yet."
        )
    return ""


def _checked(template: MessageTemplate) -> bool:
    return template.name.startswith(EXPECTATION_RESET) or template.name == WHERE_THINGS_STAND


def _untrue_of_application(
    template: MessageTemplate, candidate: Candidate, application: Application | None
) -> str:
    """A candidate's reset speaks of their own application to the role: it must exist and be
    what the words say (still going on, or for "not selected", turned down)."""
    if application is None:
        return (
            f"{candidate.name} is not in that role\u2019s pipeline: this message speaks of "
            "their application to it."
        )
    title = application.requisition.title
    if application.is_active and application.stage == Application.Stage.HIRED:
        return (
            f"{candidate.name} was hired for {title}: this message would speak of their "
            "application as still going on."
        )
    if application.is_active:
        return ""
    if template.name == NOT_SELECTED_RESET:
        if application.outcome == Application.Outcome.WITHDRAWN:
            return (
                f"{candidate.name} withdrew from {title}: “Not selected” would say they were "
                "not chosen."
            )
        return ""
    return (
        f"{candidate.name}\u2019s application for {title} is closed "
        f"({application.get_outcome_display().lower()}): this message would speak of it as "
        "still going on."
    )


def _one_off(
    *,
    template: MessageTemplate,
    to: Candidate | HiringLeader,
    by: User,
    requisition: Requisition | None,
    application: Application | None,
) -> FollowUp:
    if application is not None:
        requisition = application.requisition
    is_candidate = isinstance(to, Candidate)
    return FollowUp(
        key=f"{ONE_OFF_KEY}{uuid.uuid4()}",
        template=template,
        audience=Audience.CANDIDATE if is_candidate else Audience.HIRING_LEADER,
        channel=Channel.EMAIL,
        candidate=to if is_candidate else None,
        hiring_leader=None if is_candidate else to,
        recruiter=by,
        requisition=requisition,
        application=application,
        facts={"sent_by_hand": True},
        due_at=timezone.now() + datetime.timedelta(seconds=UNDO_SECONDS),
        note=f"Sent by {by}",
    )


def message_preview(
    *,
    template: MessageTemplate,
    to: Candidate | HiringLeader,
    by: User,
    requisition: Requisition | None = None,
    application: Application | None = None,
) -> RenderedMessage:
    """Exactly what `message_send` with the same arguments would send (the personal links
    aside, which exist only once it is saved)."""
    draft = _one_off(
        template=template, to=to, by=by, requisition=requisition, application=application
    )
    return email_parts(subject=template.subject, body=template.body, context=message_context(draft))


@transaction.atomic
def message_send(
    *,
    template: MessageTemplate,
    to: Candidate | HiringLeader,
    by: User,
    requisition: Requisition | None = None,
    application: Application | None = None,
) -> FollowUp:
    """Send `template` to one person now, after the undo window. `requisition` (and for a
    candidate `application`) say what it is about, for the placeholders and the timeline."""
    problem = message_send_problem(
        template=template, to=to, requisition=requisition, application=application
    )
    if problem:
        raise ValidationError(problem)
    followup = _one_off(
        template=template, to=to, by=by, requisition=requisition, application=application
    )
    # The leader has been told: Today's "past its forecast" prompt for the role is answered,
    # and asked again if this message is undone (message_unsend).
    if (
        isinstance(to, HiringLeader)
        and requisition is not None
        and template.name.startswith(EXPECTATION_RESET)
        and (answered := forecast_overrun_handle(requisition=requisition))
    ):
        followup.facts["overrun_answered"] = answered
    followup.save()
    return followup


@transaction.atomic
def message_unsend(*, followup: FollowUp, by: User) -> FollowUp:
    """Undo a one-off message while it still waits to go."""
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if not followup.key.startswith(ONE_OFF_KEY) or followup.recruiter_id != by.pk:
        raise ValidationError("Only the person who sent a message can take it back.")
    if followup.state == State.CANCELLED:
        raise ValidationError("That message was already taken back: it will not be sent.")
    if followup.state != State.SCHEDULED:
        raise ValidationError("Too late to undo: the message has already gone.")
    followup.state = State.CANCELLED
    followup.note = f"Undone by {by}"
    followup.save(update_fields=["state", "note", "updated_at"])
    if answered := followup.facts.get("overrun_answered"):
        forecast_overrun_reopen(forecast_id=answered)
    return followup
