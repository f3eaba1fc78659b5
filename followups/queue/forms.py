from __future__ import annotations

import datetime
import zoneinfo

from django import forms
from django.utils import timezone

from candidates.models import Activity, Candidate, Commitment
from followups.models import ConcernTheme
from hiring_leaders.models import HiringLeader, Requisition
from recruitcrm.models import User

# Snoozed things come back at the start of the recruiter's working day.
MORNING = datetime.time(8, 0)


def local_zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return (
            zoneinfo.ZoneInfo(user.time_zone) if user.time_zone else timezone.get_current_timezone()
        )
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_current_timezone()


class SnoozeForm(forms.Form):
    until = forms.ChoiceField(
        label="Snooze until",
        choices=[
            ("tomorrow", "Tomorrow"),
            ("3days", "In 3 days"),
            ("nextweek", "Next week"),
            ("date", "A date"),
        ],
        error_messages={"required": "Choose when it should come back."},
    )
    date = forms.DateField(
        label="Date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Write the date as YYYY-MM-DD."},
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("until") == "date":
            day = cleaned.get("date")
            if day is None:
                self.add_error("date", "Choose the date it should come back.")
            elif day <= timezone.localdate(timezone=local_zone(self.user)):
                self.add_error("date", "Choose a day after today.")
        return cleaned

    def until_moment(self) -> datetime.datetime:
        zone = local_zone(self.user)
        today = timezone.localdate(timezone=zone)
        choice = self.cleaned_data["until"]
        if choice == "tomorrow":
            day = today + datetime.timedelta(days=1)
        elif choice == "3days":
            day = today + datetime.timedelta(days=3)
        elif choice == "nextweek":
            day = today + datetime.timedelta(days=7 - today.weekday())
        else:
            day = self.cleaned_data["date"]
        return datetime.datetime.combine(day, MORNING, tzinfo=zone)


class _AboutSomeone(forms.Form):
    """Who an action from the queue is about: one candidate or one hiring leader, and maybe a
    requisition. Ids that do not exist are form errors, never a 500."""

    candidate = forms.ModelChoiceField(
        queryset=Candidate.objects.all(), required=False, widget=forms.HiddenInput
    )
    hiring_leader = forms.ModelChoiceField(
        queryset=HiringLeader.objects.all(), required=False, widget=forms.HiddenInput
    )
    requisition = forms.ModelChoiceField(
        queryset=Requisition.objects.all(), required=False, widget=forms.HiddenInput
    )

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("candidate")) == bool(cleaned.get("hiring_leader")):
            raise forms.ValidationError("Say whether this is about a candidate or a hiring leader.")
        return cleaned

    @property
    def person(self):
        return self.cleaned_data.get("candidate") or self.cleaned_data.get("hiring_leader")


class LogForm(_AboutSomeone):
    # Opened from a promise's row on Today: the recruiter's own open promise this contact may
    # keep ("Call Aaliyah back", and the call is logged), kept unless they untick it.
    keeps = forms.IntegerField(required=False, widget=forms.HiddenInput)
    keep_it = forms.BooleanField(required=False)
    kind = forms.ChoiceField(
        label="What happened",
        choices=[
            (Activity.Kind.CALL, "Call"),
            (Activity.Kind.EMAIL, "Email"),
            (Activity.Kind.MEETING, "Meeting"),
            (Activity.Kind.NOTE, "Note"),
        ],
    )
    summary = forms.CharField(
        label="Summary",
        max_length=300,
        error_messages={"required": "Say in a few words what happened."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.open_promises = Commitment.objects.filter(
            recruiter=user, status=Commitment.Status.OPEN
        ).select_related("candidate", "hiring_leader")

    def clean(self):
        cleaned = super().clean()
        # A promise kept meanwhile (in another tab) or not the recruiter's: the contact is
        # logged all the same, and keeps nothing.
        promise = self._open_promise(cleaned.get("keeps"))
        if promise is not None and (promise.candidate, promise.hiring_leader) != (
            cleaned.get("candidate"),
            cleaned.get("hiring_leader"),
        ):
            raise forms.ValidationError("That promise was made to someone else.")
        cleaned["keeps"] = promise
        return cleaned

    def _open_promise(self, pk) -> Commitment | None:
        try:
            return self.open_promises.filter(pk=int(pk)).first()
        except (TypeError, ValueError):
            return None

    def promise(self) -> Commitment | None:
        """The promise the form offers to keep: as posted, or as the row's link named it."""
        if self.is_bound:
            kept = getattr(self, "cleaned_data", {}).get("keeps")
            # (Still the posted number when the form failed before its promise was read.)
            return kept if isinstance(kept, Commitment) else None
        return self._open_promise(self.initial.get("keeps"))

    def keeps_promise(self) -> Commitment | None:
        return self.cleaned_data["keeps"] if self.cleaned_data.get("keep_it") else None


class PromiseForm(_AboutSomeone):
    description = forms.CharField(
        label="What you promised",
        max_length=300,
        error_messages={"required": "Say what you promised."},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "placeholder": "Call back with feedback"}
        ),
    )
    due_on = forms.DateField(
        label="By",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Say by when.", "invalid": "Write the date as YYYY-MM-DD."},
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_due_on(self):
        day = self.cleaned_data["due_on"]
        if day < timezone.localdate(timezone=local_zone(self.user)):
            raise forms.ValidationError("A promise is due today or later.")
        return day

    def due_at(self) -> datetime.datetime:
        # "By Friday" means by the end of Friday's working day, in the recruiter's time zone.
        return datetime.datetime.combine(
            self.cleaned_data["due_on"], datetime.time(17, 0), tzinfo=local_zone(self.user)
        )


class ReviewForm(forms.Form):
    """What a flagged check-in's concern is about: one button per theme."""

    theme = forms.ChoiceField(
        choices=ConcernTheme.choices,
        error_messages={
            "required": "Choose what the concern is about.",
            "invalid_choice": "Choose what the concern is about.",
        },
    )


class UndoForm(forms.Form):
    token = forms.CharField(max_length=2000)
