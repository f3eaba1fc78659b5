"""Calibration's figures kept between visits (hiring_leaders.calibration_snapshots) and its
recruiters' table a page at a time: the same figures as counting them afresh, counted again when
a role is filled or its forecast changes, the moment they were counted shown, the table ordered
and paged, and who may see what still as before."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from candidates import analytics_snapshots
from hiring_leaders import calibration as calibration_module
from hiring_leaders import services
from hiring_leaders.calibration import calibration, recruiter_page
from hiring_leaders.calibration_snapshots import _key, calibration_read, calibration_refresh
from hiring_leaders.intake import forecast_record
from hiring_leaders.models import Requisition
from tests.hiring_leaders.factories import RequisitionFactory
from tests.hiring_leaders.test_calibration import filled, forecast
from tests.recruitcrm.factories import HiringLeaderUserFactory, RecruiterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(db):
    return RecruiterFactory(first_name="Ana", last_name="Costa")


@pytest.fixture
def ben(db):
    return RecruiterFactory(first_name="Ben", last_name="Okafor")


@pytest.fixture
def cy(db):
    return RecruiterFactory(first_name="Cy", last_name="Adams")


@pytest.fixture
def history(ana, ben, cy):
    """Ana: 4 judged, 1 inside (errors -10 0 20 20). Cy: 2 judged, both inside. Ben: 1 judged,
    late by 30; his re-forecast on Cy's role is not his to be judged by."""
    forecast(filled(75, title="Inside"), 60, 90, by=ana)
    forecast(filled(80, title="Late"), 30, 60, by=ana)
    forecast(filled(90, title="Early"), 100, 150, by=ana)
    forecast(filled(70, title="Late again"), 40, 50, by=ana)
    cys = filled(45, title="Cy first")
    forecast(cys, 40, 50, by=cy)
    forecast(cys, 1, 2, by=ben, days_later=10)
    forecast(filled(20, title="Cy second"), 10, 30, by=cy)
    forecast(filled(60, title="Ben role"), 10, 30, by=ben)


def rows(found) -> dict[str, tuple]:
    return {f.name: (f.judged, f.inside, f.late, f.early, f.median_error) for f in found.recruiters}


def test_one_recruiters_figures_are_their_row_of_everyones(history, ana, ben, cy):
    everyone = rows(calibration(recruiter=None))
    assert everyone == {
        ana.name: (4, 1, 2, 1, 10),
        ben.name: (1, 0, 1, 0, 30),
        cy.name: (2, 2, 0, 0, 0),
    }
    for who in (ana, ben, cy):
        own = calibration(recruiter=who)
        overall = own.overall
        figures = (overall.judged, overall.inside, overall.late, overall.early)
        assert (*figures, overall.median_error) == everyone[who.name]
        assert rows(own) == {who.name: everyone[who.name]}
    # Ben's re-forecast on Cy's role is not plotted as his.
    assert {p.title for p in calibration(recruiter=ben).points} == {"Ben role"}


def test_the_page_reads_kept_figures_until_a_role_is_filled(
    client,
    admin_user,
    history,
    ana,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    client.force_login(admin_user)
    assert "Recruiters 1\u20133 of 3" in client.get(reverse("clients:calibration")).content.decode()
    # Kept: session (when not cached), user; no figures counted, the recruiter choices kept
    # with them.
    with django_assert_max_num_queries(2):
        page = client.get(reverse("clients:calibration")).content.decode()
    assert ">7<" in page  # everyone's fills judged
    role = RequisitionFactory(
        title="Filled today",
        opened_on=timezone.localdate() - datetime.timedelta(days=30),
        recruiter=ana,
    )
    forecast(role, 5, 10, by=ana)
    # A forecast on an open role is not judged: what was kept stands.
    assert ">7<" in client.get(reverse("clients:calibration")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.requisition_fill(requisition=role, by=ana)
    page = client.get(reverse("clients:calibration")).content.decode()
    assert ">8<" in page
    assert "Filled today" in page


def test_a_forecast_recorded_on_a_filled_role_is_judged_at_once(
    client, ana, django_capture_on_commit_callbacks
):
    role = filled(40, title="Filled, forecast late")
    client.force_login(ana)
    assert (
        "No filled role with a forecast yet"
        in client.get(reverse("clients:calibration")).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        forecast_record(requisition=role, low_days=30, high_days=35, reason="Late", by=ana)
    page = client.get(reverse("clients:calibration")).content.decode()
    assert "Filled, forecast late" in page
    assert "+5 d" in page


def test_reopening_a_filled_role_takes_it_out(history, ana, django_capture_on_commit_callbacks):
    assert calibration_read(recruiter=ana).figures.overall.judged == 4
    role = Requisition.objects.get(title="Late again")
    with django_capture_on_commit_callbacks(execute=True):
        services.requisition_reopen(requisition=role, by=ana)
    assert calibration_read(recruiter=ana).figures.overall.judged == 3


def test_the_page_says_when_its_figures_were_counted(client, admin_user, history):
    client.force_login(admin_user)
    counted = timezone.now()
    with time_machine.travel(counted, tick=False):
        client.get(reverse("clients:calibration"))
    with time_machine.travel(counted + datetime.timedelta(minutes=5), tick=False):
        page = client.get(reverse("clients:calibration")).content.decode()
    assert "Counted <time" in page
    assert "5 minutes ago" in page
    # Older than a snapshot may be: counted again on the visit.
    with time_machine.travel(counted + datetime.timedelta(hours=2), tick=False):
        page = client.get(reverse("clients:calibration")).content.decode()
    assert "just now" in page


def test_beats_refresh_counts_the_agency_view_once_at_a_time(history, ana):
    assert calibration_refresh().overall.judged == 7
    role = RequisitionFactory(recruiter=ana)
    forecast(role, 5, 10, by=ana)
    Requisition.objects.filter(pk=role.pk).update(
        status=Requisition.Status.FILLED, closed_on=timezone.localdate()
    )
    # Changed around the services: the kept figures stand until the next refresh.
    assert calibration_read(recruiter=None).figures.overall.judged == 7
    assert calibration_refresh().overall.judged == 8
    assert calibration_read(recruiter=None).figures.overall.judged == 8
    from django.core.cache import cache

    cache.set(f"{_key(None, None, None)}:counting", True)
    assert calibration_refresh() is None


def test_the_recruiters_table_in_each_order(history, ana, ben, cy):
    found = calibration(recruiter=None).recruiters
    names = {
        order: [f.name for f in recruiter_page(found, order=order).rows]
        for order in calibration_module.ORDERS
    }
    assert names["forecasts"] == [ana.name, cy.name, ben.name]
    assert names["name"] == [ana.name, ben.name, cy.name]
    assert names["inside"] == [ben.name, ana.name, cy.name]  # 0%, 25%, 100%
    assert names["error"] == [ben.name, ana.name, cy.name]  # 30, 10, 0 days
    assert [f.name for f in recruiter_page(found, order="nonsense").rows] == names["forecasts"]


def test_the_recruiters_table_a_page_at_a_time(
    client, admin_user, history, ana, ben, cy, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(calibration_module, "PER_PAGE", 2)
    client.force_login(admin_user)
    page = client.get(reverse("clients:calibration")).content.decode()
    assert "Recruiters 1\u20132 of 3, by most forecasts judged · page 1 of 2" in page
    assert ana.name in page
    assert cy.name in page
    assert f'<th scope="row">{ben.name}' not in page
    assert 'href="?page=2#figures-title" rel="next"' in page
    with django_assert_max_num_queries(2):
        page = client.get(reverse("clients:calibration") + "?order=name&page=2").content.decode()
    assert "Recruiters 3\u20133 of 3, by name · page 2 of 2" in page
    assert f'<th scope="row">{cy.name}' in page
    assert 'href="?order=name&amp;page=1#figures-title" rel="prev"' in page
    # Past the last page, or not a number: the nearest page there is.
    assert "page 2 of 2" in client.get(reverse("clients:calibration") + "?page=9").content.decode()
    assert "page 1 of 2" in client.get(reverse("clients:calibration") + "?page=x").content.decode()


def test_a_recruiter_still_sees_only_their_own_whatever_they_ask(client, history, ana, ben):
    client.force_login(ben)
    page = client.get(reverse("clients:calibration") + "?order=name&page=2").content.decode()
    assert "Your time-to-fill forecasts" in page
    assert "Ben role" in page
    assert "Late again" not in page
    assert 'name="order"' not in page
    assert "Recruiters 1" not in page
    url = reverse("clients:calibration") + f"?recruiter={ana.pk}&page=2"
    assert client.get(url).status_code == 404


def test_an_admin_choosing_a_recruiter_sees_theirs(client, admin_user, history, cy):
    client.force_login(admin_user)
    page = client.get(reverse("clients:calibration") + f"?recruiter={cy.pk}").content.decode()
    assert f"{cy.name}\u2019s time-to-fill forecasts" in page
    assert "Cy first" in page
    assert "Ben role" not in page
    assert f'<option value="{cy.pk}" selected>{cy.name}</option>' in page


def test_the_recruiter_choices_escape_names_as_django_does(client, admin_user, history):
    # The select is written by hand (html.escape, not django.utils.html.escape): a name with
    # every character HTML escapes reads as Django's escape writes it, chosen or not.
    odd = RecruiterFactory(first_name="Zoë", last_name='O\'Brien & <Sons> "Q"')
    written = "Zoë O&#x27;Brien &amp; &lt;Sons&gt; &quot;Q&quot;"
    client.force_login(admin_user)
    page = client.get(reverse("clients:calibration")).content.decode()
    assert '<option value="" selected>Everyone</option>' in page
    assert f'<option value="{odd.pk}">{written}</option>' in page
    assert "<Sons>" not in page
    chosen = client.get(reverse("clients:calibration") + f"?recruiter={odd.pk}").content.decode()
    assert f'<option value="{odd.pk}" selected>{written}</option>' in chosen
    assert chosen.count(" selected>") == 1


def test_the_recruiters_offered_are_counted_with_the_figures(client, admin_user, history, ana):
    # Every recruiter and admin, figures or not; never a hiring leader.
    idle = RecruiterFactory(first_name="Ida", last_name="Idle")
    leader = HiringLeaderUserFactory(first_name="Leo", last_name="Leader")
    client.force_login(admin_user)
    page = client.get(reverse("clients:calibration")).content.decode()
    assert f'<option value="{idle.pk}">Ida Idle</option>' in page
    assert f'<option value="{admin_user.pk}">' in page
    assert f'<option value="{leader.pk}">' not in page
    # Added or renamed since the count: offered as they are when the figures are next counted.
    new = RecruiterFactory(first_name="Nia", last_name="New")
    ana.first_name = "Anna"
    ana.save(update_fields=["first_name"])
    page = client.get(reverse("clients:calibration")).content.decode()
    assert f'<option value="{new.pk}">' not in page
    assert f'<option value="{ana.pk}">Ana Costa</option>' in page
    # Chosen by a link meanwhile: their own view is counted on the visit, with them offered.
    page = client.get(reverse("clients:calibration") + f"?recruiter={new.pk}").content.decode()
    assert f'<option value="{new.pk}" selected>Nia New</option>' in page
    calibration_refresh()
    page = client.get(reverse("clients:calibration")).content.decode()
    assert f'<option value="{new.pk}">Nia New</option>' in page
    assert f'<option value="{ana.pk}">Anna Costa</option>' in page


def test_a_process_shows_the_figures_another_counted_since(history, ana, monkeypatch):
    ours = calibration_read(recruiter=None)
    assert calibration_read(recruiter=None) is ours  # kept unpickled in this process
    role = RequisitionFactory(recruiter=ana)
    forecast(role, 5, 10, by=ana)
    Requisition.objects.filter(pk=role.pk).update(
        status=Requisition.Status.FILLED, closed_on=timezone.localdate()
    )
    # Beat counts again in the worker, which keeps its own copy.
    monkeypatch.setattr(analytics_snapshots, "_unpickled", {})
    calibration_refresh()
    monkeypatch.setattr(analytics_snapshots, "_unpickled", {_key(None, None, None): ours})
    assert calibration_read(recruiter=None).figures.overall.judged == 8
