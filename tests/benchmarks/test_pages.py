import pytest

from benchmarks.pages import (
    ADMIN,
    LEADER,
    PAGES,
    RECRUITER,
    Page,
    candidate_page,
    candidates_after,
    leader_progress_as_recruiter,
    leader_requisition_page,
    pipeline_board,
    requisition_filter,
    resolve_url,
    search_by_email,
    search_by_phone,
    select_pages,
)
from sample_data.dataset import Cast
from tests.candidates.factories import ActivityFactory, CandidateFactory
from tests.hiring_leaders.factories import RequisitionFactory

PAGE_LIST = (
    Page("candidates", "/candidates/"),
    Page("candidate", candidate_page),
    Page("leader-requisition", leader_requisition_page, as_=LEADER),
)


def test_every_page_has_its_own_name_and_is_opened_by_the_recruiter_leader_or_admin():
    names = [page.name for page in PAGES]

    assert len(names) == len(set(names))
    assert {page.as_ for page in PAGES} == {RECRUITER, LEADER, ADMIN}
    assert all(name == name.strip() and "," not in name for name in names)


def test_with_no_names_every_page_is_run_in_the_lists_order():
    assert select_pages(PAGE_LIST, None) == list(PAGE_LIST)
    assert select_pages(PAGE_LIST, ["", " "]) == list(PAGE_LIST)


def test_named_pages_are_run_in_the_lists_order_whatever_order_they_are_named_in():
    selected = select_pages(PAGE_LIST, ["leader-requisition", " candidates"])

    assert [page.name for page in selected] == ["candidates", "leader-requisition"]


def test_an_unknown_page_name_is_refused_with_the_names_there_are():
    with pytest.raises(ValueError, match="no page called dashboard; the pages are: candidates, "):
        select_pages(PAGE_LIST, ["candidates", "dashboard"])


@pytest.fixture
def cast(recruiter, leader):
    requisition = RequisitionFactory(recruiter=recruiter, hiring_leader=leader)
    return Cast(recruiter=recruiter, big_requisition=requisition, leader=leader.user)


def test_a_url_is_taken_as_it_is_and_a_function_finds_one_in_the_data_set(cast):
    """The candidate page opens the longest timeline; the searches look for the first."""
    CandidateFactory(owner=cast.recruiter, email="", phone="+1 555 0100")  # no email: passed over
    first = CandidateFactory(owner=cast.recruiter, email="ada@example.com", phone="+1 555 0101")
    busiest = CandidateFactory(owner=cast.recruiter, email="bo@example.com", phone="+1 555 0102")
    ActivityFactory.create_batch(3, candidate=busiest)
    ActivityFactory(candidate=first)

    assert resolve_url(Page("candidates", "/candidates/?mine=on"), cast) == "/candidates/?mine=on"
    assert resolve_url(Page("candidate", candidate_page), cast) == f"/candidates/{busiest.pk}/"
    assert search_by_email(cast) == "/candidates/?q=ada%40example.com"
    assert search_by_phone(cast) == "/candidates/?q=%2B1+555+0101"


def test_the_requisition_pages_are_the_big_requisitions(cast):
    pk = cast.big_requisition.pk

    assert pipeline_board(cast) == f"/requisitions/{pk}/"
    assert requisition_filter(cast) == f"/candidates/?requisition={pk}"
    assert leader_requisition_page(cast) == f"/leader/requisitions/{pk}/"
    assert leader_progress_as_recruiter(cast) == f"/requisitions/{pk}/as-leader/"


def test_a_deep_page_of_the_list_starts_where_next_would_have_got_to(cast, client):
    for last_name in ("Echidna", "Aardvark", "Dugong", "Bumblebee", "Capybara"):
        CandidateFactory(owner=cast.recruiter, first_name="Sam", last_name=last_name)
    client.force_login(cast.recruiter)

    url = candidates_after(3)(cast)

    page = client.get(url).content.decode()
    assert page.index("Dugong") < page.index("Echidna")
    assert "Capybara" not in page
    assert "Aardvark" not in page


def test_the_candidate_page_and_the_leaders_shell_are_held_to_their_issues_tighter_bounds():
    targets = {page.name: page.median_target for page in PAGES}

    assert targets.pop("candidate") == 8  # issue 7
    assert targets.pop("leader-requisition") == 6  # issue 8
    assert set(targets.values()) == {20}
