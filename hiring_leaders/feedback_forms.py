from __future__ import annotations

from django import forms

from candidates.models import LeaderFeedback


class LeaderFeedbackForm(forms.Form):
    """Advance, pass (a reason and a few words, both required) or a question."""

    kind = forms.ChoiceField(choices=LeaderFeedback.Kind.choices, widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        label="Reason",
        choices=[("", "Choose a reason"), *LeaderFeedback.Reason.choices],
        required=False,
    )
    text = forms.CharField(
        label="In your words",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text="For your recruiter only; the candidate never sees it.",
    )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == LeaderFeedback.Kind.PASS:
            if not data.get("reason"):
                self.add_error("reason", "Choose the main reason.")
            if not (data.get("text") or "").strip():
                self.add_error("text", "Say in a few words why, so your recruiter can adjust.")
        if kind == LeaderFeedback.Kind.QUESTION and not (data.get("text") or "").strip():
            self.add_error("text", "Write your question.")
        return data
