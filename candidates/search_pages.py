"""A page of the candidate list as it is found and as it is shown: the ways a page is found
(search._plan chooses one), what finding it gives (Found), the page (CandidatePage) and each
candidate's row (CandidateRow), read by id or joined into the statements that find the page.

Apart from the search (search.py) because every way of finding a page builds these: the ORM's
queries there, the written statements (search_statements.py), the pipelines' applications
(search_pipelines.py) and the table of name prefixes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection

from candidates import keyset
from candidates.models import Candidate, Tag
from candidates.search_sorts import Sort
from candidates.selectors import TAG_SEPARATOR, person_name, split_tag_names, with_tag_names
from recruitcrm.joined_rows import Prepared
from recruitcrm.models import User

# How a page is found (see the comment above search._plan).
WALK, WINDOW, COLLECT = "walk the sort's index", "walk a window, else collect", "collect first"


class CandidateRow(NamedTuple):
    """One line of the list, read as plain values: the list only shows its rows, so it builds
    no model instances (fifty candidates and their owners were a fifth of the page's time).

    A tuple, in the order the row shows its cells, so the template unpacks each row into local
    names in its loop header rather than looking up a dozen attributes a row (a third of the
    rows' rendering); code reads the same values by name."""

    pk: int
    name: str
    opted_out_at: datetime.datetime | None
    headline: str
    tag_list: list[str]
    email: str
    phone: str
    owner_id: int
    owner_name: str
    last_contacted_at: datetime.datetime | None
    created_at: datetime.datetime


@dataclass
class Found:
    """A page of ids with its cursors, and the count (and the rows) when finding the page gave
    them away."""

    seek: keyset.Seek
    total: int | None = None
    rows: list[CandidateRow] | None = None


@dataclass
class CandidatePage:
    rows: list[CandidateRow]
    sort: Sort
    # Exact up to search.COUNT_CAP; past it, `more_than` is True and `total` is the cap.
    total: int
    more_than: bool
    next_cursor: str = ""
    previous_cursor: str = ""

    @property
    def has_next(self) -> bool:
        return bool(self.next_cursor)

    @property
    def has_previous(self) -> bool:
        return bool(self.previous_cursor)


ROW_FIELDS = (
    "pk",
    "first_name",
    "last_name",
    "email",
    "phone",
    "headline",
    "opted_out_at",
    "last_contacted_at",
    "created_at",
    "owner_id",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
    "tag_string",
)


# ROW_FIELDS as one written statement, planned once per connection: built with the ORM (a join,
# the tags' subquery, fifty ids) it took 1.5 ms of Python on every page of the list, for 0.3 ms
# in PostgreSQL. `= ANY(array)` is PostgreSQL's; elsewhere the ORM reads the same values.
ROW_COLUMNS = f"""
    c.id, c.first_name, c.last_name, c.email, c.phone, c.headline, c.opted_out_at,
    c.last_contacted_at, c.created_at, c.owner_id, o.first_name, o.last_name, o.username,
    (SELECT string_agg(t.name, %(separator)s)
     FROM {Candidate.tags.through._meta.db_table} ct
     JOIN {Tag._meta.db_table} t ON t.id = ct.tag_id
     WHERE ct.candidate_id = c.id) AS tag_string
"""


def row_joins(key: str) -> str:
    """The candidate and its owner that ROW_COLUMNS read, joined to a page's `key` column; LEFT,
    as a statement that counts keeps its one row when the page is empty."""
    return (
        f"LEFT JOIN {Candidate._meta.db_table} c ON c.id = {key} "
        f"LEFT JOIN {User._meta.db_table} o ON o.id = c.owner_id"
    )


ROWS_SQL = Prepared(
    "candidate_list_rows",
    f"""
    SELECT {ROW_COLUMNS}
    FROM {Candidate._meta.db_table} c
    JOIN {User._meta.db_table} o ON o.id = c.owner_id
    WHERE c.id = ANY(%(ids)s)
""",
)


def candidate_rows(ids: list[int]) -> list[CandidateRow]:
    """What the list shows of these candidates, in this order: one query by primary key."""
    if not ids:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            ROWS_SQL.execute(cursor, {"ids": ids, "separator": TAG_SEPARATOR})
            read = cursor.fetchall()
    else:
        read = (
            with_tag_names(Candidate.objects.filter(pk__in=ids)).order_by().values_list(*ROW_FIELDS)
        )
    found = {values[0]: values for values in read}
    return [candidate_row(found[pk]) for pk in ids if pk in found]


def candidate_row(values: tuple) -> CandidateRow:
    """A row read as ROW_COLUMNS (or ROW_FIELDS) lists its values."""
    (
        pk,
        first_name,
        last_name,
        email,
        phone,
        headline,
        opted_out_at,
        last_contacted_at,
        created_at,
        owner_id,
        owner_first,
        owner_last,
        owner_username,
        tags,
    ) = values
    return CandidateRow(
        pk,
        f"{first_name} {last_name}".strip(),
        opted_out_at,
        headline,
        split_tag_names(tags),
        email,
        phone,
        owner_id,
        person_name(owner_first, owner_last, owner_username),
        last_contacted_at,
        created_at,
    )


def paged(
    found: list[dict], *, sort: Sort, per_page: int, backwards: bool, boundary, total
) -> Found:
    """The page keyset.seek_page cuts from the rows a statement read (a page and one more, which
    only says there are more), each with its sort keys and its candidate row under "row"."""
    seek = keyset.seek_page(
        found,
        parts=sort.parts,
        per_page=per_page,
        backwards=backwards,
        from_boundary=boundary is not None,
    )
    return Found(seek, total=total, rows=[row["row"] for row in seek.rows])
