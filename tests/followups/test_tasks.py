import pytest
from kombu.exceptions import OperationalError

from followups import tasks
from followups.models import FollowUp
from tests.followups.factories import FollowUpFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.send_followups, "delay", lambda ids, token: sent.append((ids, token)))
    return sent


def test_a_tick_hands_claimed_rows_over_in_small_batches_after_commit(
    candidate, settings, queued, django_capture_on_commit_callbacks
):
    settings.FOLLOWUP_SEND_BATCH_SIZE = 2
    rows = FollowUpFactory.create_batch(5, candidate=candidate)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert tasks.deliver_due_followups() == 5
    assert queued == []  # nothing leaves before the claim is committed
    for callback in callbacks:
        callback()
    assert [len(ids) for ids, _ in queued] == [2, 2, 1]
    assert sorted(pk for ids, _ in queued for pk in ids) == sorted(r.pk for r in rows)


def test_with_the_broker_down_claimed_rows_wait_for_their_lease_to_end(
    candidate, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broker_down(ids, token):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_followups, "delay", broker_down)
    row = FollowUpFactory(candidate=candidate)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.deliver_due_followups()
    row.refresh_from_db()
    assert row.state == FollowUp.State.SENDING
    assert "they will be reclaimed" in caplog.text


def test_the_send_task_reports_what_happened(candidate, mailoutbox):
    from followups.services import followups_claim_due

    FollowUpFactory(candidate=candidate)
    (claim,) = followups_claim_due()
    assert tasks.send_followups([claim.followup_id], claim.token) == {"sent": 1}
    assert tasks.send_followups([claim.followup_id], claim.token) == {"stale": 1}
    assert len(mailoutbox) == 1


def test_rows_whose_last_attempt_timed_out_go_a_few_at_a_time_each_in_a_task_of_its_own(
    candidate, settings, queued, django_capture_on_commit_callbacks
):
    settings.FOLLOWUP_RETRIES_IN_FLIGHT = 2
    silent = FollowUpFactory.create_batch(
        3, candidate=candidate, attempts=1, last_error="TimeoutError: timed out"
    )
    refused = FollowUpFactory(candidate=candidate, attempts=1, last_error="SMTPDataError: 451")
    fresh = FollowUpFactory.create_batch(2, candidate=candidate)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.deliver_one_batch()
    batches = sorted(sorted(ids) for ids, _ in queued)
    together = sorted([refused.pk, *(f.pk for f in fresh)])
    assert together in batches  # a refusal costs no thread a timeout: it goes with the rest
    alone = [ids for ids in batches if ids != together]
    assert len(alone) == 2
    assert all(len(ids) == 1 for ids in alone)
    assert {ids[0] for ids in alone} < {f.pk for f in silent}


def test_the_tick_has_a_queue_of_its_own_that_workers_take_from_beside_the_sends(settings):
    from recruitcrm.celery import app

    router = app.amqp.router
    tick = router.route({}, "followups.tasks.deliver_due_followups")["queue"].name
    send = router.route({}, "followups.tasks.send_followups")["queue"].name
    assert send == settings.CELERY_TASK_DEFAULT_QUEUE
    assert tick == f"{send}.dispatch"
    # A worker started without -Q takes every queue listed, the tick's included.
    assert {queue.name for queue in app.conf.task_queues} == {send, tick}


@pytest.mark.django_db(transaction=True)
def test_a_tick_outside_any_transaction_ends_cleanly_when_the_due_rows_run_out(candidate, queued):
    # As in a worker: autocommit, no test transaction around the tick. Looking for more due
    # rows locks with SKIP LOCKED, which PostgreSQL allows only inside a transaction.
    FollowUpFactory.create_batch(3, candidate=candidate)

    assert tasks.deliver_due_followups() == 3
    assert sum(len(ids) for ids, _ in queued) == 3
