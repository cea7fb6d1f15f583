"""Channel backends: each sends one rendered message. Settings map a channel to a backend class.

Every send carries the message's idempotency key, the same on every attempt: a message sent again after its
worker died mid-send (notifications.services.message_deliver) is the same message to the provider and the
recipient. Email carries it as the Message-ID; an SMS or WhatsApp gateway takes it as its idempotency key."""

import logging
from typing import Final, Protocol, cast
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string

from core.phone import mask_phone

from .rendering import OutgoingMessage

logger = logging.getLogger(__name__)


# Each network operation of a send gives up after this long (unless EMAIL_TIMEOUT says otherwise), so an attempt
# ends well within settings.OUTBOX_SEND_ATTEMPT_SECONDS.
NETWORK_TIMEOUT_SECONDS: Final = 10


class NotificationBackend(Protocol):
    def send(self, message: OutgoingMessage, *, idempotency_key: str) -> None:
        """Send the message or raise; any exception counts as a failed attempt. The key is the same on every
        attempt of one message: pass it to the provider, which then delivers it once."""


def email_message_id(idempotency_key: str) -> str:
    """The Message-ID of a message's email, the same on every attempt (mail systems drop a second copy of one)."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{idempotency_key}@{domain}>"


class EmailBackend:
    """Email through Django's configured EMAIL_BACKEND."""

    def send(self, message: OutgoingMessage, *, idempotency_key: str) -> None:
        connection = get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or NETWORK_TIMEOUT_SECONDS)
        email = EmailMessage(
            message.subject,
            message.body,
            None,
            [message.address],
            headers={"Message-ID": email_message_id(idempotency_key)},
            connection=connection,
        )
        email.send(fail_silently=False)


def mask_address(address: str) -> str:
    """A phone or email address with most characters hidden, for logs."""
    if "@" in address:
        local, _at, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    return mask_phone(address)


class LogBackend:
    """Writes one log line instead of sending (SMS and WhatsApp until a gateway is contracted)."""

    def send(self, message: OutgoingMessage, *, idempotency_key: str) -> None:
        logger.info(
            "Notification %s (key %s) via %s to %s (template %s, language %s)",
            message.message_id,
            idempotency_key,
            message.channel,
            mask_address(message.address),
            message.template,
            message.language,
        )


# Messages "sent" by MemoryBackend, in order; tests read and clear it.
outbox: list[OutgoingMessage] = []


class MemoryBackend:
    """Keeps messages in the module-level `outbox` list, for tests."""

    def send(self, message: OutgoingMessage, *, idempotency_key: str) -> None:
        outbox.append(message)


def get_backend(channel: str) -> NotificationBackend:
    """An instance of the backend configured for the channel in settings.NOTIFICATION_BACKENDS."""
    try:
        path = settings.NOTIFICATION_BACKENDS[channel]
    except KeyError as exc:
        raise ImproperlyConfigured(f"NOTIFICATION_BACKENDS has no backend for channel {channel!r}.") from exc
    return cast(NotificationBackend, import_string(path)())
