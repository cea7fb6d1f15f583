"""The database's own guard against double booking (the exclusion constraint `no_double_booking`): two live
allocations of one booth on overlapping days are refused, whoever writes them; a cancelled allocation frees the
booth; adjacent days and other booths are fine."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from marketing.models import Booth, BoothAllocation
from marketing.services.spaces import Days
from marketing.tests.factories import agency_user
from marketing.tests.spaces_support import ApplicationFactory, BoothFactory, days

pytestmark = pytest.mark.django_db


def insert(booth: Booth, first: int, last: int) -> BoothAllocation:
    """An allocation written straight to the table, around every service."""
    application = ApplicationFactory(space=booth.space)
    return BoothAllocation.objects.create(
        booth=booth,
        application=application,
        business=application.business,
        days=days(first, last),
        allocated_by=agency_user(),
    )


def refused(booth: Booth, first: int, last: int) -> bool:
    try:
        with transaction.atomic():
            insert(booth, first, last)
    except IntegrityError as exc:
        assert "no_double_booking" in str(exc)
        return True
    return False


@pytest.mark.parametrize(("first", "last"), [(5, 7), (3, 5), (7, 9), (6, 6), (1, 12)])
def test_an_overlapping_insert_is_refused_by_the_database(first: int, last: int) -> None:
    booth = BoothFactory()
    insert(booth, 5, 7)
    assert refused(booth, first, last)
    assert BoothAllocation.objects.filter(booth=booth).count() == 1


def test_adjacent_days_are_allowed() -> None:
    booth = BoothFactory()
    insert(booth, 5, 7)
    assert not refused(booth, 8, 10)
    assert not refused(booth, 2, 4)
    assert BoothAllocation.objects.filter(booth=booth).count() == 3


def test_the_same_days_on_another_booth_are_allowed() -> None:
    booth = BoothFactory()
    insert(booth, 5, 7)
    assert not refused(BoothFactory(space=booth.space), 5, 7)


def test_a_cancelled_allocation_frees_the_booth() -> None:
    booth = BoothFactory()
    first = insert(booth, 5, 7)
    assert refused(booth, 6, 6)
    BoothAllocation.objects.filter(pk=first.pk).update(cancelled_at=timezone.now())
    assert not refused(booth, 6, 6)
    # and the cancelled one cannot come back to life over the new one
    with pytest.raises(IntegrityError), transaction.atomic():
        BoothAllocation.objects.filter(pk=first.pk).update(cancelled_at=None)


def test_days_are_stored_as_the_canonical_range_first_to_the_day_after_the_last() -> None:
    allocation = insert(BoothFactory(), 5, 7)
    allocation.refresh_from_db()
    stored = Days.of(allocation.days)
    assert (allocation.days.lower, allocation.days.upper) == (days(5, 7).lower, days(8, 8).lower)
    assert (stored.first, stored.last) == (days(5, 5).lower, days(7, 7).lower)
