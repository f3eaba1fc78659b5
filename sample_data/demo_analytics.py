"""The demo agency's hiring leaders answered the candidates submitted to them, so the analytics
pages show how long leaders take and why they pass (candidates.analytics): most advanced their
interviewees within a few days, passed with a reason on those rejected at submission, and some
submissions still wait, a few of them past the feedback window.

Written as rows, backdated like the rest of the story: the feedback service would email and
schedule as of today, and these answers were given weeks ago.
"""

from __future__ import annotations

from datetime import timedelta

from candidates.models import Application, LeaderFeedback, PassReason, Stage
from sample_data import demo_data as data

ROLE_CLOSED_REASONS = (data.FILLED_ELSEWHERE_REASON, data.CANCELLED_ROLE_REASON)
PASS_WORDS = {
    PassReason.SKILLS: "Strong on paper, but no hands-on depth in the stack we run.",
    PassReason.LEVEL: "Good, but we need someone who has led a team already.",
    PassReason.SALARY: "Their expectations are well above the band we agreed.",
    PassReason.LOCATION: "We need three days a week in the office; they want fully remote.",
    PassReason.STRONGER: "We are further along with two others for this one.",
}


def play(story) -> None:
    rng = story.rng
    reasons = list(PASS_WORDS)
    rows = []
    for person in story.people:
        for pipeline in person.applications:
            application = pipeline.application
            if application is None or Stage.SUBMITTED not in pipeline.stages:
                continue
            at = pipeline.stages.index(Stage.SUBMITTED)
            submitted = pipeline.moments[at]
            leader = pipeline.role.requisition.hiring_leader
            if at + 1 < len(pipeline.moments):
                # Moved on to interview: the leader said so first.
                gap = pipeline.moments[at + 1] - submitted
                rows.append(
                    LeaderFeedback(
                        application=application,
                        hiring_leader=leader,
                        kind=LeaderFeedback.Kind.ADVANCE,
                        given_at=submitted + gap * rng.uniform(0.3, 0.9),
                    )
                )
            elif (
                pipeline.outcome == Application.Outcome.REJECTED
                and pipeline.closed_at
                # Told because the role closed, not because the leader passed.
                and pipeline.reason not in ROLE_CLOSED_REASONS
            ):
                reason = reasons[rng.randrange(len(reasons))]
                gap = pipeline.closed_at - submitted
                rows.append(
                    LeaderFeedback(
                        application=application,
                        hiring_leader=leader,
                        kind=LeaderFeedback.Kind.PASS,
                        reason=reason,
                        text=PASS_WORDS[reason],
                        given_at=submitted + max(gap * 0.8, timedelta(minutes=30)),
                    )
                )
    LeaderFeedback.objects.bulk_create(rows)
