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
import zoneinfo

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from candidates import services as candidate_services
from followups.models import FollowUp
from tests import services as test_services
from tests.candidates.factories import ApplicationFactory, CandidateFactory
from tests.followups import harness
from tests.hiring_leaders.factories import HiringLeaderFactory, RequisitionFactory

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


def business_day_at_ten(day: datetime.date, zone: str) -> datetime.datetime:
    """The business-day rule, written out independently of followups.schedule: 10:00 local on
    that day, or on the Monday after when it falls on a weekend."""
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=zoneinfo.ZoneInfo(zone))


# Seven hires starting on seven consecutive days (every weekday, and a weekend), recorded on
# Friday 31 July 2026: day 30 falls on each weekday in turn, and day 90 (late October and early
# November) comes after Europe's clocks went back on 25 October and, for the later starts,
# America's on 1 November, across three month ends.
RECORDED_AT = datetime.datetime(2026, 7, 31, 8, 0, tzinfo=datetime.UTC)
STARTS = [RECORDED_AT.date() + datetime.timedelta(days=k) for k in range(7)]
HIRE_ZONE, LEADER_ZONE = "Europe/London", "America/Los_Angeles"


def test_check_ins_go_out_on_day_30_60_and_90_whatever_the_weekday_with_links_that_work(
    transactional_db, shipped_cadences, tmp_path, sink, recruiter
):
    mailbox, port = sink
    leader = HiringLeaderFactory(time_zone=LEADER_ZONE)
    requisition = RequisitionFactory(
        hiring_leader=leader, company=leader.company, recruiter=recruiter
    )
    expected = {0: {}, 30: {}, 60: {}, 90: {}}  # day -> {(to, subject start): due}
    with time_machine.travel(RECORDED_AT, tick=True):
        for n, start in enumerate(STARTS):
            hire = CandidateFactory(first_name=f"Hire{n}", time_zone=HIRE_ZONE, owner=recruiter)
            application = ApplicationFactory(candidate=hire, requisition=requisition, stage="offer")
            candidate_services.placement_record(
                application=application, start_date=start, by=recruiter
            )
            expected[0][(hire.email, "Congratulations, Hire")] = timezone.now()
            for day in (30, 60, 90):
                moment = start + datetime.timedelta(days=day)
                expected[day][(hire.email, "How are your first")] = business_day_at_ten(
                    moment, HIRE_ZONE
                )
                # At 90 days the leader is also asked whether the hire solved the problem.
                to_leader = f"Hire{n} at 90 days" if day == 90 else f"How is Hire{n} settling in?"
                expected[day][(leader.email, to_leader)] = business_day_at_ten(moment, LEADER_ZONE)
    # The schedule in the database follows the rule, to the minute, in each recipient's zone.
    scheduled = {
        (f.person.email, f.cadence_step.offset_days, f.due_at)
        for f in FollowUp.objects.filter(cadence_step__cadence__trigger="placement_started")
    }
    assert scheduled == {
        (to, day, due) for day in (30, 60, 90) for (to, _), due in expected[day].items()
    }

    seen = 0
    for day, wanted in expected.items():
        # Start the workers just after the last message of this round is due, and before the
        # first of the next: exactly this round goes out, nothing early.
        clock_at = max(wanted.values()) + datetime.timedelta(minutes=5)
        cluster = harness.Cluster(
            tmp_path=tmp_path / f"day{day}",
            broker_url=test_services.redis_url(),
            smtp_port=port,
            clock_at=clock_at,
        )
        cluster.tmp_path.mkdir()
        cluster.start_worker()
        cluster.start_beat()
        target = seen + len(wanted)
        try:
            harness.wait_until(
                lambda target=target: len(mailbox.messages) >= target,
                timeout=60,
                cluster=cluster,
            )
            time.sleep(3)  # anything else due would have gone out by now
        finally:
            cluster.stop_all()
        arrived = mailbox.messages[seen:]
        assert len(arrived) == len(wanted), (
            f"day {day}: {[(str(m['To']), str(m['Subject'])) for m in arrived]}"
        )
        by_message_id = {f.message_id: f for f in FollowUp.objects.select_related("cadence_step")}
        for message in arrived:
            followup = by_message_id[" ".join(str(message["Message-ID"]).split())]
            to, subject = str(message["To"]), str(message["Subject"])
            assert to == followup.person.email
            assert any(to == t and subject.startswith(start) for t, start in wanted), (
                f"day {day}: unexpected {subject!r} to {to}"
            )
            if day:
                assert followup.cadence_step.offset_days == day
                text = message.get_body(preferencelist=("plain",)).get_content()
                (path,) = CHECKIN_LINK.findall(text)
                with time_machine.travel(clock_at):
                    page = Client().get(path)
                assert page.status_code == 200
                assert "How is it going?" in page.content.decode()
        seen = len(mailbox.messages)
    assert (
        FollowUp.objects.filter(
            cadence_step__cadence__trigger="placement_started", state="sent"
        ).count()
        == 7 * 6
    )


def test_an_smtp_server_answering_421_for_a_while_loses_nothing_and_duplicates_nothing(
    cluster, sink
):
    mailbox, _ = sink
    ids = harness.due_followups(150, recipients=30)
    mailbox.refuse_for = 6
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
    ids = harness.due_followups(5_000, recipients=500)
    rng = random.Random(20261123)
    workers = ["worker-a", "worker-b"]
    for name in workers:
        cluster.start_worker(name)
    cluster.start_beat()
    kills = 0
    while kills < 20:
        time.sleep(rng.uniform(0.3, 1.5))
        victim = rng.choice(workers)
        cluster.kill(victim)
        kills += 1
        cluster.start_worker(victim)
    assert sent_count(ids) < len(ids), "all sent before the last kill: kill faster"
    harness.wait_until(lambda: sent_count(ids) == len(ids), timeout=300, every=2, cluster=cluster)
    _, duplicates = assert_nothing_lost(mailbox, ids)
    # A killed worker loses what each of its sending threads had not recorded yet: at most
    # FOLLOWUP_RECORD_EVERY (10) messages per thread (README: the duplicate window).
    assert duplicates <= kills * harness.THREADS * 10
    print(f"\n5,000 follow-ups, {kills} SIGKILLs: lost 0, duplicates {duplicates}")


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
            # A threads-pool worker may exit when the connection drops under an acknowledgement
            # in flight (kombu's Redis transport); its supervisor starts it again, as Compose's
            # restart policy does, and the rows wait in the database meanwhile.
            restarts = 0

            def all_sent() -> bool:
                nonlocal restarts
                if cluster.processes["worker"].poll() is not None:
                    restarts += 1
                    cluster.start_worker()
                return sent_count(ids) == len(ids)

            harness.wait_until(all_sent, timeout=180, cluster=cluster)
        finally:
            cluster.stop_all()
    _, duplicates = assert_nothing_lost(mailbox, ids)
    # A duplicate only where a worker died: at most what each sending thread had not recorded.
    assert duplicates <= restarts * harness.THREADS * 10


def test_status_changes_while_redis_is_down_are_kept_and_sent_once_it_is_back(
    transactional_db, shipped_cadences, tmp_path, sink, requisition, recruiter
):
    mailbox, port = sink
    applications = ApplicationFactory.create_batch(200, requisition=requisition, stage="screened")
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
            ids = list(FollowUp.objects.filter(channel="email").values_list("pk", flat=True))
            assert len(ids) == 200
            time.sleep(2)
            assert sent_count(ids) == 0
            redis_server.restart()
            harness.wait_until(lambda: sent_count(ids) == 200, timeout=180, cluster=cluster)
        finally:
            cluster.stop_all()
    _, duplicates = assert_nothing_lost(mailbox, ids)
    assert duplicates == 0
