import datetime

import factory
from django.utils import timezone

from finance.models import MonthlyRecord, Source
from registration.tests.factories import ParticipantFactory


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
