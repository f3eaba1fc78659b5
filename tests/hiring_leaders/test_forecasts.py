"""The time-to-fill suggestion from the agency's own filled roles (hiring_leaders.forecasts),
on a history whose percentiles are worked out by hand below. The run's clock is pinned to
Wed 4 March 2026 (tests/clock.py): fills closed on or after 4 March 2025 are "recent"."""

from __future__ import annotations

import datetime

import pytest

from hiring_leaders.forecasts import (
    SAME_FAMILY_AND_SENIORITY,
    SAME_FAMILY_PLACE_OR_COMPANY,
    forecast_suggestion,
)
from hiring_leaders.models import Requisition
from tests.hiring_leaders.factories import CompanyFactory, RequisitionFactory

RECENT = datetime.date(2025, 9, 1)
OLD = datetime.date(2024, 6, 1)


def filled(days: int, *, closed_on=RECENT, family="engineering", seniority="senior", **extra):
    return RequisitionFactory(
        status=Requisition.Status.FILLED,
        opened_on=closed_on - datetime.timedelta(days=days),
        closed_on=closed_on,
        role_family=family,
        seniority=seniority,
        **extra,
    )


@pytest.fixture
def role(db):
    return RequisitionFactory(role_family="engineering", seniority="senior", location="Lisbon")


@pytest.mark.django_db
def test_recent_fills_count_twice_in_the_suggested_range(role, django_assert_num_queries):
    for days in (50, 90, 120):
        filled(days, closed_on=RECENT)
    for days in (100, 200):
        filled(days, closed_on=OLD)
    # Weighted: 50 50 90 90 100 120 120 200 (n=8). percentile_cont:
    #   p25 at 1.75 -> 50 + 0.75 * 40 = 80; p50 at 3.5 -> 95; p75 at 5.25 -> 120.
    # Unweighted (50 90 100 120 200) it would have been 90, 100, 120.
    with django_assert_num_queries(1):
        found = forecast_suggestion(requisition=role)
    assert found.enough
    assert (found.low, found.median, found.high) == (80, 95, 120)
    assert found.count == 5
    assert found.recent == 3
    assert found.rule == SAME_FAMILY_AND_SENIORITY
    assert (found.first_closed, found.last_closed) == (OLD, RECENT)


@pytest.mark.django_db
def test_it_ignores_open_roles_other_families_and_the_role_itself(role):
    for days in (50, 90, 120, 100, 200):
        filled(days, closed_on=OLD)
    filled(999, family="sales")
    RequisitionFactory(role_family="engineering", seniority="senior")  # open
    found = forecast_suggestion(requisition=role)
    # 50 90 100 120 200: p25 = 90, p50 = 100, p75 = 120.
    assert (found.count, found.low, found.median, found.high) == (5, 90, 100, 120)
    assert found.recent == 0


@pytest.mark.django_db
def test_too_little_history_offers_no_range(role):
    for days in (50, 90, 120, 100):
        filled(days)
    found = forecast_suggestion(requisition=role)
    assert not found.enough
    assert found.count == 4
    assert found.rule == SAME_FAMILY_AND_SENIORITY


@pytest.mark.django_db
def test_it_widens_to_the_same_location_or_company_when_too_few_match_exactly(role):
    filled(60, closed_on=OLD)
    filled(70, closed_on=OLD)
    # Same family, another seniority: counted once widened, when at the same place or company.
    filled(30, seniority="junior", location="lisbon", closed_on=OLD)
    filled(40, seniority="lead", location="Lisbon", closed_on=OLD)
    filled(80, seniority="", company=role.company, closed_on=OLD)
    filled(150, seniority="manager", company=role.company, closed_on=OLD)
    # Neither: another seniority at another place and company.
    filled(5, seniority="junior", location="Porto", company=CompanyFactory())
    found = forecast_suggestion(requisition=role)
    assert found.rule == SAME_FAMILY_PLACE_OR_COMPANY
    # 30 40 60 70 80 150: p25 at 1.25 -> 40 + 0.25 * 20 = 45; p50 at 2.5 -> 65;
    # p75 at 3.75 -> 70 + 0.75 * 10 = 77.5 -> 78 (half up).
    assert (found.count, found.low, found.median, found.high) == (6, 45, 65, 78)


@pytest.mark.django_db
def test_a_role_without_a_family_has_nothing_to_compare_with(django_assert_num_queries):
    role = RequisitionFactory(role_family="")
    with django_assert_num_queries(0):
        found = forecast_suggestion(requisition=role)
    assert found.missing == "role family"
    assert not found.enough
