"""Reads of the outbox."""

from datetime import datetime

from django.db.models import QuerySet

from .models import Message, Status


def messages_due(*, now: datetime) -> QuerySet[Message]:
    """Pending messages whose next attempt is due, oldest due first (served by the dispatch index)."""
    return Message.objects.filter(status=Status.PENDING, next_attempt_at__lte=now).order_by("next_attempt_at")
