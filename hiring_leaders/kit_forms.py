"""What recruiters type on the interview kit page and when booking an interview. Forms parse
and say what is missing; the rules (duplicates, which panel, ratings kept) are in the services."""

from __future__ import annotations

from django import forms

from candidates.models import ScorecardRating
from hiring_leaders.models import KitCriterion, KitRound, PanelMember


class CriterionForm(forms.Form):
    name = forms.CharField(
        label="Criterion",
        max_length=300,
        error_messages={"required": "Name the criterion: what must the hire be able to do?"},
    )
    what_good_looks_like = forms.CharField(
        label="What good looks like",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QuestionForm(forms.Form):
    text = forms.CharField(
        label="Question",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write the question, or remove it."},
    )


class RoundForm(forms.Form):
    name = forms.CharField(label="Round", max_length=200)
    minutes = forms.IntegerField(
        label="Length (minutes)",
        min_value=5,
        max_value=480,
        error_messages={"min_value": "A round lasts at least 5 minutes."},
    )
    interviewers = forms.ModelMultipleChoiceField(
        label="Interviewers",
        queryset=PanelMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    criteria = forms.ModelMultipleChoiceField(
        label="Criteria it covers (none ticked: all of them)",
        queryset=KitCriterion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, panel=(), criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Choices from rows the page already read: no query per form.
        self.fields["interviewers"].queryset = PanelMember.objects.filter(
            pk__in=[m.pk for m in panel]
        )
        self.fields["interviewers"].choices = [(m.pk, m.name) for m in panel]
        self.fields["criteria"].queryset = KitCriterion.objects.filter(
            pk__in=[c.pk for c in criteria]
        )
        self.fields["criteria"].choices = [(c.pk, c.name) for c in criteria]


class PanelMemberForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    email = forms.EmailField(label="Email")
    is_leader = forms.BooleanField(
        label="This is the hiring leader (they can also fill scorecards on their page)",
        required=False,
    )


class InterviewForm(forms.Form):
    kit_round = forms.ModelChoiceField(
        label="Round",
        queryset=KitRound.objects.none(),
        required=False,
        empty_label="(not one of the kit's rounds)",
    )
    starts_at = forms.DateTimeField(
        label="Date and time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": "When is the interview?"},
    )
    interviewers = forms.ModelMultipleChoiceField(
        label="Interviewers (each owes a scorecard)",
        queryset=PanelMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one interviewer."},
    )

    def __init__(self, *args, panel=(), rounds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kit_round"].queryset = KitRound.objects.filter(pk__in=[r.pk for r in rounds])
        self.fields["interviewers"].queryset = PanelMember.objects.filter(
            pk__in=[m.pk for m in panel]
        )
        # Choices from rows the page already read: no query per field when rendered.
        self.fields["kit_round"].choices = [("", self.fields["kit_round"].empty_label)] + [
            (r.pk, f"{r.name} ({r.minutes} min)") for r in rounds
        ]
        self.fields["interviewers"].choices = [(m.pk, f"{m.name} ({m.email})") for m in panel]


class ScorecardForm(forms.Form):
    """One required four-way choice per criterion, no neutral option, and a note for each."""

    notes = forms.CharField(
        label="Overall notes",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, criteria, existing=None, **kwargs):
        existing = existing or {}
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            rated = existing.get(criterion.pk)
            self.fields[f"rating_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                choices=ScorecardRating.Rating.choices,
                coerce=int,
                widget=forms.RadioSelect,
                initial=rated.rating if rated else None,
                error_messages={"required": f"Rate “{criterion.name}”."},
            )
            self.fields[f"notes_{criterion.pk}"] = forms.CharField(
                label=f"What you heard on “{criterion.name}”",
                required=False,
                max_length=5000,
                initial=rated.notes if rated else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        for criterion in self.criteria:
            yield criterion, self[f"rating_{criterion.pk}"], self[f"notes_{criterion.pk}"]

    def ratings(self) -> dict[int, tuple[int, str]]:
        data = self.cleaned_data
        return {c.pk: (data[f"rating_{c.pk}"], data[f"notes_{c.pk}"]) for c in self.criteria}
