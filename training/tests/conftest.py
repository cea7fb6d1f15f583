from collections.abc import Iterator

import pytest

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from partners.models import PartnerOrganisation
from partners.tests.factories import PartnerMemberFactory, PartnerOrganisationFactory
from registration import journey
from registration.models import Participant
from training.journey import TrainingStep
from training.tests.factories import verified_participant


@pytest.fixture(autouse=True)
def _training_step_registered() -> Iterator[None]:
    """The P2 provider is registered by TrainingConfig.ready(); a registration test that plugs in a stand-in
    for P2 removes it afterwards, so make sure the real one is there."""
    journey.register(TrainingStep())
    yield


@pytest.fixture
def participant(entrepreneur: User) -> Participant:
    """The entrepreneur (Siti), verified."""
    return verified_participant(user=entrepreneur)


@pytest.fixture
def partner_org(partner_user: User) -> PartnerOrganisation:
    """The partner user's organisation: a university."""
    organisation = PartnerOrganisationFactory(name="Universitas Negeri Jakarta")
    PartnerMemberFactory(user=partner_user, organisation=organisation)
    return organisation


@pytest.fixture
def other_partner_user(db: None) -> User:
    """A user of another partner organisation (a marketplace)."""
    user = UserFactory(email="mitra.lain@example.id", full_name="Mitra Lain", role=Role.PARTNER)
    PartnerMemberFactory(user=user, organisation=PartnerOrganisationFactory(name="Pasar Daring", kind="marketplace"))
    return user
