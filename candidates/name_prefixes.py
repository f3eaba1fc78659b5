"""A search of one word of one to three letters, sorted by name, read from a table of each
candidate's short prefixes rather than from the candidates.

Such a word matches thousands ("mar": 20,000 of 1,000,000 candidates), and the candidates'
indexes serve it badly either way: walking the name index passes 11,000 entries before a page
of "mar" is full (9 ms), collecting the matches to sort them reads 14,000 pages of the table
(50 ms), and which of the two the planner takes flips with ANALYZE's sample.

candidates_name_prefix holds, for each candidate, each prefix such a word can match (the first
one, two and three letters of the upper-cased first name, last name and email address, the
first three of each headline word), once, beside the name sort's keys; its index on (prefix,
last name, first name, id) makes a page fifty-one entries of it and the count a thousand and
one. PostgreSQL keeps it true by triggers (migrations 0019, 0020), whoever writes the candidates.
A tag named by the word adds its candidates, read through the tags. Elsewhere than on
PostgreSQL there is no such table, and the search takes the general path.
"""

from __future__ import annotations

import functools

from django.db import connection

from candidates import keyset
from candidates.models import Candidate, Tag
from candidates.search_pages import ROW_COLUMNS, Found, candidate_row, paged, row_joins
from candidates.selectors import TAG_SEPARATOR
from recruitcrm.joined_rows import Prepared

SHORTEST, LONGEST = 1, 3

# The table made again from every candidate, as migration 0019 first filled it: one sort for
# the index rather than ten insertions into it a candidate.
_REFILL_SQL = """
TRUNCATE candidates_name_prefix;
DROP INDEX IF EXISTS candidate_name_prefix_page;
INSERT INTO candidates_name_prefix (prefix, last_name, first_name, candidate_id)
SELECT p.prefix, c.last_name, c.first_name, c.id
FROM candidates_candidate c,
    candidate_name_prefixes(c.first_name, c.last_name, c.email, c.headline) p(prefix);
CREATE INDEX candidate_name_prefix_page
ON candidates_name_prefix (prefix, last_name, first_name, candidate_id);
"""


def refill(cursor) -> None:
    """After a bulk load that held the table's trigger back (sample_data's generator, whose
    million-row COPY it would slow by ten index insertions a candidate)."""
    cursor.execute(_REFILL_SQL)


def serves(query: str) -> bool:
    """One word of one to three letters (that upper-case to as many: the table holds that
    many letters of the upper-cased names), on PostgreSQL. The caller checks that nothing else
    narrows the list and that it is sorted by name."""
    words = query.split()
    return (
        connection.vendor == "postgresql"
        and len(words) == 1
        and SHORTEST <= len(words[0]) == len(words[0].upper()) <= LONGEST
    )


# The page's keys from the prefixes and from the candidates of the tags named so, each way and
# each side of a boundary, with the count capped and the page's rows joined (as
# search_statements._walk_sql joins them): one statement planned once per connection, where the
# rows were a second round trip. The page of the union is within the union of each part's page,
# so each part stops at a page.
@functools.cache
def _page_sql(*, reading_down: bool, from_boundary: bool, limit: int, cap: int) -> Prepared:
    direction = "DESC" if reading_down else "ASC"
    beyond = "<" if reading_down else ">"
    tagged = (
        f"{Candidate.tags.through._meta.db_table} ct JOIN {Tag._meta.db_table} t "
        "ON t.id = ct.tag_id AND UPPER(t.name::text) = UPPER(%(word)s)"
    )

    def part(keys: str, source: str, condition: str) -> str:
        if from_boundary:
            condition += f" AND ({keys}) {beyond} (%(last_name)s, %(first_name)s, %(id)s)"
        order = ", ".join(f"{key} {direction}" for key in keys.split(", "))
        return f"(SELECT {keys} FROM {source} WHERE {condition} ORDER BY {order} LIMIT {limit:d})"

    named = part(
        "p.last_name, p.first_name, p.candidate_id",
        "candidates_name_prefix p",
        "p.prefix = UPPER(%(word)s)",
    )
    # The tagged ids as an array, probed by primary key: as a join, the generic plan may walk
    # the candidates' name index for them, all of it when no tag is named so (2 s).
    tagged_page = part(
        "c.last_name, c.first_name, c.id",
        f"{Candidate._meta.db_table} c",
        f"c.id = ANY(ARRAY(SELECT ct.candidate_id FROM {tagged}))",
    )
    return Prepared(
        f"candidate_list_prefix_{direction.lower()}_{int(from_boundary)}_{limit}_{cap}",
        f"""
        SELECT size.n, page.candidate_id, page.last_name, page.first_name, {ROW_COLUMNS}
        FROM (
            SELECT count(*) AS n FROM (
                (SELECT candidate_id FROM candidates_name_prefix
                 WHERE prefix = UPPER(%(word)s) LIMIT {cap:d})
                UNION (SELECT ct.candidate_id FROM {tagged} LIMIT {cap:d})
            ) matched
        ) size
        LEFT JOIN LATERAL (
            SELECT last_name, first_name, candidate_id FROM ({named} UNION {tagged_page}) keys
            ORDER BY last_name {direction}, first_name {direction}, candidate_id {direction}
            LIMIT {limit:d}
        ) page ON true
        {row_joins("page.candidate_id")}
        ORDER BY page.last_name {direction}, page.first_name {direction},
            page.candidate_id {direction}
        """,
        generic=True,
    )


def page(query: str, *, sort, after: str, before: str, per_page: int, cap: int) -> Found:
    """keyset.seek's page of the candidates the word matches in the name sort, with its rows,
    and how many they are, counted up to `cap`."""
    backwards = bool(before)
    boundary = keyset.cursor_decode(before or after, sort.parts) if (before or after) else None
    statement = _page_sql(
        reading_down=sort.descending != backwards,
        from_boundary=boundary is not None,
        limit=per_page + 1,
        cap=cap,
    )
    params = {"word": query.strip(), "separator": TAG_SEPARATOR}
    if boundary is not None:
        params.update(zip(("last_name", "first_name", "id"), boundary, strict=True))
    with connection.cursor() as cursor:
        statement.execute(cursor, params)
        read = cursor.fetchall()
    names = [key.name for key in sort.parts]
    rows = [
        {"pk": pk, **dict(zip(names, (last, first, pk), strict=True)), "row": candidate_row(row)}
        for _, pk, last, first, *row in read
        if pk is not None
    ]
    return paged(
        rows,
        sort=sort,
        per_page=per_page,
        backwards=backwards,
        boundary=boundary,
        total=read[0][0],
    )
