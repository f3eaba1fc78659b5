"""The candidate list: find people the way recruiters look for them, in pages that cost the
same on page 1 and on page 20,000 of a million candidates.

- Search: every word must match the start of a first name, last name or email address, the
  start of a headline word, or a tag's name; a query of digits is a phone number, however it
  is formatted. Each of these has an index (migrations 0003, 0006, 0008).
- Filters: owner, stage and requisition (through active applications), not contacted for N
  days, opted out, tag.
- Sorts: name, last contacted, added, each way, each served by an index ending in the id, so a
  page is a keyset range scan (keyset.py). Counts stop at COUNT_CAP: "more than 1,000".

This module holds the entry points (candidate_list_page, candidate_search) and decides how a
page is found (_plan); the list's other parts live beside it, each for one concern:
search_filters.py (what was asked, and how a search's words are read), search_sorts.py,
search_pages.py (the page and its rows), search_statements.py (the page read by SQL written
once per shape, on PostgreSQL), search_pipelines.py and name_prefixes.py (pages read from
indexes of their own).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Window
from django.db.models.functions import Reverse

from candidates import keyset, name_prefixes, search_pipelines, search_statements
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
    WALK,
    WINDOW,
    CandidatePage,
    CandidateRow,
    Found,
    candidate_rows,
)
from candidates.search_sorts import DEFAULT_SORT, SORTS, Sort
from candidates.selectors import CANDIDATES_PER_PAGE, phone_digits

# What other modules read of the list; the rest is the search's own.
__all__ = [
    "COUNT_CAP",
    "DEFAULT_SORT",
    "SORTS",
    "CandidateFilters",
    "CandidatePage",
    "CandidateRow",
    "candidate_count",
    "candidate_list_page",
    "candidate_search",
]

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
    for pk, name, ids in tags_named(words):
        if ids is not None:
            condition = Q(pk__in=ids)
        else:
            condition = Q(pk__in=tagged.filter(tag_id=pk).values("candidate_id"))
        conditions[name.lower()] = conditions.get(name.lower(), Q(pk__in=[])) | condition
    return conditions


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
    query, which the list runs elsewhere than on PostgreSQL (there, search_statements.match
    writes the same conditions as SQL)."""
    candidates = Candidate.objects.all()
    query = filters.query.strip()
    if query and is_phone_query(query):
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
        cutoff = quiet_cutoff(filters.quiet_days, now)
        candidates = candidates.filter(
            Q(last_contacted_at__lt=cutoff)
            | Q(last_contacted_at__isnull=True, created_at__lt=cutoff)
        )
    if filters.opted_out is not None:
        candidates = candidates.filter(opted_out_at__isnull=not filters.opted_out)
    if filters.tag:
        candidates = candidates.filter(_tagged(filters.tag))
    return candidates


def _tagged(name: str) -> Q:
    pk = tag_id(name)
    if pk is None:
        return Q(pk__in=[])
    return Q(pk__in=Candidate.tags.through.objects.filter(tag_id=pk).values("candidate_id"))


def candidate_count(candidates: QuerySet[Candidate]) -> tuple[int, bool]:
    """How many candidates match, and whether there are more than that (never counts past
    COUNT_CAP + 1 rows)."""
    return _capped(candidates.order_by()[: COUNT_CAP + 1].count())


def _capped(found: int) -> tuple[int, bool]:
    """The total shown for `found` rows counted up to COUNT_CAP + 1, and whether it is "more
    than" that."""
    return min(found, COUNT_CAP), found > COUNT_CAP


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
#   their candidates' names instead (search_pipelines.py).


def _estimated_rows(candidates: QuerySet[Candidate] | search_statements.Match) -> int:
    """The planner's guess at how many rows match: one EXPLAIN, nothing executed."""
    if connection.vendor != "postgresql":
        return 0
    if isinstance(candidates, search_statements.Match):
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
        and not is_phone_query(filters.query)
        and filters == only_words
    )


def _plan(
    candidates: QuerySet[Candidate] | search_statements.Match, filters: CandidateFilters, sort: Sort
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


def _find_page(
    candidates: QuerySet[Candidate],
    plan: str,
    sort: Sort,
    after: str,
    before: str,
    filters: CandidateFilters,
) -> Found:
    if plan == WINDOW:
        window = keyset.WalkLimit(sort.keyed(Candidate.objects.all(), indexed=True), WALK_WINDOW)
        found = _seek(candidates, sort, after, before, indexed=True, window=window)
        if found.full:
            return Found(found)
        plan = COLLECT
    if plan == COLLECT:
        return _collected(candidates, sort, after, before)
    return Found(_seek(candidates, sort, after, before, indexed=True))


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


def _collected(candidates, sort: Sort, after: str, before: str) -> Found:
    """The matches sorted outright. They are all read to be sorted, so the first page counts
    them in the same query."""
    first_page = not (after or before) or before == "end"
    if first_page:
        candidates = candidates.annotate(found=Window(Count("pk")))
    found = _seek(candidates, sort, after, before, indexed=False, also=("found",) * first_page)
    if not first_page:
        return Found(found)
    return Found(found, total=found.rows[0]["found"] if found.rows else 0)


def _how_many(
    found: Found, estimate: int | None, count: Callable[[], tuple[int, bool]]
) -> tuple[int, bool]:
    """(total, more than that). A count already known is used; a planner's estimate far above
    COUNT_CAP says "more than 1,000" without reading thousands of rows to prove it."""
    if found.total is not None:
        return _capped(found.total)
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
        found = name_prefixes.page(
            filters.query,
            sort=sort,
            after=after,
            before=before,
            per_page=CANDIDATES_PER_PAGE,
            cap=COUNT_CAP + 1,
        )
        return _page(found, sort, *_capped(found.total))
    if _walks_unnarrowed(filters):
        found = search_statements.walked(
            filters, sort, after, before, now, per_page=CANDIDATES_PER_PAGE, cap=COUNT_CAP + 1
        )
        return _page(found, sort, *_capped(found.total))
    if search_pipelines.serves(filters, sort):
        found = search_pipelines.page(
            filters, sort, after, before, per_page=CANDIDATES_PER_PAGE, cap=COUNT_CAP + 1
        )
        return _page(found, sort, *_capped(found.total))
    if connection.vendor == "postgresql":
        return _searched(filters, sort, after, before, now)
    # Elsewhere, the same found by the ORM's queries.
    candidates = candidate_search(filters=filters, now=now)
    plan, estimate = _plan(candidates, filters, sort)
    found = _find_page(candidates, plan, sort, after, before, filters)
    total, more_than = _how_many(found, estimate, lambda: candidate_count(candidates))
    return _page(found, sort, total, more_than)


def _page(found: Found, sort: Sort, total: int, more_than: bool) -> CandidatePage:
    if found.rows is not None:
        rows = found.rows
    else:
        rows = candidate_rows([row["pk"] for row in found.seek.rows])
    return CandidatePage(
        rows=rows,
        sort=sort,
        total=total,
        more_than=more_than,
        next_cursor=found.seek.next_cursor,
        previous_cursor=found.seek.previous_cursor,
    )


def _searched(
    filters: CandidateFilters,
    sort: Sort,
    after: str,
    before: str,
    now: datetime.datetime | None,
) -> CandidatePage:
    """candidate_list_page's general search: planned (_plan), found (_find_page) and counted
    (_how_many) as with the ORM, each statement written once per shape."""
    match = search_statements.match(filters, now)
    if match is None:
        return _page(Found(keyset.Seek([]), rows=[]), sort, 0, False)
    plan, estimate = _plan(match, filters, sort)
    found = search_statements.find_page(
        match, plan, sort, after, before, per_page=CANDIDATES_PER_PAGE, window=WALK_WINDOW
    )
    total, more_than = _how_many(
        found,
        estimate,
        lambda: _capped(search_statements.capped_count(match, cap=COUNT_CAP + 1)),
    )
    return _page(found, sort, total, more_than)


def _walks_unnarrowed(filters: CandidateFilters) -> bool:
    """Only filters the sort's index walk serves (owner, quiet, opted out), on PostgreSQL."""
    return not _selective(filters) and connection.vendor == "postgresql"
