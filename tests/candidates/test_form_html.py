"""The candidate pages' form controls are written in Python (candidates/form_html.py) for speed;
they must come out as Django's own widget templates write them, bound or not, valid or not."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django import forms

from candidates import forms as candidate_forms
from candidates.form_html import choices, control

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
