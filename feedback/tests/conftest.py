import pytest

from accounts.models import User
from mentoring.tests.factories import verified_participant
from registration.models import Participant
from registration.tests.factories import RegistrationFactory


@pytest.fixture
def siti(entrepreneur: User) -> Participant:
    """The entrepreneur fixture (Siti Rahayu) as a verified participant of Tebet."""
    return verified_participant("Tebet", user=entrepreneur)


@pytest.fixture
def budi(other_entrepreneur: User) -> Participant:
    """Another verified participant (Budi Santoso), of Gambir."""
    return verified_participant("Gambir", user=other_entrepreneur, nik="3171015708900003")


@pytest.fixture
def waiting() -> Participant:
    """A participant whose registration waits for verification."""
    return RegistrationFactory(participant__full_name="Rina Waiting").participant
