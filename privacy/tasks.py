"""Retention (UU PDP art. 43(1)b: data no longer needed for its purpose is erased): nightly, the documents of
registrations rejected or abandoned (sent back for a fix and never sent again), and wizard drafts untouched,
each past its keeping time (settings RETENTION_*_DAYS), are removed, rows and files. In batches, each its own
transaction, skipping rows another transaction holds (a participant uploading right now): the next night takes
them."""

import datetime

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.tasks import AuditedTask
from registration.choices import Status
from registration.models import Document, Draft
from registration.services import _documents_delete  # the rows now, their files once the batch commits


def _expired_documents(now: datetime.datetime) -> Q:
    rejected = now - datetime.timedelta(days=settings.RETENTION_REJECTED_DOCUMENTS_DAYS)
    abandoned = now - datetime.timedelta(days=settings.RETENTION_ABANDONED_DOCUMENTS_DAYS)
    return Q(
        participant__registration__status=Status.REJECTED, participant__registration__decided_at__lt=rejected
    ) | Q(participant__registration__status=Status.NEEDS_FIX, participant__registration__decided_at__lt=abandoned)


def remove_expired_documents(now: datetime.datetime) -> int:
    """The documents of registrations rejected or abandoned past their keeping time; how many were removed."""
    removed = 0
    while True:
        with transaction.atomic():
            batch = list(
                Document.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(_expired_documents(now))
                .order_by("pk")[: settings.RETENTION_BATCH]
            )
            _documents_delete(batch)
        removed += len(batch)
        if len(batch) < settings.RETENTION_BATCH:
            return removed


def remove_stale_drafts(now: datetime.datetime) -> int:
    """The wizard drafts untouched past their keeping time, with their documents; how many drafts."""
    before = now - datetime.timedelta(days=settings.RETENTION_DRAFT_DAYS)
    removed = 0
    while True:
        with transaction.atomic():
            drafts = list(
                Draft.objects.select_for_update(skip_locked=True)
                .filter(updated_at__lt=before)
                .order_by("pk")
                .values_list("pk", flat=True)[: settings.RETENTION_BATCH]
            )
            _documents_delete(list(Document.objects.select_for_update().filter(draft__in=drafts)))
            Draft.objects.filter(pk__in=drafts).delete()
        removed += len(drafts)
        if len(drafts) < settings.RETENTION_BATCH:
            return removed


@shared_task(base=AuditedTask, ignore_result=True)
def apply_retention() -> dict[str, int]:
    """Nightly: what is kept past its time is removed (module docstring)."""
    now = timezone.now()
    return {"documents": remove_expired_documents(now), "drafts": remove_stale_drafts(now)}
