"""The frame every analytics page stands on (issue 9 §4): its filters, its CSV downloads and
its charts. The pipeline page (candidates.analytics_*) and the post-hire page reuse it.

How a page uses it::

    form = AnalyticsFilterForm.for_request(request)      # bound to request.GET, never raises
    filters = form.filters                                # Filters: start/end dates, ids
    table = export_requested(request, {"funnel", "sources"})   # "?export=funnel", or None
    if table:
        return csv_response(filename=f"funnel-{filters.slug}.csv", header=[...], rows=...)
    return render(request, "...", {"form": form, "filters": filters, ...})

- `AnalyticsFilterForm`: date range from/to (inclusive days in the site's time zone; default the
  last 90 days up to today), recruiter and company. An admin chooses any recruiter or everyone;
  a recruiter sees their own figures only (the field offers them alone). A leader's page passes
  `fixed_recruiter` / no form at all. Bad input keeps the other fields, falls back to the
  default for the bad one and shows the error beside it: a page always has figures.
  Two queries to render the choices (recruiters, companies), one for a recruiter.
- `Filters.start_at` / `end_at`: the range as aware datetimes, end exclusive, for SQL params.
- `export_requested(request, tables)`: the table named by `?export=`, 404 for an unknown one;
  the page's download links are `request.GET|querystring(export="funnel")`, so a CSV always has
  the same filters as the page it came from.
- `csv_response(filename=…, header=…, rows=…)`: a streamed CSV download (rows may be a generator).
- Charts: templates/jinja2/partials/charts.html has `bar_chart(...)` and `funnel(...)` macros
  drawing inline SVG with attributes and classes only (the CSP forbids inline style); colours
  and layout are in static/css/analytics.css, which both base layouts link.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.forms.models import ModelChoiceIterator
from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.utils import timezone

from hiring_leaders.models import Company
from recruitcrm.models import User

DEFAULT_DAYS = 90
# A range longer than this reads more history than any page needs to, and is slow to read.
LONGEST_RANGE_DAYS = 3 * 366


@dataclass(frozen=True)
class Filters:
    """What a page's figures are about: inclusive days, and whose/which client's work."""

    start: datetime.date
    end: datetime.date
    recruiter_id: int | None = None
    company_id: int | None = None

    @property
    def start_at(self) -> datetime.datetime:
        return _midnight(self.start)

    @property
    def end_at(self) -> datetime.datetime:
        """Exclusive: midnight after the last day."""
        return _midnight(self.end + datetime.timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def slug(self) -> str:
        """For file names: `2026-01-01-to-2026-03-31`."""
        return f"{self.start:%Y-%m-%d}-to-{self.end:%Y-%m-%d}"

    def params(self) -> dict:
        """The filters as SQL parameters: start_at, end_at, recruiter, company (None = all)."""
        return {
            "start_at": self.start_at,
            "end_at": self.end_at,
            "recruiter": self.recruiter_id,
            "company": self.company_id,
        }


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class _NamedChoices(ModelChoiceIterator):
    """The choices as (id, name) read with values_list: an agency of a few hundred recruiters
    and companies built a model instance per option on every visit (two thirds of the agency
    page's time on the bench data set)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.queryset.model is User:
            for pk, first, last, username in self.queryset.values_list(
                "pk", "first_name", "last_name", "username"
            ):
                yield (pk, f"{first} {last}".strip() or username)  # as User.__str__
        else:
            yield from self.queryset.values_list("pk", "name")


class NamedChoiceField(forms.ModelChoiceField):
    iterator = _NamedChoices


class AnalyticsFilterForm(forms.Form):
    start = forms.DateField(label="From", required=False, widget=DateInput())
    end = forms.DateField(label="To", required=False, widget=DateInput())
    recruiter = NamedChoiceField(
        label="Recruiter", queryset=User.objects.none(), required=False, empty_label="Everyone"
    )
    company = NamedChoiceField(
        label="Company",
        queryset=Company.objects.order_by("name"),
        required=False,
        empty_label="All companies",
    )

    def __init__(
        self,
        data=None,
        *,
        user: User,
        today: datetime.date | None = None,
        start: datetime.date | None = None,
    ):
        super().__init__(data)
        self.user = user
        self.today = today or timezone.localdate()
        self._start = start
        recruiters = User.objects.filter(role=User.Role.RECRUITER).order_by(
            "first_name", "last_name", "pk"
        )
        field = self.fields["recruiter"]
        if user.is_admin:
            field.queryset = recruiters
        else:
            # A recruiter's own figures: the team's are the admin's to compare.
            # Themself, written out: no query (any other id is "not one of the choices").
            self.fields["recruiter"] = forms.ChoiceField(
                label="Recruiter", choices=[(user.pk, user.name)], required=False
            )
        self.fields["start"].initial = self.default_start
        self.fields["end"].initial = self.today

    @classmethod
    def for_request(cls, request: HttpRequest, **kwargs) -> AnalyticsFilterForm:
        form = cls(request.GET or None, user=request.user, **kwargs)
        if form.is_bound:
            form.is_valid()
        return form

    @property
    def default_start(self) -> datetime.date:
        """The last 90 days, or from the day the page says (a requisition's opening)."""
        if self._start is not None:
            return min(self._start, self.today)
        return self.today - datetime.timedelta(days=DEFAULT_DAYS - 1)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "The end date is before the start date.")
        elif start and end and (end - start).days >= LONGEST_RANGE_DAYS:
            self.add_error("start", "Choose a range of at most three years.")
        return cleaned

    def _value(self, name: str, default):
        """The cleaned value when that field is valid, else the default (never raises)."""
        if not self.is_bound or name in self.errors:
            return default
        value = self.cleaned_data.get(name)
        return default if value is None else value

    @property
    def filters(self) -> Filters:
        bad_range = self.is_bound and {"start", "end"} & set(self.errors)
        start = self.default_start if bad_range else self._value("start", self.default_start)
        end = self.today if bad_range else self._value("end", self.today)
        recruiter = self._value("recruiter", None) if self.user.is_admin else self.user
        company = self._value("company", None)
        return Filters(
            start=start,
            end=end,
            recruiter_id=recruiter.pk if recruiter else None,
            company_id=company.pk if company else None,
        )


class PeriodFilterForm(AnalyticsFilterForm):
    """Dates only: for a page about one requisition (or one leader's), where whose work and
    which client are already decided."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["recruiter"], self.fields["company"]

    @property
    def filters(self) -> Filters:
        bad_range = self.is_bound and {"start", "end"} & set(self.errors)
        if bad_range:
            return Filters(start=self.default_start, end=self.today)
        return Filters(
            start=self._value("start", self.default_start), end=self._value("end", self.today)
        )


def export_requested(request: HttpRequest, tables: Iterable[str]) -> str | None:
    """The table `?export=<name>` asks for; None for the page itself, 404 for no such table."""
    name = request.GET.get("export")
    if not name:
        return None
    if name not in set(tables):
        raise Http404("No such table")
    return name


class _Echo:
    """A file-like object that hands back what csv.writer writes, for streaming."""

    def write(self, value: str) -> str:
        return value


def csv_response(
    *, filename: str, header: list[str], rows: Iterable[Iterable]
) -> StreamingHttpResponse:
    """A CSV download, streamed row by row; None is written as an empty cell."""
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(["" if value is None else value for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def share(part: int | None, whole: int | None) -> int | None:
    """A whole-number percentage, None when there is nothing to divide by."""
    if not whole:
        return None
    return round(100 * (part or 0) / whole)
