"""Every list page of the selling spaces runs a fixed number of queries, whatever the number of rows: each is
measured after 30 spaces (or applications, booths, allocations) with all they show, so an N+1 fails."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from marketing.choices import ApplicationStatus, SpaceKind
from marketing.models import SellingSpace
from marketing.tests.conftest import client_for
from marketing.tests.spaces_support import (
    ApplicationFactory,
    BoothFactory,
    SpaceFactory,
    allocate,
    day,
    quickly_graded,
    wilayah,
)
from registration.models import Business

pytestmark = pytest.mark.django_db

ROWS = 30
WILAYAH = ["Jakarta Pusat", "Jakarta Utara", "Jakarta Barat", "Jakarta Selatan", "Jakarta Timur"]


def space_with_everything(n: int, business: Business | None = None) -> SellingSpace:
    """A space in one of five wilayah with three booths, two given this week, and applications in each status."""
    space = SpaceFactory(
        wilayah=wilayah(WILAYAH[n % len(WILAYAH)]),
        kind=SpaceKind.PERMANENT if n % 4 == 0 else SpaceKind.BAZAAR,
        closes_on=None if n % 4 == 0 else day(30),
    )
    booths = [BoothFactory(space=space) for _ in range(3)]
    for booth in booths[:2]:
        allocate(
            ApplicationFactory(space=space, business=quickly_graded("A"), starts_on=day(1), ends_on=day(2)), booth
        )
    ApplicationFactory(space=space, business=quickly_graded("B"))
    ApplicationFactory(space=space, status=ApplicationStatus.DECLINED, decision_note="Penuh")
    if business is not None:
        ApplicationFactory(space=space, business=business, status=ApplicationStatus.WITHDRAWN)
    return space


def pinned(client: Client, url: str, assert_num: Callable[..., Any], queries: int, grow: Callable[[], None]) -> None:
    """The page runs exactly `queries` queries with a few rows, and still after many more."""
    with assert_num(queries):
        assert client.get(url).status_code == 200
    grow()
    with assert_num(queries):
        response = client.get(url)
    assert response.status_code == 200


@pytest.fixture
def graded(business: Business) -> Business:
    return quickly_graded("A", business)


def test_the_spaces_list(graded: Business, django_assert_num_queries: Any) -> None:
    space_with_everything(0, graded)
    # session, user, the business, its best grade, the page of spaces (with its status at each)
    pinned(
        client_for(graded.participant.user),
        reverse("marketing:spaces"),
        django_assert_num_queries,
        5,
        lambda: [space_with_everything(n, graded) for n in range(1, ROWS)],
    )


def test_my_applications(graded: Business, django_assert_num_queries: Any) -> None:
    def grow() -> None:
        for n in range(ROWS):
            space = space_with_everything(n)
            allocate(
                ApplicationFactory(space=space, business=graded, starts_on=day(5), ends_on=day(6)), space.booths.last()
            )

    ApplicationFactory(business=graded)
    # session, user, the business, the page of applications (space, wilayah, booth given)
    pinned(
        client_for(graded.participant.user),
        reverse("marketing:space_applications_mine"),
        django_assert_num_queries,
        4,
        grow,
    )


def test_the_staff_list_of_spaces(agency_staff: User, django_assert_num_queries: Any) -> None:
    space_with_everything(0)
    # session, user, the page of spaces (with booth and waiting counts)
    pinned(
        client_for(agency_staff),
        reverse("marketing:spaces_staff"),
        django_assert_num_queries,
        3,
        lambda: [space_with_everything(n) for n in range(1, ROWS)],
    )


def test_the_applications_of_a_space(agency_staff: User, django_assert_num_queries: Any) -> None:
    space = space_with_everything(0)

    def grow() -> None:
        booths = [BoothFactory(space=space) for _ in range(ROWS)]
        for booth in booths:
            allocate(ApplicationFactory(space=space, business=quickly_graded("A")), booth)
            ApplicationFactory(space=space, business=quickly_graded("B"))

    # session, user, the space, the page of applications (business, kecamatan, best grade, booth)
    pinned(
        client_for(agency_staff),
        reverse("marketing:space_staff", args=[space.pk]),
        django_assert_num_queries,
        4,
        grow,
    )


def test_the_booths_of_a_space(agency_staff: User, django_assert_num_queries: Any) -> None:
    space = space_with_everything(0)

    def grow() -> None:
        for _ in range(ROWS):
            allocate(ApplicationFactory(space=space), BoothFactory(space=space))

    # session, user, the space, its booths (with how often each was given)
    pinned(
        client_for(agency_staff),
        reverse("marketing:space_booths", args=[space.pk]),
        django_assert_num_queries,
        4,
        grow,
    )


def test_the_booth_calendar(agency_staff: User, django_assert_num_queries: Any) -> None:
    space = space_with_everything(0)

    def grow() -> None:
        for n in range(ROWS):
            booth = BoothFactory(space=space)
            allocate(ApplicationFactory(space=space, starts_on=day(n % 5), ends_on=day(n % 5 + 2)), booth)
            allocate(ApplicationFactory(space=space, starts_on=day(8), ends_on=day(9)), booth)

    # session, user, the space, its booths, the allocations of the fortnight
    pinned(
        client_for(agency_staff),
        reverse("marketing:space_calendar", args=[space.pk]),
        django_assert_num_queries,
        5,
        grow,
    )


def test_the_accept_page_listing_free_booths(agency_staff: User, django_assert_num_queries: Any) -> None:
    space = space_with_everything(0)
    application = ApplicationFactory(space=space, business=quickly_graded("A"), starts_on=day(1), ends_on=day(3))

    def grow() -> None:
        for n in range(ROWS):
            booth = BoothFactory(space=space)
            if n % 2:
                allocate(ApplicationFactory(space=space, starts_on=day(2), ends_on=day(2)), booth)

    # session, user, the application (space, business, kecamatan), the free booths
    pinned(
        client_for(agency_staff),
        reverse("marketing:space_application_accept", args=[application.pk]),
        django_assert_num_queries,
        4,
        grow,
    )


def test_the_coverage_page(client: Client, django_assert_num_queries: Any) -> None:
    space_with_everything(0)
    # the spaces with their booths and those free this week, the wilayah: two, whatever the number of spaces
    pinned(
        client,
        reverse("marketing:coverage"),
        django_assert_num_queries,
        2,
        lambda: [space_with_everything(n) for n in range(1, ROWS)],
    )
