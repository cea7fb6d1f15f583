"""Handing outbox messages to Celery, and the one retry policy of a message.

Below both `services` and `tasks`: the services enqueue a message by the task's name (Celery's own task
registry; the notifications AppConfig imports `tasks` so the name is always registered), and the task and the
services read the same `RETRY` policy. So tasks import services and never the reverse."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from celery import current_app

SEND_MESSAGE_TASK: Final = "notifications.tasks.send_message"


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how late a failed message is tried again: exponential backoff, capped."""

    max_attempts: int
    backoff_seconds: int
    backoff_max_seconds: int

    def delay(self, attempts: int) -> timedelta:
        """How long to wait after the given number of failed attempts (1 -> backoff, 2 -> twice that, ...)."""
        seconds = self.backoff_seconds * 2 ** max(attempts - 1, 0)
        return timedelta(seconds=min(seconds, self.backoff_max_seconds))


# The one policy: the task's retries (notifications.tasks) and the outbox's next_attempt_at (services) read it.
RETRY: Final = RetryPolicy(max_attempts=5, backoff_seconds=30, backoff_max_seconds=3600)


def send_message_later(message_id: int) -> None:
    """Hand one message to the send_message task (runs it in-process when tasks are eager); may raise when the
    broker is down: the caller decides what then."""
    current_app.tasks[SEND_MESSAGE_TASK].delay(message_id)
