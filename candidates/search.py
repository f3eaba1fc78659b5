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
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, Expression, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Concat, Greatest, Reverse
from django.utils import timezone

from candidates import keyset
from candidates.keyset import KeyPart
from candidates.models import (
    NEVER_CONTACTED,
    Application,
    Candidate,
    Tag,
    contacted_sort_key,
)
from candidates.selectors import CANDIDATES_PER_PAGE, phone_digits, tag_names, with_tag_names

# Counting stops here: "more than 1,000" costs a thousand index entries, an exact count of a
# million-row table a scan of all of it.
COUNT_CAP = 1000
# Up to this many matches of a search or pipeline filter are collected and sorted outright
# rather than found by walking the sort's index (see candidate_list_page).
FOUND_FIRST_CAP = 20_000
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


LAST_NAME = SortKey(str, lambda: F("last_name"), lambda: Concat(F("last_name"), Value("")))
FIRST_NAME = SortKey(str, lambda: F("first_name"), lambda: F("first_name"))
ID = SortKey(int, lambda: F("id"), lambda: F("id"))
SILENCE = SortKey(
    datetime.datetime,
    contacted_sort_key,
    # Never earlier than NEVER_CONTACTED, so GREATEST changes nothing but the expression.
    lambda: Greatest(contacted_sort_key(), Value(NEVER_CONTACTED)),
)
ADDED = SortKey(
    datetime.datetime,
    lambda: F("created_at"),
    lambda: Coalesce(F("created_at"), Value(NEVER_CONTACTED)),
)


@dataclass(frozen=True)
class Sort:
    param: str
    label: str
    keys: tuple[SortKey, ...]
    descending: bool

    @property
    def parts(self) -> tuple[KeyPart, ...]:
        return tuple(KeyPart(f"sort_key_{n}", key.kind) for n, key in enumerate(self.keys))

    def keyed(self, candidates: QuerySet, *, indexed: bool) -> QuerySet:
        return candidates.annotate(
            **{
                part.name: key.indexed() if indexed else key.unindexed()
                for part, key in zip(self.parts, self.keys, strict=True)
            }
        )


# Each sort is served by one index ending in the id (candidates/models.py), in both directions.
SORTS = {
    sort.param: sort
    for sort in (
        Sort("name", "Name, A to Z", (LAST_NAME, FIRST_NAME, ID), descending=False),
        Sort("-name", "Name, Z to A", (LAST_NAME, FIRST_NAME, ID), descending=True),
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
    tags = Tag.objects.filter(
        Q.create([("name__iexact", word) for word in words], connector=Q.OR)
    ).values_list("pk", "name")
    conditions: dict[str, Q] = {}
    tagged = Candidate.tags.through.objects
    for pk, name in tags:
        ids = list(
            tagged.filter(tag_id=pk).values_list("candidate_id", flat=True)[: TAGGED_IDS_CAP + 1]
        )
        if len(ids) <= TAGGED_IDS_CAP:
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
    """The candidates the filters select, in no order (the page puts them in one)."""
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
        cutoff = (now or timezone.now()) - datetime.timedelta(days=filters.quiet_days)
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
    """Has the tag with this name. Its id is looked up first: the planner knows how many
    candidates carry each tag id, not how many carry a tag named so, and guessing thousands
    for a tag on twenty people it scanned the whole table."""
    pk = Tag.objects.filter(name__iexact=name).values_list("pk", flat=True).first()
    if pk is None:
        return Q(pk__in=[])
    return Q(pk__in=Candidate.tags.through.objects.filter(tag_id=pk).values("candidate_id"))


@dataclass
class CandidatePage:
    rows: list[Candidate]
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


# Given a LIMIT, PostgreSQL likes to walk the sort's index and filter until a page is full,
# betting that matches are spread evenly through it. Search matches often are not: everyone
# called Kowalski sits together in name order, and the walk reads every name before K to reach
# them (800 ms at 300,000 candidates); a search that matches nobody reads the whole index. So
# when a search or pipeline filter matches few enough (counted up to COUNT_CAP, else as the
# planner estimates), the sort keys are written so that no index serves them: the planner then
# collects the matches through the search indexes and sorts just those. Many matches are dense
# enough for the walk to fill a page at once.


def _estimated_rows(candidates: QuerySet[Candidate]) -> int:
    """The planner's guess at how many rows match: one EXPLAIN, nothing executed."""
    if connection.vendor != "postgresql":
        return 0
    plan = json.loads(candidates.order_by().explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


def _how_many(candidates: QuerySet[Candidate], filters: CandidateFilters) -> tuple[int, bool, bool]:
    """(total, more than that, collect the matches first) for the list's filters.

    A search or pipeline filter is estimated first. When the planner expects far more than
    COUNT_CAP matches, counting them would read thousands of rows to say what the estimate
    already says: "more than 1,000". Matches are collected first when they are few (counted),
    when they are one requisition's pipeline, or, for a text search, when they may be clustered
    in name order but are not so many that sorting them costs more than the walk
    (FOUND_FIRST_CAP).
    """
    if not _selective(filters):
        total, more_than = candidate_count(candidates)
        return total, more_than, False
    estimate = _estimated_rows(candidates)
    if estimate > COUNT_CAP * 10:
        total, more_than = COUNT_CAP, True
    else:
        total, more_than = candidate_count(candidates)
    # One requisition's pipeline is found through its own index, however large it is; a stage
    # across every requisition is spread through name order and walking finds a page at once.
    collect = (
        not more_than
        or filters.requisition_id is not None
        or (bool(filters.query) and estimate <= FOUND_FIRST_CAP)
    )
    return total, more_than, collect


def candidate_list_page(
    *,
    filters: CandidateFilters,
    after: str = "",
    before: str = "",
    now: datetime.datetime | None = None,
) -> CandidatePage:
    sort = SORTS.get(filters.sort, SORTS[DEFAULT_SORT])
    candidates = candidate_search(filters=filters, now=now)
    total, more_than, found_first = _how_many(candidates, filters)
    page = keyset.seek(
        with_tag_names(sort.keyed(candidates, indexed=not found_first).select_related("owner")),
        parts=sort.parts,
        descending=sort.descending,
        per_page=CANDIDATES_PER_PAGE,
        after=after,
        before=before,
    )
    for candidate in page.rows:
        candidate.tag_list = tag_names(candidate)
    return CandidatePage(
        rows=page.rows,
        sort=sort,
        total=total,
        more_than=more_than,
        next_cursor=page.next_cursor,
        previous_cursor=page.previous_cursor,
    )
