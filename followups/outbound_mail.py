"""One open SMTP connection per worker process, reused from message to message.

Opening a connection (TCP, EHLO, STARTTLS, AUTH) costs more than sending a message; a worker
draining a backlog keeps one open. Any error drops it, so the next message starts afresh.
"""

from __future__ import annotations

import contextlib
import os
import smtplib

from django.conf import settings
from django.core import mail

# A server that closed an idle connection says so only when we next use it.
_STALE_CONNECTION = (smtplib.SMTPServerDisconnected, ConnectionResetError, BrokenPipeError)

_open: dict[tuple, object] = {}


def _key() -> tuple:
    # Per process (a forked worker must not share its parent's socket) and per configuration
    # (tests swap MAILERS between cases).
    return os.getpid(), repr(settings.MAILERS.get("default"))


def _mailer(fresh: bool = False):
    key = _key()
    if fresh or key not in _open:
        drop()
        backend = mail.mailers.default
        backend.open()
        _open[key] = backend
    return _open[key]


def drop() -> None:
    for backend in _open.values():
        with contextlib.suppress(Exception):
            backend.close()
    _open.clear()


def send(message) -> None:
    reused = _key() in _open
    try:
        sent = _mailer().send_messages([message])
    except _STALE_CONNECTION:
        drop()
        if not reused:
            raise
        # The kept connection had gone stale; one fresh try costs no attempt.
        try:
            sent = _mailer(fresh=True).send_messages([message])
        except Exception:
            drop()
            raise
    except Exception:
        drop()
        raise
    if not sent:
        drop()
        raise smtplib.SMTPException("the mail backend accepted nothing")
