"""Every number of the candidate-experience analytics on a fixture worked out by hand
(tests/candidates/conftest.py: experience_history)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from candidates import experience_analytics as experience
from recruitcrm.analytics import Filters
from tests.candidates.test_analytics_views import read_csv

pytestmark = pytest.mark.django_db

RANGE = Filters(start=datetime.date(2025, 12, 5), end=datetime.date(2026, 3, 4))


def test_heard_from_us_counts_active_candidates_contacted_in_7_and_14_days(
    experience_history, analytics_now
):
    heard = experience.heard_from(RANGE, now=analytics_now)

    # Active: the four, and the three interviewed still open (one at offer); the hired, the
    # closed and the one in a role on hold are not, though we spoke to them yesterday.
    assert (heard.active, heard.last_7_days, heard.last_14_days) == (7, 1, 2)
    assert (heard.share_7, heard.share_14) == (14, 29)


def test_heard_from_us_for_one_recruiter_counts_their_own_candidates(
    experience_history, analytics_now, other_recruiter
):
    theirs = Filters(RANGE.start, RANGE.end, recruiter_id=other_recruiter.pk)

    heard = experience.heard_from(theirs, now=analytics_now)

    assert (heard.active, heard.share_7) == (0, None)


def test_days_from_last_interview_to_outcome(experience_history, analytics_now):
    outcomes = experience.interview_outcomes(RANGE, now=analytics_now)

    # 15 days (interview 20 Jan, offer 4 Feb) and 50 days (5 Jan, rejected 24 Feb)
    assert outcomes.told == 2
    assert outcomes.median_days == pytest.approx(32.5)
    assert outcomes.p90_days == pytest.approx(46.5)  # 15 + 0.9 * 35
    assert outcomes.told_late == 1


def test_interviewed_candidates_not_told_within_45_days_are_flagged(
    experience_history, analytics_now
):
    owed = experience.outcomes_owed(RANGE, now=analytics_now)

    assert owed.count == 1
    (row,) = owed.rows
    assert row.application_id == experience_history.pk
    assert row.days == 55  # last interview 8 January, not when the stage was entered


def test_promises_kept_on_time_for_everyone_and_per_recruiter(
    experience_history, analytics_now, recruiter, other_recruiter
):
    promises = experience.promises_kept(RANGE, now=analytics_now)

    total = promises.total
    assert (total.due, total.kept_on_time, total.kept_late, total.open_late) == (4, 2, 1, 1)
    assert total.kept_share == 50
    by_recruiter = {
        r.recruiter_id: (r.due, r.kept_on_time, r.kept_share) for r in promises.recruiters
    }
    assert by_recruiter == {recruiter.pk: (3, 1, 33), other_recruiter.pk: (1, 1, 100)}
    assert not promises.has_next


def test_a_recruiter_sees_only_their_own_promises(client, experience_history, recruiter):
    client.force_login(recruiter)

    response = client.get(reverse("analytics:experience"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "33%" in page
    assert ">100%<" not in page


def test_the_experience_page_links_each_flagged_candidate(client, experience_history, admin_user):
    client.force_login(admin_user)

    page = client.get(reverse("analytics:experience")).content.decode()

    candidate = experience_history.candidate
    assert f'href="/candidates/{candidate.pk}/"' in page
    assert "1 candidate</span> interviewed more than 45 days ago" in page


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("heard-from", ["7", "1", "14", "2", "29"]),
        ("interview-outcomes", ["2", "32.5", "46.5", "1"]),
        ("promises", ["Everyone", "4", "2", "1", "1", "50"]),
    ],
)
def test_experience_tables_download_as_csv(client, experience_history, admin_user, table, expected):
    client.force_login(admin_user)

    response = client.get(reverse("analytics:experience"), {"export": table})

    assert read_csv(response)[1] == expected


def test_the_owed_list_downloads_with_every_candidate(client, experience_history, admin_user):
    client.force_login(admin_user)

    response = client.get(reverse("analytics:experience"), {"export": "outcomes-owed"})

    rows = read_csv(response)
    assert len(rows) == 2
    assert rows[1][3] == "55"
