from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize
from django.utils import timezone

from candidates.models import Application, Candidate, Placement
from followups import links
from followups.models import (
    Cadence,
    CadenceStep,
    Channel,
    CheckInResponse,
    FollowUp,
    MessageTemplate,
    Trigger,
    Weekday,
)
from followups.services.outbox import followup_retry_refusal
from followups.services.recipients import suppressed_among


def checkin_for_token(*, token: str) -> FollowUp:
    """The check-in a signed link points at; a link to anything else is a bad link."""
    followup_id = links.followup_id_from_checkin_token(token)
    followup = (
        FollowUp.objects.select_related(
            "placement__application__candidate",
            "placement__application__requisition__company",
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
# Admin pages: cadences, steps, templates, outbox
# ---------------------------------------------------------------------------------------------

CADENCES_PER_PAGE = 50
TEMPLATES_PER_PAGE = 50
OUTBOX_PER_PAGE = 50
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
            return f"Every {Weekday(cadence.weekday).label} while a requisition is open"
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
    return get_object_or_404(MessageTemplate, pk=pk)


def template_users(*, template: MessageTemplate) -> list[CadenceStep]:
    """The steps that send this template (the first few), so an admin knows what an edit touches."""
    steps = template.steps.select_related("cadence").order_by("cadence__name", "offset_days", "pk")
    return list(steps[:TEMPLATE_USERS_SHOWN])


OUTBOX_STATES = {
    "due": "Due now",
    "later": "Scheduled later",
    **{state.value: state.label for state in FollowUp.State},
}


# Filters showing work still ahead, listed soonest first; everything else is newest first.
OUTBOX_AHEAD_STATES = ("due", "later", FollowUp.State.SCHEDULED, FollowUp.State.SENDING)


def outbox_counts(*, now: datetime.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    scheduled = Q(state=FollowUp.State.SCHEDULED)
    return FollowUp.objects.aggregate(
        due=Count("pk", filter=scheduled & Q(due_at__lte=now)),
        later=Count("pk", filter=scheduled & Q(due_at__gt=now)),
        sending=Count("pk", filter=Q(state=FollowUp.State.SENDING)),
        failed=Count("pk", filter=Q(state=FollowUp.State.FAILED)),
    )


def _outbox_rows() -> QuerySet[FollowUp]:
    # What a row says about itself, and what deciding whether it may be retried reads.
    return FollowUp.objects.select_related(
        "template",
        "candidate",
        "hiring_leader",
        "recruiter",
        "cadence_step__cadence",
        "requisition",
        "application",
        "placement",
        "commitment",
    )


def outbox_search(
    *,
    state: str = "",
    channel: str = "",
    query: str = "",
    now: datetime.datetime | None = None,
) -> QuerySet[FollowUp]:
    """Follow-ups for the outbox. Work still ahead comes soonest first; what is done, newest
    first."""
    now = now or timezone.now()
    rows = _outbox_rows()
    if state == "due":
        rows = rows.filter(state=FollowUp.State.SCHEDULED, due_at__lte=now)
    elif state == "later":
        rows = rows.filter(state=FollowUp.State.SCHEDULED, due_at__gt=now)
    elif state:
        rows = rows.filter(state=state)
    if channel:
        rows = rows.filter(channel=channel)
    for word in query.split()[:5]:
        rows = rows.filter(
            Q(candidate__first_name__istartswith=word)
            | Q(candidate__last_name__istartswith=word)
            | Q(candidate__email__istartswith=word)
            | Q(hiring_leader__first_name__istartswith=word)
            | Q(hiring_leader__last_name__istartswith=word)
            | Q(hiring_leader__email__istartswith=word)
        )
    if state in OUTBOX_AHEAD_STATES:
        return rows.order_by("due_at", "pk")
    if state:
        return rows.order_by("-due_at", "-pk")
    # Everything: what just happened first (newest first), then what is coming (soonest
    # first), so months of scheduled check-ins do not push today's sends off the first page.
    return rows.annotate(
        upcoming=Case(When(due_at__gt=now, then=Value(1)), default=Value(0)),
        upcoming_due=Case(When(due_at__gt=now, then=F("due_at"))),
    ).order_by("upcoming", "upcoming_due", "-due_at", "-pk")


def outbox_page(
    *,
    state: str = "",
    channel: str = "",
    query: str = "",
    page_number: str | int | None = 1,
    now: datetime.datetime | None = None,
) -> Page:
    rows = outbox_search(state=state, channel=channel, query=query, now=now)
    page = Paginator(rows, OUTBOX_PER_PAGE).get_page(page_number)
    page.object_list = with_retry_refusals(list(page.object_list))
    return page


def with_retry_refusals(rows: list[FollowUp]) -> list[FollowUp]:
    """Each failed or cancelled email says why it may not be sent again (or ''), so the page
    offers Retry only where it would work. One lookup of refused addresses for all the rows."""
    retryable = [
        f
        for f in rows
        if f.channel == Channel.EMAIL
        and f.state in (FollowUp.State.FAILED, FollowUp.State.CANCELLED)
    ]
    suppressed = suppressed_among(f.person.email for f in retryable)
    for followup in rows:
        followup.retryable = followup in retryable
        followup.retry_refusal = followup_retry_refusal(followup=followup, suppressed=suppressed)
    return rows


def followup_for_admin(*, pk: int) -> FollowUp:
    return with_retry_refusals([get_object_or_404(_outbox_rows(), pk=pk)])[0]


# ---------------------------------------------------------------------------------------------
# The candidate page: open tasks and check-in answers
# ---------------------------------------------------------------------------------------------

CANDIDATE_TASKS_SHOWN = 20


def candidate_open_tasks(*, candidate: Candidate) -> tuple[list[FollowUp], bool]:
    """Tasks about this candidate still waiting in a recruiter's queue, soonest first.

    Returns the first few and whether there are more, in one query.
    """
    tasks = list(
        FollowUp.objects.filter(
            candidate=candidate, channel=Channel.TASK, state=FollowUp.State.SCHEDULED
        )
        .select_related("recruiter", "template", "requisition")
        .order_by("due_at", "pk")[: CANDIDATE_TASKS_SHOWN + 1]
    )
    for task in tasks:
        task.is_checkin_flag = task.key.startswith("checkin-flag:")
    return tasks[:CANDIDATE_TASKS_SHOWN], len(tasks) > CANDIDATE_TASKS_SHOWN


@dataclass
class PlacementCheckIns:
    placement: Placement
    application: Application
    responses: list[CheckInResponse]


def candidate_placement_checkins(*, candidate: Candidate) -> list[PlacementCheckIns]:
    """Each of the candidate's placements with its check-in answers, newest first.

    Placements come from the applications `candidate_for_recruiter` already loaded; the answers
    for all of them are one query.
    """
    placed = []
    for application in candidate.applications.all():
        placement = getattr(application, "placement", None)
        if placement is not None:
            placed.append(PlacementCheckIns(placement, application, []))
    if not placed:
        return []
    by_placement = {item.placement.pk: item for item in placed}
    answers = (
        CheckInResponse.objects.filter(placement_id__in=by_placement)
        .select_related("followup__hiring_leader")
        .order_by("-answered_at", "-pk")
    )
    for answer in answers:
        by_placement[answer.placement_id].responses.append(answer)
    return sorted(placed, key=lambda item: item.placement.start_date, reverse=True)
