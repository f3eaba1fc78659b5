"""The intake page and its services: answers saved, kick-off, every change after it kept as a
version with who, when and what; forecasts recorded with what the history suggested."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from hiring_leaders import intake
from hiring_leaders.models import Intake, IntakeVersion, Requisition, TimeToFillForecast
from tests.hiring_leaders.factories import HiringLeaderWithLoginFactory, RequisitionFactory
from tests.recruitcrm import valid_html
from tests.recruitcrm.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"clients:{name}", args=args)


def text(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


ANSWERS = {
    "why_open": "growth",
    "team_short_of": "Nobody owns the data pipeline; the last two hires were juniors.",
    "retention_problems": "",
    "success_30_days": "Knows the pipeline end to end",
    "success_60_days": "Ships the first fix",
    "success_90_days": "On call alone",
    "must_haves": "Python\nPostgreSQL at scale\n",
    "nice_to_haves": "dbt",
    "compensation_min": "70000",
    "compensation_max": "90000",
    "compensation_currency": "eur",
    "interview_panel": "Ana Costa, CTO",
    "niche_skills": "Streaming",
    "location_difficulty": "Two days a week in Lisbon",
    "pay_vs_market": "at",
    "role_family": "data",
    "seniority": "senior",
}


# ---------- services ----------


def test_changes_before_kick_off_write_no_version(requisition, recruiter):
    intake.intake_save(requisition=requisition, by=recruiter, must_haves="Python")
    assert Intake.objects.get(requisition=requisition).must_have_list == ["Python"]
    assert not IntakeVersion.objects.exists()


def test_kick_off_is_version_one_and_later_changes_are_kept_with_who_when_and_what(
    requisition, recruiter, leader
):
    intake.intake_save(requisition=requisition, by=recruiter, must_haves="Python", seniority="mid")
    with time_machine.travel(datetime.datetime(2026, 3, 4, 10, 0, tzinfo=datetime.UTC)):
        first = intake.intake_kick_off(requisition=requisition, by=recruiter)
    assert (first.number, first.changed_fields, first.changed_by) == (1, [], recruiter)
    with time_machine.travel(datetime.datetime(2026, 3, 9, 15, 0, tzinfo=datetime.UTC)):
        _, second = intake.intake_save(
            requisition=requisition,
            by=recruiter,
            must_haves="Python\nKafka",
            seniority="senior",
            nice_to_haves="",
        )
    assert second.number == 2
    assert second.changed_fields == ["must_haves", "seniority"]  # nice-to-haves was already ""
    assert second.answers["must_haves"] == "Python\nKafka"
    assert second.answers["seniority"] == "senior"
    assert second.changed_at == datetime.datetime(2026, 3, 9, 15, 0, tzinfo=datetime.UTC)
    requisition.refresh_from_db()
    assert requisition.seniority == "senior"
    # The leader's own words, from their page: kept with the leader as the author.
    _, third = intake.intake_save(
        requisition=requisition, by_leader=leader, success_90_days="Runs the pipeline"
    )
    assert (third.number, third.changed_by, third.changed_by_leader) == (3, None, leader)
    assert Intake.objects.get(requisition=requisition).leader_updated_at is not None
    # Version 1 still reads as agreed.
    assert IntakeVersion.objects.get(number=1).answers["must_haves"] == "Python"


def test_a_save_that_changes_nothing_writes_no_version(requisition, recruiter):
    intake.intake_save(requisition=requisition, by=recruiter, must_haves="Python")
    intake.intake_kick_off(requisition=requisition, by=recruiter)
    _, version = intake.intake_save(requisition=requisition, by=recruiter, must_haves="Python")
    assert version is None
    assert IntakeVersion.objects.count() == 1


def test_a_leader_may_not_change_the_recruiters_part(requisition, leader):
    with pytest.raises(TypeError):
        intake.intake_save(requisition=requisition, by_leader=leader, compensation_max=1)


def test_pay_range_upside_down_is_refused(requisition, recruiter):
    with pytest.raises(ValidationError) as refused:
        intake.intake_save(
            requisition=requisition, by=recruiter, compensation_min=90000, compensation_max=70000
        )
    assert "compensation_max" in refused.value.error_dict


def test_kick_off_twice_is_refused(requisition, recruiter):
    intake.intake_kick_off(requisition=requisition, by=recruiter)
    with pytest.raises(ValidationError):
        intake.intake_kick_off(requisition=requisition, by=recruiter)


def test_a_forecast_keeps_what_the_history_suggested(requisition, recruiter):
    requisition.role_family, requisition.seniority = "data", "senior"
    requisition.save()
    closed = datetime.date(2025, 10, 1)
    for days in (50, 60, 70, 80, 90):
        RequisitionFactory(
            role_family="data",
            seniority="senior",
            status=Requisition.Status.FILLED,
            opened_on=closed - datetime.timedelta(days=days),
            closed_on=closed,
        )
    made = intake.forecast_record(
        requisition=requisition, low_days=60, high_days=90, reason="Niche", by=recruiter
    )
    # All recent, so weighted 50 50 60 60 70 70 80 80 90 90: p25 at 2.25 -> 60, p75 at 6.75 -> 80.
    assert (made.suggested_low_days, made.suggested_high_days, made.history_count) == (60, 80, 5)


def test_a_forecast_without_enough_history_stores_no_suggestion(requisition, recruiter):
    made = intake.forecast_record(
        requisition=requisition, low_days=30, high_days=60, reason="Gut", by=recruiter
    )
    assert made.suggested_low_days is None
    assert made.history_count == 0


# ---------- the page ----------


def test_the_intake_page_shows_the_empty_states_in_fixed_queries(
    client, recruiter, requisition, django_assert_max_num_queries
):
    client.force_login(recruiter)
    # Session (when not cached), user, requisition, the intake with its forecasts: an intake
    # not yet saved has no versions to read.
    with django_assert_max_num_queries(4):
        page = text(client.get(url("requisition_intake", requisition.pk)))
    assert "Why the role is open" in page
    assert "Must-haves" in page
    assert "Set the role family" in page
    assert "No versions yet" in page
    assert "Mark kick-off done" in page


def test_filling_the_intake_saves_every_answer(client, recruiter, requisition):
    client.force_login(recruiter)
    response = client.post(url("requisition_intake", requisition.pk), ANSWERS, follow=True)
    assert messages_of(response) == ["Saved the intake."]
    found = Intake.objects.get(requisition=requisition)
    assert found.must_have_list == ["Python", "PostgreSQL at scale"]
    assert (found.compensation_min, found.compensation_max) == (70000, 90000)
    assert found.compensation_currency == "EUR"
    requisition.refresh_from_db()
    assert (requisition.role_family, requisition.seniority) == ("data", "senior")


def test_bad_input_is_shown_back_with_nothing_lost(client, recruiter, requisition):
    client.force_login(recruiter)
    bad = ANSWERS | {"compensation_min": "90000", "compensation_max": "70000"}
    response = client.post(url("requisition_intake", requisition.pk), bad)
    assert response.status_code == 400
    page = text(response)
    assert "The top of the range is below its bottom" in page
    assert "Nobody owns the data pipeline" in page
    assert not Intake.objects.filter(requisition=requisition, compensation_max=70000).exists()


def test_versions_after_kick_off_are_listed_and_read_back(
    client, recruiter, requisition, django_assert_max_num_queries
):
    client.force_login(recruiter)
    client.post(url("requisition_intake", requisition.pk), ANSWERS, follow=True)
    response = client.post(url("requisition_kick_off", requisition.pk), follow=True)
    assert "Kick-off marked done" in messages_of(response)[0]
    with time_machine.travel(datetime.datetime(2026, 3, 5, 11, 0, tzinfo=datetime.UTC)):
        response = client.post(
            url("requisition_intake", requisition.pk),
            ANSWERS | {"must_haves": "Python\nKafka"},
            follow=True,
        )
    assert messages_of(response) == ["Saved the intake as version 2: must-haves."]
    # ... and the suggestion (the role has a family now) and the page of versions, which
    # counts them as it reads them.
    with django_assert_max_num_queries(6):
        page = text(client.get(url("requisition_intake", requisition.pk)))
    assert f"{recruiter.name} changed must-haves" in page
    assert "5 March 2026" in page
    assert "kick-off agreed by" in page
    version = text(client.get(url("intake_version", requisition.pk, 1)))
    assert "PostgreSQL at scale" in version
    assert "Kafka" not in version
    assert "Kafka" in text(client.get(url("intake_version", requisition.pk, 2)))
    assert client.get(url("intake_version", requisition.pk, 3)).status_code == 404


def test_versions_are_paged_newest_first_and_counted_as_they_are_read(
    client, recruiter, requisition, django_assert_max_num_queries
):
    found = intake.intake_of(requisition=requisition)
    found.save()
    at = datetime.datetime(2026, 3, 5, 11, 0, tzinfo=datetime.UTC)
    for number in range(1, 24):
        IntakeVersion.objects.create(
            intake=found,
            number=number,
            answers={},
            changed_fields=["must_haves"],
            changed_by=recruiter,
            changed_at=at + datetime.timedelta(days=number),
        )
    client.force_login(recruiter)
    with django_assert_max_num_queries(6):
        first = text(client.get(url("requisition_intake", requisition.pk)))
    assert ">Version 23</a>" in first
    assert ">Version 4</a>" in first
    assert ">Version 3</a>" not in first
    assert "Page 1 of 2" in first
    assert '<span class="muted">23</span>' in first
    second = text(client.get(url("requisition_intake", requisition.pk) + "?versions=2"))
    assert ">Version 3</a>" in second
    assert ">Version 1</a>" in second
    assert ">Version 4</a>" not in second
    assert "Page 2 of 2" in second
    assert '<span class="muted">23</span>' in second
    # Past the last page or before the first: the last, as Django's paginator answers; not a
    # number: the first.
    for asked, shown in (("9", "Page 2 of 2"), ("0", "Page 2 of 2"), ("two", "Page 1 of 2")):
        page = text(client.get(url("requisition_intake", requisition.pk) + f"?versions={asked}"))
        assert shown in page
        assert '<span class="muted">23</span>' in page
    other = RequisitionFactory(recruiter=recruiter)
    assert "No versions yet" in text(client.get(url("requisition_intake", other.pk)))


def test_use_this_range_prefills_the_forecast(client, recruiter, requisition):
    requisition.role_family, requisition.seniority = "data", "senior"
    requisition.save()
    closed = datetime.date(2025, 10, 1)
    for days in (50, 60, 70, 80, 90):
        RequisitionFactory(
            role_family="data",
            seniority="senior",
            status=Requisition.Status.FILLED,
            opened_on=closed - datetime.timedelta(days=days),
            closed_on=closed,
        )
    client.force_login(recruiter)
    page = text(client.get(url("requisition_intake", requisition.pk)))
    assert "60 to 80 days" in page
    assert "median 70" in page
    assert "From 5 filled roles" in page
    page = text(client.get(url("requisition_intake", requisition.pk) + "?use=suggestion"))
    assert 'name="low_days" value="60"' in page
    assert 'name="high_days" value="80"' in page


def test_too_little_history_is_said_plainly(client, recruiter, requisition):
    requisition.role_family = "data"
    requisition.save()
    client.force_login(recruiter)
    page = text(client.get(url("requisition_intake", requisition.pk) + "?use=suggestion"))
    assert "Too little history to suggest a range" in page
    assert "Use this range" not in page
    assert 'name="low_days" value=' not in page


def test_recording_a_forecast_and_a_re_forecast(client, recruiter, requisition):
    client.force_login(recruiter)
    post = {"low_days": "60", "high_days": "120", "reason": "Niche streaming skills"}
    response = client.post(url("requisition_forecast", requisition.pk), post, follow=True)
    assert "Forecast recorded: 60 to 120 days." in messages_of(response)[0]
    with time_machine.travel(datetime.datetime(2026, 3, 6, 9, 0, tzinfo=datetime.UTC)):
        response = client.post(
            url("requisition_forecast", requisition.pk),
            post | {"high_days": "150"},
            follow=True,
        )
    assert "The intake forecast stays the one calibration judges" in messages_of(response)[0]
    assert TimeToFillForecast.objects.filter(requisition=requisition).count() == 2
    page = text(response)
    assert "At intake" in page
    assert "Re-forecast" in page


def test_the_page_reads_the_intake_and_its_forecasts_in_one_statement_each_visit(
    client, recruiter, requisition, django_assert_max_num_queries
):
    intake.intake_save(
        requisition=requisition, by=recruiter, must_haves="Python", compensation_min=70000
    )
    colleague = UserFactory(first_name="Ren", last_name="Ito", role="recruiter")
    made = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    for n, (by, high, reason) in enumerate(
        [(colleague, 90, "Gut <feeling>"), (recruiter, 120, "Market moved")]
    ):
        TimeToFillForecast.objects.create(
            requisition=requisition,
            low_days=60,
            high_days=high,
            reason=reason,
            made_by=by,
            made_at=made + datetime.timedelta(days=n),
        )
    other = RequisitionFactory(recruiter=recruiter)
    TimeToFillForecast.objects.create(
        requisition=other,
        low_days=5,
        high_days=7,
        reason="Other role",
        made_by=recruiter,
        made_at=made,
    )
    client.force_login(recruiter)
    # Session (when not cached), user, requisition, the intake with its forecasts, versions.
    for _ in range(7):  # past the fifth, by EXECUTE of the generic plan: the same page
        with django_assert_max_num_queries(5) as ran:
            page = text(client.get(url("requisition_intake", requisition.pk)))
        assert any("EXECUTE intake_with_forecasts" in q["sql"] for q in ran.captured_queries)
        assert ">\nPython</textarea>" in page
        assert 'name="compensation_min" value="70000"' in page
        assert page.index("60\u201390 days") < page.index("60\u2013120 days")
        assert "Gut &lt;feeling&gt;" in page
        assert "Ren Ito, " in page
        assert f"{recruiter.name}, " in page
        assert "Other role" not in page
    assert "Other role" in text(client.get(url("requisition_intake", other.pk)))


def test_a_forecast_upside_down_is_shown_back(client, recruiter, requisition):
    client.force_login(recruiter)
    post = {"low_days": "120", "high_days": "60", "reason": "Niche"}
    response = client.post(url("requisition_forecast", requisition.pk), post)
    assert response.status_code == 400
    assert "The latest day is before the earliest" in text(response)
    assert not TimeToFillForecast.objects.exists()


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("requisition_intake", ()),
        ("requisition_kick_off", ()),
        ("requisition_forecast", ()),
        ("intake_version", (1,)),
    ],
)
def test_leaders_get_404(client, leader, other_leader, requisition, name, args):
    intake.intake_kick_off(requisition=requisition, by=requisition.recruiter)
    for who in (leader, other_leader):
        client.force_login(who.user)
        assert client.get(url(name, requisition.pk, *args)).status_code == 404
        assert client.post(url(name, requisition.pk, *args)).status_code == 404


def test_unknown_requisition_is_404(client, recruiter):
    client.force_login(recruiter)
    assert client.get(url("requisition_intake", 999999)).status_code == 404


def test_the_requisition_page_links_to_the_intake(client, recruiter, requisition):
    client.force_login(recruiter)
    page = text(client.get(url("requisition_detail", requisition.pk)))
    assert url("requisition_intake", requisition.pk) in page


# ---------- the leader's own part ----------


def leader_url(requisition) -> str:
    return reverse("hiring_leaders:intake", args=[requisition.pk])


def test_the_leader_fills_their_part_and_it_is_versioned_with_their_name(
    client, leader, requisition, recruiter, django_assert_max_num_queries
):
    intake.intake_kick_off(requisition=requisition, by=recruiter)
    client.force_login(leader.user)
    with django_assert_max_num_queries(4):
        page = text(client.get(leader_url(requisition)))
    assert "Your part of the intake" in page
    assert "Pay from" not in page  # the recruiter's part is not theirs to change
    response = client.post(
        leader_url(requisition),
        {"why_open": "backfill", "success_90_days": "Runs the nightly loads alone"},
        follow=True,
    )
    assert messages_of(response) == [
        f"Saved. {recruiter.first_name} sees your answers on the role's intake."
    ]
    version = IntakeVersion.objects.get(number=2)
    assert version.changed_by_leader == leader
    assert version.changed_fields == ["why_open", "success_90_days"]
    client.force_login(recruiter)
    page = text(client.get(url("requisition_intake", requisition.pk)))
    assert f"{leader.name} (hiring leader) changed why the role is open, success at 90 days" in page


def test_the_progress_page_links_the_leader_to_their_part_and_view_as_leader_does_not(
    client, leader, requisition, recruiter
):
    client.force_login(leader.user)
    page = text(client.get(reverse("hiring_leaders:requisition_detail", args=[requisition.pk])))
    assert leader_url(requisition) in page
    client.force_login(recruiter)
    page = text(client.get(url("requisition_as_leader", requisition.pk)))
    assert leader_url(requisition) not in page
    assert "sees a link here to fill their part of the intake" in page


def test_bad_input_from_the_leader_is_shown_back(client, leader, requisition):
    client.force_login(leader.user)
    response = client.post(
        leader_url(requisition), {"why_open": "because", "team_short_of": "Two people"}
    )
    assert response.status_code == 400
    page = text(response)
    assert "Nothing was saved" in page
    assert "Two people" in page


def test_another_leader_or_a_recruiter_gets_404(client, other_leader, recruiter, requisition):
    colleague = HiringLeaderWithLoginFactory(company=requisition.company)
    for user in (other_leader.user, colleague.user, recruiter):
        client.force_login(user)
        assert client.get(leader_url(requisition)).status_code == 404
        assert client.post(leader_url(requisition), {"why_open": "growth"}).status_code == 404
    assert not Intake.objects.exists()


@pytest.mark.page_checkers
def test_the_intake_pages_are_valid_html(client, leader, recruiter, requisition, tmp_path):
    intake.intake_save(requisition=requisition, by=recruiter, must_haves="Python\nSQL")
    intake.intake_kick_off(requisition=requisition, by=recruiter)
    intake.intake_save(requisition=requisition, by_leader=leader, why_open="growth")
    intake.forecast_record(
        requisition=requisition, low_days=30, high_days=60, reason="Wide", by=recruiter
    )
    client.force_login(recruiter)
    pages = {
        page: valid_html.rendered(client, page)
        for page in (
            url("requisition_intake", requisition.pk),
            url("requisition_intake", requisition.pk) + "?use=suggestion",
            url("intake_version", requisition.pk, 2),
        )
    }
    bad = client.post(
        url("requisition_forecast", requisition.pk),
        {"low_days": "90", "high_days": "30", "reason": ""},
    )
    pages["forecast with errors"] = bad.content.decode()
    client.force_login(leader.user)
    pages[leader_url(requisition)] = valid_html.rendered(client, leader_url(requisition))
    assert valid_html.nu_html_checker(pages, tmp_path) == []
