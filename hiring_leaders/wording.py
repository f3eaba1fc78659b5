"""What the recruiters' pages say after a change, and what a planned message would read like:
the sentences are kept here so views stay thin and the words stay consistent."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import pluralize
from django.utils import timezone

from candidates.models import Application
from followups.composing import email_parts, message_context
from followups.models import Audience, Channel, FollowUp
from followups.services import PlannedTouches, held_back_from_candidate
from hiring_leaders.models import Requisition
from hiring_leaders.services import STATUS_MOVES

State = FollowUp.State
# Due this soon means "with the next dispatch": say so rather than print the minute.
RIGHT_AWAY = datetime.timedelta(minutes=5)


def when(moment) -> str:
    return f"{timezone.localtime(moment):%a %-d %b, %H:%M %Z}"


def _touch(followup: FollowUp) -> str:
    if followup.channel == Channel.TASK:
        title = followup.task_title or followup.template.name
        return f"a task for {followup.recruiter.name}: “{title}”, due {when(followup.due_at)}"
    # Not "right away": it waits out the undo window first, and the next dispatch after that.
    moment = "within a couple of minutes" if _soon(followup.due_at) else when(followup.due_at)
    return f"“{followup.template.name}” by email to {followup.person.name}, {moment}"


def _soon(moment) -> bool:
    return moment <= timezone.now() + RIGHT_AWAY


def moved_message(application: Application, *, from_stage: str, scheduled: list[FollowUp]) -> str:
    said = (
        f"Moved {application.candidate.name} from {from_stage} to "
        f"{application.get_stage_display()}."
    )
    return f"{said} {scheduled_words(scheduled, nothing='for this move')}{held_back(application)}"


def checkins_missed(followups: list[FollowUp]) -> str:
    """What a hire recorded late will not send: check-ins whose day had passed, and the
    congratulations to someone who started weeks ago ("" if none)."""
    skipped = [f for f in followups if f.state == State.SKIPPED and f.placement_id]
    days = sorted(
        {
            f.cadence_step.offset_days
            for f in skipped
            if f.cadence_step_id and f.audience in (Audience.NEW_HIRE, Audience.HIRING_LEADER)
        }
    )
    said = ""
    if days:
        named = [f"day {d}" for d in days]
        listed = " and ".join([", ".join(named[:-1]), named[-1]] if len(named) > 1 else named)
        said = (
            f" The start date is far enough back that the {listed} check-in"
            f"{pluralize(len(days))} had passed: "
            f"{'they are' if len(days) > 1 else 'it is'} not sent."
        )
    if any(f.audience == Audience.CANDIDATE for f in skipped):
        said += " Nor is the congratulations email: they started weeks ago."
    return said


def held_back(application: Application) -> str:
    """What a move on a role on hold does not send, said after the confirmation ("" if none)."""
    if not held_back_from_candidate(application):
        return ""
    return (
        f" No status email to {application.candidate.first_name}: the role is on hold, as "
        "they were told."
    )


def closed_message(application: Application, *, scheduled: list[FollowUp]) -> str:
    """A closed application's confirmation: what the candidate will be sent, if anything (a
    rejection's kind note goes a couple of days later; the reason itself is never sent)."""
    said = (
        f"Closed {application.candidate.name}\u2019s application for "
        f"{application.requisition.title} as {application.get_outcome_display().lower()}. "
        "The reason is on their timeline, for your team."
    )
    return f"{said} {scheduled_words(scheduled, nothing='for this')}"


def scheduled_words(scheduled: list[FollowUp], *, nothing: str) -> str:
    waiting = [f for f in scheduled if f.state == State.SCHEDULED]
    if not waiting:
        return f"Nothing is sent automatically {nothing}."
    return f"Scheduled: {'; '.join(_touch(f) for f in waiting)}."


@dataclass(frozen=True)
class PlanSummary:
    emails: int
    tasks: int
    skipped: int

    @property
    def nothing(self) -> bool:
        return not (self.emails or self.tasks or self.skipped)

    def __str__(self) -> str:
        parts = []
        if self.emails:
            parts.append(f"{self.emails} email{pluralize(self.emails)}")
        if self.tasks:
            parts.append(f"{self.tasks} task{pluralize(self.tasks)} for a recruiter")
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        return ", ".join(parts) if parts else "no messages"


def planned_summary(planned: list[PlannedTouches]) -> PlanSummary:
    def counted(channel: str) -> int:
        return sum(
            g.count
            for g in planned
            if g.example.channel == channel and g.example.state != State.SKIPPED
        )

    return PlanSummary(
        emails=counted(Channel.EMAIL),
        tasks=counted(Channel.TASK),
        skipped=sum(g.count for g in planned if g.example.state == State.SKIPPED),
    )


_DONE = {
    Requisition.Status.ON_HOLD: "Put {title} on hold",
    Requisition.Status.OPEN: "Reopened {title}",
    Requisition.Status.FILLED: "Marked {title} as filled",
    Requisition.Status.CANCELLED: "Cancelled {title}",
}


def status_done_message(
    requisition: Requisition, *, status: str, created: PlanSummary, sees_outbox: bool
) -> str:
    """What the change did. Only admins open the outbox; a recruiter is told where else each
    message shows."""
    done = _DONE[status].format(title=requisition.title)
    if created.nothing:
        return f"{done}. No messages were scheduled."
    if sees_outbox:
        return f"{done}. Scheduled {created}; the outbox shows each one."
    return (
        f"{done}. Scheduled {created}; each email shows on its recipient's timeline once it goes."
    )


def fill_shortfall(requisition: Requisition, *, hired: int) -> str:
    """What marking the role filled would close without a hire on record, or ''."""
    title, openings = requisition.title, requisition.openings
    if not hired:
        return (
            f"Nobody is recorded as hired for {title}. If the role went to someone you placed, "
            "record their hire first, so that their start and check-ins are scheduled."
        )
    if hired < openings:
        others = openings - hired
        return (
            f"{hired} of its {openings} openings {'has' if hired == 1 else 'have'} a hire "
            f"recorded: marked filled, the other {others} close{pluralize(others, 's,')} too."
        )
    return ""


def chases_words(requisition: Requisition, paused: int, going: int) -> str:
    """What a status change did to chasing the leader's feedback, said after its confirmation."""
    leader = requisition.hiring_leader.name
    if paused:
        return (
            f" Your reminders to chase {leader}\u2019s feedback on {paused} "
            f"candidate{pluralize(paused)} wait until the role reopens."
        )
    if going:
        days = settings.LEADER_FEEDBACK_OVERDUE_DAYS
        return (
            f" {going} candidate{pluralize(going)} still wait{pluralize(going, 's,')} on "
            f"{leader}\u2019s feedback: you will be reminded to chase it if none has come in "
            f"{days} day{pluralize(days)}."
        )
    return ""


@dataclass(frozen=True)
class Sample:
    """One planned message as its first recipient would read it."""

    template_name: str
    recipients: int
    to: str
    subject: str
    text: str
    problem: str = ""


def planned_samples(planned: list[PlannedTouches]) -> list[Sample]:
    """Each email template the change would send, rendered for one of its recipients, so the
    recruiter reads the words (with their reason in them) before confirming."""
    by_template: dict[int, list[PlannedTouches]] = {}
    for group in sorted(planned, key=_plan_order):
        row = group.example
        if row.channel == Channel.EMAIL and row.state == State.SCHEDULED:
            by_template.setdefault(row.template_id, []).append(group)
    return [
        _sample(groups[0].example, recipients=sum(g.count for g in groups))
        for groups in by_template.values()
    ]


def _sample(followup: FollowUp, *, recipients: int) -> Sample:
    template = followup.template
    to = f"{followup.person.name} ({followup.get_audience_display().lower()})"
    try:
        parts = email_parts(
            subject=template.subject, body=template.body, context=message_context(followup)
        )
    except Exception as error:  # the preview says what the send would trip on
        return Sample(template.name, recipients, to, "", "", problem=str(error))
    return Sample(template.name, recipients, to, parts.subject, _without_footer(parts.text))


def _without_footer(text: str) -> str:
    # The unsubscribe footer is the same in every email; the recruiter needs the words above it.
    return text.split("\n--\n")[0].rstrip()


_STATUS_BUTTONS = {
    Requisition.Status.ON_HOLD: "Put on hold",
    Requisition.Status.OPEN: "Reopen",
    Requisition.Status.FILLED: "Mark filled",
    Requisition.Status.CANCELLED: "Cancel the role",
}


def status_actions(requisition: Requisition) -> list[tuple[str, str]]:
    """The status changes open to this requisition now, as (status, button words)."""
    return [
        (status, words)
        for status, words in _STATUS_BUTTONS.items()
        if requisition.status in STATUS_MOVES[status]
    ]


NAMES_SHOWN = 3
NAMES_LISTED = 100


@dataclass
class PlanLine:
    """One line of the preview: one message to one person, or the same message to many (an
    email to every candidate in the pipeline is one line, not two thousand). A task line goes
    to `recruiter`, one task about each of `names`."""

    what: str
    audience: str
    channel: str
    state: str
    note: str
    count: int
    names: list[str]  # alphabetical; at most NAMES_LISTED of `count`
    email: str  # the address, when the line is one email to one person
    recruiter: str
    first_due: object
    last_due: object

    @property
    def shown(self) -> list[str]:
        return self.names[:NAMES_SHOWN]

    @property
    def listed(self) -> list[str]:
        return self.names[:NAMES_LISTED]

    @property
    def unlisted(self) -> int:
        return max(0, self.count - NAMES_LISTED)

    @property
    def more(self) -> int:
        return self.count - len(self.shown)

    @property
    def right_away(self) -> bool:
        return _soon(self.first_due)


def plan_lines(planned: list[PlannedTouches]) -> list[PlanLine]:
    """The preview's lines, one per group of touches: the hiring leader first, then
    candidates soonest first, skipped messages last."""
    return [_line(group) for group in sorted(planned, key=_plan_order)]


def _line(group: PlannedTouches) -> PlanLine:
    row = group.example
    person = row.person if row.channel == Channel.EMAIL else None
    return PlanLine(
        what=row.task_title if group.count == 1 and row.task_title else row.template.name,
        audience="Recruiter" if row.channel == Channel.TASK else row.get_audience_display(),
        channel=row.channel,
        state=row.state,
        note=_note(group),
        count=group.count,
        names=group.names,
        email=person.email if group.count == 1 and person and person.email else "",
        recruiter=row.recruiter.name,
        first_due=group.first_due,
        last_due=group.last_due,
    )


def _note(group: PlannedTouches) -> str:
    """Why a touch is a task or is skipped: the row's own note names its one person; a group's
    says the reason they share."""
    if group.count == 1 or not group.reason:
        return group.example.note
    if group.example.channel == Channel.TASK:
        return f"A task instead of each email: each {group.reason}."
    return f"Not sent: each {group.reason}."


def _plan_order(group: PlannedTouches):
    row = group.example
    return (
        row.state == State.SKIPPED,
        row.audience != Audience.HIRING_LEADER,
        group.first_due,
        group.names[0] if group.names else "",
    )
