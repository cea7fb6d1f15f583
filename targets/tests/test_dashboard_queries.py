"""The dashboard and the participants behind its numbers run a fixed number of queries, whatever the program's
size: pinned for each viewer and level with the small known program, and the same with 2,000 more Progress rows
(and a full page of participants) counted into the tables."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from accounts.tests.factories import UserFactory, office
from geography.models import Kecamatan
from partners.choices import Purpose, Step
from partners.tests.factories import PartnerMemberFactory, PartnerOrganisationFactory, agreement_in_force, consent
from targets import summary
from targets.models import Progress
from targets.tests.factories import YEAR, D, World, anonymous_rows, participant

pytestmark = pytest.mark.django_db

BIG = 2000


@pytest.fixture
def world(mentor_tebet: User, mentor_gambir: User) -> World:
    other = UserFactory(full_name="Mentor Tebet Dua", role=Role.MENTOR, office=office("Tebet"))
    return World(mentor_tebet=mentor_tebet, mentor_gambir=mentor_gambir, other_mentor_tebet=other)


@pytest.fixture
def partner(partner_user: User, agency_staff: User, world: World) -> User:
    organisation = PartnerOrganisationFactory()
    PartnerMemberFactory(user=partner_user, organisation=organisation)
    agreement_in_force(organisation, steps=[Step.P2], staff=agency_staff)
    for person in (world.ani, world.eko):
        consent(person, organisation, Purpose.TRAINING)
    return partner_user


def grow(world: World) -> None:
    """2,000 more Progress rows over several kecamatan and mentors, 30 more Tebet participants of Mentor Tebet
    (more than a page) and their consents where a partner is there; then the tables are counted again."""
    kecamatans = [world.tebet, world.gambir, *Kecamatan.objects.exclude(pk__in=[world.tebet.pk, world.gambir.pk])[:6]]
    anonymous_rows(BIG, kecamatans, [world.mentor_tebet, world.mentor_gambir, None], first_pk=10_000_000)
    for n in range(30):
        participant(world.tebet, world.mentor_tebet, full_name=f"Peserta {n:02d}", verified=D(YEAR, 1, 15))
    summary.recount()
    assert Progress.objects.count() > BIG


SIZES = ["small", "big"]


def pinned(
    client: Client, user: User, world: World, size: str, name: str, params: Callable[[World], dict[str, Any]]
) -> tuple[str, dict[str, Any]]:
    if size == "big":
        grow(world)
    client.force_login(user)
    url, data = reverse(name), {"year": YEAR, **params(world)}
    client.get(url, data)  # the session is warm, as every page after the first
    return url, data


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    ("who", "params", "queries"),
    [
        # session, user, the kecamatan; progress (2), funnel (2), trend; by wilayah (3), by kecamatan (2); themes
        ("agency_staff", lambda w: {}, 14),
        # the same without the wilayah table
        ("agency_staff", lambda w: {"wilayah": w.tebet.wilayah_id}, 11),
        # session, user, the kecamatan; progress (2), funnel (2), trend; by mentor (2), the mentors; themes
        ("agency_staff", lambda w: {"kecamatan": w.tebet.pk}, 12),
        # session, user, the kecamatan, the mentor; progress (2), funnel (2: medians on Progress), trend; the
        # kecamatan's mentors; themes
        ("agency_staff", lambda w: {"mentor": w.mentor_tebet.pk}, 11),
        ("secretariat_tebet", lambda w: {}, 12),
        ("secretariat_tebet", lambda w: {"mentor": w.mentor_tebet.pk}, 11),
        # session, user, the kecamatan; progress (2), funnel (2), trend
        ("mentor_tebet", lambda w: {}, 8),
    ],
    ids=[
        "agency",
        "agency-wilayah",
        "agency-kecamatan",
        "agency-mentor",
        "secretariat",
        "secretariat-mentor",
        "mentor",
    ],
)
def test_the_dashboard_runs_a_fixed_number_of_queries(
    client: Client,
    request: pytest.FixtureRequest,
    world: World,
    django_assert_num_queries: Any,
    size: str,
    who: str,
    params: Callable[[World], dict[str, Any]],
    queries: int,
) -> None:
    url, data = pinned(client, request.getfixturevalue(who), world, size, "targets:dashboard", params)
    caches["fragments"].clear()  # the forum's themes counted afresh: nothing kept from the warm-up
    with django_assert_num_queries(queries):
        response = client.get(url, data)
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_a_partners_dashboard_runs_a_fixed_number_of_queries(
    client: Client, partner: User, world: World, django_assert_num_queries: Any, size: str
) -> None:
    url, data = pinned(client, partner, world, size, "targets:dashboard", lambda w: {})
    caches["fragments"].clear()  # counted afresh: nothing kept from the warm-up
    # session, user, the kecamatan, the organisation, its purposes in force, its consents' version; progress (1: no
    # target), funnel (2), trend
    with django_assert_num_queries(10):
        response = client.get(url, data)
    assert response.status_code == 200
    assert next(card for card in response.context["cards"] if card.measure == "verified").achieved == 2
    with django_assert_num_queries(6):  # the figures kept: nothing counted
        kept = client.get(url, data)
    assert kept.context["counted_at"] == response.context["counted_at"] is not None
    assert next(card for card in kept.context["cards"] if card.measure == "verified").achieved == 2


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    ("who", "params", "queries"),
    [
        ("agency_staff", lambda w: {"measure": "verified"}, 4),  # session, user, the kecamatan, the page
        ("agency_staff", lambda w: {"measure": "verified", "mentor": w.mentor_tebet.pk}, 5),  # and the mentor
        ("secretariat_tebet", lambda w: {"measure": "registered"}, 4),
        ("mentor_tebet", lambda w: {"measure": "verified", "month": 1}, 4),
    ],
    ids=["agency", "agency-mentor", "secretariat", "mentor"],
)
def test_the_participants_list_runs_a_fixed_number_of_queries(
    client: Client,
    request: pytest.FixtureRequest,
    world: World,
    django_assert_num_queries: Any,
    size: str,
    who: str,
    params: Callable[[World], dict[str, Any]],
    queries: int,
) -> None:
    url, data = pinned(client, request.getfixturevalue(who), world, size, "targets:participants", params)
    with django_assert_num_queries(queries):
        response = client.get(url, data)
    assert response.status_code == 200
    if size == "big":
        assert len(response.context["people"]) == 25 and response.context["page"].has_next


@pytest.mark.parametrize("size", SIZES)
def test_a_partners_participants_list_runs_a_fixed_number_of_queries(
    client: Client, partner: User, world: World, django_assert_num_queries: Any, size: str
) -> None:
    url, data = pinned(client, partner, world, size, "targets:participants", lambda w: {"measure": "verified"})
    with django_assert_num_queries(6):  # session, user, the kecamatan, the organisation, its purposes, the page
        response = client.get(url, data)
    assert {person.name for person in response.context["people"]} == {"Ani Tebet", "Eko Gambir"}
