"""What the recruiter asks the candidate list for (CandidateFilters), and how a search's words
are read: a phone number or words, the tags the words name, the moment "quiet" starts.

Apart from the search (search.py) because both ways of writing its conditions read them the
same way: the ORM's query (search.candidate_search) and the written statements
(search_statements.py), which search.py chooses between.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from candidates.models import Candidate, Tag
from candidates.search_sorts import DEFAULT_SORT
from candidates.selectors import phone_digits
from recruitcrm.joined_rows import Prepared

# A tag named in a search is looked up by its candidates' ids while it has at most this many;
# a list of ids keeps the search one index scan (see search._tag_words).
TAGGED_IDS_CAP = 500
SEARCH_WORDS = 5
HEADLINE_WORD_MIN = 3
# Digits and the marks people put between them; nothing else.
PHONE_QUERY = re.compile(r"\+?[\d\s().\-/]+")
PHONE_QUERY_MIN_DIGITS = 3


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


def is_phone_query(query: str) -> bool:
    return bool(PHONE_QUERY.fullmatch(query)) and (
        len(phone_digits(query)) >= PHONE_QUERY_MIN_DIGITS
    )


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


def tags_named(words: list[str]) -> list[tuple[int, str, list[int] | None]]:
    """(id, name, its candidates' ids) of each tag whose name is one of the words, in any case;
    None for the ids of a tag on more than TAGGED_IDS_CAP candidates."""
    return [
        (pk, name, ids if len(ids) <= TAGGED_IDS_CAP else None)
        for pk, name, ids in _tags_with_some_ids(words, TAGGED_IDS_CAP + 1)
    ]


def _tags_with_some_ids(words: list[str], limit: int) -> list[tuple[int, str, list[int]]]:
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


def quiet_cutoff(days: int, now: datetime.datetime | None) -> datetime.datetime:
    """Not contacted since this moment (nor added since, if never contacted)."""
    return (now or timezone.now()) - datetime.timedelta(days=days)


def tag_id(name: str) -> int | None:
    """The tag with this name. Its id is looked up first: the planner knows how many
    candidates carry each tag id, not how many carry a tag named so, and guessing thousands
    for a tag on twenty people it scanned the whole table."""
    return Tag.objects.filter(name__iexact=name).values_list("pk", flat=True).first()
