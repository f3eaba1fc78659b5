"""The recruiters' pages for requisitions, pipeline boards, companies and hiring leaders."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates import services as candidate_services
from candidates.models import Activity, Application, Candidate, Placement
from followups.models import FollowUp
from hiring_leaders.models import Company, HiringLeader, Requisition
from tests.candidates.factories import (
    ApplicationFactory,
    CandidateFactory,
    CommitmentFactory,
)
from tests.followups.factories import FollowUpFactory
from tests.hiring_leaders.factories import (
    CompanyFactory,
    HiringLeaderFactory,
    RequisitionFactory,
)
from tests.recruitcrm.factories import RecruiterFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return response.content.decode()


def url(name: str, *args) -> str:
    return reverse(f"clients:{name}", args=args)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def fill(requisition, **per_stage: int) -> list[Application]:
    """Applications in bulk, one new candidate each: fast enough for thousands."""
    owner = requisition.recruiter
    made = []
    for stage, how_many in per_stage.items():
        start = Candidate.objects.count()
        candidates = Candidate.objects.bulk_create(
            Candidate(
                first_name=f"{stage.title()}{n}",
                last_name=f"Person{start + n}",
                email=f"{stage}{start + n}@bulk.example",
                owner=owner,
            )
            for n in range(how_many)
        )
        made += Application.objects.bulk_create(
            Application(
                candidate=candidate,
                requisition=requisition,
                stage=stage,
                hired_at=timezone.now() if stage == "hired" else None,
            )
            for candidate in candidates
        )
    return made


@pytest.fixture
def application(requisition):
    return ApplicationFactory(
        requisition=requisition,
        stage=Application.Stage.SCREENED,
        candidate=CandidateFactory(first_name="Ana", last_name="Lopez"),
    )


def every_url(requisition, application) -> list[str]:
    company, leader = requisition.company_id, requisition.hiring_leader_id
    return [
        url("requisition_list"),
        url("requisition_create"),
        url("requisition_detail", requisition.pk),
        url("requisition_edit", requisition.pk),
        url("requisition_status", requisition.pk, "on_hold"),
        url("requisition_candidates", requisition.pk),
        url("application_move", requisition.pk, application.pk),
        url("application_hire", requisition.pk, application.pk),
        url("application_close", requisition.pk, application.pk),
        url("company_list"),
        url("company_create"),
        url("company_detail", company),
        url("company_edit", company),
        url("hiringleader_list"),
        url("hiringleader_create"),
        url("hiringleader_detail", leader),
        url("hiringleader_edit", leader),
    ]


# ---------- who may open these pages ----------


def test_every_page_is_404_for_a_hiring_leader_even_their_own_role(
    client, leader, requisition, application
):
    client.force_login(leader.user)

    for address in every_url(requisition, application):
        assert client.get(address).status_code == 404, address
        assert client.post(address, {"stage": "offer", "reason": "x"}).status_code == 404, address

    application.refresh_from_db()
    requisition.refresh_from_db()
    assert (application.stage, requisition.status) == ("screened", "open")


def test_every_page_sends_anonymous_visitors_to_sign_in(client, requisition, application):
    for address in every_url(requisition, application):
        response = client.get(address)
        assert response.status_code == 302, address
        assert response.url.startswith(reverse("login")), address


@pytest.mark.parametrize("user_fixture", ["recruiter", "other_recruiter", "admin_user"])
def test_recruiters_and_admins_open_every_page_of_the_team(
    client, request, requisition, application, user_fixture
):
    client.force_login(request.getfixturevalue(user_fixture))

    for address in every_url(requisition, application):
        assert client.get(address).status_code == 200, address


@pytest.mark.parametrize(
    "address",
    [
        "/requisitions/987654/",
        "/requisitions/987654/edit/",
        "/requisitions/987654/status/on_hold/",
        "/requisitions/987654/candidates/",
        "/companies/987654/",
        "/companies/987654/edit/",
        "/hiring-leaders/987654/",
        "/hiring-leaders/987654/edit/",
        "/hiring-leaders/?company=987654",
    ],
)
def test_unknown_ids_are_not_found(client, recruiter, address):
    client.force_login(recruiter)

    assert client.get(address).status_code == 404


def test_an_unknown_status_is_not_found(client, recruiter, requisition):
    client.force_login(recruiter)

    assert client.get(url("requisition_status", requisition.pk, "paused")).status_code == 404


def test_a_card_of_another_requisition_is_not_found_on_this_board(
    client, recruiter, requisition, application
):
    elsewhere = RequisitionFactory()
    client.force_login(recruiter)

    for name in ("application_move", "application_hire", "application_close"):
        response = client.post(
            url(name, elsewhere.pk, application.pk), {"stage": "offer", "reason": "x"}
        )
        assert response.status_code == 404
    application.refresh_from_db()
    assert application.stage == "screened"


# ---------- requisition list ----------


def test_the_list_counts_each_status_and_shows_a_recruiters_own_open_roles_first(
    client, recruiter, other_recruiter
):
    mine = RequisitionFactory(title="Platform Lead", recruiter=recruiter, location="Berlin")
    fill(mine, sourced=2, submitted=1, interviewing=1, hired=1)
    RequisitionFactory(title="Paused Mine", recruiter=recruiter, status="on_hold")
    RequisitionFactory(title="Theirs", recruiter=other_recruiter)
    client.force_login(recruiter)

    body = text(client.get(url("requisition_list")))

    assert "Platform Lead" in body
    assert "Theirs" not in body
    assert "Paused Mine" not in body
    assert 'aria-current="page">Open <span class="tabs__count">1</span>' in body
    assert 'On hold <span class="tabs__count">1</span>' in body
    assert '<td data-label="Active" class="num">5</td>' in body
    # Submitted or later, as the leader's pages count it: the hire among them.
    assert '<td data-label="Submitted" class="num">3</td>' in body
    assert '1 <span class="muted">of 1</span>' in body
    assert "1 open requisition, yours" in body


def test_all_shows_the_whole_teams_roles_and_an_admin_starts_there(
    client, recruiter, other_recruiter, admin_user
):
    RequisitionFactory(title="Mine", recruiter=recruiter)
    RequisitionFactory(title="Theirs", recruiter=other_recruiter)

    client.force_login(recruiter)
    everyone = text(client.get(url("requisition_list"), {"whose": "all"}))
    client.force_login(admin_user)
    admin_view = text(client.get(url("requisition_list")))

    assert "Mine" in everyone
    assert "Theirs" in everyone
    assert "Theirs" in admin_view
    assert 'Open <span class="tabs__count">2</span>' in admin_view


def test_the_list_searches_title_and_company_and_keeps_the_status(client, recruiter):
    RequisitionFactory(title="Data Engineer", recruiter=recruiter)
    RequisitionFactory(
        title="Nurse Lead",
        recruiter=recruiter,
        hiring_leader=HiringLeaderFactory(company=CompanyFactory(name="Halcyon Health")),
    )
    RequisitionFactory(title="Held Data Role", recruiter=recruiter, status="on_hold")
    client.force_login(recruiter)

    by_title = text(client.get(url("requisition_list"), {"q": "data"}))
    by_company = text(client.get(url("requisition_list"), {"q": "halcyon"}))
    on_hold = text(client.get(url("requisition_list"), {"q": "data", "status": "on_hold"}))

    assert "Data Engineer" in by_title
    assert "Nurse Lead" not in by_title
    assert 'On hold <span class="tabs__count">1</span>' in by_title
    assert "Nurse Lead" in by_company
    assert "Held Data Role" in on_hold
    assert "Data Engineer" not in on_hold


def test_the_list_search_swaps_only_the_results_with_htmx(client, recruiter):
    RequisitionFactory(title="Data Engineer", recruiter=recruiter)
    client.force_login(recruiter)

    response = client.get(url("requisition_list"), {"q": "data"}, **HTMX)

    body = text(response)
    assert body.lstrip().startswith('<div id="requisition-results">')
    assert "Data Engineer" in body
    assert "<html" not in body
    assert response["Vary"] == "HX-Request, Cookie" or "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({}, "You have no open requisitions"),
        ({"whose": "all"}, "No open requisitions"),
        ({"q": "zzz"}, "No open requisitions match “zzz”"),
    ],
)
def test_an_empty_list_says_what_would_be_there(client, recruiter, params, says):
    client.force_login(recruiter)

    body = text(client.get(url("requisition_list"), params))

    assert says in body
    assert "<table" not in body


def test_junk_filters_fall_back_to_open_roles_not_an_error(client, recruiter):
    RequisitionFactory(title="Still Here", recruiter=recruiter)
    client.force_login(recruiter)

    response = client.get(
        url("requisition_list"), {"status": "paused", "whose": "?", "page": "x", "q": "d" * 300}
    )

    assert response.status_code == 200
    assert "Still Here" in text(response)
    assert "at most 100 characters" in text(response)


def test_the_list_is_paginated(client, recruiter):
    for n in range(30):
        RequisitionFactory(
            title=f"Role {n:02d}",
            recruiter=recruiter,
            opened_on=datetime.date(2026, 1, 31) - datetime.timedelta(days=n),
        )
    client.force_login(recruiter)

    first = text(client.get(url("requisition_list")))
    second = text(client.get(url("requisition_list"), {"page": "2"}))

    assert "Role 24" in first
    assert "Role 25" not in first
    assert "1\u201325 of 30 open requisitions" in first
    assert "Role 25" in second


LIST_QUERIES = 5  # session, user, counts per status, one page of roles, their pipeline counts


@pytest.mark.parametrize("roles", [2, 30])
def test_the_list_runs_a_fixed_number_of_queries(
    client, recruiter, django_assert_max_num_queries, roles
):
    for _ in range(roles):
        fill(RequisitionFactory(recruiter=recruiter), sourced=1, offer=1)
    client.force_login(recruiter)

    with django_assert_max_num_queries(LIST_QUERIES):
        client.get(url("requisition_list"))
    with django_assert_max_num_queries(LIST_QUERIES):
        client.get(url("requisition_list"), {"page": "2", "whose": "all", "q": "engineer"})


# ---------- the pipeline board ----------


def test_the_board_shows_a_column_per_stage_with_its_count(client, recruiter, requisition):
    fill(requisition, sourced=3, contacted=1, interviewing=2, hired=1)
    ApplicationFactory(
        requisition=requisition,
        outcome="rejected",
        closed_at=timezone.now(),
        close_reason="Not a fit",
    )
    client.force_login(recruiter)

    body = text(client.get(url("requisition_detail", requisition.pk)))

    assert f'<h1 id="requisition-title">{requisition.title}</h1>' in body
    assert 'Pipeline <span class="count">· 7 active</span>' in body
    assert "Closed: 1 rejected · 0 withdrawn" in body
    for stage, label, count in [
        ("sourced", "Sourced", 3),
        ("contacted", "Contacted", 1),
        ("screened", "Screened", 0),
        ("interviewing", "Interviewing", 2),
        ("hired", "Hired", 1),
    ]:
        title = f'<span class="badge badge--{stage}">{label}</span> <span class="board__count">'
        assert f"{title}{count}<" in body
    assert ">Sourced0 Person0</a>" in body
    assert "Nobody at this stage" in body


def test_each_card_moves_on_with_one_click_to_the_next_stage(
    client, recruiter, requisition, application
):
    client.force_login(recruiter)

    body = text(client.get(url("requisition_detail", requisition.pk)))

    move = url("application_move", requisition.pk, application.pk)
    # The post swaps the board: the target and swap are set once on the cards' list.
    assert (
        '<ol class="board__cards" data-hx-target="#pipeline-board" data-hx-swap="outerHTML">'
        in body
    )
    # Without JavaScript the form posts its own CSRF token.
    assert (
        f'action="{move}" data-hx-post="{move}"><input type="hidden" name="csrfmiddlewaretoken"'
        in body
    )
    # "More…" swaps the card alone (the swap inherited, the target its own).
    more = url("application_move", requisition.pk, application.pk)
    assert f'data-hx-get="{more}" data-hx-target="#card-{application.pk}">More…' in body
    assert (
        'name="stage" value="submitted"><span class="visually-hidden">Move Ana Lopez to </span>'
        "Submitted" in body
    )


def test_a_busy_column_shows_a_few_cards_and_links_to_the_rest(client, recruiter, requisition):
    fill(requisition, sourced=40)
    client.force_login(recruiter)

    body = text(client.get(url("requisition_detail", requisition.pk)))

    assert body.count('class="card"') + body.count('class="card ') == 10
    more = f"/candidates/?requisition={requisition.pk}&amp;stage=sourced"
    assert f'href="{more}">and 30 more' in body


def test_what_people_typed_is_escaped_on_a_card(client, recruiter, requisition):
    ApplicationFactory(
        requisition=requisition,
        stage="screened",
        candidate=CandidateFactory(
            first_name="<script>alert(1)</script>", last_name="O'Neil", headline="R&D <lead>"
        ),
    )
    client.force_login(recruiter)

    body = text(client.get(url("requisition_detail", requisition.pk)))

    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; O&#39;Neil</a>" in body
    assert '<span class="card__sub">R&amp;D &lt;lead&gt;</span>' in body


def test_an_empty_pipeline_says_how_to_fill_it(client, recruiter, requisition):
    client.force_login(recruiter)

    body = text(client.get(url("requisition_detail", requisition.pk)))

    assert "Nobody in this pipeline yet" in body
    assert 'href="#add-candidates">Add candidates</a>' in body


# Session, user, requisition, the board (counts and cards in one), recent changes.
BOARD_QUERIES = 5


@pytest.mark.parametrize("size", [7, 2000])
def test_the_board_runs_a_fixed_number_of_queries_even_with_2000_applications(
    client, recruiter, requisition, django_assert_max_num_queries, size
):
    per_stage = size // 7
    fill(requisition, **dict.fromkeys(Application.Stage.values, per_stage))
    client.force_login(recruiter)

    with django_assert_max_num_queries(BOARD_QUERIES):
        response = client.get(url("requisition_detail", requisition.pk))
    with django_assert_max_num_queries(BOARD_QUERIES - 1):
        client.get(url("requisition_detail", requisition.pk), **HTMX)

    assert f"{7 * per_stage:,} active" in text(response)


# ---------- moving a card ----------


def test_a_recruiter_can_move_a_card_with_htmx_and_is_told_what_it_scheduled(
    client, recruiter, requisition, application, shipped_cadences
):
    client.force_login(recruiter)

    response = client.post(
        url("application_move", requisition.pk, application.pk), {"stage": "submitted"}, **HTMX
    )

    body = text(response)
    application.refresh_from_db()
    assert application.stage == "submitted"
    assert body.lstrip().startswith('<section id="pipeline-board"')
    assert "<html" not in body
    assert "Moved Ana Lopez from Screened to Submitted. Scheduled:" in body
    assert "by email to Ana Lopez" in body
    assert f'id="card-{application.pk}"' in body
    assert "autofocus>Ana Lopez</a>" in body
    assert 'data-hx-swap-oob="innerHTML"' in body


def test_a_recruiter_can_move_a_card_without_javascript(
    client, recruiter, requisition, application
):
    client.force_login(recruiter)

    response = client.post(
        url("application_move", requisition.pk, application.pk), {"stage": "contacted"}
    )

    assert response.status_code == 302
    assert (
        response.url == f"{url('requisition_detail', requisition.pk)}#application-{application.pk}"
    )
    application.refresh_from_db()
    assert application.stage == "contacted"
    page = text(client.get(response.url))
    assert "Moved Ana Lopez from Screened to Contacted." in page


def test_more_lists_every_other_move_inline_or_as_a_page(
    client, recruiter, requisition, application
):
    client.force_login(recruiter)
    address = url("application_move", requisition.pk, application.pk)

    inline = client.get(address, **HTMX)
    page = client.get(address)

    assert inline["HX-Retarget"] == f"#card-{application.pk}"
    assert "<html" not in text(inline)
    for stage in ("Sourced", "Contacted", "Submitted", "Offer"):
        assert f'value="{stage.lower()}"' in text(inline)
    assert 'value="screened"' not in text(inline)
    assert "Reject…" in text(inline)
    assert "<h1>Move a candidate</h1>" in text(page)


def test_moving_to_hired_asks_for_the_start_date_first(client, recruiter, requisition, application):
    client.force_login(recruiter)

    response = client.post(
        url("application_move", requisition.pk, application.pk), {"stage": "hired"}, **HTMX
    )

    assert response["HX-Retarget"] == f"#card-{application.pk}"
    assert "Record Ana Lopez\u2019s hire" in text(response)
    assert 'type="date"' in text(response)
    application.refresh_from_db()
    assert application.stage == "screened"


@pytest.mark.parametrize("htmx", [True, False])
def test_a_recruiter_can_record_a_hire_with_its_start_date(
    client, recruiter, requisition, application, htmx
):
    client.force_login(recruiter)
    extra = HTMX if htmx else {}

    response = client.post(
        url("application_hire", requisition.pk, application.pk),
        {"start_date": "2026-04-01"},
        **extra,
    )

    application.refresh_from_db()
    assert application.stage == "hired"
    assert Placement.objects.get(application=application).start_date == datetime.date(2026, 4, 1)
    said = "Hired Ana Lopez, starting Wed 1 Apr 2026."
    if htmx:
        assert said in text(response)
        assert text(response).lstrip().startswith('<section id="pipeline-board"')
    else:
        assert response.status_code == 302
        assert said in text(client.get(response.url))


def test_a_hire_recorded_late_says_which_check_ins_had_passed(
    client, recruiter, requisition, application, shipped_cadences
):
    client.force_login(recruiter)
    seventy_days_ago = timezone.localdate() - datetime.timedelta(days=70)

    response = client.post(
        url("application_hire", requisition.pk, application.pk),
        {"start_date": seventy_days_ago.isoformat()},
        **HTMX,
    )

    assert (
        "The start date is far enough back that the day 30 and day 60 check-ins had passed: "
        "they are not sent." in text(response)
    )
    assert "Nor is the congratulations email: they started weeks ago." in text(response)
    left = FollowUp.objects.filter(placement__application=application, state="scheduled")
    # Only the 90-day check-in is still ahead; ten weeks on, a congratulations reads as news.
    assert {(f.audience, f.cadence_step.offset_days) for f in left} == {
        ("new_hire", 90),
        ("hiring_leader", 90),
    }


@pytest.mark.parametrize("start_date", ["", "next tuesday"])
def test_a_hire_without_a_good_start_date_is_asked_again_and_nothing_changes(
    client, recruiter, requisition, application, start_date
):
    client.force_login(recruiter)

    inline = client.post(
        url("application_hire", requisition.pk, application.pk),
        {"start_date": start_date},
        **HTMX,
    )
    page = client.post(
        url("application_hire", requisition.pk, application.pk), {"start_date": start_date}
    )

    assert inline["HX-Retarget"] == f"#card-{application.pk}"
    assert 'class="errorlist"' in text(inline)
    assert page.status_code == 200
    assert "<h1>Record a hire</h1>" in text(page)
    application.refresh_from_db()
    assert application.stage == "screened"
    assert not Placement.objects.exists()


def test_closing_asks_for_the_reason_and_records_it(client, recruiter, requisition, application):
    client.force_login(recruiter)
    address = url("application_close", requisition.pk, application.pk)

    form = client.get(f"{address}?outcome=withdrawn", **HTMX)
    refused = client.post(address, {"outcome": "rejected", "reason": "  "}, **HTMX)
    done = client.post(address, {"outcome": "rejected", "reason": "Salary too far apart"}, **HTMX)

    assert 'value="withdrawn" required id="id_outcome_1" checked' in text(form) or (
        'value="withdrawn"' in text(form) and "checked" in text(form)
    )
    assert "Say why the application is closing." in text(refused)
    said = text(done)
    assert f"Closed Ana Lopez\u2019s application for {requisition.title} as rejected." in said
    # What the candidate will be sent, as a move says it (the reason itself never is).
    assert "Scheduled: \u201cNot moving forward (candidate)\u201d by email to Ana Lopez," in said
    application.refresh_from_db()
    assert (application.outcome, application.close_reason) == ("rejected", "Salary too far apart")


def test_closing_without_javascript_returns_to_the_board(
    client, recruiter, requisition, application
):
    client.force_login(recruiter)

    response = client.post(
        url("application_close", requisition.pk, application.pk),
        {"outcome": "withdrawn", "reason": "Took another offer"},
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.outcome == "withdrawn"


def test_a_move_the_pipeline_refuses_is_said_and_changes_nothing(
    client, recruiter, requisition, application
):
    application.outcome = "rejected"
    application.closed_at = timezone.now()
    application.close_reason = "No"
    application.save()
    client.force_login(recruiter)

    response = client.post(
        url("application_move", requisition.pk, application.pk), {"stage": "offer"}, **HTMX
    )

    assert "reopen it first" in text(response)
    application.refresh_from_db()
    assert application.stage == "screened"


def test_an_unknown_stage_is_refused(client, recruiter, requisition, application):
    client.force_login(recruiter)

    response = client.post(
        url("application_move", requisition.pk, application.pk), {"stage": "promoted"}
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.stage == "screened"
    assert "Choose a stage" in text(client.get(response.url))


# ---------- adding candidates ----------


def test_a_recruiter_finds_candidates_and_sees_who_is_already_in(
    client, recruiter, requisition, application
):
    CandidateFactory(first_name="Anabel", last_name="Smith")
    CandidateFactory(first_name="Boris", last_name="Jones")
    client.force_login(recruiter)

    body = text(client.get(url("requisition_candidates", requisition.pk), {"q": "ana"}, **HTMX))

    assert body.lstrip().startswith('<div id="candidate-results"')
    assert "Anabel Smith" in body
    assert "Boris" not in body
    assert "In this pipeline" in body  # Ana Lopez
    assert body.count(">Add<span") == 1


def test_someone_closed_for_the_role_is_sent_to_reopen_it(client, recruiter, requisition):
    closed = ApplicationFactory(
        requisition=requisition,
        candidate=CandidateFactory(first_name="Anabel", last_name="Smith"),
        outcome="rejected",
        closed_at=timezone.now(),
        close_reason="Not a fit",
    )
    client.force_login(recruiter)

    body = text(client.get(url("requisition_candidates", requisition.pk), {"q": "ana"}, **HTMX))

    assert "Anabel Smith" in body
    assert ">Add<span" not in body
    reopen = f'href="/candidates/{closed.candidate_id}/#pipelines">reopen it on their page</a>'
    assert f"Closed for this role: <a {reopen}" in body


def test_adding_a_candidate_with_htmx_updates_the_results_and_the_board(
    client, recruiter, requisition
):
    anabel = CandidateFactory(first_name="Anabel", last_name="Smith")
    client.force_login(recruiter)

    response = client.post(
        url("requisition_candidates", requisition.pk),
        {"candidate": anabel.pk, "q": "anabel"},
        **HTMX,
    )

    body = text(response)
    assert Application.objects.get(requisition=requisition).candidate == anabel
    assert '<span class="badge badge--grey">Added</span>' in body
    assert '<section id="pipeline-board" class="board-panel"' in body
    assert 'data-hx-swap-oob="outerHTML"' in body
    assert f"Added Anabel Smith to {requisition.title} as Sourced." in body


def test_adding_a_candidate_without_javascript(client, recruiter, requisition):
    anabel = CandidateFactory(first_name="Anabel", last_name="Smith")
    client.force_login(recruiter)

    search = client.get(url("requisition_candidates", requisition.pk), {"q": "anabel"})
    added = client.post(
        url("requisition_candidates", requisition.pk), {"candidate": anabel.pk, "q": "anabel"}
    )

    assert "<html" in text(search)
    assert "Anabel Smith" in text(search)
    assert added.status_code == 302
    page = text(client.get(added.url))
    assert "Added Anabel Smith" in page
    assert "In this pipeline" in page or "Added</span>" in page


def test_adding_someone_twice_or_to_a_closed_role_is_refused(client, recruiter, application):
    requisition = application.requisition
    client.force_login(recruiter)

    twice = client.post(
        url("requisition_candidates", requisition.pk),
        {"candidate": application.candidate_id},
        **HTMX,
    )
    filled = RequisitionFactory(status="filled", closed_on=datetime.date.today())
    closed = client.post(
        url("requisition_candidates", filled.pk), {"candidate": application.candidate_id}, **HTMX
    )
    unknown = client.post(
        url("requisition_candidates", requisition.pk), {"candidate": 987654}, **HTMX
    )

    assert "already in the pipeline" in text(twice)
    assert "reopen it before adding candidates" in text(closed)
    assert "That candidate no longer exists." in text(unknown)
    assert Application.objects.count() == 1


# ---------- status changes, previewed ----------


@pytest.fixture
def contacted_pipeline(requisition):
    """Two contacted candidates (one opted out), one never contacted."""
    ApplicationFactory(
        requisition=requisition,
        stage="contacted",
        candidate=CandidateFactory(first_name="Cara", last_name="Nguyen"),
    )
    ApplicationFactory(
        requisition=requisition,
        stage="interviewing",
        candidate=CandidateFactory(first_name="Omar", last_name="Out", opted_out_at=timezone.now()),
    )
    ApplicationFactory(
        requisition=requisition,
        stage="sourced",
        candidate=CandidateFactory(first_name="Sid", last_name="Sourced"),
    )
    return requisition


def test_putting_on_hold_first_shows_every_message_it_will_send(
    client, recruiter, contacted_pipeline, shipped_cadences
):
    requisition = contacted_pipeline
    client.force_login(recruiter)

    body = text(client.get(url("requisition_status", requisition.pk, "on_hold")))

    assert f"Put {requisition.title} on hold" in body
    assert requisition.hiring_leader.name in body
    assert "Requisition on hold (hiring leader)" in body
    assert "Cara Nguyen" in body
    assert "Omar Out opted out of email" in body  # a task instead, and why
    assert "Sid Sourced" not in body  # never contacted: hears nothing automatic
    assert "Subject:" in body
    assert 'name="confirm"' in body
    requisition.refresh_from_db()
    assert requisition.status == "open"
    assert not FollowUp.objects.exists()


def test_the_preview_follows_the_reason_as_it_is_typed(
    client, recruiter, contacted_pipeline, shipped_cadences
):
    requisition = contacted_pipeline
    client.force_login(recruiter)

    response = client.post(
        url("requisition_status", requisition.pk, "on_hold"),
        {"reason": "The budget is being reviewed", "internal_note": "CFO blocked it", "preview": 1},
        **HTMX,
    )

    body = text(response)
    assert body.lstrip().startswith('<div id="status-preview">')
    assert "The budget is being reviewed" in body
    assert "CFO blocked it" not in body
    assert "Say why" not in body  # no scolding while typing
    requisition.refresh_from_db()
    assert requisition.status == "open"


def test_confirming_without_a_reason_is_refused_and_nothing_changes(
    client, recruiter, contacted_pipeline, shipped_cadences
):
    requisition = contacted_pipeline
    client.force_login(recruiter)

    response = client.post(
        url("requisition_status", requisition.pk, "on_hold"), {"reason": " ", "confirm": "1"}
    )

    assert response.status_code == 200
    assert "Say why the role is on hold" in text(response)
    assert 'aria-invalid="true"' in text(response)
    requisition.refresh_from_db()
    assert requisition.status == "open"
    assert not FollowUp.objects.filter(requisition=requisition).exists()


def test_the_reason_is_said_to_go_where_the_plan_sends_it(
    client, recruiter, contacted_pipeline, shipped_cadences
):
    # Cancelling writes to the candidates only (the shipped cadences): the form must not say
    # the hiring leader is sent the reason too.
    client.force_login(recruiter)
    page = text(client.get(url("requisition_status", contacted_pipeline.pk, "cancelled")))
    refused = text(
        client.post(
            url("requisition_status", contacted_pipeline.pk, "cancelled"),
            {"reason": "", "confirm": "1"},
        )
    )

    assert (
        "Goes into the messages listed below, to the people they are for, and shows on the "
        "hiring leader\u2019s progress page." in page
    )
    assert "hiring leader in the messages below" not in page
    assert "Say why the role is cancelled: the messages below tell people why." in refused


def test_confirming_puts_the_role_on_hold_and_says_what_was_scheduled(
    client, recruiter, contacted_pipeline, shipped_cadences
):
    requisition = contacted_pipeline
    client.force_login(recruiter)

    response = client.post(
        url("requisition_status", requisition.pk, "on_hold"),
        {"reason": "Budget review", "internal_note": "CFO blocked it", "confirm": "1"},
    )

    assert response.status_code == 302
    requisition.refresh_from_db()
    assert (requisition.status, requisition.status_reason, requisition.status_note) == (
        "on_hold",
        "Budget review",
        "CFO blocked it",
    )
    page = text(client.get(response.url))
    assert f"Put {requisition.title} on hold. Scheduled 2 emails, 1 task for a recruiter" in page
    # Not "the outbox shows each one": the outbox is a page only admins open.
    assert "timeline once it goes." in page
    assert "outbox" not in page.lower()
    assert "CFO blocked it" in page  # the internal note, for recruiters
    assert "Internal note" in page


def test_a_role_cannot_be_marked_filled_while_someone_holds_an_offer(
    client, recruiter, requisition
):
    offered = ApplicationFactory(
        requisition=requisition, stage="offer", candidate__first_name="Charlotte"
    )
    client.force_login(recruiter)

    preview = text(client.get(url("requisition_status", requisition.pk, "filled")))
    forced = client.post(url("requisition_status", requisition.pk, "filled"), {"confirm": "1"})

    said = (
        f"{offered.candidate.name} holds an offer for {requisition.title}: record the hire, or "
        "close the application, first. Marked filled now, they would be told the role went to "
        "someone else."
    )
    assert said in preview
    assert 'name="confirm"' not in preview
    assert said in text(forced)
    requisition.refresh_from_db()
    assert requisition.status == "open"


@pytest.mark.parametrize(
    ("openings", "hired", "said"),
    [
        (2, 1, "1 of its 2 openings has a hire recorded: marked filled, the other 1 closes too."),
        (1, 0, "Nobody is recorded as hired for Data Lead. If the role went to someone you"),
        (1, 1, ""),
    ],
)
def test_marking_filled_says_what_it_closes_without_a_hire(
    client, recruiter, openings, hired, said
):
    requisition = RequisitionFactory(recruiter=recruiter, title="Data Lead", openings=openings)
    ApplicationFactory.create_batch(hired, requisition=requisition, stage="hired")
    client.force_login(recruiter)

    preview = text(client.get(url("requisition_status", requisition.pk, "filled")))

    if said:
        assert f'<p class="alert alert--warning">{said}' in preview
    else:
        assert "alert--warning" not in preview


def test_a_hold_says_it_pauses_chasing_the_leader_and_reopening_says_it_starts_again(
    client, recruiter, requisition, shipped_cadences, settings
):
    settings.LEADER_FEEDBACK_OVERDUE_DAYS = 3
    application = ApplicationFactory(requisition=requisition, stage="screened")
    candidate_services.application_move(application=application, stage="submitted", by=recruiter)
    leader = requisition.hiring_leader.name
    client.force_login(recruiter)

    held = client.post(
        url("requisition_status", requisition.pk, "on_hold"),
        {"reason": "Budget review", "confirm": "1"},
    )
    on_hold = text(client.get(held.url))
    reopened = client.post(url("requisition_status", requisition.pk, "open"), {"confirm": "1"})
    open_again = text(client.get(reopened.url))

    assert (
        f"Your reminders to chase {leader}\u2019s feedback on 1 candidate wait until the role "
        "reopens." in on_hold
    )
    assert (
        f"1 candidate still waits on {leader}\u2019s feedback: you will be reminded to chase it "
        "if none has come in 3 days." in open_again
    )
    assert FollowUp.objects.get(key__startswith="feedback-wait:").state == "scheduled"


@pytest.mark.parametrize(
    ("status", "before", "done"),
    [
        ("filled", "open", "Marked {title} as filled."),
        ("open", "on_hold", "Reopened {title}."),
        ("cancelled", "open", "Cancelled {title}."),
    ],
)
def test_every_status_change_can_be_confirmed(client, recruiter, status, before, done):
    requisition = RequisitionFactory(recruiter=recruiter, status=before, status_reason="x")
    client.force_login(recruiter)

    preview = client.get(url("requisition_status", requisition.pk, status))
    response = client.post(
        url("requisition_status", requisition.pk, status), {"reason": "Merged", "confirm": "1"}
    )

    assert preview.status_code == 200
    assert response.status_code == 302
    requisition.refresh_from_db()
    assert requisition.status == status
    assert done.format(title=requisition.title) in text(client.get(response.url))


def test_a_status_change_that_cannot_happen_says_why(client, recruiter, requisition):
    client.force_login(recruiter)

    preview = client.get(url("requisition_status", requisition.pk, "open"))
    forced = client.post(url("requisition_status", requisition.pk, "open"), {"confirm": "1"})

    assert "is open; it cannot become open." in text(preview)
    assert 'name="confirm"' not in text(preview)
    assert "cannot become open" in text(forced)


def test_the_page_offers_only_the_status_changes_that_can_happen(client, recruiter):
    held = RequisitionFactory(recruiter=recruiter, status="on_hold", status_reason="Budget")
    client.force_login(recruiter)

    body = text(client.get(url("requisition_detail", held.pk)))

    assert "Reopen…" in body
    assert "Mark filled…" in body
    assert "Put on hold…" not in body
    assert "On hold: Budget" in body


STATUS_QUERIES = 12


@pytest.mark.parametrize("size", [1, 40])
def test_the_status_preview_runs_a_fixed_number_of_queries(
    client, recruiter, requisition, shipped_cadences, django_assert_max_num_queries, size
):
    fill(requisition, contacted=size, offer=size)
    client.force_login(recruiter)

    with django_assert_max_num_queries(STATUS_QUERIES):
        response = client.get(url("requisition_status", requisition.pk, "on_hold"))

    assert f"{2 * size} candidate" in text(response) or size == 1


# ---------- opening and editing requisitions ----------


def test_a_recruiter_can_open_a_requisition(client, recruiter):
    leader = HiringLeaderFactory(first_name="Dana", last_name="Kim")
    client.force_login(recruiter)

    response = client.post(
        url("requisition_create"),
        {
            "title": "Data Engineer",
            "company": leader.company_id,
            "hiring_leader": leader.pk,
            "recruiter": recruiter.pk,
            "openings": "2",
            "target_fill_date": "2026-06-30",
        },
    )

    requisition = Requisition.objects.get()
    assert response.status_code == 302
    assert response.url == url("requisition_detail", requisition.pk)
    assert (requisition.title, requisition.openings, requisition.hiring_leader) == (
        "Data Engineer",
        2,
        leader,
    )
    assert "Opened Data Engineer for Dana Kim" in text(client.get(response.url))


def test_choosing_a_company_offers_its_leaders(client, recruiter):
    leader = HiringLeaderFactory(first_name="Dana", last_name="Kim")
    HiringLeaderFactory(first_name="Other", last_name="Person")
    client.force_login(recruiter)

    inline = client.get(url("requisition_create"), {"company": leader.company_id}, **HTMX)
    without_js = client.post(
        url("requisition_create"), {"company": leader.company_id, "choose_company": "1"}
    )

    for response in (inline, without_js):
        assert "Dana Kim" in text(response)
        assert "Other Person" not in text(response)
    assert text(inline).lstrip().startswith('<div class="field field--hiring_leader"')
    assert "This field is required" not in text(without_js)
    assert not Requisition.objects.exists()


def test_a_leader_from_another_company_is_refused_and_nothing_is_opened(client, recruiter):
    leader = HiringLeaderFactory()
    client.force_login(recruiter)

    response = client.post(
        url("requisition_create"),
        {
            "title": "X",
            "company": CompanyFactory().pk,
            "hiring_leader": leader.pk,
            "recruiter": recruiter.pk,
            "openings": "1",
        },
    )

    assert response.status_code == 200
    assert "Choose a hiring leader who works at this company." in text(response)
    assert not Requisition.objects.exists()


def test_a_recruiter_can_edit_a_requisition(client, recruiter, requisition, other_recruiter):
    client.force_login(recruiter)

    response = client.post(
        url("requisition_edit", requisition.pk),
        {
            "title": "Staff Engineer",
            "hiring_leader": requisition.hiring_leader_id,
            "recruiter": other_recruiter.pk,
            "openings": "1",
            "location": "Remote",
            "intake_notes": "Go, Kubernetes",
        },
    )

    assert response.status_code == 302
    requisition.refresh_from_db()
    assert (requisition.title, requisition.recruiter, requisition.intake_notes) == (
        "Staff Engineer",
        other_recruiter,
        "Go, Kubernetes",
    )
    page = text(client.get(response.url))
    assert "Saved the details of Staff Engineer." in page
    assert "Go, Kubernetes" in page


def test_bad_requisition_details_rerender_with_messages(client, recruiter, requisition):
    client.force_login(recruiter)
    before = requisition.title

    response = client.post(
        url("requisition_edit", requisition.pk),
        {
            "title": "",
            "hiring_leader": requisition.hiring_leader_id,
            "recruiter": recruiter.pk,
            "openings": "0",
            "target_fill_date": "2000-01-01",
        },
    )

    body = text(response)
    assert response.status_code == 200
    assert "This field is required." in body
    assert "Ensure this value is greater than or equal to 1." in body
    requisition.refresh_from_db()
    assert requisition.title == before


def test_a_target_date_before_the_role_opened_is_refused_on_its_field(
    client, recruiter, requisition
):
    client.force_login(recruiter)

    response = client.post(
        url("requisition_edit", requisition.pk),
        {
            "title": "T",
            "hiring_leader": requisition.hiring_leader_id,
            "recruiter": recruiter.pk,
            "openings": "1",
            "target_fill_date": "2000-01-01",
        },
    )

    assert 'id="id_target_fill_date_error"' in text(response)
    assert "before the role opened" in text(response)


# ---------- companies ----------


def test_the_company_list_searches_and_counts_leaders_and_open_roles(client, recruiter):
    northwind = CompanyFactory(name="Northwind Robotics")
    RequisitionFactory(hiring_leader=HiringLeaderFactory(company=northwind))
    HiringLeaderFactory(company=northwind)
    CompanyFactory(name="Halcyon Health")
    client.force_login(recruiter)

    body = text(client.get(url("company_list"), {"q": "north"}))

    assert "Northwind Robotics" in body
    assert "Halcyon" not in body
    assert '<td data-label="Hiring leaders" class="num">2</td>' in body
    assert '<td data-label="Open roles" class="num">1</td>' in body


def test_the_company_list_explains_itself_when_empty(client, recruiter):
    client.force_login(recruiter)

    assert "No companies yet" in text(client.get(url("company_list")))
    assert "No companies match “x”" in text(client.get(url("company_list"), {"q": "x"}))


def test_a_company_page_shows_its_leaders_and_requisitions(client, recruiter, requisition):
    client.force_login(recruiter)

    body = text(client.get(url("company_detail", requisition.company_id)))

    assert f"<h1>{requisition.company.name}</h1>" in body
    assert requisition.hiring_leader.name in body
    assert requisition.title in body
    assert f"?company={requisition.company_id}" in body


def test_a_recruiter_can_add_and_edit_a_company(client, recruiter):
    client.force_login(recruiter)

    added = client.post(
        url("company_create"), {"name": "Northwind", "time_zone": "America/Los_Angeles"}
    )
    company = Company.objects.get()
    edited = client.post(
        url("company_edit", company.pk),
        {"name": "Northwind Robotics", "website": "northwind.example", "time_zone": "UTC"},
    )

    assert added.url == url("company_detail", company.pk)
    assert edited.status_code == 302
    company.refresh_from_db()
    assert (company.name, company.website) == ("Northwind Robotics", "https://northwind.example")


def test_a_duplicate_company_name_is_a_clear_form_error(client, recruiter):
    CompanyFactory(name="Northwind")
    client.force_login(recruiter)

    response = client.post(url("company_create"), {"name": "NORTHWIND", "time_zone": "UTC"})

    assert response.status_code == 200
    assert "There is already a company called “Northwind”." in text(response)
    assert 'id="id_name_error"' in text(response)
    assert Company.objects.count() == 1


# ---------- hiring leaders ----------


def test_the_leader_list_searches_by_name_email_or_company(client, recruiter):
    HiringLeaderFactory(
        first_name="Dana", last_name="Kim", company=CompanyFactory(name="Northwind")
    )
    HiringLeaderFactory(first_name="Lee", last_name="Harper")
    client.force_login(recruiter)

    by_name = text(client.get(url("hiringleader_list"), {"q": "dan"}))
    by_company = text(client.get(url("hiringleader_list"), {"q": "north"}, **HTMX))

    assert "Dana Kim" in by_name
    assert "Lee Harper" not in by_name
    assert by_company.lstrip().startswith('<div id="leader-table">')
    assert "Dana Kim" in by_company


def test_a_leader_page_shows_roles_updates_sent_promises_and_timeline(
    client, recruiter, requisition
):
    leader = requisition.hiring_leader
    FollowUpFactory(
        candidate=None,
        hiring_leader=leader,
        recruiter=recruiter,
        requisition=requisition,
        audience="hiring_leader",
        template__name="Weekly progress update",
        state="sent",
        sent_at=timezone.now(),
    )
    FollowUpFactory(
        candidate=None,
        hiring_leader=leader,
        recruiter=recruiter,
        audience="hiring_leader",
        template__name="Not sent yet",
    )
    CommitmentFactory(
        candidate=None, hiring_leader=leader, recruiter=recruiter, description="Send shortlist"
    )
    CommitmentFactory(
        candidate=None,
        hiring_leader=leader,
        recruiter=recruiter,
        description="Already kept",
        status="kept",
        kept_at=timezone.now(),
    )
    Activity.objects.create(
        kind="call", hiring_leader=leader, actor=recruiter, summary="Intake call"
    )
    client.force_login(recruiter)

    body = text(client.get(url("hiringleader_detail", leader.pk)))

    assert f'<h1 id="leader-name">{leader.name}</h1>' in body
    assert requisition.title in body
    assert "Weekly progress update" in body
    assert "Not sent yet" not in body
    assert "Send shortlist" in body
    assert "Already kept" not in body
    assert "Intake call" in body


def test_a_message_written_from_a_leaders_page_or_a_board_comes_back_there(
    client, recruiter, requisition
):
    client.force_login(recruiter)
    leader = requisition.hiring_leader
    leader_page = url("hiringleader_detail", leader.pk)
    board = url("requisition_detail", requisition.pk)
    compose = reverse("followups:message_compose")

    from_leader = text(client.get(leader_page))
    from_board = text(client.get(board))

    assert f'href="{compose}?hiring_leader={leader.pk}&amp;next=%2Fhiring-leaders%2F' in (
        from_leader
    )
    assert f"next={board.replace('/', '%2F')}" in from_board
    back = text(client.get(compose, {"hiring_leader": leader.pk, "next": leader_page}))
    assert f'<a href="{leader_page}">← Back</a>' in back


def test_a_leader_page_explains_what_will_appear(client, recruiter):
    leader = HiringLeaderFactory(first_name="Dana")
    client.force_login(recruiter)

    body = text(client.get(url("hiringleader_detail", leader.pk)))

    assert "No requisitions for Dana yet" in body
    assert "No updates sent yet" in body
    assert "No open promises" in body
    assert "Nothing on Dana\u2019s timeline yet" in body


def test_the_leader_timeline_pages_with_htmx(client, recruiter):
    leader = HiringLeaderFactory()
    for n in range(25):
        Activity.objects.create(
            kind="note",
            hiring_leader=leader,
            summary=f"Entry {n:02d}",
            occurred_at=timezone.now() - datetime.timedelta(hours=n),
        )
    client.force_login(recruiter)

    older = text(client.get(url("hiringleader_detail", leader.pk), {"page": "2"}, **HTMX))

    assert older.lstrip().startswith('<section class="panel" id="timeline"')
    assert "Entry 24" in older
    assert "Entry 00" not in older


def test_a_recruiter_can_add_a_leader_from_the_company_page(client, recruiter):
    company = CompanyFactory(name="Northwind")
    client.force_login(recruiter)

    form = client.get(url("hiringleader_create"), {"company": company.pk})
    response = client.post(
        url("hiringleader_create"),
        {
            "company": company.pk,
            "first_name": "Dana",
            "last_name": "Kim",
            "email": "dana@northwind.example",
        },
    )

    leader = HiringLeader.objects.get()
    assert f'<option value="{company.pk}" selected>' in text(form)
    assert response.url == url("hiringleader_detail", leader.pk)
    assert "Added Dana Kim at Northwind." in text(client.get(response.url))


def test_a_duplicate_leader_email_is_a_clear_form_error(client, recruiter):
    HiringLeaderFactory(first_name="Dana", last_name="Kim", email="dana@northwind.example")
    client.force_login(recruiter)

    response = client.post(
        url("hiringleader_create"),
        {
            "company": CompanyFactory().pk,
            "first_name": "D",
            "last_name": "K",
            "email": "Dana@Northwind.example",
        },
    )

    assert "Dana Kim at" in text(response)
    assert "already has the address dana@northwind.example" in text(response)
    assert HiringLeader.objects.count() == 1


def test_a_leaders_phone_needs_digits_to_dial(client, recruiter):
    leader = HiringLeaderFactory(first_name="Dana", last_name="Kim", phone="+1 555 0100")
    client.force_login(recruiter)

    response = client.post(
        url("hiringleader_edit", leader.pk),
        {"first_name": "Dana", "last_name": "Kim", "email": leader.email, "phone": "n/a"},
    )

    assert response.status_code == 200
    assert "“n/a” is not a phone number: it has fewer than 5 digits." in text(response)
    assert 'id="id_phone_error"' in text(response)
    leader.refresh_from_db()
    assert leader.phone == "+1 555 0100"


def test_a_recruiter_can_edit_a_leader(client, recruiter):
    leader = HiringLeaderFactory(first_name="Dana", last_name="Kim")
    client.force_login(recruiter)

    response = client.post(
        url("hiringleader_edit", leader.pk),
        {
            "first_name": "Dana",
            "last_name": "Kim",
            "email": leader.email,
            "phone": "+1 555 0100",
            "time_zone": "Europe/Berlin",
        },
    )

    assert response.status_code == 302
    leader.refresh_from_db()
    assert (leader.phone, leader.time_zone) == ("+1 555 0100", "Europe/Berlin")


# ---------- fixed query counts for the client pages ----------

# Every page: the session and the user, then its own reads.
PAGE_QUERIES = {
    "company_list": 6,  # count, page, leaders and open roles of the page's companies
    "company_detail": 7,  # company, leaders, roles count and page, their pipeline counts
    "hiringleader_list": 5,  # count, page (with company), open roles of the page's leaders
    # leader, timeline count and page, roles count, page and pipelines, updates, promises
    "hiringleader_detail": 10,
}


@pytest.mark.parametrize("size", [1, 30])
@pytest.mark.parametrize("page", list(PAGE_QUERIES))
def test_client_pages_run_a_fixed_number_of_queries(
    client, recruiter, django_assert_max_num_queries, size, page
):
    company = CompanyFactory()
    leader = HiringLeaderFactory(company=company)
    for n in range(size):
        other = HiringLeaderFactory(company=company if n % 2 else CompanyFactory())
        fill(RequisitionFactory(hiring_leader=leader, recruiter=RecruiterFactory()), sourced=1)
        RequisitionFactory(hiring_leader=other)
        CommitmentFactory(candidate=None, hiring_leader=leader, recruiter=recruiter)
        Activity.objects.create(kind="note", hiring_leader=leader, summary=f"n{n}")
    args = {"company_detail": [company.pk], "hiringleader_detail": [leader.pk]}.get(page, [])
    client.force_login(recruiter)

    with django_assert_max_num_queries(PAGE_QUERIES[page]):
        response = client.get(url(page, *args))

    assert response.status_code == 200
