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


def with_documents(registration: Registration) -> Registration:
    for kind in ("ktp", "plan_statement"):
        document_attach(
            kind=kind,
            upload=upload(),
            content_type="image/png",
            acting_user=registration.participant.user,
            participant=registration.participant,
        )
    return registration


@pytest.fixture
def tebet(entrepreneur: User) -> Registration:
    return with_documents(RegistrationFactory(participant=ParticipantFactory(user=entrepreneur)))


@pytest.fixture
def gambir(other_entrepreneur: User) -> Registration:
    participant = ParticipantFactory(
        user=other_entrepreneur, kecamatan=Kecamatan.objects.get(name="Gambir"), nik="3171015708900003"
    )
    return with_documents(RegistrationFactory(participant=participant))


def page(registration: Registration) -> str:
    return reverse("registration:participant", args=[registration.participant_id])


def doc(registration: Registration, kind: str = "plan_statement") -> str:
    document = Document.objects.get(participant=registration.participant, kind=kind)
    return reverse("registration:document", args=[document.public_id])


# (user fixture, may open the Tebet participant, may open the Gambir participant, may open their KTP scans)
MATRIX = [
    ("entrepreneur", True, False, True),
    ("other_entrepreneur", False, True, True),
    ("mentor_tebet", True, False, False),
    ("mentor_gambir", False, True, False),
    ("secretariat_tebet", True, False, True),
    ("secretariat_gambir", False, True, True),
    ("agency_staff", True, True, True),
    ("partner_user", False, False, False),
]


@pytest.mark.parametrize(("who", "sees_tebet", "sees_gambir", "sees_ktp"), MATRIX)
def test_participant_pages_and_documents(
    client: Client,
    request: pytest.FixtureRequest,
    tebet: Registration,
    gambir: Registration,
    who: str,
    sees_tebet: bool,
    sees_gambir: bool,
    sees_ktp: bool,
) -> None:
    login(client, request.getfixturevalue(who))
    for registration, allowed in ((tebet, sees_tebet), (gambir, sees_gambir)):
        expected = 200 if allowed else 404
        assert client.get(page(registration)).status_code == expected, (who, registration.kecamatan)
        assert client.get(doc(registration)).status_code == expected, (who, registration.kecamatan)
        ktp = 200 if allowed and sees_ktp else 404  # the KTP shows the full NIK: mentors do not need it
        assert client.get(doc(registration, "ktp")).status_code == ktp, (who, registration.kecamatan)


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


@pytest.mark.parametrize(
    ("who", "url_name"),
    [
        ("secretariat_tebet", "registration:queue"),
        ("secretariat_tebet", "registration:participants"),
        ("agency_staff", "admin:registration_participant_changelist"),
        ("agency_staff", "admin:registration_registration_changelist"),
    ],
)
def test_nik_never_appears_in_urls(
    client: Client, request: pytest.FixtureRequest, tebet: Registration, who: str, url_name: str
) -> None:
    import re

    login(client, request.getfixturevalue(who))
    list_html = client.get(reverse(url_name)).content.decode()
    detail_html = client.get(page(tebet)).content.decode()
    hrefs = re.findall(r'(?:href|action|src)="([^"]+)"', list_html + detail_html)
    assert hrefs
    assert not [href for href in hrefs if tebet.participant.nik in href]
