"""Answers from people: check-ins and opting out."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from candidates.models import (
    Activity,
    Candidate,
)
from followups.models import (
    CheckInResponse,
    FollowUp,
)
from followups.services.recruiter_tasks import recruiter_task_create
from followups.services.triggers import followups_on_opt_out
from hiring_leaders.models import HiringLeader


@transaction.atomic
def checkin_answer(
    *, followup: FollowUp, score: int, comment: str = "", is_concern: bool = False
) -> CheckInResponse:
    """Store (or update) the answer to a check-in; a low score or a concern flags the recruiter."""
    if followup.placement_id is None:
        raise ValidationError("This link is not a check-in.")
    if not 1 <= score <= 5:
        raise ValidationError("Choose a score from 1 to 5.")
    response, created = CheckInResponse.objects.update_or_create(
        followup=followup,
        defaults={
            "placement_id": followup.placement_id,
            "audience": followup.audience,
            "score": score,
            "comment": comment.strip(),
            "is_concern": is_concern,
        },
    )
    person = followup.person
    verb = "answered" if created else "updated"
    Activity.objects.create(
        kind=Activity.Kind.NOTE,
        candidate=followup.candidate or followup.placement.application.candidate,
        hiring_leader=followup.hiring_leader,
        requisition=followup.requisition,
        application=followup.application,
        summary=f"{person.name} {verb} a check-in: {score}/5"
        + (" (concern raised)" if is_concern else ""),
        body=response.comment,
    )
    if response.raises_flag:
        recruiter_task_create(
            recruiter=followup.recruiter,
            title=f"Check-in flag: {person.name} scored {score}/5"
            + (f" — “{response.comment[:120]}”" if response.comment else ""),
            key=f"checkin-flag:{followup.pk}",
            candidate=followup.candidate or followup.placement.application.candidate,
            hiring_leader=followup.hiring_leader,
            requisition=followup.requisition,
            placement=followup.placement,
        )
    return response


@transaction.atomic
def person_opt_out(*, person: Candidate | HiringLeader) -> bool:
    """Stop email to this person at once. Returns False if they had already opted out."""
    model = type(person)
    changed = model.objects.filter(pk=person.pk, opted_out_at__isnull=True).update(
        opted_out_at=timezone.now()
    )
    if not changed:
        return False
    person.refresh_from_db()
    Activity.objects.create(
        kind=Activity.Kind.NOTE,
        candidate=person if isinstance(person, Candidate) else None,
        hiring_leader=person if isinstance(person, HiringLeader) else None,
        summary=f"{person.name} opted out of email",
    )
    followups_on_opt_out(person=person)
    return True
