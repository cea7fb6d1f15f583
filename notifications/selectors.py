"""Reads of the outbox."""

from datetime import datetime

from django.db.models import QuerySet

from .models import Message, Status


def messages_due(*, now: datetime) -> QuerySet[Message]:
    """Messages whose next attempt is due, oldest due first (served by the dispatch index): pending ones, and ones
    whose attempt lost its worker (still "sending" past the attempt's time, kept in next_attempt_at)."""
    return Message.objects.filter(status__in=[Status.PENDING, Status.SENDING], next_attempt_at__lte=now).order_by(
        "next_attempt_at"
    )
