from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize

from candidates.models import Application, Candidate, Placement
from followups import links
from followups.compose_selectors import offered_by_hand
from followups.models import (
    Cadence,
    CadenceStep,
    CheckInResponse,
    FollowUp,
    MessageTemplate,
    Trigger,
    Weekday,
)
from hiring_leaders.models import HiringLeader

if TYPE_CHECKING:
    from candidates.selectors import PipelineEntry


def checkin_for_token(*, token: str) -> FollowUp:
    """The check-in a signed link points at; a link to anything else is a bad link."""
    followup_id = links.followup_id_from_checkin_token(token)
    followup = (
        FollowUp.objects.select_related(
            "placement__application__candidate",
            "placement__application__requisition__company",
            # The 90-day leader check-in quotes the intake back (services.asks_whether_solved).
            "placement__application__requisition__intake",
            "cadence_step",
            "candidate",
            "hiring_leader",
            "recruiter",
            "response",
        )
        .filter(pk=followup_id, placement__isnull=False)
        .first()
    )
    if followup is None:
        raise links.BadLink("This check-in link is not valid.")
    return followup


# ---------------------------------------------------------------------------------------------
# Admin pages: cadences, steps, templates (the outbox: followups.outbox_selectors)
# ---------------------------------------------------------------------------------------------

CADENCES_PER_PAGE = 50
TEMPLATES_PER_PAGE = 50
TEMPLATE_USERS_SHOWN = 20


def _scheduled_count(**outer) -> Subquery:
    """How many follow-ups not yet sent hang off each row, as one correlated subquery."""
    rows = (
        FollowUp.objects.filter(state=FollowUp.State.SCHEDULED, **outer)
        .order_by()
        .values("state")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def trigger_in_words(cadence: Cadence) -> str:
    """What starts a cadence, as an admin would say it, with its stage, weekday or quiet days."""
    match cadence.trigger:
        case Trigger.STAGE_ENTERED if cadence.stage:
            return f"Candidate enters {Application.Stage(cadence.stage).label}"
        case Trigger.STAGE_ENTERED:
            return "Candidate moves to any other stage"
        case Trigger.REQUISITION_OPEN_WEEKLY:
            return (
                f"Every {Weekday(cadence.weekday).label}: one digest per hiring leader with an "
                "open or on-hold requisition"
            )
        case Trigger.CANDIDATE_UNTOUCHED:
            days = cadence.quiet_days
            return f"Candidate in a pipeline not contacted for {days} day{pluralize(days)}"
        case Trigger.PLACEMENT_STARTED:
            return "Placement starts (days count from the start date)"
        case Trigger.COMMITMENT_DUE:
            return "A promise falls due (days count from its due time)"
    return cadence.get_trigger_display()


def _with_words(cadence: Cadence) -> Cadence:
    cadence.trigger_words = trigger_in_words(cadence)
    return cadence


def _cadences() -> QuerySet[Cadence]:
    return Cadence.objects.annotate(
        step_count=Coalesce(
            Subquery(
                CadenceStep.objects.filter(cadence=OuterRef("pk"))
                .order_by()
                .values("cadence")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        ),
        scheduled_count=_scheduled_count(cadence_step__cadence=OuterRef("pk")),
    )


def cadence_page(*, page_number: str | int | None = 1) -> Page:
    page = Paginator(_cadences().order_by("name", "pk"), CADENCES_PER_PAGE).get_page(page_number)
    for cadence in page:
        _with_words(cadence)
    return page


def cadence_for_admin(*, pk: int) -> Cadence:
    return _with_words(get_object_or_404(_cadences(), pk=pk))


def _steps() -> QuerySet[CadenceStep]:
    return CadenceStep.objects.select_related("template", "cadence").annotate(
        scheduled_count=_scheduled_count(cadence_step=OuterRef("pk"))
    )


def cadence_steps(*, cadence: Cadence) -> list[CadenceStep]:
    """A cadence's steps in the order they happen: by day, then time of day."""
    steps = _steps().filter(cadence=cadence)
    return list(
        steps.order_by("offset_days", F("send_time").asc(nulls_first=True), "position", "pk")
    )


def step_for_admin(*, pk: int) -> CadenceStep:
    return get_object_or_404(_steps(), pk=pk)


def template_page(*, page_number: str | int | None = 1) -> Page:
    templates = MessageTemplate.objects.annotate(
        sent_by_hand=_sent_by_hand(),
        step_count=Coalesce(
            Subquery(
                CadenceStep.objects.filter(template=OuterRef("pk"))
                .order_by()
                .values("template")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        ),
    ).order_by("name", "pk")
    return Paginator(templates, TEMPLATES_PER_PAGE).get_page(page_number)


def template_for_admin(*, pk: int) -> MessageTemplate:
    return get_object_or_404(MessageTemplate.objects.annotate(sent_by_hand=_sent_by_hand()), pk=pk)


def _sent_by_hand() -> ExpressionWrapper:
    """Whether the composer offers the template (the expectation resets recruiters send every
    day): one no cadence step sends is then not unused. Read in the page's own query."""
    return ExpressionWrapper(offered_by_hand(), output_field=BooleanField())


def template_users(*, template: MessageTemplate) -> list[CadenceStep]:
    """The steps that send this template (the first few), so an admin knows what an edit touches."""
    steps = template.steps.select_related("cadence").order_by("cadence__name", "offset_days", "pk")
    return list(steps[:TEMPLATE_USERS_SHOWN])


# ---------------------------------------------------------------------------------------------
# The candidate page: how many open tasks it lists (read in candidates.selectors), check-ins
# ---------------------------------------------------------------------------------------------

CANDIDATE_TASKS_SHOWN = 20


@dataclass
class PlacementCheckIns:
    """A hire (the application, with its placement's dates) and its check-in answers."""

    application: PipelineEntry
    responses: list[CheckInAnswer]


def candidate_placement_checkins(*, candidate: Candidate) -> list[PlacementCheckIns]:
    """Each of the candidate's placements with its check-in answers, newest first.

    Placements come from the applications `candidate_for_recruiter` already read
    (`candidate.pipeline`), and the answers with them (`candidate.checkin_answers`,
    CHECKIN_ANSWERS_JSON's arrays): no query.
    """
    by_placement = {
        entry.placement_id: PlacementCheckIns(entry, [])
        for entry in candidate.pipeline
        if entry.placement_id is not None
    }
    if not by_placement:
        return []
    for values in candidate.checkin_answers or ():
        answer = checkin_answer(values)
        by_placement[answer.placement_id].responses.append(answer)
    return sorted(by_placement.values(), key=lambda item: item.application.start_date, reverse=True)


# What the candidate page shows of an answer, whose review it is and the leader who gave it, read
# in the candidate's statement (candidates.selectors.CANDIDATE_SQL) as one JSON array per answer,
# newest first: a round trip fewer than reading them apart. The answer's columns in
# CheckInAnswer's order (its two moments last), then the follow-up's recruiter and the leader's
# names.
CHECKIN_ANSWER_COLUMNS = (
    "id",
    "placement_id",
    "followup_id",
    "audience",
    "score",
    "comment",
    "is_concern",
    "concern_theme",
    "answered_at",
    "reviewed_at",
)
CHECKIN_ANSWERS_JSON = f"""
    SELECT json_agg(json_build_array(
        {", ".join(f"ans.{name}" for name in CHECKIN_ANSWER_COLUMNS)},
        f.recruiter_id, l.first_name, l.last_name
    ) ORDER BY ans.answered_at DESC, ans.id DESC)
    FROM {Application._meta.db_table} pa
    JOIN {Placement._meta.db_table} pp ON pp.application_id = pa.id
    JOIN {CheckInResponse._meta.db_table} ans ON ans.placement_id = pp.id
    JOIN {FollowUp._meta.db_table} f ON f.id = ans.followup_id
    LEFT JOIN {HiringLeader._meta.db_table} l ON l.id = f.hiring_leader_id
    WHERE pa.candidate_id = c.id
"""


def _moment(value: str | None) -> datetime.datetime | None:
    return None if value is None else datetime.datetime.fromisoformat(value)


@dataclass(slots=True)
class CheckInAnswer:
    """A check-in answer as the candidate page shows it, read as plain values (it is only
    shown: three model instances an answer, a dozen answers a hire, cost more to build than the
    page took to write): the answer's own fields, whose review it is and who gave it."""

    pk: int
    placement_id: int
    followup_id: int
    audience: str
    score: int
    comment: str
    is_concern: bool
    concern_theme: str
    answered_at: datetime.datetime
    reviewed_at: datetime.datetime | None
    # The recruiter of the check-in's follow-up: the one who reviews a flagged answer.
    recruiter_id: int | None
    # The hiring leader's name as HiringLeader.name says it; "" when the check-in went to none.
    leader_name: str

    # The model's own rule for a flag, read from these values.
    LOW_SCORE: ClassVar[int] = CheckInResponse.LOW_SCORE
    raises_flag = CheckInResponse.raises_flag


def checkin_answer(values: list) -> CheckInAnswer:
    """An answer from its JSON array (CHECKIN_ANSWERS_JSON)."""
    *own, answered_at, reviewed_at, recruiter_id, first_name, last_name = values
    return CheckInAnswer(
        *own,
        _moment(answered_at),
        _moment(reviewed_at),
        recruiter_id,
        f"{first_name or ''} {last_name or ''}".strip(),
    )
