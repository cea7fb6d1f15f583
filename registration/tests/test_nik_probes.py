"""The wizard's "this NIK is already registered" answer is limited per account and per address, each answer is
recorded in the audit trail, and agency staff are told of an account that reaches the limit."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from accounts.tests.factories import UserFactory
from core import audit
from notifications.models import Message
from registration.models import NikProbe
from registration.tests.conftest import login, person_data
from registration.tests.factories import ParticipantFactory, nik_for

pytestmark = pytest.mark.django_db
PERSON = reverse("registration:wizard_step", args=["person"])
TAKEN_TEXT = "This NIK is already registered"


@pytest.fixture
def taken_niks() -> list[str]:
    return [ParticipantFactory(nik=nik_for("Tebet", serial=500 + i)).nik for i in range(8)]


def probe(client: Client, nik: str, address: str = "203.0.113.7") -> str:
    with translation.override("en"):
        response = client.post(PERSON, person_data(nik=nik), REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def test_past_the_limit_no_nik_is_checked_and_the_person_is_told_why(
    client: Client, entrepreneur: User, taken_niks: list[str], settings: object
) -> None:
    login(client, entrepreneur)
    for nik in taken_niks[:5]:
        assert TAKEN_TEXT in probe(client, nik)
    answer = probe(client, taken_niks[5])
    assert TAKEN_TEXT not in answer
    assert "too many NIKs" in answer
    # a fresh NIK is not checked either: the answer is the same whatever is typed
    fresh = probe(client, nik_for("Tebet", serial=900))
    assert TAKEN_TEXT not in fresh
    assert "too many NIKs" in fresh
    assert NikProbe.objects.filter(user=entrepreneur).count() == 5
    # what was typed is kept in the draft
    assert (
        entrepreneur.registration_draft.payload
        and nik_for("Tebet", serial=900) in entrepreneur.registration_draft.payload
    )


def test_each_answer_is_in_the_audit_trail_with_its_account_and_channel(
    client: Client, entrepreneur: User, taken_niks: list[str]
) -> None:
    login(client, entrepreneur)
    probe(client, taken_niks[0])
    entry = audit.history_of(NikProbe.objects.get(user=entrepreneur))[0]
    assert (entry.kind, entry.actor, entry.channel) == ("created", str(entrepreneur), "web")


def test_agency_staff_are_told_once_when_an_account_reaches_the_limit(
    client: Client, entrepreneur: User, agency_staff: User, taken_niks: list[str]
) -> None:
    login(client, entrepreneur)
    for nik in taken_niks[:4]:
        probe(client, nik)
    assert not Message.objects.filter(template="nik_probe_limit").exists()
    probe(client, taken_niks[4])
    probe(client, taken_niks[5])  # refused: no second alert
    alerts = Message.objects.filter(template="nik_probe_limit")
    assert {m.recipient_id for m in alerts} == {agency_staff.pk}
    assert alerts.count() == len({m.channel for m in alerts})  # one per channel, sent once


def test_the_limit_holds_per_address_across_accounts(client: Client, taken_niks: list[str], settings: object) -> None:
    settings.NIK_PROBES_PER_ADDRESS = 3  # type: ignore[attr-defined]
    for i in range(3):
        account = UserFactory(email=f"probe{i}@example.id")
        login(client, account)
        assert TAKEN_TEXT in probe(client, taken_niks[i])
        client.logout()
    newcomer = UserFactory(email="probe9@example.id")
    login(client, newcomer)
    assert TAKEN_TEXT not in probe(client, taken_niks[3])
    assert TAKEN_TEXT in probe(client, taken_niks[3], address="198.51.100.20")


def test_a_free_nik_is_not_counted(client: Client, entrepreneur: User) -> None:
    login(client, entrepreneur)
    client.post(PERSON, person_data(nik=nik_for("Tebet", serial=901)))
    assert not NikProbe.objects.exists()
