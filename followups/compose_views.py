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
from followups.compose_selectors import (
    candidate_and_pipelines,
    leader_and_roles,
    message_about,
    template_menu,
    templates_to_send,
)
from followups.messages import needs_a_role
from followups.models import MessageTemplate
from followups.queue.forms import local_zone
from followups.queue.services import message_send_keeping_track
from recruitcrm.access import recruiter_required

COMPOSE = "followups/message_compose.html"


class ComposeForm(forms.Form):
    # Nothing is chosen for the recruiter: which news to give is theirs to decide (a link from
    # Today's row that asks for a particular message says which).
    template = forms.ModelChoiceField(
        label="Message",
        queryset=MessageTemplate.objects.none(),
        required=False,
        error_messages={"invalid_choice": "That template no longer exists; choose another."},
    )
    about = forms.ChoiceField(label="About", required=False)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, about_choices, to: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["about"].choices = about_choices
        self.fields["template"].queryset = templates_to_send(to=to)
        templates = {t.pk: t for t in self.fields["template"].queryset}
        menu = template_menu(list(templates.values()))
        self.fields["template"].choices = [("", "Choose a message…"), *menu]
        # In the order the menu shows them, for the composer's default.
        self.templates = [templates[pk] for _, choices in menu for pk, _ in choices]


def _recipient(request):
    """The person (and what it may be about) from ?candidate= or ?hiring_leader=; 404 if none."""
    data = request.POST or request.GET
    if data.get("candidate"):
        person, applications = candidate_and_pipelines(_number(data["candidate"]))
        choices = [(f"a{a.pk}", _application_label(a)) for a in applications]
        # A link about a role (a promise on Today) means the candidate's application to it.
        roles = {f"r{a.requisition_id}": f"a{a.pk}" for a in reversed(applications)}
        return person, "candidate", [*choices, ("", "Not about a particular role")], roles
    if data.get("hiring_leader"):
        person, requisitions = leader_and_roles(_number(data["hiring_leader"]))
        choices = [
            (f"r{r.pk}", f"{r.title} ({r.get_status_display().lower()})") for r in requisitions
        ]
        return person, "hiring_leader", [*choices, ("", "Not about a particular role")], {}
    raise _NotFound


def _application_label(application) -> str:
    role = f"{application.requisition.title} at {application.requisition.company.name}"
    stage = application.get_stage_display()
    if application.is_active:
        return f"{role} ({stage})"
    return f"{role} (closed: {application.get_outcome_display().lower()} at {stage})"


class _NotFound(Exception):
    pass


def _number(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _NotFound from None


def _defaults(request, about_choices, roles: dict[str, str]) -> dict:
    """What the form starts from: the pipeline the link came from, else the latest (an open
    one before a closed one)."""
    data = request.GET
    values = [value for value, _ in about_choices]
    about = values[0]
    if data.get("application") or data.get("requisition"):
        wanted = f"a{data['application']}" if data.get("application") else f"r{data['requisition']}"
        wanted = roles.get(wanted, wanted)
        # A role the person has nothing to do with is never swapped for another one: the
        # recruiter chooses.
        about = wanted if wanted in values else ""
    return {"about": about}


def _promise_words(promise, *, lead: str = "Its promise is on your list") -> str:
    """A promise the message makes, as the confirmation and the preview say it (its day in the
    recruiter's time zone, where it is due)."""
    return f"{lead}: {promise.description}, by {promise.due_at:%a %d %b}."


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
        person, kind, about_choices, roles = _recipient(request)
    except _NotFound:
        return render(request, "404.html", status=404)
    defaults = _defaults(request, about_choices, roles)
    submitted = request.POST if request.method == "POST" else request.GET
    # The link's "requisition=" is not a field: the default above has read it.
    form = ComposeForm(defaults | submitted.dict(), about_choices=about_choices, to=kind)
    preview, problem, promise = None, "", ""
    if form.is_valid() and form.cleaned_data["template"] is None:
        problem = services.message_send_problem(template=None, to=person) or _none_fits(
            person, kind, about_choices, form.templates
        )
        if request.method == "POST" and not problem:
            form.add_error("template", "Choose the message to send.")
    elif form.is_valid():
        application, requisition = message_about(form.cleaned_data["about"])
        template = form.cleaned_data["template"]
        problem = services.message_send_problem(
            template=template, to=person, requisition=requisition, application=application
        )
        if (
            not problem
            and requisition is None
            and needs_a_role(subject=template.subject, body=template.body)
        ):
            problem = _role_missing(person, kind, about_choices, form.templates)
            # What it would read with the role left blank is not what anyone would get.
            context = {"form": form, "person": person, "kind": kind, "problem": problem}
            return _compose_page(request, context)
        if request.method == "POST" and not problem:
            return _send(request, form, person, template, application, requisition)
        preview = services.message_preview(
            template=template,
            to=person,
            by=request.user,
            requisition=requisition,
            application=application,
        )
        made = services.message_promise(
            template=template, to=person, requisition=requisition, zone=local_zone(request.user)
        )
        if made is not None:
            promise = _promise_words(made, lead="Sending it puts a promise on your list")
    context = {
        "form": form,
        "person": person,
        "kind": kind,
        "preview": preview,
        "problem": problem,
        "promise": promise,
    }
    return _compose_page(request, context)


def _compose_page(request, context):
    if request.htmx and request.method == "GET":
        return render(request, COMPOSE + "#preview", context)
    return render(request, COMPOSE, context)


def _none_fits(person, kind: str, about_choices, templates) -> str:
    """Why no message on the menu can go to this person, before one is chosen, or ''."""
    if not templates:
        return "There is no message to send: ask an admin to write one."
    if len(about_choices) == 1 and all(
        needs_a_role(subject=t.subject, body=t.body) for t in templates
    ):
        return _role_missing(person, kind, about_choices, templates)
    return ""


def _role_missing(person, kind: str, about_choices, templates) -> str:
    if len(about_choices) > 1:
        return "This message talks about a role: choose which one it is about."
    has_none = "has never been in a pipeline" if kind == "candidate" else "has none"
    if all(needs_a_role(subject=t.subject, body=t.body) for t in templates):
        first_add = "add them to a requisition" if kind == "candidate" else "open a role for them"
        return (
            f"Every message here talks about a role, and {person.first_name} {has_none}: "
            f"{first_add} first, or ask an admin for a message that needs no role."
        )
    return (
        f"This message talks about a role, and {person.first_name} {has_none}: choose a "
        "message that is not about one."
    )


def _send(request, form, person, template, application, requisition):
    try:
        _, promise, undo = message_send_keeping_track(
            template=template,
            to=person,
            by=request.user,
            requisition=requisition,
            application=application,
            zone=local_zone(request.user),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(request.get_full_path())
    said = f"“{template.name}” goes to {person.name} within a couple of minutes."
    if promise is not None:
        said += f" {_promise_words(promise)}"
    messages.success(request, said, extra_tags=undo.message_tag())
    target = _safe_next(request, form.cleaned_data.get("next", ""))
    if target:
        return redirect(target)
    if isinstance(person, Candidate):
        return redirect(person.get_absolute_url())
    return redirect("home")
