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
from tests.recruitcrm.factories import AdminUserFactory, RecruiterFactory

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


# ---------- the recruiter and company pickers: typed, matched on the server ----------


def test_a_recruiter_and_a_company_are_picked_by_name_in_any_case(admin_user):
    maya = RecruiterFactory(first_name="Maya", last_name="Okafor")
    acme = CompanyFactory(name="Acme Robotics")

    picked = form(admin_user, recruiter="maya okafor", company="ACME ROBOTICS")

    assert picked.errors == {}
    assert (picked.filters.recruiter_id, picked.filters.company_id) == (maya.pk, acme.pk)
    assert picked.shown_value("recruiter") == "Maya Okafor"
    assert picked.shown_value("company") == "Acme Robotics"


def test_part_of_a_name_picks_the_one_it_matches_and_an_id_still_works(admin_user):
    RecruiterFactory(first_name="Rosa", last_name="Bauer")
    ravi = RecruiterFactory(first_name="Ravi", last_name="Shah")
    CompanyFactory(name="Globex")
    acme = CompanyFactory(name="Acme Robotics")

    picked = form(admin_user, recruiter="shah", company="robot")
    by_id = form(admin_user, recruiter=str(ravi.pk), company=str(acme.pk))

    assert (picked.filters.recruiter_id, picked.filters.company_id) == (ravi.pk, acme.pk)
    assert by_id.filters == picked.filters
    # the field shows whom it picked, not the id or the fragment typed
    assert (by_id.shown_value("recruiter"), by_id.shown_value("company")) == (
        "Ravi Shah",
        "Acme Robotics",
    )


def test_several_matches_are_named_offered_and_fall_back_to_everyone(admin_user):
    RecruiterFactory(first_name="Rosa", last_name="Bauer")
    RecruiterFactory(first_name="Rosa", last_name="Banerjee")
    acme = CompanyFactory(name="Acme Robotics")

    several = form(admin_user, recruiter="rosa b", company=str(acme.pk))

    assert several.errors["recruiter"] == [
        "2 recruiters match “rosa b”: Rosa Banerjee, Rosa Bauer. Type more of the name (the "
        "list offers them); showing everyone meanwhile."
    ]
    assert several.suggestions("recruiter") == ["Rosa Banerjee", "Rosa Bauer"]
    assert several.filters == Filters(datetime.date(2025, 12, 5), TODAY, company_id=acme.pk)
    assert several.shown_value("recruiter") == "rosa b"  # what they typed stays to correct


def test_namesakes_are_told_apart_by_username(admin_user):
    first = RecruiterFactory(first_name="Sam", last_name="Lee", username="slee")
    second = RecruiterFactory(first_name="Sam", last_name="Lee", username="slee2")

    ambiguous = form(admin_user, recruiter="Sam Lee")
    picked = form(admin_user, recruiter="Sam Lee (slee2)")

    assert ambiguous.suggestions("recruiter") == ["Sam Lee (slee)", "Sam Lee (slee2)"]
    assert picked.filters.recruiter_id == second.pk
    assert form(admin_user, recruiter=str(first.pk)).shown_value("recruiter") == "Sam Lee (slee)"


def test_no_match_says_so_and_shows_everyone(admin_user, recruiter):
    none = form(admin_user, recruiter="Nobody Atall", company="Initech")

    assert none.errors["recruiter"] == [
        "No recruiter matches “Nobody Atall”: showing everyone instead."
    ]
    assert none.errors["company"] == [
        "No company matches “Initech”: showing all companies instead."
    ]
    assert none.filters == Filters(datetime.date(2025, 12, 5), TODAY)


def test_only_recruiters_are_picked_as_recruiters(admin_user):
    AdminUserFactory(first_name="Ada", last_name="Admin")

    assert "recruiter" in form(admin_user, recruiter="Ada Admin").errors
    assert "recruiter" in form(admin_user, recruiter=str(admin_user.pk)).errors
