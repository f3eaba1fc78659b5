"""The candidate list's search and filters as SQL written once per shape, on PostgreSQL: the
ORM query's conditions over the candidates as `c` (Match), and the statements that read a page
with its rows in one go, walking the sort's index (walked) or finding the matches (find_page).

Apart from the search (search.py), which decides how a page is found (search._plan) and reads
it through the ORM elsewhere than on PostgreSQL: these are that reading's statements, built
from text rather than from querysets, and the rules for keeping their plans (prepared with a
generic plan, or planned for their values on each visit). search.py hands them the page's size,
the count's limit and the walk's window.
"""

from __future__ import annotations

import datetime
import functools
import itertools
from dataclasses import dataclass

from django.db import connection

from candidates import keyset
from candidates.models import Application, Candidate
from candidates.search_filters import (
    HEADLINE_WORD_MIN,
    PHONE_QUERY_MIN_DIGITS,
    SEARCH_WORDS,
    CandidateFilters,
    is_phone_query,
    quiet_cutoff,
    tag_id,
    tags_named,
)
from candidates.search_pages import (
    COLLECT,
    ROW_COLUMNS,
    WINDOW,
    Found,
    candidate_row,
    paged,
    row_joins,
)
from candidates.search_sorts import SORTS, Sort
from candidates.selectors import TAG_SEPARATOR, phone_digits
from recruitcrm.joined_rows import Prepared
from recruitcrm.models import User


@dataclass(frozen=True)
class Match:
    """search.candidate_search's conditions written as SQL over the candidates as `c`, with their
    values. Searches of one shape (how many words, which may be in a headline or name a tag,
    which filters) write the same SQL, so each statement built from it is written once per
    shape: the ORM built and compiled the estimate's query, the page's and the count's on every
    visit, 1.5 ms of Python for a fraction of that in PostgreSQL."""

    where: str
    params: dict
    # Only words, a phone, quiet or opted out: each row is compared on its own columns, and a
    # walk of the sort's index is the one plan for any values, so its statement is kept planned
    # generically. The rest are planned for their values on each visit, as the ORM's queries
    # were: a generic plan knows neither how many ids a tag has, nor how many rows a subquery
    # (a pipeline, a tag) finds, nor whether an owner has a hundred candidates or a tenth of
    # the table (for an owner's "engineer", 34 ms reading all their candidates to sort them).
    walks_alike: bool

    def ids(self) -> str:
        return f"SELECT c.id FROM {Candidate._meta.db_table} c WHERE {self.where}"


def match(filters: CandidateFilters, now: datetime.datetime | None) -> Match | None:
    """search.candidate_search's filters as a Match; None when a tag filter names a tag nobody has,
    which matches no one."""
    conditions, params, walks_alike = [], {"separator": TAG_SEPARATOR}, True
    query = filters.query.strip()
    if query and is_phone_query(query):
        conditions.append(_phone_sql(query, params))
    elif query:
        words = query.split()[:SEARCH_WORDS]
        tags = _tag_conditions(words, params)
        walks_alike = not tags
        for n, word in enumerate(words):
            conditions.append(_word_sql(n, word, tags.get(word.lower(), []), params))
    if filters.stage or filters.requisition_id is not None:
        conditions.append(_pipeline_sql(filters, params))
        walks_alike = False
    if filters.tag:
        params["tag"] = tag_id(filters.tag)
        if params["tag"] is None:
            return None
        conditions.append(
            f"c.id IN (SELECT ct.candidate_id FROM {TAGGED} ct WHERE ct.tag_id = %(tag)s)"
        )
        walks_alike = False
    if filters.owner_id is not None:
        params["owner"] = filters.owner_id
        walks_alike = False
    if filters.quiet_days is not None:
        params["cutoff"] = quiet_cutoff(filters.quiet_days, now)
    if (filters.owner_id, filters.quiet_days, filters.opted_out) != (None, None, None):
        conditions.append(
            _unnarrowed_where(
                owner=filters.owner_id is not None,
                quiet=filters.quiet_days is not None,
                opted_out=filters.opted_out,
            ).removeprefix("true AND ")
        )
    return Match(" AND ".join(conditions) or "true", params, walks_alike)


TAGGED = Candidate.tags.through._meta.db_table


def _like(value: str) -> str:
    return connection.ops.prep_for_like_query(value)


def _phone_sql(query: str, params: dict) -> str:
    """search._phone_match as SQL."""
    digits = phone_digits(query)
    params["digits"] = f"{_like(digits)}%"
    national = digits.lstrip("0")
    if len(national) < PHONE_QUERY_MIN_DIGITS:
        return "c.phone_digits::text LIKE %(digits)s"
    params["reversed"] = f"{_like(national[::-1])}%"
    return (
        "(c.phone_digits::text LIKE %(digits)s OR REVERSE(c.phone_digits)::text LIKE %(reversed)s)"
    )


def _tag_conditions(words: list[str], params: dict) -> dict[str, list[str]]:
    """search._tag_words as SQL: for each word that is a tag's name, "has that tag"."""
    conditions: dict[str, list[str]] = {}
    for n, (pk, name, ids) in enumerate(tags_named(words)):
        if ids is not None:
            if not ids:
                continue
            params[f"tagged_{n}"] = ids
            condition = f"c.id = ANY(%(tagged_{n})s)"
        else:
            params[f"tag_{n}"] = pk
            condition = (
                f"c.id IN (SELECT ct.candidate_id FROM {TAGGED} ct WHERE ct.tag_id = %(tag_{n})s)"
            )
        conditions.setdefault(name.lower(), []).append(condition)
    return conditions


def _word_sql(n: int, word: str, tags: list[str], params: dict) -> str:
    """search._words_match's condition for one word, as SQL."""
    params[f"word_{n}"] = f"{_like(word)}%"
    matches = [
        f"UPPER(c.{column}::text) LIKE UPPER(%(word_{n})s)"
        for column in ("first_name", "last_name", "email")
    ]
    if len(word) >= HEADLINE_WORD_MIN:
        params[f"inside_{n}"] = f"%{_like(f' {word}')}%"
        matches.append(f"UPPER(c.headline::text) LIKE UPPER(%(word_{n})s)")
        matches.append(f"UPPER(c.headline::text) LIKE UPPER(%(inside_{n})s)")
    return f"({' OR '.join(matches + tags)})"


def _pipeline_sql(filters: CandidateFilters, params: dict) -> str:
    conditions = ["a.candidate_id = c.id", f"a.outcome = '{Application.Outcome.ACTIVE.value}'"]
    if filters.stage:
        params["stage"] = filters.stage
        conditions.append("a.stage = %(stage)s")
    if filters.requisition_id is not None:
        params["requisition"] = filters.requisition_id
        conditions.append("a.requisition_id = %(requisition)s")
    return f"EXISTS (SELECT 1 FROM {Application._meta.db_table} a WHERE {' AND '.join(conditions)})"


def find_page(
    match: Match, plan: str, sort: Sort, after: str, before: str, *, per_page: int, window: int
) -> Found:
    """search._find_page's page, with its rows; `window` entries of the sort's index are walked
    for the WINDOW plan."""
    if plan == WINDOW:
        found = _sought(match, sort, after, before, per_page=per_page, window=window)
        if found.seek.full:
            return found
        plan = COLLECT
    return _sought(match, sort, after, before, per_page=per_page, collect=plan == COLLECT)


def _sought(
    match: Match,
    sort: Sort,
    after: str,
    before: str,
    *,
    per_page: int,
    window: int = 0,
    collect: bool = False,
) -> Found:
    """keyset.seek's page of the matches, read with its rows by one statement: walking the
    sort's index (within `window` entries of the boundary, if any), or with the matches
    collected and sorted outright (`collect`), then counted on a first page as
    search._collected counts them."""
    backwards = bool(before)
    boundary = keyset.cursor_decode(before or after, sort.parts) if (before or after) else None
    counted = collect and (not (after or before) or before == "end")
    sql = _page_sql(
        match.where,
        sort.param.lstrip("-"),
        reading_down=sort.descending != backwards,
        from_boundary=boundary is not None,
        window=window,
        collect=collect,
        counted=counted,
        limit=per_page + 1,
    )
    params = dict(match.params)
    params.update((f"key_{n}", value) for n, value in enumerate(boundary or ()))
    with connection.cursor() as cursor:
        if match.walks_alike and not collect:
            _prepared(sql).execute(cursor, params)
        else:
            cursor.execute(sql, params)
        read = cursor.fetchall()
    names = sort.key_names
    width = len(names)
    found = [
        dict(zip(names, values[:width], strict=True), row=candidate_row(values[width + 1 :]))
        for values in read
    ]
    total = (read[0][width] if read else 0) if counted else None
    return paged(
        found, sort=sort, per_page=per_page, backwards=backwards, boundary=boundary, total=total
    )


# The page of a search, with its rows: the statement keyset.seek would have the ORM build for
# it (search._seek), the walk window's edge (keyset._within) and the first page's count
# (search._collected) written in, and the rows joined as in _walk_sql.
@functools.cache
def _page_sql(
    where: str,
    keys_of: str,
    *,
    reading_down: bool,
    from_boundary: bool,
    window: int,
    collect: bool,
    counted: bool,
    limit: int,
) -> str:
    keys = [key.unindexed_sql if collect else key.sql for key in SORTS[keys_of].keys]
    named = [f"sort_key_{n}" for n in range(len(keys))]
    direction = "DESC" if reading_down else "ASC"
    conditions = [where]
    beyond = ""
    if from_boundary:
        bound = ", ".join(f"%(key_{n})s" for n in range(len(keys)))
        beyond = f"({', '.join(keys)}) {'<' if reading_down else '>'} ({bound})"
        conditions.append(beyond)
    if window:
        edge = _edge_sql(keys, beyond, direction, window)
        conditions.append(f"({', '.join(keys)}) {'>=' if reading_down else '<='} ({edge})")
    table = Candidate._meta.db_table
    return f"""
    SELECT {", ".join(f"page.{name}" for name in named)}, page.found, {ROW_COLUMNS}
    FROM (
        SELECT {", ".join(f"{key} AS {name}" for key, name in zip(keys, named, strict=True))},
            {"count(*) OVER ()" if counted else "NULL::bigint"} AS found
        FROM {table} c
        WHERE {" AND ".join(conditions)}
        ORDER BY {", ".join(f"{name} {direction}" for name in named)}
        LIMIT {limit:d}
    ) page
    JOIN {table} c ON c.id = page.{named[-1]}
    JOIN {User._meta.db_table} o ON o.id = c.owner_id
    ORDER BY {", ".join(f"page.{name} {direction}" for name in named)}
    """


def _edge_sql(keys: list[str], beyond: str, direction: str, window: int) -> str:
    """The keys of the window-th entry of the sort's index from the boundary (none when fewer
    are left: the window then holds nothing)."""
    order = ", ".join(f"{key} {direction}" for key in keys)
    return (
        f"SELECT {', '.join(keys)} FROM {Candidate._meta.db_table} c"
        f"{' WHERE ' + beyond if beyond else ''}"
        f" ORDER BY {order} OFFSET {window - 1:d} LIMIT 1"
    )


_statement_numbers = itertools.count(1)


@functools.cache
def _prepared(sql: str) -> Prepared:
    """A walk of one shape's statement, planned once per connection: its generic plan walks
    the sort's index, as the planner's plan for any values does."""
    return Prepared(f"candidate_list_search_{next(_statement_numbers)}", sql, generic=True)


def capped_count(match: Match, *, cap: int) -> int:
    """How many candidates match, counting no further than `cap`."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({match.ids()} LIMIT {cap:d}) counted", match.params)
        (found,) = cursor.fetchone()
    return found


def walked(
    filters: CandidateFilters,
    sort: Sort,
    after: str,
    before: str,
    now: datetime.datetime | None,
    *,
    per_page: int,
    cap: int,
) -> Found:
    """keyset.seek's page of a walk of the sort's index, with its count up to `cap` and its
    rows, read by one statement (_walk_sql)."""
    backwards = bool(before)
    boundary = keyset.cursor_decode(before or after, sort.parts) if (before or after) else None
    reading_down = sort.descending != backwards
    statement = _walk_sql(
        sort.param.lstrip("-"),
        reading_down=reading_down,
        from_boundary=boundary is not None,
        owner=filters.owner_id is not None,
        quiet=filters.quiet_days is not None,
        opted_out=filters.opted_out,
        limit=per_page + 1,
        cap=cap,
    )
    params = {"separator": TAG_SEPARATOR}
    if filters.owner_id is not None:
        params["owner"] = filters.owner_id
    if filters.quiet_days is not None:
        params["cutoff"] = quiet_cutoff(filters.quiet_days, now)
    params.update((f"key_{n}", value) for n, value in enumerate(boundary or ()))
    with connection.cursor() as cursor:
        statement.execute(cursor, params)
        read = cursor.fetchall()
    names = sort.key_names
    width = len(names)
    found = [
        dict(zip(names, values[1 : width + 1], strict=True), row=candidate_row(values[width + 1 :]))
        for values in read
        if values[width] is not None
    ]
    return paged(
        found,
        sort=sort,
        per_page=per_page,
        backwards=backwards,
        boundary=boundary,
        total=read[0][0],
    )


# A page of a walk of the sort's index (owner, quiet and opted out filter it as it goes), its
# capped count and its rows, in one statement planned once per connection for each shape (the
# sort's keys, which way, from a cursor or not, which filters). Built with the ORM, the page's
# query and the count's cost more Python on every visit than PostgreSQL spent running them,
# and the rows were a third statement. The LIMITs are written in, as in
# search_pipelines._first_page_sql; each shape's generic plan walks the sort's index.
@functools.cache
def _walk_sql(
    keys_of: str,
    *,
    reading_down: bool,
    from_boundary: bool,
    owner: bool,
    quiet: bool,
    opted_out: bool | None,
    limit: int,
    cap: int,
) -> Prepared:
    keys = [key.sql for key in SORTS[keys_of].keys]
    matches = _unnarrowed_where(owner=owner, quiet=quiet, opted_out=opted_out)
    beyond = matches
    if from_boundary:
        bound = ", ".join(f"%(key_{n})s" for n in range(len(keys)))
        beyond += f" AND ({', '.join(keys)}) {'<' if reading_down else '>'} ({bound})"
    direction = "DESC" if reading_down else "ASC"
    named = [f"sort_key_{n}" for n in range(len(keys))]
    shape = (
        keys_of,
        "down" if reading_down else "up",
        "beyond" if from_boundary else "first",
        "owner" * owner,
        "quiet" * quiet,
        {None: "", True: "opted_out", False: "opted_in"}[opted_out],
        str(limit),
        str(cap),
    )
    table = Candidate._meta.db_table
    return Prepared(
        "_".join(("candidate_list_walk", *filter(None, shape))),
        f"""
        SELECT size.n, {", ".join(f"page.{name}" for name in named)}, {ROW_COLUMNS}
        FROM (
            SELECT count(*) AS n
            FROM (SELECT 1 FROM {table} c WHERE {matches} LIMIT {cap:d}) counted
        ) size
        LEFT JOIN LATERAL (
            SELECT {", ".join(f"{key} AS {name}" for key, name in zip(keys, named, strict=True))}
            FROM {table} c
            WHERE {beyond}
            ORDER BY {", ".join(f"{name} {direction}" for name in named)}
            LIMIT {limit:d}
        ) page ON true
        {row_joins(f"page.{named[-1]}")}
        ORDER BY {", ".join(f"page.{name} {direction}" for name in named)}
        """,
        generic=True,
    )


def _unnarrowed_where(*, owner: bool, quiet: bool, opted_out: bool | None) -> str:
    """search.candidate_search's owner, quiet and opted-out conditions, as SQL over `c`."""
    conditions = ["true"]
    if owner:
        conditions.append("c.owner_id = %(owner)s")
    if quiet:
        conditions.append(
            "(c.last_contacted_at < %(cutoff)s"
            " OR (c.last_contacted_at IS NULL AND c.created_at < %(cutoff)s))"
        )
    if opted_out is not None:
        conditions.append(f"c.opted_out_at IS {'NOT NULL' if opted_out else 'NULL'}")
    return " AND ".join(conditions)
