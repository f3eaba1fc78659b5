"""Today's "Past its forecast": an open role whose standing time-to-fill forecast has run out
shows with the leader's expectation reset ready to send; sending it, dismissing, or a new
forecast that has not run out takes the row away."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from candidates.models import Commitment
from followups.models import FollowUp, MessageTemplate
from followups.queue import selectors
from hiring_leaders.intake import forecast_overrun_handle
from hiring_leaders.models import TimeToFillForecast
from tests.candidates.factories import CommitmentFactory
from tests.hiring_leaders.factories import RequisitionFactory

pytestmark = pytest.mark.django_db

LEADER_RESET = "Expectation reset: slower than I estimated (to the hiring leader)"


def role(recruiter, *, days_open: int, low: int, high: int, made_days_ago: int = 0, **extra):
    requisition = RequisitionFactory(
        recruiter=recruiter,
        opened_on=timezone.localdate() - datetime.timedelta(days=days_open),
        **extra,
    )
    forecast(requisition, low, high, made_days_ago=made_days_ago or days_open)
    return requisition


def forecast(requisition, low, high, *, made_days_ago):
    return TimeToFillForecast.objects.create(
        requisition=requisition,
        low_days=low,
        high_days=high,
        reason="Because",
        made_by=requisition.recruiter,
        made_at=timezone.now() - datetime.timedelta(days=made_days_ago),
    )


def overrun(recruiter):
    return selectors.queue_for(recruiter=recruiter).section("overrun")


def test_a_role_enters_the_day_after_its_range_runs_out(recruiter):
    past = role(recruiter, days_open=91, low=60, high=90, title="Data Engineer")
    role(recruiter, days_open=90, low=60, high=90)  # the last day of the range: not yet
    role(recruiter, days_open=200, low=60, high=90, status="on_hold")  # not being worked
    section = overrun(recruiter)
    assert section.count == 1
    (row,) = section.rows
    assert (row.pk, row.days_open, row.days_over) == (past.pk, 91, 1)
    assert row.reset_template_id == MessageTemplate.objects.get(name=LEADER_RESET).pk


def test_a_re_forecast_that_has_not_run_out_takes_it_away(recruiter):
    requisition = role(recruiter, days_open=120, low=60, high=90)
    forecast(requisition, 100, 150, made_days_ago=5)
    assert overrun(recruiter).count == 0


def test_another_recruiters_roles_are_not_in_my_queue(recruiter, other_recruiter):
    role(other_recruiter, days_open=200, low=60, high=90)
    assert overrun(recruiter).count == 0


def test_candidates_only_leaves_it_out(recruiter):
    role(recruiter, days_open=200, low=60, high=90)
    assert selectors.queue_for(recruiter=recruiter, who="candidates").section("overrun").count == 0


def test_the_row_on_today_offers_the_prefilled_reset_and_a_dismiss(client, recruiter):
    requisition = role(recruiter, days_open=130, low=60, high=90, title="Data Engineer")
    client.force_login(recruiter)
    page = client.get("/").content.decode()
    assert "Past its forecast" in page
    assert "40 days over" in page
    assert "over</span> Open 130 days against a forecast of 60\u201390." in page
    template = MessageTemplate.objects.get(name=LEADER_RESET)
    compose = (
        f"{reverse('followups:message_compose')}?hiring_leader={requisition.hiring_leader_id}"
        f"&amp;requisition={requisition.pk}&amp;template={template.pk}"
    )
    assert compose in page
    # The compose page, opened from that link, shows the leader's reset, not the candidates'.
    preview = client.get(compose.replace("&amp;", "&")).content.decode()
    assert "taking longer than I estimated" in preview
    assert "your application" not in preview


def test_dismissing_takes_it_away_with_htmx_and_without(client, recruiter):
    first = role(recruiter, days_open=130, low=60, high=90)
    second = role(recruiter, days_open=140, low=60, high=90)
    client.force_login(recruiter)
    dismiss = "clients:forecast_overrun_dismiss"
    response = client.post(reverse(dismiss, args=[first.forecasts.get().pk]), {"who": ""})
    assert response.status_code == 302
    response = client.post(
        reverse(dismiss, args=[second.forecasts.get().pk]), {"who": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Dismissed:" in response.content.decode()
    assert overrun(recruiter).count == 0
    assert TimeToFillForecast.objects.filter(overrun_handled_at__isnull=True).count() == 0


def test_another_recruiter_or_a_leader_cannot_dismiss(client, recruiter, other_recruiter, leader):
    requisition = role(recruiter, days_open=130, low=60, high=90)
    target = reverse("clients:forecast_overrun_dismiss", args=[requisition.forecasts.get().pk])
    for who in (other_recruiter, leader.user):
        client.force_login(who)
        assert client.post(target).status_code == 404
    assert overrun(recruiter).count == 1


def test_sending_the_reset_to_the_leader_takes_it_away(client, recruiter):
    requisition = role(recruiter, days_open=130, low=60, high=90)
    template = MessageTemplate.objects.get(name=LEADER_RESET)
    client.force_login(recruiter)
    response = client.post(
        reverse("followups:message_compose"),
        {
            "hiring_leader": requisition.hiring_leader_id,
            "about": f"r{requisition.pk}",
            "template": template.pk,
            "next": "/",
        },
    )
    assert response.status_code == 302
    assert FollowUp.objects.filter(hiring_leader=requisition.hiring_leader).exists()
    assert overrun(recruiter).count == 0


def test_undoing_the_reset_before_it_goes_brings_the_prompt_back(client, recruiter):
    requisition = role(recruiter, days_open=130, low=60, high=90)
    dismissed = role(recruiter, days_open=140, low=60, high=90)
    dismissed.forecasts.update(overrun_handled_at=timezone.now())
    template = MessageTemplate.objects.get(name=LEADER_RESET)
    client.force_login(recruiter)
    sent = client.post(
        reverse("followups:message_compose"),
        {
            "hiring_leader": requisition.hiring_leader_id,
            "about": f"r{requisition.pk}",
            "template": template.pk,
            "next": "/",
        },
        follow=True,
    ).content.decode()
    assert overrun(recruiter).count == 0
    token = re.search(r'name="token" value="([^"]+)"', sent).group(1)

    undone = client.post(reverse("followups:undo"), {"token": token, "next": "/"}, follow=True)

    said = "The message will not be sent, and its promise is off your list."
    assert said in undone.content.decode()
    assert not Commitment.objects.filter(hiring_leader=requisition.hiring_leader).exists()
    assert [row.pk for row in overrun(recruiter).rows] == [requisition.pk]
    assert FollowUp.objects.get(hiring_leader=requisition.hiring_leader).state == "cancelled"


@time_machine.travel(datetime.datetime(2026, 12, 4, 10, tzinfo=datetime.UTC), tick=False)
def test_the_reset_puts_its_promise_of_a_new_estimate_on_the_recruiters_list(client, recruiter):
    # "Within the next few days I'll send you a revised estimate": three working days from a
    # Friday is the Wednesday, by the end of the recruiter's working day.
    recruiter.time_zone = "Europe/London"
    recruiter.save(update_fields=["time_zone"])
    requisition = role(recruiter, days_open=130, low=60, high=90, title="Data Lead")
    leader = requisition.hiring_leader
    chosen = {
        "hiring_leader": leader.pk,
        "about": f"r{requisition.pk}",
        "template": MessageTemplate.objects.get(name=LEADER_RESET).pk,
    }
    client.force_login(recruiter)

    preview = client.get(reverse("followups:message_compose"), chosen).content.decode()
    sent = client.post(
        reverse("followups:message_compose"), chosen | {"next": "/"}, follow=True
    ).content.decode()

    promised = f"Send {leader.first_name} a revised estimate for Data Lead, by Wed 09 Dec."
    assert f"Sending it puts a promise on your list: {promised}" in preview
    assert f"Its promise is on your list: {promised}" in sent
    made = Commitment.objects.get(hiring_leader=leader)
    assert (made.requisition, made.recruiter) == (requisition, recruiter)
    assert made.due_at == datetime.datetime(
        2026, 12, 9, 17, tzinfo=zoneinfo.ZoneInfo("Europe/London")
    )


def test_a_reset_sent_before_the_range_ran_out_does_not_answer_it(client, recruiter):
    requisition = role(recruiter, days_open=50, low=60, high=90)
    assert forecast_overrun_handle(requisition=requisition) is None


def test_today_costs_the_same_queries_with_twelve_roles_past_their_forecast(
    client, recruiter, django_assert_max_num_queries
):
    for n in range(12):
        role(recruiter, days_open=100 + n, low=30, high=60)
    client.force_login(recruiter)
    # As tests/followups/test_today.py counts it: seven at most, however many rows.
    with django_assert_max_num_queries(7):
        page = client.get("/").content.decode()
    assert "Show all 12" in page
    assert page.count('id="overrun-') == selectors.ROWS_SHOWN
    more = client.get(reverse("followups:today_section", args=["overrun"])).content.decode()
    assert more.count('id="overrun-') == 12


def test_the_health_line_rides_with_the_roles_past_their_forecast(recruiter):
    """One statement reads both: the health line is the same with no role past its forecast,
    with six (a page and more), and for the candidates-only view, which shows none of them."""
    made = [timezone.now() - datetime.timedelta(days=days) for days in (3, 40, 100)]
    for due_at in made:
        CommitmentFactory(recruiter=recruiter, due_at=due_at)
    alone = selectors.queue_for(recruiter=recruiter).health
    for n in range(6):
        role(recruiter, days_open=100 + n, low=30, high=60)
    queue = selectors.queue_for(recruiter=recruiter)
    candidates_only = selectors.queue_for(recruiter=recruiter, who="candidates")

    assert (alone.promises_30, alone.promises_90, alone.counted_at) == (1, 2, None)
    assert queue.health == alone == candidates_only.health
    assert (queue.section("overrun").count, len(queue.section("overrun").rows)) == (6, 5)
    assert candidates_only.section("overrun").count == 0
