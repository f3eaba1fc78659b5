"""Message templates: the placeholders they may use, checking them, and rendering them.

Templates use Django's template language restricted to variables, a few filters and `if`, in an
engine of their own, so an admin's typo is a form error at save time rather than a broken email
at 9:00 on a Monday, and no template can reach anything but the values listed here.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.template import Context, Engine, Library, TemplateSyntaxError
from django.template.base import (
    DebugLexer,
    FilterExpression,
    Lexer,
    TokenType,
    Variable,
    VariableNode,
)
from django.template.defaultfilters import date, default, lower, title, upper
from django.template.defaulttags import IfNode, TemplateLiteral, do_if
from django.utils.html import escape
from django.utils.safestring import mark_safe

# Every placeholder a template may use: object → the attributes it offers.
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "recipient": ("first_name", "name"),
    "candidate": ("first_name", "last_name", "name"),
    "requisition": ("title", "location", "status", "status_reason", "progress_link"),
    "company": ("name",),
    "hiring_leader": ("first_name", "last_name", "name"),
    "recruiter": ("first_name", "name", "email"),
    "application": ("stage", "previous_stage"),
    "placement": ("start_date", "days_since_start"),
    "commitment": ("description", "due_at"),
    "pipeline": ("active", "submitted", "interviewing", "offers"),
    "checkin_link": (),
    "unsubscribe_link": (),
}

_library = Library()
_library.tag("if", do_if)
for _filter in (date, default, lower, title, upper):
    _library.filter(_filter.__name__, _filter)

TEXT_ENGINE = Engine(builtins=[], autoescape=False, libraries={})
TEXT_ENGINE.template_builtins = [_library]
HTML_ENGINE = Engine(builtins=[], autoescape=True, libraries={})
HTML_ENGINE.template_builtins = [_library]


class TemplateProblem(ValueError):
    """A template that would not render, said in words an admin can act on."""


def placeholder_names() -> list[str]:
    names = []
    for obj, attributes in PLACEHOLDERS.items():
        names.extend([f"{obj}.{attribute}" for attribute in attributes] or [obj])
    return names


def _expressions(nodelist):
    """Every filter expression in a template: in {{ … }} and in {% if … %} conditions."""
    for node in nodelist:
        if isinstance(node, VariableNode):
            yield node.filter_expression
        elif isinstance(node, IfNode):
            for condition, branch in node.conditions_nodelists:
                yield from _condition_expressions(condition)
                yield from _expressions(branch)


def _condition_expressions(condition):
    if condition is None:
        return
    if isinstance(condition, TemplateLiteral):
        yield condition.value
        return
    for operand in (getattr(condition, "first", None), getattr(condition, "second", None)):
        yield from _condition_expressions(operand)


def _check_variable(variable: Variable) -> str | None:
    if variable.lookups is None:
        return None  # a literal such as "there" in {{ x|default:"there" }}
    path = ".".join(variable.lookups)
    obj, *rest = variable.lookups
    if obj not in PLACEHOLDERS:
        return path
    attributes = PLACEHOLDERS[obj]
    if (not attributes and rest) or (attributes and (len(rest) != 1 or rest[0] not in attributes)):
        return path
    return None


# Deep enough for any message a person writes; shallow enough that parsing and rendering never
# come near Python's recursion limit (a few hundred nested {% if %} would crash the request).
MAX_NESTING = 8


def _nesting_depth(source: str) -> int:
    depth = deepest = 0
    for token in Lexer(source).tokenize():
        if token.token_type != TokenType.BLOCK:
            continue
        word = token.contents.split(maxsplit=1)[0] if token.contents.strip() else ""
        if word == "if":
            depth += 1
            deepest = max(deepest, depth)
        elif word == "endif":
            depth -= 1
    return deepest


def template_problems(source: str) -> list[str]:
    """What is wrong with a subject or body, or [] if it will render for every recipient."""
    try:
        return _problems(source)
    except RecursionError:
        return ["The template is too deeply nested to read; simplify its conditions."]


def _problems(source: str) -> list[str]:
    depth = _nesting_depth(source)
    if depth > MAX_NESTING:
        return [
            f"Conditions are nested {depth} deep; a message can nest at most {MAX_NESTING} "
            "{% if %} inside each other."
        ]
    try:
        compiled = TEXT_ENGINE.from_string(source)
    except TemplateSyntaxError as error:
        return [f"The template does not parse: {error}"]
    unknown = []
    for expression in _expressions(compiled.nodelist):
        if not isinstance(expression, FilterExpression):
            continue
        bad = _check_variable(expression.var) if isinstance(expression.var, Variable) else None
        for _, args in expression.filters:
            for _, arg in args:
                bad = bad or (_check_variable(arg) if isinstance(arg, Variable) else None)
        if bad and bad not in unknown:
            unknown.append(bad)
    if not unknown:
        return []
    named = ", ".join(f"{{{{ {name} }}}}" for name in unknown)
    plural = "s" if len(unknown) > 1 else ""
    return [
        f"Unknown placeholder{plural} {named}. "
        f"Placeholders you can use: {', '.join(placeholder_names())}."
    ]


# The placeholders that mean something only when a message is about a role.
ROLE_PLACEHOLDERS = ("requisition", "company", "hiring_leader", "pipeline", "application")


def placeholders_used(source: str) -> set[str]:
    """The objects a subject or body refers to ("requisition", "recipient", …); empty for a
    template that does not parse."""
    try:
        compiled = TEXT_ENGINE.from_string(source)
    except (TemplateSyntaxError, RecursionError):
        return set()
    return {
        expression.var.lookups[0]
        for expression in _expressions(compiled.nodelist)
        if isinstance(expression, FilterExpression)
        and isinstance(expression.var, Variable)
        and expression.var.lookups
    }


def needs_a_role(*, subject: str, body: str) -> bool:
    """Whether a message talks about a role ("… has paused the {{ requisition.title }} role"):
    sent about no role, it would go out with holes in it."""
    return bool((placeholders_used(subject) | placeholders_used(body)) & set(ROLE_PLACEHOLDERS))


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str


@functools.lru_cache(maxsize=256)
def _compiled(source: str, html: bool):
    """Check and compile once per process: a worker sends the same few templates all day."""
    problems = template_problems(source)
    if problems:
        raise TemplateProblem(" ".join(problems))
    if html:
        return HTML_ENGINE.from_string(_text_escaped(source))
    return TEXT_ENGINE.from_string(source)


def _text_escaped(source: str) -> str:
    """The template with its own words escaped for HTML: an admin writes plain text, so
    "Reply to <maya@agency.example>" is words to show, not a tag for the mail client to drop
    (the placeholders' values are escaped by the engine)."""
    return "".join(
        escape(source[start:end]) if token.token_type == TokenType.TEXT else source[start:end]
        for token in DebugLexer(source).tokenize()
        for start, end in (token.position,)
    )


def render_subject(*, subject: str, context: dict) -> str:
    """A subject line alone, as render_message writes it (a task's words in the queue)."""
    return " ".join(_compiled(subject, False).render(Context(context, autoescape=False)).split())


def render_message(*, subject: str, body: str, context: dict) -> RenderedMessage:
    text_context = Context(context, autoescape=False)
    rendered_subject = render_subject(subject=subject, context=context)
    text = _compiled(body, False).render(text_context).strip()
    # Escaped once here, by the engine; marked safe so nothing downstream escapes it again.
    html = mark_safe(_compiled(body, True).render(Context(context, autoescape=True)).strip())
    return RenderedMessage(subject=rendered_subject, text=text, html=html)


def sample_context() -> dict:
    """Made-up values for previews, so an admin sees what a recipient would see."""
    return {
        "recipient": {"first_name": "Ada", "name": "Ada Lovelace"},
        "candidate": {"first_name": "Ada", "last_name": "Lovelace", "name": "Ada Lovelace"},
        "requisition": {
            "title": "Senior Data Engineer",
            "location": "Leeds",
            "status": "On hold",
            "status_reason": "The budget is being reviewed after a reorganisation",
            "progress_link": "https://recruitcrm.example/leader/requisitions/42/",
        },
        "company": {"name": "Northwind Analytics"},
        "hiring_leader": {"first_name": "Dana", "last_name": "Okafor", "name": "Dana Okafor"},
        "recruiter": {"first_name": "Maya", "name": "Maya Chen", "email": "maya@agency.example"},
        "application": {"stage": "Interviewing", "previous_stage": "Submitted"},
        "placement": {"start_date": datetime.date(2026, 10, 5), "days_since_start": 30},
        "commitment": {
            "description": "Send interview feedback",
            "due_at": datetime.datetime(2026, 11, 27, 17, 0, tzinfo=datetime.UTC),
        },
        "pipeline": {"active": 12, "submitted": 4, "interviewing": 2, "offers": 1},
        "checkin_link": "https://recruitcrm.example/checkin/sample-link/",
        "unsubscribe_link": "https://recruitcrm.example/unsubscribe/sample-link/",
    }
