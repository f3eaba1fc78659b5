"""An email backend for unit tests that fails the way SMTP servers fail, on cue."""

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend


class ScriptedBackend(BaseEmailBackend):
    """Raises the queued errors one per send, then delivers to mail.outbox like locmem."""

    errors: list[Exception] = []

    def send_messages(self, messages):
        if ScriptedBackend.errors:
            raise ScriptedBackend.errors.pop(0)
        for message in messages:
            message.message()  # render it, as a real backend would
            mail.outbox.append(message)
        return len(messages)
