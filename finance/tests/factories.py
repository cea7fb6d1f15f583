import datetime

import factory
from django.utils import timezone

from core.dates import shift_month
from finance.choices import Category, DebtKind, Direction
from finance.models import Debt, Entry, MonthlyRecord, Source
from registration.tests.factories import ParticipantFactory


def months_ago(count: int) -> datetime.date:
    """The first day of the month `count` months before this one."""
    return shift_month(timezone.localdate(), -count)


class MonthlyRecordFactory(factory.django.DjangoModelFactory[MonthlyRecord]):
    class Meta:
        model = MonthlyRecord

    participant = factory.SubFactory(ParticipantFactory)
    month = factory.Sequence(lambda n: datetime.date(2024 - n // 12, 12 - n % 12, 1))
    turnover = 3_000_000
    workers = 2
    assets = 5_000_000
    source = Source.MENTOR
    recorded_by = factory.SelfAttribute("participant.user")
    recorded_at = factory.LazyFunction(timezone.now)
    first_recorded_at = factory.SelfAttribute("recorded_at")


class EntryFactory(factory.django.DjangoModelFactory[Entry]):
    """A cash-book line written directly (tests of reads); the services' tests go through `entry_add`."""

    class Meta:
        model = Entry

    participant = factory.SubFactory(ParticipantFactory)
    day = datetime.date(2025, 3, 10)
    direction = Direction.IN
    category = Category.SALES
    amount = 150_000
    recorded_by = factory.SelfAttribute("participant.user")
    recorded_at = factory.LazyFunction(timezone.now)


class DebtFactory(factory.django.DjangoModelFactory[Debt]):
    class Meta:
        model = Debt

    participant = factory.SubFactory(ParticipantFactory)
    kind = DebtKind.RECEIVABLE
    counterparty = "Warung Bu Ani"
    amount = 200_000
    incurred_on = datetime.date(2025, 3, 5)
    due_on = datetime.date(2025, 4, 5)
    recorded_by = factory.SelfAttribute("participant.user")
    recorded_at = factory.LazyFunction(timezone.now)
