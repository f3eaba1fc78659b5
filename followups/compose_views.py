"""Send one person a message from a template: choose it, read exactly what they will get, send.

Reached from "Today", a candidate's page or a hiring leader's. The message waits a minute before
it goes, and the confirmation offers Undo.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.vary import vary_on_headers

from candidates.models import Candidate
from followups import services
from followups.compose_selectors import candidate_and_pipelines, leader_and_roles, message_about
from followups.messages import needs_a_role
from followups.models import MessageTemplate
from followups.queue.services import undo_for_message
from followups.queue.views import UNDO_TAG
from recruitcrm.access import recruiter_required

COMPOSE = "followups/message_compose.html"
# Shown first: the messages a recruiter most often puts off writing.
RESET_PREFIX = "Expectation reset:"


class ComposeForm(forms.Form):
    template = forms.ModelChoiceField(
        label="Message",
        queryset=MessageTemplate.objects.filter(kind=MessageTemplate.Kind.EMAIL).order_by("name"),
        empty_label=None,
        error_messages={"invalid_choice": "That template no longer exists; choose another."},
    )
    about = forms.ChoiceField(label="About", required=False)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, about_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["about"].choices = about_choices
        templates = list(self.fields["template"].queryset)
        resets = [
            (t.pk, t.name.removeprefix(RESET_PREFIX).strip().capitalize())
            for t in templates
            if t.name.startswith(RESET_PREFIX)
        ]
        others = [(t.pk, t.name) for t in templates if not t.name.startswith(RESET_PREFIX)]
        self.fields["template"].choices = [
            group
            for group in (("Expectation resets", resets), ("Other messages", others))
            if group[1]
        ]


def _recipient(request):
    """The person (and what it may be about) from ?candidate= or ?hiring_leader=; 404 if none."""
    data = request.POST or request.GET
    if data.get("candidate"):
        person, applications = candidate_and_pipelines(_number(data["candidate"]))
        choices = [
            (
                f"a{a.pk}",
                f"{a.requisition.title} at {a.requisition.company.name} ({a.get_stage_display()})",
            )
            for a in applications
        ]
        return person, "candidate", [*choices, ("", "Not about a particular role")]
    if data.get("hiring_leader"):
        person, requisitions = leader_and_roles(_number(data["hiring_leader"]))
        choices = [
            (f"r{r.pk}", f"{r.title} ({r.get_status_display().lower()})") for r in requisitions
        ]
        return person, "hiring_leader", [*choices, ("", "Not about a particular role")]
    raise _NotFound


class _NotFound(Exception):
    pass


def _number(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _NotFound from None


def _defaults(request, form_class_choices, about_choices) -> dict:
    """What the form starts from: the first expectation reset (or the template asked for) and
    the pipeline the link came from."""
    data = request.GET
    wanted = ""
    if data.get("application"):
        wanted = f"a{data['application']}"
    elif data.get("requisition"):
        wanted = f"r{data['requisition']}"
    values = [value for value, _ in about_choices]
    first_template = form_class_choices[0][1][0][0] if form_class_choices else None
    return {"about": wanted if wanted in values else values[0], "template": first_template}


def _safe_next(request, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


@recruiter_required
@vary_on_headers("HX-Request")
def message_compose(request):
    try:
        person, kind, about_choices = _recipient(request)
    except _NotFound:
        return render(request, "404.html", status=404)
    blank = ComposeForm(about_choices=about_choices)
    submitted = request.POST if request.method == "POST" else request.GET
    data = _defaults(request, blank.fields["template"].choices, about_choices) | submitted.dict()
    form = ComposeForm(data, about_choices=about_choices)
    preview, problem = None, ""
    if form.is_valid():
        application, requisition = message_about(form.cleaned_data["about"])
        template = form.cleaned_data["template"]
        problem = services.message_send_problem(template=template, to=person)
        if (
            not problem
            and requisition is None
            and needs_a_role(subject=template.subject, body=template.body)
        ):
            problem = "This message talks about a role: choose which one it is about."
        if request.method == "POST" and not problem:
            return _send(request, form, person, template, application, requisition)
        preview = services.message_preview(
            template=template,
            to=person,
            by=request.user,
            requisition=requisition,
            application=application,
        )
    context = {"form": form, "person": person, "kind": kind, "preview": preview, "problem": problem}
    if request.htmx and request.method == "GET":
        return render(request, COMPOSE + "#preview", context)
    return render(request, COMPOSE, context)


def _send(request, form, person, template, application, requisition):
    try:
        sent = services.message_send(
            template=template,
            to=person,
            by=request.user,
            requisition=requisition,
            application=application,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(request.get_full_path())
    messages.success(
        request,
        f"“{template.name}” goes to {person.name} within a couple of minutes.",
        extra_tags=f"{UNDO_TAG}{undo_for_message(sent, by=request.user).token()}",
    )
    target = _safe_next(request, form.cleaned_data.get("next", ""))
    if target:
        return redirect(target)
    if isinstance(person, Candidate):
        return redirect(person.get_absolute_url())
    return redirect("home")
