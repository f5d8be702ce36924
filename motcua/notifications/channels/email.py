"""E-mail through Django's mail framework (SMTP in production, a local sink in tests)."""

from __future__ import annotations

import smtplib
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from motcua.notifications.channels.base import (
    Channel,
    OutgoingMessage,
    PermanentFailure,
    TemporaryFailure,
)


class EmailChannel(Channel):
    """Plain-text e-mail from ``DEFAULT_FROM_EMAIL``; the Message-ID is the provider id."""

    key = "email"
    address_kind = "email"

    def send(self, message: OutgoingMessage) -> str:
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or None
        message_id = make_msgid(domain=domain)
        mail = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            headers={"Message-ID": message_id},
        )
        try:
            sent = mail.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as e:
            codes = [code for code, _msg in e.recipients.values()]
            if codes and all(400 <= code < 500 for code in codes):
                raise TemporaryFailure(f"recipient refused for now: {e.recipients}") from e
            raise PermanentFailure(f"recipient refused: {e.recipients}") from e
        except smtplib.SMTPResponseException as e:
            text = f"SMTP {e.smtp_code}: {e.smtp_error!r}"
            if 500 <= e.smtp_code < 600:
                raise PermanentFailure(text) from e
            raise TemporaryFailure(text) from e
        except (TimeoutError, smtplib.SMTPException, OSError) as e:
            raise TemporaryFailure(f"{type(e).__name__}: {e}") from e
        if sent != 1:
            raise TemporaryFailure("the mail backend did not accept the message")
        return message_id
