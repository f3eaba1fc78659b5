"""What recruiters type on the intake page, the forecast they give, and the calibration filters.
Forms parse and say what is missing; the rules live in hiring_leaders.intake."""

from __future__ import annotations

import copy
import functools
from html import escape as html_escape

from django import forms
from django.forms.models import fields_for_model
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe

from hiring_leaders.calibration import FORECASTER_ROLES, ORDERS
from hiring_leaders.intake import INTAKE_FIELDS, LEADER_FIELDS
from hiring_leaders.models import Intake, RoleFamily, Seniority
from recruitcrm.models import User

_LABELS = {
    "why_open": "Why is the role open?",
    "team_short_of": "What is the team short of, and why?",
    "retention_problems": "Retention: has the team lost people, and why?",
    "success_30_days": "Success after 30 days",
    "success_60_days": "Success after 60 days",
    "success_90_days": "Success after 90 days",
    "must_haves": "Must-haves",
    "nice_to_haves": "Nice-to-haves",
    "compensation_min": "Pay from",
    "compensation_max": "Pay up to",
    "compensation_currency": "Currency",
    "interview_panel": "Interview panel",
    "niche_skills": "Niche skills",
    "location_difficulty": "Location",
    "pay_vs_market": "Pay against the market",
}
_HELP = {
    "must_haves": "One per line. The interview kit's criteria are made from these lines.",
    "nice_to_haves": "One per line.",
    "interview_panel": "Who interviews, one per line, with their role.",
    "niche_skills": "Skills few people have, which make the search longer.",
    "location_difficulty": "On-site days, relocation, a small local market.",
    "team_short_of": "Short-staffed? Missing a skill? Ask why until you reach the root.",
}
_ROWS = {"must_haves": 5, "nice_to_haves": 4, "interview_panel": 3}


def _intake_fields(names) -> dict:
    fields = fields_for_model(Intake, fields=names)
    for name, field in fields.items():
        field.label = _LABELS[name]
        field.help_text = _HELP.get(name, "")
        if isinstance(field, forms.TypedChoiceField):
            field.choices = [("", "Not discussed yet"), *field.choices[1:]]
        if isinstance(field.widget, forms.Textarea):
            field.widget.attrs.update(rows=_ROWS.get(name, 2), cols=60)
    return fields


class IntakeForm(forms.Form):
    role_family = forms.ChoiceField(
        label="Role family",
        choices=[("", "Not set"), *RoleFamily.choices],
        required=False,
        help_text="The forecast compares this role with filled ones of the same family.",
    )
    seniority = forms.ChoiceField(
        label="Seniority", choices=[("", "Not set"), *Seniority.choices], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Copies, as Django copies a form's declared fields: built from the model once per
        # process (fields_for_model for sixteen fields cost 0.3 ms a visit of the intake page).
        self.fields.update(copy.deepcopy(_intake_form_fields()))

    def clean_compensation_currency(self) -> str:
        return (self.cleaned_data.get("compensation_currency") or "EUR").upper()

    def groups(self):
        """The fields in the order the kick-off conversation runs, with each group's title."""
        return [
            ("Why the role is open", ["why_open", "team_short_of", "retention_problems"]),
            ("What success looks like", ["success_30_days", "success_60_days", "success_90_days"]),
            ("Who we are looking for", ["role_family", "seniority", "must_haves", "nice_to_haves"]),
            (
                "Pay",
                ["compensation_min", "compensation_max", "compensation_currency", "pay_vs_market"],
            ),
            ("Interviews", ["interview_panel"]),
            ("How hard the market is", ["niche_skills", "location_difficulty"]),
        ]


@functools.cache
def _intake_form_fields() -> dict:
    fields = _intake_fields(INTAKE_FIELDS)
    fields["compensation_currency"].widget.attrs.update(size=4, maxlength=3)
    return fields


class LeaderIntakeForm(forms.Form):
    """The leader's own part, from their progress page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_intake_fields(LEADER_FIELDS))


class ForecastForm(forms.Form):
    low_days = forms.IntegerField(label="Earliest, in days", min_value=1, max_value=3650)
    high_days = forms.IntegerField(label="Latest, in days", min_value=1, max_value=3650)
    reason = forms.CharField(
        label="Why this range",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
        help_text="What you will tell the leader: the market, the niche, the pay.",
    )

    def clean(self):
        data = super().clean()
        low, high = data.get("low_days"), data.get("high_days")
        if low and high and high < low:
            self.add_error("high_days", "The latest day is before the earliest; swap them?")
        return data


class _RecruiterSelect(forms.Select):
    """The recruiters' select, its options written once per list of recruiters (a calibration
    snapshot's, Calibration.forecasters) and only the chosen one marked per visit: writing 400
    options and escaping their names was a third of the page's time.

    Written in the shape of Django's select template, escaped by html.escape, which is what
    django.utils.html.escape returns (as a SafeString, through keep_lazy's check of its
    arguments): the same bytes."""

    empty_label = ""
    recruiters: tuple[tuple[int, str], ...] = ()

    def render(self, name, value, attrs=None, renderer=None):
        chosen = f'<option value="{html_escape("" if value is None else str(value))}">'
        options = _options(self.empty_label, self.recruiters).replace(
            chosen, f"{chosen[:-1]} selected>", 1
        )
        attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{html_escape(name)}"{attrs}>{options}\n</select>')


@functools.lru_cache(maxsize=16)
def _options(empty_label: str, recruiters: tuple[tuple[int, str], ...]) -> str:
    return "".join(
        f'\n  <option value="{html_escape(str(choice))}">{html_escape(label)}</option>'
        for choice, label in (("", empty_label), *recruiters)
    )


class CalibrationFilterForm(forms.Form):
    since = forms.DateField(
        label="Filled from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="Filled until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    recruiter = forms.ModelChoiceField(
        label="Recruiter",
        queryset=User.objects.none(),
        required=False,
        empty_label="Everyone",
        widget=_RecruiterSelect,
    )
    order = forms.ChoiceField(
        label="Recruiters by",
        choices=[(name, label) for name, (label, _) in ORDERS.items()],
        required=False,
    )

    def __init__(self, *args, admin: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if admin:
            # Checks the one chosen; the select offers what `offer` is given.
            self.fields["recruiter"].queryset = User.objects.filter(role__in=FORECASTER_ROLES)
        else:
            # A recruiter sees their own figures: no one to choose, no table to order.
            del self.fields["recruiter"]
            del self.fields["order"]

    def offer(self, recruiters: tuple[tuple[int, str], ...]) -> None:
        """The recruiters to choose from, as (id, name) by name: the ones the figures were
        counted with (Calibration.forecasters), so the select costs no query a visit."""
        if "recruiter" in self.fields:
            field = self.fields["recruiter"]
            field.widget.empty_label = field.empty_label
            field.widget.recruiters = recruiters
