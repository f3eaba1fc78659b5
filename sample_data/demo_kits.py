"""The demo agency's interview kit and scorecards (issue 9 §3), played after the intakes
(sample_data.demo_forecasts) so the kit is generated from a real intake.

"Senior Data Engineer" (maya's role for Lee Harper, login "lee") has its kit generated from the
intake's must-haves, with Marta Silva (a staff engineer without a login) on the panel, a question
maya sharpened, the kit shared with Lee and sent to the panel. One candidate had the panel
interview two days ago: Marta's scorecard is in, Lee's is missing, so Lee sees "Your scorecards"
on his page, maya's Today shows "1 scorecard missing", and the interviews page shows the two
side by side with who has not submitted.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from candidates import scorecards
from candidates.models import Application, Interview, Scorecard
from followups import panel_mail
from followups.models import FollowUp, PanelEmail
from hiring_leaders import interview_kits as kits
from hiring_leaders.models import InterviewKit, Requisition
from sample_data.demo_forecasts import FULL_INTAKE_TITLE

if TYPE_CHECKING:
    from sample_data.demo_seed import _Story

MARTA = ("Marta Silva", "marta.silva")
# What Marta wrote, criterion by criterion (the kit's order): rating and notes.
MARTAS_SCORECARD = (
    (
        4,
        "Walked me through the nightly load she rebuilt at her last job: idempotent steps, "
        "backfills by partition, alerts on row counts. Clear about what she did herself.",
    ),
    (
        3,
        "Solid on partitioning and EXPLAIN; had not tuned autovacuum on a busy table but "
        "reasoned her way to it.",
    ),
    (
        2,
        "Has been on call, but only as second line; never owned the rota or the runbooks. "
        "Worth probing in the leader interview.",
    ),
)
MARTAS_NOTES = "Strong engineer. The on-call gap matters for this team: I would hire if Lee is "
MARTAS_NOTES += "comfortable coaching that in the first months."


def play(story: _Story) -> None:
    requisition = Requisition.objects.filter(
        title=FULL_INTAKE_TITLE, recruiter=story.users["maya"]
    ).first()
    if requisition is None or not hasattr(requisition, "intake"):
        return
    maya = story.users["maya"]
    domain = requisition.hiring_leader.email.rsplit("@", 1)[-1]
    kits.panel_member_save(requisition=requisition, name=MARTA[0], email=f"{MARTA[1]}@{domain}")
    kits.interview_kit_generate(requisition=requisition, by=maya)
    kit = InterviewKit.objects.get(requisition=requisition)
    _sharpen_a_question(kit)
    kits.interview_kit_share(kit=kit)
    kits.interview_kit_send_to_panel(kit=kit, by=maya)
    prepared = story.latest - timedelta(days=6)
    InterviewKit.objects.filter(pk=kit.pk).update(
        created_at=prepared, shared_with_leader_at=prepared, sent_to_panel_at=prepared
    )
    # In the story every email went out when it was written: nothing left for the worker.
    PanelEmail.objects.filter(panel_member__requisition=requisition).update(
        created_at=prepared, sent_at=prepared, attempts=1
    )
    _interview_with_one_scorecard_missing(story, requisition, kit)


def _sharpen_a_question(kit: InterviewKit) -> None:
    criterion = kit.criteria.order_by("position").first()
    kits.kit_question_save(
        criterion=criterion,
        text=(
            "Tell me about the last nightly load that failed on your watch. How did you find "
            "out, what did you do in the first hour, and what did you change so it could not "
            "happen again?"
        ),
    )


def _interview_with_one_scorecard_missing(story, requisition, kit) -> None:
    application = (
        Application.objects.filter(
            requisition=requisition,
            outcome=Application.Outcome.ACTIVE,
            stage__in=["interviewing", "submitted", "offer"],
        )
        .select_related("candidate")
        .order_by("-stage_changed_at")
        .first()
    )
    if application is None:
        return
    panel = list(requisition.panel_members.order_by("name"))
    started = (story.latest - timedelta(days=2)).replace(hour=14, minute=0, second=0, microsecond=0)
    interview = scorecards.interview_book(
        application=application,
        kit_round=kit.rounds.get(name="Panel / technical interview"),
        starts_at=started,
        interviewers=panel,
        by=story.users["maya"],
    )
    marta = interview.scorecards.get(interviewer__name=MARTA[0])
    criteria = scorecards.scorecard_criteria(marta)
    ratings = {
        criterion.pk: answer for criterion, answer in zip(criteria, MARTAS_SCORECARD, strict=False)
    }
    for criterion in criteria[len(MARTAS_SCORECARD) :]:
        ratings[criterion.pk] = (3, "")
    scorecards.scorecard_submit(scorecard=marta, ratings=ratings, notes=MARTAS_NOTES)
    # A day after the interview Lee's was still missing: reminded, and a task in maya's Today.
    reminded = started + timedelta(hours=25)
    panel_mail.scorecards_remind_missing(now=reminded)
    _backdate(interview, booked=started - timedelta(days=2), submitted=started + timedelta(hours=3))
    PanelEmail.objects.filter(scorecard__interview=interview, kind="scorecard").update(
        created_at=started - timedelta(days=2), sent_at=started - timedelta(days=2), attempts=1
    )
    PanelEmail.objects.filter(scorecard__interview=interview, kind="scorecard_reminder").update(
        created_at=reminded, sent_at=reminded, attempts=1
    )
    FollowUp.objects.filter(key=panel_mail.missing_task_key(interview.pk)).update(
        due_at=reminded, created_at=reminded
    )


def _backdate(interview, *, booked, submitted) -> None:
    Interview.objects.filter(pk=interview.pk).update(created_at=booked)
    Scorecard.objects.filter(interview=interview).update(created_at=booked)
    Scorecard.objects.filter(interview=interview, submitted_at__isnull=False).update(
        submitted_at=submitted
    )
