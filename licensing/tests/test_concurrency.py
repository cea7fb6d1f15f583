"""One open request per participant and licence type, whatever the race: the same request sent many times at
once, each on its own PostgreSQL connection (one per thread), makes one request; the others are refused with a
clear reason (the constraint's IntegrityError turned into a refusal), never an error."""

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from licensing import services
from licensing.models import LicenceRequest, RequestMove
from licensing.tests.factories import licence_type
from mentoring.tests.factories import verified_participant

TIMES = 8


def race(times: int, action: Callable[[], str]) -> list[str]:
    barrier = threading.Barrier(times, timeout=30)

    def run(_n: int) -> str:
        try:
            barrier.wait()
            return action()
        except ValidationError as exc:
            return f"refused:{exc.code}"
        except Exception as exc:
            return f"error:{type(exc).__name__}:{exc}"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(run, range(times)))


@pytest.mark.django_db(transaction=True)
def test_the_same_request_sent_at_once_is_made_once() -> None:
    participant = verified_participant()
    nib = licence_type("nib")

    def ask() -> str:
        services.request_create(participant=participant, licence_type=nib, acting_user=participant.user)
        return "made"

    outcomes = Counter(race(TIMES, ask))

    assert outcomes == {"made": 1, "refused:already_open": TIMES - 1}, outcomes
    assert LicenceRequest.objects.count() == 1 and RequestMove.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_pirt_with_its_nib_sent_at_once_makes_each_once() -> None:
    participant = verified_participant()
    pirt = licence_type("pirt")

    def ask() -> str:
        outcome = services.request_create(
            participant=participant, licence_type=pirt, with_prerequisites=True, acting_user=participant.user
        )
        return f"made:{len(outcome.prerequisites)}"

    outcomes = Counter(race(TIMES, ask))

    # the first made both; the others found the NIB asked for already, and the P-IRT open
    assert outcomes == {"made:1": 1, "refused:already_open": TIMES - 1}, outcomes
    assert sorted(LicenceRequest.objects.values_list("licence_type__code", flat=True)) == ["nib", "pirt"]
