from __future__ import annotations

from django import forms

from followups.models import (
    Audience,
    Cadence,
    CadenceStep,
    Channel,
    MessageTemplate,
    SolvedProblem,
    Trigger,
)
from followups.outbox_selectors import OUTBOX_STATES
from followups.services import AUDIENCES_BY_TRIGGER, QUIET_DAYS_MOST


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
    # Only on the 90-day leader check-in (followups.services.asks_whether_solved).
    solved_problem = forms.ChoiceField(
        label="Has the hire solved the problem you were hiring for?",
        choices=SolvedProblem.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether the hire solved the problem: yes, partly or no.",
            "invalid_choice": "Say whether the hire solved the problem: yes, partly or no.",
        },
    )

    def __init__(self, *args, asks_whether_solved: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not asks_whether_solved:
            del self.fields["solved_problem"]


# ---------------------------------------------------------------------------------------------
# Admin configuration. Forms parse and describe; the rules live in services.
# ---------------------------------------------------------------------------------------------


class CadenceEnabledForm(forms.Form):
    """The state the admin asked for, not "flip": a double-click cannot undo itself."""

    enabled = forms.TypedChoiceField(
        choices=[("on", "On"), ("off", "Off")], coerce=lambda value: value == "on"
    )


class CadenceQuietDaysForm(forms.Form):
    quiet_days = forms.IntegerField(
        label="Days of silence",
        min_value=1,
        max_value=QUIET_DAYS_MOST,
        help_text="Counted from the last contact or the last stage move, whichever is later.",
        error_messages={
            "min_value": "At least 1 day: a silence starts the day after the last word.",
            "max_value": f"At most {QUIET_DAYS_MOST} days: a longer silence is a lost candidate.",
            "invalid": "Write the days as a number, like 7.",
        },
    )


class _AlwaysChosenSelect(forms.Select):
    """A select with no empty option: `required` would say nothing, and checking whether the
    first option is empty costs a second query of the template list."""

    def use_required_attribute(self, initial) -> bool:
        return False


class CadenceStepForm(forms.Form):
    offset_days = forms.IntegerField(
        label="Day",
        min_value=0,
        max_value=3650,
        help_text="Days after the trigger; 0 is the same day.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Say on which day, counting from the trigger (0 is the same day).",
            "invalid": "Write the day as a whole number, such as 30.",
        },
    )
    send_time = forms.TimeField(
        label="Send at",
        required=False,
        help_text="The recipient\u2019s local time, on a weekday. Empty: no fixed time.",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Write a time of day such as 10:00, or leave it empty."},
    )
    audience = forms.ChoiceField(label="To", choices=Audience.choices)
    channel = forms.ChoiceField(label="As", choices=Channel.choices)
    template = forms.ModelChoiceField(
        label="Template",
        queryset=MessageTemplate.objects.only("pk", "name", "kind").order_by("name"),
        empty_label=None,
        widget=_AlwaysChosenSelect,
        error_messages={"invalid_choice": "That template no longer exists; choose another."},
    )
    task_if_opted_out = forms.BooleanField(
        label="Task instead if opted out",
        required=False,
    )

    def __init__(self, *args, cadence: Cadence, **kwargs):
        super().__init__(*args, **kwargs)
        reachable = AUDIENCES_BY_TRIGGER[cadence.trigger]
        self.fields["audience"].choices = [
            (value, label) for value, label in Audience.choices if value in reachable
        ]
        if cadence.trigger == Trigger.REQUISITION_OPEN_WEEKLY:
            self.fields[
                "offset_days"
            ].help_text = "Weekly updates go out on the cadence\u2019s weekday."
            self.fields["send_time"].help_text = "In the leader\u2019s time zone. Empty: 09:00."
        self._group_templates_by_kind(first_audience=reachable[0])

    def _group_templates_by_kind(self, *, first_audience: str) -> None:
        """Emails and tasks in groups of their own, so the pairing the step needs (an email
        template for an email, a task template for a task) is the one in front of the admin;
        a new step starts from a template that matches its first channel."""
        templates = list(self.fields["template"].queryset)
        groups = {kind: [] for kind in MessageTemplate.Kind.values}
        for template in templates:
            groups[template.kind].append((template.pk, template.name))
        self.fields["template"].choices = [
            (TEMPLATE_GROUPS[kind], options) for kind, options in groups.items() if options
        ]
        if not self.initial:
            channel = Channel.TASK if first_audience == Audience.RECRUITER else Channel.EMAIL
            self.initial = {"channel": channel}
            if groups[channel]:
                self.initial["template"] = groups[channel][0][0]

    @staticmethod
    def initial_for(step: CadenceStep) -> dict:
        return {
            "offset_days": step.offset_days,
            "send_time": step.send_time,
            "audience": step.audience,
            "channel": step.channel,
            "template": step.template_id,
            "task_if_opted_out": step.task_if_opted_out,
        }


TEMPLATE_GROUPS = {
    MessageTemplate.Kind.EMAIL: "Emails to a person",
    MessageTemplate.Kind.TASK: "Tasks for the recruiter",
}


class MessageTemplateForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    kind = forms.ChoiceField(
        label="Kind",
        choices=MessageTemplate.Kind.choices,
        initial=MessageTemplate.Kind.EMAIL,
        widget=forms.RadioSelect,
        help_text="An email is written to the person who reads it; a task tells the recruiter "
        "what to do. Cadence steps send each only as what it is.",
    )
    written_for = forms.ChoiceField(
        label="Written for",
        choices=MessageTemplate.Reader.choices,
        initial=MessageTemplate.Reader.ANYONE,
        required=False,
        widget=forms.RadioSelect,
        help_text="Emails only. Recruiters are offered it only for these people, and cadence "
        "steps send it only to them: a candidate's words do not read true to a hiring leader.",
    )
    subject = forms.CharField(
        label="Subject",
        max_length=300,
        widget=forms.TextInput(attrs={"spellcheck": "true", "autocomplete": "off"}),
        help_text="An email\u2019s subject line. For a task, the one line the recruiter reads "
        "in their queue and on the person\u2019s page: a task has no message.",
    )
    # Required of emails by the service (message_template_problems): a task has none.
    body = forms.CharField(
        label="Message",
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "true"}),
        help_text="Emails only.",
    )

    def preview_source(self) -> tuple[str, str, str]:
        """The kind, subject and body as typed, for the preview, whether or not they are valid."""
        return self.data.get("kind", ""), self.data.get("subject", ""), self.data.get("body", "")


class TemplatePreviewForm(forms.Form):
    kind = forms.CharField(required=False)  # "task", or anything else for an email
    subject = forms.CharField(required=False, max_length=300, strip=False)
    body = forms.CharField(required=False, max_length=20000, strip=False)


class OutboxFilterForm(forms.Form):
    """The outbox's filters. A bad value is dropped and shows everything, never a 500."""

    state = forms.ChoiceField(
        label="State", required=False, choices=[("", "All states"), *OUTBOX_STATES.items()]
    )
    channel = forms.ChoiceField(
        label="Channel",
        required=False,
        choices=[("", "Emails and tasks"), (Channel.EMAIL, "Emails"), (Channel.TASK, "Tasks")],
    )
    q = forms.CharField(label="Recipient", required=False, max_length=100)
    # Where the page starts: the cursor "Next" carries (keyset pagination, no page numbers).
    after = forms.CharField(required=False, max_length=200)

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "state": data.get("state", ""),
            "channel": data.get("channel", ""),
            "query": data.get("q", ""),
            "after": data.get("after", ""),
        }


class PageForm(forms.Form):
    page = forms.CharField(required=False, max_length=20)

    def page_number(self) -> str | int:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("page") or 1
