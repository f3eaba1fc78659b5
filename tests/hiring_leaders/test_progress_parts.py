"""The progress page's shell and the parts loaded after it (hiring_leaders.views.PARTS): each
part's URL has the page's own permission, answers htmx with the part alone and a plain request
with the page's layout around it, and the shell hands its page= and before= on."""

from __future__ import annotations

import pytest
from django.urls import reverse

from candidates.models import Application
from tests.candidates.factories import ApplicationFactory, CandidateFactory
from tests.hiring_leaders.factories import HiringLeaderWithLoginFactory
from tests.hiring_leaders.progress_page import part_urls

pytestmark = pytest.mark.django_db

PARTS = ["pipeline", "submitted", "updates"]
HTMX = {"headers": {"HX-Request": "true"}}


def part_url(requisition, part: str) -> str:
    return reverse("hiring_leaders:requisition_part", args=[requisition.pk, part])


def as_leader_part_url(requisition, part: str) -> str:
    return reverse("clients:requisition_as_leader_part", args=[requisition.pk, part])


@pytest.fixture
def colleague(leader):
    """A hiring leader at the same company who does not own the requisition."""
    return HiringLeaderWithLoginFactory(company=leader.company)


def test_the_shell_loads_each_part_from_its_own_url(client, leader, requisition):
    client.force_login(leader.user)

    response = client.get(reverse("hiring_leaders:requisition_detail", args=[requisition.pk]))

    page = response.content.decode()
    assert part_urls(response) == {part: part_url(requisition, part) for part in PARTS}
    assert 'data-hx-trigger="load" data-hx-swap="outerHTML"' in page
    # Without JavaScript each placeholder is a link to its part as a page of its own.
    for part in PARTS:
        assert f'<a href="{part_url(requisition, part)}">' in page


@pytest.mark.parametrize("part", PARTS)
def test_htmx_gets_the_part_alone_and_a_plain_request_the_whole_layout(
    client, leader, requisition, part
):
    client.force_login(leader.user)

    alone = client.get(part_url(requisition, part), **HTMX).content.decode()
    page = client.get(part_url(requisition, part)).content.decode()

    assert "<html" not in alone
    assert f'id="{part}"' in alone
    assert "<html" in page
    assert f'id="{part}"' in page
    assert f"<h1>{requisition.title}</h1>" in page
    back = reverse("hiring_leaders:requisition_detail", args=[requisition.pk])
    assert f'<a href="{back}">← The whole page for' in page


@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("who", ["other_leader", "colleague", "recruiter"])
def test_only_the_requisitions_leader_opens_its_parts(client, request, requisition, part, who):
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))

    response = client.get(part_url(requisition, part), **HTMX)

    assert response.status_code == 404
    assert requisition.title not in response.content.decode()


@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("who", ["leader", "other_leader", "colleague"])
def test_leaders_cannot_open_the_view_as_leader_parts(client, request, requisition, part, who):
    client.force_login(request.getfixturevalue(who).user)

    assert client.get(as_leader_part_url(requisition, part), **HTMX).status_code == 404


@pytest.mark.parametrize("part", PARTS)
def test_any_recruiter_opens_the_view_as_leader_parts_read_only(
    client, other_recruiter, requisition, part
):
    ApplicationFactory(requisition=requisition, stage=Application.Stage.SUBMITTED)
    client.force_login(other_recruiter)

    response = client.get(as_leader_part_url(requisition, part), **HTMX)

    assert response.status_code == 200
    assert "/feedback/" not in response.content.decode()  # no feedback buttons to press


def test_the_view_as_leader_shell_loads_its_own_parts(client, recruiter, requisition):
    client.force_login(recruiter)

    response = client.get(reverse("clients:requisition_as_leader", args=[requisition.pk]))

    assert part_urls(response) == {part: as_leader_part_url(requisition, part) for part in PARTS}


def test_an_unknown_part_is_404(client, leader, requisition):
    client.force_login(leader.user)

    assert client.get(part_url(requisition, "secrets")).status_code == 404


def test_the_shell_hands_page_and_before_on_to_their_parts(client, leader, requisition):
    for n in range(30):
        ApplicationFactory(
            requisition=requisition,
            stage=Application.Stage.SUBMITTED,
            candidate=CandidateFactory(first_name=f"C{n:02}"),
        )
    client.force_login(leader.user)
    shell = reverse("hiring_leaders:requisition_detail", args=[requisition.pk])

    urls = part_urls(client.get(shell, {"page": "2", "before": "2026-03-01T00:00:00+00:00"}))
    second = client.get(urls["submitted"], **HTMX).content.decode()

    assert urls["submitted"] == part_url(requisition, "submitted") + "?page=2"
    assert urls["updates"].startswith(part_url(requisition, "updates") + "?before=2026-03-01")
    assert urls["pipeline"] == part_url(requisition, "pipeline")
    assert "26\N{EN DASH}30 of 30" in second
    # "Previous" points at the shell's own address, which hands page= on again.
    assert 'href="?page=1#submitted"' in second
