"""Admin configuration: cadences, their steps, and message templates."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from followups.messages import (
    render_message,
    sample_context,
    template_problems,
)
from followups.models import (
    READER_AUDIENCES,
    Audience,
    Cadence,
    CadenceStep,
    Channel,
    FollowUp,
    MessageTemplate,
    Reader,
    Trigger,
)
from followups.services.rows import State, cancel_scheduled
from recruitcrm.models import User


def _scheduled_from(**step_filter) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(state=State.SCHEDULED, **step_filter)


@transaction.atomic
def cadence_set_enabled(*, cadence: Cadence, enabled: bool, by: User) -> int:
    """Switch a cadence on or off. Returns how many scheduled follow-ups switching off cancelled.

    Off means off: an admin who stops the check-ins because a template is wrong expects no
    more of them, not the day-60 and day-90 ones still going out for months. Switching back on
    schedules for new events only; the cancelled rows can be retried one by one in the outbox.
    """
    cadence = Cadence.objects.select_for_update().get(pk=cadence.pk)
    if cadence.enabled == enabled:
        return 0
    cadence.enabled = enabled
    cadence.save(update_fields=["enabled", "updated_at"])
    if enabled:
        return 0
    return cancel_scheduled(
        _scheduled_from(cadence_step__cadence=cadence),
        reason=f"Cadence “{cadence.name}” switched off by {by}",
    )


QUIET_DAYS_MOST = 90


@transaction.atomic
def cadence_quiet_days_set(*, cadence: Cadence, days: int, by: User) -> int:
    """How long a candidate's silence lasts before a "gone quiet" cadence speaks. Returns how
    many follow-ups already scheduled from it keep their time.

    As with a step's change, it applies from now on: a note already scheduled (and shown on
    Today) still goes when it said, and beat's next walk measures every silence by the new days.
    """
    if cadence.trigger != Trigger.CANDIDATE_UNTOUCHED:
        raise ValidationError("Only a “gone quiet” cadence waits a number of days of silence.")
    if not 1 <= days <= QUIET_DAYS_MOST:
        raise ValidationError(
            {"quiet_days": f"Choose between 1 and {QUIET_DAYS_MOST} days of silence."}
        )
    cadence = Cadence.objects.select_for_update().get(pk=cadence.pk)
    if cadence.quiet_days != days:
        cadence.quiet_days = days
        cadence.save(update_fields=["quiet_days", "updated_at"])
    return _scheduled_from(cadence_step__cadence=cadence).count()


# Whom each trigger can reach (see the targets each entry point builds): a step for anyone else
# would be saved and then never fire.
_EVERYONE_BUT_NEW_HIRE = (Audience.CANDIDATE, Audience.HIRING_LEADER, Audience.RECRUITER)


AUDIENCES_BY_TRIGGER: dict[str, tuple[str, ...]] = dict.fromkeys(
    Trigger.values, _EVERYONE_BUT_NEW_HIRE
) | {
    Trigger.PLACEMENT_STARTED: (Audience.NEW_HIRE, Audience.HIRING_LEADER, Audience.RECRUITER),
    Trigger.REQUISITION_OPEN_WEEKLY: (Audience.HIRING_LEADER, Audience.RECRUITER),
}


def cadence_step_problems(
    *, cadence: Cadence, audience: str, channel: str, template: MessageTemplate | None = None
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    reachable = AUDIENCES_BY_TRIGGER[cadence.trigger]
    if audience not in reachable:
        names = ", ".join(Audience(a).label.lower() for a in reachable)
        problems["audience"] = [
            f"“{cadence.get_trigger_display()}” can only reach: {names}. "
            "A step for anyone else would never be sent."
        ]
    if audience == Audience.RECRUITER and channel == Channel.EMAIL:
        problems["channel"] = [
            "The owning recruiter gets tasks in their queue, not emails: choose "
            f"“{Channel.TASK.label}”."
        ]
    if template is not None and template.kind != channel:
        problems["template"] = [_template_mismatch(template, channel)]
    elif template is not None and not _reads_true_to(template, audience):
        problems["template"] = [
            f"“{template.name}” is written for {Reader(template.written_for).label.lower()}: "
            f"choose a template for the {Audience(audience).label.lower()}, or change whom it "
            "is written for."
        ]
    return problems


def _reads_true_to(template: MessageTemplate, audience: str) -> bool:
    return not template.written_for or audience in READER_AUDIENCES[template.written_for]


def _template_mismatch(template: MessageTemplate, channel: str) -> str:
    # A task's words ("Get back in touch with Ada") mailed to Ada, or an email's words as a task
    # title, would read as nonsense to whoever receives them.
    if channel == Channel.EMAIL:
        return (
            f"“{template.name}” is written as a task for the recruiter, not as an email to a "
            "person: choose an email template, or send this step as a task."
        )
    return (
        f"“{template.name}” is an email written to a person, not a task for the recruiter: "
        "choose a task template, or send this step as an email."
    )


@transaction.atomic
def cadence_step_save(
    *,
    cadence: Cadence,
    step: CadenceStep | None = None,
    offset_days: int,
    send_time: datetime.time | None,
    audience: str,
    channel: str,
    template: MessageTemplate,
    task_if_opted_out: bool,
    by: User,
) -> CadenceStep:
    """Add a step to a cadence (step=None) or change one.

    Follow-ups already scheduled keep their time and template: a change applies to the events
    that happen from now on, so nobody gets a day-30 check-in twice because day 30 became 28.
    """
    problems = cadence_step_problems(
        cadence=cadence, audience=audience, channel=channel, template=template
    )
    if problems:
        raise ValidationError(problems)
    if step is None:
        last = cadence.steps.order_by("-position").values_list("position", flat=True).first()
        step = CadenceStep(cadence=cadence, position=0 if last is None else last + 1)
    elif step.cadence_id != cadence.pk:
        raise ValidationError("This step belongs to another cadence.")
    step.offset_days = offset_days
    step.send_time = send_time
    step.audience = audience
    step.channel = channel
    step.template = template
    # Only an email can be blocked by an opt-out; a task always reaches the recruiter.
    step.task_if_opted_out = task_if_opted_out and channel == Channel.EMAIL
    step.save()
    Cadence.objects.filter(pk=cadence.pk).update(updated_at=timezone.now())
    return step


@transaction.atomic
def cadence_step_delete(*, step: CadenceStep, by: User) -> int:
    """Remove a step; its follow-ups not yet sent are cancelled. Returns how many."""
    cancelled = cancel_scheduled(
        _scheduled_from(cadence_step=step),
        reason=f"Step removed from “{step.cadence.name}” by {by}",
    )
    Cadence.objects.filter(pk=step.cadence_id).update(updated_at=timezone.now())
    step.delete()
    return cancelled


def message_source_problems(
    *, subject: str, body: str, kind: str = MessageTemplate.Kind.EMAIL
) -> dict[str, list[str]]:
    """What is wrong with a subject and body as written, by field ({} when nothing is). A task
    is its subject alone, the line the recruiter reads in their queue."""
    if kind == MessageTemplate.Kind.TASK:
        found = template_problems(subject) if subject.strip() else ["Write the task\u2019s line."]
        return {"subject": found} if found else {}
    problems: dict[str, list[str]] = {}
    for field_name, source, missing in (
        ("subject", subject, "Write a subject line."),
        ("body", body, "Write the message."),
    ):
        found = template_problems(source) if source.strip() else [missing]
        if found:
            problems[field_name] = found
    return problems


def message_template_problems(
    *,
    name: str,
    subject: str,
    body: str,
    kind: str = MessageTemplate.Kind.EMAIL,
    written_for: str = Reader.ANYONE,
    exclude_pk: int | None = None,
) -> dict[str, list[str]]:
    """What stops a template from being saved, by field ({} when nothing does). Public so that
    every place that saves templates (this app's editor, Django admin) refuses the same things."""
    problems: dict[str, list[str]] = {}
    if written_for not in Reader.values:
        problems["written_for"] = ["Choose whom this email is written for."]
    elif written_for and kind == MessageTemplate.Kind.TASK:
        problems["written_for"] = ["A task is written to the recruiter: leave this at “Anyone”."]
    elif written_for and exclude_pk is not None:
        elsewhere = CadenceStep.objects.filter(template_id=exclude_pk, channel=Channel.EMAIL)
        elsewhere = elsewhere.exclude(audience__in=READER_AUDIENCES[written_for])
        audience = elsewhere.values_list("audience", flat=True).first()
        if audience:
            problems["written_for"] = [
                f"Cadence steps send this template to the {Audience(audience).label.lower()}. "
                "Change those steps first."
            ]
    if kind not in MessageTemplate.Kind.values:
        problems["kind"] = ["Choose whether this is an email or a task."]
    elif exclude_pk is not None:
        mismatched = CadenceStep.objects.filter(template_id=exclude_pk).exclude(channel=kind)
        if mismatched.exists():
            sent_as = Channel(mismatched.values_list("channel", flat=True)[0]).label.lower()
            problems["kind"] = [
                f"Cadence steps send this template as: {sent_as}. Change those steps first."
            ]
    if not name.strip():
        problems["name"] = ["Give the template a name."]
    elif MessageTemplate.objects.filter(name__iexact=name.strip()).exclude(pk=exclude_pk).exists():
        problems["name"] = [f"There is already a template called “{name.strip()}”."]
    problems |= message_source_problems(subject=subject, body=body, kind=kind)
    if kind == MessageTemplate.Kind.TASK:
        body = ""
    if "subject" not in problems and "body" not in problems:
        try:
            render_message(subject=subject, body=body, context=sample_context())
        except Exception as error:  # whatever it is, it would have failed at 9:00 on Monday
            problems["body"] = [f"The template does not render with sample data: {error}"]
    return problems


@transaction.atomic
def message_template_save(
    *,
    template: MessageTemplate | None = None,
    name: str,
    subject: str,
    body: str,
    kind: str = MessageTemplate.Kind.EMAIL,
    written_for: str = Reader.ANYONE,
    by: User,
) -> MessageTemplate:
    """Create or change a template. One that would not render for every recipient is refused,
    field by field, so a typo is a form error today rather than a failed email next month."""
    problems = message_template_problems(
        name=name,
        subject=subject,
        body=body,
        kind=kind,
        written_for=written_for,
        exclude_pk=template.pk if template else None,
    )
    if problems:
        raise ValidationError(problems)
    template = template or MessageTemplate()
    template.name = name.strip()
    template.subject = subject.strip()
    # A task has no message: text left from when it was an email would be kept and never read.
    template.body = body.strip() if kind == MessageTemplate.Kind.EMAIL else ""
    template.kind = kind
    template.written_for = written_for
    template.save()
    return template
