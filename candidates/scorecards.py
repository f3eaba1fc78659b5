"""Interviews and scorecards: booking an interview owes one scorecard per interviewer; each
interviewer rates each criterion of the round on a four-point scale with no neutral middle.

Writes (`interview_book`, `scorecard_submit`) and the reads behind the pages that show them
(`scorecards_side_by_side`, `scorecard_form_criteria`) live here together: they are one small
workflow, and the pages read exactly what the writes check.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from candidates.models import Application, Interview, Scorecard, ScorecardRating
from hiring_leaders.models import KitCriterion, KitRound, PanelMember
from recruitcrm.models import User

RATING_CHOICES = ScorecardRating.Rating.choices


@transaction.atomic
def interview_book(
    *,
    application: Application,
    kit_round: KitRound | None,
    starts_at: datetime.datetime,
    interviewers: list[PanelMember],
    by: User,
) -> Interview:
    """Book an interview: a Scorecard row is owed from now by each interviewer."""
    if not interviewers:
        raise ValidationError({"interviewers": "Choose at least one interviewer."})
    requisition_id = application.requisition_id
    if any(m.requisition_id != requisition_id for m in interviewers):
        raise ValidationError({"interviewers": "Choose interviewers from this role's panel."})
    if kit_round is not None and kit_round.kit.requisition_id != requisition_id:
        raise ValidationError({"kit_round": "Choose a round of this role's interview kit."})
    interview = Interview.objects.create(
        application=application, round=kit_round, starts_at=starts_at, created_by=by
    )
    from followups.panel_mail import panel_emails_queue

    cards = Scorecard.objects.bulk_create(
        [Scorecard(interview=interview, interviewer=member) for member in interviewers]
    )
    # Each interviewer gets their own link now, not only a reminder the day after.
    panel_emails_queue(members=interviewers, kind="scorecard", by=by, scorecards=cards)
    return interview


def scorecard_criteria(scorecard: Scorecard) -> list[KitCriterion]:
    """What this interviewer rates: the round's criteria, or the whole kit's when the round
    names none (or the round was removed after the interview was booked)."""
    kit_round = scorecard.interview.round
    if kit_round is not None:
        chosen = list(kit_round.criteria.order_by("position", "pk"))
        if chosen:
            return chosen
    return list(
        KitCriterion.objects.filter(
            kit__requisition_id=scorecard.interview.application.requisition_id
        ).order_by("position", "pk")
    )


def scorecard_is_read(scorecard: Scorecard) -> bool:
    from followups.models import ScorecardRead

    return ScorecardRead.objects.filter(scorecard=scorecard).exists()


@transaction.atomic
def scorecard_submit(
    *,
    scorecard: Scorecard,
    ratings: dict[int, tuple[int, str]],
    notes: str = "",
) -> Scorecard:
    """Record the interviewer's ratings (criterion id → (1..4, notes)). Submitting again
    replaces them, until the recruiter has read the scorecard."""
    from followups.panel_mail import followups_on_scorecard_submitted

    scorecard = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    if scorecard_is_read(scorecard):
        raise ValidationError(
            "The recruiter has already read this scorecard, so it can no longer be changed "
            "here. Reply to their email with anything you want to add."
        )
    criteria = scorecard_criteria(scorecard)
    missing = [c.name for c in criteria if c.pk not in ratings]
    if missing:
        raise ValidationError("Rate every criterion: " + "; ".join(missing) + ".")
    if any(rating not in ScorecardRating.Rating.values for rating, _ in ratings.values()):
        raise ValidationError("Each rating is Strong no, No, Yes or Strong yes.")
    ScorecardRating.objects.filter(scorecard=scorecard).delete()
    ScorecardRating.objects.bulk_create(
        ScorecardRating(
            scorecard=scorecard,
            criterion=criterion,
            rating=ratings[criterion.pk][0],
            notes=ratings[criterion.pk][1].strip(),
        )
        for criterion in criteria
    )
    scorecard.notes = notes.strip()
    scorecard.submitted_at = timezone.now()
    scorecard.save(update_fields=["notes", "submitted_at"])
    followups_on_scorecard_submitted(scorecard=scorecard)
    return scorecard


# ---------- reads ----------


def scorecard_for_link(*, pk: int) -> Scorecard:
    """The scorecard behind a signed link, with what its page shows, in one query."""
    return Scorecard.objects.select_related(
        "interviewer",
        "interview__round",
        "interview__application__candidate",
        "interview__application__requisition__company",
        "interview__application__requisition__recruiter",
        "read",
    ).get(pk=pk)


def scorecard_existing(scorecard: Scorecard) -> dict[int, ScorecardRating]:
    return {r.criterion_id: r for r in scorecard.ratings.all()}


@dataclass
class InterviewScores:
    """One interview as the recruiter compares it: criteria down, interviewers across."""

    interview: Interview
    scorecards: list[Scorecard]
    rows: list[tuple[KitCriterion, list[ScorecardRating | None]]]

    @property
    def missing(self) -> list[Scorecard]:
        return [s for s in self.scorecards if s.submitted_at is None]


def scorecards_side_by_side(*, application: Application, limit: int = 20) -> list[InterviewScores]:
    """The application's interviews, newest first, each with every scorecard's ratings lined
    up by criterion. A fixed number of queries however many interviews or interviewers."""
    interviews = list(
        Interview.objects.filter(application=application)
        .select_related("round")
        .prefetch_related(
            Prefetch("round__criteria", KitCriterion.objects.order_by("position", "pk")),
            Prefetch(
                "scorecards",
                Scorecard.objects.select_related("interviewer", "read")
                .prefetch_related("ratings")
                .order_by("interviewer__name", "pk"),
            ),
        )
        .order_by("-starts_at", "-pk")[:limit]
    )
    all_criteria = list(
        KitCriterion.objects.filter(kit__requisition_id=application.requisition_id).order_by(
            "position", "pk"
        )
    )
    result = []
    for interview in interviews:
        chosen = list(interview.round.criteria.all()) if interview.round else []
        criteria = chosen or all_criteria
        cards = list(interview.scorecards.all())
        by_card = [{r.criterion_id: r for r in card.ratings.all()} for card in cards]
        rows = [(c, [ratings.get(c.pk) for ratings in by_card]) for c in criteria]
        # Ratings of a criterion since taken off the round still show, so nothing said is hidden.
        shown = {c.pk for c in criteria}
        extra = {r for ratings in by_card for r in ratings if r not in shown}
        for criterion in all_criteria:
            if criterion.pk in extra:
                rows.append((criterion, [ratings.get(criterion.pk) for ratings in by_card]))
        result.append(InterviewScores(interview=interview, scorecards=cards, rows=rows))
    return result


def scorecards_mark_read(*, interviews: list[InterviewScores], by: User) -> None:
    """The recruiter has now seen these submitted scorecards: their links stop taking changes."""
    from followups.models import ScorecardRead

    unread = [
        card
        for scores in interviews
        for card in scores.scorecards
        if card.submitted_at is not None and not _has_read(card)
    ]
    if unread:
        ScorecardRead.objects.bulk_create(
            [ScorecardRead(scorecard=card, read_by=by) for card in unread], ignore_conflicts=True
        )


def _has_read(card: Scorecard) -> bool:
    try:
        return card.read is not None
    except Scorecard.read.RelatedObjectDoesNotExist:
        return False
