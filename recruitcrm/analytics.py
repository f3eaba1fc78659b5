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
  The recruiter and company are typed (`PickField`: a name, part of one, or an id), not chosen
  from a list of every one; the picker's <datalist> is filled as one types from
  `analytics:choices`. No query to render the form; one per field chosen.
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
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Concat, Trim
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


# How many names a picker offers at once (as you type, or when what was typed matches several).
SUGGESTIONS = 12
_WITH_USERNAME = re.compile(r"^(?P<name>.*?)\s*\((?P<username>[^()]+)\)$")


def recruiter_label(user: User, *, shared: bool) -> str:
    """What the recruiter picker shows and accepts for someone: their name, with the username
    when another recruiter has the same name."""
    return f"{user.name} ({user.username})" if shared else user.name


def recruiters_matching(text: str, *, limit: int = SUGGESTIONS) -> list[tuple[User, str]]:
    """Recruiters whose name or username contains `text` (whole name first, then by name), up
    to `limit`, each with its picker label. One query over the recruiters (a few hundred)."""
    text = text.strip()
    found = list(
        _recruiters()
        .filter(Q(full__icontains=text) | Q(username__icontains=text))
        .annotate(exact=Q(full__iexact=text))
        .order_by("-exact", "first_name", "last_name", "pk")[:limit]
    )
    return [(user, recruiter_label(user, shared=user.shared)) for user in found]


def companies_matching(text: str, *, limit: int = SUGGESTIONS) -> list[Company]:
    """Companies whose name contains `text`, the one so called first, up to `limit`."""
    text = text.strip()
    return list(
        Company.objects.filter(name__icontains=text)
        .annotate(exact=Q(name__iexact=text))
        .only("pk", "name")
        .order_by("-exact", "name")[:limit]
    )


def _recruiters():
    """Recruiters with their full name (as User.name) and whether another recruiter has it."""
    full = Concat("first_name", Value(" "), "last_name")
    namesakes = User.objects.filter(
        role=User.Role.RECRUITER,
        first_name__iexact=OuterRef("first_name"),
        last_name__iexact=OuterRef("last_name"),
    ).exclude(pk=OuterRef("pk"))
    return (
        User.objects.filter(role=User.Role.RECRUITER)
        .annotate(full=Trim(full), shared=Exists(namesakes))
        .only("pk", "first_name", "last_name", "username")
    )


class PickField(forms.CharField):
    """A recruiter or company typed by name rather than chosen from a list of every one (a list
    of a few hundred of each was most of an agency's analytics page). Accepts the name (any
    case), part of it when only one matches, a recruiter's "Name (username)", or an id (what
    older links and the page's own downloads may carry). Cleans to the one it names, or None
    for empty; several matches are an error that names them, and the field's `suggestions` then
    hold them for the page's <datalist>."""

    def __init__(self, *, kind: str, everyone: str, **kwargs):
        super().__init__(required=False, max_length=200, strip=True, **kwargs)
        self.kind = kind
        self.everyone = everyone
        self.suggestions: list[str] = []
        self.chosen_label = ""

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        if self.kind == "recruiter":
            return self._recruiter(text)
        return self._company(text)

    def _recruiter(self, text: str) -> User:
        rows = _recruiters()
        with_username = _WITH_USERNAME.match(text)
        if text.isdigit():
            found = list(rows.filter(pk=int(text)))
        elif with_username:
            found = list(rows.filter(username__iexact=with_username["username"]))
        else:
            found = [user for user, _label in recruiters_matching(text)]
            exact = [u for u in found if u.full.lower() == text.lower() and not u.shared]
            found = exact or found
        labels = [recruiter_label(user, shared=user.shared) for user in found]
        return self._one(text, found, labels, "recruiter", "recruiters")

    def _company(self, text: str) -> Company:
        if text.isdigit():
            found = list(Company.objects.filter(pk=int(text)).only("pk", "name"))
        else:
            found = companies_matching(text)
            found = [c for c in found if c.name.lower() == text.lower()] or found
        return self._one(text, found, [c.name for c in found], "company", "companies")

    def _one(self, text: str, found: list, labels: list[str], one: str, many: str):
        if len(found) == 1:
            self.chosen_label = labels[0]
            return found[0]
        if not found:
            raise ValidationError(f"No {one} matches “{text}”: showing {self.everyone} instead.")
        self.suggestions = labels
        more = "" if len(found) < SUGGESTIONS else " or more"
        names = ", ".join(labels[:5]) + (" and others" if len(labels) > 5 else "")
        raise ValidationError(
            f"{len(found)}{more} {many} match “{text}”: {names}. Type more of the name (the "
            f"list offers them); showing {self.everyone} meanwhile."
        )


class AnalyticsFilterForm(forms.Form):
    start = forms.DateField(label="From", required=False, widget=DateInput())
    end = forms.DateField(label="To", required=False, widget=DateInput())
    recruiter = PickField(label="Recruiter", kind="recruiter", everyone="everyone")
    company = PickField(label="Company", kind="company", everyone="all companies")

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
        if not user.is_admin:
            # A recruiter's own figures: the team's are the admin's to compare.
            # Themself, written out: no query (any other id is "not one of the choices").
            self.fields["recruiter"] = forms.ChoiceField(
                label="Recruiter", choices=[(user.pk, user.name)], required=False
            )
        self.fields["start"].initial = self.default_start
        self.fields["end"].initial = self.today

    @property
    def picks_left_empty(self) -> str:
        """What the name pickers mean left empty ("everyone or all companies"), for the page's
        line about what they accept; '' when the form has none."""
        picks = [f.everyone for f in self.fields.values() if isinstance(f, PickField)]
        return " or ".join(picks)

    def shown_value(self, name: str) -> str:
        """What a name picker shows: the full name of the one chosen (even when an id or part
        of the name was typed), else what was typed."""
        field = self.fields[name]
        if self.is_bound and name not in self.errors and self.cleaned_data.get(name):
            return field.chosen_label
        return self[name].value() or ""

    def suggestions(self, name: str) -> list[str]:
        """The names a picker offers when what was typed matched several."""
        return self.fields[name].suggestions if self.is_bound and self.errors else []

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
