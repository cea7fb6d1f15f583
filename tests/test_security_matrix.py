"""Who may open what, by page and by document URL. Objects a user may not see answer 404, as if absent."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from geography.models import Kecamatan
from registration.models import Document, Registration
from registration.services import document_attach
from registration.tests.conftest import login
from registration.tests.factories import ParticipantFactory, RegistrationFactory, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def tebet(entrepreneur: User) -> Registration:
    registration = RegistrationFactory(participant=ParticipantFactory(user=entrepreneur))
    document_attach(
        kind="ktp",
        upload=upload(),
        content_type="image/png",
        acting_user=entrepreneur,
        participant=registration.participant,
    )
    return registration


@pytest.fixture
def gambir(other_entrepreneur: User) -> Registration:
    participant = ParticipantFactory(
        user=other_entrepreneur, kecamatan=Kecamatan.objects.get(name="Gambir"), nik="3173085708900003"
    )
    registration = RegistrationFactory(participant=participant)
    document_attach(
        kind="ktp", upload=upload(), content_type="image/png", acting_user=other_entrepreneur, participant=participant
    )
    return registration


def page(registration: Registration) -> str:
    return reverse("registration:participant", args=[registration.participant_id])


def doc(registration: Registration) -> str:
    document = Document.objects.get(participant=registration.participant)
    return reverse("registration:document", args=[document.public_id])


# (user fixture, may open the Tebet participant, may open the Gambir participant)
MATRIX = [
    ("entrepreneur", True, False),
    ("other_entrepreneur", False, True),
    ("mentor_tebet", True, False),
    ("mentor_gambir", False, True),
    ("secretariat_tebet", True, False),
    ("secretariat_gambir", False, True),
    ("agency_staff", True, True),
    ("partner_user", False, False),
]


@pytest.mark.parametrize(("who", "sees_tebet", "sees_gambir"), MATRIX)
def test_participant_pages_and_documents(
    client: Client,
    request: pytest.FixtureRequest,
    tebet: Registration,
    gambir: Registration,
    who: str,
    sees_tebet: bool,
    sees_gambir: bool,
) -> None:
    login(client, request.getfixturevalue(who))
    for registration, allowed in ((tebet, sees_tebet), (gambir, sees_gambir)):
        expected = 200 if allowed else 404
        assert client.get(page(registration)).status_code == expected, (who, registration.kecamatan)
        assert client.get(doc(registration)).status_code == expected, (who, registration.kecamatan)


def test_anonymous_is_sent_to_log_in(client: Client, tebet: Registration) -> None:
    for url in (page(tebet), doc(tebet), reverse("registration:queue"), reverse("registration:participants")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_a_draft_document_is_only_its_owners(client: Client, entrepreneur: User, agency_staff: User) -> None:
    from registration.models import Draft

    draft = Draft.objects.create(user=entrepreneur)
    document = document_attach(
        kind="ktp", upload=upload(), content_type="image/png", acting_user=entrepreneur, draft=draft
    )
    url = reverse("registration:document", args=[document.public_id])
    login(client, entrepreneur)
    assert client.get(url).status_code == 200
    login(client, agency_staff)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("who", "status", "names"),
    [
        ("mentor_tebet", 200, {"Tebet"}),
        ("secretariat_gambir", 200, {"Gambir"}),
        ("agency_staff", 200, {"Tebet", "Gambir"}),
        ("entrepreneur", 403, set()),
        ("partner_user", 403, set()),
    ],
)
def test_participant_list_is_scoped(
    client: Client,
    request: pytest.FixtureRequest,
    tebet: Registration,
    gambir: Registration,
    who: str,
    status: int,
    names: set[str],
) -> None:
    login(client, request.getfixturevalue(who))
    response = client.get(reverse("registration:participants"))
    assert response.status_code == status
    if status == 200:
        assert {p.kecamatan.name for p in response.context["page"].items} == names
        html = response.content.decode()
        assert tebet.participant.nik not in html and gambir.participant.nik not in html


def test_participant_list_runs_a_fixed_number_of_queries(
    client: Client, agency_staff: User, django_assert_max_num_queries: Any
) -> None:
    RegistrationFactory.create_batch(30)
    login(client, agency_staff)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("registration:participants"))
    assert len(response.context["page"].items) == 25


def test_nik_never_appears_in_urls(client: Client, secretariat_tebet: User, tebet: Registration) -> None:
    login(client, secretariat_tebet)
    html = client.get(reverse("registration:queue")).content.decode()
    import re

    for href in re.findall(r'href="([^"]+)"', html):
        assert tebet.participant.nik not in href
