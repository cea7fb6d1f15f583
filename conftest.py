"""One named user per role, shared by every app's tests."""

import pytest

from accounts.models import Role, User
from accounts.tests.factories import UserFactory, office

PASSWORD = "rahasia-Kuat-123"


@pytest.fixture
def entrepreneur(db: None) -> User:
    return UserFactory(email="siti@example.id", full_name="Siti Rahayu", phone="+6281234500001")


@pytest.fixture
def other_entrepreneur(db: None) -> User:
    return UserFactory(email="budi@example.id", full_name="Budi Santoso", phone="+6281234500002")


@pytest.fixture
def mentor_tebet(db: None) -> User:
    return UserFactory(email="mentor.tebet@example.id", full_name="Mentor Tebet", role=Role.MENTOR, office=office("Tebet"))


@pytest.fixture
def mentor_gambir(db: None) -> User:
    return UserFactory(
        email="mentor.gambir@example.id", full_name="Mentor Gambir", role=Role.MENTOR, office=office("Gambir")
    )


@pytest.fixture
def secretariat_tebet(db: None) -> User:
    return UserFactory(
        email="sekretariat.tebet@example.id", full_name="Sekretariat Tebet", role=Role.SECRETARIAT, office=office("Tebet")
    )


@pytest.fixture
def secretariat_gambir(db: None) -> User:
    return UserFactory(
        email="sekretariat.gambir@example.id",
        full_name="Sekretariat Gambir",
        role=Role.SECRETARIAT,
        office=office("Gambir"),
    )


@pytest.fixture
def agency_staff(db: None) -> User:
    return UserFactory(email="dinas@example.id", full_name="Staf Dinas PPKUKM", role=Role.AGENCY, is_staff=True)


@pytest.fixture
def partner_user(db: None) -> User:
    return UserFactory(email="mitra@example.id", full_name="Mitra Bank", role=Role.PARTNER)
