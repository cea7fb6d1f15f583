"""Writes to the outbox: queue messages in the caller's transaction, deliver them once, re-enqueue the stuck."""

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import partial
from typing import Any, Final, Protocol

from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.db.models import Model
from django.utils import timezone

from core.languages import language_or_active
from core.phone import normalize_phone

from .backends import get_backend
from .models import DISPATCH_GRACE, Channel, Message, Status, send_attempt
from .queue import RETRY, send_message_later
from .rendering import check_template_context, render_message, without_secrets
from .selectors import messages_due

logger = logging.getLogger(__name__)

MAX_ATTEMPTS: Final = RETRY.max_attempts
DISPATCH_BATCH_SIZE: Final = 500
LAST_ERROR_MAX_CHARS: Final = 1000


class Recipient(Protocol):
    """Whom a message goes to: the portal's user, as this app needs it (notifications sits below accounts and
    knows no user model; Message.recipient points to settings.AUTH_USER_MODEL)."""

    @property
    def pk(self) -> Any: ...

    @property
    def email(self) -> str | None: ...

    @property
    def phone(self) -> str | None: ...

    @property
    def language(self) -> str: ...


class DeliveryError(Exception):
    """A channel backend failed; the message stays pending and the dispatcher tries again when it is due."""


def _email_address(value: str | None) -> str | None:
    if not value:
        return None
    address = value.strip().lower()
    validate_email(address)
    return address


def _phone_address(value: str | None) -> str | None:
    return normalize_phone(value) if value else None


def notify(
    *,
    template: str,
    context: dict[str, Any],
    user: Recipient | None = None,
    email: str | None = None,
    phone: str | None = None,
    channels: Iterable[Channel] | None = None,
    language: str | None = None,
) -> list[Message]:
    """Queue one message per channel in the caller's transaction; they are enqueued only after it commits.

    Explicit email/phone win over the user's. Without channels: email if there is an email address, SMS if
    there is a phone. A requested channel without an address is skipped. Language defaults to the user's own,
    else the active one (so a participant approved by staff who read English still reads Bahasa Indonesia).
    Bad input raises ValueError/ValidationError before anything is written; the rows are one INSERT
    (bulk_create is atomic on its own), so no savepoint is added to the caller's transaction.
    """
    check_template_context(template, context)
    email_address = _email_address(email or (user.email if user else None))
    phone_address = _phone_address(phone or (user.phone if user else None))
    addresses = {Channel.EMAIL: email_address, Channel.SMS: phone_address, Channel.WHATSAPP: phone_address}
    wanted = [Channel.EMAIL, Channel.SMS] if channels is None else [Channel(channel) for channel in channels]
    message_language = language_or_active(language or (user.language if user else None))
    recipient = user if isinstance(user, Model) else None
    messages = [
        Message(
            recipient=recipient,
            channel=channel,
            address=address,
            template=template,
            context=dict(context),
            language=message_language,
        )
        for channel in dict.fromkeys(wanted)
        if (address := addresses[channel])
    ]
    if not messages:
        logger.info("Notification %s not queued: no address for the requested channels", template)
        return []
    Message.objects.bulk_create(messages)
    transaction.on_commit(partial(enqueue_messages, [message.pk for message in messages]))
    return messages


def enqueue_messages(message_ids: Sequence[int]) -> int:
    """Hand messages to Celery; never raises. If the broker is down the rest are left to the dispatcher (the
    publish gives up within half a second: settings, CELERY_BROKER_TRANSPORT_OPTIONS).

    Returns how many were enqueued.
    """
    for index, message_id in enumerate(message_ids):
        try:
            send_message_later(message_id)
        except Exception as exc:
            waiting = message_ids[index:]
            logger.warning(
                "Could not enqueue %d notification message(s) (%s); the outbox dispatcher will send them",
                len(waiting),
                type(exc).__name__,
            )
            _due_now(waiting)
            return index
    return len(message_ids)


def _due_now(message_ids: Sequence[int]) -> None:
    """Let the dispatcher pick these up on its next run instead of after the grace period."""
    try:
        Message.objects.filter(pk__in=message_ids, status=Status.PENDING).update(next_attempt_at=timezone.now())
    except DatabaseError as exc:
        logger.warning("Could not mark notification messages due (%s)", type(exc).__name__)


def message_deliver(*, message_id: int) -> bool:
    """Send a message once. True if it was sent now; False if there was nothing to send.

    The attempt is recorded and committed before the backend is called ("sending", with its start time, and in
    next_attempt_at the time after which it counts as lost), then reconciled: sent, or its failure recorded. A run
    that finds the message sent, failed, or in an attempt still within its time, does nothing; one that finds an
    attempt lost (its worker killed mid-send, the broker handing the task out again) sends again with the same
    idempotency key, so the recipient's side sees one message. A backend failure is recorded (attempts,
    last_error, next_attempt_at on the RETRY curve, when the dispatcher tries again) and raised as DeliveryError;
    after MAX_ATTEMPTS, or when the message cannot be rendered, the message is marked failed instead.
    """
    started = timezone.now()
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or not _may_send(message, now=started):
            return False
        message.attempts += 1
        try:
            outgoing = render_message(message)
        except Exception as exc:
            _record_failure(message, exc, now=started, permanent=True)
            logger.error("Notification %s cannot be rendered (%s); marked failed", message.pk, type(exc).__name__)
            return False
        message.status = Status.SENDING
        message.attempt_started_at = started
        message.next_attempt_at = started + send_attempt()
        message.save(update_fields=["status", "attempts", "attempt_started_at", "next_attempt_at"])
    try:
        get_backend(message.channel).send(outgoing, idempotency_key=str(message.key))
    except Exception as exc:
        _attempt_failed(message, exc)
        return False
    Message.objects.filter(pk=message.pk).exclude(status=Status.SENT).update(
        status=Status.SENT,
        sent_at=timezone.now(),
        next_attempt_at=None,
        last_error="",
        context=without_secrets(message.template, message.context),
    )
    return True


def _may_send(message: Message, *, now: datetime) -> bool:
    if message.status == Status.PENDING:
        return True
    if message.status == Status.SENDING and message.next_attempt_at is not None and message.next_attempt_at <= now:
        logger.warning(
            "Notification %s: attempt %d started %s was lost; sending again with the same key",
            message.pk,
            message.attempts,
            message.attempt_started_at.isoformat() if message.attempt_started_at else "-",
        )
        return True
    return False


def _attempt_failed(message: Message, failure: Exception) -> None:
    """Record a failed attempt (unless the message was reconciled meanwhile) and raise DeliveryError if it is to be
    tried again."""
    with transaction.atomic():
        current = (
            Message.objects.select_for_update()
            .filter(pk=message.pk, status=Status.SENDING, attempt_started_at=message.attempt_started_at)
            .first()
        )
        if current is None:
            return
        _record_failure(current, failure, now=timezone.now(), permanent=current.attempts >= RETRY.max_attempts)
    if current.status == Status.FAILED:
        logger.error(
            "Notification %s failed after %d attempts (%s)", current.pk, current.attempts, type(failure).__name__
        )
        return
    logger.warning(
        "Notification %s attempt %d failed (%s); the dispatcher tries again at %s",
        current.pk,
        current.attempts,
        type(failure).__name__,
        current.next_attempt_at.isoformat() if current.next_attempt_at else "-",
    )
    raise DeliveryError(f"Notification {current.pk} attempt {current.attempts} failed") from failure


def _record_failure(message: Message, exc: Exception, *, now: datetime, permanent: bool) -> None:
    message.last_error = f"{type(exc).__name__}: {exc}"[:LAST_ERROR_MAX_CHARS]
    if permanent:
        message.status = Status.FAILED
        message.next_attempt_at = None
        message.context = without_secrets(message.template, message.context)
    else:
        # The dispatcher sends it again when due: no countdown waits in a worker, so the broker's visibility
        # timeout need only cover a task's run (settings, CELERY_BROKER_TRANSPORT_OPTIONS).
        message.status = Status.PENDING
        message.next_attempt_at = now + RETRY.delay(message.attempts)
    message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at", "context"])


def messages_dispatch_due(*, limit: int = DISPATCH_BATCH_SIZE) -> int:
    """Re-enqueue up to `limit` pending messages whose next attempt is due; returns how many were enqueued.

    Each picked message is leased for DISPATCH_GRACE so the next dispatcher run does not enqueue it again; one
    whose attempt was lost is pending again (message_deliver sends it with the same key).
    """
    now = timezone.now()
    with transaction.atomic():
        message_ids = list(
            messages_due(now=now).select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit]
        )
        if message_ids:
            Message.objects.filter(pk__in=message_ids).update(
                status=Status.PENDING, next_attempt_at=now + DISPATCH_GRACE
            )
    if not message_ids:
        return 0
    logger.info("Dispatching %d pending notification message(s)", len(message_ids))
    return enqueue_messages(message_ids)
