"""One named user per role, shared by every app's tests."""

from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches

from accounts.models import Role, User
from accounts.tests.factories import UserFactory, office
from geography import data as geography_data
from geography.models import Kecamatan, Wilayah
from licensing import licence_types
from licensing.models import LicenceType
from notifications import backends
from partners import consent_texts
from partners.models import ConsentText

PASSWORD = "rahasia-Kuat-123"  # noqa: S105 - test accounts only


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: object) -> None:
    """A reused test database may have been flushed by a transactional test: make sure the kecamatan, the
    consent texts and the licence types are there."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        geography_data.load(Wilayah, Kecamatan)
        consent_texts.load(ConsentText)
        licence_types.load(LicenceType)


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest, django_db_blocker: object) -> None:
    """A transactional test (live server, real concurrency, real worker) ends with a flush of every table,
    which also wipes the kecamatan, consent texts and licence types the data migrations loaded: a database test
    finds them loaded again."""
    if not (
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    ) and not request.node.get_closest_marker("django_db"):
        return
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        if not Kecamatan.objects.exists():
            geography_data.load(Wilayah, Kecamatan)
        if not ConsentText.objects.exists():
            consent_texts.load(ConsentText)
        if not LicenceType.objects.exists():
            licence_types.load(LicenceType)


@pytest.fixture(autouse=True)
def private_storage(tmp_path: Path, settings: Any) -> Path:
    """Each test stores uploaded documents in its own folder (a live server thread sees the same settings)."""
    root = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "core.storage.PrivateStorage", "OPTIONS": {"location": str(root)}},
    }
    return root


@pytest.fixture(autouse=True)
def _fresh_fragments() -> None:
    """The landing page keeps its kecamatan list, and a partner's dashboard its figures, in each process's memory:
    no test sees what an earlier one left there (a flush reloads the kecamatan under new keys)."""
    caches["fragments"].clear()


@pytest.fixture(autouse=True)
def _empty_message_outbox() -> None:
    """Messages 'sent' through the in-memory SMS/WhatsApp backend start empty in every test."""
    backends.outbox.clear()


@pytest.fixture
def entrepreneur(db: None) -> User:
    return UserFactory(email="siti@example.id", full_name="Siti Rahayu", phone="+6281234500001")


@pytest.fixture
def other_entrepreneur(db: None) -> User:
    return UserFactory(email="budi@example.id", full_name="Budi Santoso", phone="+6281234500002")


@pytest.fixture
def mentor_tebet(db: None) -> User:
    return UserFactory(
        email="mentor.tebet@example.id", full_name="Mentor Tebet", role=Role.MENTOR, office=office("Tebet")
    )


@pytest.fixture
def mentor_gambir(db: None) -> User:
    return UserFactory(
        email="mentor.gambir@example.id", full_name="Mentor Gambir", role=Role.MENTOR, office=office("Gambir")
    )


@pytest.fixture
def secretariat_tebet(db: None) -> User:
    return UserFactory(
        email="sekretariat.tebet@example.id",
        full_name="Sekretariat Tebet",
        role=Role.SECRETARIAT,
        office=office("Tebet"),
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
