"""Retention: the nightly task removes the documents (rows and files) of registrations rejected or abandoned past
their keeping time, and drafts untouched past theirs; what is within its time, or of a registration still alive,
stays."""

import datetime
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from privacy.tasks import apply_retention
from registration.choices import DocumentKind, Status
from registration.models import Document, Draft, Participant

from .support import document, registered

pytestmark = pytest.mark.django_db

DAYS = 30


def stored(doc: Document) -> str:
    doc.file.save("scan", ContentFile(b"scan"), save=True)
    return str(doc.file.name)


def decided(user: User, status: str, days_ago: int) -> tuple[Participant, str]:
    participant = registered(user)
    participant.registration.status = status
    participant.registration.decided_at = timezone.now() - datetime.timedelta(days=days_ago)
    participant.registration.save()
    return participant, stored(document(participant))


def draft(days_ago: int) -> tuple[Draft, str]:
    found = Draft.objects.create(user=UserFactory())
    Draft.objects.filter(pk=found.pk).update(updated_at=timezone.now() - datetime.timedelta(days=days_ago))
    scan = Document.objects.create(
        draft=found,
        kind=DocumentKind.KTP,
        file="x",
        content_type="image/png",
        size=4,
        uploaded_by=found.user,
        uploaded_at=timezone.now(),
    )
    return found, stored(scan)


@override_settings(
    RETENTION_REJECTED_DOCUMENTS_DAYS=DAYS,
    RETENTION_ABANDONED_DOCUMENTS_DAYS=2 * DAYS,
    RETENTION_DRAFT_DAYS=DAYS,
    RETENTION_BATCH=2,  # several batches
)
def test_the_task_removes_what_is_past_its_time_and_keeps_the_rest(
    django_capture_on_commit_callbacks: Any,
) -> None:
    gone = [
        decided(UserFactory(), Status.REJECTED, DAYS + 1),
        decided(UserFactory(), Status.REJECTED, DAYS + 5),
        decided(UserFactory(), Status.NEEDS_FIX, 2 * DAYS + 1),
    ]
    kept = [
        decided(UserFactory(), Status.REJECTED, DAYS - 1),
        decided(UserFactory(), Status.NEEDS_FIX, DAYS + 1),  # abandoned only after twice as long
        decided(UserFactory(), Status.APPROVED, 10 * DAYS),
    ]
    old_drafts = [draft(DAYS + 1) for _ in range(3)]
    fresh_draft = draft(DAYS - 1)
    with django_capture_on_commit_callbacks(execute=True):
        result = apply_retention.delay().get()
    assert result == {"documents": 3, "drafts": 3}
    for participant, name in gone:
        assert not participant.documents.exists() and not default_storage.exists(name)
        assert Participant.objects.filter(pk=participant.pk).exists()  # the participant stays, for the figures
    for participant, name in kept:
        assert participant.documents.exists() and default_storage.exists(name)
    for old, name in old_drafts:
        assert not Draft.objects.filter(pk=old.pk).exists() and not default_storage.exists(name)
    assert Draft.objects.filter(pk=fresh_draft[0].pk).exists() and default_storage.exists(fresh_draft[1])
    # the task's changes are recorded through the task channel
    from registration.models import DocumentEvent

    event = DocumentEvent.objects.filter(pgh_label="deleted").latest("pgh_id")
    assert event.pgh_context.metadata["channel"] == "task"


def test_the_schedule_runs_the_task_nightly() -> None:
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["privacy-retention"]["task"] == apply_retention.name
