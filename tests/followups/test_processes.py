"""The follow-up engine run the way production runs it: real Celery workers and beat on Redis,
real SMTP, the test's PostgreSQL database as the schedule. Then broken on purpose.

Every fault test asserts the promise of the dispatcher: nothing is ever lost, and a duplicate
happens only when a worker dies between handing a message to SMTP and recording it, in which
case it carries the same Message-ID.
"""

from __future__ import annotations

import datetime
import random
import re
import time

import pytest
from django.test import Client

from candidates import services as candidate_services
from followups.models import FollowUp
from tests import services as test_services
from tests.candidates.factories import ApplicationFactory
from tests.followups import harness

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

CHECKIN_LINK = re.compile(r"http://testserver(/checkin/[^/\s]+/)")


def sent_count(ids) -> int:
    return FollowUp.objects.filter(pk__in=ids, state=FollowUp.State.SENT).count()


def assert_nothing_lost(mailbox: harness.Mailbox, ids: list[int]) -> tuple[int, int]:
    """Returns (lost, duplicates) after checking every follow-up reached the SMTP server."""
    expected = harness.expected_message_ids(ids)
    received = mailbox.message_ids()
    lost = expected - set(received)
    duplicates = sum(count - 1 for count in received.values())
    assert not lost, f"{len(lost)} follow-ups never reached the SMTP server"
    assert set(received) <= expected, "the SMTP server got messages nobody scheduled"
    return len(lost), duplicates


@pytest.fixture
def sink():
    with harness.smtp_sink() as (mailbox, port):
        yield mailbox, port


@pytest.fixture
def cluster(transactional_db, tmp_path, sink):
    _, port = sink
    cluster = harness.Cluster(
        tmp_path=tmp_path, broker_url=test_services.redis_url(), smtp_port=port
    )
    yield cluster
    cluster.stop_all()


def test_check_ins_go_out_on_day_30_60_and_90_with_links_that_work(
    transactional_db, shipped_cadences, tmp_path, sink, requisition, recruiter
):
    mailbox, port = sink
    application = ApplicationFactory(requisition=requisition, stage="offer")
    placement = candidate_services.placement_record(
        application=application, start_date=datetime.date.today(), by=recruiter
    )
    hire, leader = application.candidate.email, requisition.hiring_leader.email
    first_name = application.candidate.first_name
    # Each phase starts a worker and beat with the clock that many days after the start date.
    expected_by_day = {
        0: {hire: "Your application for"},  # the status update for "hired"; no check-in yet
        31: {hire: "How are your first 3", leader: f"How is {first_name} settling in?"},
        61: {hire: "How are your first 6", leader: f"How is {first_name} settling in?"},
        91: {hire: "How are your first 9", leader: f"How is {first_name} settling in?"},
    }
    seen = 0
    for day, expected in expected_by_day.items():
        cluster = harness.Cluster(
            tmp_path=tmp_path / f"day{day}",
            broker_url=test_services.redis_url(),
            smtp_port=port,
            clock_offset_days=day,
        )
        cluster.tmp_path.mkdir()
        cluster.start_worker()
        cluster.start_beat()
        wanted = seen + len(expected)
        try:
            harness.wait_until(
                lambda wanted=wanted: len(mailbox.messages) >= wanted,
                timeout=60,
                cluster=cluster,
            )
            time.sleep(3)  # anything else due would have gone out by now
        finally:
            cluster.stop_all()
        arrived = {str(m["To"]): m for m in mailbox.messages[seen:]}
        assert len(mailbox.messages) - seen == len(expected) == len(arrived), (
            f"day {day}: {[(m['To'], m['Subject']) for m in mailbox.messages[seen:]]}"
        )
        for to, subject in expected.items():
            assert str(arrived[to]["Subject"]).startswith(subject)
            if day:
                text = arrived[to].get_body(preferencelist=("plain",)).get_content()
                (path,) = CHECKIN_LINK.findall(text)
                page = Client().get(path)
                assert page.status_code == 200
                assert "How is it going?" in page.content.decode()
        seen = len(mailbox.messages)
    assert FollowUp.objects.filter(placement=placement, state="sent").count() == 6


def test_an_smtp_server_answering_421_for_a_while_loses_nothing_and_duplicates_nothing(
    cluster, sink
):
    mailbox, _ = sink
    ids = harness.due_followups(150, recipients=30)
    mailbox.refuse_until = time.monotonic() + 6
    cluster.start_worker()
    cluster.start_beat()
    harness.wait_until(lambda: sent_count(ids) == len(ids), timeout=120, cluster=cluster)
    _, duplicates = assert_nothing_lost(mailbox, ids)
    assert duplicates == 0
    assert mailbox.refused > 0, "the server never refused anything: the test proved nothing"
    assert FollowUp.objects.filter(pk__in=ids, attempts__gt=1).exists()


def test_a_server_that_never_answers_costs_bounded_attempts_while_other_mail_flows(cluster, sink):
    mailbox, _ = sink
    ids = harness.due_followups(120, recipients=40)
    stuck = set(
        FollowUp.objects.filter(
            pk__in=ids, candidate__first_name__in=["Load0", "Load1"]
        ).values_list("candidate__email", flat=True)
    )
    mailbox.black_holes = stuck
    flowing = list(
        FollowUp.objects.filter(pk__in=ids)
        .exclude(candidate__email__in=stuck)
        .values_list("pk", flat=True)
    )
    cluster.start_worker("worker-a")
    cluster.start_worker("worker-b")
    cluster.start_beat()
    started = time.monotonic()
    harness.wait_until(lambda: sent_count(flowing) == len(flowing), timeout=90, cluster=cluster)
    elapsed = time.monotonic() - started
    waiting = FollowUp.objects.filter(pk__in=ids, candidate__email__in=stuck)
    assert all(f.state != "sent" for f in waiting)
    harness.wait_until(
        lambda: all(f.attempts >= 1 and f.last_error for f in waiting.all()),
        timeout=30,
        cluster=cluster,
    )
    assert all("timed out" in f.last_error.lower() for f in waiting.all())
    # 114 messages with 2-second timeouts on the stuck ones: nowhere near a stall.
    assert elapsed < 60


def test_two_beats_and_three_dispatching_workers_send_each_follow_up_once(cluster, sink):
    mailbox, _ = sink
    ids = harness.due_followups(600)
    for name in ("worker-a", "worker-b", "worker-c"):
        cluster.start_worker(name)
    cluster.start_beat("beat-a")
    cluster.start_beat("beat-b")
    harness.wait_until(lambda: sent_count(ids) == len(ids), timeout=180, cluster=cluster)
    _, duplicates = assert_nothing_lost(mailbox, ids)
    assert duplicates == 0


def test_workers_killed_twenty_times_mid_dispatch_lose_nothing(cluster, sink):
    mailbox, _ = sink
    ids = harness.due_followups(10_000, recipients=500)
    rng = random.Random(20261123)
    workers = ["worker-a", "worker-b"]
    for name in workers:
        cluster.start_worker(name)
    cluster.start_beat()
    kills = 0
    while kills < 20:
        time.sleep(rng.uniform(0.5, 2.5))
        victim = rng.choice(workers)
        cluster.kill(victim)
        kills += 1
        cluster.start_worker(victim)
    assert sent_count(ids) < len(ids), "all sent before the last kill: kill faster"
    harness.wait_until(lambda: sent_count(ids) == len(ids), timeout=300, every=2, cluster=cluster)
    _, duplicates = assert_nothing_lost(mailbox, ids)
    assert duplicates <= kills
    print(f"\n10,000 follow-ups, {kills} SIGKILLs: lost 0, duplicates {duplicates}")


def test_redis_flushed_and_restarted_mid_run_loses_nothing(transactional_db, tmp_path, sink):
    mailbox, port = sink
    ids = harness.due_followups(600)
    with harness.redis_server() as redis_server:
        cluster = harness.Cluster(tmp_path=tmp_path, broker_url=redis_server.url, smtp_port=port)
        cluster.start_worker()
        cluster.start_beat()
        try:
            harness.wait_until(lambda: sent_count(ids) >= 150, timeout=60, cluster=cluster)
            redis_server.client().flushall()
            redis_server.restart()
            harness.wait_until(lambda: sent_count(ids) == len(ids), timeout=180, cluster=cluster)
        finally:
            cluster.stop_all()
    _, duplicates = assert_nothing_lost(mailbox, ids)
    assert duplicates == 0


def test_status_changes_while_redis_is_down_are_kept_and_sent_once_it_is_back(
    transactional_db, shipped_cadences, tmp_path, sink, requisition, recruiter
):
    mailbox, port = sink
    applications = ApplicationFactory.create_batch(500, requisition=requisition, stage="screened")
    with harness.redis_server() as redis_server:
        cluster = harness.Cluster(tmp_path=tmp_path, broker_url=redis_server.url, smtp_port=port)
        cluster.start_worker()
        cluster.start_beat()
        try:
            redis_server.stop()
            for application in applications:
                candidate_services.application_move(
                    application=application, stage="submitted", by=recruiter
                )
            ids = list(FollowUp.objects.values_list("pk", flat=True))
            assert len(ids) == 500
            time.sleep(2)
            assert sent_count(ids) == 0
            redis_server.restart()
            harness.wait_until(lambda: sent_count(ids) == 500, timeout=180, cluster=cluster)
        finally:
            cluster.stop_all()
    _, duplicates = assert_nothing_lost(mailbox, ids)
    assert duplicates == 0
