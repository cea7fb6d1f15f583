"""P5's measure for the targets: marketed on the local day the business first sold through the program (a graded
submission, a booth allocation not cancelled, a checked online store, whichever came first), NULL exactly when
P5 is not done (the journey's done_filter)."""

import datetime

import pytest

from marketing.choices import SubmissionStatus
from marketing.models import BoothAllocation
from marketing.tests.factories import OnlineStoreFactory, ProductFactory, SubmissionFactory, verified_business
from marketing.tests.spaces_support import ApplicationFactory, BoothFactory, allocate
from mentoring.tests.factories import MentorFactory
from registration import journey
from registration.measures import Measure, reached_on
from registration.models import Business, Participant

pytestmark = pytest.mark.django_db

D = datetime.date
UTC = datetime.UTC


def at(*moment: int) -> datetime.datetime:
    return datetime.datetime(*moment, tzinfo=UTC)  # type: ignore[misc]


def booth_for(business: Business, *, allocated_at: datetime.datetime, cancelled: bool = False) -> None:
    application = ApplicationFactory(business=business)
    allocation = allocate(application, BoothFactory(space=application.space))
    BoothAllocation.objects.filter(pk=allocation.pk).update(
        allocated_at=allocated_at, cancelled_at=at(2025, 6, 1, 3) if cancelled else None
    )


def test_marketed_is_the_first_of_its_three_ways_and_null_exactly_when_p5_is_not_done() -> None:
    mentor = MentorFactory()
    graded = verified_business()
    # graded at 18:30 UTC: 01:30 the next day in Jakarta; a store checked later does not move it
    SubmissionFactory(
        product=ProductFactory(business=graded),
        status=SubmissionStatus.GRADED,
        grade="A",
        graded_at=at(2025, 3, 1, 18, 30),
    )
    OnlineStoreFactory(business=graded, checked_by=mentor, checked_at=at(2025, 4, 1, 3))
    graded_untimed = verified_business()
    SubmissionFactory(
        product=ProductFactory(business=graded_untimed),
        status=SubmissionStatus.GRADED,
        grade="B",
        graded_at=None,
        submitted_at=at(2025, 2, 10, 3),
    )
    booth_first = verified_business()
    booth_for(booth_first, allocated_at=at(2025, 1, 5, 3))
    OnlineStoreFactory(business=booth_first, checked_by=mentor, checked_at=at(2025, 1, 9, 3))
    store = verified_business()
    OnlineStoreFactory(business=store)  # unchecked: nothing yet
    OnlineStoreFactory(business=store, checked_by=mentor, checked_at=at(2025, 2, 20, 3))
    cancelled_booth = verified_business()
    booth_for(cancelled_booth, allocated_at=at(2025, 1, 5, 3), cancelled=True)
    in_curation = verified_business()
    for status in (SubmissionStatus.VALIDATED, SubmissionStatus.RETURNED, SubmissionStatus.WITHDRAWN):
        SubmissionFactory(product=ProductFactory(business=in_curation), status=status, returned_reason="Foto buram.")
    unchecked = verified_business()
    OnlineStoreFactory(business=unchecked)
    nothing = verified_business()

    days = dict(Participant.objects.annotate(day=reached_on(Measure.MARKETED)).values_list("pk", "day"))

    expected = {
        graded: D(2025, 3, 2),
        graded_untimed: D(2025, 2, 10),
        booth_first: D(2025, 1, 5),
        store: D(2025, 2, 20),
        cancelled_booth: None,
        in_curation: None,
        unchecked: None,
        nothing: None,
    }
    assert {days[business.participant_id] for business in expected} == set(expected.values())
    assert all(days[business.participant_id] == day for business, day in expected.items())
    done = set(Participant.objects.filter(journey.done_filter("P5")).values_list("pk", flat=True))
    assert {pk for pk, day in days.items() if day is not None} == done
    assert done == {b.participant_id for b in (graded, graded_untimed, booth_first, store)}
