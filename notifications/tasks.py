"""Celery tasks of the outbox. They take ids and are safe to run more than once. Tasks import services, never
the reverse: services enqueue `send_message` by its name (notifications.queue)."""

from typing import Any

from celery import shared_task

from .queue import RETRY, SEND_MESSAGE_TASK
from .services import DeliveryError, message_deliver, messages_dispatch_due


@shared_task(bind=True, name=SEND_MESSAGE_TASK, max_retries=RETRY.max_attempts, acks_late=True, ignore_result=True)
def send_message(self: Any, message_id: int) -> bool:
    """Deliver one outbox message; a second run after success sends nothing. A failed attempt is retried on the
    outbox's own curve (RETRY), the one the dispatcher's next_attempt_at is computed with."""
    try:
        return message_deliver(message_id=message_id)
    except DeliveryError as exc:
        countdown = int(RETRY.delay(self.request.retries + 1).total_seconds())
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task(acks_late=True, ignore_result=True)
def dispatch_pending_messages() -> int:
    """Re-enqueue pending messages whose next attempt is due (run by beat every OUTBOX_DISPATCH_SECONDS)."""
    return messages_dispatch_due()
