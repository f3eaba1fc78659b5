"""The analytics frame every analytics page shares: its filters and its CSV downloads."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404, QueryDict
from django.test import RequestFactory

from recruitcrm.analytics import (
    AnalyticsFilterForm,
    Filters,
    PeriodFilterForm,
    csv_response,
    export_requested,
    share,
)
from tests.hiring_leaders.factories import CompanyFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 4)


def form(user, **data):
    query = QueryDict(mutable=True)
    query.update(data)
    return AnalyticsFilterForm(query if data else None, user=user, today=TODAY)


def test_by_default_the_last_90_days_for_everyone_when_an_admin_looks(admin_user):
    filters = form(admin_user).filters

    assert filters == Filters(datetime.date(2025, 12, 5), TODAY)
    assert filters.days == 90
    assert filters.slug == "2025-12-05-to-2026-03-04"


def test_a_recruiter_sees_their_own_figures(recruiter, other_recruiter):
    assert form(recruiter).filters.recruiter_id == recruiter.pk
    chose_a_colleague = form(recruiter, recruiter=str(other_recruiter.pk))
    assert "recruiter" in chose_a_colleague.errors
    assert chose_a_colleague.filters.recruiter_id == recruiter.pk


def test_an_admin_chooses_any_recruiter_and_company(admin_user, recruiter):
    company = CompanyFactory()

    filters = form(
        admin_user, recruiter=str(recruiter.pk), company=str(company.pk), start="2026-01-01"
    ).filters

    assert (filters.recruiter_id, filters.company_id) == (recruiter.pk, company.pk)
    assert filters.start == datetime.date(2026, 1, 1)


def test_a_bad_range_says_so_and_falls_back_to_the_default_keeping_the_rest(admin_user):
    company = CompanyFactory()
    bad = form(admin_user, start="2026-03-01", end="2026-02-01", company=str(company.pk))

    assert bad.errors["end"] == ["The end date is before the start date."]
    assert bad.filters == Filters(datetime.date(2025, 12, 5), TODAY, company_id=company.pk)
    assert "The end date" in str(bad["end"].errors)


def test_not_a_date_is_an_error_beside_its_field(admin_user):
    bad = form(admin_user, start="yesterday")

    assert "start" in bad.errors
    assert bad.filters.start == datetime.date(2025, 12, 5)


def test_the_range_is_whole_days_in_the_sites_time_zone(settings):
    filters = Filters(datetime.date(2026, 3, 1), datetime.date(2026, 3, 1))

    assert filters.end_at - filters.start_at == datetime.timedelta(days=1)
    assert filters.start_at.tzinfo is not None


def test_a_period_form_has_only_dates_and_starts_where_the_page_says(recruiter):
    period = PeriodFilterForm(None, user=recruiter, today=TODAY, start=datetime.date(2026, 2, 1))

    assert list(period.fields) == ["start", "end"]
    assert period.filters == Filters(datetime.date(2026, 2, 1), TODAY)


def test_an_export_names_a_table_of_the_page_or_is_404():
    request = RequestFactory().get("/analytics/", {"export": "funnel"})

    assert export_requested(request, {"funnel"}) == "funnel"
    assert export_requested(RequestFactory().get("/analytics/"), {"funnel"}) is None
    with pytest.raises(Http404):
        export_requested(RequestFactory().get("/", {"export": "x"}), {"funnel"})


def test_a_csv_download_streams_every_row_with_empty_cells_for_none():
    response = csv_response(
        filename="t.csv", header=["a", "b"], rows=iter([(1, None), ("x, y", 2.5)])
    )

    assert response["Content-Disposition"] == 'attachment; filename="t.csv"'
    assert b"".join(response.streaming_content).decode() == 'a,b\r\n1,\r\n"x, y",2.5\r\n'


def test_share_is_a_whole_percentage_or_none():
    assert (share(1, 3), share(2, 3), share(0, 0), share(None, 4)) == (33, 67, None, 0)
