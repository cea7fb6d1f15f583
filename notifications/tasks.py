"""Celery tasks of the outbox. They take ids and are safe to run more than once. Tasks import services, never
the reverse: services enqueue `send_message` by its name (notifications.queue)."""

from celery import shared_task

from .models import send_attempt
from .queue import SEND_MESSAGE_TASK
from .services import DeliveryError, message_deliver, messages_dispatch_due


@shared_task(
    name=SEND_MESSAGE_TASK, acks_late=True, ignore_result=True, time_limit=int(send_attempt().total_seconds())
)
def send_message(message_id: int) -> bool:
    """Deliver one outbox message; a second run after success sends nothing. A failed attempt is not retried here:
    the row says when it is due again (the outbox's RETRY curve) and the dispatcher enqueues it then, so no task
    waits in a worker on a countdown. The time limit (prefork workers) ends an attempt that hangs; the message is
    then sent again once its attempt counts as lost."""
    try:
        return message_deliver(message_id=message_id)
    except DeliveryError:
        return False  # recorded and logged by message_deliver


@shared_task(acks_late=True, ignore_result=True)
def dispatch_pending_messages() -> int:
    """Re-enqueue messages whose next attempt is due (run by beat every OUTBOX_DISPATCH_SECONDS)."""
    return messages_dispatch_due()
