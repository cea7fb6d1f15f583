"""P2's measure for the targets: trained on the local day of the first training completed, NULL exactly when P2
is not done (the journey's done_filter), whatever else the participant's enrolments are."""

import datetime

import pytest

from registration import journey
from registration.measures import Measure, reached_on
from registration.models import Participant
from training.choices import EnrolmentStatus
from training.tests.factories import EnrolmentFactory, SessionFactory, verified_participant

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def reached(measure: Measure) -> dict[int, datetime.date | None]:
    return dict(Participant.objects.annotate(day=reached_on(measure)).values_list("pk", "day"))


def test_trained_is_the_local_day_of_the_first_completion_and_null_exactly_when_p2_is_not_done() -> None:
    twice = EnrolmentFactory(
        status=EnrolmentStatus.COMPLETED, completed_at=datetime.datetime(2025, 5, 1, 3, 0, tzinfo=UTC)
    ).participant
    # 18:30 UTC is 01:30 the next day in Jakarta
    EnrolmentFactory(
        participant=twice,
        session=SessionFactory(),
        status=EnrolmentStatus.COMPLETED,
        completed_at=datetime.datetime(2025, 3, 1, 18, 30, tzinfo=UTC),
    )
    without_time = EnrolmentFactory(
        status=EnrolmentStatus.COMPLETED, completed_at=None, queued_at=datetime.datetime(2025, 4, 10, 9, tzinfo=UTC)
    ).participant
    not_done = [EnrolmentFactory(status=status).participant for status in EnrolmentStatus if status != "completed"]
    nothing = verified_participant()

    days = reached(Measure.TRAINED)

    assert days[twice.pk] == datetime.date(2025, 3, 2)
    assert days[without_time.pk] == datetime.date(2025, 4, 10)
    assert all(days[p.pk] is None for p in [*not_done, nothing])
    done = set(Participant.objects.filter(journey.done_filter("P2")).values_list("pk", flat=True))
    assert {pk for pk, day in days.items() if day is not None} == done == {twice.pk, without_time.pk}
