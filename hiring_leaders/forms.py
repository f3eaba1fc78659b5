"""What recruiters type on the requisition, company and hiring leader pages. Forms parse and
say what is missing; the rules (duplicates, same company, status moves) live in the services."""

from __future__ import annotations

import functools
import zoneinfo

from django import forms

from candidates.models import Application, Candidate
from hiring_leaders.models import Company, HiringLeader, Requisition, validate_phone
from recruitcrm.models import User


@functools.cache
def time_zone_choices() -> list[tuple[str, str]]:
    # Read once per process: listing the zone files walks the tz database on disk.
    zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC")
    return [(zone, zone.replace("_", " ")) for zone in zones]


def _tidy(form: forms.Form) -> dict:
    """The cleaned values, or the safe defaults when a field is junk: a list page never 500s."""
    form.is_valid()
    return getattr(form, "cleaned_data", {})


class PageForm(forms.Form):
    page = forms.CharField(required=False, max_length=20)

    def page_number(self) -> str | int:
        return _tidy(self).get("page") or 1


class RequisitionFilterForm(forms.Form):
    q = forms.CharField(label="Search requisitions", required=False, max_length=100)
    status = forms.ChoiceField(choices=Requisition.Status.choices, required=False)
    whose = forms.ChoiceField(choices=[("mine", "Mine"), ("all", "All")], required=False)
    page = forms.CharField(required=False, max_length=20)

    def filters(self, *, viewer: User) -> dict:
        data = _tidy(self)
        # A recruiter starts from their own roles; an admin, who owns none, from everyone's.
        default_whose = "mine" if viewer.is_recruiter else "all"
        return {
            "query": data.get("q", ""),
            "status": data.get("status") or Requisition.Status.OPEN,
            "mine": (data.get("whose") or default_whose) == "mine",
            "page_number": data.get("page") or 1,
        }


class NameSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    company = forms.IntegerField(required=False, min_value=1)
    page = forms.CharField(required=False, max_length=20)

    def filters(self) -> dict:
        data = _tidy(self)
        return {
            "query": data.get("q", ""),
            "company_id": data.get("company"),
            "page_number": data.get("page") or 1,
        }


def _recruiters():
    return User.objects.filter(
        role__in=[User.Role.RECRUITER, User.Role.ADMIN], is_active=True
    ).order_by("first_name", "last_name", "username")


class _RecruiterChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class _LeaderChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.job_title}" if obj.job_title else obj.name


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RequisitionForm(forms.Form):
    """Opening a requisition (with `company`) or editing one (without)."""

    title = forms.CharField(max_length=200)
    company = forms.ModelChoiceField(
        queryset=Company.objects.order_by("name"), empty_label="Choose a company…"
    )
    hiring_leader = _LeaderChoice(
        queryset=HiringLeader.objects.none(), empty_label="Choose a hiring leader…"
    )
    recruiter = _RecruiterChoice(queryset=_recruiters(), empty_label=None, label="Owning recruiter")
    location = forms.CharField(max_length=200, required=False)
    openings = forms.IntegerField(min_value=1, max_value=999, initial=1)
    opened_on = forms.DateField(label="Opened on", widget=DATE, required=False)
    target_fill_date = forms.DateField(label="Target fill date", widget=DATE, required=False)
    intake_notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="What the hiring leader told you at intake: must-haves, team, salary band.",
    )

    def __init__(self, *args, company: Company | None = None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recruiter"].queryset = _recruiters()
        if editing:
            del self.fields["company"]
            del self.fields["opened_on"]
        else:
            self.fields["opened_on"].help_text = "Leave empty for today."
        self.leader_company = company or self._chosen_company()
        self.company_chosen = self.leader_company is not None
        if self.leader_company is not None:
            self.fields["hiring_leader"].queryset = HiringLeader.objects.filter(
                company=self.leader_company
            ).order_by("last_name", "first_name")
        self.fields["hiring_leader"].error_messages["invalid_choice"] = (
            "Choose a hiring leader who works at this company."
        )

    def _chosen_company(self) -> Company | None:
        """The company picked in the form so far, so its leaders can be offered."""
        if "company" not in self.fields:
            return None
        raw = self.data.get(self.add_prefix("company")) or self.initial.get("company")
        try:
            return self.fields["company"].clean(raw) if raw else None
        except forms.ValidationError:
            return None

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        if not data.get("opened_on"):
            data.pop("opened_on", None)
        return data


class CompanyForm(forms.Form):
    name = forms.CharField(max_length=200)
    website = forms.URLField(required=False, assume_scheme="https")
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        initial="UTC",
        help_text="Where the company works: updates to its leaders land in their working day.",
    )


class HiringLeaderForm(forms.Form):
    company = forms.ModelChoiceField(
        queryset=Company.objects.order_by("name"), empty_label="Choose a company…"
    )
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)
    email = forms.EmailField()
    # Checked with the other fields, so every mistake shows in one round.
    phone = forms.CharField(max_length=40, required=False, validators=[validate_phone])
    job_title = forms.CharField(max_length=200, required=False)
    time_zone = forms.ChoiceField(
        choices=lambda: [("", "The company's time zone"), *time_zone_choices()],
        required=False,
        help_text="Only if they work somewhere other than the company's time zone.",
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # A leader who changes employer is a new person to the agency: add them again.
            del self.fields["company"]


class CandidateSearchForm(forms.Form):
    q = forms.CharField(label="Find a candidate", required=False, max_length=100)

    def query(self) -> str:
        return _tidy(self).get("q", "")


class AddCandidateForm(forms.Form):
    candidate = forms.ModelChoiceField(
        queryset=Candidate.objects.all(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "That candidate no longer exists."},
    )
    q = forms.CharField(required=False, max_length=100)


class LeaderNoteForm(forms.Form):
    text = forms.CharField(
        label="Note for the hiring leader",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the note first."},
    )


class MoveForm(forms.Form):
    stage = forms.ChoiceField(choices=Application.Stage.choices)


class HireForm(forms.Form):
    start_date = forms.DateField(
        label="Start date",
        # The form replaces the card that was clicked: the keyboard goes straight to it.
        widget=forms.DateInput(attrs={"type": "date", "autofocus": True}, format="%Y-%m-%d"),
        help_text="The first day at work: check-ins go out 30, 60 and 90 days after it.",
        error_messages={"required": "Give the start date; the check-ins count from it."},
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            (Application.Outcome.REJECTED, "Rejected: we are not moving forward"),
            (Application.Outcome.WITHDRAWN, "Withdrawn: the candidate stepped back"),
        ],
        widget=forms.RadioSelect,
        label="Outcome",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "autofocus": True}),
        max_length=2000,
        label="Reason",
        help_text="Kept on the candidate's timeline for your team.",
        error_messages={"required": "Say why the application is closing."},
    )


class StatusChangeForm(forms.Form):
    """The words that go with a status change. Putting on hold and cancelling need a reason
    (candidates will ask); the internal note is for recruiters only."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
        # Which messages carry it, and to whom, the cadences decide: the plan below lists them.
        help_text="Goes into the messages listed below, to the people they are for, and "
        "shows on the hiring leader\u2019s progress page.",
    )
    internal_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        label="Internal note",
        help_text="For your team only: never sent, never shown to the hiring leader.",
    )

    def __init__(self, *args, status: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.status = status
        if status in (Requisition.Status.ON_HOLD, Requisition.Status.CANCELLED):
            self.fields["reason"].required = True
            label = Requisition.Status(status).label.lower()
            self.fields["reason"].error_messages["required"] = (
                f"Say why the role is {label}: the messages below tell people why."
            )
        else:
            del self.fields["reason"]
            del self.fields["internal_note"]

    def words(self) -> dict:
        data = _tidy(self)
        return {"reason": data.get("reason", ""), "internal_note": data.get("internal_note", "")}
