"""The table of name prefixes (migration 0019, candidates/name_prefixes.py): PostgreSQL keeps
it true whoever writes the candidates, and a search of one short word read from it finds the
same page, cursors and count as the general search."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from candidates import imports, name_prefixes, search
from candidates.models import Candidate
from candidates.search import CandidateFilters, candidate_list_page
from candidates.search_pages import candidate_rows
from tests.candidates.factories import CandidateFactory, TagFactory
from tests.candidates.import_helpers import make_import, person

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the table and its trigger are PostgreSQL's"
    ),
]


def stored() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT prefix, last_name, first_name, candidate_id FROM candidates_name_prefix"
        )
        return set(cursor.fetchall())


def expected() -> set[tuple]:
    """What a search word of one to three letters matches, by candidates/search.py's rules."""
    rows = set()
    for c in Candidate.objects.all():
        names = [c.first_name.upper(), c.last_name.upper(), c.email.upper()]
        prefixes = {name[:n] for name in names for n in (1, 2, 3) if len(name) >= n}
        prefixes |= {word[:3] for word in c.headline.upper().split(" ") if len(word) >= 3}
        rows |= {(prefix, c.last_name, c.first_name, c.pk) for prefix in prefixes}
    return rows


def test_the_table_follows_each_candidate_created_changed_and_deleted():
    ann = CandidateFactory(
        first_name="Ann", last_name="Lee", email="al@x.example", headline="Go  dev at  Acme"
    )
    CandidateFactory(first_name="Jo", last_name="Marr", email="", headline="")
    assert stored() == expected()
    assert ("ACM", "Lee", "Ann", ann.pk) in stored()
    assert not any(row[0] == "GO" for row in stored()), "a headline word needs three letters"

    Candidate.objects.filter(pk=ann.pk).update(last_name="Zed")
    assert stored() == expected()
    Candidate.objects.filter(pk=ann.pk).update(email="ZZ@x.example", headline="Marine biologist")
    assert stored() == expected()
    ann.refresh_from_db()
    ann.first_name = "Anya"
    ann.save()
    assert stored() == expected()

    ann.delete()
    assert stored() == expected()
    assert {row[3] for row in stored()} != {ann.pk}


def test_an_import_written_by_copy_fills_the_table(recruiter):
    candidate_import = make_import(
        recruiter, [person(1, Title="Backend engineer"), person(2, Email="")]
    )

    imports.candidate_import_confirm(candidate_import=candidate_import, by=recruiter)

    assert Candidate.objects.count() == 2
    assert stored() == expected()


def general_path(monkeypatch):
    monkeypatch.setattr(name_prefixes, "serves", lambda query: False)


def walk(filters: CandidateFilters) -> list[tuple]:
    """Each page's rows (all that the list shows of each), count and cursors: forward to the
    end, one step back, the last page."""
    seen = []

    def visit(after: str = "", before: str = ""):
        page = candidate_list_page(filters=filters, after=after, before=before)
        seen.append((after, before, page.rows, page.total, page.more_than, page.next_cursor))
        seen.append(page.previous_cursor)
        return page

    page = visit()
    while page.has_next:
        page = visit(after=page.next_cursor)
    if page.has_previous:
        visit(before=page.previous_cursor)
    visit(before="end")
    return seen


@pytest.fixture
def people():
    """Names a stale or wrong table would misplace: namesakes the id orders, a match by email
    or headline only, words after two spaces, a renamed person, a deleted one, tags named by a
    short word carried by people nothing else matches."""
    for n in range(4):
        CandidateFactory(first_name="Mar", last_name="Same", email=f"s{n}@x.example")
    CandidateFactory(first_name="Ada", last_name="Byron", email="mar.ada@x.example")
    CandidateFactory(first_name="Li", last_name="Wu", headline="Senior  marine engineer")
    CandidateFactory(first_name="Bo", last_name="Ek", headline="Marketing lead")
    CandidateFactory(first_name="Ma", last_name="Ma", email="")
    renamed = CandidateFactory(first_name="Mark", last_name="Old")
    Candidate.objects.filter(pk=renamed.pk).update(first_name="Tom", last_name="Moore")
    CandidateFactory(first_name="Mary", last_name="Gone").delete()
    tagged = CandidateFactory(first_name="Zoe", last_name="Quinn", email="zq@x.example")
    tagged.tags.add(TagFactory(name="MA"))
    both = CandidateFactory(first_name="Marta", last_name="Zed")
    both.tags.add(TagFactory(name="mar"))
    tagged.tags.add(TagFactory(name="Mar!"))


@pytest.mark.parametrize("sort", ["name", "-name"])
@pytest.mark.parametrize("query", ["m", "MA", "mar", "ma ", "mari", "z", "q", "xyz", "ar", "mar!"])
@pytest.mark.parametrize("cap", [3, 1000])
def test_a_short_word_finds_what_the_general_search_finds(people, monkeypatch, sort, query, cap):
    monkeypatch.setattr(search, "CANDIDATES_PER_PAGE", 2)
    monkeypatch.setattr(search, "COUNT_CAP", cap)
    filters = CandidateFilters(query=query, sort=sort)
    from_prefixes = walk(filters)

    general_path(monkeypatch)

    assert from_prefixes == walk(filters)


def test_a_short_word_is_one_statement_with_its_rows(people):
    with CaptureQueriesContext(connection) as queries:
        page = candidate_list_page(filters=CandidateFilters(query="mar"))

    assert len(queries) == 1
    # PREPARE ... FROM candidates_name_prefix ... on the connection's first visit, EXECUTE after.
    assert "candidate_list_prefix_" in queries[0]["sql"]
    assert [row.name for row in page.rows][:2] == ["Ada Byron", "Bo Ek"]
    assert page.rows == candidate_rows([row.pk for row in page.rows])
    assert page.rows[-1].tag_list == ["mar"]


@pytest.mark.parametrize(
    "filters",
    [
        CandidateFilters(query="mar ada"),
        CandidateFilters(query="mark"),
        CandidateFilters(query="mar", sort="-added"),
        CandidateFilters(query="mar", opted_out=False),
        CandidateFilters(query="555"),
    ],
    ids=["two-words", "four-letters", "another-sort", "another-filter", "phone"],
)
def test_other_searches_take_the_general_path(people, filters):
    with CaptureQueriesContext(connection) as queries:
        candidate_list_page(filters=filters)

    assert not any("candidates_name_prefix" in query["sql"] for query in queries)
