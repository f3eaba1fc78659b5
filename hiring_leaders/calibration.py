"""How honest our time-to-fill forecasts turned out: each filled requisition's FIRST forecast
(the promise made at intake; re-forecasts do not get a second chance) against its actual time
to fill, closed_on - opened_on in days.

A forecast belongs to the recruiter who made it (made_by), whoever owns the role later.

- inside: low <= actual <= high.
- error, in days: 0 inside the range; actual - high when later than the range (positive, we
  were too optimistic); actual - low when sooner (negative, too pessimistic). The median error
  is the median of these signed errors.
- bias: too optimistic when more fills ran late than came early, too pessimistic the other way.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from hiring_leaders.models import Company, Requisition, TimeToFillForecast
from recruitcrm.models import User

PLOTTED = 60
# Who makes forecasts, and so whose figures an admin may choose to see.
FORECASTER_ROLES = (User.Role.RECRUITER, User.Role.ADMIN)

# Every filled requisition in the window with its first forecast. DISTINCT ON picks the first
# on the forecast_requisition index (requisition, made_at).
_JUDGED_ALL = f"""
    SELECT DISTINCT ON (f.requisition_id)
        f.requisition_id, f.made_by_id, f.low_days, f.high_days,
        (r.closed_on - r.opened_on) AS actual, r.closed_on, r.title, co.name AS company
    FROM {TimeToFillForecast._meta.db_table} f
    JOIN {Requisition._meta.db_table} r ON r.id = f.requisition_id
    JOIN {Company._meta.db_table} co ON co.id = r.company_id
    WHERE r.status = 'filled'
      AND (%(since)s::date IS NULL OR r.closed_on >= %(since)s::date)
      AND (%(until)s::date IS NULL OR r.closed_on <= %(until)s::date)
    ORDER BY f.requisition_id, f.made_at, f.id
"""
# The same for one recruiter, read from their own forecasts (the made_by index) and kept when
# no earlier forecast on the role exists, rather than finding every filled role's first
# forecast and keeping theirs (33 ms at the bench's 4,000 fills; a few dozen index reads here).
_JUDGED_ONE = f"""
    SELECT f.requisition_id, f.made_by_id, f.low_days, f.high_days,
        (r.closed_on - r.opened_on) AS actual, r.closed_on, r.title, co.name AS company
    FROM {TimeToFillForecast._meta.db_table} f
    JOIN {Requisition._meta.db_table} r ON r.id = f.requisition_id
    JOIN {Company._meta.db_table} co ON co.id = r.company_id
    WHERE f.made_by_id = %(recruiter)s AND r.status = 'filled'
      AND (%(since)s::date IS NULL OR r.closed_on >= %(since)s::date)
      AND (%(until)s::date IS NULL OR r.closed_on <= %(until)s::date)
      AND NOT EXISTS (
          SELECT FROM {TimeToFillForecast._meta.db_table} earlier
          WHERE earlier.requisition_id = f.requisition_id
            AND (earlier.made_at, earlier.id) < (f.made_at, f.id)
      )
"""
_ERROR = """
    CASE WHEN actual > high_days THEN actual - high_days
         WHEN actual < low_days THEN actual - low_days ELSE 0 END
"""
_FIGURES = """
    WITH judged AS ({judged})
    SELECT made_by_id, GROUPING(made_by_id) AS overall, count(*),
        count(*) FILTER (WHERE actual BETWEEN low_days AND high_days),
        count(*) FILTER (WHERE actual > high_days),
        count(*) FILTER (WHERE actual < low_days),
        percentile_cont(0.5) WITHIN GROUP (ORDER BY {error})
    FROM judged
    GROUP BY GROUPING SETS ((made_by_id), ())
    ORDER BY GROUPING(made_by_id) DESC, made_by_id
"""
_PLOT = f"""
    WITH judged AS ({{judged}})
    SELECT requisition_id, title, company, low_days, high_days, actual, closed_on,
           count(*) OVER () AS total
    FROM judged
    ORDER BY closed_on DESC, requisition_id DESC
    LIMIT {PLOTTED}
"""
# (figures, plot) for everyone and for one recruiter.
SQL = {
    scope: (_FIGURES.format(judged=judged, error=_ERROR), _PLOT.format(judged=judged))
    for scope, judged in (("all", _JUDGED_ALL), ("one", _JUDGED_ONE))
}


@dataclass
class Figures:
    """Calibration for one recruiter (recruiter_id) or everyone (recruiter_id None)."""

    recruiter_id: int | None
    judged: int
    inside: int
    late: int  # actual after the range: too optimistic
    early: int  # actual before the range: too pessimistic
    median_error: float | None
    name: str = ""

    @property
    def inside_share(self) -> int | None:
        return round(100 * self.inside / self.judged) if self.judged else None

    @property
    def bias(self) -> str:
        if not self.judged:
            return ""
        if self.late > self.early:
            return (
                f"Too optimistic: {self.late} of {self.judged} filled later than the range, "
                f"{self.early} sooner."
            )
        if self.early > self.late:
            return (
                f"Too pessimistic: {self.early} of {self.judged} filled sooner than the range, "
                f"{self.late} later."
            )
        if self.late:
            return f"No lean: as many filled later than the range as sooner ({self.late} each)."
        return "Every fill landed inside its range."


@dataclass(frozen=True)
class Point:
    requisition_id: int
    title: str
    company: str
    low: int
    high: int
    actual: int
    closed_on: datetime.date

    @property
    def where(self) -> str:
        if self.actual > self.high:
            return "late"
        if self.actual < self.low:
            return "early"
        return "inside"

    # The plot's words for the point, written once for both of its layouts.
    @property
    def described(self) -> str:
        return (
            f"{self.title} at {self.company}, filled {_day(self.closed_on)}: "
            f"forecast {self.low}\u2013{self.high} days, took {self.actual}"
        )

    @property
    def delta(self) -> str:
        if self.actual > self.high:
            return f"+{self.actual - self.high} d"
        if self.actual < self.low:
            return f"\u2212{self.low - self.actual} d"
        return "inside"


@functools.lru_cache(maxsize=512)
def _day(day: datetime.date) -> str:
    # The sixty plotted roles were filled on a handful of days: strftime once for each.
    return f"{day:%-d %b %Y}"


# Compared and hashed by identity: each count is one snapshot, kept by the pages, which write
# its plot once (hiring_leaders.jinja2_filters).
@dataclass(eq=False)
class Calibration:
    overall: Figures
    recruiters: list[Figures]
    points: list[Point]
    total: int  # fills judged, of which the latest PLOTTED are plotted
    # Whose figures an admin may ask for: every recruiter and admin, by name, as (id, name).
    # Read with the figures so a visit reads no users for the page's select; a recruiter added or
    # renamed since shows there when the figures are next counted (calibration_snapshots).
    forecasters: tuple[tuple[int, str], ...] = ()

    # Worked out once: the plot reads the scale for every mark of every point.
    @functools.cached_property
    def scale(self) -> int:
        """The plot's right edge in days: the largest day on it, rounded up to 30."""
        return -(-self._widest // self.tick) * self.tick

    @functools.cached_property
    def _widest(self) -> int:
        return max([p.high for p in self.points] + [p.actual for p in self.points] + [30])

    @functools.cached_property
    def tick(self) -> int:
        """Days between the axis's marks: about six marks whatever the span."""
        return next(step for step in (30, 60, 90, 180, 365, 730) if self._widest / step <= 6)

    @property
    def summary(self) -> str:
        """The plot's title for a screen reader: every point, in words."""
        return "; ".join(
            f"{p.title}: forecast {p.low} to {p.high} days, took {p.actual}" for p in self.points
        )

    @property
    def ticks(self) -> list[int]:
        return list(range(0, self.scale + 1, self.tick))

    def plot(self, layout: Layout) -> Plot:
        """The plot's geometry in this layout, worked out here: as template arithmetic it was
        most of the page's time (two layouts of 60 rows, a dozen sums a row)."""
        top = layout.top
        height = top + len(self.points) * layout.row + 6

        def x(days: int) -> float:
            return round(layout.left + layout.span * days / self.scale, 1)

        ticks = [(tick, x(tick)) for tick in self.ticks]
        marks = []
        for n, point in enumerate(self.points):
            y = top + n * layout.row
            x1, x2 = x(point.low), x(point.high)
            marks.append(
                Mark(
                    point, y + 15, y + layout.bar_y, x1, round(max(x2 - x1, 2), 1), x(point.actual)
                )
            )
        return Plot(layout, height, ticks, marks)


@dataclass(frozen=True)
class Layout:
    """Where the plot's parts go. Wide: the role's name left of its bar. Compact (a phone):
    the name above the bar, so the bars keep the whole width."""

    name: str
    width: int
    left: int  # where day 0 is
    span: int  # the width the days take
    row: int
    bar_y: int  # the bar's top within its row
    label_x: int
    label_chars: int
    top: int = 24


WIDE = Layout("wide", 800, 230, 500, 22, 6, 0, 30)
COMPACT = Layout("compact", 360, 4, 340, 36, 20, 4, 40)


@dataclass(frozen=True)
class Mark:
    """One filled role on the plot: its range's bar and where its actual falls."""

    point: Point
    label_y: int
    bar_top: int
    x1: float
    bar_width: float
    xa: float


@dataclass(frozen=True)
class Plot:
    layout: Layout
    height: int
    ticks: list[tuple[int, float]]  # (days, x)
    marks: list[Mark]

    # The compact plot (a phone: no pointer to hover a row for its words) draws each series as
    # one <path>: every range bar, then every mark of each kind, rather than four elements a
    # row; only the names and the days off stay one element a row.
    @functools.cached_property
    def series(self) -> dict[str, str]:
        """The path data of the range bars and of the marks by where the fill landed."""
        paths: dict[str, list[str]] = {"range": [], "inside": [], "late": [], "early": []}
        for m in self.marks:
            top, xa = m.bar_top, m.xa
            paths["range"].append(f"M{m.x1} {top}h{m.bar_width}v10h{-m.bar_width}z")
            where = m.point.where
            if where == "late":
                shape = f"M{round(xa - 5, 1)} {top}h10v10h-10z"
            elif where == "early":
                shape = f"M{xa} {top - 1}l6 11h-12z"
            else:
                shape = f"M{round(xa - 5, 1)} {top + 5}a5 5 0 1 0 10 0a5 5 0 1 0 -10 0z"
            paths[where].append(shape)
        return {kind: "".join(parts) for kind, parts in paths.items()}


def calibration(
    *,
    recruiter: User | None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> Calibration:
    """The figures per recruiter and overall, the latest fills to plot, and who may be chosen:
    three queries."""
    params = {"recruiter": recruiter.pk if recruiter else None, "since": since, "until": until}
    figures_sql, plot_sql = SQL["one" if recruiter else "all"]
    with connection.cursor() as cursor:
        cursor.execute(figures_sql, params)
        rows = cursor.fetchall()
        cursor.execute(plot_sql, params)
        plotted = cursor.fetchall()
    overall = Figures(None, 0, 0, 0, 0, None)
    recruiters = []
    for made_by, is_overall, *numbers in rows:
        figures = Figures(None if is_overall else made_by, *numbers)
        if is_overall:
            overall = figures
        else:
            recruiters.append(figures)
    names, forecasters = _people([f.recruiter_id for f in recruiters])
    for figures in recruiters:
        figures.name = names.get(figures.recruiter_id, "")
    recruiters.sort(key=lambda f: (f.name, f.recruiter_id))
    points = [Point(*row[:7]) for row in plotted]
    return Calibration(
        overall=overall,
        recruiters=recruiters,
        points=points,
        total=plotted[0][7] if plotted else 0,
        forecasters=forecasters,
    )


def _people(judged: list[int]) -> tuple[dict[int, str], tuple[tuple[int, str], ...]]:
    """The names of the recruiters judged, and every recruiter and admin by name (the filter's
    choices), in one read of the users: those judged include anyone who has since left the
    recruiters' roles. (id, name) rows: a model instance each cost more than the figures' query."""
    names = {}
    forecasters = []
    for pk, first, last, username, role in (
        User.objects.filter(Q(role__in=FORECASTER_ROLES) | Q(pk__in=judged))
        .order_by("first_name", "last_name", "pk")
        .values_list("pk", "first_name", "last_name", "username", "role")
    ):
        names[pk] = name = f"{first} {last}".strip() or username  # as User.__str__
        if role in FORECASTER_ROLES:
            forecasters.append((pk, name))
    return names, tuple(forecasters)


# How the recruiters' table may be ordered: what a reader of it asks first. Each ends on the
# name and id, so a page never shuffles between visits.
ORDERS = {
    "forecasts": ("Most forecasts judged", lambda f: (-f.judged, f.name, f.recruiter_id)),
    "inside": (
        "Least often inside the range",
        lambda f: (f.inside / f.judged, -f.judged, f.name, f.recruiter_id),
    ),
    "error": (
        "Largest median error",
        lambda f: (-abs(f.median_error or 0), -f.judged, f.name, f.recruiter_id),
    ),
    "name": ("Name", lambda f: (f.name.casefold(), f.recruiter_id)),
}
DEFAULT_ORDER = "forecasts"
PER_PAGE = 50


@dataclass(frozen=True)
class RecruiterPage:
    """One page of the recruiters' table, in the order asked for."""

    rows: list[Figures]
    number: int
    pages: int
    first: int  # the first row's place in the whole table, from 1
    total: int

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def recruiter_page(
    recruiters: list[Figures], *, order: str = DEFAULT_ORDER, number: int = 1
) -> RecruiterPage:
    """The recruiters of a calibration, sorted and cut to one page (a page past the last shows
    the last). The figures are already in memory, a few hundred rows kept in a snapshot, so the
    sort and the cut cost nothing worth an index."""
    _, key = ORDERS.get(order, ORDERS[DEFAULT_ORDER])
    pages = max(1, -(-len(recruiters) // PER_PAGE))
    number = min(max(1, number), pages)
    start = (number - 1) * PER_PAGE
    rows = sorted(recruiters, key=key)[start : start + PER_PAGE]
    return RecruiterPage(
        rows=rows, number=number, pages=pages, first=start + 1, total=len(recruiters)
    )
