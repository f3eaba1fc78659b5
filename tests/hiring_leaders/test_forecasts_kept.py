"""The intake's forecast suggestion kept between visits (forecasts.forecast_suggestion_kept):
the same as counting it afresh, counted once per kind of role and day, counted again when the
filled roles change through the services, and the page still says its evidence and when there
is too little history."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from hiring_leaders import intake, services
from hiring_leaders.forecasts import forecast_suggestion, forecast_suggestion_kept
from hiring_leaders.models import Requisition
from tests.hiring_leaders.factories import RequisitionFactory
from tests.hiring_leaders.test_forecasts import OLD, RECENT, filled

pytestmark = pytest.mark.django_db


@pytest.fixture
def role(db):
    return RequisitionFactory(role_family="engineering", seniority="senior", location="Lisbon")


@pytest.fixture
def four_fills(db):
    for days in (50, 90, 120):
        filled(days, closed_on=RECENT)
    filled(200, closed_on=OLD)


def test_kept_is_what_counting_says_and_is_read_without_a_query(
    role, four_fills, django_assert_num_queries
):
    filled(100, closed_on=OLD)
    with django_assert_num_queries(1):
        kept = forecast_suggestion_kept(requisition=role)
    assert kept == forecast_suggestion(requisition=role)
    assert (kept.low, kept.median, kept.high) == (80, 95, 120)
    with django_assert_num_queries(0):
        assert forecast_suggestion_kept(requisition=role) == kept
    # Another open role of the same kind shares it; another seniority is its own.
    twin = RequisitionFactory(
        role_family="engineering", seniority="senior", location="Lisbon", company=role.company
    )
    with django_assert_num_queries(0):
        assert forecast_suggestion_kept(requisition=twin) == kept
    junior = RequisitionFactory(role_family="engineering", seniority="junior", location="Porto")
    with django_assert_num_queries(1):
        assert not forecast_suggestion_kept(requisition=junior).enough


def test_a_fill_through_the_services_is_counted_at_once(
    role, four_fills, recruiter, django_capture_on_commit_callbacks
):
    assert forecast_suggestion_kept(requisition=role).count == 4
    another = RequisitionFactory(
        role_family="engineering",
        seniority="senior",
        opened_on=timezone.localdate() - datetime.timedelta(days=60),
    )
    # Still open: not history.
    assert forecast_suggestion_kept(requisition=role).count == 4
    with django_capture_on_commit_callbacks(execute=True):
        services.requisition_fill(requisition=another, by=recruiter)
    found = forecast_suggestion_kept(requisition=role)
    assert found.count == 5
    assert found.enough
    # A filled role's seniority changed on its intake: it leaves this role's history.
    with django_capture_on_commit_callbacks(execute=True):
        intake.intake_save(
            requisition=Requisition.objects.get(pk=another.pk), by=recruiter, seniority="lead"
        )
    assert forecast_suggestion_kept(requisition=role).count == 4


def test_the_next_day_counts_again(role, four_fills, django_assert_num_queries):
    forecast_suggestion_kept(requisition=role)
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with time_machine.travel(tomorrow), django_assert_num_queries(1):
        forecast_suggestion_kept(requisition=role)


def test_the_page_says_its_evidence_and_too_little_history_from_what_is_kept(
    client, recruiter, four_fills, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    role = RequisitionFactory(recruiter=recruiter, role_family="engineering", seniority="senior")
    url = reverse("clients:requisition_intake", args=[role.pk])
    client.force_login(recruiter)
    page = client.get(url).content.decode()
    assert "Too little history to suggest a range: only 4 similar filled roles" in page
    # Session (when not cached), user, requisition, intake, versions counted, forecasts; the
    # suggestion from the cache.
    with django_assert_max_num_queries(6):
        assert "Too little history" in client.get(url).content.decode()
    fifth = RequisitionFactory(
        role_family="engineering",
        seniority="senior",
        opened_on=timezone.localdate() - datetime.timedelta(days=100),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.requisition_fill(requisition=fifth, by=recruiter)
    page = client.get(url).content.decode()
    assert "From 5 filled roles (same role family and seniority: senior engineering)" in page
    assert "Use this range" in page
