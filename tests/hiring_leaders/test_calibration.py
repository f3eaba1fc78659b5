"""Calibration: each filled role's first forecast against its actual time to fill, per
recruiter and overall, on a fixture whose figures are worked out by hand; who may see whose;
and the forecast on the leader's progress page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hiring_leaders.calibration import calibration
from hiring_leaders.models import Requisition, TimeToFillForecast
from hiring_leaders.progress import progress_requisition_for_recruiter, requisition_forecast
from tests.hiring_leaders.factories import RequisitionFactory
from tests.recruitcrm.factories import RecruiterFactory

pytestmark = pytest.mark.django_db

CLOSED = datetime.date(2026, 1, 15)
EARLY_CLOSED = datetime.date(2025, 6, 1)


def forecast(requisition, low, high, *, by, days_later=0):
    return TimeToFillForecast.objects.create(
        requisition=requisition,
        low_days=low,
        high_days=high,
        reason="Because",
        made_by=by,
        made_at=timezone.now() - datetime.timedelta(days=400 - days_later),
    )


def filled(actual, *, closed_on=CLOSED, title="Role", **extra):
    return RequisitionFactory(
        status=Requisition.Status.FILLED,
        opened_on=closed_on - datetime.timedelta(days=actual),
        closed_on=closed_on,
        title=title,
        **extra,
    )


@pytest.fixture
def ana(db):
    return RecruiterFactory(first_name="Ana", last_name="Costa")


@pytest.fixture
def ben(db):
    return RecruiterFactory(first_name="Ben", last_name="Okafor")


@pytest.fixture
def history(ana, ben):
    """Ana: inside (0), late +20, early -10, late +20 (its re-forecast, inside, is not judged).
    Ben: inside (0). Not judged: an open role with a forecast, a filled one without."""
    forecast(filled(75, closed_on=EARLY_CLOSED, title="Inside"), 60, 90, by=ana)
    forecast(filled(80, title="Late"), 30, 60, by=ana)
    forecast(filled(90, title="Early"), 100, 150, by=ana)
    late_again = filled(70, title="Late again")
    forecast(late_again, 40, 50, by=ana)
    forecast(late_again, 60, 80, by=ana, days_later=30)
    forecast(filled(15, title="Ben role"), 10, 20, by=ben)
    forecast(RequisitionFactory(), 1, 2, by=ana)
    filled(500)


def test_figures_per_recruiter_and_overall(history, ana, ben, django_assert_num_queries):
    with django_assert_num_queries(3):
        found = calibration(recruiter=None)
    # Overall: errors -10 0 0 20 20 -> median 0; 2 of 5 inside.
    overall = found.overall
    assert (overall.judged, overall.inside, overall.late, overall.early) == (5, 2, 2, 1)
    assert overall.inside_share == 40
    assert overall.median_error == 0
    assert overall.bias.startswith("Too optimistic: 2 of 5 filled later than the range")
    by_name = {f.name: f for f in found.recruiters}
    # Ana: errors -10 0 20 20 -> median (0 + 20) / 2 = 10.
    assert (by_name[ana.name].judged, by_name[ana.name].inside) == (4, 1)
    assert by_name[ana.name].median_error == 10
    assert by_name[ana.name].inside_share == 25
    assert (by_name[ben.name].judged, by_name[ben.name].median_error) == (1, 0)
    assert by_name[ben.name].bias == "Every fill landed inside its range."
    assert found.total == 5
    assert {p.title: p.where for p in found.points} == {
        "Inside": "inside",
        "Late": "late",
        "Early": "early",
        "Late again": "late",
        "Ben role": "inside",
    }


def test_one_recruiter_and_a_date_range(history, ana):
    found = calibration(recruiter=ana, since=datetime.date(2025, 12, 1))
    # Without "Inside" (filled in June 2025): errors -10 20 20 -> median 20, none inside.
    assert (found.overall.judged, found.overall.inside, found.overall.median_error) == (3, 0, 20)
    assert found.overall.inside_share == 0
    assert len(found.recruiters) == 1


def url(**query) -> str:
    base = reverse("clients:calibration")
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_an_admin_sees_everyone_with_the_plot(
    client, admin_user, history, ana, django_assert_max_num_queries
):
    client.force_login(admin_user)
    # Session (when not cached), user; figures, plot, and the users (names and the choices).
    with django_assert_max_num_queries(5):
        page = client.get(url()).content.decode()
    assert "Everyone" in page
    assert "40%" in page
    assert "Too optimistic" in page
    assert "<svg" in page
    assert "Forecast range" in page
    assert "Late again" in page
    assert "+20 d" in page
    page = client.get(url(recruiter=ana.pk)).content.decode()
    assert f"{ana.name}\u2019s time-to-fill forecasts" in page
    assert "Ben role" not in page


def test_the_phone_plot_draws_each_series_as_one_path_named_by_the_wide_plots_words(
    client, admin_user, history
):
    client.force_login(admin_user)
    page = client.get(url()).content.decode()
    wide = page.split('class="calibration-plot calibration-plot--wide"')[1].split("</svg>")[0]
    compact = page.split('class="calibration-plot calibration-plot--compact"')[1].split("</svg>")[0]
    plotted = wide.count('<g class="cal-row">')

    assert plotted == 5
    assert wide.count('<rect class="cal-range"') == plotted
    # The roles' words are written once, in the wide plot's title, and name both plots.
    assert page.count('id="cal-svg-title-wide"') == 1
    assert page.count('aria-labelledby="cal-svg-title-wide"') == 2
    assert "Late again: forecast" in wide
    assert "Late again: forecast" not in compact
    # On the phone: one path of range bars (a subpath each) and one per kind of mark.
    assert '<g class="cal-row">' not in compact
    assert compact.count('class="cal-range"') == 1
    assert compact.split('class="cal-range" d="')[1].split('"')[0].count("M") == plotted
    kinds = [k for k in ("inside", "late", "early") if f'cal-dot--{k}" d=' in compact]
    assert kinds == ["inside", "late", "early"]
    marks = sum(
        compact.split(f'class="cal-dot cal-dot--{k}" d="')[1].split('"')[0].count("M")
        for k in kinds
    )
    assert marks == plotted
    assert compact.count('class="cal-label"') == plotted
    assert "Late again" in compact


def test_each_plotted_role_is_written_with_its_mark_and_its_typed_words_escaped(
    client, admin_user, history, ana
):
    title = 'Lead <b>"Ops"</b> & Platform Reliability Engineering'
    forecast(filled(45, title=title, hiring_leader__company__name="Acme & <Co>"), 40, 50, by=ana)
    client.force_login(admin_user)
    page = client.get(url()).content.decode()
    wide = page.split('class="calibration-plot calibration-plot--wide"')[1].split("</svg>")[0]
    compact = page.split('class="calibration-plot calibration-plot--compact"')[1].split("</svg>")[0]

    assert "<b>" not in wide + compact
    # Hover words in full; the name cut as Jinja's truncate cuts it (30 wide, 40 on a phone).
    assert (
        "<title>Lead &lt;b&gt;&#34;Ops&#34;&lt;/b&gt; &amp; Platform Reliability Engineering at "
        "Acme &amp; &lt;Co&gt;, filled 15 Jan 2026: forecast 40\u201350 days, took 45</title>"
    ) in wide
    assert ">Lead &lt;b&gt;&#34;Ops&#34;&lt;/b&gt; &amp; Platform …</text>" in wide
    assert ">Lead &lt;b&gt;&#34;Ops&#34;&lt;/b&gt; &amp; Platform Reliabilit…</text>" in compact
    # A mark for where each fill landed, and the days off beside it.
    assert wide.count('<circle class="cal-dot cal-dot--inside"') == 3
    assert wide.count('text-anchor="end">inside</text>') == 3
    assert wide.count('<rect class="cal-dot cal-dot--late"') == 2
    assert wide.count('<path class="cal-dot cal-dot--early" d="M') == 1
    assert wide.count('text-anchor="end">+20 d</text>') == 2
    assert wide.count('text-anchor="end">\u221210 d</text>') == 1
    assert compact.count('class="cal-delta cal-delta--late" x="358"') == 2


def test_a_recruiter_sees_only_their_own(client, ana, ben, history, django_assert_max_num_queries):
    client.force_login(ben)
    with django_assert_max_num_queries(5):
        page = client.get(url()).content.decode()
    assert "Your time-to-fill forecasts" in page
    assert "Ben role" in page
    assert "Late again" not in page
    assert 'name="recruiter"' not in page
    assert client.get(url(recruiter=ana.pk)).status_code == 404
    assert client.get(url(recruiter=ben.pk)).status_code == 200


def test_leaders_get_404(client, leader):
    client.force_login(leader.user)
    assert client.get(url()).status_code == 404


def test_empty_state(client, recruiter):
    client.force_login(recruiter)
    page = client.get(url()).content.decode()
    assert "No filled role with a forecast yet" in page


def test_bad_dates_are_shown_back(client, admin_user, history):
    client.force_login(admin_user)
    page = client.get(url(since="not-a-date")).content.decode()
    assert "Enter a valid date" in page


def test_the_nav_links_to_calibration(client, recruiter):
    client.force_login(recruiter)
    assert reverse("clients:calibration") in client.get(reverse("home")).content.decode()


# ---------- the leader's progress page ----------


def test_the_leader_sees_the_range_that_stands_and_where_today_falls(client, leader, recruiter):
    today = timezone.localdate()
    requisition = RequisitionFactory(
        hiring_leader=leader, opened_on=today - datetime.timedelta(days=100)
    )
    forecast(requisition, 30, 60, by=recruiter)
    client.force_login(leader.user)
    page = client.get(reverse("hiring_leaders:requisition_detail", args=[requisition.pk]))
    text = page.content.decode()
    assert "Forecast at intake" in text
    assert "(30 to 60 days)" in text
    assert "Today is day 100: 40 days past the range." in text
    forecast(requisition, 90, 130, by=recruiter, days_later=50)
    text = client.get(
        reverse("hiring_leaders:requisition_detail", args=[requisition.pk])
    ).content.decode()
    assert "Revised forecast" in text
    assert "Today is day 100: inside the range." in text


def test_no_forecast_no_place_on_the_page(requisition):

    assert (
        requisition_forecast(requisition=progress_requisition_for_recruiter(pk=requisition.pk))
        is None
    )
