"""What the agency's own history says about how long a role like this one takes to fill.

The suggestion is read from FILLED requisitions only: their actual time to fill is
closed_on - opened_on, in days. Which fills count as "similar", first rule that has enough:

1. "same role family and seniority": the same role_family and the same seniority;
2. "same role family, same location or company": widened to every fill of the same role family
   that shares the location (case-insensitive) or the company, plus the rule-1 fills.

"Enough" is MIN_HISTORY fills. Below that there is no suggestion: the page says plainly that
there is too little history rather than dress up three data points as a range.

Recency: the market moves, so a fill that closed in the last 12 months counts twice and an
older one once (each recent row is duplicated in a UNION ALL before the percentiles are taken).
The suggested range is the weighted 25th to 75th percentile (percentile_cont, so interpolated,
rounded to whole days); the median is shown beside it. The count shown (n) is of fills, not of
weighted rows.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from hiring_leaders import fill_history
from hiring_leaders.models import Requisition, RoleFamily, Seniority

MIN_HISTORY = 5
RECENT = datetime.timedelta(days=365)

SAME_FAMILY_AND_SENIORITY = "same role family and seniority"
SAME_FAMILY_PLACE_OR_COMPANY = "same role family, same location or company"

# One scan of the role family's fills: each row says whether it matches rule 1, and the
# aggregates are taken for rule 1 and for the widened rule 2 side by side (FILTER), so the page
# pays one query whichever rule wins.
SUGGESTION_SQL = f"""
    WITH alike AS (
        SELECT r.closed_on, (r.closed_on - r.opened_on) AS days,
               (r.seniority = %(seniority)s AND %(seniority)s <> '') AS exact,
               (r.closed_on >= %(recent_since)s) AS recent
        FROM {Requisition._meta.db_table} r
        WHERE r.status = 'filled' AND r.role_family = %(family)s AND r.id <> %(id)s
          AND ((r.seniority = %(seniority)s AND %(seniority)s <> '')
               OR (%(location)s <> '' AND lower(r.location) = lower(%(location)s))
               OR r.company_id = %(company)s)
    ),
    weighted AS (
        SELECT days, exact FROM alike
        UNION ALL
        SELECT days, exact FROM alike WHERE recent
    ),
    figures AS (
        SELECT
            percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY days)
                FILTER (WHERE exact) AS exact_cuts,
            percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY days) AS wide_cuts
        FROM weighted
    ),
    spans AS (
        SELECT count(*) FILTER (WHERE exact) AS exact_n,
               count(*) FILTER (WHERE exact AND recent) AS exact_recent,
               min(closed_on) FILTER (WHERE exact) AS exact_first,
               max(closed_on) FILTER (WHERE exact) AS exact_last,
               count(*) AS wide_n,
               count(*) FILTER (WHERE recent) AS wide_recent,
               min(closed_on) AS wide_first, max(closed_on) AS wide_last
        FROM alike
    )
    SELECT spans.*, figures.* FROM spans, figures
"""


@dataclass(frozen=True)
class Suggestion:
    """What the history says, and how sure it can be."""

    rule: str  # which rule's fills these are ("" when the role has no family yet)
    count: int  # fills behind it
    recent: int  # of which closed in the last 12 months (counted twice)
    low: int | None = None  # weighted 25th percentile, days
    median: int | None = None
    high: int | None = None  # weighted 75th percentile, days
    first_closed: datetime.date | None = None
    last_closed: datetime.date | None = None
    missing: str = ""  # what the role lacks for a comparison (no role family)

    @property
    def enough(self) -> bool:
        return self.count >= MIN_HISTORY and self.low is not None


def _days(value: float | None) -> int | None:
    # Half up, not to even: 72.5 days is suggested as 73 whatever the parity.
    return None if value is None else max(1, int(value + 0.5))


def forecast_suggestion(
    *, requisition: Requisition, today: datetime.date | None = None
) -> Suggestion:
    """The suggested time-to-fill range for the requisition, from similar filled ones: one
    query (none when the role has no role family to compare by)."""
    if not requisition.role_family:
        return Suggestion(rule="", count=0, recent=0, missing="role family")
    today = today or timezone.localdate()
    params = {
        "id": requisition.pk or 0,
        "family": requisition.role_family,
        "seniority": requisition.seniority or "",
        "location": (requisition.location or "").strip(),
        "company": requisition.company_id,
        "recent_since": today - RECENT,
    }
    with connection.cursor() as cursor:
        cursor.execute(SUGGESTION_SQL, params)
        (
            exact_n,
            exact_recent,
            exact_first,
            exact_last,
            wide_n,
            wide_recent,
            wide_first,
            wide_last,
            exact_cuts,
            wide_cuts,
        ) = cursor.fetchone()
    if exact_n >= MIN_HISTORY or (exact_n and exact_n == wide_n):
        rule, n, recent, cuts, first, last = (
            SAME_FAMILY_AND_SENIORITY,
            exact_n,
            exact_recent,
            exact_cuts,
            exact_first,
            exact_last,
        )
    else:
        rule, n, recent, cuts, first, last = (
            SAME_FAMILY_PLACE_OR_COMPANY,
            wide_n,
            wide_recent,
            wide_cuts,
            wide_first,
            wide_last,
        )
    low, median, high = (_days(c) for c in cuts) if cuts else (None, None, None)
    return Suggestion(
        rule=rule,
        count=n,
        recent=recent,
        low=low,
        median=median,
        high=high,
        first_closed=first,
        last_closed=last,
    )


def forecast_suggestion_kept(
    *, requisition: Requisition, today: datetime.date | None = None
) -> Suggestion:
    """forecast_suggestion as the intake page shows it: counted once per kind of role and day,
    then kept until the filled roles change (hiring_leaders.fill_history). Every intake visit
    asked PostgreSQL for the same percentiles over the same fills, 2 to 11 ms at the bench's
    4,000 fills; now one cache read, shared by the open roles of one family, seniority,
    location and company. The day is in the key: "recent" (counted twice) is counted from it.
    """
    if not requisition.role_family:
        return forecast_suggestion(requisition=requisition)  # no query
    today = today or timezone.localdate()
    key = _kept_key(requisition, today)
    changed = fill_history.changed_key()
    found = cache.get_many([key, changed])
    kept = found.get(key)
    if kept is not None and fill_history.is_current(kept[1], found.get(changed)):
        return kept[0]
    counted_at = timezone.now()  # before reading: a change committed meanwhile is newer
    suggestion = forecast_suggestion(requisition=requisition, today=today)
    cache.set(key, (suggestion, counted_at), KEPT_SECONDS)
    return suggestion


# A day at most: the key changes with the day anyway, and a change made around the services
# (the Django admin, an import) is seen by the next day.
KEPT_SECONDS = 24 * 3600


def _kept_key(requisition: Requisition, today: datetime.date) -> str:
    # A role that is not filled is not among the fills it is compared with, so roles alike
    # share one entry; a filled one leaves itself out, so it has its own.
    own = requisition.pk if requisition.status == Requisition.Status.FILLED else 0
    role = (
        requisition.role_family,
        requisition.seniority or "",
        (requisition.location or "").strip(),
        requisition.company_id,
        own,
    )
    digest = hashlib.blake2b(repr(role).encode(), digest_size=16).hexdigest()
    database = connection.settings_dict["NAME"]
    return f"forecast-suggestion:v1:{database}:{today.isoformat()}:{digest}"


def describe_role(requisition: Requisition) -> str:
    """ "Senior engineering", for the evidence line."""
    family = RoleFamily(requisition.role_family).label if requisition.role_family else ""
    seniority = Seniority(requisition.seniority).label if requisition.seniority else ""
    return " ".join(part for part in (seniority, family.lower() if seniority else family) if part)
