"""What the personal-data tests share: a participant with a record in every step, and a year of cash book."""

import datetime

from django.utils import timezone

from accounts.models import User
from finance.choices import Category, Direction
from finance.models import Entry
from mentoring.tests.factories import FollowUpFactory, VisitFactory
from notifications.models import Message
from registration.choices import DocumentKind, Status
from registration.models import Document, Participant
from registration.tests.factories import ParticipantFactory, RegistrationFactory
from training.tests.factories import EnrolmentFactory

SHARED_NOTES = "Shared: keep the daily sales sheet."
PRIVATE_NOTES = "Private: seems unsure about the loan."
PRIVATE_FOLLOW_UP = "Check the loan papers quietly"


def registered(user: User, **participant: object) -> Participant:
    found: Participant = RegistrationFactory(
        participant=ParticipantFactory(user=user, **participant), status=Status.APPROVED, decided_at=timezone.now()
    ).participant
    return found


def document(participant: Participant) -> Document:
    return Document.objects.create(
        participant=participant,
        kind=DocumentKind.KTP,
        file="documents/ktp",
        content_type="image/png",
        size=10,
        uploaded_by=participant.user,
        uploaded_at=timezone.now(),
    )


def with_a_record_in_each_step(participant: Participant, mentor: User) -> None:
    """A document, an enrolment, a visit shared and one not (each with a follow-up), a message."""
    document(participant)
    EnrolmentFactory(participant=participant)
    shared = VisitFactory(participant=participant, mentor=mentor, notes=SHARED_NOTES, shared=True)
    FollowUpFactory(visit=shared, what="Write down daily sales")
    private = VisitFactory(participant=participant, mentor=mentor, notes=PRIVATE_NOTES, shared=False)
    FollowUpFactory(visit=private, what=PRIVATE_FOLLOW_UP)
    Message.objects.create(
        recipient=participant.user,
        channel="email",
        address=participant.user.email or "",
        template="registration_approved",
        context={"link": "https://example.id/one-time"},
    )


def cash_book(participant: Participant, *, months: int, per_month: int) -> int:
    """`per_month` lines in each of the last `months` months; returns how many."""
    today = timezone.localdate()
    entries = [
        Entry(
            participant=participant,
            day=today.replace(day=1) - datetime.timedelta(days=31 * month) + datetime.timedelta(days=line % 27),
            direction=Direction.IN,
            category=Category.SALES,
            amount=10_000 + line,
            recorded_by=participant.user,
            recorded_at=timezone.now(),
        )
        for month in range(months)
        for line in range(per_month)
    ]
    Entry.objects.bulk_create(entries)
    return len(entries)
