"""The candidate list's reads (search.py): search, filters, sorts and keyset pages; and
the duplicates a new candidate is checked against (selectors.py)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from candidates import (
    name_prefixes,
    search,
    search_filters,
    search_pages,
    search_statements,
    selectors,
)
from candidates.models import Application, Tag
from candidates.search import CandidateFilters, candidate_list_page
from candidates.search_pages import candidate_rows
from tests.candidates.factories import (
    ActivityFactory,
    ApplicationFactory,
    CandidateFactory,
    PlacementFactory,
    TagFactory,
)
from tests.hiring_leaders.factories import HiringLeaderFactory, RequisitionFactory

pytestmark = pytest.mark.django_db


def names(page) -> list[str]:
    return [candidate.name for candidate in page.rows]


def found(**filters) -> set[str]:
    return set(names(candidate_list_page(filters=CandidateFilters(**filters))))


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES_PER_PAGE", 3)


@pytest.fixture(params=[search.WALK, search.WINDOW, search.COLLECT, "name prefixes"])
def either_plan(request, monkeypatch):
    """Run a test every way the list can fetch a selective search (see search._plan), and
    from the table of name prefixes where it serves (one short word; name_prefixes.py)."""
    if request.param == "name prefixes":
        yield request.param
        return
    monkeypatch.setattr(name_prefixes, "serves", lambda query: False)
    real = search._plan
    decided = []

    def forced(candidates, filters, sort):
        _, estimate = real(candidates, filters, sort)
        decided.append(request.param)
        return request.param, estimate

    monkeypatch.setattr(search, "_plan", forced)
    yield request.param
    assert decided, "the list did not ask how to fetch the matches"


# ---------- search ----------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ann", {"Annabel Smithers"}),
        ("SMITH", {"Annabel Smithers"}),
        ("ann.s@", {"Annabel Smithers"}),
        ("mith", set()),
        ("back", {"Annabel Smithers"}),
        ("engineer", {"Annabel Smithers", "Boris Jones"}),
        ("gineer", set()),
        ("ba", set()),
        ("annabel engineer", {"Annabel Smithers"}),
        ("boris backend", set()),
        ("python", {"Boris Jones"}),
        ("PYTHON", {"Boris Jones"}),
        ("pyth", set()),
    ],
    ids=[
        "first-name-prefix",
        "last-name-any-case",
        "email-prefix",
        "not-mid-name",
        "headline-word-start",
        "headline-second-word",
        "not-mid-word",
        "headline-needs-three-letters",
        "every-word-must-match",
        "words-on-different-people",
        "tag-name",
        "tag-any-case",
        "tag-whole-name-only",
    ],
)
def test_search_finds_people_the_way_recruiters_look_for_them(either_plan, query, expected):
    CandidateFactory(
        first_name="Annabel",
        last_name="Smithers",
        email="ann.s@mail.example",
        headline="Backend Engineer at Kestrel",
    )
    boris = CandidateFactory(
        first_name="Boris", last_name="Jones", email="bj@mail.example", headline="Data Engineer"
    )
    boris.tags.add(TagFactory(name="Python"))
    CandidateFactory(first_name="Chen", last_name="Wei", headline="Sales lead")

    assert found(query=query) == expected


@pytest.mark.parametrize("cap", [0, 1, 5])
def test_a_tag_named_in_a_search_finds_its_people_however_many_carry_it(
    either_plan, monkeypatch, cap
):
    """A tag on few people is looked up as their ids, on many as a subquery (TAGGED_IDS_CAP)."""
    monkeypatch.setattr(search_filters, "TAGGED_IDS_CAP", cap)
    remote, senior = TagFactory(name="Remote"), TagFactory(name="senior")
    for first_name in ("Ann", "Bo", "Cy"):
        CandidateFactory(first_name=first_name, last_name="Tagged").tags.add(remote)
    CandidateFactory(first_name="Dan", last_name="Tagged").tags.add(remote, senior)
    CandidateFactory(first_name="Eve", last_name="Untagged")

    assert found(query="REMOTE") == {"Ann Tagged", "Bo Tagged", "Cy Tagged", "Dan Tagged"}
    assert found(query="remote Senior") == {"Dan Tagged"}
    assert found(query="remote eve") == set()


@pytest.mark.parametrize(
    "typed",
    [
        "+1 (555) 010-2000",
        "15550102000",
        "555.010.2000",
        "555 010 2000",
        "(555) 010 2000",
        "010-2000",
        "+1 555",
    ],
)
def test_a_phone_is_found_however_it_is_written(either_plan, typed):
    CandidateFactory(first_name="Ada", last_name="Phone", phone="+1 555 010 2000")
    CandidateFactory(first_name="Other", last_name="Number", phone="+44 20 7946 0000")

    assert found(query=typed) == {"Ada Phone"}


def test_a_national_number_with_its_trunk_zero_finds_the_international_one():
    CandidateFactory(first_name="Uk", last_name="Number", phone="+44 20 7946 0000")

    assert found(query="020 7946 0000") == {"Uk Number"}


def test_a_short_number_is_a_name_search_not_a_phone_search():
    CandidateFactory(first_name="Ada", last_name="Phone", phone="+1 555 010 2000")

    assert found(query="00") == set()


# ---------- filters ----------


def test_owner_keeps_one_recruiters_candidates(recruiter, other_recruiter):
    CandidateFactory(first_name="Mine", last_name="One", owner=recruiter)
    CandidateFactory(first_name="Theirs", last_name="One", owner=other_recruiter)

    assert found(owner_id=recruiter.pk) == {"Mine One"}


def test_stage_and_requisition_look_at_active_applications_only(either_plan):
    platform = RequisitionFactory(title="Platform Lead")
    data = RequisitionFactory(title="Data Engineer")
    screened_platform = CandidateFactory(first_name="Screened", last_name="Platform")
    ApplicationFactory(candidate=screened_platform, requisition=platform, stage="screened")
    ApplicationFactory(
        candidate=CandidateFactory(first_name="Screened", last_name="Data"),
        requisition=data,
        stage="screened",
    )
    ApplicationFactory(
        candidate=CandidateFactory(first_name="Rejected", last_name="Platform"),
        requisition=platform,
        stage="screened",
        outcome=Application.Outcome.REJECTED,
        closed_at=timezone.now(),
        close_reason="No",
    )
    ApplicationFactory(
        candidate=CandidateFactory(first_name="Sourced", last_name="Platform"),
        requisition=platform,
    )

    assert found(stage="screened") == {"Screened Platform", "Screened Data"}
    assert found(requisition_id=platform.pk) == {"Screened Platform", "Sourced Platform"}
    assert found(stage="screened", requisition_id=platform.pk) == {"Screened Platform"}
    assert found(stage="offer") == set()


def test_quiet_finds_people_not_contacted_for_more_than_n_days():
    now = timezone.now()
    CandidateFactory(first_name="Heard", last_name="Recently", last_contacted_at=now)
    CandidateFactory(
        first_name="Heard",
        last_name="Long ago",
        last_contacted_at=now - datetime.timedelta(days=15),
    )
    CandidateFactory(
        first_name="Never",
        last_name="Old",
        created_at=now - datetime.timedelta(days=40),
    )
    CandidateFactory(first_name="Never", last_name="New", created_at=now)

    assert found(quiet_days=14) == {"Heard Long ago", "Never Old"}


def test_opted_out_either_way():
    CandidateFactory(first_name="Opted", last_name="Out", opted_out_at=timezone.now())
    CandidateFactory(first_name="Still", last_name="In")

    assert found(opted_out=True) == {"Opted Out"}
    assert found(opted_out=False) == {"Still In"}


def test_tag_filter_matches_the_tag_whatever_its_case():
    tagged = CandidateFactory(first_name="Tagged", last_name="One")
    tagged.tags.add(TagFactory(name="Relocating"))
    CandidateFactory(first_name="Untagged", last_name="One")

    assert found(tag="relocating") == {"Tagged One"}


def test_a_tag_nobody_has_finds_no_one_and_is_counted_as_none():
    # A tag name no candidate carries filters on an empty id list, which Django never sends to
    # PostgreSQL; the planner's estimate for it is no rows, not a failed EXPLAIN.
    CandidateFactory(first_name="Tagged", last_name="One").tags.add(TagFactory(name="go"))

    page = candidate_list_page(filters=CandidateFilters(tag="no-such-tag"))

    assert page.rows == []
    assert page.total == 0
    assert found(tag="no-such-tag", query="tagged") == set()


def test_filters_combine(recruiter):
    keep = CandidateFactory(first_name="Ann", last_name="Keep", owner=recruiter)
    keep.tags.add(TagFactory(name="python"))
    CandidateFactory(first_name="Ann", last_name="Other")

    assert found(query="ann", owner_id=recruiter.pk, tag="python", opted_out=False) == {"Ann Keep"}


# ---------- sorts ----------


@pytest.fixture
def three_people():
    now = timezone.now()
    CandidateFactory(
        first_name="Ada",
        last_name="Byron",
        last_contacted_at=now - datetime.timedelta(days=1),
        created_at=now - datetime.timedelta(days=30),
    )
    CandidateFactory(
        first_name="Carl",
        last_name="Adams",
        last_contacted_at=None,
        created_at=now - datetime.timedelta(days=10),
    )
    CandidateFactory(
        first_name="Bea",
        last_name="Cole",
        last_contacted_at=now - datetime.timedelta(days=9),
        created_at=now - datetime.timedelta(days=20),
    )


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Carl Adams", "Ada Byron", "Bea Cole"]),
        ("-name", ["Bea Cole", "Ada Byron", "Carl Adams"]),
        ("contacted", ["Carl Adams", "Bea Cole", "Ada Byron"]),
        ("-contacted", ["Ada Byron", "Bea Cole", "Carl Adams"]),
        ("-added", ["Carl Adams", "Bea Cole", "Ada Byron"]),
        ("added", ["Ada Byron", "Bea Cole", "Carl Adams"]),
    ],
)
def test_each_sort_orders_the_list(three_people, sort, expected):
    page = candidate_list_page(filters=CandidateFilters(sort=sort))

    assert names(page) == expected


def test_never_contacted_counts_as_the_longest_silence(three_people):
    page = candidate_list_page(filters=CandidateFilters(sort="contacted"))

    assert page.rows[0].last_contacted_at is None


# ---------- keyset pages ----------


def _walk(filters: CandidateFilters) -> list[list[int]]:
    pages, cursor = [], ""
    while True:
        page = candidate_list_page(filters=filters, after=cursor)
        pages.append([candidate.pk for candidate in page.rows])
        if not page.has_next:
            return pages
        cursor = page.next_cursor


@pytest.mark.parametrize("sort", list(search.SORTS))
def test_paging_forward_visits_everyone_once_across_ties(small_pages, sort):
    moment = timezone.now() - datetime.timedelta(days=3)
    # Seven people with the same name, contact time and creation time: only the id tells them
    # apart, and a page boundary falls in the middle of them.
    same = [
        CandidateFactory(
            first_name="Sam", last_name="Same", last_contacted_at=moment, created_at=moment
        )
        for _ in range(7)
    ]
    CandidateFactory(first_name="Zed", last_name="Zulu", created_at=moment)

    pages = _walk(CandidateFilters(sort=sort))

    visited = [pk for page in pages for pk in page]
    assert [len(page) for page in pages] == [3, 3, 2]
    assert len(visited) == len(set(visited)) == 8
    same_ids = [pk for pk in visited if pk in {c.pk for c in same}]
    descending = search.SORTS[sort].descending
    assert same_ids == sorted(same_ids, reverse=descending)


def test_previous_returns_the_page_before(small_pages):
    for n in range(8):
        CandidateFactory(first_name="Person", last_name=f"Number{n}")
    first = candidate_list_page(filters=CandidateFilters())
    second = candidate_list_page(filters=CandidateFilters(), after=first.next_cursor)

    back = candidate_list_page(filters=CandidateFilters(), before=second.previous_cursor)

    assert names(back) == names(first)
    assert not back.has_previous
    assert back.has_next
    assert second.has_previous


def test_the_last_page_is_one_step_away(small_pages):
    for n in range(8):
        CandidateFactory(first_name="Person", last_name=f"Number{n}")

    last = candidate_list_page(filters=CandidateFilters(), before="end")

    assert names(last) == ["Person Number5", "Person Number6", "Person Number7"]
    assert not last.has_next
    assert last.has_previous


@pytest.mark.parametrize("cursor", ["garbage", "W10", "WyJhIl0", "e30", "WzEsMiwzXQ"])
def test_a_cursor_that_is_not_ours_shows_the_first_page(small_pages, cursor):
    for n in range(4):
        CandidateFactory(first_name="Person", last_name=f"Number{n}")

    page = candidate_list_page(filters=CandidateFilters(), after=cursor)

    assert names(page) == ["Person Number0", "Person Number1", "Person Number2"]


def test_paging_works_on_a_search_collected_first(small_pages, either_plan):
    for n in range(7):
        CandidateFactory(first_name="Ann", last_name=f"Match{n}")
    CandidateFactory(first_name="Bob", last_name="Nomatch")

    pages = _walk(CandidateFilters(query="ann"))

    assert sum(len(page) for page in pages) == 7


def _by_the_orm(filters, after, before, now):
    """The page, its cursors and count as the ORM's keyset query and capped count read them."""
    candidates = search.candidate_search(filters=filters, now=now)
    sort = search.SORTS[filters.sort]
    found = search._find_page(candidates, search.WALK, sort, after, before, filters)
    return (
        [row["pk"] for row in found.seek.rows],
        found.seek.next_cursor,
        found.seek.previous_cursor,
        search.candidate_count(candidates),
    )


def _by_the_statement(filters, after, before, now):
    sort = search.SORTS[filters.sort]
    found = search_statements.walked(
        filters,
        sort,
        after,
        before,
        now,
        per_page=search.CANDIDATES_PER_PAGE,
        cap=search.COUNT_CAP + 1,
    )
    total = found.total
    return (
        [row.pk for row in found.rows],
        found.seek.next_cursor,
        found.seek.previous_cursor,
        (min(total, search.COUNT_CAP), total > search.COUNT_CAP),
    )


@pytest.mark.parametrize("sort", list(search.SORTS))
@pytest.mark.parametrize(
    "chosen",
    [
        {},
        {"owner": True},
        {"quiet_days": 14},
        {"opted_out": True},
        {"opted_out": False},
        {"owner": True, "quiet_days": 14, "opted_out": False},
    ],
    ids=["none", "owner", "quiet", "opted-out", "opted-in", "all-three"],
)
def test_the_walk_statement_reads_what_the_orm_query_reads(
    small_pages, monkeypatch, recruiter, other_recruiter, sort, chosen
):
    monkeypatch.setattr(search, "COUNT_CAP", 5)
    now = timezone.now()
    for n in range(30):
        contacted = None if n % 4 == 0 else now - datetime.timedelta(days=n * 3 % 20)
        CandidateFactory(
            # Ties in every key but the id, across the pages' boundaries.
            first_name="Sam" if n % 3 else "Ann",
            last_name="Same" if n < 16 else f"Other{n % 2}",
            owner=recruiter if n % 2 else other_recruiter,
            last_contacted_at=contacted,
            created_at=now - datetime.timedelta(days=n % 4 * 7),
            opted_out_at=now if n % 3 == 0 else None,
        )
    filters = CandidateFilters(
        sort=sort,
        owner_id=recruiter.pk if chosen.get("owner") else None,
        quiet_days=chosen.get("quiet_days"),
        opted_out=chosen.get("opted_out"),
    )
    pages = [("", ""), ("", "end"), ("garbage", "")]
    read = []
    while pages:
        after, before = pages.pop()
        page = _by_the_statement(filters, after, before, now)

        assert page == _by_the_orm(filters, after, before, now), (after, before)
        read.append(page)
        if page[1] and len(read) < 12:
            pages.append((page[1], ""))
        if page[2] and len(read) < 12:
            pages.append(("", page[2]))
    # More than one page each way.
    assert any(page[1] for page in read)
    assert any(page[2] for page in read)


def _searched_by_the_orm(filters, plan, after, before, now):
    """The page, its cursors and count as the ORM's queries read them (the path elsewhere than
    on PostgreSQL)."""
    candidates = search.candidate_search(filters=filters, now=now)
    sort = search.SORTS[filters.sort]
    found = search._find_page(candidates, plan, sort, after, before, filters)
    return (
        search_pages.candidate_rows([row["pk"] for row in found.seek.rows]),
        found.seek.next_cursor,
        found.seek.previous_cursor,
        search._how_many(found, None, lambda: search.candidate_count(candidates)),
    )


def _searched_by_the_statements(filters, plan, after, before, now):
    match = search_statements.match(filters, now)
    found = search_statements.find_page(
        match,
        plan,
        search.SORTS[filters.sort],
        after,
        before,
        per_page=search.CANDIDATES_PER_PAGE,
        window=search.WALK_WINDOW,
    )
    return (
        found.rows,
        found.seek.next_cursor,
        found.seek.previous_cursor,
        search._how_many(
            found,
            None,
            lambda: search._capped(search_statements.capped_count(match, cap=search.COUNT_CAP + 1)),
        ),
    )


@pytest.mark.parametrize("plan", [search.WALK, search.WINDOW, search.COLLECT])
@pytest.mark.parametrize(
    "chosen",
    [
        {"query": "sam"},
        {"query": "SAM ann"},
        {"query": "engineer"},
        {"query": "python"},
        {"query": "python sam", "many_tagged": True},
        {"query": "+1 555 01"},
        {"query": "sam", "owner": True, "quiet_days": 14, "opted_out": False},
        {"query": "sam", "stage": "screened"},
        {"query": "engineer", "requisition": True, "opted_out": False},
        {"stage": "screened", "owner": True},
        {"query": "sam", "tag": "PYTHON"},
    ],
    ids=[
        "word",
        "two-words",
        "headline",
        "tag-named",
        "tag-named-as-subquery",
        "phone",
        "owner-quiet-opted-in",
        "stage",
        "requisition-opted-in",
        "stage-owner",
        "tag-filter",
    ],
)
def test_the_search_statements_read_what_the_orm_queries_read(
    small_pages, monkeypatch, recruiter, other_recruiter, plan, chosen
):
    monkeypatch.setattr(search, "COUNT_CAP", 5)
    # A window of a few entries, so that a walk within it may fill a page or fall short.
    monkeypatch.setattr(search, "WALK_WINDOW", 9)
    monkeypatch.setattr(search_filters, "TAGGED_IDS_CAP", 2 if chosen.get("many_tagged") else 50)
    now = timezone.now()
    python = TagFactory(name="Python")
    requisition = RequisitionFactory()
    for n in range(30):
        contacted = None if n % 4 == 0 else now - datetime.timedelta(days=n * 3 % 20)
        candidate = CandidateFactory(
            # Ties in every key but the id, across the pages' boundaries.
            first_name="Sam" if n % 3 else "Ann",
            last_name="Same" if n < 16 else f"Other{n % 2}",
            headline="Data Engineer" if n % 5 else "Engineering lead",
            phone=f"+1 555 01{n % 3} 2000",
            owner=recruiter if n % 2 else other_recruiter,
            last_contacted_at=contacted,
            created_at=now - datetime.timedelta(days=n % 4 * 7),
            opted_out_at=now if n % 3 == 0 else None,
        )
        if n % 4:
            candidate.tags.add(python)
        if n % 3:
            ApplicationFactory(
                candidate=candidate,
                requisition=requisition,
                stage="screened" if n % 2 else "sourced",
            )
    for sort in search.SORTS:
        filters = CandidateFilters(
            query=chosen.get("query", ""),
            owner_id=recruiter.pk if chosen.get("owner") else None,
            stage=chosen.get("stage", ""),
            requisition_id=requisition.pk if chosen.get("requisition") else None,
            quiet_days=chosen.get("quiet_days"),
            opted_out=chosen.get("opted_out"),
            tag=chosen.get("tag", ""),
            sort=sort,
        )
        match = search_statements.match(filters, now)
        orm = search.candidate_search(filters=filters, now=now)
        assert search._estimated_rows(match) == search._estimated_rows(orm)
        pages = [("", ""), ("", "end"), ("garbage", "")]
        read = []
        while pages:
            after, before = pages.pop()
            page = _searched_by_the_statements(filters, plan, after, before, now)

            assert page == _searched_by_the_orm(filters, plan, after, before, now), (after, before)
            read.append(page)
            if page[1] and len(read) < 12:
                pages.append((page[1], ""))
            if page[2] and len(read) < 12:
                pages.append(("", page[2]))
        assert read[0][0], "the filters found no one"


# ---------- how a page is found ----------


def _pipeline_of(requisition, *names: str) -> list[int]:
    pks = []
    for name in names:
        candidate = CandidateFactory(first_name=name, last_name="Piper")
        ApplicationFactory(candidate=candidate, requisition=requisition)
        pks.append(candidate.pk)
    return pks


@pytest.mark.parametrize("sort", ["name", "-name"])
def test_a_pipeline_alone_is_read_in_name_order_from_its_applications(
    small_pages, django_assert_num_queries, sort
):
    requisition = RequisitionFactory()
    members = _pipeline_of(requisition, "Eve", "Ann", "Dan", "Cy", "Bo")
    ApplicationFactory(
        candidate=CandidateFactory(first_name="Al", last_name="Piper"),
        requisition=requisition,
        outcome=Application.Outcome.REJECTED,
        closed_at=timezone.now(),
        close_reason="No",
    )
    _pipeline_of(RequisitionFactory(), "Abe")
    CandidateFactory(first_name="Zoe", last_name="Nowhere")
    filters = CandidateFilters(requisition_id=requisition.pk, sort=sort)
    candidate_list_page(filters=filters)  # prepared on this connection

    for _visit in range(7):
        # The pipeline counted with its first page and its rows.
        with django_assert_num_queries(1) as queries:
            first = candidate_list_page(filters=filters)
        assert (
            "EXECUTE candidate_list_requisition_id_names_" + ("desc" if sort == "-name" else "asc")
        ) in queries.captured_queries[0]["sql"]

    in_order = [members[i] for i in (1, 4, 3, 2, 0)]
    expected = in_order if sort == "name" else in_order[::-1]
    assert [pk for page in _walk(filters) for pk in page] == expected
    assert (first.total, first.more_than, first.has_previous) == (5, False, False)
    assert first.rows == candidate_rows([row.pk for row in first.rows])
    following = candidate_list_page(filters=filters, after=first.next_cursor)
    assert [row.pk for row in following.rows] == expected[3:]
    assert (following.total, following.more_than) == (5, False)
    assert following.previous_cursor
    assert not following.has_next
    back = candidate_list_page(filters=filters, before=following.previous_cursor)
    assert [row.pk for row in back.rows] == expected[:3]
    last = candidate_list_page(filters=filters, before="end")
    assert [row.pk for row in last.rows] == expected[-3:]


@pytest.mark.parametrize("sort", ["name", "-name"])
def test_a_stage_alone_is_read_in_name_order_from_its_applications_each_candidate_once(
    small_pages, monkeypatch, django_assert_num_queries, sort
):
    at_offer = []
    for first_name in ("Eve", "Ann", "Dan", "Cy", "Bo"):
        candidate = CandidateFactory(first_name=first_name, last_name="Piper")
        ApplicationFactory(candidate=candidate, stage="offer")
        at_offer.append(candidate.pk)
    # At the offer stage for two roles: listed and counted once.
    ApplicationFactory(candidate=candidate, stage="offer")
    ApplicationFactory(
        candidate=CandidateFactory(first_name="Al", last_name="Piper"), stage="screened"
    )
    ApplicationFactory(
        candidate=CandidateFactory(first_name="Abe", last_name="Piper"),
        stage="offer",
        outcome=Application.Outcome.REJECTED,
        closed_at=timezone.now(),
        close_reason="No",
    )
    CandidateFactory(first_name="Zoe", last_name="Nowhere")
    filters = CandidateFilters(stage="offer", sort=sort)
    candidate_list_page(filters=filters)  # prepared on this connection

    for _visit in range(7):
        with django_assert_num_queries(1) as queries:
            page = candidate_list_page(filters=filters)
        assert (
            "EXECUTE candidate_list_stage_names_" + ("desc" if sort == "-name" else "asc")
        ) in queries.captured_queries[0]["sql"]

    in_order = [at_offer[i] for i in (1, 4, 3, 2, 0)]
    expected = in_order if sort == "name" else in_order[::-1]
    assert [row.pk for row in page.rows] == expected[:3]
    assert page.rows == candidate_rows([row.pk for row in page.rows])
    assert (page.total, page.more_than, page.has_previous) == (5, False, False)
    assert [pk for found in _walk(filters) for pk in found] == expected
    monkeypatch.setattr(search, "COUNT_CAP", 4)
    capped = candidate_list_page(filters=filters)
    following = candidate_list_page(filters=filters, after=capped.next_cursor)
    assert (capped.total, capped.more_than) == (following.total, following.more_than) == (4, True)
    mine = candidate_list_page(filters=CandidateFilters(stage="offer", owner_id=-1, sort=sort))
    assert mine.rows == []


def test_a_pipeline_with_other_filters_or_another_sort_is_collected():
    requisition = RequisitionFactory()
    _pipeline_of(requisition, "Ann", "Bo")
    bigger = RequisitionFactory()
    _pipeline_of(bigger, "Cy", "Dan", "Eve")

    for filters in (
        CandidateFilters(requisition_id=bigger.pk, query="dan"),
        CandidateFilters(requisition_id=bigger.pk, stage="sourced"),
        CandidateFilters(requisition_id=bigger.pk, sort="-added"),
    ):
        with CaptureQueriesContext(connection) as queries:
            page = candidate_list_page(filters=filters)
        assert not any("_names_" in query["sql"] for query in queries.captured_queries)
        assert page.total == len(page.rows)
    assert names(candidate_list_page(filters=CandidateFilters(requisition_id=requisition.pk))) == [
        "Ann Piper",
        "Bo Piper",
    ]


def test_a_search_naming_an_email_is_collected_without_walking_a_window(
    django_assert_num_queries,
):
    CandidateFactory(first_name="Gabriel", last_name="Cruz", email="gabriel.cruz@example.com")
    CandidateFactory(first_name="Gabriel", last_name="Other", email="gabriel.other@example.com")
    filters = CandidateFilters(query="gabriel.cruz@")

    # The tags named so, the planner's estimate, the page with its count and its rows.
    with django_assert_num_queries(3) as queries:
        page = candidate_list_page(filters=filters)

    assert names(page) == ["Gabriel Cruz"]
    assert (page.total, page.more_than) == (1, False)
    assert not any("OFFSET" in query["sql"] for query in queries.captured_queries)


def test_a_name_search_reads_the_upper_cased_columns_the_name_index_holds():
    """The walk of a text search compares the index's stored upper-case values: the plan is
    an index-only scan of the name index whatever the table's size (forced here, as the planner
    scans a table this small)."""
    CandidateFactory(first_name="Maria", last_name="Abbott", headline="Marine biologist")
    queryset = search.candidate_search(filters=CandidateFilters(query="mar"))
    keyed = search.SORTS["name"].keyed(queryset, indexed=True).values("pk", "sort_key_0")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        plan = keyed.order_by("sort_key_0", "sort_key_1", "pk")[:51].explain()

    assert "Index Only Scan using candidate_name_keyset" in plan
    assert "((upper((first_name)::text)) ~~ 'MAR%'::text)" in plan


# ---------- counts ----------


def test_the_count_is_exact_when_small():
    CandidateFactory.create_batch(4)

    page = candidate_list_page(filters=CandidateFilters())

    assert (page.total, page.more_than) == (4, False)


def test_the_count_stops_at_the_cap(monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    CandidateFactory.create_batch(5)

    page = candidate_list_page(filters=CandidateFilters())

    assert (page.total, page.more_than) == (3, True)


# ---------- duplicates ----------


def test_duplicates_are_the_same_email_or_the_same_name_and_phone():
    same_email = CandidateFactory(email="ada@example.com")
    same_person = CandidateFactory(first_name="Grace", last_name="Hopper", phone="+1 555 0100")
    CandidateFactory(first_name="Grace", last_name="Hopper", phone="+1 555 0199")

    matches = selectors.candidate_duplicates(
        email="ADA@example.com", first_name="grace", last_name="hopper", phone="1-555-0100"
    )

    assert list(matches) == [same_email, same_person]


# ---------- the list's requisition filter ----------


def test_filter_choices_are_the_viewers_open_roles_by_title_and_the_tags_by_name(
    recruiter, other_recruiter, django_assert_num_queries
):
    acme = HiringLeaderFactory(company__name="Acme")

    def role(title, **fields):
        fields.setdefault("recruiter", recruiter)
        return RequisitionFactory(title=title, hiring_leader=acme, **fields)

    zebra, paused = role("Zebra keeper"), role("Actuary", status="on_hold")
    closed_on = datetime.date(2026, 11, 2)
    filled = role("Filled role", status="filled", closed_on=closed_on)
    role("Cancelled role", status="cancelled", closed_on=closed_on)
    role("Someone else's", recruiter=other_recruiter)
    for name in ("relocating", "Python", "go"):
        TagFactory(name=name)

    def options(include=None):
        with django_assert_num_queries(1):
            found = selectors.filter_choices(viewer=recruiter, include=include)
        # In the database's own order of names, as the Tag model orders them.
        assert found.tags == list(Tag.objects.values_list("name", flat=True))
        assert sorted(found.tags) == ["Python", "go", "relocating"]
        return [(option.pk, option.title, option.company_name) for option in found.requisitions]

    assert options() == [(paused.pk, "Actuary", "Acme"), (zebra.pk, "Zebra keeper", "Acme")]
    # The role the list is filtered by is offered whatever it is, so the filter shows it chosen.
    assert options(include=filled.pk) == [
        (paused.pk, "Actuary", "Acme"),
        (filled.pk, "Filled role", "Acme"),
        (zebra.pk, "Zebra keeper", "Acme"),
    ]
    # The same past the fifth run, when PostgreSQL may plan the statement once for all.
    for _ in range(6):
        assert options() == [(paused.pk, "Actuary", "Acme"), (zebra.pk, "Zebra keeper", "Acme")]


def test_filter_choices_with_no_requisitions_or_no_tags(recruiter):
    assert selectors.filter_choices(viewer=recruiter) == selectors.FilterChoices([], [])
    TagFactory(name="python")
    assert selectors.filter_choices(viewer=recruiter).tags == ["python"]


def test_a_stage_alone_is_planned_from_its_applications_and_with_other_filters_from_the_list(
    monkeypatch,
):
    owner = CandidateFactory().owner
    for name in ("Ann", "Bo", "Cy"):
        ApplicationFactory(candidate=CandidateFactory(first_name=name, owner=owner), stage="offer")
    ApplicationFactory(stage="screened")
    monkeypatch.setattr(search, "FOUND_FIRST_CAP", 2)
    asked = []
    monkeypatch.setattr(search, "_estimated_rows", lambda candidates: asked.append(1) or 1)
    alone = CandidateFilters(stage="offer")

    with CaptureQueriesContext(connection) as queries:
        _, estimate = search._plan(
            search.candidate_search(filters=alone), alone, search.SORTS["name"]
        )

    # The planner's guess at the stage's active applications (three here, as ANALYZE may not
    # have run, at least one), read without the candidates' query; past the cap: walked.
    assert len(queries.captured_queries) == 1
    assert "candidates_application" in queries.captured_queries[0]["sql"]
    assert not asked
    assert estimate >= 1
    monkeypatch.setattr(search, "FOUND_FIRST_CAP", estimate - 1)
    assert search._plan(search.candidate_search(filters=alone), alone, search.SORTS["name"])[0] == (
        search.WALK
    )
    monkeypatch.setattr(search, "FOUND_FIRST_CAP", 2)
    mine = CandidateFilters(stage="offer", owner_id=owner.pk)
    assert search._plan(search.candidate_search(filters=mine), mine, search.SORTS["name"]) == (
        search.COLLECT,
        1,
    )
    assert asked
    assert {row.name.split()[0] for row in candidate_list_page(filters=alone).rows} == {
        "Ann",
        "Bo",
        "Cy",
    }


def test_the_timelines_newest_page_read_with_the_candidate_is_the_one_a_cursor_reads(recruiter):
    """The newest page rides with the candidate as JSON; a page after a cursor is read as rows.
    Both give the same lines: who, which role, the moment to the microsecond (past the fifth
    execution, on the generic plan, too)."""
    candidate = CandidateFactory()
    role = RequisitionFactory(title="Site Lead")
    now = timezone.now()
    for n in range(35):
        ActivityFactory(
            candidate=candidate,
            actor=recruiter if n % 2 else None,
            requisition=role if n % 3 == 0 else None,
            summary=f"Line {n}",
            body="" if n % 4 else f"Said {n} things",
            occurred_at=now - datetime.timedelta(minutes=n, microseconds=7 * n + 1),
        )
    ActivityFactory(summary="Another candidate's line", occurred_at=now)

    for _ in range(7):
        read = selectors.candidate_for_recruiter(viewer=recruiter, pk=candidate.pk)
        newest = selectors.candidate_timeline(candidate=read)
    older = selectors.candidate_timeline(candidate=candidate, older=newest.next_cursor)
    newer_again = selectors.candidate_timeline(candidate=candidate, newer=older.previous_cursor)

    assert [line.summary for line in newest.rows] == [f"Line {n}" for n in range(30)]
    assert [line.summary for line in older.rows] == [f"Line {n}" for n in range(30, 35)]
    assert newer_again.rows == newest.rows
    assert newer_again.next_cursor == newest.next_cursor
    assert newest.rows[0].body == "Said 0 things"
    assert newest.rows[0].requisition_title == "Site Lead"
    assert newest.rows[1].actor_name == recruiter.name
    assert newest.rows[1].occurred_at == now - datetime.timedelta(minutes=1, microseconds=8)


def test_the_applications_read_with_the_candidate_are_the_ones_the_orm_reads(recruiter):
    """Each application as the page shows it (role, company, placement), read as JSON with the
    candidate: every field equal to the ORM's, closed ones last, newest move first; past the
    fifth execution (the generic plan) too."""
    candidate = CandidateFactory()
    now = timezone.now()
    hired = PlacementFactory(
        application__candidate=candidate,
        application__stage_changed_at=now - datetime.timedelta(days=3, microseconds=7),
        start_date=datetime.date(2027, 1, 4),
        fell_through_at=now - datetime.timedelta(hours=2),
        fell_through_reason="Took a counter-offer",
    ).application
    moving = ApplicationFactory(
        candidate=candidate, stage="submitted", stage_changed_at=now - datetime.timedelta(days=1)
    )
    closed = ApplicationFactory(
        candidate=candidate,
        outcome=Application.Outcome.REJECTED,
        close_reason="Salary & <location>",
        closed_at=now,
    )
    ApplicationFactory()  # another candidate's

    for _ in range(7):
        read = selectors.candidate_for_recruiter(viewer=recruiter, pk=candidate.pk).pipeline

    assert [entry.pk for entry in read] == [moving.pk, hired.pk, closed.pk]
    for entry in read:
        application = Application.objects.select_related("requisition__company", "placement").get(
            pk=entry.pk
        )
        placement = getattr(application, "placement", None)
        assert (
            entry.requisition_id,
            entry.stage,
            entry.outcome,
            entry.close_reason,
            entry.stage_changed_at,
            entry.hired_at,
            entry.requisition_title,
            entry.requisition_status,
            entry.company_name,
            entry.placement_id,
            entry.start_date,
            entry.fell_through_at,
        ) == (
            application.requisition_id,
            application.stage,
            application.outcome,
            application.close_reason,
            application.stage_changed_at,
            application.hired_at,
            application.requisition.title,
            application.requisition.status,
            application.requisition.company.name,
            placement and placement.pk,
            placement and placement.start_date,
            placement and placement.fell_through_at,
        )
    assert read[1].start_date == datetime.date(2027, 1, 4)
