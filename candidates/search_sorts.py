"""The candidate list's sorts: name, last contacted and added, each way, and each sort's keys
as its index holds them, for the ORM's queries and as SQL for the written statements.

Apart from the search (search.py) because every way of finding a page reads them: the ORM's
keyset queries, the written statements (search_statements.py), the pipelines' applications
(search_pipelines.py) and the form that offers them (forms.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Expression, F, QuerySet, Value
from django.db.models.functions import Coalesce, Concat, Greatest

from candidates.keyset import KeyPart
from candidates.models import NEVER_CONTACTED, contacted_sort_key


@dataclass(frozen=True)
class SortKey:
    kind: type  # str, int or datetime: how the key travels in a cursor
    indexed: Callable[[], Expression]  # the value as the sort's index holds it
    # The same value written so that no index serves it; see search._collected.
    unindexed: Callable[[], Expression]
    # `indexed` and `unindexed` written as SQL over the candidates' table as `c`, for the
    # written statements (search_statements.py).
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
