"""What the recruiters' pages say after a change, and what a planned message would read like:
the sentences are kept here so views stay thin and the words stay consistent."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.template.defaultfilters import pluralize
from django.utils import timezone

from candidates.models import Application
from followups.composing import email_parts, message_context
from followups.models import Audience, Channel, FollowUp
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
    moment = "right away" if _soon(followup.due_at) else when(followup.due_at)
    return f"“{followup.template.name}” by email to {followup.person.name}, {moment}"


def _soon(moment) -> bool:
    return moment <= timezone.now() + RIGHT_AWAY


def moved_message(application: Application, *, from_stage: str, scheduled: list[FollowUp]) -> str:
    said = (
        f"Moved {application.candidate.name} from {from_stage} to "
        f"{application.get_stage_display()}."
    )
    waiting = [f for f in scheduled if f.state == State.SCHEDULED]
    if not waiting:
        return f"{said} Nothing is sent automatically for this move."
    return f"{said} Scheduled: {'; '.join(_touch(f) for f in waiting)}."


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


def planned_summary(planned: list[FollowUp]) -> PlanSummary:
    live = [f for f in planned if f.state != State.SKIPPED]
    return PlanSummary(
        emails=sum(1 for f in live if f.channel == Channel.EMAIL),
        tasks=sum(1 for f in live if f.channel == Channel.TASK),
        skipped=len(planned) - len(live),
    )


_DONE = {
    Requisition.Status.ON_HOLD: "Put {title} on hold",
    Requisition.Status.OPEN: "Reopened {title}",
    Requisition.Status.FILLED: "Marked {title} as filled",
    Requisition.Status.CANCELLED: "Cancelled {title}",
}


def status_done_message(requisition: Requisition, *, status: str, created: list[FollowUp]) -> str:
    summary = planned_summary(created)
    done = _DONE[status].format(title=requisition.title)
    if summary.nothing:
        return f"{done}. No messages were scheduled."
    return f"{done}. Scheduled {summary}; the outbox shows each one."


@dataclass(frozen=True)
class Sample:
    """One planned message as its first recipient would read it."""

    template_name: str
    recipients: int
    to: str
    subject: str
    text: str
    problem: str = ""


def planned_samples(planned: list[FollowUp]) -> list[Sample]:
    """Each email template the change would send, rendered for its first recipient, so the
    recruiter reads the words (with their reason in them) before confirming."""
    by_template: dict[int, list[FollowUp]] = {}
    for followup in sorted(planned, key=_plan_order):
        if followup.channel == Channel.EMAIL and followup.state == State.SCHEDULED:
            by_template.setdefault(followup.template_id, []).append(followup)
    return [_sample(rows[0], recipients=len(rows)) for rows in by_template.values()]


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
    """One line of the preview: a message going to one person, or the same message going to
    many (an email to every candidate in the pipeline is one line, not two thousand)."""

    what: str
    audience: str
    channel: str
    state: str
    note: str
    names: list[str]
    emails: list[str]
    first_due: object
    last_due: object

    @property
    def count(self) -> int:
        return len(self.names)

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


def plan_lines(planned: list[FollowUp]) -> list[PlanLine]:
    """The preview's lines: scheduled emails grouped by message and audience; each task and
    each skipped message on its own line, because its note names the person and the why."""
    lines: dict[tuple, PlanLine] = {}
    for followup in sorted(planned, key=_plan_order):
        grouped = followup.channel == Channel.EMAIL and followup.state == State.SCHEDULED
        key = (followup.template_id, followup.audience) if grouped else (id(followup),)
        # A task goes to the recruiter, whoever it is about.
        person = None if followup.channel == Channel.TASK else followup.person
        name = person.name if person else followup.recruiter.name
        line = lines.get(key)
        if line is None:
            lines[key] = PlanLine(
                what=followup.task_title or followup.template.name,
                audience="Recruiter" if person is None else followup.get_audience_display(),
                channel=followup.channel,
                state=followup.state,
                note=followup.note,
                names=[name],
                emails=[person.email] if person and person.email else [],
                first_due=followup.due_at,
                last_due=followup.due_at,
            )
            continue
        line.names.append(name)
        line.first_due = min(line.first_due, followup.due_at)
        line.last_due = max(line.last_due, followup.due_at)
    return list(lines.values())


def _plan_order(followup: FollowUp):
    # The leader first (one line that matters most), then candidates by time and name;
    # skipped messages last.
    person = followup.person
    return (
        followup.state == State.SKIPPED,
        followup.audience != Audience.HIRING_LEADER,
        followup.due_at,
        person.name if person else "",
    )
