from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.models import Application
from hiring_leaders.models import Requisition
from tests.candidates.factories import ApplicationFactory
from tests.hiring_leaders.factories import HiringLeaderFactory, RequisitionFactory
from tests.recruitcrm.factories import HiringLeaderUserFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("hiring_leaders:requisition_list")

# Session, user, the leader (+ company), count, one page of requisitions with their counts.
LIST_QUERIES = 5


def detail_url(requisition) -> str:
    return reverse("hiring_leaders:requisition_detail", args=[requisition.pk])


def text(response) -> str:
    return response.content.decode()


def add_pipeline(requisition, **per_stage: int) -> None:
    for stage, how_many in per_stage.items():
        for _ in range(how_many):
            ApplicationFactory(requisition=requisition, stage=stage)


# ---------- who may see the pages ----------


@pytest.mark.parametrize("url_name", ["list", "detail"])
def test_anonymous_visitors_are_sent_to_sign_in(client, requisition, url_name):
    url = LIST_URL if url_name == "list" else detail_url(requisition)

    response = client.get(url)

    assert response.status_code == 302
    # A leader's page offers a fresh sign-in link by email (and a password) to come back with.
    assert response.url == f"{reverse('hiring_leaders:sign_in')}?next={url}"


@pytest.mark.parametrize("user_fixture", ["recruiter", "admin_user"])
@pytest.mark.parametrize("url_name", ["list", "detail"])
def test_recruiters_and_admins_do_not_get_leader_pages(
    client, request, requisition, user_fixture, url_name
):
    client.force_login(request.getfixturevalue(user_fixture))
    url = LIST_URL if url_name == "list" else detail_url(requisition)

    response = client.get(url)

    assert response.status_code == 404
    assert requisition.title not in text(response)


def test_a_leader_cannot_open_another_leaders_requisition(client, requisition, other_leader):
    client.force_login(other_leader.user)

    response = client.get(detail_url(requisition))

    assert response.status_code == 404
    assert requisition.title not in text(response)
    assert "Page not found" in text(response)


def test_an_unknown_requisition_is_not_found(client, leader):
    client.force_login(leader.user)

    response = client.get(reverse("hiring_leaders:requisition_detail", args=[987654]))

    assert response.status_code == 404


@pytest.mark.parametrize("url_name", ["list", "detail"])
def test_a_leader_login_linked_to_nobody_sees_nothing(client, requisition, url_name):
    client.force_login(HiringLeaderUserFactory())
    url = LIST_URL if url_name == "list" else detail_url(requisition)

    response = client.get(url)

    assert response.status_code == 404


# ---------- requisition list ----------


def test_a_leader_sees_only_their_own_requisitions_with_progress(
    client, leader, recruiter, other_leader
):
    own = RequisitionFactory(
        title="Platform Lead", hiring_leader=leader, recruiter=recruiter, location="Berlin"
    )
    add_pipeline(own, sourced=2, screened=1, submitted=2, interviewing=1, hired=1)
    ApplicationFactory(
        requisition=own,
        stage=Application.Stage.SUBMITTED,
        outcome=Application.Outcome.REJECTED,
        closed_at=timezone.now(),
        close_reason="Not a fit",
    )
    RequisitionFactory(title="Secret Role Elsewhere", hiring_leader=other_leader)
    client.force_login(leader.user)

    response = client.get(LIST_URL)

    body = text(response)
    assert response.status_code == 200
    assert f'href="{own.get_absolute_url()}">Platform Lead</a>' in body
    assert "Secret Role Elsewhere" not in body
    assert leader.company.name in body
    assert "Berlin" in body
    assert 'class="badge badge--open">Open<' in body
    assert recruiter.name in body
    assert '<td data-label="Active candidates" class="num">7</td>' in body
    # As the role's progress page counts "submitted to you": the hire among them.
    assert '<td data-label="Submitted" class="num">4</td>' in body
    assert '<td data-label="Hires" class="num">1 <span class="muted">of 1</span></td>' in body
    assert "1 requisition" in body


def test_the_list_shows_status_as_a_word(client, leader):
    RequisitionFactory(
        title="Paused Role",
        hiring_leader=leader,
        status=Requisition.Status.ON_HOLD,
        status_reason="Budget review",
    )
    client.force_login(leader.user)

    response = client.get(LIST_URL)

    assert 'class="badge badge--on_hold">On hold<' in text(response)


def test_the_list_explains_itself_when_there_are_no_requisitions(client, leader, other_leader):
    RequisitionFactory(hiring_leader=other_leader)
    client.force_login(leader.user)

    response = client.get(LIST_URL)

    assert "No requisitions yet" in text(response)
    assert "<table" not in text(response)


def test_the_list_is_paginated(client, leader):
    for n in range(30):
        RequisitionFactory(
            title=f"Role {n:02d}",
            hiring_leader=leader,
            opened_on=datetime.date.today() - datetime.timedelta(days=n),
        )
    client.force_login(leader.user)

    first = client.get(LIST_URL)
    second = client.get(LIST_URL, {"page": "2"})
    junk = client.get(LIST_URL, {"page": "junk"})

    assert "Role 00" in text(first)
    assert "Role 24" in text(first)
    assert "Role 25" not in text(first)
    assert "1\u201325 of 30 requisitions" in text(first)
    assert "Role 25" in text(second)
    assert "Role 29" in text(second)
    assert "Role 00" not in text(second)
    assert junk.status_code == 200
    assert "Role 00" in text(junk)


@pytest.mark.parametrize("rows", [2, 30])
def test_the_list_runs_a_fixed_number_of_queries(
    client, leader, django_assert_max_num_queries, rows
):
    for _ in range(rows):
        add_pipeline(RequisitionFactory(hiring_leader=leader), sourced=1, submitted=1)
    client.force_login(leader.user)

    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(LIST_URL)
    with django_assert_max_num_queries(LIST_QUERIES):
        client.get(LIST_URL, {"page": "2"})

    assert response.status_code == 200


def test_a_second_leader_at_the_same_company_sees_only_their_own(client, leader):
    colleague = HiringLeaderFactory(company=leader.company, user=HiringLeaderUserFactory())
    theirs = RequisitionFactory(title="Colleague Role", hiring_leader=colleague)
    RequisitionFactory(title="My Role", hiring_leader=leader)
    client.force_login(leader.user)

    listing = client.get(LIST_URL)
    detail = client.get(detail_url(theirs))

    assert "My Role" in text(listing)
    assert "Colleague Role" not in text(listing)
    assert detail.status_code == 404
