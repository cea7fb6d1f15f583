"""The outbox: one row per message to one address on one channel, written in the caller's transaction."""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.postgres.functions import RandomUUID
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.languages import active_language

# A pending message that no worker has picked up after this long is re-enqueued by the dispatcher.
DISPATCH_GRACE = timedelta(seconds=30)


def send_attempt() -> timedelta:
    """The longest one delivery attempt may take (settings.OUTBOX_SEND_ATTEMPT_SECONDS; the backends' network
    timeouts are shorter). A message still "sending" after that lost its worker (killed, or cut off from the
    database): it is sent again, with the same key."""
    return timedelta(seconds=settings.OUTBOX_SEND_ATTEMPT_SECONDS)


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


def current_language() -> str:
    """A new message's default language (the rule lives in core.languages; migrations name this function)."""
    return active_language()


def first_dispatch_at() -> datetime:
    """When the dispatcher steps in if the enqueue after commit did not deliver the message."""
    return timezone.now() + DISPATCH_GRACE


class Message(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=254, help_text=_("Email address or +62 mobile number"))
    template = models.CharField(_("template"), max_length=64)
    context = models.JSONField(_("context"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default=current_language)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, default=first_dispatch_at)
    attempt_started_at = models.DateTimeField(_("last attempt started"), null=True, blank=True)
    # The message's identity at the provider, the same on every attempt: the email's Message-ID, the gateway's
    # idempotency key. A message sent again after a worker died mid-send is the same message to the recipient. (The
    # database default gave each row written before the key existed its own.)
    key = models.UUIDField(
        _("idempotency key"), default=uuid.uuid4, db_default=RandomUUID(), unique=True, editable=False
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notif_message_dispatch_idx"),
            models.Index(fields=["address"], name="notif_message_address_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="notif_message_channel_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="notif_message_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=Status.PENDING) | Q(next_attempt_at__isnull=False),
                name="notif_message_pending_has_next_attempt",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.SENT) | Q(sent_at__isnull=False), name="notif_message_sent_has_sent_at"
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.SENDING)
                | Q(attempt_started_at__isnull=False, next_attempt_at__isnull=False),
                name="notif_message_sending_has_attempt",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} ({self.get_channel_display()}, {self.get_status_display()})"
