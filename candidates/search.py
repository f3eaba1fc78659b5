"""The candidate list: find people the way recruiters look for them, in pages that cost the
same on page 1 and on page 20,000 of a million candidates.

- Search: every word must match the start of a first name, last name or email address, the
  start of a headline word, or a tag's name; a query of digits is a phone number, however it
  is formatted. Each of these has an index (migrations 0003, 0006, 0008).
- Filters: owner, stage and requisition (through active applications), not contacted for N
  days, opted out, tag.
- Sorts: name, last contacted, added, each way, each served by an index ending in the id, so a
  page is a keyset range scan (keyset.py). Counts stop at COUNT_CAP: "more than 1,000".
"""

from __future__ import annotations

import datetime
import functools
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    Expression,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Concat, Greatest, Reverse
from django.utils import timezone

from candidates import keyset, name_prefixes
from candidates.keyset import KeyPart
from candidates.models import (
    NEVER_CONTACTED,
    Application,
    Candidate,
    Tag,
    contacted_sort_key,
)
from candidates.selectors import (
    CANDIDATES_PER_PAGE,
    TAG_SEPARATOR,
    person_name,
    phone_digits,
    split_tag_names,
    with_tag_names,
)
from recruitcrm.joined_rows import Prepared
from recruitcrm.models import User

# Counting stops here: "more than 1,000" costs a thousand index entries, an exact count of a
# million-row table a scan of all of it.
COUNT_CAP = 1000
# Up to this many matches of a search or pipeline filter are collected and sorted outright
# rather than found by walking the sort's index (see _find_page).
FOUND_FIRST_CAP = 5_000
# A text search whose matches a short walk of the name index did not find is collected up to
# this many: its matches may sit together in name order, far from where the page starts.
NAME_CLUSTER_CAP = 20_000
# How many entries of the name index that short walk reads at most.
WALK_WINDOW = 5_000
# A tag named in a search is looked up by its candidates' ids while it has at most this many;
# a list of ids keeps the search one index scan (see _tag_words).
TAGGED_IDS_CAP = 500
SEARCH_WORDS = 5
HEADLINE_WORD_MIN = 3
# Digits and the marks people put between them; nothing else.
PHONE_QUERY = re.compile(r"\+?[\d\s().\-/]+")
PHONE_QUERY_MIN_DIGITS = 3


@dataclass(frozen=True)
class SortKey:
    kind: type  # str, int or datetime: how the key travels in a cursor
    indexed: Callable[[], Expression]  # the value as the sort's index holds it
    # The same value written so that no index serves it; see _found_first.
    unindexed: Callable[[], Expression]
    # `indexed` and `unindexed` written as SQL over the candidates' table as `c`, for the
    # written statements (_walk_sql, _page_sql).
    sql: str
    unindexed_sql: str


# Written as the indexes' expression is, the moment a constant: a parameter there would keep a
# generic plan off the index.
_NEVER_CONTACTED_SQL = f"'{NEVER_CONTACTED.isoformat()}'::timestamptz"
LAST_NAME = SortKey(
    str,
    lambda: F("last_name"),
    lambda: Concat(F("last_name"), Value("")),
    "c.last_name",
    "(c.last_name || '')",
)
FIRST_NAME = SortKey(
    str, lambda: F("first_name"), lambda: F("first_name"), "c.first_name", "c.first_name"
)
ID = SortKey(int, lambda: F("id"), lambda: F("id"), "c.id", "c.id")
SILENCE = SortKey(
    datetime.datetime,
    contacted_sort_key,
    # Never earlier than NEVER_CONTACTED, so GREATEST changes nothing but the expression.
    lambda: Greatest(contacted_sort_key(), Value(NEVER_CONTACTED)),
    f"COALESCE(c.last_contacted_at, {_NEVER_CONTACTED_SQL})",
    f"GREATEST(COALESCE(c.last_contacted_at, {_NEVER_CONTACTED_SQL}), {_NEVER_CONTACTED_SQL})",
)
ADDED = SortKey(
    datetime.datetime,
    lambda: F("created_at"),
    lambda: Coalesce(F("created_at"), Value(NEVER_CONTACTED)),
    "c.created_at",
    f"COALESCE(c.created_at, {_NEVER_CONTACTED_SQL})",
)


@dataclass(frozen=True)
class Sort:
    param: str
    label: str
    keys: tuple[SortKey, ...]
    descending: bool
    # Its index also holds every column a search of one- and two-letter words reads (names and
    # email; candidates/models.py), so a walk of it for those never visits the table.
    covers_search: bool = False

    @property
    def parts(self) -> tuple[KeyPart, ...]:
        return tuple(KeyPart(f"sort_key_{n}", key.kind) for n, key in enumerate(self.keys))

    @property
    def key_names(self) -> tuple[str, ...]:
        return tuple(part.name for part in self.parts)

    def keyed(self, candidates: QuerySet, *, indexed: bool) -> QuerySet:
        return candidates.annotate(
            **{
                part.name: key.indexed() if indexed else key.unindexed()
                for part, key in zip(self.parts, self.keys, strict=True)
            }
        )


NAME_KEYS = (LAST_NAME, FIRST_NAME, ID)

# Each sort is served by one index ending in the id (candidates/models.py), in both directions.
SORTS = {
    sort.param: sort
    for sort in (
        Sort("name", "Name, A to Z", NAME_KEYS, descending=False, covers_search=True),
        Sort("-name", "Name, Z to A", NAME_KEYS, descending=True, covers_search=True),
        Sort("contacted", "Longest since contact", (SILENCE, ID), descending=False),
        Sort("-contacted", "Most recently contacted", (SILENCE, ID), descending=True),
        Sort("-added", "Newest added", (ADDED, ID), descending=True),
        Sort("added", "Oldest added", (ADDED, ID), descending=False),
    )
}
DEFAULT_SORT = "name"


@dataclass(frozen=True)
class CandidateFilters:
    """What the recruiter asked the list for; every field optional."""

    query: str = ""
    owner_id: int | None = None
    stage: str = ""
    requisition_id: int | None = None
    quiet_days: int | None = None
    opted_out: bool | None = None
    tag: str = ""
    sort: str = DEFAULT_SORT

    @property
    def narrowed(self) -> bool:
        return any(
            value not in ("", None)
            for value in (
                self.query,
                self.owner_id,
                self.stage,
                self.requisition_id,
                self.quiet_days,
                self.opted_out,
                self.tag,
            )
        )


def _is_phone_query(query: str) -> bool:
    return bool(PHONE_QUERY.fullmatch(query)) and (
        len(phone_digits(query)) >= PHONE_QUERY_MIN_DIGITS
    )


def _phone_match(query: str) -> Q:
    """The digits typed, however formatted, at the start of the stored digits (typed with the
    country code) or at their end (typed without it, or with a national trunk 0: "020 7946
    0000" is the end of "+44 20 7946 0000")."""
    digits = phone_digits(query)
    match = Q(phone_digits__startswith=digits)
    national = digits.lstrip("0")
    if len(national) >= PHONE_QUERY_MIN_DIGITS:
        match |= Q(phone_reversed__startswith=national[::-1])
    return match


def _tag_words(words: list[str]) -> dict[str, Q]:
    """For each search word that is a tag's name, the condition "has that tag".

    A tag on few candidates becomes a list of their ids, which PostgreSQL ORs with the name
    indexes in one bitmap scan; a subquery in that OR would turn every such search into a scan
    of the whole table. A tag on many candidates stays a subquery (hashed once): matches are
    then so common that walking the sort's index finds a page at once.
    """
    conditions: dict[str, Q] = {}
    tagged = Candidate.tags.through.objects
    for pk, name, ids in _tags_named(words):
        if len(ids) <= TAGGED_IDS_CAP:
            condition = Q(pk__in=ids)
        else:
            condition = Q(pk__in=tagged.filter(tag_id=pk).values("candidate_id"))
        conditions[name.lower()] = conditions.get(name.lower(), Q(pk__in=[])) | condition
    return conditions


# The tags a search's words name, each with up to TAGGED_IDS_CAP + 1 of its candidates' ids, in
# one statement planned once per connection: built with the ORM, a query for the tags and one
# more for each tag named cost half a millisecond of Python on every search. `unnest` and
# ARRAY() are PostgreSQL's; elsewhere the ORM reads the same values.
TAG_WORDS_SQL = Prepared(
    "candidate_list_tag_words",
    f"""
    SELECT t.id, t.name, ARRAY(
        SELECT ct.candidate_id FROM {Candidate.tags.through._meta.db_table} ct
        WHERE ct.tag_id = t.id LIMIT %(limit)s
    )
    FROM {Tag._meta.db_table} t
    WHERE UPPER(t.name::text) IN (SELECT UPPER(word) FROM unnest(%(words)s::text[]) word)
""",
)


def _tags_named(words: list[str]) -> list[tuple[int, str, list[int]]]:
    """(id, name, some of its candidates' ids) of each tag whose name is one of the words, in
    any case."""
    limit = TAGGED_IDS_CAP + 1
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            TAG_WORDS_SQL.execute(cursor, {"words": words, "limit": limit})
            return cursor.fetchall()
    tags = Tag.objects.filter(Q.create([("name__iexact", word) for word in words], connector=Q.OR))
    tagged = Candidate.tags.through.objects
    return [
        (pk, name, list(tagged.filter(tag_id=pk).values_list("candidate_id", flat=True)[:limit]))
        for pk, name in tags.values_list("pk", "name")
    ]


def _words_match(query: str) -> Q:
    """Every word must match: the start of a first name, last name or email address, the start
    of a headline word (three letters or more: a trigram needs three), or a tag's whole name."""
    words = query.split()[:SEARCH_WORDS]
    by_tag = _tag_words(words)
    condition = Q()
    for word in words:
        matches = (
            Q(first_name__istartswith=word)
            | Q(last_name__istartswith=word)
            | Q(email__istartswith=word)
        )
        if len(word) >= HEADLINE_WORD_MIN:
            # A word of the headline starting so; a trigram index serves both (migration 0008).
            matches |= Q(headline__istartswith=word) | Q(headline__icontains=f" {word}")
        if word.lower() in by_tag:
            matches |= by_tag[word.lower()]
        condition &= matches
    return condition


def candidate_search(
    *, filters: CandidateFilters, now: datetime.datetime | None = None
) -> QuerySet[Candidate]:
    """The candidates the filters select, in no order (the page puts them in one): the ORM's
    query, which the list runs elsewhere than on PostgreSQL (there, _match writes the same
    conditions as SQL)."""
    candidates = Candidate.objects.all()
    query = filters.query.strip()
    if query and _is_phone_query(query):
        candidates = candidates.alias(phone_reversed=Reverse("phone_digits")).filter(
            _phone_match(query)
        )
    elif query:
        candidates = candidates.filter(_words_match(query))
    if filters.owner_id is not None:
        candidates = candidates.filter(owner_id=filters.owner_id)
    if filters.stage or filters.requisition_id is not None:
        pipelines = Application.objects.filter(
            candidate=OuterRef("pk"), outcome=Application.Outcome.ACTIVE
        )
        if filters.stage:
            pipelines = pipelines.filter(stage=filters.stage)
        if filters.requisition_id is not None:
            pipelines = pipelines.filter(requisition_id=filters.requisition_id)
        candidates = candidates.filter(Exists(pipelines))
    if filters.quiet_days is not None:
        cutoff = _quiet_cutoff(filters.quiet_days, now)
        candidates = candidates.filter(
            Q(last_contacted_at__lt=cutoff)
            | Q(last_contacted_at__isnull=True, created_at__lt=cutoff)
        )
    if filters.opted_out is not None:
        candidates = candidates.filter(opted_out_at__isnull=not filters.opted_out)
    if filters.tag:
        candidates = candidates.filter(_tagged(filters.tag))
    return candidates


def _quiet_cutoff(days: int, now: datetime.datetime | None) -> datetime.datetime:
    """Not contacted since this moment (nor added since, if never contacted)."""
    return (now or timezone.now()) - datetime.timedelta(days=days)


def _tagged(name: str) -> Q:
    pk = _tag_id(name)
    if pk is None:
        return Q(pk__in=[])
    return Q(pk__in=Candidate.tags.through.objects.filter(tag_id=pk).values("candidate_id"))


def _tag_id(name: str) -> int | None:
    """The tag with this name. Its id is looked up first: the planner knows how many
    candidates carry each tag id, not how many carry a tag named so, and guessing thousands
    for a tag on twenty people it scanned the whole table."""
    return Tag.objects.filter(name__iexact=name).values_list("pk", flat=True).first()


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
class CandidatePage:
    rows: list[CandidateRow]
    sort: Sort
    # Exact up to COUNT_CAP; past it, `more_than` is True and `total` is the cap.
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


def candidate_count(candidates: QuerySet[Candidate]) -> tuple[int, bool]:
    """How many candidates match, and whether there are more than that (never counts past
    COUNT_CAP + 1 rows)."""
    cap = COUNT_CAP
    found = candidates.order_by()[: cap + 1].count()
    return min(found, cap), found > cap


def _selective(filters: CandidateFilters) -> bool:
    """Filters no sort index serves: the matches are found by their own indexes."""
    return bool(filters.query or filters.stage or filters.requisition_id or filters.tag)


# How a page of a search or pipeline filter is found (EXPLAIN ANALYZE at 1,000,000 candidates).
# Given a LIMIT, PostgreSQL likes to walk the sort's index and filter until a page is full,
# betting that matches are spread evenly through it. Search matches often are not: everyone
# called Kowalski sits together in name order, and the walk reads every name before K to reach
# them; a search that matches nobody reads the whole index. Collecting the matches through
# their own indexes and sorting them costs a few microseconds a match instead (9 ms for 2,000,
# 86 ms for 20,000). So, from the planner's estimate of the matches:
#
# - many (over NAME_CLUSTER_CAP, or FOUND_FIRST_CAP without a text search): walk, as they are
#   dense enough to fill a page soon ("m": 4,500 name-index entries; "mar": 11,000, 4 ms, an
#   index-only scan comparing the upper-cased columns that index holds);
# - fewer, for a text search sorted by name: walk at most WALK_WINDOW entries first, which
#   finds a page of anything common near where the page starts; if that falls short, collect;
# - few, or a search naming an email address: collect;
# - one requisition's pipeline with other filters or sorted otherwise than by name: collect.
#   Alone and sorted by name, a pipeline or a stage is read from the applications' index of
#   their candidates' names instead (_from_applications).


def _estimated_rows(candidates: QuerySet[Candidate] | _Match) -> int:
    """The planner's guess at how many rows match: one EXPLAIN, nothing executed."""
    if connection.vendor != "postgresql":
        return 0
    if isinstance(candidates, _Match):
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {candidates.ids()}", candidates.params)
            (text,) = cursor.fetchone()
    else:
        # The id alone: the estimate is the filters' (any select list gives the same), and
        # the ORM compiles one column rather than every one of the model's.
        text = candidates.order_by().values("pk").explain(format="json")
    if not text:
        # A filter that can match no one (a tag nobody has: pk IN ()) is never sent, so there
        # is no plan to read.
        return 0
    plan = json.loads(text) if isinstance(text, str) else text
    return int(plan[0]["Plan"]["Plan Rows"])


# A stage alone: the planner's guess at its active applications, which bound the candidates in
# it from above (a candidate may be at one stage for two roles). Planning this one-index read
# costs a tenth of planning the candidates' query with its semi-join (EXPLAIN on the bench data
# set: 0.15 against 0.4 to 2.6 ms, and no ORM query built), and the choice is the same: a stage
# of a few thousand is collected, a larger one walked. Other filters with it make the
# candidates' estimate the one to go by: a stage among one owner's candidates can be few.
STAGE_SIZE_SQL = (
    f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {Application._meta.db_table} "
    "WHERE outcome = %s AND stage = %s"
)


def _stage_size_estimate(stage: str) -> int:
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(STAGE_SIZE_SQL, [Application.Outcome.ACTIVE, stage])
        (plan,) = cursor.fetchone()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def _names_an_email(query: str) -> bool:
    """A word with an @ matches the start of an email address only, which names one person or
    a few: they are collected at once rather than after walking a window of the name index to
    look for them (5,000 entries read and a second query, for one row). The planner cannot
    tell: it guesses hundreds of matches for any search of the headline."""
    return "@" in query


def _walks_a_window(filters: CandidateFilters, sort: Sort) -> bool:
    """A text search alone, sorted by name: the name index covers everything it reads."""
    only_words = CandidateFilters(query=filters.query, sort=filters.sort)
    return (
        sort.covers_search
        and bool(filters.query)
        and not _is_phone_query(filters.query)
        and filters == only_words
    )


@dataclass
class _Found:
    """A page of ids with its cursors, and the count (and the rows) when finding the page gave
    them away."""

    seek: keyset.Seek
    total: int | None = None
    rows: list[CandidateRow] | None = None


# How a page is found (see the comment above).
WALK, WINDOW, COLLECT = "walk the sort's index", "walk a window, else collect", "collect first"


def _plan(
    candidates: QuerySet[Candidate] | _Match, filters: CandidateFilters, sort: Sort
) -> tuple[str, int | None]:
    """How to find the page, and the planner's estimate of the matches (None if not asked)."""
    if not _selective(filters):
        return WALK, None
    if filters.requisition_id is not None:
        return COLLECT, None
    if filters == CandidateFilters(stage=filters.stage, sort=filters.sort):
        estimate = _stage_size_estimate(filters.stage)
    else:
        estimate = _estimated_rows(candidates)
    if (
        _walks_a_window(filters, sort)
        and estimate <= NAME_CLUSTER_CAP
        and not _names_an_email(filters.query)
    ):
        return WINDOW, estimate
    return (COLLECT if estimate <= FOUND_FIRST_CAP else WALK), estimate


def _from_applications(filters: CandidateFilters, sort: Sort) -> bool:
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


def _page_from_applications(
    filters: CandidateFilters, sort: Sort, after: str, before: str
) -> _Found:
    if not (after or before):
        return _first_page_from_applications(filters, sort)
    applications = _named_applications(filters, sort)
    found = keyset.seek(
        applications,
        parts=sort.parts,
        descending=sort.descending,
        per_page=CANDIDATES_PER_PAGE,
        after=after,
        before=before,
    )
    for row in found.rows:
        row["pk"] = row[sort.key_names[-1]]
    return _Found(found, total=applications.order_by()[: COUNT_CAP + 1].count())


# _page_from_applications's first page, each way, with its count: one statement planned once
# per connection (by the ORM, two queries each planned on every visit). The LIMITs are written
# in: given as parameters, the generic plan would expect a tenth of a stage and read it all.
@functools.cache
def _first_page_from_applications_sql(
    column: str, descending: bool, limit: int, cap: int
) -> Prepared:
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
        SELECT size.n, page.candidate_id, page.candidate_last_name, page.candidate_first_name
        FROM (SELECT count(*) AS n FROM ({found} LIMIT {cap:d}) counted) size
        LEFT JOIN LATERAL ({found} ORDER BY {order} LIMIT {limit:d}) page ON true
        """,
        generic=True,
    )


def _first_page_from_applications(filters: CandidateFilters, sort: Sort) -> _Found:
    column, value = (
        ("stage", filters.stage) if filters.stage else ("requisition_id", filters.requisition_id)
    )
    statement = _first_page_from_applications_sql(
        column, sort.descending, CANDIDATES_PER_PAGE + 1, COUNT_CAP + 1
    )
    with connection.cursor() as cursor:
        statement.execute(cursor, {"value": value})
        read = cursor.fetchall()
    return _Found(_name_page([values[1:] for values in read], sort), total=read[0][0])


def _name_page(read: list[tuple], sort: Sort) -> keyset.Seek:
    """A first page of (id, last name, first name) rows read in the name sort's order."""
    rows = [
        {"pk": pk, "sort_key_0": last, "sort_key_1": first, "sort_key_2": pk}
        for pk, last, first in read
        if pk is not None
    ]
    return keyset.seek_page(
        rows, parts=sort.parts, per_page=CANDIDATES_PER_PAGE, backwards=False, from_boundary=False
    )


def _find_page(
    candidates: QuerySet[Candidate],
    plan: str,
    sort: Sort,
    after: str,
    before: str,
    filters: CandidateFilters,
) -> _Found:
    if plan == WINDOW:
        window = keyset.WalkLimit(sort.keyed(Candidate.objects.all(), indexed=True), WALK_WINDOW)
        found = _seek(candidates, sort, after, before, indexed=True, window=window)
        if found.full:
            return _Found(found)
        plan = COLLECT
    if plan == COLLECT:
        return _collected(candidates, sort, after, before)
    return _Found(_seek(candidates, sort, after, before, indexed=True))


def _seek(
    candidates: QuerySet[Candidate],
    sort: Sort,
    after: str,
    before: str,
    *,
    indexed: bool,
    window: keyset.WalkLimit | None = None,
    also: tuple[str, ...] = (),
) -> keyset.Seek:
    # Only the ids and keys: on the name index that is an index-only scan.
    keyed = sort.keyed(candidates, indexed=indexed).values("pk", *sort.key_names, *also)
    return keyset.seek(
        keyed,
        parts=sort.parts,
        descending=sort.descending,
        per_page=CANDIDATES_PER_PAGE,
        after=after,
        before=before,
        window=window,
    )


def _collected(candidates, sort: Sort, after: str, before: str) -> _Found:
    """The matches sorted outright. They are all read to be sorted, so the first page counts
    them in the same query."""
    first_page = not (after or before) or before == "end"
    if first_page:
        candidates = candidates.annotate(found=Window(Count("pk")))
    found = _seek(candidates, sort, after, before, indexed=False, also=("found",) * first_page)
    if not first_page:
        return _Found(found)
    return _Found(found, total=found.rows[0]["found"] if found.rows else 0)


def _how_many(
    found: _Found, estimate: int | None, count: Callable[[], tuple[int, bool]]
) -> tuple[int, bool]:
    """(total, more than that). A count already known is used; a planner's estimate far above
    COUNT_CAP says "more than 1,000" without reading thousands of rows to prove it."""
    if found.total is not None:
        return min(found.total, COUNT_CAP), found.total > COUNT_CAP
    if estimate is not None and estimate > COUNT_CAP * 10:
        return COUNT_CAP, True
    return count()


def candidate_list_page(
    *,
    filters: CandidateFilters,
    after: str = "",
    before: str = "",
    now: datetime.datetime | None = None,
) -> CandidatePage:
    sort = SORTS.get(filters.sort, SORTS[DEFAULT_SORT])
    if _walks_a_window(filters, sort) and name_prefixes.serves(filters.query):
        seek, found = name_prefixes.page(
            filters.query,
            sort=sort,
            after=after,
            before=before,
            per_page=CANDIDATES_PER_PAGE,
            cap=COUNT_CAP + 1,
        )
        return _page(_Found(seek), sort, min(found, COUNT_CAP), found > COUNT_CAP)
    if _walks_unnarrowed(filters):
        found = _walked(filters, sort, after, before, now)
        total, more_than = min(found.total, COUNT_CAP), found.total > COUNT_CAP
        return _page(found, sort, total, more_than)
    if _from_applications(filters, sort):
        found = _page_from_applications(filters, sort, after, before)
        return _page(found, sort, min(found.total, COUNT_CAP), found.total > COUNT_CAP)
    if connection.vendor == "postgresql":
        return _searched(filters, sort, after, before, now)
    # Elsewhere, the same found by the ORM's queries.
    candidates = candidate_search(filters=filters, now=now)
    plan, estimate = _plan(candidates, filters, sort)
    found = _find_page(candidates, plan, sort, after, before, filters)
    total, more_than = _how_many(found, estimate, lambda: candidate_count(candidates))
    return _page(found, sort, total, more_than)


def _page(found: _Found, sort: Sort, total: int, more_than: bool) -> CandidatePage:
    rows = found.rows if found.rows is not None else _rows([row["pk"] for row in found.seek.rows])
    return CandidatePage(
        rows=rows,
        sort=sort,
        total=total,
        more_than=more_than,
        next_cursor=found.seek.next_cursor,
        previous_cursor=found.seek.previous_cursor,
    )


# ---------------------------------------------------------------------------------------------
# A search or a filter no sort index serves, as written SQL (PostgreSQL)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Match:
    """candidate_search's conditions written as SQL over the candidates as `c`, with their
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


def _match(filters: CandidateFilters, now: datetime.datetime | None) -> _Match | None:
    """candidate_search's filters as a _Match; None when a tag filter names a tag nobody has,
    which matches no one."""
    conditions, params, walks_alike = [], {"separator": TAG_SEPARATOR}, True
    query = filters.query.strip()
    if query and _is_phone_query(query):
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
        params["tag"] = _tag_id(filters.tag)
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
        params["cutoff"] = _quiet_cutoff(filters.quiet_days, now)
    if (filters.owner_id, filters.quiet_days, filters.opted_out) != (None, None, None):
        conditions.append(
            _unnarrowed_where(
                owner=filters.owner_id is not None,
                quiet=filters.quiet_days is not None,
                opted_out=filters.opted_out,
            ).removeprefix("true AND ")
        )
    return _Match(" AND ".join(conditions) or "true", params, walks_alike)


TAGGED = Candidate.tags.through._meta.db_table


def _like(value: str) -> str:
    return connection.ops.prep_for_like_query(value)


def _phone_sql(query: str, params: dict) -> str:
    """_phone_match as SQL."""
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
    """_tag_words as SQL: for each word that is a tag's name, "has that tag"."""
    conditions: dict[str, list[str]] = {}
    for n, (pk, name, ids) in enumerate(_tags_named(words)):
        if len(ids) <= TAGGED_IDS_CAP:
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
    """_words_match's condition for one word, as SQL."""
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


def _searched(
    filters: CandidateFilters,
    sort: Sort,
    after: str,
    before: str,
    now: datetime.datetime | None,
) -> CandidatePage:
    """candidate_list_page's general search: planned (_plan), found (_find_page) and counted
    (_how_many) as with the ORM, each statement written once per shape."""
    match = _match(filters, now)
    if match is None:
        return _page(_Found(keyset.Seek([]), rows=[]), sort, 0, False)
    plan, estimate = _plan(match, filters, sort)
    found = _found(match, plan, sort, after, before)
    total, more_than = _how_many(found, estimate, lambda: _capped_count(match))
    return _page(found, sort, total, more_than)


def _found(match: _Match, plan: str, sort: Sort, after: str, before: str) -> _Found:
    """_find_page's page, with its rows."""
    if plan == WINDOW:
        found = _sought(match, sort, after, before, window=True)
        if found.seek.full:
            return found
        plan = COLLECT
    return _sought(match, sort, after, before, collect=plan == COLLECT)


def _sought(
    match: _Match,
    sort: Sort,
    after: str,
    before: str,
    *,
    window: bool = False,
    collect: bool = False,
) -> _Found:
    """keyset.seek's page of the matches, read with its rows by one statement: walking the
    sort's index (within WALK_WINDOW entries of the boundary, with `window`), or with the
    matches collected and sorted outright (`collect`), then counted on a first page as
    _collected counts them."""
    backwards = bool(before)
    boundary = keyset.cursor_decode(before or after, sort.parts) if (before or after) else None
    counted = collect and (not (after or before) or before == "end")
    sql = _page_sql(
        match.where,
        sort.param.lstrip("-"),
        reading_down=sort.descending != backwards,
        from_boundary=boundary is not None,
        window=WALK_WINDOW if window else 0,
        collect=collect,
        counted=counted,
        limit=CANDIDATES_PER_PAGE + 1,
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
        dict(zip(names, values[:width], strict=True), row=_row(values[width + 1 :]))
        for values in read
    ]
    seek = keyset.seek_page(
        found,
        parts=sort.parts,
        per_page=CANDIDATES_PER_PAGE,
        backwards=backwards,
        from_boundary=boundary is not None,
    )
    total = (read[0][width] if read else 0) if counted else None
    return _Found(seek, total=total, rows=[row["row"] for row in seek.rows])


# The page of a search, with its rows: the statement keyset.seek would have the ORM build for
# it (_seek), the walk window's edge (keyset._within) and the first page's count
# (_collected) written in, and the rows joined as in _walk_sql.
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


def _capped_count(match: _Match) -> tuple[int, bool]:
    """candidate_count of the matches."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM ({match.ids()} LIMIT {COUNT_CAP + 1:d}) counted", match.params
        )
        (found,) = cursor.fetchone()
    return min(found, COUNT_CAP), found > COUNT_CAP


def _walks_unnarrowed(filters: CandidateFilters) -> bool:
    """Only filters the sort's index walk serves (owner, quiet, opted out), on PostgreSQL."""
    return not _selective(filters) and connection.vendor == "postgresql"


def _walked(
    filters: CandidateFilters,
    sort: Sort,
    after: str,
    before: str,
    now: datetime.datetime | None,
) -> _Found:
    """keyset.seek's page of a walk of the sort's index, with its capped count and its rows,
    read by one statement (_walk_sql)."""
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
        limit=CANDIDATES_PER_PAGE + 1,
        cap=COUNT_CAP + 1,
    )
    params = {"separator": TAG_SEPARATOR}
    if filters.owner_id is not None:
        params["owner"] = filters.owner_id
    if filters.quiet_days is not None:
        params["cutoff"] = _quiet_cutoff(filters.quiet_days, now)
    params.update((f"key_{n}", value) for n, value in enumerate(boundary or ()))
    with connection.cursor() as cursor:
        statement.execute(cursor, params)
        read = cursor.fetchall()
    names = sort.key_names
    width = len(names)
    found = [
        dict(zip(names, values[1 : width + 1], strict=True), row=_row(values[width + 1 :]))
        for values in read
        if values[width] is not None
    ]
    seek = keyset.seek_page(
        found,
        parts=sort.parts,
        per_page=CANDIDATES_PER_PAGE,
        backwards=backwards,
        from_boundary=boundary is not None,
    )
    return _Found(seek, total=read[0][0], rows=[row["row"] for row in seek.rows])


# A page of a walk of the sort's index (owner, quiet and opted out filter it as it goes), its
# capped count and its rows, in one statement planned once per connection for each shape (the
# sort's keys, which way, from a cursor or not, which filters). Built with the ORM, the page's
# query and the count's cost more Python on every visit than PostgreSQL spent running them,
# and the rows were a third statement. The LIMITs are written in, as in
# _first_page_from_applications_sql; each shape's generic plan walks the sort's index.
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
        LEFT JOIN {table} c ON c.id = page.{named[-1]}
        LEFT JOIN {User._meta.db_table} o ON o.id = c.owner_id
        ORDER BY {", ".join(f"page.{name} {direction}" for name in named)}
        """,
        generic=True,
    )


def _unnarrowed_where(*, owner: bool, quiet: bool, opted_out: bool | None) -> str:
    """candidate_search's owner, quiet and opted-out conditions, as SQL over `c`."""
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
ROWS_SQL = Prepared(
    "candidate_list_rows",
    f"""
    SELECT {ROW_COLUMNS}
    FROM {Candidate._meta.db_table} c
    JOIN {User._meta.db_table} o ON o.id = c.owner_id
    WHERE c.id = ANY(%(ids)s)
""",
)


def _rows(ids: list[int]) -> list[CandidateRow]:
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
    return [_row(found[pk]) for pk in ids if pk in found]


def _row(values: tuple) -> CandidateRow:
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
