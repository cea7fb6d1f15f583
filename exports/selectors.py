"""Reads of exports: a person sees and downloads only their own."""

from django.db.models import QuerySet

from accounts.permissions import AnyUser

from .models import Export, Status


def exports_of(user: AnyUser) -> QuerySet[Export]:
    """The user's own exports, newest first (the index export_owner_created)."""
    if not user.is_authenticated:
        return Export.objects.none()
    return Export.objects.filter(requested_by_id=user.pk).order_by("-created_at", "-id")


def downloadable(user: AnyUser) -> QuerySet[Export]:
    """The user's exports whose file is ready: anyone else's answers 404."""
    return exports_of(user).filter(status=Status.READY)
