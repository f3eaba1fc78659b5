"""The Jinja2 environment for the pages recruiters keep open all day.

Today, the candidate list and page and the pipeline board render dozens of rows on every
request. Django's template engine spent most of those requests resolving variables (a profile
of the candidate list: 26 of its 30 ms, for 4 ms of SQL); Jinja2 compiles a template to Python
once, so the same page renders in a fraction of the time. The other pages stay with Django's
engine. Both engines are configured in settings.TEMPLATES; a template lives in one of them only
(Jinja2's are under templates/jinja2/), so a name always means one file.

What the Django templates get from `{% load … %}` and built-in tags, these templates get here:
`url()`, `static()`, and the filters the pages use.
"""

from __future__ import annotations

import datetime
import functools
import importlib
import re
from urllib.parse import urlencode

from django.apps import apps
from django.contrib.humanize.templatetags import humanize
from django.http import QueryDict
from django.templatetags.static import static as django_static
from django.urls import reverse
from django.utils import timezone
from jinja2 import Environment
from markupsafe import Markup, escape

from recruitcrm.templatetags.relative_time import ago, html_datetime

_URL_SHAPES: dict[tuple, str] = {}


def url(name: str, *args) -> str:
    """reverse(), remembered: a page of 50 rows asks for the same few URLs with different ids
    hundreds of times, and each reverse() costs a tenth of a millisecond. The URL is worked out
    once per name with stand-ins for its numbers, then filled in."""
    # (A list comprehension: inlined since Python 3.12, where a generator was a frame per call.)
    shape = (name, *[int if isinstance(arg, int) else arg for arg in args])
    pattern = _URL_SHAPES.get(shape)
    if pattern is None:
        stand_ins = [
            _STAND_IN + position if isinstance(arg, int) else arg
            for position, arg in enumerate(args)
        ]
        pattern = reverse(name, args=stand_ins or None).replace("{", "{{").replace("}", "}}")
        for position, arg in enumerate(args):
            if isinstance(arg, int):
                pattern = pattern.replace(str(_STAND_IN + position), f"{{{position}}}", 1)
        _URL_SHAPES[shape] = pattern
    return pattern.format(*args) if args else pattern


# A number no real id reaches, so it cannot be mistaken for part of the URL.
_STAND_IN = 987_654_321_000


@functools.cache
def static(path: str) -> str:
    """The static file's URL, worked out once per process: with the manifest storage each call
    reads the manifest and joins URLs, and every page asks for the same few files."""
    return django_static(path)


class Layout:
    """`layout`: what the base layout writes the same on every page, worked out once per process
    (each `static()` or `url()` call from a template goes through Jinja2's context call, and the
    layout made twelve of them a page): the head's stylesheets and script, and the fixed links."""

    _STYLESHEETS = ("app", "today", "candidates", "clients", "imports", "analytics")

    @functools.cached_property
    def head(self) -> Markup:
        lines = [f'<link rel="icon" href="{escape(static("favicon.svg"))}" type="image/svg+xml">']
        lines += [
            f'<link rel="stylesheet" href="{escape(static(f"css/{name}.css"))}">'
            for name in self._STYLESHEETS
        ]
        lines.append(f'<script src="{escape(static("vendor/htmx/htmx.min.js"))}" defer></script>')
        return Markup("\n  ".join(lines))

    @functools.cached_property
    def home(self) -> str:
        return url("home")

    @functools.cached_property
    def password_change(self) -> str:
        return url("password_change")

    @functools.cached_property
    def logout(self) -> str:
        return url("logout")

    @functools.cached_property
    def signed_out(self) -> str:
        return f"{url('login')}?signed_out=1"


def local(value: datetime.datetime | None) -> datetime.datetime | None:
    """The moment in the site's (the request's) time zone, as Django's date filter shows it."""
    return timezone.localtime(value) if value is not None else None


def strftime(value: datetime.datetime | datetime.date | None, pattern: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return value.strftime(pattern)


class Relative:
    """`relative(moment)`: a moment as people say it ("3 days ago"), the exact time on hover.

    A list shows two of these per row, a hundred a page, so the time zone and "now" are read once
    per page (a context processor gives each render its own, `moments`), not once per moment:
    each read of the current zone goes through asgiref's context-local storage, and together
    with strftime that was four fifths of the 11 µs a moment took."""

    __slots__ = ("now", "zone")

    def __init__(self) -> None:
        zone = timezone.get_current_timezone()
        # UTC as the datetime module's own: the database's moments already carry it, so
        # astimezone() keeps them as they are, where converting each to ZoneInfo("UTC") made a
        # copy that also formats slower. The same offset and the same name ("UTC").
        self.zone = datetime.UTC if getattr(zone, "key", None) == "UTC" else zone
        self.now = timezone.now()

    def __call__(self, value: datetime.datetime | None, empty: str = "Never") -> Markup:
        return Markup(self.html(value, empty))

    def html(self, value: datetime.datetime | None, empty: str = "Never") -> str:
        """The same HTML as a plain str, for a filter that writes a hundred of them into one
        Markup (candidates.jinja2_filters.candidate_rows) and need not wrap each."""
        if value is None:
            return f'<span class="muted">{escape(empty)}</span>'
        iso, exact = _exact(value, self.zone)
        return f'<time datetime="{iso}" title="{exact}">{ago(value, self.now)}</time>'


@functools.lru_cache(maxsize=8192)
def _exact(value: datetime.datetime, zone: datetime.tzinfo) -> tuple[str, str]:
    """A moment for <time datetime> (ISO, milliseconds) and for its title, in `zone`: the
    title says `strftime("%a %-d %b %Y, %H:%M %Z")` in English whatever the locale, the hours
    and minutes read from the ISO string. Worked out once per moment and zone: a timeline line,
    a promise or a follow-up shows the same moment on every visit and every htmx swap, and
    writing it was half of what a moment cost. A date and time formatted here, never text
    anyone typed: nothing to escape. (isoformat's arguments by position: by keyword, parsing
    them was a quarter of its time.)"""
    moment = value.astimezone(zone)
    iso = moment.isoformat("T", "milliseconds")
    title = (
        f"{_DAYS[moment.weekday()]} {moment.day} {_MONTHS[moment.month - 1]} {moment.year}, "
        f"{iso[11:16]} {moment.tzname() or ''}"
    )
    return iso, title


# The characters markupsafe.escape replaces.
_TO_ESCAPE = re.compile("[&<>\"']")


def text(value: str) -> str:
    """What someone typed, escaped for HTML as markupsafe.escape escapes it, as a plain str for a
    filter that writes many rows into one Markup. Most names, titles and notes hold none of the
    five characters: such a string is its own escape, returned without building a Markup (a
    third of the time escape() takes)."""
    return str(escape(value)) if _TO_ESCAPE.search(value) else value


def relative(value: datetime.datetime | None, empty: str = "Never") -> Markup:
    """`Relative` for a template rendered outside a request (an email)."""
    return Relative()(value, empty)


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


_NEAR_DAYS = {-1: "yesterday", 0: "today", 1: "tomorrow"}


def naturalday(
    value: datetime.date | datetime.datetime | None,
    pattern: str = "%-d %b %Y",
    today: datetime.date | None = None,
) -> str:
    """ "today", "yesterday", "tomorrow", else the day in `pattern`, as humanize's naturalday.
    A page that writes many days passes `today` once rather than have each one look it up."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    near = _NEAR_DAYS.get((value - (today or timezone.localdate())).days)
    return near or _day(value, pattern)


@functools.lru_cache(maxsize=1024)
def _day(value: datetime.date, pattern: str) -> str:
    # A board's seventy cards were moved on a handful of days: strftime once for each.
    return value.strftime(pattern)


def intcomma(value) -> str:
    """humanize's intcomma ("1,234") as the site's one language (en-us) writes it. A count, a
    whole number, is grouped here: Django's reads the active language's formats through
    context-local storage on every call (21 a pipeline board, 0.2 ms); anything else goes to it."""
    if type(value) is int:
        return f"{value:,}"
    return humanize.intcomma(value)


def pluralize(count: int, suffix: str = "s") -> str:
    singular, _, plural = suffix.rpartition(",") if "," in suffix else ("", "", suffix)
    return singular if count == 1 else plural


def linebreaks(text: str) -> Markup:
    """Paragraphs from blank lines, line breaks from single ones, everything escaped."""
    paragraphs = [p for p in str(text).replace("\r\n", "\n").split("\n\n") if p.strip()]
    return Markup("").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in p.split("\n")))
        for p in paragraphs
    )


def querystring(query: QueryDict, **changes) -> str:
    """`request.GET|querystring(after=None, sort="-name")`: what Django's `{% querystring %}`
    writes — the page's own query with these parameters set, or removed when None."""
    # A dict of lists rather than query.copy(), which deep-copies the QueryDict: six links on
    # the candidate list made that a tenth of its rendering.
    changed = dict(query.lists())
    for key, value in changes.items():
        if value is None:
            changed.pop(key, None)
        else:
            changed[key] = [value]
    return "?" + urlencode([(key, v) for key, values in changed.items() for v in values])


def _apps_filters() -> dict:
    """Each app's own filters, from its `jinja2_filters.FILTERS`, as a Django app brings its own
    template tags: the floor does not import the rooms above it by name."""
    found = {}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.jinja2_filters")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.jinja2_filters":
                raise
            continue
        found.update(module.FILTERS)
    return found


def environment(**options) -> Environment:
    env = Environment(**options)
    env.globals.update(url=url, static=static, relative=relative, layout=Layout())
    env.filters.update(
        ago=ago,
        local=local,
        strftime=strftime,
        naturalday=naturalday,
        html_datetime=html_datetime,
        intcomma=intcomma,
        pluralize=pluralize,
        linebreaks=linebreaks,
        querystring=querystring,
    )
    env.filters.update(_apps_filters())
    return env
