"""No double booking, whatever the race: many staff accept applications for the same booth on overlapping days
at the same moment, each on its own PostgreSQL connection (one per thread). The exclusion constraint decides:
exactly one wins, the others get a clear refusal and their applications stay waiting."""

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import translation

from core.decisions import Refused
from marketing.choices import ApplicationStatus
from marketing.models import BoothAllocation, SpaceApplication
from marketing.services import spaces as services
from marketing.tests.factories import agency_user
from marketing.tests.spaces_support import ApplicationFactory, BoothFactory, SpaceFactory, day, quickly_graded
from notifications.models import Message

# the constraint's refusal, in the active language
TAKEN = str(
    next(c for c in BoothAllocation._meta.constraints if c.name == "no_double_booking").violation_error_message
)
RACERS = 12


def race(applications: list[SpaceApplication], accept: Callable[[SpaceApplication], None]) -> list[str]:
    barrier = threading.Barrier(len(applications), timeout=30)
    language = translation.get_language()  # a new thread has none active: the refusals speak the test's language

    def run(application: SpaceApplication) -> str:
        try:
            barrier.wait()
            with translation.override(language):
                accept(application)
            return "accepted"
        except Refused as exc:
            return f"refused:{exc.code}:{exc.message}"
        except Exception as exc:
            return f"error:{type(exc).__name__}:{exc}"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(applications)) as pool:
        return list(pool.map(run, applications))


@pytest.mark.django_db(transaction=True)
def test_many_staff_giving_one_booth_on_overlapping_days_at_once_give_it_once() -> None:
    space = SpaceFactory()
    booth = BoothFactory(space=space)
    staff = [agency_user() for _ in range(RACERS)]
    # each business asks for a different stretch of days; every stretch overlaps day 5
    applications = [
        ApplicationFactory(space=space, business=quickly_graded("A"), starts_on=day(5 - n % 3), ends_on=day(5 + n % 4))
        for n in range(RACERS)
    ]
    by_application = dict(zip((a.pk for a in applications), staff, strict=True))

    def accept(application: SpaceApplication) -> None:
        services.application_accept(application=application, booth=booth, acting_user=by_application[application.pk])

    outcomes = Counter(race(applications, accept))

    taken = next(c for c in BoothAllocation._meta.constraints if c.name == "no_double_booking")
    refusal = f"refused:booth_taken:{taken.violation_error_message}"  # in the active language
    assert outcomes == {"accepted": 1, refusal: RACERS - 1}, outcomes
    [allocation] = BoothAllocation.objects.all()
    statuses = Counter(SpaceApplication.objects.values_list("status", flat=True))
    assert statuses == {ApplicationStatus.ACCEPTED: 1, ApplicationStatus.APPLIED: RACERS - 1}
    assert SpaceApplication.objects.get(status=ApplicationStatus.ACCEPTED).pk == allocation.application_id
    # only the winner is told
    told = Message.objects.filter(template="marketing_space_accepted", channel="email")
    assert list(told.values_list("recipient_id", flat=True)) == [allocation.business.participant.user_id]


@pytest.mark.django_db(transaction=True)
def test_racing_for_adjacent_days_and_other_booths_all_win() -> None:
    """The constraint refuses overlaps only: days side by side on one booth, or the same days on other booths,
    are all given at once."""
    space = SpaceFactory()
    booth, other = BoothFactory(space=space), BoothFactory(space=space)
    applications = [
        ApplicationFactory(space=space, business=quickly_graded("A"), starts_on=day(2 + 2 * n), ends_on=day(3 + 2 * n))
        for n in range(6)
    ]
    wide = ApplicationFactory(space=space, business=quickly_graded("B"), starts_on=day(2), ends_on=day(13))
    staff = agency_user()

    def accept(application: SpaceApplication) -> None:
        target = other if application.pk == wide.pk else booth
        services.application_accept(application=application, booth=target, acting_user=staff)

    outcomes = Counter(race([*applications, wide], accept))

    assert outcomes == {"accepted": 7}, outcomes
    assert BoothAllocation.objects.filter(booth=booth).count() == 6
