"""What a recipient reads: the values a template may use, and the email built from them."""

from __future__ import annotations

import email.policy
import functools
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Count
from django.template.base import Lexer, TokenType
from django.template.defaultfilters import linebreaks_filter, urlize
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from candidates.models import Application
from followups import digest, links
from followups.messages import (
    RenderedMessage,
    TemplateProblem,
    render_message,
    render_subject,
    template_problems,
)
from followups.mime import followup_mime
from followups.models import FollowUp
from hiring_leaders.models import Requisition
from recruitcrm.models import User


def message_context(followup: FollowUp) -> dict:
    """The values a template may use, and nothing else (see messages.PLACEHOLDERS)."""
    person = followup.person
    recruiter = followup.recruiter
    context = {
        "recipient": {"first_name": person.first_name, "name": person.name},
        "recruiter": {
            "first_name": recruiter.first_name,
            "name": recruiter.name,
            "email": recruiter.email,
        },
        # Signed only if the template asks for it: a check-in is one message in many.
        "checkin_link": _when_asked(functools.partial(links.checkin_link, followup.pk)),
        "unsubscribe_link": links.opt_out_link(person),
    }
    candidate = followup.candidate or (followup.application and followup.application.candidate)
    if candidate:
        context["candidate"] = {
            "first_name": candidate.first_name,
            "last_name": candidate.last_name,
            "name": candidate.name,
        }
    if followup.requisition:
        context |= _requisition_context(followup.requisition, facts=followup.facts)
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


def _requisition_context(requisition: Requisition, *, facts: dict) -> dict:
    # The company, the leader and the pipeline are looked up only if the template asks: the
    # template engine calls a callable it looks up. A task title about a role needs none of them.
    return {
        "requisition": {
            "title": requisition.title,
            "location": requisition.location,
            "status": requisition.get_status_display(),
            # The reason as it was when the message was scheduled, and only the shareable one:
            # the recruiters' internal note never reaches a template.
            "status_reason": facts.get("status_reason", requisition.status_reason),
            "progress_link": _when_asked(
                lambda: links.absolute(
                    reverse("hiring_leaders:requisition_detail", args=[requisition.pk])
                )
            ),
        },
        "company": _when_asked(lambda: {"name": requisition.company.name}),
        "hiring_leader": _when_asked(lambda: _person(requisition.hiring_leader)),
        "pipeline": _when_asked(functools.partial(_pipeline_counts, requisition)),
    }


def _when_asked(make):
    return functools.cache(make)


def _person(person) -> dict:
    return {"first_name": person.first_name, "last_name": person.last_name, "name": person.name}


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


def _html_paragraphs(html: SafeString) -> SafeString:
    """The HTML rendering of a plain-text body: already escaped once by the template engine,
    so links become <a href> and blank lines paragraphs without escaping anything again."""
    return linebreaks_filter(urlize(html, autoescape=True), autoescape=True)


def email_parts(*, subject: str, body: str, context: dict) -> RenderedMessage:
    """What a recipient gets: the rendered subject, and text and HTML bodies with the footer."""
    rendered = render_message(subject=subject, body=body, context=context)
    footer = {"unsubscribe_link": context["unsubscribe_link"], "recruiter": context["recruiter"]}
    return RenderedMessage(
        subject=rendered.subject,
        text=render_to_string("emails/followup-body.txt", {"body": rendered.text, **footer}),
        html=render_to_string(
            "emails/followup-body.html", {"body": _html_paragraphs(rendered.html), **footer}
        ),
    )


def followup_parts(followup: FollowUp, *, context: dict) -> RenderedMessage:
    """What a follow-up says. A leader's weekly digest is the template's subject and opening
    words (the admin's to edit), then every role's week, laid out for both parts
    (followups/digest.py); any other follow-up is its template."""
    if not digest.is_digest(followup):
        return email_parts(
            subject=followup.template.subject, body=followup.template.body, context=context
        )
    rendered = render_message(
        subject=followup.template.subject, body=followup.template.body, context=context
    )
    footer = {"unsubscribe_link": context["unsubscribe_link"], "recruiter": context["recruiter"]}
    text, html = digest.digest_bodies(
        digest.digest_for(followup),
        intro_text=rendered.text,
        intro_html=_html_paragraphs(rendered.html),
        footer=footer,
    )
    return RenderedMessage(subject=rendered.subject, text=text, html=html)


class _AsWritten(str):
    """A header written exactly as given, never folded or encoded.

    Mail clients that follow RFC 2369 and 8058 look for a literal `<https://…>` in
    List-Unsubscribe. The email package folds at 78 columns, and a link longer than that with no
    space to fold at becomes RFC 2047 encoded-words, which those clients cannot read. RFC 5322
    allows a line of up to 998 characters, so the header goes out on one line. (The email
    package's documented header-object protocol: a `name` and a `fold(policy=…)`.)
    """

    name: str

    def __new__(cls, name: str, value: str):
        if not value.isascii() or "\n" in value or "\r" in value or len(value) > 900:
            raise ValueError(f"{name} must be one line of ASCII, got {value!r}")
        header = super().__new__(cls, value)
        header.name = name
        return header

    def fold(self, *, policy) -> str:
        return f"{self.name}: {self}{policy.linesep}"


class FollowUpEmail(EmailMultiAlternatives):
    """An email whose List-Unsubscribe reaches the recipient's mail client as plain `<URI>`."""

    unfolded_headers = ("List-Unsubscribe",)

    def message(self, *, policy=email.policy.default):
        message = super().message(policy=policy)
        for name in self.unfolded_headers:
            value = self.extra_headers.get(name)
            if value is not None:
                del message[name]
                message.set_raw(name, _AsWritten(name, value))
        return message


@dataclass(frozen=True)
class Outgoing:
    """One follow-up's email, ready to hand over: to an SMTP server as bytes, to any other
    mailer (the local mail folder, the tests' outbox) as Django's EmailMessage."""

    subject: str
    text: str
    html: str
    to: str
    reply_to: str | None
    headers: dict[str, str]
    from_email: str = field(default_factory=lambda: settings.DEFAULT_FROM_EMAIL)

    @property
    def body(self) -> str:
        return self.text

    def email(self) -> FollowUpEmail:
        message = FollowUpEmail(
            subject=self.subject,
            body=self.text,
            from_email=self.from_email,
            to=[self.to],
            reply_to=[self.reply_to] if self.reply_to else None,
            headers=dict(self.headers),
        )
        message.attach_alternative(self.html, "text/html")
        return message

    def wire_bytes(self) -> bytes:
        """The message as an SMTP server receives it (before dot-stuffing)."""
        fast = followup_mime(
            subject=self.subject,
            text=self.text,
            html=self.html,
            from_email=self.from_email,
            to=self.to,
            reply_to=self.reply_to,
            headers=self.headers,
        )
        if fast is not None:
            return fast
        return self.email().message().as_bytes(policy=email.policy.SMTP)


def followup_outgoing(followup: FollowUp) -> Outgoing:
    """The email a follow-up sends, built for its addressee."""
    context = message_context(followup)
    parts = followup_parts(followup, context=context)
    return Outgoing(
        subject=parts.subject,
        text=parts.text,
        html=parts.html,
        to=followup.person.email,
        reply_to=followup.recruiter.email or None,
        headers={
            "Message-ID": followup.message_id,
            "List-Unsubscribe": f"<{context['unsubscribe_link']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def followup_email(followup: FollowUp) -> FollowUpEmail:
    """The email a follow-up sends, as Django's EmailMessage."""
    return followup_outgoing(followup).email()


@dataclass(frozen=True, slots=True)
class TaskRole:
    """The role a task is about, as its words read it (and, for a subject the template engine
    writes, what finds its company, leader and pipeline)."""

    pk: int
    title: str
    location: str
    status: str
    status_reason: str
    company_id: int
    hiring_leader_id: int

    @property
    def status_display(self) -> str:
        return _STATUS_LABELS.get(self.status, self.status)

    def requisition(self) -> Requisition:
        """The role's model from these values, for _requisition_context: its company, leader and
        pipeline are looked up only if a subject asks for them, as from a deferred instance."""
        return Requisition(
            pk=self.pk,
            title=self.title,
            location=self.location,
            status=self.status,
            status_reason=self.status_reason,
            company_id=self.company_id,
            hiring_leader_id=self.hiring_leader_id,
        )


_STATUS_LABELS = dict(Requisition.Status.choices)
_STAGE_LABELS = dict(Application.Stage.choices)


@dataclass(slots=True)
class TaskAbout:
    """What a task's words read of it, as plain values: its own title, its template's name and
    subject, the recruiter, the facts it was scheduled with, and the names of the candidate and
    leader (first, last), the role and the application's stage it is about (None where it is
    about none). Today reads them in its rows' statement; `of` takes them from a FollowUp."""

    task_title: str
    template_name: str
    template_subject: str
    recruiter: User
    facts: dict
    candidate: tuple[str, str] | None = None
    leader: tuple[str, str] | None = None
    role: TaskRole | None = None
    stage: str | None = None

    @classmethod
    def of(cls, followup: FollowUp) -> TaskAbout:
        candidate, leader, role = followup.candidate, followup.hiring_leader, followup.requisition
        template = followup.template
        return cls(
            task_title=followup.task_title,
            template_name=template.name if template else "",
            template_subject=template.subject if template else "",
            recruiter=followup.recruiter,
            facts=followup.facts,
            candidate=(candidate.first_name, candidate.last_name) if candidate else None,
            leader=(leader.first_name, leader.last_name) if leader else None,
            role=role
            and TaskRole(
                role.pk,
                role.title,
                role.location,
                role.status,
                role.status_reason,
                role.company_id,
                role.hiring_leader_id,
            ),
            stage=followup.application.stage if followup.application else None,
        )

    @property
    def recipient(self) -> tuple[str, str] | None:
        return self.candidate or self.leader

    @property
    def stage_display(self) -> str:
        return _STAGE_LABELS.get(self.stage, self.stage)


def _name(first_last: tuple[str, str]) -> str:
    """A person's name as the models write it (Candidate.name, HiringLeader.name)."""
    return f"{first_last[0]} {first_last[1]}".strip()


def task_words(task: TaskAbout) -> str:
    """What a task in the recruiter's queue says: its own title, or its template's subject
    rendered for what it is about ("Get back in touch with Ada Lovelace (Data Engineer)")."""
    if task.task_title:
        return task.task_title
    plain = _plain_subject(task.template_subject)
    if plain is not None:
        words = _plain_words(plain, task)
        if words is not None:
            return words
    return _task_words_rendered(task)


# What a plain subject's {{ object.attribute }} reads from a task, as task_words' context gives
# it to the template engine. Anything else (company, leader, pipeline, links) goes to the engine.
_PLAIN_VALUES = {
    ("recipient", "first_name"): lambda t: p[0] if (p := t.recipient) else "",
    ("recipient", "name"): lambda t: _name(p) if (p := t.recipient) else "",
    ("recruiter", "first_name"): lambda t: t.recruiter.first_name,
    ("recruiter", "name"): lambda t: t.recruiter.name,
    ("recruiter", "email"): lambda t: t.recruiter.email,
    ("candidate", "first_name"): lambda t: t.candidate[0] if t.candidate else "",
    ("candidate", "last_name"): lambda t: t.candidate[1] if t.candidate else "",
    ("candidate", "name"): lambda t: _name(t.candidate) if t.candidate else "",
    ("requisition", "title"): lambda t: t.role.title if t.role else "",
    ("requisition", "location"): lambda t: t.role.location if t.role else "",
    ("requisition", "status"): lambda t: t.role.status_display if t.role else "",
    ("requisition", "status_reason"): lambda t: (
        t.facts.get("status_reason", t.role.status_reason) if t.role else ""
    ),
    ("application", "stage"): lambda t: (
        (t.facts.get("stage") or t.stage_display) if t.stage is not None else ""
    ),
    ("application", "previous_stage"): lambda t: (
        t.facts.get("previous_stage", "") if t.stage is not None else ""
    ),
}


@functools.lru_cache(maxsize=256)
def _plain_subject(subject: str) -> tuple | None:
    """A subject of text and bare {{ object.attribute }} placeholders task_words can fill in by
    itself, as (text, reader, text, reader, …, text); None for anything the template engine
    must render (a tag, a filter, a comment, a placeholder it reads through a query)."""
    if template_problems(subject):
        return None
    pieces: list = []
    text: list[str] = []
    for token in Lexer(subject).tokenize():
        if token.token_type == TokenType.TEXT:
            text.append(token.contents)
            continue
        if token.token_type != TokenType.VAR:
            return None
        reader = _PLAIN_VALUES.get(tuple(token.contents.split(".")))
        if reader is None:
            return None
        pieces += ["".join(text), reader]
        text = []
    return (*pieces, "".join(text))


def _plain_words(plain: tuple, task: TaskAbout) -> str | None:
    parts = []
    for i, piece in enumerate(plain):
        if i % 2 == 0:
            parts.append(piece)
            continue
        value = piece(task)
        if not isinstance(value, str):
            return None  # None or a number: the engine writes it its own way
        parts.append(value)
    return " ".join("".join(parts).split())


def _task_words_rendered(task: TaskAbout) -> str:
    about = task.recipient
    recruiter = task.recruiter
    context = {
        "recipient": {"first_name": about[0], "name": _name(about)} if about else {},
        "recruiter": {
            "first_name": recruiter.first_name,
            "name": recruiter.name,
            "email": recruiter.email,
        },
    }
    if task.candidate:
        context["candidate"] = {
            "first_name": task.candidate[0],
            "last_name": task.candidate[1],
            "name": _name(task.candidate),
        }
    if task.role:
        context |= _requisition_context(task.role.requisition(), facts=task.facts)
    if task.stage is not None:
        context["application"] = {
            "stage": task.facts.get("stage") or task.stage_display,
            "previous_stage": task.facts.get("previous_stage", ""),
        }
    try:
        return render_subject(subject=task.template_subject, context=context)
    except TemplateProblem:
        return task.template_name
