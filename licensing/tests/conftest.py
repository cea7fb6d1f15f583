from collections.abc import Iterator

import pytest

from accounts.models import User
from licensing.journey import LicensingStep
from licensing.models import LicenceType
from licensing.tests.factories import licence_type
from mentoring.tests.factories import AssignmentFactory, verified_participant
from registration import journey
from registration.models import Participant


@pytest.fixture(autouse=True)
def _licensing_step() -> Iterator[None]:
    """The P4 provider (a registration test that plugs in a stand-in removes it afterwards); the licence types are
    loaded again after a flush by the root conftest."""
    journey.register(LicensingStep())
    yield


@pytest.fixture
def nib() -> LicenceType:
    return licence_type("nib")


@pytest.fixture
def pirt() -> LicenceType:
    return licence_type("pirt")


@pytest.fixture
def siti(entrepreneur: User, mentor_tebet: User) -> Participant:
    """The entrepreneur, verified in Tebet, mentored by the Tebet mentor."""
    participant = verified_participant("Tebet", user=entrepreneur)
    AssignmentFactory(participant=participant, mentor=mentor_tebet)
    return participant


@pytest.fixture
def budi(other_entrepreneur: User) -> Participant:
    """A peer in Tebet (the same kecamatan), mentored by no one."""
    return verified_participant("Tebet", user=other_entrepreneur, nik="3174015708900003")


@pytest.fixture
def gambir_participant(mentor_gambir: User) -> Participant:
    """A participant of another kecamatan, mentored by the Gambir mentor."""
    participant = verified_participant("Gambir", nik="3171015708900004")
    AssignmentFactory(participant=participant, mentor=mentor_gambir)
    return participant
