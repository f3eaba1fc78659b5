"""The analytics pages as people open them: who may, what they show, the CSV downloads, and a
fixed number of queries whatever the rows."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.hiring_leaders.factories import (
    CompanyFactory,
    HiringLeaderWithLoginFactory,
    RequisitionFactory,
)
from tests.recruitcrm.factories import RecruiterFactory

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_the_agency_page_shows_the_funnel_and_each_table(client, admin_user, pipeline_history):
    client.force_login(admin_user)

    response = client.get(reverse("analytics:pipeline"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Funnel" in page
    # Entries, not people: someone in two pipelines is two (the agency's candidates are fewer).
    assert "entries added to pipelines (someone put forward for two roles counts twice)" in page
    assert "Time in each stage" in page
    assert "Source of hire" in page
    assert "Not enough Python" in page
    assert "Waiting on the leader" in page


def test_the_agency_page_reads_with_a_fixed_number_of_queries(
    client, admin_user, pipeline_history, django_assert_max_num_queries
):
    client.force_login(admin_user)

    # session, user, the recruiters and companies to choose from; the counting, in one
    # transaction without JIT, then five figures
    with django_assert_max_num_queries(10):
        client.get(reverse("analytics:pipeline"))
    # counted once: the next visit reads them from the cache
    with django_assert_max_num_queries(4):
        response = client.get(reverse("analytics:pipeline"))
    assert "Not enough Python" in response.content.decode()


def test_the_experience_page_reads_with_a_fixed_number_of_queries(
    client, admin_user, pipeline_history, django_assert_max_num_queries
):
    client.force_login(admin_user)

    # session, user, the recruiters and companies to choose from, no JIT, four figures
    with django_assert_max_num_queries(9):
        response = client.get(reverse("analytics:experience"))
    assert response.status_code == 200
    with django_assert_max_num_queries(4):
        client.get(reverse("analytics:experience"))


def test_a_requisitions_page_reads_with_a_fixed_number_of_queries(
    client, recruiter, pipeline_history, django_assert_max_num_queries
):
    client.force_login(recruiter)
    url = reverse("analytics:requisition", args=[pipeline_history[0].pk])

    # session, user, the requisition, no JIT, five figures
    with django_assert_max_num_queries(9):
        response = client.get(url)
    assert "Backend Engineer" in response.content.decode()
    with django_assert_max_num_queries(3):
        client.get(url)


def test_beat_counts_the_default_views_ahead_of_the_visit(
    client, admin_user, recruiter, pipeline_history, django_assert_max_num_queries
):
    from candidates.tasks import refresh_analytics

    recruiter.last_login = timezone.now() - datetime.timedelta(days=13)
    recruiter.save(update_fields=["last_login"])
    # the agency, and the recruiter who signed in lately (not the one who has not for weeks)
    assert refresh_analytics() == 2

    client.force_login(admin_user)
    with django_assert_max_num_queries(4):
        client.get(reverse("analytics:experience"))
    client.force_login(recruiter)
    # session, user, the companies (a recruiter's own name needs none)
    with django_assert_max_num_queries(3):
        response = client.get(reverse("analytics:pipeline"))
    assert "Referral" in response.content.decode()


def test_the_page_says_when_its_figures_were_counted(client, admin_user, db):
    client.force_login(admin_user)

    page = client.get(reverse("analytics:pipeline")).content.decode()

    assert "Counted <time" in page


def test_the_leader_sees_their_requisitions_analytics(client, leader, pipeline_history):
    client.force_login(leader.user)

    response = client.get(reverse("analytics:leader_requisition", args=[pipeline_history[0].pk]))

    assert response.status_code == 200
    assert "Back to progress" in response.content.decode()


def test_another_companys_leader_gets_404(client, other_leader, pipeline_history):
    client.force_login(other_leader.user)

    response = client.get(reverse("analytics:leader_requisition", args=[pipeline_history[0].pk]))

    assert response.status_code == 404


def test_a_colleague_of_the_leader_who_does_not_own_the_requisition_gets_404(
    client, leader, pipeline_history
):
    colleague = HiringLeaderWithLoginFactory(company=leader.company)
    client.force_login(colleague.user)

    response = client.get(reverse("analytics:leader_requisition", args=[pipeline_history[0].pk]))

    assert response.status_code == 404


def test_a_leader_cannot_open_the_agency_pages_or_the_recruiters_view(
    client, leader, pipeline_history
):
    client.force_login(leader.user)

    for url in (
        reverse("analytics:pipeline"),
        reverse("analytics:experience"),
        reverse("analytics:requisition", args=[pipeline_history[0].pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_the_leader_page_of_a_requisition_that_does_not_exist_is_404(client, leader, db):
    client.force_login(leader.user)

    assert client.get(reverse("analytics:leader_requisition", args=[999999])).status_code == 404


def test_a_recruiter_sees_their_own_figures_and_cannot_pick_a_colleague(
    client, recruiter, other_recruiter, pipeline_history
):
    client.force_login(recruiter)

    response = client.get(reverse("analytics:pipeline"), {"recruiter": other_recruiter.pk})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in page
    assert "Referral" in page  # their own hire, not the colleague's (Event)
    assert ">Event<" not in page


def test_bad_dates_keep_the_page_with_the_error_and_the_default_range(client, admin_user, db):
    client.force_login(admin_user)

    response = client.get(
        reverse("analytics:pipeline"), {"start": "2026-03-01", "end": "2026-02-01"}
    )

    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    assert 'value="2026-03-01"' in response.content.decode()  # what they typed stays


def test_the_funnel_downloads_as_csv_with_the_pages_filters(
    client, admin_user, requisition, pipeline_history
):
    client.force_login(admin_user)

    response = client.get(
        reverse("analytics:pipeline"),
        {"export": "funnel", "company": requisition.company_id, "start": "2026-02-01"},
    )

    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="funnel-2026-02-01-to-2026-03-04.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][:3] == ["stage", "reached", "% of previous stage"]
    assert rows[1][:3] == ["Sourced", "7", ""]
    assert rows[2][:3] == ["Contacted", "5", "71"]


@pytest.mark.parametrize("table", ["funnel", "stage-times", "reasons", "sources", "feedback"])
def test_every_pipeline_table_downloads(client, recruiter, pipeline_history, table):
    client.force_login(recruiter)

    response = client.get(
        reverse("analytics:requisition", args=[pipeline_history[0].pk]),
        {"export": table, "start": "2025-12-05"},
    )

    rows = read_csv(response)
    assert response.status_code == 200
    assert len(rows) >= 2


def test_the_reasons_csv_has_every_reason(client, recruiter, pipeline_history):
    client.force_login(recruiter)

    response = client.get(
        reverse("analytics:requisition", args=[pipeline_history[0].pk]),
        {"export": "reasons", "start": "2025-12-05"},
    )

    assert read_csv(response)[1:] == [
        ["We rejected", "Not enough Python", "2"],
        ["Leader passed", "Skills or experience do not fit", "1"],
        ["We rejected", "Leader passed", "1"],
        ["Candidate withdrew", "Took another offer", "1"],
    ]


def test_an_unknown_table_is_404(client, recruiter, db):
    client.force_login(recruiter)

    assert client.get(reverse("analytics:pipeline"), {"export": "salaries"}).status_code == 404


def test_an_empty_agency_says_what_would_appear(client, admin_user, db):
    client.force_login(admin_user)

    page = client.get(reverse("analytics:pipeline")).content.decode()

    assert "No candidates were added in this period" in page
    assert "No hires in this period" in page


def test_a_requisitions_dates_start_when_it_opened(client, recruiter, db):
    requisition = RequisitionFactory(recruiter=recruiter)
    client.force_login(recruiter)

    page = client.get(reverse("analytics:requisition", args=[requisition.pk])).content.decode()

    assert f'value="{requisition.opened_on:%Y-%m-%d}"' in page


def test_the_nav_links_to_analytics_for_recruiters(client, recruiter, db):
    client.force_login(recruiter)

    page = client.get(reverse("analytics:pipeline")).content.decode()

    assert 'href="/analytics/" aria-current="page"' in page


def test_the_leaders_progress_page_links_to_its_analytics(client, leader, requisition):
    client.force_login(leader.user)

    page = client.get(reverse("hiring_leaders:requisition_detail", args=[requisition.pk]))

    assert reverse("analytics:leader_requisition", args=[requisition.pk]) in page.content.decode()


def test_the_recruiters_pipeline_links_to_its_analytics(client, recruiter, requisition):
    client.force_login(recruiter)

    page = client.get(reverse("clients:requisition_detail", args=[requisition.pk]))

    assert reverse("analytics:requisition", args=[requisition.pk]) in page.content.decode()


# ---------- the recruiter and company pickers ----------


def test_the_filters_say_what_they_accept_and_list_no_one_up_front(
    client, admin_user, recruiter, requisition
):
    client.force_login(admin_user)

    page = client.get(reverse("analytics:pipeline")).content.decode()

    assert "Type a name or part of one" in page
    assert "Leave it empty for everyone or all companies." in page
    assert '<datalist id="id_recruiter-choices"></datalist>' in page
    assert '<datalist id="id_company-choices"></datalist>' in page
    assert "<option" not in page  # no list of every recruiter and company


def test_a_company_typed_by_name_filters_the_page_and_its_downloads(
    client, admin_user, requisition, pipeline_history
):
    client.force_login(admin_user)
    name = requisition.company.name

    page = client.get(reverse("analytics:pipeline"), {"company": name.upper()})
    download = client.get(
        reverse("analytics:pipeline"),
        {"company": name.upper(), "export": "funnel", "start": "2026-02-01"},
    )

    assert f'value="{name}"' in page.content.decode()
    assert read_csv(download)[1][:2] == ["Sourced", "7"]


def test_the_pickers_offer_the_names_that_match_as_one_types(
    client, admin_user, django_assert_num_queries
):
    RecruiterFactory(first_name="Rosa", last_name="Bauer")
    RecruiterFactory(first_name="Rosa", last_name="Banerjee")
    CompanyFactory(name="Acme Robotics")
    CompanyFactory(name="Acme <Labs>")
    client.force_login(admin_user)

    with django_assert_num_queries(2):  # the visitor, the names
        recruiters = client.get(
            reverse("analytics:choices", args=["recruiter"]), {"recruiter": "ros"}
        )
    companies = client.get(reverse("analytics:choices", args=["company"]), {"company": "acme"})
    nothing = client.get(reverse("analytics:choices", args=["company"]), {"company": " "})

    assert recruiters.content.decode().splitlines() == [
        '<option value="Rosa Banerjee"></option>',
        '<option value="Rosa Bauer"></option>',
    ]
    assert companies.content.decode().splitlines() == [
        '<option value="Acme &lt;Labs&gt;"></option>',
        '<option value="Acme Robotics"></option>',
    ]
    assert nothing.content.decode().strip() == ""


def test_a_recruiter_is_offered_companies_but_not_colleagues(client, recruiter, other_recruiter):
    CompanyFactory(name="Acme Robotics")
    client.force_login(recruiter)

    companies = client.get(reverse("analytics:choices", args=["company"]), {"company": "acm"})
    colleagues = client.get(
        reverse("analytics:choices", args=["recruiter"]), {"recruiter": other_recruiter.last_name}
    )

    assert 'value="Acme Robotics"' in companies.content.decode()
    assert colleagues.status_code == 404
    assert client.get(reverse("analytics:choices", args=["leader"])).status_code == 404


def test_a_leader_is_offered_nothing(client):
    leader = HiringLeaderWithLoginFactory()
    client.force_login(leader.user)

    response = client.get(reverse("analytics:choices", args=["company"]), {"company": "a"})

    assert response.status_code == 404
