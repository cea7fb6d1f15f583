"""Channel backends for tests that fail on purpose or record what they were given (referenced by dotted path in
override_settings)."""

from typing import ClassVar

from notifications.backends import outbox
from notifications.models import Message
from notifications.rendering import OutgoingMessage


class GatewayDownError(ConnectionError):
    pass


class FailingBackend:
    """Always fails, like an SMS gateway that is down."""

    def send(self, message: OutgoingMessage, *, idempotency_key: str) -> None:
        raise GatewayDownError("gateway down")


class FlakyBackend:
    """Fails on the first attempt of each message, then sends into the memory outbox."""

    failed: ClassVar[set[int]] = set()

    def send(self, message: OutgoingMessage, *, idempotency_key: str) -> None:
        if message.message_id not in self.failed:
            self.failed.add(message.message_id)
            raise GatewayDownError("gateway hiccup")
        outbox.append(message)


class KeyRecordingBackend:
    """Sends into the memory outbox and records, for every attempt, the idempotency key it was given and the
    status the outbox row had (read from the database) while the backend was called."""

    keys: ClassVar[list[tuple[int, str, str]]] = []

    def send(self, message: OutgoingMessage, *, idempotency_key: str) -> None:
        status = Message.objects.values_list("status", flat=True).get(pk=message.message_id)
        self.keys.append((message.message_id, idempotency_key, status))
        outbox.append(message)
