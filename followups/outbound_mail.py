"""Handing a follow-up to the mail server: one kept SMTP connection per sending thread, and
one attempt that costs at most EMAIL_TIMEOUT.

Django's SMTP backend cannot say how far a failed conversation got, and that decides whether
resending at once is safe. Before the message's data went out the server cannot have it: a kept
connection the server had closed in the meantime is replaced and the message sent at once (this
is the same attempt). Once the data went out, a timeout or a dropped connection means the server
may have it: the error goes back to the caller, which counts the attempt and backs off. A
timeout is never "a stale connection".

Other mailers (the local mail folder, the tests' outboxes) get Django's EmailMessage as before.
"""

from __future__ import annotations

import contextlib
import functools
import os
import smtplib
import ssl
import threading
import time
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.core import mail

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# A connection unused for longer than this is checked with RSET before a message goes out.
CHECK_AFTER_IDLE_SECONDS = 1.0

_local = threading.local()


class StaleConnection(Exception):
    """The kept connection was closed before our transaction started: safe to send again."""


@dataclass
class _Connection:
    smtp: smtplib.SMTP
    key: tuple
    last_used: float
    pipelining: bool


def _options() -> dict:
    return settings.MAILERS["default"].get("OPTIONS", {})


def _is_smtp() -> bool:
    return settings.MAILERS["default"]["BACKEND"] == SMTP_BACKEND


def _key() -> tuple:
    # Per process (a forked worker must not share its parent's socket) and per configuration
    # (tests swap MAILERS between cases).
    return os.getpid(), repr(settings.MAILERS.get("default"))


def drop() -> None:
    """Forget this thread's connection without waiting for the server (no QUIT: a server that
    stopped answering would cost another timeout)."""
    kept = getattr(_local, "connection", None)
    _local.connection = None
    if kept is not None:
        with contextlib.suppress(Exception):
            kept.smtp.close()


def send(outgoing) -> None:
    """Hand one message over; raises what went wrong (smtplib errors, TimeoutError)."""
    if not _is_smtp():
        _send_with_mailer(outgoing)
        return
    deadline = time.monotonic() + _options().get("timeout", 15)
    data = outgoing.wire_bytes()
    kept = getattr(_local, "connection", None)
    if kept is not None and kept.key != _key():
        drop()
        kept = None
    if kept is not None:
        try:
            _transaction(kept, outgoing, data, deadline, check=True)
            return
        except StaleConnection:
            drop()
    _transaction(_connect(deadline), outgoing, data, deadline, check=False)


def _send_with_mailer(outgoing) -> None:
    if not mail.mailers.default.send_messages([outgoing.email()]):
        raise smtplib.SMTPException("the mail backend accepted nothing")


def _arm(connection: _Connection, deadline: float) -> None:
    """The attempt's remaining time is the timeout of whatever blocks next."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("timed out: the attempt used up EMAIL_TIMEOUT")
    connection.smtp.sock.settimeout(remaining)


def _connect(deadline: float) -> _Connection:
    options = _options()
    remaining = max(deadline - time.monotonic(), 0.001)
    context = ssl.create_default_context()
    try:
        if options.get("use_ssl"):
            smtp = smtplib.SMTP_SSL(
                options["host"], options.get("port", 465), timeout=remaining, context=context
            )
        else:
            smtp = smtplib.SMTP(options["host"], options.get("port", 25), timeout=remaining)
    except smtplib.SMTPServerDisconnected as error:
        raise _why_disconnected(error) from error
    connection = _Connection(smtp=smtp, key=_key(), last_used=0.0, pipelining=False)
    try:
        _arm(connection, deadline)
        smtp.ehlo()
        if options.get("use_tls"):
            smtp.starttls(context=context)
            _arm(connection, deadline)
            smtp.ehlo()
        if options.get("username"):
            _arm(connection, deadline)
            smtp.login(options["username"], options.get("password") or "")
    except smtplib.SMTPServerDisconnected as error:
        smtp.close()
        raise _why_disconnected(error) from error
    except BaseException:
        smtp.close()
        raise
    connection.pipelining = smtp.has_extn("pipelining")
    _local.connection = connection
    return connection


def _why_disconnected(error: smtplib.SMTPServerDisconnected) -> Exception:
    # smtplib reports a read that timed out as "Connection unexpectedly closed: timed out".
    if isinstance(error.__context__, TimeoutError):
        return TimeoutError(f"timed out waiting for the SMTP server ({error})")
    return error


def _transaction(connection, outgoing, data: bytes, deadline: float, *, check: bool) -> None:
    smtp = connection.smtp
    started = False  # whether the message's data may have reached the server
    try:
        if check and time.monotonic() - connection.last_used > CHECK_AFTER_IDLE_SECONDS:
            _arm(connection, deadline)
            code, reply = smtp.rset()
            if code != 250:
                raise smtplib.SMTPServerDisconnected(f"RSET answered {code} {reply!r}")
        sender = outgoing.from_email
        if connection.pipelining:
            _arm(connection, deadline)
            _envelope_pipelined(smtp, sender, outgoing.to)
        else:
            _arm(connection, deadline)
            code, reply = smtp.mail(sender)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, reply, sender)
            _arm(connection, deadline)
            code, reply = smtp.rcpt(outgoing.to)
            if code not in (250, 251):
                raise smtplib.SMTPRecipientsRefused({outgoing.to: (code, reply)})
            _arm(connection, deadline)
            code, reply = smtp.docmd("data")
            if code != 354:
                raise smtplib.SMTPDataError(code, reply)
        started = True
        _arm(connection, deadline)
        smtp.send(_dot_stuffed(data) + b".\r\n")
        code, reply = smtp.getreply()
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)
    except (smtplib.SMTPServerDisconnected, ConnectionError) as error:
        drop()
        cause = error
        if isinstance(error, smtplib.SMTPServerDisconnected):
            cause = _why_disconnected(error)
        if check and not started and not isinstance(cause, TimeoutError):
            raise StaleConnection() from error
        raise cause from error
    except smtplib.SMTPResponseException as error:
        # The server refused this message; the connection stays usable after RSET.
        if error.smtp_code == 421 or started:
            drop()
        else:
            _reset_quietly(connection, deadline)
        raise
    except BaseException:
        drop()
        raise
    connection.last_used = time.monotonic()


def _reset_quietly(connection, deadline: float) -> None:
    try:
        _arm(connection, deadline)
        connection.smtp.rset()
    except Exception:
        drop()


def _envelope_pipelined(smtp: smtplib.SMTP, sender: str, to: str) -> None:
    """MAIL, RCPT and DATA in one write, replies read in order (RFC 2920)."""
    smtp.send(f"MAIL FROM:<{sender_address(sender)}>\r\nRCPT TO:<{to}>\r\nDATA\r\n")
    replies = [smtp.getreply() for _ in range(3)]
    (mail_code, mail_reply), (rcpt_code, rcpt_reply), (data_code, data_reply) = replies
    if mail_code != 250:
        raise smtplib.SMTPSenderRefused(mail_code, mail_reply, sender)
    if rcpt_code not in (250, 251):
        raise smtplib.SMTPRecipientsRefused({to: (rcpt_code, rcpt_reply)})
    if data_code != 354:
        raise smtplib.SMTPDataError(data_code, data_reply)


@functools.lru_cache(maxsize=16)
def sender_address(sender: str) -> str:
    return parseaddr(sender)[1]


def _dot_stuffed(data: bytes) -> bytes:
    # RFC 5321 4.5.2: a line starting with "." gets another; the data ends with CRLF.
    stuffed = data.replace(b"\r\n.", b"\r\n..")
    if stuffed.startswith(b"."):
        stuffed = b"." + stuffed
    if not stuffed.endswith(b"\r\n"):
        stuffed += b"\r\n"
    return stuffed
