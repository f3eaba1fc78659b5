"""Reviewing a flagged check-in: the recruiter tags what the concern is about, from Today or the
candidate page; the flag leaves the queue, the counts follow, and Undo puts it all back."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from candidates import services as candidate_services
from followups import services
from followups.models import CheckInResponse, FollowUp
from followups.queue import selectors
from tests.candidates.factories import ApplicationFactory
from tests.recruitcrm.factories import RecruiterFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def flagged(requisition, recruiter):
    """A new hire who scored their first check-in 2/5: a flag in the recruiter's queue."""
    application = ApplicationFactory(
        requisition=requisition, stage="offer", candidate__first_name="Ada"
    )
    placement = candidate_services.placement_record(
        application=application, start_date=datetime.date.today(), by=recruiter
    )
    checkin = FollowUp.objects.filter(placement=placement, audience="new_hire").first()
    return services.checkin_answer(followup=checkin, score=2, comment="Nobody set up my laptop")


def review_url(response):
    return reverse("followups:today_checkin_review", args=[response.followup_id])


def flags(recruiter):
    return selectors.queue_for(recruiter=recruiter).section("flags")


def test_a_flagged_answer_shows_in_today_with_one_button_per_theme(client, recruiter, flagged):
    client.force_login(recruiter)
    page = client.get("/").content.decode()
    assert "Nobody set up my laptop" in page
    assert review_url(flagged) in page
    for label in ("Onboarding", "Role mismatch", "Manager", "Pay", "Other"):
        assert f">{label}</button>" in page


def test_tagging_over_htmx_takes_the_flag_out_and_updates_the_counts(
    client, recruiter, flagged, django_assert_max_num_queries
):
    client.force_login(recruiter)
    assert flags(recruiter).count == 1
    response = client.post(review_url(flagged), {"theme": "onboarding"}, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tagged the check-in from Ada" in page
    assert ": Onboarding." in page
    assert "Undo" in page
    # The swapped queue: no flag section, the health line says none are open.
    assert 'id="section-flags"' not in page
    assert "Check-in flags:</strong>" in page  # now among the all-clear lines
    flagged.refresh_from_db()
    assert flagged.concern_theme == "onboarding"
    assert flagged.reviewed_by == recruiter
    assert flagged.reviewed_at is not None
    assert flags(recruiter).count == 0
    assert FollowUp.objects.get(key=f"checkin-flag:{flagged.followup_id}").state == "done"


def test_without_javascript_it_posts_and_comes_back_to_today(client, recruiter, flagged):
    client.force_login(recruiter)
    response = client.post(review_url(flagged), {"theme": "pay"}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert ": Pay." in response.content.decode()


def undo_token(page: str) -> str:
    return page.split('name="token" value="')[1].split('"')[0]


def test_undoing_a_changed_tag_brings_the_earlier_one_back(client, recruiter, flagged):
    client.force_login(recruiter)
    client.post(review_url(flagged), {"theme": "pay"}, **HTMX)
    page = client.post(review_url(flagged), {"theme": "manager"}, **HTMX).content.decode()
    undone = client.post(reverse("followups:undo"), {"token": undo_token(page)}, **HTMX)
    assert "Undone. The tag is back as it was." in undone.content.decode()
    flagged.refresh_from_db()
    assert flagged.concern_theme == "pay"
    assert flags(recruiter).count == 0


def test_undo_of_the_first_review_reopens_the_flag(client, recruiter, flagged):
    client.force_login(recruiter)
    page = client.post(review_url(flagged), {"theme": "manager"}, **HTMX).content.decode()
    undone = client.post(reverse("followups:undo"), {"token": undo_token(page)}, **HTMX)
    undone = undone.content.decode()
    assert "Undone. The check-in flag is back as it was." in undone
    assert 'id="section-flags"' in undone
    flagged.refresh_from_db()
    assert (flagged.concern_theme, flagged.reviewed_at, flagged.reviewed_by) == ("", None, None)
    assert flags(recruiter).count == 1


def test_an_unknown_theme_is_refused_and_nothing_changes(client, recruiter, flagged):
    client.force_login(recruiter)
    page = client.post(review_url(flagged), {"theme": "weather"}, **HTMX).content.decode()
    assert "Choose what the concern is about." in page
    flagged.refresh_from_db()
    assert flagged.reviewed_at is None
    assert flags(recruiter).count == 1


def test_another_recruiter_gets_404_and_changes_nothing(client, flagged):
    client.force_login(RecruiterFactory())
    assert client.post(review_url(flagged), {"theme": "pay"}).status_code == 404
    flagged.refresh_from_db()
    assert flagged.reviewed_at is None


def test_a_hiring_leader_gets_404(client, leader, flagged):
    client.force_login(leader.user)
    assert client.post(review_url(flagged), {"theme": "pay"}).status_code == 404


def test_tagging_from_the_candidate_page_comes_back_to_it(client, recruiter, flagged):
    client.force_login(recruiter)
    candidate = flagged.placement.application.candidate
    page = client.get(candidate.get_absolute_url()).content.decode()
    assert review_url(flagged) in page
    response = client.post(
        review_url(flagged),
        {"theme": "role_mismatch", "next": candidate.get_absolute_url()},
        follow=True,
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == candidate.get_absolute_url()
    assert ": Role mismatch." in page
    assert "Concern: Role mismatch" in page
    assert review_url(flagged) not in page  # reviewed: no more buttons
    assert CheckInResponse.objects.get().concern_theme == "role_mismatch"


def test_a_changed_answer_after_review_comes_back_to_be_reviewed_again(recruiter, flagged):
    services.checkin_review(response=flagged, theme="onboarding", by=recruiter)
    assert flags(recruiter).count == 0
    services.checkin_answer(
        followup=flagged.followup, score=1, comment="Now my manager has left as well"
    )
    flagged.refresh_from_db()
    assert (flagged.concern_theme, flagged.reviewed_at, flagged.reviewed_by) == ("", None, None)
    (row,) = flags(recruiter).rows
    assert "Now my manager has left as well" in row.task_title


def test_sending_the_same_answer_again_keeps_the_review(recruiter, flagged):
    services.checkin_review(response=flagged, theme="onboarding", by=recruiter)
    services.checkin_answer(followup=flagged.followup, score=2, comment="Nobody set up my laptop")
    flagged.refresh_from_db()
    assert flagged.concern_theme == "onboarding"
    assert flags(recruiter).count == 0
