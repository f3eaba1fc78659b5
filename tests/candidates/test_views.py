from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.models import Application
from tests.candidates.factories import (
    ActivityFactory,
    ApplicationFactory,
    CandidateFactory,
    CommitmentFactory,
    PlacementFactory,
)
from tests.hiring_leaders.factories import RequisitionFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("candidates:candidate_list")
HTMX = {"HTTP_HX_REQUEST": "true"}

# Session, user, count, one page of rows (owners joined in).
LIST_QUERIES = 4
# Session, user, candidate + owner, applications (+ requisition, company, placement),
# commitments, timeline count, one page of activities (+ actor, requisition), open tasks,
# check-in answers for the candidate's placements.
DETAIL_QUERIES = 9


def detail_url(candidate) -> str:
    return reverse("candidates:candidate_detail", args=[candidate.pk])


def text(response) -> str:
    return response.content.decode()


# ---------- who may see the pages ----------


@pytest.mark.parametrize("url_name", ["list", "detail"])
def test_anonymous_visitors_are_sent_to_sign_in(client, candidate, url_name):
    url = LIST_URL if url_name == "list" else detail_url(candidate)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("url_name", ["list", "detail"])
def test_hiring_leaders_cannot_see_candidate_pages(client, leader, candidate, url_name):
    client.force_login(leader.user)
    url = LIST_URL if url_name == "list" else detail_url(candidate)

    response = client.get(url)

    assert response.status_code == 404
    assert "Page not found" in text(response)
    assert candidate.name not in text(response)


def test_admins_can_work_the_candidate_list_too(client, admin_user, candidate):
    client.force_login(admin_user)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert candidate.name in text(response)


def test_an_unknown_candidate_is_not_found(client, recruiter):
    client.force_login(recruiter)

    response = client.get(reverse("candidates:candidate_detail", args=[987654]))

    assert response.status_code == 404


# ---------- candidate list ----------


def test_the_list_shows_each_candidate_with_owner_source_and_last_contact(
    client, recruiter, other_recruiter
):
    contacted = timezone.now() - datetime.timedelta(days=3, hours=1)
    mine = CandidateFactory(
        first_name="Ada",
        last_name="Lovelace",
        email="ada@mail.example",
        owner=recruiter,
        last_contacted_at=contacted,
    )
    CandidateFactory(
        first_name="Grace",
        last_name="Hopper",
        owner=other_recruiter,
        source="referral",
        opted_out_at=timezone.now(),
    )
    client.force_login(recruiter)

    response = client.get(LIST_URL)

    body = text(response)
    assert response.status_code == 200
    assert f'href="{mine.get_absolute_url()}">Ada Lovelace</a>' in body
    assert "ada@mail.example" in body
    assert "LinkedIn" in body
    assert "Referral" in body
    assert other_recruiter.name in body
    assert ">You<" in body
    assert ">3 days ago<" in body
    assert f'datetime="{contacted.isoformat()}"' in body
    assert "Opted out" in body
    assert "Never" in body
    assert "2 candidates" in body


def test_the_list_explains_itself_when_there_are_no_candidates(client, recruiter):
    client.force_login(recruiter)

    response = client.get(LIST_URL)

    assert "No candidates yet" in text(response)
    assert "<table" not in text(response)


def test_the_list_says_when_nothing_matches_the_search(client, recruiter, candidate):
    client.force_login(recruiter)

    response = client.get(LIST_URL, {"q": "zzzz"})

    assert "No candidates match “zzzz”" in text(response)
    assert candidate.name not in text(response)


@pytest.mark.parametrize(
    ("query", "found"),
    [("ann", True), ("ANN", True), ("smith", True), ("ann.s", True), ("mith", False)],
    ids=["first-name", "case-insensitive", "last-name", "email-prefix", "not-mid-word"],
)
def test_search_matches_the_start_of_first_name_last_name_or_email(client, recruiter, query, found):
    CandidateFactory(first_name="Annabel", last_name="Smithers", email="ann.s@mail.example")
    CandidateFactory(first_name="Boris", last_name="Jones", email="bj@mail.example")
    client.force_login(recruiter)

    response = client.get(LIST_URL, {"q": query})

    assert ("Annabel Smithers" in text(response)) is found
    assert "Boris Jones" not in text(response)


def test_only_mine_hides_other_recruiters_candidates(client, recruiter, other_recruiter):
    CandidateFactory(first_name="Mine", last_name="Person", owner=recruiter)
    CandidateFactory(first_name="Theirs", last_name="Person", owner=other_recruiter)
    client.force_login(recruiter)

    response = client.get(LIST_URL, {"mine": "on"})

    assert "Mine Person" in text(response)
    assert "Theirs Person" not in text(response)
    assert 'id="id_mine" value="on" checked' in text(response)


def test_only_mine_with_no_candidates_says_how_to_see_everyone(client, recruiter, other_recruiter):
    CandidateFactory(owner=other_recruiter)
    client.force_login(recruiter)

    response = client.get(LIST_URL, {"mine": "on"})

    assert "You don\u2019t own any candidates yet" in text(response)


def test_the_list_shows_fifty_a_page_and_page_two_works(client, recruiter):
    for n in range(60):
        CandidateFactory(first_name=f"First{n:02d}", last_name=f"Last{n:02d}")
    client.force_login(recruiter)

    first = client.get(LIST_URL)
    second = client.get(LIST_URL, {"page": "2"})

    assert text(first).count('data-label="Email"') == 50
    assert text(second).count('data-label="Email"') == 10
    assert "1\u201350 of 60 candidates" in text(first)
    assert "Last49" in text(first)
    assert "Last50" not in text(first)
    assert "?page=2" in text(first)
    assert "Last50" in text(second)
    assert "Last59" in text(second)
    assert "Last00" not in text(second)
    assert "51\u201360 of 60" in text(second)


def test_pagination_keeps_the_search(client, recruiter):
    for n in range(55):
        CandidateFactory(first_name="Sam", last_name=f"Last{n:02d}")
    client.force_login(recruiter)

    response = client.get(LIST_URL, {"q": "sam", "mine": ""})

    assert "?q=sam&amp;mine=&amp;page=2" in text(response)


@pytest.mark.parametrize("page", ["abc", "999", "-1", "0", ""])
def test_a_bad_page_number_shows_a_real_page(client, recruiter, candidate, page):
    client.force_login(recruiter)

    response = client.get(LIST_URL, {"page": page})

    assert response.status_code == 200
    assert candidate.name in text(response)


def test_an_overlong_search_is_explained_not_an_error(client, recruiter, candidate):
    client.force_login(recruiter)

    response = client.get(LIST_URL, {"q": "x" * 500})

    assert response.status_code == 200
    assert "at most 100 characters" in text(response)
    assert candidate.name in text(response)


def test_an_htmx_search_returns_only_the_table(client, recruiter):
    CandidateFactory(first_name="Annabel", last_name="Smithers")
    CandidateFactory(first_name="Boris", last_name="Jones")
    client.force_login(recruiter)

    response = client.get(LIST_URL, {"q": "ann"}, **HTMX)

    body = text(response)
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="id_q"' not in body
    assert body.lstrip().startswith('<div id="candidate-table">')
    assert "Annabel Smithers" in body
    assert "Boris Jones" not in body
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(client, recruiter, candidate):
    client.force_login(recruiter)

    response = client.get(LIST_URL, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)

    assert "<html" in text(response)


def test_the_full_page_has_a_working_search_form(client, recruiter, candidate):
    client.force_login(recruiter)

    response = client.get(LIST_URL, {"q": "someone"})

    body = text(response)
    assert "<html" in body
    assert 'method="get"' in body
    assert 'name="q" id="id_q" value="someone"' in body
    assert 'hx-trigger="input changed delay:300ms, search"' in body
    assert 'hx-target="#candidate-table"' in body
    assert 'hx-push-url="true"' in body
    assert '<label for="id_q">Search candidates</label>' in body


@pytest.mark.parametrize("rows", [3, 60])
def test_the_list_runs_a_fixed_number_of_queries(
    client, recruiter, other_recruiter, django_assert_max_num_queries, rows
):
    for n in range(rows):
        CandidateFactory(owner=recruiter if n % 2 else other_recruiter)
    client.force_login(recruiter)

    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(LIST_URL)
    with django_assert_max_num_queries(LIST_QUERIES):
        client.get(LIST_URL, {"q": "a", "mine": "on", "page": "2"}, **HTMX)

    assert response.status_code == 200


# ---------- candidate detail ----------


def test_the_detail_page_shows_contact_details_and_owner(client, recruiter, other_recruiter):
    candidate = CandidateFactory(
        first_name="Ada",
        last_name="Lovelace",
        email="ada@mail.example",
        phone="+44 20 7946 0000",
        headline="Staff engineer",
        location="London",
        owner=other_recruiter,
        source="referral",
        last_contacted_at=timezone.now() - datetime.timedelta(days=2, hours=1),
    )
    client.force_login(recruiter)

    response = client.get(detail_url(candidate))

    body = text(response)
    assert response.status_code == 200
    assert '<h1 id="candidate-name">Ada Lovelace</h1>' in body
    assert 'href="mailto:ada@mail.example"' in body
    assert "+44 20 7946 0000" in body
    assert "Staff engineer · London" in body
    assert other_recruiter.name in body
    assert "Referral" in body
    assert ">2 days ago<" in body
    assert "Opted out" not in body


def test_the_detail_page_warns_when_the_candidate_opted_out(client, recruiter):
    candidate = CandidateFactory(first_name="Ada", opted_out_at=timezone.now())
    client.force_login(recruiter)

    response = client.get(detail_url(candidate))

    assert "Opted out" in text(response)
    assert "Do not send them automated messages" in text(response)


def test_the_detail_page_lists_applications_with_stage_and_outcome(client, recruiter, candidate):
    ApplicationFactory(
        candidate=candidate,
        requisition=RequisitionFactory(title="Platform Lead", hiring_leader__company__name="Acme"),
        stage=Application.Stage.INTERVIEWING,
    )
    ApplicationFactory(
        candidate=candidate,
        requisition=RequisitionFactory(title="Data Engineer"),
        stage=Application.Stage.SCREENED,
        outcome=Application.Outcome.REJECTED,
        closed_at=timezone.now(),
        close_reason="Wanted more Spark experience",
    )
    PlacementFactory(
        application__candidate=candidate,
        application__requisition=RequisitionFactory(title="SRE"),
    )
    client.force_login(recruiter)

    response = client.get(detail_url(candidate))

    body = text(response)
    assert "Platform Lead" in body
    assert "Acme" in body
    assert 'class="badge badge--interviewing">Interviewing<' in body
    assert "In progress" in body
    assert "Data Engineer" in body
    assert 'class="badge badge--rejected">Rejected<' in body
    assert "Wanted more Spark experience" in body
    assert "SRE" in body
    assert "starts" in body
    assert 'Applications <span class="count">· 3</span>' in body


def test_the_detail_page_marks_late_commitments_and_hides_kept_ones(client, recruiter, candidate):
    now = timezone.now()
    CommitmentFactory(
        candidate=candidate,
        recruiter=recruiter,
        description="Call back about salary",
        due_at=now - datetime.timedelta(days=2),
    )
    CommitmentFactory(
        candidate=candidate,
        recruiter=recruiter,
        description="Send interview prep",
        due_at=now + datetime.timedelta(days=3),
    )
    CommitmentFactory(
        candidate=candidate,
        recruiter=recruiter,
        description="Already done",
        status="kept",
        kept_at=now,
    )
    client.force_login(recruiter)

    response = client.get(detail_url(candidate))

    commitments = {
        item.split("</span>")[0].split("<span>")[1]: item.split("</li>")[0]
        for item in text(response).split('<li class="commitment')[1:]
    }
    assert list(commitments) == ["Call back about salary", "Send interview prep"]
    assert 'commitment--late"' in commitments["Call back about salary"]
    assert 'class="badge badge--late">Late<' in commitments["Call back about salary"]
    assert "Late" not in commitments["Send interview prep"]
    assert 'Open commitments <span class="count">· 2</span>' in text(response)


def test_the_detail_page_says_what_the_empty_sections_are_for(client, recruiter, candidate):
    client.force_login(recruiter)

    response = client.get(detail_url(candidate))

    body = text(response)
    assert "Not in any pipeline yet" in body
    assert "No open promises" in body
    assert "Nothing on the timeline yet" in body


def test_the_timeline_is_newest_first_thirty_a_page(client, recruiter, candidate):
    now = timezone.now()
    for n in range(35):
        ActivityFactory(
            candidate=candidate,
            summary=f"Event number {n:02d}",
            occurred_at=now - datetime.timedelta(hours=n),
            actor=recruiter,
        )
    client.force_login(recruiter)

    first = client.get(detail_url(candidate))
    older = client.get(detail_url(candidate), {"page": "2"})

    body = text(first)
    assert body.index("Event number 00") < body.index("Event number 01")
    assert "Event number 29" in body
    assert "Event number 30" not in body
    assert "Older →" in body
    assert 'href="?page=2"' in body
    assert 'Timeline <span class="count">· 35</span>' in body
    assert recruiter.name in body
    assert "Event number 30" in text(older)
    assert "Event number 34" in text(older)
    assert "Event number 29" not in text(older)
    assert "← Newer" in text(older)


def test_older_timeline_pages_come_as_an_htmx_fragment(client, recruiter, candidate):
    for n in range(35):
        ActivityFactory(candidate=candidate, summary=f"Event number {n:02d}")
    client.force_login(recruiter)

    response = client.get(detail_url(candidate), {"page": "2"}, **HTMX)

    body = text(response)
    assert "<html" not in body
    assert body.lstrip().startswith('<section id="timeline"')
    assert "Applications" not in body
    assert 'hx-target="#timeline"' in body
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("page", ["abc", "999", "0"])
def test_a_bad_timeline_page_number_shows_a_real_page(client, recruiter, candidate, page):
    ActivityFactory(candidate=candidate, summary="Left a voicemail")
    client.force_login(recruiter)

    response = client.get(detail_url(candidate), {"page": page})

    assert response.status_code == 200
    assert "Left a voicemail" in text(response)


@pytest.mark.parametrize(("activities", "applications", "commitments"), [(5, 1, 1), (80, 6, 8)])
def test_the_detail_page_runs_a_fixed_number_of_queries(
    client,
    recruiter,
    candidate,
    django_assert_max_num_queries,
    activities,
    applications,
    commitments,
):
    for _ in range(activities):
        ActivityFactory(
            candidate=candidate,
            actor=recruiter,
            requisition=RequisitionFactory(),
        )
    for _ in range(applications):
        PlacementFactory(application__candidate=candidate)
    for _ in range(commitments):
        CommitmentFactory(candidate=candidate, recruiter=recruiter)
    client.force_login(recruiter)

    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(detail_url(candidate))
    with django_assert_max_num_queries(DETAIL_QUERIES):
        client.get(detail_url(candidate), {"page": "2"}, **HTMX)

    assert response.status_code == 200
