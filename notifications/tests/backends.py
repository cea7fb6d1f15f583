"""Channel backends that fail on purpose, for retry tests (referenced by dotted path in override_settings)."""

from notifications.backends import outbox
from notifications.rendering import OutgoingMessage


class GatewayDownError(ConnectionError):
    pass


class FailingBackend:
    """Always fails, like an SMS gateway that is down."""

    def send(self, message: OutgoingMessage) -> None:
        raise GatewayDownError("gateway down")


class FlakyBackend:
    """Fails on the first attempt of each message, then sends into the memory outbox."""

    failed: set[int] = set()

    def send(self, message: OutgoingMessage) -> None:
        if message.message_id not in self.failed:
            self.failed.add(message.message_id)
            raise GatewayDownError("gateway hiccup")
        outbox.append(message)
