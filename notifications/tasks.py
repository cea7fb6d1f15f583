"""Celery tasks of the outbox. They take ids and are safe to run more than once."""

from celery import shared_task

from .services import (
    MAX_ATTEMPTS,
    RETRY_BACKOFF_MAX_SECONDS,
    RETRY_BACKOFF_SECONDS,
    DeliveryError,
    message_deliver,
    messages_dispatch_due,
)


@shared_task(
    autoretry_for=(DeliveryError,),
    retry_backoff=RETRY_BACKOFF_SECONDS,
    retry_backoff_max=RETRY_BACKOFF_MAX_SECONDS,
    retry_jitter=False,
    max_retries=MAX_ATTEMPTS,
    acks_late=True,
    ignore_result=True,
)
def send_message(message_id: int) -> bool:
    """Deliver one outbox message; a second run after success sends nothing."""
    return message_deliver(message_id=message_id)


@shared_task(acks_late=True, ignore_result=True)
def dispatch_pending_messages() -> int:
    """Re-enqueue pending messages whose next attempt is due (run by beat every OUTBOX_DISPATCH_SECONDS)."""
    return messages_dispatch_due()
