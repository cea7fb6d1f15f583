"""The people of marketing's tests: Siti's business in Tebet (mentored by the Tebet mentor), Budi's peer business
in Gambir (mentored by the Gambir mentor), a curator named on the open call, and the root conftest's roles."""

from collections.abc import Iterator

import pytest
from django.test import Client

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from marketing.journey import MarketingStep
from marketing.models import ProductCall
from marketing.tests.factories import ListingFactory, ProductCallFactory
from mentoring.tests.factories import AssignmentFactory, verified_participant
from registration import journey
from registration.models import Business


@pytest.fixture(autouse=True)
def _marketing_step_registered() -> Iterator[None]:
    """The P5 provider is registered by MarketingConfig.ready(); a registration test that plugs in a stand-in
    removes it afterwards, so make sure the real one is there."""
    journey.register(MarketingStep())
    yield


@pytest.fixture
def business(entrepreneur: User, mentor_tebet: User) -> Business:
    """Siti's business: verified, in Tebet, mentored by the Tebet mentor, with a published listing."""
    participant = verified_participant("Tebet", user=entrepreneur)
    AssignmentFactory(participant=participant, mentor=mentor_tebet)
    ListingFactory(business=participant.business, public_name="Dapur Siti")
    return participant.business


@pytest.fixture
def peer_business(other_entrepreneur: User, mentor_gambir: User) -> Business:
    """Budi's business: verified, in Gambir, mentored by the Gambir mentor."""
    participant = verified_participant("Gambir", user=other_entrepreneur, nik="3171015708900003")
    AssignmentFactory(participant=participant, mentor=mentor_gambir)
    return participant.business


@pytest.fixture
def curator(db: None) -> User:
    """An agency user named curator on the open call."""
    return UserFactory(email="kurator@example.id", full_name="Kurator Dinas", role=Role.AGENCY, is_staff=True)


@pytest.fixture
def call(curator: User, agency_staff: User) -> ProductCall:
    """An open call taking every category, curated by the curator (the agency_staff fixture is not a curator)."""
    return ProductCallFactory(title="Kurasi Oleh-oleh", curators=[curator], created_by=agency_staff)


def client_for(user: User | None) -> Client:
    """A browser of `user` (anonymous for None) that reads English."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


EVERYONE = [
    "entrepreneur",
    "other_entrepreneur",
    "mentor_tebet",
    "mentor_gambir",
    "secretariat_tebet",
    "secretariat_gambir",
    "curator",
    "agency_staff",
    "partner_user",
    None,
]


@pytest.fixture
def people(
    business: Business, peer_business: Business, call: ProductCall, request: pytest.FixtureRequest
) -> dict[str, User]:
    """Everyone of EVERYONE (the business and its peer with their businesses, the curator named on the call)."""
    return {name: request.getfixturevalue(name) for name in EVERYONE if name}


def as_(people: dict[str, User], who: str | None) -> Client:
    return client_for(people[who] if who else None)
