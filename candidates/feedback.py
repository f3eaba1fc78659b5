"""A hiring leader's feedback on a candidate submitted to them: advance to interview, pass, or
ask a question. Each is kept, written on the candidate's timeline for the recruiters, and told to
the follow-up engine, which puts it in the recruiter's queue.

The candidate hears only through the existing cadences: an advance moves them to "interviewing"
(the interview status update), a pass closes the application as rejected (the respectful "not
moving forward" note, two business days later). The leader's own words never reach them.

Other apps call these through candidates.services, which re-exports them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from candidates.feedback_selectors import WITH_THE_LEADER
from candidates.models import Activity, Application, LeaderFeedback
from candidates.pipeline import application_close, application_move
from followups.services import followups_on_leader_feedback
from hiring_leaders.models import HiringLeader

Kind = LeaderFeedback.Kind


def feedback_refusal(*, application: Application, kind: str) -> str:
    """Why this feedback cannot be given on the application now, or ''."""
    if not application.is_active or application.stage not in WITH_THE_LEADER:
        return f"{application.candidate.name} is no longer waiting on your feedback."
    if kind == Kind.ADVANCE and application.stage != Application.Stage.SUBMITTED:
        return f"{application.candidate.name} is already past the interview invitation."
    return ""


def _check(kind: str, reason: str, text: str) -> None:
    if kind not in Kind.values:
        raise ValidationError("Choose advance, pass or a question.")
    if kind == Kind.PASS and (reason not in LeaderFeedback.Reason.values or not text):
        raise ValidationError("Choose a reason and say in a few words why you pass.")
    if kind == Kind.QUESTION and not text:
        raise ValidationError("Write your question.")


@transaction.atomic
def leader_feedback_give(
    *, application: Application, leader: HiringLeader, kind: str, reason: str = "", text: str = ""
) -> LeaderFeedback:
    """Record the leader's feedback and do what it means for the pipeline. The caller has
    checked that the leader owns the requisition (the views 404 otherwise); this checks it again
    so no other path can write feedback for someone else's role."""
    text = text.strip()
    _check(kind, reason, text)
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("candidate", "requisition")
        .get(pk=application.pk)
    )
    if application.requisition.hiring_leader_id != leader.pk:
        raise ValidationError("Only the role's hiring leader gives feedback on its candidates.")
    refusal = feedback_refusal(application=application, kind=kind)
    if refusal:
        raise ValidationError(refusal)
    feedback = LeaderFeedback.objects.create(
        application=application,
        hiring_leader=leader,
        kind=kind,
        reason=reason if kind == Kind.PASS else "",
        text=text,
        given_at=timezone.now(),
    )
    _on_timeline(feedback)
    by = leader.user
    if kind == Kind.ADVANCE:
        application_move(
            application=application,
            stage=Application.Stage.INTERVIEWING,
            by=by,
            note=f"{leader.name} asked to interview",
        )
    elif kind == Kind.PASS:
        # The close reason is internal (no template can read it); the candidate's note is the
        # rejection cadence's own words.
        application_close(
            application=application,
            outcome=Application.Outcome.REJECTED,
            reason=f"{leader.name} passed: {feedback.get_reason_display()}",
            by=by,
        )
    feedback.application = application
    followups_on_leader_feedback(feedback=feedback)
    return feedback


_SUMMARY = {
    Kind.ADVANCE: "{leader} (hiring leader) wants to interview for {title}",
    Kind.PASS: "{leader} (hiring leader) passed for {title}: {reason}",
    Kind.QUESTION: "{leader} (hiring leader) asked a question about {title}",
}


def _on_timeline(feedback: LeaderFeedback) -> Activity:
    """On the candidate's timeline, for recruiters: never shared with the leader's pages (it
    is their own words) nor with the candidate."""
    application = feedback.application
    return Activity.objects.create(
        kind=Activity.Kind.NOTE,
        candidate=application.candidate,
        hiring_leader=feedback.hiring_leader,
        requisition=application.requisition,
        application=application,
        actor=feedback.hiring_leader.user,
        occurred_at=feedback.given_at,
        summary=_SUMMARY[feedback.kind].format(
            leader=feedback.hiring_leader.name,
            title=application.requisition.title,
            reason=feedback.get_reason_display(),
        )[:300],
        body=feedback.text,
    )
