"""The agency's analytics are counted by a worker, never in the request: a first visit queues one
count and answers at once with a note that polls for the figures; a stale snapshot is shown
while the new count runs; a download of figures not counted yet says so. One recruiter's own
figures are still counted in the request (milliseconds)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from candidates import analytics_snapshots
from candidates.tasks import count_analytics, refresh_analytics

pytestmark = pytest.mark.django_db

WAITING = "Counting the whole agency for 5 Dec 2025 \N{EN DASH} 4 Mar 2026…"


@pytest.fixture
def queue(monkeypatch):
    """The counts the pages queue, held back (no worker): run one with `worker(queue[0])`."""
    queued = []
    monkeypatch.setattr(
        count_analytics, "delay", lambda *args, **kwargs: queued.append((args, kwargs))
    )
    return queued


def worker(task) -> None:
    args, kwargs = task
    count_analytics(*args, **kwargs)


def test_the_agencys_first_visit_queues_one_count_and_answers_without_counting(
    client, admin_user, pipeline_history, queue, django_assert_num_queries
):
    client.force_login(admin_user)

    # the signed-in visitor only: nothing counted, and the recruiter and company are typed
    # (no list of every one to read)
    with django_assert_num_queries(1):
        response = client.get(reverse("analytics:pipeline"))

    page = response.content.decode()
    assert WAITING in page
    assert "the figures appear here when ready" in page
    assert 'data-hx-trigger="every 3s"' in page
    assert "?part=figures" in page
    assert "Check again" in page
    assert "Not enough Python" not in page  # no figures yet
    assert 'name="start"' in page  # the filters stay usable
    assert len(queue) == 1
    assert queue[0] == (
        ("pipeline",),
        {
            "start": "2025-12-05",
            "end": "2026-03-04",
            "recruiter_id": None,
            "company_id": None,
            "page": 1,
        },
    )


def test_a_second_visit_while_counting_queues_no_second_count(
    client, admin_user, pipeline_history, queue
):
    client.force_login(admin_user)
    client.get(reverse("analytics:pipeline"))

    response = client.get(reverse("analytics:pipeline"))
    poll = client.get(reverse("analytics:pipeline"), {"part": "figures"})

    assert WAITING in response.content.decode()
    assert WAITING in poll.content.decode()
    assert len(queue) == 1


def test_the_poll_returns_the_figures_once_the_worker_counted_them(
    client, admin_user, pipeline_history, queue, django_assert_num_queries
):
    client.force_login(admin_user)
    client.get(reverse("analytics:pipeline"))
    worker(queue[0])

    # the figures come from the cache (and the signed-in visitor too, by now)
    with django_assert_num_queries(0):
        poll = client.get(reverse("analytics:pipeline"), {"part": "figures"})

    fragment = poll.content.decode()
    assert fragment.lstrip().startswith('<div id="analytics-figures"')
    assert "<html" not in fragment
    assert "Not enough Python" in fragment
    assert "Counted <time" in fragment
    assert "data-hx-trigger" not in fragment  # done: the poll stops
    assert len(queue) == 1


def test_a_stale_snapshot_is_shown_with_its_time_while_the_new_count_runs(
    client, admin_user, pipeline_history, queue
):
    client.force_login(admin_user)
    client.get(reverse("analytics:pipeline"))
    worker(queue[0])

    later = datetime.timedelta(minutes=analytics_snapshots.SNAPSHOT_MINUTES + 1)
    with time_machine.travel(later, tick=False):
        page = client.get(reverse("analytics:pipeline")).content.decode()
        client.get(reverse("analytics:pipeline"))

    assert "These figures were counted <time" in page
    assert "Counting the whole agency again now" in page
    assert "Not enough Python" in page
    assert 'data-hx-trigger="every 3s"' in page
    assert len(queue) == 2  # one recount, however many visits meanwhile


def test_a_process_keeps_the_figures_it_read_until_another_counts_newer(
    pipeline_history, monkeypatch
):
    filters = analytics_snapshots.default_filters(recruiter=None)
    key = analytics_snapshots._post_hire_key(filters, page=1)
    ours = analytics_snapshots.post_hire(filters)
    # Kept unpickled in this process, as long as the cache says it is the latest count.
    assert analytics_snapshots.post_hire(filters) is ours

    # Another process (beat's refresh in the worker) counts the view again, later.
    monkeypatch.setattr(analytics_snapshots, "_unpickled", {})
    with time_machine.travel(datetime.timedelta(minutes=5), tick=False):
        theirs = analytics_snapshots.post_hire(filters, fresh=True)
    monkeypatch.setattr(analytics_snapshots, "_unpickled", {key: ours})

    read = analytics_snapshots.post_hire(filters)
    assert read.counted_at == theirs.counted_at > ours.counted_at
    assert analytics_snapshots.post_hire(filters) is read


def test_a_company_is_counted_by_the_worker_too_and_named(
    client, admin_user, pipeline_history, queue
):
    company = pipeline_history[0].company
    client.force_login(admin_user)

    page = client.get(reverse("analytics:pipeline"), {"company": company.pk}).content.decode()

    assert f"Counting {company.name} for" in page
    assert queue[0][1]["company_id"] == company.pk


def test_a_download_of_figures_not_counted_yet_says_so_and_counts_nothing(
    client, admin_user, pipeline_history, queue, django_assert_num_queries
):
    client.force_login(admin_user)

    # the signed-in visitor: no count
    with django_assert_num_queries(1):
        response = client.get(reverse("analytics:pipeline"), {"export": "funnel"})

    assert response.status_code == 302
    assert response["Location"] == reverse("analytics:pipeline")
    assert len(queue) == 1
    page = client.get(response["Location"]).content.decode()
    assert "still being counted, so there is nothing to download yet" in page
    assert WAITING in page
    assert len(queue) == 1


def test_a_download_of_the_agencys_counted_funnel_is_read_from_the_snapshot(
    client, admin_user, pipeline_history, queue, django_assert_num_queries
):
    client.force_login(admin_user)
    client.get(reverse("analytics:pipeline"))
    worker(queue[0])

    # the counted figures, not a second count in the request
    with django_assert_num_queries(0):
        response = client.get(reverse("analytics:pipeline"), {"export": "funnel"})
        body = b"".join(response.streaming_content).decode()

    assert response["Content-Type"].startswith("text/csv")
    assert body.splitlines()[1].startswith("Sourced,")
    assert len(queue) == 1


def test_a_download_of_counted_figures_is_a_csv(client, admin_user, pipeline_history, queue):
    client.force_login(admin_user)
    client.get(reverse("analytics:experience"))
    worker(queue[0])

    response = client.get(reverse("analytics:experience"), {"export": "promises"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


def test_the_experience_page_of_the_agency_waits_for_the_worker_too(
    client, admin_user, pipeline_history, queue
):
    client.force_login(admin_user)

    page = client.get(reverse("analytics:experience")).content.decode()
    poll_before = client.get(reverse("analytics:experience"), {"part": "figures"})
    worker(queue[0])
    poll_after = client.get(reverse("analytics:experience"), {"part": "figures"})

    assert WAITING in page
    assert WAITING in poll_before.content.decode()
    assert "Promises kept on time" in poll_after.content.decode()
    assert [args for args, _ in queue] == [("experience",)]


def test_a_recruiters_own_figures_are_counted_in_the_request(
    client, recruiter, pipeline_history, queue
):
    client.force_login(recruiter)

    page = client.get(reverse("analytics:pipeline")).content.decode()

    assert "Referral" in page
    assert "Counting" not in page
    assert queue == []


def test_a_leader_cannot_poll_the_agencys_figures(client, leader, pipeline_history, queue):
    client.force_login(leader.user)

    response = client.get(reverse("analytics:pipeline"), {"part": "figures"})

    assert response.status_code == 404
    assert queue == []


def test_a_refresh_still_running_is_not_joined_by_a_second(recruiter, pipeline_history):
    assert cache.add(analytics_snapshots._refresh_marker(), True, 60)

    assert refresh_analytics() == 0


def test_a_visit_while_beat_counts_the_default_view_queues_nothing(
    client, admin_user, pipeline_history, queue
):
    filters = analytics_snapshots.default_filters(recruiter=None)
    key = analytics_snapshots._key("pipeline", filters, requisition=None)
    cache.add(analytics_snapshots._marker(key), "refresh", 60)
    client.force_login(admin_user)

    page = client.get(reverse("analytics:pipeline")).content.decode()

    assert WAITING in page
    assert queue == []
