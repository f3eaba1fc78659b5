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
    Audience,
    CheckInResponse,
    FollowUp,
    SolvedProblem,
)
from followups.services.recruiter_tasks import recruiter_task_create
from followups.services.triggers import followups_on_opt_out
from hiring_leaders.models import HiringLeader

# The check-in that asks the hiring leader whether the hire solved the problem stated at
# intake: the leader's at 90 days, when the answer means something and the memory of the
# kick-off is still there. Known by its step (the shipped cadence's 90-day leader step).
SOLVED_PROBLEM_DAY = 90


def asks_whether_solved(followup: FollowUp) -> bool:
    step = followup.cadence_step
    return (
        followup.audience == Audience.HIRING_LEADER
        and followup.placement_id is not None
        and step is not None
        and step.offset_days == SOLVED_PROBLEM_DAY
    )


@transaction.atomic
def checkin_answer(
    *,
    followup: FollowUp,
    score: int,
    comment: str = "",
    is_concern: bool = False,
    solved_problem: str = "",
) -> CheckInResponse:
    """Store the answer to a check-in, or change it. One check-in has one answer, one entry on
    the timeline and at most one flag for the recruiter (a low score or a concern), however
    often the person opens the link and sends it again. The 90-day leader check-in also says
    whether the hire solved the problem (yes, partly, no); no other check-in stores one."""
    if followup.placement_id is None:
        raise ValidationError("This link is not a check-in.")
    if not 1 <= score <= 5:
        raise ValidationError("Choose a score from 1 to 5.")
    if not asks_whether_solved(followup):
        solved_problem = ""
    elif solved_problem not in SolvedProblem.values:
        raise ValidationError("Say whether the hire solved the problem: yes, partly or no.")
    # Two submissions at once must not both create the answer and its timeline entry.
    FollowUp.objects.select_for_update().filter(pk=followup.pk).values_list("pk").get()
    followup = FollowUp.objects.select_related(
        "placement__application__candidate", "candidate", "hiring_leader"
    ).get(pk=followup.pk)
    response = CheckInResponse.objects.filter(followup=followup).first() or CheckInResponse(
        followup=followup, placement_id=followup.placement_id, audience=followup.audience
    )
    before = (response.score, response.comment, response.is_concern) if response.pk else None
    response.score = score
    response.comment = comment.strip()
    response.is_concern = is_concern
    response.solved_problem = solved_problem
    response.activity = _checkin_on_timeline(followup, response)
    changed = before is not None and before != (score, response.comment, is_concern)
    if changed and response.reviewed_at and response.raises_flag:
        # What the recruiter reviewed is not what the person says now: review it again.
        response.concern_theme, response.reviewed_at, response.reviewed_by = "", None, None
    response.save()
    if response.raises_flag:
        _flag_checkin(followup, response, reopen=changed)
    return response


def _checkin_on_timeline(followup: FollowUp, response: CheckInResponse) -> Activity:
    person = followup.person
    summary = f"{person.name} answered a check-in: {response.score}/5" + (
        " (concern raised)" if response.is_concern else ""
    )
    if response.solved_problem:
        solved = SolvedProblem(response.solved_problem).label.lower()
        summary += f"; solved the problem stated at intake: {solved}"
    activity = response.activity or Activity(
        kind=Activity.Kind.NOTE,
        candidate=followup.placement.application.candidate,
        hiring_leader=followup.hiring_leader,
        requisition=followup.requisition,
        application=followup.application,
    )
    if response.pk is not None:
        summary += " (changed their answer)"
    activity.summary = summary
    activity.body = response.comment
    activity.save()
    return activity


def _flag_checkin(followup: FollowUp, response: CheckInResponse, *, reopen: bool) -> None:
    person = followup.person
    title = f"Check-in flag: {person.name} scored {response.score}/5" + (
        f" — “{response.comment[:120]}”" if response.comment else ""
    )
    flag = recruiter_task_create(
        recruiter=followup.recruiter,
        title=title,
        key=f"checkin-flag:{followup.pk}",
        candidate=followup.placement.application.candidate,
        hiring_leader=followup.hiring_leader,
        requisition=followup.requisition,
        placement=followup.placement,
    )
    # A changed answer keeps its one flag, saying what the person says now; a flag already dealt
    # with comes back, since the answer it was about has changed.
    if reopen and flag.state == FollowUp.State.DONE:
        FollowUp.objects.filter(pk=flag.pk).update(
            task_title=title[:300], state=FollowUp.State.SCHEDULED, note="", due_at=timezone.now()
        )
    elif flag.task_title != title[:300] and flag.state == FollowUp.State.SCHEDULED:
        FollowUp.objects.filter(pk=flag.pk).update(task_title=title[:300])


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
