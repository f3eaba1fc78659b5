"""Mail to interview panels (the kit; a reminder of a missing scorecard) and the recruiter's
"scorecards missing" task.

A PanelEmail row is written inside the transaction that owes it; a task sends it once that
commits. If the broker was down, beat's `scorecards_remind_and_send` finds the row still unsent
and sends it, so nothing owed is lost. A row is sent while locked (FOR UPDATE SKIP LOCKED), so
the task and beat never both send it; a worker dying between the server's acceptance and the
row's update can still send it twice, with the same Message-ID.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from candidates.models import Scorecard
from followups import links
from followups.models import FollowUp, FollowUpState, PanelEmail
from followups.services import recruiter_task_create
from hiring_leaders.models import KitCriterion, KitRound, PanelMember
from recruitcrm.models import User

logger = logging.getLogger(__name__)

# A scorecard is owed the day after the interview: reminded once, this long after its start.
SCORECARD_GRACE = datetime.timedelta(hours=24)
# A row not sent this long after it was written lost its task (broker down, worker died).
RESEND_AFTER = datetime.timedelta(minutes=5)
MAX_ATTEMPTS = 5
BATCH = 200


def panel_emails_queue(
    *,
    members: list[PanelMember],
    kind: str,
    by: User | None = None,
    scorecards: list[Scorecard] | None = None,
) -> list[PanelEmail]:
    """Write one email row per member (per scorecard, for reminders) and send them once the
    caller's transaction commits."""
    emails = PanelEmail.objects.bulk_create(
        PanelEmail(panel_member=member, kind=kind, sent_by=by, scorecard=scorecard)
        for member, scorecard in zip(members, scorecards or [None] * len(members), strict=True)
    )
    ids = [email.pk for email in emails]
    transaction.on_commit(lambda: _hand_over(ids))
    return emails


def _hand_over(ids: list[int]) -> None:
    from followups.tasks import send_panel_emails

    try:
        send_panel_emails.delay(ids)
    except Exception:
        # The rows are in the database: beat's sweep sends them when the broker is back.
        logger.exception("could not queue %s panel emails; beat will send them", len(ids))


def panel_emails_send(*, ids: list[int] | None = None, now: datetime.datetime | None = None) -> int:
    """Send the given unsent rows (or, with no ids, every row left unsent for a while)."""
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        rows = PanelEmail.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        if ids is None:
            rows = rows.filter(created_at__lte=now - RESEND_AFTER)
        else:
            rows = rows.filter(pk__in=ids)
        rows = rows.select_related(
            "panel_member__requisition__company",
            "panel_member__requisition__recruiter",
            "panel_member__requisition__hiring_leader",
            "scorecard__interview__application__candidate",
            "scorecard__interview__round",
        ).select_for_update(skip_locked=True, of=("self",))
        for email in rows.order_by("pk")[:BATCH]:
            sent += _send_one(email)
    return sent


def _send_one(email: PanelEmail) -> int:
    try:
        message = panel_email_message(email)
        message.send()
    except Exception as error:
        email.attempts += 1
        email.last_error = f"{type(error).__name__}: {error}"[:1000]
        email.save(update_fields=["attempts", "last_error"])
        logger.warning("panel email %s not sent: %s", email.pk, error)
        return 0
    email.attempts += 1
    email.sent_at = timezone.now()
    email.last_error = ""
    email.save(update_fields=["attempts", "sent_at", "last_error"])
    return 1


def panel_email_message(email: PanelEmail) -> EmailMultiAlternatives:
    """The email as its recipient reads it, from what the kit says at the time of sending."""
    member = email.panel_member
    requisition = member.requisition
    context = {
        "member": member,
        "requisition": requisition,
        "recruiter": requisition.recruiter,
        "kit_link": links.panel_kit_link(member.pk),
    }
    if email.kind == PanelEmail.Kind.KIT:
        context |= _kit_context(member)
        prefix = "emails/panel-kit"
    else:
        scorecard = email.scorecard
        context |= {
            "scorecard": scorecard,
            "interview": scorecard.interview,
            "candidate": scorecard.interview.application.candidate,
            "scorecard_link": links.scorecard_link(scorecard.pk),
            "time_zone": requisition.company.time_zone or settings.TIME_ZONE,
        }
        prefix = (
            "emails/panel-scorecard"
            if email.kind == PanelEmail.Kind.SCORECARD
            else "emails/panel-scorecard-reminder"
        )
    subject = " ".join(render_to_string(f"{prefix}-subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{prefix}-body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[f"{member.name} <{member.email}>"],
        reply_to=[requisition.recruiter.email] if requisition.recruiter.email else None,
        headers={"Message-ID": email.message_id},
    )
    message.attach_alternative(render_to_string(f"{prefix}-body.html", context), "text/html")
    return message


def _kit_context(member: PanelMember) -> dict:
    kit = member.requisition.interview_kit
    criteria = list(
        KitCriterion.objects.filter(kit=kit).prefetch_related("questions").order_by("position")
    )
    rounds = list(
        KitRound.objects.filter(kit=kit)
        .prefetch_related("interviewers", Prefetch("criteria", KitCriterion.objects.all()))
        .order_by("position")
    )
    theirs = [r for r in rounds if any(m.pk == member.pk for m in r.interviewers.all())]
    return {"kit": kit, "criteria": criteria, "rounds": rounds, "their_rounds": theirs}


# ---------- missing scorecards ----------


def missing_task_key(interview_id: int) -> str:
    return f"scorecards-missing:{interview_id}"


def _missing_title(count: int, candidate_name: str) -> str:
    noun = "scorecard" if count == 1 else "scorecards"
    return f"{count} {noun} missing for {candidate_name}'s interview"


def scorecards_remind_missing(*, now: datetime.datetime | None = None) -> int:
    """Remind each interviewer once whose scorecard is still missing a day after the interview
    started, and put one task per interview in the recruiter's queue. Safe to run twice: a
    reminded scorecard has reminded_at, and the task's key is unique."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Scorecard.objects.filter(
                submitted_at__isnull=True,
                reminded_at__isnull=True,
                interview__starts_at__lte=now - SCORECARD_GRACE,
            )
            .select_related(
                "interviewer",
                "interview__application__candidate",
                "interview__application__requisition",
            )
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")[:BATCH]
        )
        if not due:
            return 0
        Scorecard.objects.filter(pk__in=[s.pk for s in due]).update(reminded_at=now)
        # One interviewer owing several scorecards gets one reminder per interview.
        panel_emails_queue(
            members=[s.interviewer for s in due],
            kind=PanelEmail.Kind.SCORECARD_REMINDER,
            scorecards=due,
        )
        _missing_tasks(due)
    return len(due)


def _missing_tasks(due: list[Scorecard]) -> None:
    by_interview = defaultdict(list)
    for scorecard in due:
        by_interview[scorecard.interview_id].append(scorecard)
    missing = _missing_counts(list(by_interview))
    for interview_id, cards in by_interview.items():
        application = cards[0].interview.application
        recruiter_task_create(
            recruiter=application.requisition.recruiter,
            title=_missing_title(missing.get(interview_id, len(cards)), application.candidate.name),
            key=missing_task_key(interview_id),
            application=application,
            candidate=application.candidate,
            requisition=application.requisition,
        )


def _missing_counts(interview_ids: list[int]) -> dict[int, int]:
    rows = (
        Scorecard.objects.filter(interview_id__in=interview_ids, submitted_at__isnull=True)
        .values("interview_id")
        .annotate(n=Count("pk"))
    )
    return {row["interview_id"]: row["n"] for row in rows}


def followups_on_scorecard_submitted(*, scorecard: Scorecard) -> None:
    """A submitted scorecard shrinks, or clears, the recruiter's "missing" task."""
    task = FollowUp.objects.filter(
        key=missing_task_key(scorecard.interview_id), state=FollowUpState.SCHEDULED
    ).first()
    if task is None:
        return
    still = _missing_counts([scorecard.interview_id]).get(scorecard.interview_id, 0)
    if still == 0:
        task.state = FollowUpState.CANCELLED
        task.note = "Every scorecard is in."
        task.save(update_fields=["state", "note", "updated_at"])
        return
    candidate = scorecard.interview.application.candidate
    task.task_title = _missing_title(still, candidate.name)
    task.save(update_fields=["task_title", "updated_at"])
