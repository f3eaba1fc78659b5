"""The send state machine: claim, lease, send, record; retries, failures and resends."""

import datetime
import smtplib

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from candidates import services as candidate_services
from candidates.models import Activity, Application
from followups import services
from followups.models import FollowUp, SuppressedAddress
from followups.services import delivery
from tests.candidates.factories import ApplicationFactory
from tests.followups.factories import FollowUpFactory, MessageTemplateFactory
from tests.followups.mail_backends import ScriptedBackend

pytestmark = pytest.mark.django_db

State = FollowUp.State


@pytest.fixture(autouse=True)
def scripted_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.followups.mail_backends.ScriptedBackend"}}
    settings.SITE_URL = "https://crm.example"
    ScriptedBackend.errors = []
    yield ScriptedBackend
    ScriptedBackend.errors = []


@pytest.fixture
def status_update(requisition, recruiter):
    application = ApplicationFactory(requisition=requisition, stage="screened")
    # Moved a few minutes ago: the update has waited out the move's undo window and is due.
    with time_machine.travel(timezone.now() - datetime.timedelta(minutes=5)):
        candidate_services.application_move(
            application=application, stage="submitted", by=recruiter
        )
    return FollowUp.objects.get(channel="email")


def claim_and_deliver():
    (claim,) = services.followups_claim_due()
    return claim, services.followup_deliver(followup_id=claim.followup_id, token=claim.token)


class TestClaiming:
    def test_only_due_email_rows_are_claimed_and_only_once(self, candidate):
        due = FollowUpFactory(candidate=candidate)
        FollowUpFactory(candidate=candidate, due_at=timezone.now() + datetime.timedelta(hours=1))
        FollowUpFactory(candidate=candidate, channel="task", audience="recruiter")
        FollowUpFactory(candidate=candidate, state="cancelled")
        claims = services.followups_claim_due()
        assert [c.followup_id for c in claims] == [due.pk]
        due.refresh_from_db()
        # A claim is not an attempt: nothing was handed to a mail server yet.
        assert (due.state, due.attempts) == (State.SENDING, 0)
        assert due.lease_until > timezone.now()
        assert services.followups_claim_due() == []

    def test_a_batch_takes_the_oldest_first(self, candidate):
        now = timezone.now()
        rows = [
            FollowUpFactory(candidate=candidate, due_at=now - datetime.timedelta(minutes=m))
            for m in (1, 30, 5)
        ]
        claims = services.followups_claim_due(batch_size=2)
        assert [c.followup_id for c in claims] == [rows[1].pk, rows[2].pk]

    def test_no_more_rows_are_out_than_the_in_flight_cap(self, candidate, settings):
        settings.FOLLOWUP_MAX_IN_FLIGHT = 3
        FollowUpFactory.create_batch(5, candidate=candidate)
        first = services.followups_claim_due(batch_size=10)
        assert len(first) == 3
        assert services.followups_claim_due(batch_size=10) == []
        services.followup_deliver(followup_id=first[0].followup_id, token=first[0].token)
        assert len(services.followups_claim_due(batch_size=10)) == 1

    def test_a_row_whose_worker_died_is_reclaimed_after_its_lease(self, candidate, settings):
        row = FollowUpFactory(candidate=candidate)
        (first,) = services.followups_claim_due()
        assert services.followups_claim_due() == []  # still leased
        later = timezone.now() + datetime.timedelta(seconds=settings.FOLLOWUP_LEASE_SECONDS + 1)
        with time_machine.travel(later):
            (second,) = services.followups_claim_due()
        assert second.followup_id == row.pk
        assert second.token != first.token
        row.refresh_from_db()
        assert row.attempts == 0

    def test_a_batch_that_outlived_its_lease_sends_nothing_the_new_holder_owns(
        self, candidate, settings
    ):
        rows = FollowUpFactory.create_batch(3, candidate=candidate)
        first = services.followups_claim_due()
        later = timezone.now() + datetime.timedelta(seconds=settings.FOLLOWUP_LEASE_SECONDS + 1)
        with time_machine.travel(later):
            second = services.followups_claim_due()
            outcomes = services.followups_deliver_claimed(
                followup_ids=[c.followup_id for c in first], token=first[0].token
            )
            assert set(outcomes.values()) == {"stale"}
            assert mail.outbox == []
            services.followups_deliver_claimed(
                followup_ids=[c.followup_id for c in second], token=second[0].token
            )
        assert len(mail.outbox) == 3
        assert {r.attempts for r in FollowUp.objects.filter(pk__in=[r.pk for r in rows])} == {1}

    def test_each_message_renews_the_lease_just_before_it_is_handed_over(
        self, candidate, settings, monkeypatch
    ):
        FollowUpFactory.create_batch(2, candidate=candidate)
        claims = services.followups_claim_due()
        leases = []

        def send(message):
            row = FollowUp.objects.get(pk=claims[len(leases)].followup_id)
            leases.append((row.lease_until, row.attempts))

        monkeypatch.setattr(delivery.outbound_mail, "send", send)
        start = timezone.now()
        with time_machine.travel(start + datetime.timedelta(seconds=200)):
            services.followups_deliver_claimed(
                followup_ids=[c.followup_id for c in claims], token=claims[0].token
            )
        lease = datetime.timedelta(seconds=settings.FOLLOWUP_LEASE_SECONDS)
        assert all(until >= start + datetime.timedelta(seconds=200) + lease for until, _ in leases)
        assert [attempts for _, attempts in leases] == [1, 1]

    def test_a_row_reclaimed_after_its_last_attempt_fails_instead_of_sending_again(
        self, candidate, settings
    ):
        settings.FOLLOWUP_MAX_ATTEMPTS = 3
        row = FollowUpFactory(candidate=candidate, attempts=3, last_error="TimeoutError: timed out")
        (claim,) = services.followups_claim_due()
        assert services.followup_deliver(followup_id=claim.followup_id, token=claim.token) == (
            "failed"
        )
        row.refresh_from_db()
        assert (row.state, row.attempts) == (State.FAILED, 3)
        assert row.last_error.startswith("Gave up after 3 attempts: TimeoutError")
        assert mail.outbox == []

    def test_a_send_holding_an_old_claim_does_nothing(self, candidate, settings):
        FollowUpFactory(candidate=candidate)
        (first,) = services.followups_claim_due()
        later = timezone.now() + datetime.timedelta(seconds=settings.FOLLOWUP_LEASE_SECONDS + 1)
        with time_machine.travel(later):
            services.followups_claim_due()
        outcome = services.followup_deliver(followup_id=first.followup_id, token=first.token)
        assert outcome == "stale"
        assert mail.outbox == []


class TestSending:
    def test_a_sent_email_carries_its_message_id_unsubscribe_headers_and_both_parts(
        self, status_update
    ):
        _, outcome = claim_and_deliver()
        assert outcome == "sent"
        (message,) = mail.outbox
        status_update.refresh_from_db()
        candidate = status_update.candidate
        assert message.to == [candidate.email]
        assert message.subject == (f"Your profile is with {status_update.requisition.company.name}")
        headers = message.message()
        assert headers["Message-ID"] == status_update.message_id
        assert headers["List-Unsubscribe"].startswith("<https://crm.example/unsubscribe/")
        assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "Stop them here: https://crm.example/unsubscribe/" in message.body
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html"
        assert "put you forward to" in html
        assert (status_update.state, status_update.sent_at is not None) == (State.SENT, True)

    def test_a_sent_email_is_on_the_timeline_and_counts_as_contact(self, status_update):
        claim_and_deliver()
        candidate = status_update.candidate
        candidate.refresh_from_db()
        sent = Activity.objects.get(candidate=candidate, kind="message")
        assert sent.summary.startswith("Sent “Your profile is with")
        assert candidate.last_contacted_at == sent.occurred_at

    def test_a_worker_killed_after_handing_over_resends_with_the_same_message_id(
        self, status_update, settings, monkeypatch
    ):
        def die(*args, **kwargs):
            raise SystemExit("worker killed after SMTP accepted the message")

        monkeypatch.setattr(delivery, "_finish_sent", die)
        claim = services.followups_claim_due()[0]
        with pytest.raises(SystemExit):
            services.followup_deliver(followup_id=claim.followup_id, token=claim.token)
        monkeypatch.undo()
        later = timezone.now() + datetime.timedelta(seconds=settings.FOLLOWUP_LEASE_SECONDS + 1)
        with time_machine.travel(later):
            _, outcome = claim_and_deliver()
        assert outcome == "sent"
        first, second = mail.outbox
        assert first.message()["Message-ID"] == second.message()["Message-ID"]

    def test_a_candidate_moved_back_to_sourced_gets_no_automatic_email(self, status_update):
        Application.objects.filter(pk=status_update.application_id).update(stage="sourced")

        claim_and_deliver()

        status_update.refresh_from_db()
        assert status_update.state == State.SKIPPED
        assert "is at “sourced” for this role" in status_update.note
        assert mail.outbox == []

    def test_a_message_the_recruiter_sends_someone_at_sourced_goes(self, requisition, recruiter):
        # Their own first word, chosen and read before sending (the composer, a bulk send).
        application = ApplicationFactory(requisition=requisition, stage="sourced")
        template = MessageTemplateFactory(subject="Hello", body="Hi {{ recipient.first_name }}")
        sent = services.message_send(
            template=template, to=application.candidate, by=recruiter, application=application
        )

        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
            _, outcome = claim_and_deliver()

        sent.refresh_from_db()
        assert (outcome, sent.state) == ("sent", State.SENT)
        (message,) = mail.outbox
        assert message.to == [application.candidate.email]


class TestFailures:
    @pytest.mark.parametrize(
        "error",
        [
            smtplib.SMTPResponseException(421, b"Service not available, try later"),
            smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
            ConnectionRefusedError(111, "Connection refused"),
            TimeoutError("timed out"),
        ],
    )
    def test_a_transient_error_retries_later(self, status_update, scripted_mail, error):
        scripted_mail.errors = [error]
        _, outcome = claim_and_deliver()
        assert outcome == "retry"
        status_update.refresh_from_db()
        assert (status_update.state, status_update.attempts) == (State.SCHEDULED, 1)
        assert status_update.due_at > timezone.now() + datetime.timedelta(minutes=3)
        assert type(error).__name__ in status_update.last_error
        assert services.followups_claim_due() == []  # not before its back-off

    def test_after_the_last_attempt_it_fails_and_the_recruiter_gets_a_task(
        self, status_update, scripted_mail, settings
    ):
        settings.FOLLOWUP_MAX_ATTEMPTS = 3
        scripted_mail.errors = [smtplib.SMTPServerDisconnected("gone")] * 3
        outcomes = []
        moment = timezone.now()
        for _ in range(3):
            with time_machine.travel(moment):
                outcomes.append(claim_and_deliver()[1])
            moment += datetime.timedelta(days=1)
        assert outcomes == ["retry", "retry", "failed"]
        status_update.refresh_from_db()
        assert (status_update.state, status_update.attempts) == (State.FAILED, 3)
        task = FollowUp.objects.get(channel="task", key__startswith="failed:")
        assert task.recruiter == status_update.recruiter
        assert task.task_title.startswith(f"Email to {status_update.candidate.name} failed")

    def test_a_permanent_refusal_fails_at_once_and_stops_mail_to_the_address(
        self, status_update, scripted_mail, recruiter
    ):
        address = status_update.candidate.email
        scripted_mail.errors = [
            smtplib.SMTPRecipientsRefused({address: (550, b"5.1.1 No such user")})
        ]
        _, outcome = claim_and_deliver()
        assert outcome == "failed"
        assert SuppressedAddress.objects.filter(email=address.lower()).exists()
        application = status_update.application
        candidate_services.application_move(application=application, stage="offer", by=recruiter)
        later = FollowUp.objects.get(template__name="Status update: offer (candidate)")
        assert later.state == State.SKIPPED
        assert "refused mail before" in later.note

    def test_someone_who_opts_out_after_the_claim_gets_nothing(self, status_update):
        (claim,) = services.followups_claim_due()
        services.person_opt_out(person=status_update.candidate)
        outcome = services.followup_deliver(followup_id=claim.followup_id, token=claim.token)
        assert outcome == "skipped"
        assert mail.outbox == []

    def test_a_template_broken_after_scheduling_fails_with_the_reason(self, status_update):
        status_update.template.body = "Hi {{ candidate.salary }}"
        status_update.template.save()
        _, outcome = claim_and_deliver()
        assert outcome == "failed"
        status_update.refresh_from_db()
        assert "candidate.salary" in status_update.last_error
        assert mail.outbox == []


class TestOutboxActions:
    def test_retry_puts_a_failed_email_back_with_fresh_attempts(self, candidate, recruiter):
        failed = FollowUpFactory(candidate=candidate, state="failed", attempts=8)
        services.followup_retry(followup=failed, by=recruiter)
        failed.refresh_from_db()
        assert (failed.state, failed.attempts) == (State.SCHEDULED, 0)
        assert [c.followup_id for c in services.followups_claim_due()] == [failed.pk]

    def test_only_scheduled_follow_ups_can_be_cancelled(self, candidate, recruiter):
        from django.core.exceptions import ValidationError

        sent = FollowUpFactory(candidate=candidate, state="sent")
        with pytest.raises(ValidationError):
            services.followup_cancel(followup=sent, by=recruiter)
        pending = FollowUpFactory(candidate=candidate)
        services.followup_cancel(followup=pending, by=recruiter)
        pending.refresh_from_db()
        assert pending.state == State.CANCELLED


def test_a_weekly_update_tells_the_leader_the_current_pipeline(requisition, recruiter):
    ApplicationFactory.create_batch(2, requisition=requisition, stage="interviewing")
    ApplicationFactory(requisition=requisition, stage="submitted")
    template = MessageTemplateFactory(
        body="{{ pipeline.active }} active, {{ pipeline.interviewing }} interviewing"
    )
    FollowUpFactory(
        candidate=None,
        hiring_leader=requisition.hiring_leader,
        audience="hiring_leader",
        recruiter=recruiter,
        requisition=requisition,
        template=template,
    )
    claim_and_deliver()
    assert mail.outbox[0].body.startswith("3 active, 2 interviewing")


def test_the_timeline_keeps_the_message_but_not_the_links_that_act_as_the_recipient(
    requisition, recruiter
):
    application = ApplicationFactory(requisition=requisition, stage="offer")
    FollowUp.objects.all().delete()
    placement = candidate_services.placement_record(
        application=application, start_date=timezone.localdate(), by=recruiter
    )
    checkin = FollowUp.objects.filter(placement=placement, audience="new_hire").earliest("due_at")
    FollowUp.objects.exclude(pk=checkin.pk).delete()
    FollowUp.objects.filter(pk=checkin.pk).update(due_at=timezone.now())
    claim_and_deliver()
    (message,) = [m for m in mail.outbox if m.to == [application.candidate.email]]
    assert "https://crm.example/checkin/" in message.body
    stored = Activity.objects.get(candidate=application.candidate, kind="message").body
    assert "/checkin/" not in stored
    assert "/unsubscribe/" not in stored
    assert "[personal link]" in stored
