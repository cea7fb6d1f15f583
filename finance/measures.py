"""P6's measures for the targets (`registration.measures`): reporting, the day three consecutive months stood
reported for the first time; moved up, the day of the first change of business class upwards ("naik kelas")."""

from functools import reduce
from operator import or_

from django.db.models import DateField, DateTimeField, OuterRef, Q, Subquery
from django.db.models.functions import Greatest, TruncDate

from .models import CLASS_RANK, ClassChange, MonthlyRecord

# A class change upwards (`ClassChange.moved_up`) in SQL: every pair of classes whose new one ranks higher.
MOVED_UP = reduce(
    or_,
    (
        Q(previous_class=before, new_class=after)
        for before, low in CLASS_RANK.items()
        for after, high in CLASS_RANK.items()
        if high > low
    ),
)


def _first_recorded_at(offset: int) -> Subquery:
    """When the same participant's record `offset` months after the outer record was first reported (NULL:
    none)."""
    later = MonthlyRecord.objects.filter(
        participant=OuterRef("participant"), month_number=OuterRef("month_number") + offset
    )
    return Subquery(later.order_by().values("first_recorded_at")[:1], output_field=DateTimeField())


def reporting_on() -> Subquery:
    """For every run of three consecutive months reported (a month n with n+1 and n+2: the rule of
    `ReportingStep.done_filter`), the day its last record was reported (the third of the three, in the order they
    were first reported); the earliest such day over all runs. NULL exactly when P6 is not done. A record's first
    report (`first_recorded_at`) is kept through its edits, so correcting an old month never moves the day."""
    runs = (
        MonthlyRecord.objects.filter(participant=OuterRef("pk"))
        .annotate(second_at=_first_recorded_at(1), third_at=_first_recorded_at(2))
        .filter(second_at__isnull=False, third_at__isnull=False)
    )
    first = (
        runs.annotate(
            day=TruncDate(Greatest("first_recorded_at", "second_at", "third_at", output_field=DateTimeField()))
        )
        .order_by("day")
        .values("day")
    )
    return Subquery(first[:1], output_field=DateField())


def moved_up_on() -> Subquery:
    """The day (Asia/Jakarta) the participant's business first moved up a class; NULL while it never has."""
    ups = ClassChange.objects.filter(MOVED_UP, participant=OuterRef("pk"))
    first = ups.annotate(day=TruncDate("changed_at")).order_by("day").values("day")
    return Subquery(first[:1], output_field=DateField())
