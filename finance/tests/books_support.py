"""What the cash book's tests share: a verified participant who keeps a book, entries and money owed written
through the services, and a month closed as the records service would leave it."""

import datetime

from django.utils import timezone

from accounts.models import User
from finance import services
from finance.choices import CATEGORY_RULES, Category, DebtKind
from finance.models import Debt, Entry, MonthlyRecord, Source
from mentoring.tests.factories import AssignmentFactory, verified_participant
from registration.models import Participant

MARCH = datetime.date(2025, 3, 1)
APRIL = datetime.date(2025, 4, 1)


def keeper(user: User, kecamatan: str = "Tebet", *, mentor: User | None = None, **participant: object) -> Participant:
    """A verified participant of `kecamatan` (mentored by `mentor` when given): they keep their book."""
    person = verified_participant(kecamatan, user=user, **participant)
    if mentor is not None:
        AssignmentFactory(participant=person, mentor=mentor)
    return person


def add(
    participant: Participant,
    *,
    day: datetime.date = datetime.date(2025, 3, 10),
    category: str = Category.SALES,
    amount: int = 150_000,
    note: str = "",
) -> Entry:
    """An entry typed by the participant (its direction is its category's)."""
    return services.entry_add(
        participant=participant,
        day=day,
        direction=CATEGORY_RULES[category].direction,
        category=category,
        amount=amount,
        note=note,
        acting_user=participant.user,
    )


def owe(
    participant: Participant,
    *,
    kind: str = DebtKind.RECEIVABLE,
    amount: int = 200_000,
    incurred_on: datetime.date = datetime.date(2025, 3, 5),
    due_on: datetime.date | None = datetime.date(2025, 4, 5),
    counterparty: str = "Warung Bu Ani",
) -> Debt:
    return services.debt_add(
        participant=participant,
        kind=kind,
        counterparty=counterparty,
        amount=amount,
        incurred_on=incurred_on,
        due_on=due_on,
        acting_user=participant.user,
    )


def close(participant: Participant, month: datetime.date) -> MonthlyRecord:
    """The month closed (its report made if it has none), as closing it leaves the books."""
    record, _created = MonthlyRecord.objects.update_or_create(
        participant=participant,
        month=month,
        defaults={"closed_at": timezone.now(), "closed_by": participant.user},
        create_defaults={
            "turnover": 0,
            "workers": 1,
            "assets": 0,
            "source": Source.PARTICIPANT,
            "recorded_by": participant.user,
            "recorded_at": timezone.now(),
            "first_recorded_at": timezone.now(),
            "closed_at": timezone.now(),
            "closed_by": participant.user,
        },
    )
    return record
