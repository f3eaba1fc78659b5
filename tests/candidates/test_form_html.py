"""The candidate pages' form controls are written in Python (candidates/form_html.py) for speed;
they must come out as Django's own widget templates write them, bound or not, valid or not."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django import forms
from django.template import engines

from candidates import forms as candidate_forms
from candidates.form_html import choices, control, field_block, form_errors, radio_labels

pytestmark = pytest.mark.django_db


class Parts(HTMLParser):
    """Tags with their attributes as sets, and text: what a browser makes of the HTML, whatever
    the order of attributes and the whitespace between tags."""

    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_starttag(self, tag, attrs):
        self.parts.append((tag, frozenset(attrs)))

    def handle_endtag(self, tag):
        self.parts.append(("/" + tag,))

    def handle_data(self, data):
        if data.strip():
            self.parts.append(data.strip())


def same_html(html: str) -> list:
    parser = Parts()
    parser.feed(str(html))
    return parser.parts


def every_field(form: forms.Form):
    for field in form:
        if isinstance(field.field.widget, forms.RadioSelect):
            yield (
                field,
                "".join(str(choice.tag) for choice in choices(field)),
                "".join(str(widget.tag()) for widget in field),
            )
        else:
            yield field, control(field), field.as_widget()


FORMS = {
    "candidate": lambda data, viewer: candidate_forms.CandidateForm(data),
    "log": lambda data, viewer: candidate_forms.LogActivityForm(data),
    "promise": lambda data, viewer: candidate_forms.PromiseForm(data, viewer=viewer),
    "close": lambda data, viewer: candidate_forms.CloseApplicationForm(data),
    "tags": lambda data, viewer: candidate_forms.TagsForm(data),
}


@pytest.mark.parametrize("form_name", FORMS)
@pytest.mark.parametrize(
    "data",
    [None, {}, {"first_name": "Siobhán <O'Brien>", "body": "A & B", "kind": "call"}],
    ids=["unbound", "empty", "filled"],
)
def test_controls_come_out_as_django_writes_them(form_name, data, recruiter):
    form = FORMS[form_name](data, recruiter)
    if data is not None:
        form.is_valid()

    for field, ours, django in every_field(form):
        assert same_html(ours) == same_html(django), field.name


# The candidate page's field and radio-button macros as they were, before field_block and
# radio_labels wrote the same bytes in Python.
OLD_MACROS = """
{%- macro field(field, label=none) -%}
<div class="field{% if field.errors %} field--error{% endif %}">
  <label for="{{ field.id_for_label }}">{{ label or field.label }}</label>
  {{ field|control }}
  {% if field.help_text %}<p class="field__help" id="{{ field.auto_id }}_helptext">{{ field.help_text }}</p>{% endif %}
  {% if field.errors %}<p class="field__error" id="{{ field.auto_id }}_error">{{ field.errors|join(" ") }}</p>{% endif %}
</div>
{%- endmacro %}
{%- macro radios(field) -%}
{% for choice in field|choices %}<label class="choice" for="{{ choice.id_for_label }}">{{ choice.tag }} {{ choice.choice_label }}</label>{% endfor %}
{%- endmacro %}
"""  # noqa: E501


@pytest.mark.parametrize("form_name", FORMS)
@pytest.mark.parametrize(
    "data",
    [None, {}, {"first_name": "Siobhán <O'Brien>", "body": "A & B", "kind": "call"}],
    ids=["unbound", "empty", "filled"],
)
def test_fields_come_out_as_the_old_macros_wrote_them(form_name, data, recruiter):
    old = engines["jinja2"].env.from_string(OLD_MACROS).module
    form = FORMS[form_name](data, recruiter)
    if data is not None:
        form.is_valid()

    for field in form:
        if isinstance(field.field.widget, forms.RadioSelect):
            assert radio_labels(field) == str(old.radios(field)), field.name
        else:
            assert field_block(field) == str(old.field(field)), field.name
            assert field_block(field, "Say <it>") == str(old.field(field, "Say <it>"))
        # An unbound form's field is written once; a bound one's every time.
        written = radio_labels if isinstance(field.field.widget, forms.RadioSelect) else field_block
        assert (written(field) is written(field)) is not form.is_bound


def test_errors_and_typed_values_are_escaped(recruiter):
    form = candidate_forms.LogActivityForm({"kind": "<b>", "summary": "<i>hello</i>"})
    form.is_valid()

    kind, summary = radio_labels(form["kind"]), field_block(form["summary"])
    assert "<b>" not in kind
    assert "&lt;i&gt;hello&lt;/i&gt;" in summary
    assert field_block(form["body"], "<em>Note</em>").count("&lt;em&gt;Note&lt;/em&gt;") == 1


# The macro templates/jinja2/candidates/partials/fields.html had, which form_errors replaced.
OLD_FORM_ERRORS = """
{% macro form_errors(form) -%}
{%- set problems = form.non_field_errors() -%}
{% if problems %}<div class="alert" role="alert">{{ problems|join(" ") }}</div>{% endif %}
{%- endmacro %}
"""


def test_a_forms_own_errors_come_out_as_the_old_macro_wrote_them(recruiter):
    old = engines["jinja2"].env.from_string(OLD_FORM_ERRORS).module
    well = candidate_forms.LogActivityForm({"kind": "note", "summary": "Fine"})
    wrong = candidate_forms.LogActivityForm({"kind": "note", "summary": "Fine"})
    wrong.is_valid()
    wrong.add_error(None, "Not <now> & not twice")
    wrong.add_error(None, "Another")

    assert form_errors(well) == str(old.form_errors(well)) == ""
    written = form_errors(wrong)
    assert written == str(old.form_errors(wrong))
    assert written == (
        '<div class="alert" role="alert">Not &lt;now&gt; &amp; not twice Another</div>'
    )
