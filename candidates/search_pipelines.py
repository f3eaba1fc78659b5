"""One requisition's pipeline or one stage, and no other filter, sorted by name: a page read
from its applications' copy of their candidates' names (Application.candidate_last_name)
rather than from the candidates.

Apart from the search (search.py) as name_prefixes.py is: a reading of its own, from its own
index, which the list asks first whether it serves the filters (serves) and then for a page
(page), giving it the page's size and the count's limit.
"""

from __future__ import annotations

import functools

from django.db import connection
from django.db.models import F, QuerySet

from candidates import keyset
from candidates.models import Application
from candidates.search_filters import CandidateFilters
from candidates.search_pages import ROW_COLUMNS, Found, candidate_row, paged, row_joins
from candidates.search_sorts import Sort
from candidates.selectors import TAG_SEPARATOR
from recruitcrm.joined_rows import Prepared


def serves(filters: CandidateFilters, sort: Sort) -> bool:
    """One requisition's pipeline or one stage, and no other filter, sorted by name: its
    applications keep their candidates' names in an index of their own (Application.
    candidate_last_name), so each page is a range of that index, about fifty entries. Walking
    the candidates' name index for a pipeline of 2,000 scattered through a million read 29,000
    entries (8.6 ms on the bench data set); a stage of 70,000, a few thousand with a probe each."""
    alone = filters == CandidateFilters(
        requisition_id=filters.requisition_id, stage=filters.stage, sort=filters.sort
    )
    just_one = (filters.requisition_id is None) == bool(filters.stage)
    return alone and just_one and sort.covers_search and connection.vendor == "postgresql"


NAMES_ON_APPLICATIONS = (
    F("candidate_last_name"),
    F("candidate_first_name"),
    F("candidate_id"),
)


def _named_applications(filters: CandidateFilters, sort: Sort) -> QuerySet:
    """The pipeline's or the stage's candidates as the name sort's keys, each once: a candidate
    at one stage in two pipelines has two applications with the same keys, side by side in the
    index, which DISTINCT folds as it reads them."""
    applications = Application.objects.filter(outcome=Application.Outcome.ACTIVE)
    if filters.stage:
        applications = applications.filter(stage=filters.stage)
    else:
        applications = applications.filter(requisition_id=filters.requisition_id)
    keys = dict(zip(sort.key_names, NAMES_ON_APPLICATIONS, strict=True))
    return applications.values(**keys).distinct()


def page(
    filters: CandidateFilters, sort: Sort, after: str, before: str, *, per_page: int, cap: int
) -> Found:
    """A page of the pipeline's or the stage's candidates, with their count up to `cap`."""
    if not (after or before):
        return _first_page(filters, sort, per_page=per_page, cap=cap)
    applications = _named_applications(filters, sort)
    found = keyset.seek(
        applications,
        parts=sort.parts,
        descending=sort.descending,
        per_page=per_page,
        after=after,
        before=before,
    )
    for row in found.rows:
        row["pk"] = row[sort.key_names[-1]]
    return Found(found, total=applications.order_by()[:cap].count())


# The first page, each way, with its count and its rows: one statement planned once per
# connection (by the ORM, two queries each planned on every visit, then the rows a third). The
# LIMITs are written in: given as parameters, the generic plan would expect a tenth of a stage
# and read it all.
@functools.cache
def _first_page_sql(column: str, descending: bool, limit: int, cap: int) -> Prepared:
    direction = "DESC" if descending else "ASC"
    keys = ("candidate_last_name", "candidate_first_name", "candidate_id")
    # The outcome written in, so that the generic plan may use the indexes of active ones.
    found = (
        f"SELECT DISTINCT {', '.join(keys)} FROM {Application._meta.db_table} "
        f"WHERE {column} = %(value)s AND outcome = '{Application.Outcome.ACTIVE.value}'"
    )
    order = ", ".join(f"{key} {direction}" for key in keys)
    return Prepared(
        f"candidate_list_{column}_names_{direction.lower()}_{limit}_{cap}",
        f"""
        SELECT size.n, page.candidate_id, page.candidate_last_name, page.candidate_first_name,
            {ROW_COLUMNS}
        FROM (SELECT count(*) AS n FROM ({found} LIMIT {cap:d}) counted) size
        LEFT JOIN LATERAL ({found} ORDER BY {order} LIMIT {limit:d}) page ON true
        {row_joins("page.candidate_id")}
        ORDER BY {", ".join(f"page.{key} {direction}" for key in keys)}
        """,
        generic=True,
    )


def _first_page(filters: CandidateFilters, sort: Sort, *, per_page: int, cap: int) -> Found:
    column, value = (
        ("stage", filters.stage) if filters.stage else ("requisition_id", filters.requisition_id)
    )
    statement = _first_page_sql(column, sort.descending, per_page + 1, cap)
    with connection.cursor() as cursor:
        statement.execute(cursor, {"value": value, "separator": TAG_SEPARATOR})
        read = cursor.fetchall()
    rows = [
        {
            "pk": pk,
            "sort_key_0": last,
            "sort_key_1": first,
            "sort_key_2": pk,
            "row": candidate_row(row),
        }
        for _, pk, last, first, *row in read
        if pk is not None
    ]
    return paged(
        rows, sort=sort, per_page=per_page, backwards=False, boundary=None, total=read[0][0]
    )
