"""E-mail backends for tests of failures: a mail server that refuses."""

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

REFUSED = "refused@example.org"


class DownBackend(BaseEmailBackend):
    """A mail server that cannot be reached."""

    def open(self):
        raise OSError("smtp down")

    def send_messages(self, messages):
        raise OSError("smtp down")


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses one address and delivers the rest (to
    ``mail.outbox``, as the test backend does)."""

    def send_messages(self, messages):
        for message in messages:
            if REFUSED in message.to:
                raise OSError(f"550 {REFUSED}: no such user")
        mail.outbox.extend(messages)
        return len(messages)
