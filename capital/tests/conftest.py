from collections.abc import Iterator

import pytest

from accounts.models import User
from capital.journey import CapitalStep
from capital.models import FinancingProduct
from capital.tests.factories import ProductFactory, lender
from mentoring.tests.factories import AssignmentFactory, verified_participant
from partners.models import PartnerOrganisation
from partners.tests.factories import issue_key
from registration import journey
from registration.models import Participant


@pytest.fixture(autouse=True)
def _capital_step() -> Iterator[None]:
    """The P7 provider (a registration test that plugs in a stand-in removes it afterwards)."""
    journey.register(CapitalStep())
    yield


@pytest.fixture
def siti(entrepreneur: User, mentor_tebet: User) -> Participant:
    """The entrepreneur, verified in Tebet, mentored by the Tebet mentor; a micro business."""
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


@pytest.fixture
def bank(agency_staff: User) -> PartnerOrganisation:
    """A bank with a PKS in force covering P6 and P7."""
    organisation: PartnerOrganisation = lender(staff=agency_staff, name="Bank Uji Jakarta")
    return organisation


@pytest.fixture
def product(bank: PartnerOrganisation) -> FinancingProduct:
    """A product of the bank anyone qualifies for: Rp 1 to 50 million, 3 to 24 months."""
    made: FinancingProduct = ProductFactory(lender=bank, code="kredit-warung", name="Kredit Warung")
    return made


@pytest.fixture
def bank_api(bank: PartnerOrganisation, agency_staff: User) -> User:
    """The bank's API account (the user its keys act as)."""
    issue_key(bank.agreements.get(), staff=agency_staff)
    bank.refresh_from_db()
    assert bank.api_user is not None
    return bank.api_user
