"""Reads of imports of transactions: the user's own checked files (another's are not found: 404)."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.permissions import AnyUser
from registration.models import Participant

from ..models import ImportBatch

RECENT_IMPORTS = 10


def own_imports(user: AnyUser) -> QuerySet[ImportBatch]:
    """The imports of the user's own book."""
    if not isinstance(user, User):
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(participant__user=user)


def recent_imports(participant: Participant) -> list[ImportBatch]:
    """The participant's latest imports, newest first, without their rows: one query."""
    return list(
        ImportBatch.objects.filter(participant=participant)
        .defer("rows", "errors")
        .order_by("-created_at", "-pk")[:RECENT_IMPORTS]
    )
