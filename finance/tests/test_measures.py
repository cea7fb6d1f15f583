"""P6's measures for the targets: reporting on the day three consecutive months first stood reported, NULL
exactly when P6 is not done (the journey's done_filter); moved up on the local day of the first change of class
upwards, NULL exactly when there is none."""

import datetime

import pytest
from django.db.models import Exists, OuterRef

from finance.models import CLASS_RANK, ClassChange, MonthlyRecord
from finance.services import monthly_record_save
from finance.tests.books_support import add
from finance.tests.factories import MonthlyRecordFactory
from mentoring.tests.factories import verified_participant
from registration import journey
from registration.choices import BusinessClass
from registration.measures import Measure, reached_on
from registration.models import Participant

pytestmark = pytest.mark.django_db

D = datetime.date
UTC = datetime.UTC


def at(*moment: int) -> datetime.datetime:
    return datetime.datetime(*moment, tzinfo=UTC)  # type: ignore[misc]


def reached(measure: Measure) -> dict[int, datetime.date | None]:
    return dict(Participant.objects.annotate(day=reached_on(measure)).values_list("pk", "day"))


def months(participant: Participant, *reported: tuple[D, datetime.datetime]) -> None:
    for month, recorded_at in reported:
        MonthlyRecordFactory(participant=participant, month=month, recorded_at=recorded_at)


def test_reporting_is_the_day_the_first_run_of_three_months_stood_and_null_exactly_when_p6_is_not_done() -> None:
    in_order = verified_participant()
    months(
        in_order,
        (D(2025, 1, 1), at(2025, 2, 3, 3)),
        (D(2025, 2, 1), at(2025, 3, 3, 3)),
        (D(2025, 3, 1), at(2025, 4, 2, 18, 30)),  # 01:30 on 3 April in Jakarta
        (D(2025, 4, 1), at(2025, 5, 2, 3)),  # a later run of three (February to April) stood later
    )
    # reported in a muddle: March first, January last; the run stands on the day January is reported
    muddled = verified_participant()
    months(
        muddled,
        (D(2025, 3, 1), at(2025, 4, 1, 3)),
        (D(2025, 2, 1), at(2025, 4, 5, 3)),
        (D(2025, 1, 1), at(2025, 6, 7, 3)),
    )
    across_the_year = verified_participant()
    months(
        across_the_year,
        (D(2024, 11, 1), at(2024, 12, 1, 3)),
        (D(2024, 12, 1), at(2025, 1, 1, 3)),
        (D(2025, 1, 1), at(2025, 2, 1, 3)),
    )
    gap = verified_participant()  # January, February, April: no three in a row
    months(
        gap, (D(2025, 1, 1), at(2025, 2, 1, 3)), (D(2025, 2, 1), at(2025, 3, 1, 3)), (D(2025, 4, 1), at(2025, 5, 1))
    )
    two = verified_participant()
    months(two, (D(2025, 1, 1), at(2025, 2, 1, 3)), (D(2025, 2, 1), at(2025, 3, 1, 3)))
    nothing = verified_participant()

    days = reached(Measure.REPORTING)

    assert days[in_order.pk] == D(2025, 4, 3)
    assert days[muddled.pk] == D(2025, 6, 7)
    assert days[across_the_year.pk] == D(2025, 2, 1)
    assert days[gap.pk] is None and days[two.pk] is None and days[nothing.pk] is None
    done = set(Participant.objects.filter(journey.done_filter("P6")).values_list("pk", flat=True))
    assert (
        {pk for pk, day in days.items() if day is not None}
        == done
        == {
            in_order.pk,
            muddled.pk,
            across_the_year.pk,
        }
    )
    assert MonthlyRecord.objects.count() == 15


def change(participant: Participant, before: str, after: str, changed_at: datetime.datetime) -> ClassChange:
    made: ClassChange = ClassChange.objects.create(
        participant=participant,
        month=D(2025, 1, 1),
        previous_class=before,
        new_class=after,
        capital=1,
        yearly_sales=1,
        changed_at=changed_at,
    )
    return made


def test_moved_up_is_the_first_change_upwards_and_null_exactly_when_none_is() -> None:
    classes = list(CLASS_RANK)
    # every pair of classes, one participant each: up exactly when the new class ranks higher
    pairs = {verified_participant(): (before, after) for before in classes for after in classes if before != after}
    for participant, (before, after) in pairs.items():
        change(participant, before, after, at(2025, 3, 1, 18, 30))
    # down first, then up, then up again: the first move up counts
    yoyo = verified_participant()
    change(yoyo, BusinessClass.SMALL, BusinessClass.MICRO, at(2025, 1, 1, 3))
    change(yoyo, BusinessClass.MICRO, BusinessClass.SMALL, at(2025, 2, 1, 3))
    change(yoyo, BusinessClass.SMALL, BusinessClass.MEDIUM, at(2025, 5, 1, 3))
    never = verified_participant()

    days = reached(Measure.MOVED_UP)

    for participant, (before, after) in pairs.items():
        went_up = CLASS_RANK[BusinessClass(after)] > CLASS_RANK[BusinessClass(before)]
        assert days[participant.pk] == (D(2025, 3, 2) if went_up else None), (before, after)
    assert days[yoyo.pk] == D(2025, 2, 1)
    assert days[never.pk] is None
    ups = [change.pk for change in ClassChange.objects.all() if change.moved_up]
    moved_up = Participant.objects.filter(Exists(ClassChange.objects.filter(pk__in=ups, participant=OuterRef("pk"))))
    assert {pk for pk, day in days.items() if day is not None} == set(moved_up.values_list("pk", flat=True))


def test_correcting_an_old_month_keeps_the_day_reporting_was_reached() -> None:
    """Every edit sets `recorded_at`; the day the run stood is of the months' first reports, which edits keep."""
    person = verified_participant()
    months(
        person,
        (D(2025, 1, 1), at(2025, 2, 2, 3)),
        (D(2025, 2, 1), at(2025, 3, 3, 3)),
        (D(2025, 3, 1), at(2025, 4, 3, 3)),
    )
    assert reached(Measure.REPORTING)[person.pk] == D(2025, 4, 3)
    assert person.user is not None
    record, created = monthly_record_save(
        participant=person,
        month=D(2025, 1, 1),
        workers=3,
        turnover=1_000_000,
        assets=5_000_000,
        acting_user=person.user,
    )
    assert not created and record.recorded_at > at(2025, 4, 3, 3)  # the edit is the record's latest report
    record.refresh_from_db()
    assert record.first_recorded_at == at(2025, 2, 2, 3)
    assert reached(Measure.REPORTING)[person.pk] == D(2025, 4, 3)
    assert set(Participant.objects.filter(journey.done_filter("P6")).values_list("pk", flat=True)) == {person.pk}


def test_a_month_first_reported_by_a_service_keeps_its_first_time_through_edits() -> None:
    """monthly_record_save and the months the cash book computes (`refresh_months`) set the first report once."""
    typed, booked = verified_participant(), verified_participant()
    assert typed.user is not None and booked.user is not None
    first, created = monthly_record_save(
        participant=typed, month=D(2025, 1, 1), workers=1, turnover=1, assets=1, acting_user=typed.user
    )
    assert created and first.first_recorded_at == first.recorded_at
    again, _created = monthly_record_save(
        participant=typed, month=D(2025, 1, 1), workers=2, turnover=2, assets=2, acting_user=typed.user
    )
    again.refresh_from_db()
    assert again.recorded_at > first.recorded_at and again.first_recorded_at == first.first_recorded_at
    add(booked, day=D(2025, 3, 10))
    computed = MonthlyRecord.objects.get(participant=booked, month=D(2025, 3, 1))
    assert computed.first_recorded_at == computed.recorded_at
    add(booked, day=D(2025, 3, 11))  # a second entry recomputes the month
    recomputed = MonthlyRecord.objects.get(pk=computed.pk)
    assert recomputed.recorded_at > computed.recorded_at
    assert recomputed.first_recorded_at == computed.first_recorded_at
