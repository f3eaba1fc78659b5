"""Form controls for the Jinja2 candidate pages, written as Django's widgets write them.

`{{ field }}` renders a widget through Django's template engine: 0.15 ms a text input, 0.5 ms a
set of four radio buttons, several milliseconds for the candidate page's forms. Here Django
still decides everything about a control (its name, id, value, `required`, `maxlength`,
`aria-describedby`, `aria-invalid`, the choices and which is selected, from the widget's own
`get_context`); only the HTML is written in Python, in the shape of Django's widget templates
(django/forms/templates/django/forms/widgets/), for the widgets these forms use.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django import forms
from django.forms.widgets import Input
from markupsafe import Markup, escape


def _kept(write):
    """`write(field)` once per field of an unbound form: such a form's controls never change, and
    the candidate page shares its blank action forms between visits (page_views._blank)."""

    @functools.wraps(write)
    def kept(field: forms.BoundField):
        if field.form.is_bound:
            return write(field)
        found = field.__dict__.get(write.__name__)
        if found is None:
            found = field.__dict__[write.__name__] = write(field)
        return found

    return kept


@_kept
def control(field: forms.BoundField) -> Markup:
    """The field's input, textarea or select, as `{{ field }}` would render it."""
    widget = _context(field)
    if isinstance(field.field.widget, forms.Textarea):
        value = escape(widget["value"]) if widget["value"] else ""
        name, attrs = escape(widget["name"]), _attrs(widget["attrs"])
        return Markup(f'<textarea name="{name}"{attrs}>\n{value}</textarea>')
    if isinstance(field.field.widget, forms.Select):
        options = "".join(
            f"\n  {_option(option)}" for _, group, _ in widget["optgroups"] for option in group
        )
        return Markup(
            f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>{options}\n</select>'
        )
    if isinstance(field.field.widget, Input) and not isinstance(
        field.field.widget, forms.RadioSelect
    ):
        return Markup(_input(widget))
    return Markup(str(field))


def field_block(field: forms.BoundField, label: str | None = None) -> Markup:
    """`field|field_block`: a field as the candidate pages lay it out (its label, control, help
    and errors, named by the ids Django's aria-describedby gives them), where a template macro
    made a dozen lookups and escapes a field, thirteen fields a candidate page. `label` says
    it in other words than the form's."""
    return _field_block(field) if label is None else _written_field(field, label)


@_kept
def _field_block(field: forms.BoundField) -> Markup:
    return _written_field(field, field.label)


def _written_field(field: forms.BoundField, label: str) -> Markup:
    errors = field.errors
    name = escape(field.auto_id)
    help_text = (
        f'<p class="field__help" id="{name}_helptext">{escape(field.help_text)}</p>'
        if field.help_text
        else ""
    )
    error = (
        f'<p class="field__error" id="{name}_error">{Markup(" ").join(errors)}</p>'
        if errors
        else ""
    )
    return Markup(
        f'<div class="field{" field--error" if errors else ""}">\n'
        f'  <label for="{escape(field.id_for_label)}">{escape(label)}</label>\n'
        f"  {control(field)}\n"
        f"  {help_text}\n"
        f"  {error}\n"
        "</div>"
    )


def form_errors(form: forms.Form) -> Markup:
    """`form|form_errors`: what is wrong with the form as a whole (not one field), in an alert;
    nothing when all is well."""
    problems = form.non_field_errors()
    if not problems:
        return Markup("")
    return Markup(f'<div class="alert" role="alert">{Markup(" ").join(problems)}</div>')


@_kept
def radio_labels(field: forms.BoundField) -> Markup:
    """`field|radio_labels`: a RadioSelect's buttons, each in its own label."""
    return Markup(
        "".join(
            f'<label class="choice" for="{escape(choice.id_for_label)}">{choice.tag} '
            f"{escape(choice.choice_label)}</label>"
            for choice in choices(field)
        )
    )


@dataclass(frozen=True)
class Choice:
    """One radio button of a field, as Django's BoundWidget offers it to a template."""

    id_for_label: str
    tag: Markup
    choice_label: str


@_kept
def choices(field: forms.BoundField) -> tuple[Choice, ...]:
    """The radio buttons of a RadioSelect field, each with its own input and label."""
    widget = _context(field)
    return tuple(
        Choice(option["attrs"].get("id", ""), Markup(_input(option)), option["label"])
        for _, group, _ in widget["optgroups"]
        for option in group
    )


def _context(field: forms.BoundField) -> dict:
    widget = field.field.widget
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    return widget.get_context(field.html_name, field.value(), attrs)["widget"]


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
    return (
        f'<input type="{widget["type"]}" name="{escape(widget["name"])}"{value}'
        f"{_attrs(widget['attrs'])}>"
    )


def _option(option: dict) -> str:
    value, label = escape(option["value"]), escape(option["label"])
    return f'<option value="{value}"{_attrs(option["attrs"])}>{label}</option>'


def _attrs(attrs: dict) -> str:
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )
