"""A business's own writes under a race, each writer on its own PostgreSQL connection (one per thread): the first
saves of a listing at once (there is no row to lock yet) make one listing, and the same store link added at once
is added once, the others refused clearly. Never a server error."""

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from marketing.models import Listing, OnlineStore
from marketing.services import products as services
from marketing.services.products import ListingData
from marketing.tests.factories import verified_business
from registration.models import Business

RACERS = 8


def race(business_id: int, act: Callable[[Business, int], None]) -> Counter[str]:
    """Every racer loads the business on its own connection, waits for the others, then acts at once."""
    barrier = threading.Barrier(RACERS, timeout=30)

    def run(n: int) -> str:
        try:
            business = Business.objects.select_related("participant__registration", "participant__user").get(
                pk=business_id
            )
            barrier.wait()
            with translation.override("en"):
                act(business, n)
            return "done"
        except ValidationError as exc:
            with translation.override("en"):
                return f"refused:{' '.join(exc.messages)}"
        except Exception as exc:
            return f"error:{type(exc).__name__}:{exc}"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        return Counter(pool.map(run, range(RACERS)))


@pytest.mark.django_db(transaction=True)
def test_first_saves_of_a_listing_at_once_make_one_listing() -> None:
    business = verified_business()

    def save(business: Business, n: int) -> None:
        data = ListingData(public_name=f"Dapur Rasa {n}", published=True)
        services.listing_save(business=business, data=data, acting_user=business.participant.user)

    outcomes = race(business.pk, save)

    assert outcomes == {"done": RACERS}, outcomes
    [listing] = Listing.objects.filter(business=business)
    assert listing.public_name in {f"Dapur Rasa {n}" for n in range(RACERS)} and listing.published


@pytest.mark.django_db(transaction=True)
def test_one_store_link_added_at_once_is_added_once() -> None:
    business = verified_business()

    def add(business: Business, n: int) -> None:
        services.store_add(
            business=business,
            platform="shopee",
            url="https://shopee.co.id/dapurrasa",
            acting_user=business.participant.user,
        )

    outcomes = race(business.pk, add)

    assert outcomes == {"done": 1, "refused:This store link is listed already.": RACERS - 1}, outcomes
    assert OnlineStore.objects.filter(business=business).count() == 1
