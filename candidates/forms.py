"""Forms for the candidate pages: they parse and explain bad input; the rules live in services."""

from __future__ import annotations

import datetime
import zoneinfo
from functools import cache

from django import forms
from django.utils import timezone

from candidates.models import Activity, Application, Candidate
from candidates.search import DEFAULT_SORT, SORTS, CandidateFilters
from candidates.selectors import message_needs_role
from candidates.services import BULK_LIMIT
from followups.compose_selectors import template_menu
from hiring_leaders.models import validate_phone
from recruitcrm.models import User

STAGE_CHOICES = Application.Stage.choices
QUIET_CHOICES = [(7, "7 days"), (14, "14 days"), (30, "30 days"), (60, "60 days"), (90, "90 days")]
# When a promise is given with a day but no time, it is due at the end of that working day.
PROMISE_DEFAULT_TIME = datetime.time(17, 0)


@cache
def _time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _ids(values: list[str]) -> list[int]:
    """Whole positive numbers from a list of strings; anything else is left out."""
    ids = []
    for value in values:
        if value.isdigit() and 0 < int(value) < 2**63 and int(value) not in ids:
            ids.append(int(value))
    return ids


# ---------------------------------------------------------------------------------------------
# The list's filters
# ---------------------------------------------------------------------------------------------


class CandidateListForm(forms.Form):
    """The list's URL: ?q=…&owner=me&stage=…&requisition=<pk>&quiet=14&opted_out=1&tag=…
    &sort=…&after=<cursor>. A bad value is dropped and explained, never a 500."""

    q = forms.CharField(label="Search", required=False, max_length=100)
    owner = forms.CharField(label="Owner", required=False, max_length=20)
    stage = forms.ChoiceField(
        label="Stage", required=False, choices=[("", "Any stage"), *STAGE_CHOICES]
    )
    requisition = forms.IntegerField(label="Requisition", required=False, min_value=1)
    quiet = forms.IntegerField(
        label="Not contacted for", required=False, min_value=1, max_value=3650
    )
    opted_out = forms.ChoiceField(
        label="Opted out",
        required=False,
        choices=[("", "Anyone"), ("0", "Not opted out"), ("1", "Opted out only")],
    )
    tag = forms.CharField(label="Tag", required=False, max_length=50)
    sort = forms.ChoiceField(
        label="Sort", required=False, choices=[(key, s.label) for key, s in SORTS.items()]
    )
    after = forms.CharField(required=False, max_length=400)
    before = forms.CharField(required=False, max_length=400)
    # Links from before owner=me existed.
    mine = forms.BooleanField(required=False)

    error_words = {
        "q": "Searches can be at most 100 characters; showing everyone instead.",
        "owner": "Owner must be “me” or a recruiter; showing every owner.",
        "stage": "That is not a stage; showing every stage.",
        "requisition": "That is not a requisition number; showing every requisition.",
        "quiet": "“Not contacted for” takes a number of days from 1 to 3650; ignored.",
        "opted_out": "Choose opted out or not; showing both.",
        "tag": "Tags are at most 50 characters; ignored.",
        "sort": "Unknown sort; sorted by name.",
    }

    def __init__(self, data, *, viewer: User):
        super().__init__(data)
        self.viewer = viewer

    def clean_owner(self) -> int | None:
        owner = self.cleaned_data["owner"].strip().lower()
        if not owner:
            return None
        if owner == "me":
            return self.viewer.pk
        if owner.isdigit():
            return int(owner)
        raise forms.ValidationError("bad owner", code="invalid")

    def problems(self) -> list[str]:
        """What was dropped, in words, for the fields that failed."""
        self.is_valid()
        return [self.error_words[name] for name in self.errors if name in self.error_words]

    def filters(self) -> CandidateFilters:
        self.is_valid()
        data = self.cleaned_data
        owner = data.get("owner")
        if owner is None and data.get("mine"):
            owner = self.viewer.pk
        opted_out = {"1": True, "0": False}.get(data.get("opted_out") or "")
        return CandidateFilters(
            query=(data.get("q") or "").strip(),
            owner_id=owner,
            stage=data.get("stage") or "",
            requisition_id=data.get("requisition"),
            quiet_days=data.get("quiet"),
            opted_out=opted_out,
            tag=(data.get("tag") or "").strip(),
            sort=data.get("sort") or DEFAULT_SORT,
        )

    def cursor(self) -> tuple[str, str]:
        self.is_valid()
        return self.cleaned_data.get("after") or "", self.cleaned_data.get("before") or ""


# ---------------------------------------------------------------------------------------------
# Create and edit
# ---------------------------------------------------------------------------------------------


class TagsField(forms.CharField):
    """Tags as people type them: "python, relocating, silver medallist"."""

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        return [name.strip() for name in text.replace(";", ",").split(",") if name.strip()]


def tags_text(names) -> str:
    return ", ".join(names)


class CandidateForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=100)
    last_name = forms.CharField(label="Last name", max_length=100)
    email = forms.EmailField(label="Email", required=False, max_length=254)
    phone = forms.CharField(
        label="Phone",
        required=False,
        max_length=40,
        help_text="Any format: +44 20 7946 0000",
        # Checked with the other fields, so every mistake shows in one round.
        validators=[validate_phone],
    )
    headline = forms.CharField(
        label="Title / headline",
        required=False,
        max_length=200,
        help_text="What they do, e.g. “Senior backend engineer at Kestrel”",
    )
    location = forms.CharField(label="Location", required=False, max_length=200)
    time_zone = forms.CharField(
        label="Time zone",
        required=False,
        max_length=64,
        help_text="So messages land at a sensible local time, e.g. Europe/London",
    )
    source = forms.ChoiceField(
        label="Source", choices=Candidate.Source.choices, initial=Candidate.Source.OTHER
    )
    owner = forms.ModelChoiceField(
        label="Owner",
        queryset=User.objects.filter(
            role__in=[User.Role.RECRUITER, User.Role.ADMIN], is_active=True
        ).order_by("first_name", "last_name", "pk"),
        empty_label=None,
    )
    tags = TagsField(
        label="Tags",
        required=False,
        max_length=1000,
        help_text="Separate tags with commas, e.g. python, relocating",
    )
    # The ids of the possible duplicates the recruiter saw and chose to save anyway.
    accept_duplicates = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_time_zone(self) -> str:
        zone = self.cleaned_data["time_zone"].strip()
        if zone and zone not in _time_zone_names():
            raise forms.ValidationError(
                f"“{zone}” is not a time zone we know; use a name like Europe/London."
            )
        return zone

    def clean_accept_duplicates(self) -> list[int]:
        return _ids(self.cleaned_data["accept_duplicates"].split(","))

    def details(self) -> dict:
        """The fields the services take, without the form's own bookkeeping."""
        data = dict(self.cleaned_data)
        data.pop("accept_duplicates", None)
        data.pop("tags", None)
        return data

    @classmethod
    def for_candidate(cls, candidate: Candidate, data=None) -> CandidateForm:
        initial = {
            name: getattr(candidate, name)
            for name in (
                "first_name",
                "last_name",
                "email",
                "phone",
                "headline",
                "location",
                "time_zone",
                "source",
            )
        }
        initial["owner"] = candidate.owner_id
        initial["tags"] = tags_text(tag.name for tag in candidate.tags.all())
        return cls(data, initial=initial)


class TagsForm(forms.Form):
    tags = TagsField(
        label="Tags",
        required=False,
        max_length=1000,
        help_text="Separate tags with commas",
    )


# ---------------------------------------------------------------------------------------------
# Everyday actions on the candidate page
# ---------------------------------------------------------------------------------------------


class LogActivityForm(forms.Form):
    kind = forms.ChoiceField(
        label="What happened",
        choices=[
            (Activity.Kind.CALL, "Call"),
            (Activity.Kind.EMAIL, "Email"),
            (Activity.Kind.MEETING, "Meeting"),
            (Activity.Kind.NOTE, "Note"),
        ],
        initial=Activity.Kind.CALL,
        widget=forms.RadioSelect,
    )
    summary = forms.CharField(
        label="Summary",
        max_length=300,
        error_messages={"required": "Say in a few words what happened."},
        widget=forms.TextInput(attrs={"placeholder": "Left a voicemail about the role"}),
    )
    body = forms.CharField(
        label="Details", required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PromiseForm(forms.Form):
    description = forms.CharField(
        label="What you promised",
        max_length=300,
        error_messages={"required": "Say what you promised."},
        widget=forms.TextInput(attrs={"placeholder": "Send interview feedback"}),
    )
    due_date = forms.DateField(
        label="By",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Say by when.",
            "invalid": "Enter a date, e.g. 2026-12-04.",
        },
    )
    due_time = forms.TimeField(
        label="Time",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="Leave empty for the end of the working day (17:00)",
    )

    def __init__(self, *args, viewer: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer

    def clean(self):
        data = super().clean()
        day = data.get("due_date")
        if day is None:
            return data
        zone = zone_for(self.viewer)
        moment = datetime.datetime.combine(day, data.get("due_time") or PROMISE_DEFAULT_TIME)
        due_at = timezone.make_aware(moment, zone)
        if due_at <= timezone.now():
            self.add_error("due_date", "That time has passed; a promise is for later.")
        data["due_at"] = due_at
        return data


def zone_for(user: User) -> zoneinfo.ZoneInfo:
    if user.time_zone and user.time_zone in _time_zone_names():
        return zoneinfo.ZoneInfo(user.time_zone)
    return timezone.get_current_timezone()


class AddToRequisitionForm(forms.Form):
    requisition = forms.TypedChoiceField(
        label="Requisition",
        coerce=int,
        error_messages={
            "required": "Choose a requisition.",
            "invalid_choice": "Choose one of your open requisitions.",
        },
    )

    def __init__(self, *args, requisitions, **kwargs):
        super().__init__(*args, **kwargs)
        self.requisitions = {r.pk: r for r in requisitions}
        self.fields["requisition"].choices = [("", "Choose a requisition…")] + [
            (r.pk, f"{r.title} · {r.company.name}") for r in requisitions
        ]

    def chosen(self):
        return self.requisitions[self.cleaned_data["requisition"]]


class MoveStageForm(forms.Form):
    stage = forms.ChoiceField(label="Move to", choices=STAGE_CHOICES)
    start_date = forms.DateField(
        label="Start date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Only for a hire",
        error_messages={"invalid": "Enter a date, e.g. 2027-01-04."},
    )

    def clean(self):
        data = super().clean()
        hired = data.get("stage") == Application.Stage.HIRED
        if hired and not data.get("start_date") and "start_date" not in self.errors:
            self.add_error("start_date", "A hire needs a start date: when do they start?")
        return data


class CloseApplicationForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[
            (Application.Outcome.REJECTED, "Rejected"),
            (Application.Outcome.WITHDRAWN, "Withdrew"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose rejected or withdrew."},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        error_messages={"required": "Say why, in a few words."},
        widget=forms.TextInput(attrs={"placeholder": "Wanted a fully remote role"}),
    )


class ReopenApplicationForm(forms.Form):
    stage = forms.ChoiceField(
        label="Back to stage", choices=[c for c in STAGE_CHOICES if c[0] != "hired"]
    )


class TimelineForm(forms.Form):
    older = forms.CharField(required=False, max_length=400)
    newer = forms.CharField(required=False, max_length=400)

    def cursor(self) -> tuple[str, str]:
        self.is_valid()
        return self.cleaned_data.get("older") or "", self.cleaned_data.get("newer") or ""


# ---------------------------------------------------------------------------------------------
# Bulk actions
# ---------------------------------------------------------------------------------------------


class BulkSelectionForm(forms.Form):
    """Which candidates (repeated ?candidate=<pk>) and which action."""

    ACTIONS = {
        "add": "Add to a requisition",
        "note": "Log a note",
        "message": "Send a message",
    }

    action = forms.ChoiceField(choices=list(ACTIONS.items()))

    def __init__(self, data, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.ids = _ids(data.getlist("candidate")) if data is not None else []

    def clean(self):
        data = super().clean()
        if not self.ids:
            raise forms.ValidationError("Select at least one candidate in the list first.")
        if len(self.ids) > BULK_LIMIT:
            raise forms.ValidationError(f"Select at most {BULK_LIMIT} candidates at a time.")
        return data


class BulkNoteForm(forms.Form):
    summary = forms.CharField(
        label="Note", max_length=300, error_messages={"required": "Write the note."}
    )
    body = forms.CharField(
        label="Details", required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )


class BulkMessageForm(forms.Form):
    template = forms.TypedChoiceField(
        label="Message",
        coerce=int,
        error_messages={
            "required": "Choose the message to send.",
            "invalid_choice": "Choose one of the email templates.",
        },
    )
    requisition = forms.TypedChoiceField(
        label="About the role",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Fills in the role, company and hiring leader a message mentions",
    )

    def __init__(self, *args, templates, requisitions, **kwargs):
        super().__init__(*args, **kwargs)
        self.templates = {t.pk: t for t in templates}
        self.requisitions = {r.pk: r for r in requisitions}
        self.fields["template"].choices = [("", "Choose a message…"), *template_menu(templates)]
        self.fields["requisition"].choices = [("", "No particular role")] + [
            (r.pk, f"{r.title} · {r.company.name}") for r in requisitions
        ]

    def clean(self):
        data = super().clean()
        template = self.templates.get(data.get("template"))
        if template and not data.get("requisition") and message_needs_role(template):
            self.add_error(
                "requisition", f"“{template.name}” talks about a role: choose which one."
            )
        return data

    def chosen_template(self):
        return self.templates[self.cleaned_data["template"]]

    def chosen_requisition(self):
        pk = self.cleaned_data.get("requisition")
        return self.requisitions.get(pk) if pk else None
