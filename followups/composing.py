"""What a recipient reads: the values a template may use, and the rendered parts of an email."""

from __future__ import annotations

import functools

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone

from candidates.models import (
    Application,
)
from followups import links
from followups.messages import (
    RenderedMessage,
    render_message,
)
from followups.models import (
    FollowUp,
)
from hiring_leaders.models import Requisition


def message_context(followup: FollowUp) -> dict:
    """The values a template may use, and nothing else (see messages.PLACEHOLDERS)."""
    person = followup.person
    requisition = followup.requisition
    recruiter = followup.recruiter
    context = {
        "recipient": {"first_name": person.first_name, "name": person.name},
        "recruiter": {
            "first_name": recruiter.first_name,
            "name": recruiter.name,
            "email": recruiter.email,
        },
        "checkin_link": links.checkin_link(followup.pk),
        "unsubscribe_link": links.opt_out_link(person),
    }
    candidate = followup.candidate or (followup.application and followup.application.candidate)
    if candidate:
        context["candidate"] = {
            "first_name": candidate.first_name,
            "last_name": candidate.last_name,
            "name": candidate.name,
        }
    if requisition:
        leader = requisition.hiring_leader
        context["requisition"] = {
            "title": requisition.title,
            "location": requisition.location,
            "status": requisition.get_status_display(),
        }
        context["company"] = {"name": requisition.company.name}
        context["hiring_leader"] = {
            "first_name": leader.first_name,
            "last_name": leader.last_name,
            "name": leader.name,
        }
        # Counted only if the template asks: the template engine calls a callable it looks up.
        context["pipeline"] = functools.cache(functools.partial(_pipeline_counts, requisition))
    if followup.application:
        context["application"] = {
            "stage": followup.facts.get("stage") or followup.application.get_stage_display(),
            "previous_stage": followup.facts.get("previous_stage", ""),
        }
    if followup.placement:
        start = followup.placement.start_date
        context["placement"] = {
            "start_date": start,
            "days_since_start": (timezone.localdate() - start).days,
        }
    if followup.commitment:
        context["commitment"] = {
            "description": followup.commitment.description,
            "due_at": followup.commitment.due_at,
        }
    return context


def _pipeline_counts(requisition: Requisition) -> dict:
    counts = dict(
        requisition.applications.filter(outcome=Application.Outcome.ACTIVE)
        .values_list("stage")
        .annotate(n=Count("pk"))
    )
    return {
        "active": sum(counts.values()),
        "submitted": counts.get(Application.Stage.SUBMITTED, 0),
        "interviewing": counts.get(Application.Stage.INTERVIEWING, 0),
        "offers": counts.get(Application.Stage.OFFER, 0),
    }


def email_parts(*, subject: str, body: str, context: dict) -> RenderedMessage:
    """What a recipient gets: the rendered subject, and text and HTML bodies with the footer."""
    rendered = render_message(subject=subject, body=body, context=context)
    footer = {"unsubscribe_link": context["unsubscribe_link"], "recruiter": context["recruiter"]}
    return RenderedMessage(
        subject=rendered.subject,
        text=render_to_string("emails/followup-body.txt", {"body": rendered.text, **footer}),
        html=render_to_string("emails/followup-body.html", {"body": rendered.html, **footer}),
    )
