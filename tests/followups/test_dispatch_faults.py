"""The dispatcher with every worker alive, against servers that are slow, late or silent.

A duplicate may happen only when a worker dies between handing a message over and recording
it (test_processes.py kills workers for that). Here nobody dies, so: no duplicates, every
message the server was asked to take counted as an attempt, never more attempts than allowed,
and a few silent recipients never hold up everybody else's mail.

Timeouts, leases and back-off are seconds here (production: 15 s, 300 s, 10 minutes) so each
test proves its point in a few seconds.
"""

from __future__ import annotations

import datetime
import time

import pytest
from django.utils import timezone

from followups.models import FollowUp
from tests import services as test_services
from tests.followups import harness

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

FAST = {
    "EMAIL_TIMEOUT": "1",
    "FOLLOWUP_RETRY_BASE_SECONDS": "1",
    "FOLLOWUP_RETRY_MAX_SECONDS": "2",
}


@pytest.fixture
def sink():
    with harness.smtp_sink() as (mailbox, port):
        yield mailbox, port


@pytest.fixture
def make_cluster(transactional_db, tmp_path, sink):
    _, port = sink
    clusters = []

    def make(**env):
        cluster = harness.Cluster(
            tmp_path=tmp_path,
            broker_url=test_services.redis_url(),
            smtp_port=port,
            extra_env=FAST | env,
        )
        clusters.append(cluster)
        return cluster

    yield make
    for cluster in clusters:
        cluster.stop_all()


def sent_count(ids) -> int:
    return FollowUp.objects.filter(pk__in=ids, state=FollowUp.State.SENT).count()


def duplicates(mailbox) -> int:
    return sum(count - 1 for count in mailbox.message_ids().values())


def test_a_batch_that_outlives_its_lease_with_every_worker_alive_sends_each_message_once(
    make_cluster, sink
):
    mailbox, _ = sink
    ids = harness.due_followups(60, recipients=60)
    # 20 messages of a quarter of a second each: every batch runs 5 s on a 2 s lease, and the
    # dispatcher reclaims what each batch has not reached yet.
    mailbox.rcpt_delay = 0.25
    cluster = make_cluster(FOLLOWUP_LEASE_SECONDS="2", FOLLOWUP_SEND_BATCH_SIZE="20")
    cluster.start_worker("worker-a", threads=1)
    cluster.start_worker("worker-b", threads=1)
    cluster.start_beat()
    harness.wait_until(lambda: sent_count(ids) == len(ids), timeout=60, cluster=cluster)
    assert duplicates(mailbox) == 0
    assert set(mailbox.message_ids()) == harness.expected_message_ids(ids)
    # Reclaimed rows were claimed two or three times, and handed to the server once.
    assert set(FollowUp.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == {1}


def test_a_reply_to_data_that_comes_after_the_timeout_is_a_counted_attempt_not_a_resend(
    make_cluster, sink
):
    mailbox, _ = sink
    ids = harness.due_followups(40, recipients=40)
    # Every fifth message on a connection already used for others is answered after the
    # timeout (the server then keeps nothing): the case a kept connection's retry got wrong.
    mailbox.late_every, mailbox.late_replies, mailbox.late_by = 5, 6, 1.5
    cluster = make_cluster()
    cluster.start_worker(threads=2)
    cluster.start_beat()
    harness.wait_until(lambda: sent_count(ids) == len(ids), timeout=60, cluster=cluster)
    assert duplicates(mailbox) == 0
    assert mailbox.late_replies == 0, "the server was never late: the test proved nothing"
    rows = list(FollowUp.objects.filter(pk__in=ids))
    # Each time the server was given a message's data is one attempt in the database.
    assert {r.message_id: r.attempts for r in rows} == {
        r.message_id: mailbox.data_seen[r.message_id] for r in rows
    }
    # Each late reply was one failed attempt, retried after its back-off.
    assert sum(r.attempts for r in rows) == len(rows) + 6


def test_attempts_never_exceed_the_maximum_however_often_rows_are_reclaimed(make_cluster, sink):
    mailbox, _ = sink
    ids = harness.due_followups(6, recipients=6)
    mailbox.black_holes = set(
        FollowUp.objects.filter(pk__in=ids).values_list("candidate__email", flat=True)
    )
    # One batch of six silent recipients outlives its 2 s lease at once.
    cluster = make_cluster(FOLLOWUP_MAX_ATTEMPTS="3", FOLLOWUP_LEASE_SECONDS="2")
    cluster.start_worker(threads=2)
    cluster.start_beat()
    harness.wait_until(
        lambda: FollowUp.objects.filter(pk__in=ids, state="failed").count() == len(ids),
        timeout=90,
        cluster=cluster,
    )
    rows = FollowUp.objects.filter(pk__in=ids)
    assert {r.attempts for r in rows} == {3}
    assert all(mailbox.rcpts[address] == 3 for address in mailbox.black_holes)
    assert all("timed out" in r.last_error.lower() for r in rows)


def test_ten_silent_recipients_among_two_thousand_hold_up_nobody_else(make_cluster, sink):
    mailbox, _ = sink
    cluster = make_cluster(FOLLOWUP_MAX_IN_FLIGHT="1000")
    cluster.start_worker("worker-a")
    cluster.start_worker("worker-b")
    cluster.start_beat()
    warm_up = harness.due_followups(10, recipients=10)
    harness.wait_until(lambda: sent_count(warm_up) == 10, timeout=60, cluster=cluster)

    def deliver(ids, silent=()) -> float:
        started = time.monotonic()
        FollowUp.objects.filter(pk__in=ids).update(due_at=timezone.now())
        good = list(
            FollowUp.objects.filter(pk__in=ids)
            .exclude(candidate__email__in=silent)
            .values_list("pk", flat=True)
        )
        harness.wait_until(lambda: sent_count(good) == len(good), timeout=120, cluster=cluster)
        return time.monotonic() - started

    tomorrow = timezone.now() + datetime.timedelta(days=1)
    clean = deliver(harness.due_followups(2_000, recipients=2_000, due_at=tomorrow))
    ids = harness.due_followups(2_000, recipients=2_000, due_at=tomorrow)
    silent = set(
        FollowUp.objects.filter(pk__in=ids[::200]).values_list("candidate__email", flat=True)
    )
    mailbox.black_holes = silent
    with_silent = deliver(ids, silent)
    print(f"\n2,000 follow-ups: {clean:.1f} s clean, {with_silent:.1f} s with 10 silent")
    assert len(silent) == 10
    assert with_silent < 2 * clean
    # With every worker alive a message arrives twice only when the server's reply to its data
    # came after the timeout (a 1 s timeout here, on a busy machine): a counted, failed attempt.
    attempts = {f.message_id: f.attempts for f in FollowUp.objects.only("pk", "key", "attempts")}
    twice = [mid for mid, count in mailbox.message_ids().items() if count > 1]
    assert all(attempts[mid] > 1 for mid in twice)
