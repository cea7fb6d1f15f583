"""The admin of P4: licence types created and changed through the services (their rules shown on the form), never
deleted; requests and licences read-only, requests moved by actions through the services; fixed queries."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core import audit
from licensing.choices import RequestStatus
from licensing.models import Licence, LicenceRequest, LicenceType
from licensing.tests.factories import LicenceFactory, LicenceRequestFactory, licence_type
from registration.models import Participant
from registration.tests.conftest import login

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "admin:licensing_licencetype_changelist",
    "admin:licensing_licencerequest_changelist",
    "admin:licensing_licence_changelist",
]


def type_form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": "izin-edar-pkrt",
        "name": "Izin Edar PKRT",
        "description": "Perbekalan kesehatan rumah tangga.",
        "issuer": "Kementerian Kesehatan",
        "official_url": "regalkes.kemkes.go.id",
        "documents_needed": "NIB\r\nLabel produk\r\n\r\n",
        "prerequisites": [licence_type("nib").pk],
        "validity_months": "60",
        "reminder_days": "120",
        "number_digits": "",
        "active": "on",
        "position": "80",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize("url_name", CHANGELISTS)
def test_changelists_run_a_fixed_number_of_queries(
    client: Client, agency_staff: User, url_name: str, django_assert_max_num_queries: Any
) -> None:
    login(client, agency_staff)
    LicenceRequestFactory()
    LicenceFactory()
    client.get(reverse(url_name))
    for _ in range(15):
        LicenceRequestFactory(licence_type=licence_type("merek"))
        LicenceFactory(licence_type=licence_type("merek"))
    with django_assert_max_num_queries(10):
        assert client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize("who", ["mentor_tebet", "secretariat_tebet", "entrepreneur"])
def test_only_agency_staff_reach_the_admin(client: Client, request: pytest.FixtureRequest, who: str) -> None:
    login(client, request.getfixturevalue(who))
    assert client.get(reverse("admin:licensing_licencetype_changelist")).status_code == 302


def test_a_type_is_created_through_the_service_with_its_documents_one_per_line(
    client: Client, agency_staff: User
) -> None:
    login(client, agency_staff)
    response = client.post(reverse("admin:licensing_licencetype_add"), type_form())
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    made = LicenceType.objects.get(code="izin-edar-pkrt")
    assert made.documents_needed == ["NIB", "Label produk"]
    assert made.official_url == "https://regalkes.kemkes.go.id"
    assert list(made.prerequisites.values_list("code", flat=True)) == ["nib"]
    [created] = audit.history_of(made)
    assert created.actor == str(agency_staff) and created.channel == str(audit.Channel.ADMIN.label)


def test_a_type_is_changed_through_the_service_and_its_code_stays(client: Client, agency_staff: User) -> None:
    pirt = licence_type("pirt")
    login(client, agency_staff)
    data = type_form(code=None, name=pirt.name, reminder_days="200", prerequisites=[licence_type("nib").pk])
    response = client.post(reverse("admin:licensing_licencetype_change", args=[pirt.pk]), data)
    assert response.status_code == 302
    pirt.refresh_from_db()
    assert pirt.code == "pirt" and pirt.reminder_days == 200 and pirt.documents_needed == ["NIB", "Label produk"]


@pytest.mark.parametrize(
    ("code", "changes", "field"),
    [
        ("nib", {"prerequisites": ["__self__"]}, "prerequisites"),
        ("nib", {"prerequisites": ["__pirt__"]}, "prerequisites"),
        ("pirt", {"is_business_number": "on"}, "is_business_number"),
        ("pirt", {"validity_months": "0"}, "validity_months"),
        ("pirt", {"official_url": "bukan alamat"}, "official_url"),
        ("pirt", {"documents_needed": "NIB\r\n" + "x" * 201}, "documents_needed"),
    ],
)
def test_a_types_rules_are_shown_on_the_form(
    client: Client, agency_staff: User, code: str, changes: dict[str, Any], field: str
) -> None:
    edited = licence_type(code)
    picks = {"__self__": edited.pk, "__pirt__": licence_type("pirt").pk}
    if "prerequisites" in changes:
        changes = {"prerequisites": [picks[p] for p in changes["prerequisites"]]}
    login(client, agency_staff)
    data = type_form(code=None, name=edited.name, **changes)
    response = client.post(reverse("admin:licensing_licencetype_change", args=[edited.pk]), data)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    edited.refresh_from_db()
    assert edited.name != "Izin Edar PKRT" and edited.reminder_days != 120


def test_types_are_never_deleted(client: Client, agency_staff: User) -> None:
    login(client, agency_staff)
    assert client.get(reverse("admin:licensing_licencetype_delete", args=[licence_type("nib").pk])).status_code == 403


def test_requests_and_licences_are_read_only(client: Client, agency_staff: User) -> None:
    licence_request = LicenceRequestFactory()
    licence = LicenceFactory()
    login(client, agency_staff)
    assert client.get(reverse("admin:licensing_licencerequest_change", args=[licence_request.pk])).status_code == 200
    html = client.get(reverse("admin:licensing_licence_change", args=[licence.pk])).content.decode()
    assert licence.number in html
    response = client.post(
        reverse("admin:licensing_licencerequest_change", args=[licence_request.pk]), {"status": "issued"}
    )
    assert response.status_code == 403
    licence_request.refresh_from_db()
    assert licence_request.status == RequestStatus.REQUESTED
    assert client.get(reverse("admin:licensing_licence_add")).status_code == 403


def test_actions_move_requests_through_the_service(
    client: Client, agency_staff: User, siti: Participant, entrepreneur: User
) -> None:
    waiting = LicenceRequestFactory(participant=siti)
    complete = LicenceRequestFactory(participant=siti, licence_type=licence_type("merek"), status="documents")
    login(client, agency_staff)
    url = reverse("admin:licensing_licencerequest_changelist")
    response = client.post(
        url, {"action": "mark_submitted", "_selected_action": [waiting.pk, complete.pk]}, follow=True
    )
    waiting.refresh_from_db()
    complete.refresh_from_db()
    assert waiting.status == RequestStatus.REQUESTED and complete.status == RequestStatus.SUBMITTED
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 2  # one refused (still collecting documents), one moved
    assert complete.moves.get(to_status="submitted").moved_by == agency_staff
    client.post(url, {"action": "mark_documents_complete", "_selected_action": [waiting.pk]})
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.DOCUMENTS_COMPLETE
    assert LicenceRequest.objects.filter(status="issued").count() == 0 and not Licence.objects.exists()


def test_the_types_admin_asks_the_services_rules_as_every_service_admin_does(agency_staff: User) -> None:
    """core.admin.ServiceAdmin's checked form, with the type service's check as its `service_check`."""
    from django.contrib import admin
    from django.core.exceptions import ValidationError

    from core.admin import ServiceAdmin
    from licensing.forms import LicenceTypeForm

    model_admin = admin.site._registry[LicenceType]
    assert isinstance(model_admin, ServiceAdmin)
    nib = licence_type("nib")
    data = LicenceTypeForm(instance=nib).initial | {"prerequisites": [nib], "documents_needed": nib.documents_needed}
    with pytest.raises(ValidationError) as invalid:
        model_admin.service_check(nib, data, agency_staff)
    assert invalid.value.error_dict["prerequisites"][0].code == "own_prerequisite"


def test_the_submit_action_refuses_a_pirt_whose_nib_is_not_held(
    client: Client, agency_staff: User, siti: Participant
) -> None:
    nib = licence_type("nib")
    LicenceRequestFactory(participant=siti, licence_type=nib)  # asked for, not held
    pirt = LicenceRequestFactory(participant=siti, licence_type=licence_type("pirt"), status="documents")
    login(client, agency_staff)
    response = client.post(
        reverse("admin:licensing_licencerequest_changelist"),
        {"action": "mark_submitted", "_selected_action": [pirt.pk]},
        follow=True,
    )
    [shown] = [str(m) for m in response.context["messages"]]
    assert nib.name in shown
    pirt.refresh_from_db()
    assert pirt.status == RequestStatus.DOCUMENTS_COMPLETE
