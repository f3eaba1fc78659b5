"""`make bench`'s "leader-digest-10-roles": the big requisition's leader is given 10 open
roles once, and the bench view builds their digest as the worker does."""

import pytest
from django.http import Http404
from django.test import RequestFactory

from benchmarks.pages import PAGES, leader_digest_10_roles
from benchmarks.views import leader_digest
from hiring_leaders.models import Requisition
from sample_data.dataset import Cast
from tests.candidates.factories import ApplicationFactory
from tests.hiring_leaders.factories import RequisitionFactory


def test_the_digest_page_gives_the_leader_ten_open_roles_once_and_builds_their_digest(
    recruiter, leader, django_assert_max_num_queries
):
    big = RequisitionFactory(recruiter=recruiter, hiring_leader=leader, title="Big role")
    ApplicationFactory(requisition=big, stage="submitted")
    RequisitionFactory.create_batch(12, recruiter=recruiter)
    cast = Cast(recruiter=recruiter, big_requisition=big, leader=leader.user)

    url = leader_digest_10_roles(cast)
    assert leader_digest_10_roles(cast) == url == f"/bench/digest/{leader.pk}/"
    assert Requisition.objects.filter(hiring_leader=leader, status="open").count() == 10
    assert "leader-digest-10-roles" in [page.name for page in PAGES]

    request = RequestFactory().get(url)
    request.user = recruiter
    with django_assert_max_num_queries(10):
        response = leader_digest(request, leader.pk)
    text = response.content.decode()
    assert "== Big role" in text
    assert text.count("Progress page: ") == 10


def test_the_digest_page_of_no_leader_is_a_404(recruiter):
    request = RequestFactory().get("/bench/digest/0/")
    request.user = recruiter

    with pytest.raises(Http404):
        leader_digest(request, 0)
