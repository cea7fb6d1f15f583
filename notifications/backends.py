"""Channel backends: each sends one rendered message. Settings map a channel to a backend class."""

import logging
from typing import Protocol, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from core.phone import mask_phone

from .rendering import OutgoingMessage

logger = logging.getLogger(__name__)


class NotificationBackend(Protocol):
    def send(self, message: OutgoingMessage) -> None:
        """Send the message or raise; any exception counts as a failed attempt."""


class EmailBackend:
    """Email through Django's configured EMAIL_BACKEND."""

    def send(self, message: OutgoingMessage) -> None:
        send_mail(message.subject, message.body, None, [message.address], fail_silently=False)


def mask_address(address: str) -> str:
    """A phone or email address with most characters hidden, for logs."""
    if "@" in address:
        local, _at, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    return mask_phone(address)


class LogBackend:
    """Writes one log line instead of sending (SMS and WhatsApp until a gateway is contracted)."""

    def send(self, message: OutgoingMessage) -> None:
        logger.info(
            "Notification %s via %s to %s (template %s, language %s)",
            message.message_id,
            message.channel,
            mask_address(message.address),
            message.template,
            message.language,
        )


# Messages "sent" by MemoryBackend, in order; tests read and clear it.
outbox: list[OutgoingMessage] = []


class MemoryBackend:
    """Keeps messages in the module-level `outbox` list, for tests."""

    def send(self, message: OutgoingMessage) -> None:
        outbox.append(message)


def get_backend(channel: str) -> NotificationBackend:
    """An instance of the backend configured for the channel in settings.NOTIFICATION_BACKENDS."""
    try:
        path = settings.NOTIFICATION_BACKENDS[channel]
    except KeyError as exc:
        raise ImproperlyConfigured(f"NOTIFICATION_BACKENDS has no backend for channel {channel!r}.") from exc
    return cast(NotificationBackend, import_string(path)())
