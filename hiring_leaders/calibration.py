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
from dataclasses import dataclass

from django.db import connection

from hiring_leaders.models import Company, Requisition, TimeToFillForecast
from recruitcrm.models import User

PLOTTED = 60

# Every filled requisition in the window with its first forecast. DISTINCT ON picks the first
# on the forecast_requisition index (requisition, made_at).
_JUDGED = f"""
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
_ERROR = """
    CASE WHEN actual > high_days THEN actual - high_days
         WHEN actual < low_days THEN actual - low_days ELSE 0 END
"""
FIGURES_SQL = f"""
    WITH judged AS ({_JUDGED}),
    mine AS (SELECT * FROM judged WHERE %(recruiter)s::bigint IS NULL
                                      OR made_by_id = %(recruiter)s::bigint)
    SELECT made_by_id, GROUPING(made_by_id) AS overall, count(*),
        count(*) FILTER (WHERE actual BETWEEN low_days AND high_days),
        count(*) FILTER (WHERE actual > high_days),
        count(*) FILTER (WHERE actual < low_days),
        percentile_cont(0.5) WITHIN GROUP (ORDER BY {_ERROR})
    FROM mine
    GROUP BY GROUPING SETS ((made_by_id), ())
    ORDER BY GROUPING(made_by_id) DESC, made_by_id
"""
PLOT_SQL = f"""
    WITH judged AS ({_JUDGED})
    SELECT requisition_id, title, company, low_days, high_days, actual, closed_on,
           count(*) OVER () AS total
    FROM judged
    WHERE %(recruiter)s::bigint IS NULL OR made_by_id = %(recruiter)s::bigint
    ORDER BY closed_on DESC, requisition_id DESC
    LIMIT {PLOTTED}
"""


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


@dataclass
class Calibration:
    overall: Figures
    recruiters: list[Figures]
    points: list[Point]
    total: int  # fills judged, of which the latest PLOTTED are plotted

    @property
    def scale(self) -> int:
        """The plot's right edge in days: the largest day on it, rounded up to 30."""
        return -(-self._widest // self.tick) * self.tick

    @property
    def _widest(self) -> int:
        return max([p.high for p in self.points] + [p.actual for p in self.points] + [30])

    @property
    def tick(self) -> int:
        """Days between the axis's marks: about six marks whatever the span."""
        return next(step for step in (30, 60, 90, 180, 365, 730) if self._widest / step <= 6)

    @property
    def ticks(self) -> list[int]:
        return list(range(0, self.scale + 1, self.tick))


def calibration(
    *,
    recruiter: User | None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> Calibration:
    """The figures per recruiter and overall, and the latest fills to plot: two queries, plus
    one for the recruiters' names when there are any figures."""
    params = {"recruiter": recruiter.pk if recruiter else None, "since": since, "until": until}
    with connection.cursor() as cursor:
        cursor.execute(FIGURES_SQL, params)
        rows = cursor.fetchall()
        cursor.execute(PLOT_SQL, params)
        plotted = cursor.fetchall()
    overall = Figures(None, 0, 0, 0, 0, None)
    recruiters = []
    for made_by, is_overall, *numbers in rows:
        figures = Figures(None if is_overall else made_by, *numbers)
        if is_overall:
            overall = figures
        else:
            recruiters.append(figures)
    if recruiters:
        names = {
            user.pk: user.name
            for user in User.objects.filter(pk__in=[f.recruiter_id for f in recruiters])
        }
        for figures in recruiters:
            figures.name = names.get(figures.recruiter_id, "")
    recruiters.sort(key=lambda f: f.name)
    points = [Point(*row[:7]) for row in plotted]
    return Calibration(
        overall=overall,
        recruiters=recruiters,
        points=points,
        total=plotted[0][7] if plotted else 0,
    )
