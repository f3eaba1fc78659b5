"""Handing one message to an SMTP server: what a failure costs, and when it is safe to resend."""

from __future__ import annotations

import smtplib
import time

import pytest

from followups import outbound_mail
from followups.composing import Outgoing
from tests.followups import harness

TIMEOUT = 1


@pytest.fixture
def mailbox(settings):
    with harness.smtp_sink() as (box, port):
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {
                    "host": "127.0.0.1",
                    "port": port,
                    "use_tls": False,
                    "timeout": TIMEOUT,
                },
            }
        }
        yield box
        outbound_mail.drop()


def message(n: int, to: str = "ada@example.com") -> Outgoing:
    return Outgoing(
        subject=f"Update {n}",
        text=f"Hello {n}\n.\nA line that starts with a dot, and one that is only a dot.",
        html=f"<p>Hello {n}</p>",
        to=to,
        reply_to="maya@agency.example",
        headers={"Message-ID": f"<test.{n}@recruitcrm.invalid>"},
    )


def test_a_recipient_whose_server_never_answers_costs_one_timeout_not_two(mailbox):
    mailbox.black_holes = {"silent@example.com"}
    outbound_mail.send(message(1))  # a kept connection, as in a busy worker
    started = time.monotonic()
    with pytest.raises(TimeoutError, match="timed out"):
        outbound_mail.send(message(2, to="silent@example.com"))
    assert time.monotonic() - started < TIMEOUT * 1.5
    assert mailbox.rcpts["silent@example.com"] == 1


def test_a_kept_connection_the_server_closed_is_replaced_and_the_message_sent_at_once(mailbox):
    mailbox.hang_up_after_data = True
    outbound_mail.send(message(1))
    time.sleep(0.2)  # the server has hung up; the client finds out when it next writes
    outbound_mail.send(message(2))
    assert mailbox.message_ids() == {
        "<test.1@recruitcrm.invalid>": 1,
        "<test.2@recruitcrm.invalid>": 1,
    }


def test_a_reply_to_data_after_the_timeout_is_an_error_never_a_second_copy(mailbox):
    outbound_mail.send(message(1))
    mailbox.late_replies, mailbox.late_by = 1, TIMEOUT + 0.5
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        outbound_mail.send(message(2))
    assert time.monotonic() - started < TIMEOUT * 1.5
    assert mailbox.data_seen["<test.2@recruitcrm.invalid>"] == 1
    outbound_mail.send(message(3))  # the next message starts afresh
    assert mailbox.message_ids()["<test.3@recruitcrm.invalid>"] == 1


def test_a_refused_recipient_is_reported_with_the_servers_words(mailbox, monkeypatch):
    async def refuse(server, session, envelope, address, rcpt_options):
        return "550 5.1.1 No such user"

    monkeypatch.setattr(mailbox, "handle_RCPT", refuse)
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        outbound_mail.send(message(1, to="nobody@example.com"))
    assert refused.value.recipients["nobody@example.com"][0] == 550


def test_lines_starting_with_a_dot_arrive_as_written(mailbox):
    outbound_mail.send(message(1))
    (received,) = mailbox.messages
    text = received.get_body(preferencelist=("plain",)).get_content()
    assert "Hello 1\r\n.\r\nA line that starts with a dot" in text
