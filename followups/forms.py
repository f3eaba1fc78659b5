from django import forms


class CheckInForm(forms.Form):
    score = forms.TypedChoiceField(
        label="How is it going?",
        choices=[
            (5, "5 — Great"),
            (4, "4 — Good"),
            (3, "3 — OK"),
            (2, "2 — Not great"),
            (1, "1 — Badly"),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how it is going, from 1 to 5."},
    )
    comment = forms.CharField(
        label="Anything you would like us to know?",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    is_concern = forms.BooleanField(
        label="I have a concern I would like the recruiter to follow up on",
        required=False,
    )
