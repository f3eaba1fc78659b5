from __future__ import annotations

import datetime
import html
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from candidates import search
from candidates.models import Activity, Application, Candidate, Commitment, Placement
from candidates.selectors import SCHEDULED_SHOWN
from followups import services as followup_services
from followups.models import FollowUp
from followups.selectors import CANDIDATE_TASKS_SHOWN
from tests.candidates.factories import (
    ActivityFactory,
    ApplicationFactory,
    CandidateFactory,
    CommitmentFactory,
    PlacementFactory,
    TagFactory,
)
from tests.followups.factories import FollowUpFactory, MessageTemplateFactory
from tests.hiring_leaders.factories import RequisitionFactory
from tests.recruitcrm.factories import RecruiterFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("candidates:candidate_list")
HTMX = {"HTTP_HX_REQUEST": "true"}

# Session, user, one statement for the page from the sort's index with its capped count and its
# rows (owners joined, tags aggregated), and the filters' choices (the viewer's requisitions and
# the tag names, one statement).
LIST_QUERIES = 4
# A search or a pipeline filter adds the planner's estimate (EXPLAIN, nothing run); a search
# adds one query for the tags its words might name, and one more per word that names a tag; a
# tag filter looks its tag up. The most the list runs: ten.
FILTERED_QUERIES = 8
MOST_QUERIES = 10
# Session, user, candidate (+ owner, tag names, applications, requisition, company,
# placement, open promises, the placements' check-in answers, open tasks and scheduled emails,
# and the timeline's newest page).
DETAIL_QUERIES = 3
# An action over htmx: the candidate as the page reads it, the service's writes (the activity,
# last-contacted, the follow-ups it cancels), then the changed parts read again.
ACTION_QUERIES = 12


def url(name: str, *args) -> str:
    return reverse(f"candidates:{name}", args=args)


def text(response) -> str:
    return response.content.decode()


def link_param(response, param: str) -> str:
    """The value of `param` in the first link on the page that carries it."""
    for href in re.findall(r'href="([^"]*)"', text(response)):
        values = parse_qs(urlsplit(html.unescape(href)).query).get(param)
        if values:
            return values[0]
    raise AssertionError(f"no link on the page carries {param}=")


def shown_in_order(response, names: list[str]) -> list[str]:
    """Which of `names` the page shows, in the order it shows them."""
    page = text(response)
    return sorted((name for name in names if name in page), key=page.index)


def timeline(candidate) -> list[tuple[str, str]]:
    return list(
        Activity.objects.filter(candidate=candidate)
        .order_by("occurred_at", "pk")
        .values_list("kind", "summary")
    )


# ---------- who may reach what ----------


@pytest.fixture
def application(candidate, recruiter):
    return ApplicationFactory(
        candidate=candidate, requisition=RequisitionFactory(recruiter=recruiter)
    )


@pytest.fixture
def commitment(candidate, recruiter):
    return CommitmentFactory(candidate=candidate, recruiter=recruiter)


def every_url(candidate, application, commitment) -> list[tuple[str, str]]:
    c, a = candidate.pk, application.pk
    return [
        ("get", LIST_URL),
        ("get", url("candidate_create")),
        ("post", url("candidate_create")),
        ("get", f"{url('candidate_bulk')}?action=note&candidate={c}"),
        ("post", url("candidate_bulk")),
        ("get", url("candidate_detail", c)),
        ("get", url("candidate_edit", c)),
        ("post", url("candidate_edit", c)),
        ("post", url("candidate_tags", c)),
        ("post", url("activity_log", c)),
        ("post", url("commitment_make", c)),
        ("post", url("commitment_keep", c, commitment.pk)),
        ("post", url("message_take_back", c, 1)),
        ("get", url("application_add", c)),
        ("post", url("application_add", c)),
        ("post", url("application_move", c, a)),
        ("post", url("application_close", c, a)),
        ("post", url("application_reopen", c, a)),
    ]


def test_hiring_leaders_get_not_found_on_every_candidate_url(
    client, leader, candidate, application, commitment
):
    # A name no Faker name contains: a random one could be the leader's own, in the top bar.
    candidate.first_name, candidate.last_name = "Ottilie", "Lindqvist"
    candidate.save(update_fields=["first_name", "last_name"])
    client.force_login(leader.user)
    for method, address in every_url(candidate, application, commitment):
        response = getattr(client, method)(address, {"candidate": candidate.pk})
        assert response.status_code == 404, (method, address)
        assert candidate.name not in text(response)
    assert Activity.objects.filter(candidate=candidate).count() == 0


def test_anonymous_visitors_are_sent_to_sign_in(client, candidate, application, commitment):
    for method, address in every_url(candidate, application, commitment):
        response = getattr(client, method)(address)
        assert response.status_code == 302, (method, address)
        assert response.url.startswith(reverse("login"))


def test_actions_only_take_posts(client, recruiter, candidate, application, commitment):
    client.force_login(recruiter)
    for method, address in every_url(candidate, application, commitment):
        if method == "post" and "/new/" not in address and "/edit/" not in address:
            if "bulk" in address or address.endswith("/applications/"):
                continue
            assert client.get(address).status_code == 405, address


@pytest.mark.parametrize(
    "name",
    [
        "candidate_detail",
        "candidate_edit",
        "candidate_tags",
        "activity_log",
        "commitment_make",
        "application_add",
    ],
)
def test_an_unknown_candidate_is_not_found(client, recruiter, name):
    client.force_login(recruiter)
    method = client.get if name in ("candidate_detail", "candidate_edit") else client.post

    assert method(url(name, 987654)).status_code == 404


@pytest.mark.parametrize("action", ["application_move", "application_close", "application_reopen"])
def test_another_candidates_application_is_not_found(client, recruiter, candidate, action):
    someone_else = ApplicationFactory()
    client.force_login(recruiter)

    response = client.post(url(action, candidate.pk, someone_else.pk), {"stage": "screened"})

    assert response.status_code == 404
    someone_else.refresh_from_db()
    assert someone_else.stage == "sourced"


def test_another_candidates_promise_is_not_found(client, recruiter, candidate):
    someone_elses = CommitmentFactory()
    client.force_login(recruiter)

    response = client.post(url("commitment_keep", candidate.pk, someone_elses.pk))

    assert response.status_code == 404
    someone_elses.refresh_from_db()
    assert someone_elses.status == "open"


def test_admins_work_the_candidate_pages_too(client, admin_user, candidate):
    client.force_login(admin_user)

    assert candidate.name in text(client.get(LIST_URL))
    assert client.get(url("candidate_detail", candidate.pk)).status_code == 200


# ---------- the list ----------


def test_the_list_shows_each_candidate_with_contact_owner_and_times(
    client, recruiter, other_recruiter
):
    contacted = timezone.now() - datetime.timedelta(days=3, hours=1)
    ada = CandidateFactory(
        first_name="Ada",
        last_name="Lovelace",
        email="ada@mail.example",
        phone="+44 20 7946 0000",
        headline="Staff engineer",
        owner=recruiter,
        last_contacted_at=contacted,
    )
    ada.tags.add(TagFactory(name="python"))
    CandidateFactory(
        first_name="Grace", last_name="Hopper", owner=other_recruiter, opted_out_at=timezone.now()
    )
    client.force_login(recruiter)

    body = text(client.get(LIST_URL))

    assert f'href="{ada.get_absolute_url()}">Ada Lovelace</a>' in body
    assert "ada@mail.example" in body
    assert "+44 20 7946 0000" in body
    assert "Staff engineer" in body
    assert '<span class="tag">python</span>' in body
    assert other_recruiter.name in body
    assert ">You<" in body
    assert ">3 days ago<" in body
    assert "Opted out" in body
    assert "Never" in body
    assert "2 candidates · name, a to z" in body
    assert f'name="candidate" value="{ada.pk}" form="bulk-actions"' in body
    assert 'aria-label="Select Ada Lovelace"' in body


def test_the_list_explains_itself_when_there_are_no_candidates(client, recruiter):
    client.force_login(recruiter)

    body = text(client.get(LIST_URL))

    assert "No candidates yet" in body
    assert "Add the first candidate" in body
    assert "<table" not in body


def test_the_list_says_when_nothing_matches(client, recruiter, candidate):
    # A name no Faker name contains: a random one could be the recruiter's own, in the top bar.
    candidate.first_name, candidate.last_name = "Ottilie", "Lindqvist"
    candidate.save(update_fields=["first_name", "last_name"])
    client.force_login(recruiter)

    body = text(client.get(LIST_URL, {"q": "zzzz", "owner": "me"}))

    assert "No candidates match “zzzz” among yours" in body
    assert "Show all candidates" in body
    assert candidate.name not in body


def test_the_urls_other_pages_link_to_filter_the_list(client, recruiter):
    requisition = RequisitionFactory(recruiter=recruiter, title="Platform Lead")
    in_it = ApplicationFactory(
        requisition=requisition,
        stage="screened",
        candidate__last_contacted_at=timezone.now() - datetime.timedelta(days=2),
    ).candidate
    in_it.tags.add(TagFactory(name="go"))
    CandidateFactory(first_name="Not", last_name="There")
    client.force_login(recruiter)

    response = client.get(
        LIST_URL,
        {
            "q": in_it.first_name,
            "owner": "",
            "stage": "screened",
            "requisition": requisition.pk,
            "quiet": "1",
            "opted_out": "0",
            "tag": "go",
            "sort": "-added",
        },
    )

    body = text(response)
    assert in_it.name in body
    assert "Not There" not in body
    assert f'<option value="{requisition.pk}" selected>Platform Lead' in body
    assert '<option value="screened" selected>' in body
    assert '<option value="-added" selected>' in body
    assert "Filters and sort · 6 on" in body


def test_only_mine_still_works_from_old_links(client, recruiter, other_recruiter):
    CandidateFactory(first_name="Mine", last_name="Person", owner=recruiter)
    CandidateFactory(first_name="Theirs", last_name="Person", owner=other_recruiter)
    client.force_login(recruiter)

    for params in ({"mine": "on"}, {"owner": "me"}, {"owner": str(recruiter.pk)}):
        body = text(client.get(LIST_URL, params))
        assert "Mine Person" in body
        assert "Theirs Person" not in body


def test_another_owner_is_named_in_the_filter(client, recruiter, other_recruiter):
    CandidateFactory(owner=other_recruiter)
    client.force_login(recruiter)

    body = text(client.get(LIST_URL, {"owner": other_recruiter.pk}))

    assert f'<option value="{other_recruiter.pk}" selected>{other_recruiter.name}</option>' in body


def test_the_count_under_filters_agrees_with_its_number(client, recruiter, other_recruiter):
    CandidateFactory(owner=other_recruiter)
    client.force_login(recruiter)

    one = text(client.get(LIST_URL, {"owner": other_recruiter.pk}))
    CandidateFactory(owner=other_recruiter)
    two = text(client.get(LIST_URL, {"owner": other_recruiter.pk}))

    assert "1 candidate matches the filters" in one
    assert "2 candidates match the filters" in two


@pytest.mark.parametrize(
    ("params", "explained"),
    [
        ({"q": "x" * 500}, "at most 100 characters"),
        ({"owner": "nobody"}, "Owner must be"),
        ({"stage": "astronaut"}, "not a stage"),
        ({"requisition": "abc"}, "not a requisition number"),
        ({"quiet": "-3"}, "number of days"),
        ({"opted_out": "maybe"}, "opted out or not"),
        ({"sort": "salary"}, "Unknown sort"),
    ],
)
def test_a_bad_filter_is_explained_and_ignored(client, recruiter, candidate, params, explained):
    client.force_login(recruiter)

    response = client.get(LIST_URL, params)

    assert response.status_code == 200
    assert explained in text(response)
    assert candidate.name in text(response)


def test_column_headings_sort_and_reverse(client, recruiter, candidate):
    client.force_login(recruiter)

    by_name = text(client.get(LIST_URL))
    reversed_names = text(client.get(LIST_URL, {"sort": "name"}))

    assert 'aria-sort="ascending"><a class="sort-link" href="?sort=-name"' in by_name
    assert 'href="?sort=contacted"' in by_name
    assert 'href="?sort=-added"' in by_name
    assert 'href="?sort=-name"' in reversed_names


def test_the_readme_names_exactly_the_columns_that_sort(client, recruiter, candidate):
    client.force_login(recruiter)
    headings = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', text(client.get(LIST_URL)))
    named = {re.sub(r"<[^>]+>|[▲▼]", "", heading).strip().lower(): heading for heading in headings}
    sortable = {name for name, heading in named.items() if "sort-link" in heading}
    fixed = {name for name, heading in named.items() if name and "sort-link" not in heading}
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    (promise,) = re.findall(r"sort by ([^;]+);", " ".join(readme.split()))

    assert sortable == {"name", "last contacted", "added"}
    assert fixed == {"contact", "owner"}
    assert all(re.search(rf"\b{name}\b", promise) for name in sortable), promise
    assert not any(re.search(rf"\b{name}\b", promise) for name in fixed), promise
    assert "any column" not in promise


def test_pages_go_forward_back_and_to_the_end(client, recruiter, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES_PER_PAGE", 2)
    for n in range(5):
        CandidateFactory(first_name="Person", last_name=f"Number{n}")
    client.force_login(recruiter)

    everyone = [f"Number{n}" for n in range(5)]
    first = client.get(LIST_URL)
    second = client.get(LIST_URL, {"after": link_param(first, "after")})
    back = client.get(LIST_URL, {"before": link_param(second, "before")})
    last = client.get(LIST_URL, {"before": "end"})

    assert shown_in_order(first, everyone) == ["Number0", "Number1"]
    assert "« First" not in text(first)
    assert shown_in_order(second, everyone) == ["Number2", "Number3"]
    assert "« First" in text(second)
    assert "?before=end" in text(second)
    assert shown_in_order(back, everyone) == ["Number0", "Number1"]
    assert shown_in_order(last, everyone) == ["Number3", "Number4"]
    assert 'aria-hidden="true">Next →' in text(last)


def test_an_htmx_search_returns_only_the_results(client, recruiter):
    CandidateFactory(first_name="Annabel", last_name="Smithers")
    CandidateFactory(first_name="Boris", last_name="Jones")
    client.force_login(recruiter)

    response = client.get(LIST_URL, {"q": "ann"}, **HTMX)

    body = text(response)
    assert "<html" not in body
    assert 'id="id_q"' not in body
    assert body.lstrip().startswith('<div id="candidate-table">')
    assert "Annabel Smithers" in body
    assert "Boris Jones" not in body
    assert "1 candidate matching “ann”" in body
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(client, recruiter, candidate):
    client.force_login(recruiter)

    response = client.get(LIST_URL, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)

    assert "<html" in text(response)


def test_the_full_page_searches_without_javascript_and_with_htmx(client, recruiter, candidate):
    client.force_login(recruiter)

    body = text(client.get(LIST_URL, {"q": "someone"}))

    assert 'method="get"' in body
    assert 'name="q" id="id_q" value="someone"' in body
    assert 'data-hx-trigger="input changed delay:300ms, search"' in body
    assert 'data-hx-target="#candidate-table"' in body
    assert '<label for="id_q">Search candidates</label>' in body
    assert "Add a candidate" in body


@pytest.mark.parametrize("rows", [3, 60])
def test_the_list_runs_a_fixed_number_of_queries(
    client, recruiter, other_recruiter, django_assert_max_num_queries, rows
):
    tag = TagFactory(name="python")
    requisition = RequisitionFactory(recruiter=recruiter)
    for n in range(rows):
        candidate = CandidateFactory(owner=recruiter if n % 2 else other_recruiter)
        candidate.tags.add(tag)
        ApplicationFactory(candidate=candidate, requisition=requisition)
    client.force_login(recruiter)

    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(LIST_URL)
    with django_assert_max_num_queries(FILTERED_QUERIES):
        client.get(LIST_URL, {"owner": "me", "requisition": requisition.pk, "sort": "contacted"})
    with django_assert_max_num_queries(FILTERED_QUERIES):
        client.get(LIST_URL, {"q": "a", "before": "end"}, **HTMX)
    with django_assert_max_num_queries(MOST_QUERIES):
        client.get(LIST_URL, {"q": "python", "tag": "python"})

    assert response.status_code == 200


# ---------- create and edit ----------


def candidate_data(recruiter, **changes) -> dict:
    data = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@mail.example",
        "phone": "+44 20 7946 0000",
        "headline": "Staff engineer",
        "location": "London",
        "time_zone": "Europe/London",
        "source": "referral",
        "owner": recruiter.pk,
        "tags": "python, Remote",
    }
    return data | changes


def test_a_recruiter_can_add_a_candidate(client, recruiter):
    client.force_login(recruiter)

    form = client.get(url("candidate_create"))
    response = client.post(url("candidate_create"), candidate_data(recruiter))

    assert 'name="first_name"' in text(form)
    assert '<label for="id_tags">Tags</label>' in text(form)
    ada = Candidate.objects.get()
    assert response.status_code == 302
    assert response.url == ada.get_absolute_url()
    assert (ada.owner, ada.source, ada.time_zone) == (recruiter, "referral", "Europe/London")
    assert sorted(ada.tags.values_list("name", flat=True), key=str.lower) == ["python", "Remote"]
    page = text(client.get(response.url))
    assert "Ada Lovelace is on file" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"first_name": ""}, "This field is required."),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"phone": "12"}, "“12” is not a phone number: it has fewer than 5 digits."),
        ({"time_zone": "Mars/Olympus"}, "is not a time zone we know"),
        ({"source": "carrier-pigeon"}, "Select a valid choice"),
        ({"tags": "x" * 60}, "too long for a tag"),
    ],
)
def test_bad_input_re_renders_with_a_message_and_writes_nothing(
    client, recruiter, changes, message
):
    client.force_login(recruiter)

    response = client.post(url("candidate_create"), candidate_data(recruiter, **changes))

    assert response.status_code == 200
    assert message in text(response)
    assert 'aria-invalid="true"' in text(response) or "alert" in text(response)
    assert not Candidate.objects.exists()
    assert not Activity.objects.exists()


def test_a_bad_email_and_a_bad_phone_are_both_named_in_one_round(client, recruiter):
    client.force_login(recruiter)

    response = client.post(
        url("candidate_create"), candidate_data(recruiter, email="ada@", phone="12")
    )

    body = text(response)
    assert "Enter a valid email address." in body
    assert "“12” is not a phone number: it has fewer than 5 digits." in body
    assert not Candidate.objects.exists()


def test_a_likely_duplicate_is_named_and_can_be_opened_or_saved_anyway(client, recruiter):
    existing = CandidateFactory(
        first_name="Ada", last_name="Lovelace", phone="020 7946 0000", email=""
    )
    client.force_login(recruiter)

    warned = client.post(url("candidate_create"), candidate_data(recruiter))

    body = text(warned)
    assert "This looks like someone already on file" in body
    assert f'href="{existing.get_absolute_url()}"' in body
    assert "Open Ada Lovelace\u2019s record" in body
    assert f'name="accept_duplicates" value="{existing.pk}"' in body
    assert Candidate.objects.count() == 1

    saved = client.post(
        url("candidate_create"), candidate_data(recruiter, accept_duplicates=str(existing.pk))
    )

    assert saved.status_code == 302
    assert Candidate.objects.count() == 2


def test_someone_elses_email_can_only_be_opened(client, recruiter):
    existing = CandidateFactory(email="ada@mail.example")
    client.force_login(recruiter)

    response = client.post(
        url("candidate_create"),
        candidate_data(recruiter, first_name="Other", accept_duplicates=str(existing.pk)),
    )

    body = text(response)
    assert "This email address already belongs to someone on file" in body
    assert f'href="{existing.get_absolute_url()}"' in body
    assert "Save anyway" not in body
    assert Candidate.objects.count() == 1
    # The field itself says so, where a screen reader looks for what to fix.
    email_field = body.split('name="email"')[1].split(">")[0]
    assert 'aria-invalid="true"' in email_field
    assert (
        '<p class="field__error" id="id_email_error">Someone on file has this address: open '
        "their record above.</p>" in body
    )


def test_a_recruiter_can_edit_a_candidate(client, recruiter, candidate):
    candidate.tags.add(TagFactory(name="go"))
    client.force_login(recruiter)

    form = text(client.get(url("candidate_edit", candidate.pk)))
    response = client.post(
        url("candidate_edit", candidate.pk),
        candidate_data(recruiter, email=candidate.email, headline="Principal engineer"),
    )

    assert f'value="{candidate.email}"' in form
    assert 'value="go"' in form
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.headline == "Principal engineer"
    assert "Details updated" in timeline(candidate)[-2][1]


def test_an_edit_with_bad_input_changes_nothing(client, recruiter, candidate):
    client.force_login(recruiter)
    before = candidate.first_name

    response = client.post(
        url("candidate_edit", candidate.pk), candidate_data(recruiter, email="x")
    )

    assert response.status_code == 200
    candidate.refresh_from_db()
    assert candidate.first_name == before
    assert not Activity.objects.filter(candidate=candidate).exists()


# ---------- the candidate page ----------


def detail(client, candidate, **params):
    return text(client.get(url("candidate_detail", candidate.pk), params))


def test_the_page_shows_the_whole_relationship(client, recruiter, other_recruiter):
    candidate = CandidateFactory(
        first_name="Ada",
        last_name="Lovelace",
        email="ada@mail.example",
        phone="+44 (20) 7946-0000",
        headline="Staff engineer",
        location="London",
        owner=other_recruiter,
        source="referral",
    )
    candidate.tags.add(TagFactory(name="python"))
    requisition = RequisitionFactory(title="Platform Lead", hiring_leader__company__name="Acme")
    ApplicationFactory(candidate=candidate, requisition=requisition, stage="interviewing")
    CommitmentFactory(candidate=candidate, recruiter=recruiter, description="Call back Friday")
    FollowUpFactory(
        candidate=candidate,
        template=MessageTemplateFactory(name="Interview: what to expect"),
        due_at=timezone.now() + datetime.timedelta(days=1),
    )
    ActivityFactory(candidate=candidate, summary="Spoke about the role", actor=recruiter)
    client.force_login(recruiter)

    body = detail(client, candidate)

    assert '<h1 id="candidate-name">Ada Lovelace</h1>' in body
    assert 'href="tel:+442079460000"' in body
    assert 'href="mailto:ada@mail.example"' in body
    assert "?tag=python" in body
    assert other_recruiter.name in body
    assert "Referral" in body
    assert "Platform Lead" in body
    assert "Acme" in body
    assert 'class="badge badge--interviewing">Interviewing<' in body
    assert "Call back Friday" in body
    assert "Interview: what to expect" in body
    assert "Spoke about the role" in body
    assert f"/messages/new/?candidate={candidate.pk}" in body
    assert url("candidate_edit", candidate.pk) in body


def test_the_page_says_what_each_empty_section_is_for(client, recruiter, candidate):
    client.force_login(recruiter)

    body = detail(client, candidate)

    assert "Not in any pipeline yet" in body
    assert "No open promises" in body
    assert "No open tasks" in body
    assert "No emails waiting to go" in body
    assert "Nothing on the timeline yet" in body


def test_the_timeline_pages_by_cursor_newest_first(client, recruiter, candidate):
    now = timezone.now()
    for n in range(35):
        ActivityFactory(
            candidate=candidate,
            summary=f"Event number {n:02d}",
            occurred_at=now - datetime.timedelta(hours=n),
        )
    client.force_login(recruiter)

    first = client.get(url("candidate_detail", candidate.pk))
    cursor = link_param(first, "older")
    older = client.get(url("candidate_detail", candidate.pk), {"older": cursor}, **HTMX)

    assert text(first).index("Event number 00") < text(first).index("Event number 29")
    assert "Event number 30" not in text(first)
    assert f"?older={cursor}" in text(first)
    assert text(older).lstrip().startswith('<section id="timeline"')
    assert "Event number 30" in text(older)
    assert "Event number 29" not in text(older)
    assert "← Newer" in text(older)


@pytest.mark.parametrize(("activities", "applications", "commitments"), [(5, 1, 1), (80, 6, 8)])
def test_the_page_runs_a_fixed_number_of_queries(
    client,
    recruiter,
    candidate,
    django_assert_max_num_queries,
    activities,
    applications,
    commitments,
):
    for _ in range(activities):
        ActivityFactory(candidate=candidate, actor=recruiter, requisition=RequisitionFactory())
    for _ in range(applications):
        PlacementFactory(application__candidate=candidate)
    ApplicationFactory.create_batch(applications, candidate=candidate)
    for _ in range(commitments):
        CommitmentFactory(candidate=candidate, recruiter=recruiter)
    FollowUpFactory.create_batch(commitments, candidate=candidate)
    candidate.tags.add(*TagFactory.create_batch(commitments))
    client.force_login(recruiter)

    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(url("candidate_detail", candidate.pk))
    with django_assert_max_num_queries(ACTION_QUERIES):
        client.post(url("activity_log", candidate.pk), {"kind": "call", "summary": "x"}, **HTMX)

    assert response.status_code == 200


def test_open_promises_say_whose_they_are_for_which_role_soonest_first(
    client, recruiter, other_recruiter, candidate, django_assert_max_num_queries
):
    now = timezone.now()
    late = CommitmentFactory(
        candidate=candidate,
        recruiter=recruiter,
        description="Call back about the salary",
        due_at=now - datetime.timedelta(hours=3, microseconds=4321),
    )
    CommitmentFactory(
        candidate=candidate,
        recruiter=other_recruiter,
        requisition=RequisitionFactory(title="Platform Lead"),
        description="Send the offer letter",
        due_at=now + datetime.timedelta(days=2),
    )
    CommitmentFactory(
        candidate=candidate,
        recruiter=recruiter,
        description="Already kept",
        status=Commitment.Status.KEPT,
        kept_at=now,
        due_at=now + datetime.timedelta(days=1),
    )
    CommitmentFactory(recruiter=recruiter, description="Owed to another candidate")
    client.force_login(recruiter)

    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(url("candidate_detail", candidate.pk))

    promises = text(response).split('id="promises"')[1].split("</section>")[0]
    assert "· 2 open" in promises
    assert shown_in_order(response, ["Send the offer letter", "Call back about the salary"]) == [
        "Call back about the salary",
        "Send the offer letter",
    ]
    assert "Already kept" not in promises
    assert "Owed to another candidate" not in promises
    assert "Your promise · " in promises
    assert f"{other_recruiter.name}\u2019s promise · Platform Lead · due" in promises
    assert promises.count('<span class="badge badge--late">Late</span>') == 1
    due = timezone.localtime(late.due_at).isoformat(timespec="milliseconds")
    assert f'<time datetime="{due}"' in promises


# ---------- everyday actions: each over htmx and as a plain form ----------


def test_logging_a_call_over_htmx_swaps_what_changed(client, recruiter, candidate):
    client.force_login(recruiter)

    response = client.post(
        url("activity_log", candidate.pk),
        {"kind": "call", "summary": "Left a voicemail", "body": "Will try Friday"},
        **HTMX,
    )

    body = text(response)
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="candidate-flash" data-hx-swap-oob="innerHTML"' in body
    assert "Logged the call with" in body
    for part in ("contact-card", "timeline", "tasks", "emails", "log-form"):
        assert f'id="{part}"' in body
    assert 'id="promises"' not in body
    assert timeline(candidate)[-1] == ("call", "Left a voicemail")
    candidate.refresh_from_db()
    assert candidate.last_contacted_at is not None


def test_logging_a_note_without_javascript_redirects_back(client, recruiter, candidate):
    client.force_login(recruiter)

    response = client.post(
        url("activity_log", candidate.pk), {"kind": "note", "summary": "Prefers mornings"}
    )

    assert response.status_code == 302
    assert response.url == f"{candidate.get_absolute_url()}#timeline"
    assert "Added the note" in text(client.get(response.url))
    candidate.refresh_from_db()
    assert candidate.last_contacted_at is None


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_logging_nothing_explains_and_writes_nothing(client, recruiter, candidate, htmx):
    client.force_login(recruiter)

    response = client.post(
        url("activity_log", candidate.pk), {"kind": "call", "summary": ""}, **(HTMX if htmx else {})
    )

    assert response.status_code == 200
    assert "Say in a few words what happened." in text(response)
    assert "Nothing was saved" in text(response)
    assert ("<html" in text(response)) is not htmx
    assert not Activity.objects.filter(candidate=candidate).exists()


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_a_recruiter_can_make_a_promise(client, recruiter, candidate, htmx):
    client.force_login(recruiter)
    due = timezone.localdate() + datetime.timedelta(days=3)

    response = client.post(
        url("commitment_make", candidate.pk),
        {"description": "Send the offer", "due_date": due.isoformat(), "due_time": "10:00"},
        **(HTMX if htmx else {}),
    )

    commitment = Commitment.objects.get()
    assert commitment.description == "Send the offer"
    assert timezone.localtime(commitment.due_at).hour == 10
    assert commitment.recruiter == recruiter
    if htmx:
        assert 'id="promises"' in text(response)
        assert "Promise to" in text(response)
    else:
        assert response.url == f"{candidate.get_absolute_url()}#promises"


def test_a_promise_without_a_time_is_due_at_the_end_of_the_day(client, recruiter, candidate):
    client.force_login(recruiter)
    due = timezone.localdate() + datetime.timedelta(days=2)

    client.post(
        url("commitment_make", candidate.pk), {"description": "Call", "due_date": due.isoformat()}
    )

    assert timezone.localtime(Commitment.objects.get().due_at).time() == datetime.time(17, 0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"description": "", "due_date": "2030-01-01"}, "Say what you promised."),
        ({"description": "Call", "due_date": ""}, "Say by when."),
        ({"description": "Call", "due_date": "2001-01-01"}, "That time has passed"),
        ({"description": "Call", "due_date": "next week"}, "Enter a date"),
    ],
)
def test_a_bad_promise_is_explained_and_not_made(client, recruiter, candidate, data, message):
    client.force_login(recruiter)

    response = client.post(url("commitment_make", candidate.pk), data, **HTMX)

    assert message in text(response)
    assert not Commitment.objects.exists()


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_a_recruiter_can_keep_a_promise(client, recruiter, candidate, commitment, htmx):
    client.force_login(recruiter)

    response = client.post(
        url("commitment_keep", candidate.pk, commitment.pk), **(HTMX if htmx else {})
    )

    commitment.refresh_from_db()
    assert commitment.status == "kept"
    if htmx:
        assert "Kept (on time): Send interview feedback." in text(response)
        assert "No open promises" in text(response)
    else:
        assert response.status_code == 302


def test_keeping_a_kept_promise_again_changes_nothing(client, recruiter, candidate, commitment):
    client.force_login(recruiter)
    client.post(url("commitment_keep", candidate.pk, commitment.pk))

    response = client.post(url("commitment_keep", candidate.pk, commitment.pk), **HTMX)

    assert "was already kept" in text(response)
    assert timeline(candidate).count(("commitment", "Kept (on time): Send interview feedback")) == 1


def _sent_by_hand(candidate, recruiter) -> FollowUp:
    template = MessageTemplateFactory(name="Quick hello", subject="Hi", body="Hello")
    return followup_services.message_send(template=template, to=candidate, by=recruiter)


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_a_recruiter_takes_back_a_message_they_sent_from_the_page(
    client, recruiter, candidate, htmx
):
    sent = _sent_by_hand(candidate, recruiter)
    client.force_login(recruiter)
    before = text(client.get(url("candidate_detail", candidate.pk)))
    assert f'action="{url("message_take_back", candidate.pk, sent.pk)}"' in before
    assert "goes within a couple of minutes" in before  # not "goes just now", a minute on

    response = client.post(
        url("message_take_back", candidate.pk, sent.pk), **(HTMX if htmx else {})
    )

    sent.refresh_from_db()
    assert sent.state == "cancelled"
    page = text(response if htmx else client.get(response.url))
    assert f"Took back “Quick hello”: it will not be sent to {candidate.first_name}." in page
    assert "No emails waiting to go" in page


def test_a_message_that_has_gone_cannot_be_taken_back(client, recruiter, candidate):
    sent = _sent_by_hand(candidate, recruiter)
    FollowUp.objects.filter(pk=sent.pk).update(state="sent", sent_at=timezone.now())
    client.force_login(recruiter)

    response = client.post(url("message_take_back", candidate.pk, sent.pk), **HTMX)

    assert "Too late to undo: the message has already gone." in text(response)


def test_only_the_sender_takes_back_a_message_and_only_one_sent_by_hand(
    client, recruiter, candidate
):
    colleague = RecruiterFactory()
    theirs = _sent_by_hand(candidate, colleague)
    cadence_email = FollowUpFactory(candidate=candidate, recruiter=recruiter)
    client.force_login(recruiter)

    page = text(client.get(url("candidate_detail", candidate.pk)))
    responses = [
        client.post(url("message_take_back", candidate.pk, followup.pk))
        for followup in (theirs, cadence_email)
    ]

    assert "Take back" not in page
    assert [r.status_code for r in responses] == [404, 404]
    assert set(FollowUp.objects.values_list("state", flat=True)) == {"scheduled"}


def test_the_add_to_requisition_form_comes_when_asked(client, recruiter, candidate):
    mine = RequisitionFactory(recruiter=recruiter, title="Platform Lead")
    RequisitionFactory(title="Someone else's role")
    ApplicationFactory(
        candidate=candidate, requisition=RequisitionFactory(recruiter=recruiter, title="Already in")
    )
    ApplicationFactory(
        candidate=candidate,
        requisition=RequisitionFactory(recruiter=recruiter, title="Rejected for"),
        outcome="rejected",
        closed_at=timezone.now(),
        close_reason="Not a fit",
    )
    client.force_login(recruiter)

    fragment = text(client.get(url("application_add", candidate.pk), **HTMX))
    page = text(client.get(url("application_add", candidate.pk)))

    assert fragment.lstrip().startswith('<form id="add-form"')
    assert f'<option value="{mine.pk}">Platform Lead' in fragment
    assert "Already in" not in fragment
    assert "Rejected for" not in fragment  # reopened from its pipeline, not added twice
    assert "Someone else" not in fragment
    assert "<html" in page
    assert "Add to a requisition" in page


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_a_recruiter_can_add_a_candidate_to_a_requisition(client, recruiter, candidate, htmx):
    requisition = RequisitionFactory(recruiter=recruiter, title="Platform Lead")
    client.force_login(recruiter)

    response = client.post(
        url("application_add", candidate.pk),
        {"requisition": requisition.pk},
        **(HTMX if htmx else {}),
    )

    assert Application.objects.get().requisition == requisition
    if htmx:
        assert "Added" in text(response)
        assert 'id="pipelines"' in text(response)
    else:
        assert response.url == f"{candidate.get_absolute_url()}#pipelines"


def test_adding_to_a_requisition_not_offered_writes_nothing(client, recruiter, candidate):
    RequisitionFactory(recruiter=recruiter)
    client.force_login(recruiter)

    response = client.post(
        url("application_add", candidate.pk), {"requisition": RequisitionFactory().pk}
    )

    assert "Choose one of your open requisitions." in text(response)
    assert not Application.objects.exists()


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_a_recruiter_can_move_a_stage(client, recruiter, candidate, application, htmx):
    client.force_login(recruiter)

    response = client.post(
        url("application_move", candidate.pk, application.pk),
        {"stage": "screened"},
        **(HTMX if htmx else {}),
    )

    application.refresh_from_db()
    assert application.stage == "screened"
    assert application.stage_changes.count() == 1
    if htmx:
        assert "Moved" in text(response)
        assert 'class="badge badge--screened">Screened<' in text(response)
    else:
        assert response.status_code == 302


def test_hiring_asks_for_a_start_date(client, recruiter, candidate, application):
    client.force_login(recruiter)

    refused = client.post(
        url("application_move", candidate.pk, application.pk), {"stage": "hired"}, **HTMX
    )
    start = timezone.localdate() + datetime.timedelta(days=14)
    hired = client.post(
        url("application_move", candidate.pk, application.pk),
        {"stage": "hired", "start_date": start.isoformat()},
        **HTMX,
    )

    assert "A hire needs a start date" in text(refused)
    assert "is hired for" in text(hired)
    assert Placement.objects.get().start_date == start
    assert 'id="checkins"' in text(hired)
    assert "Post-hire check-ins" in text(hired)


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_a_recruiter_can_close_with_an_outcome_and_reason(
    client, recruiter, candidate, application, htmx
):
    client.force_login(recruiter)

    response = client.post(
        url("application_close", candidate.pk, application.pk),
        {"outcome": "withdrawn", "reason": "Took another offer"},
        **(HTMX if htmx else {}),
        follow=not htmx,
    )

    application.refresh_from_db()
    assert (application.outcome, application.close_reason) == ("withdrawn", "Took another offer")
    # The confirmation says what goes to the candidate: for someone who withdrew, nothing.
    assert (
        f"Closed {candidate.name}\u2019s application for {application.requisition.title} as "
        "withdrawn. The reason is on their timeline, for your team. Nothing is sent "
        "automatically for this."
    ) in html.unescape(text(response))


def test_closing_without_a_reason_writes_nothing(client, recruiter, candidate, application):
    client.force_login(recruiter)

    response = client.post(
        url("application_close", candidate.pk, application.pk), {"outcome": "rejected"}
    )

    assert "Say why, in a few words." in text(response)
    assert '<details class="inline-edit" open>' in text(response)
    application.refresh_from_db()
    assert application.is_active


def test_a_closed_application_can_be_reopened(client, recruiter, candidate, application):
    client.force_login(recruiter)
    client.post(
        url("application_close", candidate.pk, application.pk),
        {"outcome": "rejected", "reason": "Not now"},
    )

    response = client.post(
        url("application_reopen", candidate.pk, application.pk), {"stage": "contacted"}, **HTMX
    )

    application.refresh_from_db()
    assert application.is_active
    assert application.stage == "contacted"
    assert "Reopened" in text(response)


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_a_recruiter_can_set_tags(client, recruiter, candidate, htmx):
    client.force_login(recruiter)

    response = client.post(
        url("candidate_tags", candidate.pk), {"tags": "python, go"}, **(HTMX if htmx else {})
    )

    assert sorted(candidate.tags.values_list("name", flat=True)) == ["go", "python"]
    if htmx:
        assert 'id="contact-card"' in text(response)
        assert ">python</a>" in text(response)


def test_the_blank_forms_a_page_shares_never_carry_a_failed_post_or_anothers_tags(
    client, recruiter, candidate
):
    other = CandidateFactory(owner=recruiter)
    client.force_login(recruiter)
    client.post(url("candidate_tags", candidate.pk), {"tags": "python, go"})
    client.get(candidate.get_absolute_url())  # the blank forms are made and their controls written

    refused = text(
        client.post(url("activity_log", candidate.pk), {"kind": "meeting", "summary": ""})
    )
    again = text(client.get(candidate.get_absolute_url()))
    others = text(client.get(other.get_absolute_url()))

    # The failed post shows its own form: its choice, its error.
    assert 'value="meeting" required id="id_log_kind_2" checked' in refused
    assert "Say in a few words what happened." in refused
    # The next visit shows the blank one again, and each candidate's tags field their own tags.
    assert 'value="call" required id="id_log_kind_0" checked' in again
    assert "Say in a few words what happened." not in again
    assert 'name="tags" value="go, python"' in again
    assert 'name="tags" maxlength' in others


# ---------- bulk actions ----------


def bulk_url(action: str, *people, back: str = "") -> str:
    ids = "&".join(f"candidate={p.pk}" for p in people)
    return f"{url('candidate_bulk')}?action={action}&{ids}&back={back or LIST_URL}"


def test_a_bulk_action_needs_a_selection(client, recruiter):
    client.force_login(recruiter)

    response = client.get(f"{url('candidate_bulk')}?action=note&back=/candidates/?q=ann")

    assert response.status_code == 302
    assert response.url == "/candidates/?q=ann"
    assert "Select at least one candidate" in text(client.get(response.url))


def test_a_bulk_action_only_returns_to_the_list(client, recruiter, candidate):
    client.force_login(recruiter)

    response = client.get(bulk_url("bogus", candidate, back="https://evil.example/"))

    assert response.url == LIST_URL


def test_unknown_people_in_a_selection_are_not_found(client, recruiter):
    client.force_login(recruiter)

    assert client.get(f"{url('candidate_bulk')}?action=note&candidate=987654").status_code == 404


def test_a_bulk_note_is_logged_on_each_timeline(client, recruiter):
    people = CandidateFactory.create_batch(3)
    client.force_login(recruiter)

    page = text(client.get(bulk_url("note", *people)))
    response = client.post(
        url("candidate_bulk"),
        {"action": "note", "candidate": [p.pk for p in people], "summary": "Met at the meetup"},
    )

    assert "Log a note: 3 candidates" in page
    assert response.status_code == 302
    assert "Logged the note on the timeline of 3 candidates" in text(client.get(response.url))
    assert all(timeline(p)[-1] == ("note", "Met at the meetup") for p in people)


def test_a_bulk_add_says_who_was_skipped(client, recruiter):
    requisition = RequisitionFactory(recruiter=recruiter, title="Platform Lead")
    already = ApplicationFactory(requisition=requisition).candidate
    new = CandidateFactory()
    client.force_login(recruiter)

    response = client.post(
        url("candidate_bulk"),
        {"action": "add", "candidate": [already.pk, new.pk], "requisition": requisition.pk},
        follow=True,
    )

    body = text(response)
    assert "Added 1 candidate to Platform Lead as Sourced." in body
    assert f"Skipped 1: {already.name} is already in this pipeline." in body
    assert Application.objects.filter(requisition=requisition).count() == 2


def test_a_bulk_message_previews_the_first_person_it_reaches(client, recruiter):
    template = MessageTemplateFactory(
        name="Checking in", subject="Hello {{ recipient.first_name }}", body="Hi there"
    )
    opted_out = CandidateFactory(first_name="Olga", last_name="Aaron", opted_out_at=timezone.now())
    reachable = CandidateFactory(first_name="Rita", last_name="Brown")
    client.force_login(recruiter)

    page = client.get(bulk_url("message", opted_out, reachable) + f"&template={template.pk}")
    fragment = client.get(
        bulk_url("message", opted_out, reachable) + f"&template={template.pk}", **HTMX
    )

    body = text(page)
    assert "What Rita will read" in body
    assert "Hello Rita" in body
    assert "Olga Aaron opted out of email." in body
    assert "Will be skipped" in body
    assert "Send to the 1 who can get it" in body
    assert text(fragment).lstrip().startswith('<section id="message-preview"')
    assert not FollowUp.objects.exists()


def test_a_bulk_message_offers_candidates_messages_named_as_the_composer_names_them(
    client, recruiter, shipped_cadences
):
    client.force_login(recruiter)

    body = text(client.get(bulk_url("message", CandidateFactory())))

    assert '<optgroup label="Expectation resets">' in body
    assert ">Feedback pending</option>" in body
    assert "Expectation reset: feedback pending" not in body
    assert "Where things stand (candidate)" in body
    assert "Weekly digest (hiring leader)" not in body


def test_a_bulk_message_is_sent_and_confirmed_with_the_skips(client, recruiter):
    template = MessageTemplateFactory(name="Checking in", subject="Hello", body="How are you?")
    no_email = CandidateFactory(first_name="Nora", last_name="Nomail", email="")
    reachable = CandidateFactory.create_batch(2)
    client.force_login(recruiter)

    response = client.post(
        url("candidate_bulk"),
        {
            "action": "message",
            "candidate": [no_email.pk, *(p.pk for p in reachable)],
            "template": template.pk,
        },
        follow=True,
    )

    body = text(response)
    assert "“Checking in” goes within a couple of minutes to 2 candidates." in body
    assert "Skipped 1: Nora Nomail has no email address." in body
    assert FollowUp.objects.filter(template=template).count() == 2


def test_a_bulk_message_about_a_role_asks_which_role(client, recruiter, candidate):
    template = MessageTemplateFactory(name="Role on hold")
    client.force_login(recruiter)

    page = text(client.get(bulk_url("message", candidate) + f"&template={template.pk}"))
    response = client.post(
        url("candidate_bulk"),
        {"action": "message", "candidate": [candidate.pk], "template": template.pk},
    )

    assert "“Role on hold” talks about a role: choose which one." in page
    assert "What " not in page.split('id="message-preview"')[1].split("</section>")[0]
    assert "talks about a role" in text(response)
    assert not FollowUp.objects.exists()


def test_a_bulk_message_without_a_template_sends_nothing(client, recruiter, candidate):
    client.force_login(recruiter)

    response = client.post(
        url("candidate_bulk"), {"action": "message", "candidate": [candidate.pk], "template": ""}
    )

    assert "Choose the message to send." in text(response)
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("people", [2, 40])
def test_the_bulk_pages_run_a_fixed_number_of_queries(
    client, recruiter, django_assert_max_num_queries, people
):
    template = MessageTemplateFactory(subject="Hi", body="Hello {{ recipient.first_name }}")
    selection = CandidateFactory.create_batch(people)
    selection[0].opted_out_at = timezone.now()
    selection[0].save()
    client.force_login(recruiter)

    # The same handful whether 2 or 40 people are selected.
    with django_assert_max_num_queries(8):
        response = client.get(bulk_url("message", *selection) + f"&template={template.pk}")
    assert "What " in text(response)
    with django_assert_max_num_queries(5):
        client.get(bulk_url("add", *selection))

    assert response.status_code == 200


@time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_candidate_page_shows_the_soonest_tasks_and_emails_and_says_there_are_more(
    client, recruiter
):
    candidate = CandidateFactory(owner=recruiter)
    soon = timezone.now() + datetime.timedelta(hours=1)
    for hours in range(SCHEDULED_SHOWN + 1):
        FollowUpFactory(
            candidate=candidate,
            template=MessageTemplateFactory(name=f"Email in {hours + 1} hours"),
            due_at=soon + datetime.timedelta(hours=hours),
        )
    for hours in range(CANDIDATE_TASKS_SHOWN + 1):
        FollowUpFactory(
            candidate=candidate,
            channel="task",
            task_title=f"Task in {hours + 1} hours",
            due_at=soon + datetime.timedelta(hours=hours),
        )
    FollowUpFactory(candidate=candidate, state="sent", task_title="Already sent")
    client.force_login(recruiter)

    body = detail(client, candidate)

    assert f'Emails scheduled <span class="count">· {SCHEDULED_SHOWN}+</span>' in body
    assert f'Open tasks <span class="count">· {CANDIDATE_TASKS_SHOWN}+</span>' in body
    assert f"Email in {SCHEDULED_SHOWN} hours" in body
    assert f"Email in {SCHEDULED_SHOWN + 1} hours" not in body
    assert f"Task in {CANDIDATE_TASKS_SHOWN} hours<" in body
    assert f"Task in {CANDIDATE_TASKS_SHOWN + 1} hours" not in body
    assert "Already sent" not in body


def test_rows_sharing_blank_forms_each_post_to_their_own_application(client, recruiter):
    """Two candidates' pages with the same stages share the blank move, close and reopen forms,
    written once: each page's forms still post to its own applications, with its own token."""
    pages = []
    for _ in range(2):
        person = CandidateFactory()
        ApplicationFactory(candidate=person, stage="screened")
        ApplicationFactory(
            candidate=person,
            stage="sourced",
            outcome="withdrawn",
            close_reason="Took a job",
            closed_at=timezone.now(),
        )
        client.force_login(recruiter)
        pages.append((person, text(client.get(url("candidate_detail", person.pk)))))

    for person, page in pages:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        open_row, closed_row = person.applications.order_by("outcome")
        for action, application in (
            ("application_move", open_row),
            ("application_close", open_row),
            ("application_reopen", closed_row),
        ):
            assert f'action="{url(action, person.pk, application.pk)}"' in page
        inputs = page.count('name="csrfmiddlewaretoken"')
        assert page.count(f'name="csrfmiddlewaretoken" value="{token}"') == inputs
        other = next(p for p, _ in pages if p != person)
        assert f"/candidates/{other.pk}/applications/" not in page
