"""Agency staff keep the kecamatan offices' contact details; the service checks and records every change."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from conftest import PASSWORD
from core import audit
from geography.models import KecamatanOffice
from geography.permissions import can_edit_office
from geography.services import office_update

pytestmark = pytest.mark.django_db

CONTACT = {
    "address": "Kantor Kecamatan Tebet, Jl. Contoh No. 1",
    "phone": "0811-0000-0001",
    "whatsapp": "+62 811 0000 0002",
    "email": "tebet@example.id",
    "opening_hours": "Senin-Jumat 08.00-16.00",
}


def tebet_office() -> KecamatanOffice:
    return KecamatanOffice.objects.get(kecamatan__name="Tebet")


def login(client: Client, user: User) -> Client:
    assert client.login(username=user.email, password=PASSWORD)
    return client


def test_agency_staff_may_edit_an_office_a_mentor_may_not(agency_staff: User, mentor_tebet: User) -> None:
    assert can_edit_office(agency_staff, tebet_office())
    decision = can_edit_office(mentor_tebet, tebet_office())
    assert not decision and decision.code == "office_not_agency"
    with pytest.raises(ValidationError) as exc:
        office_update(office=tebet_office(), **CONTACT, acting_user=mentor_tebet)
    assert exc.value.code == "office_not_agency"
    assert tebet_office().address == ""


def test_the_service_normalises_phones_and_records_the_actor(agency_staff: User) -> None:
    office = office_update(office=tebet_office(), **CONTACT, acting_user=agency_staff)
    assert (office.phone, office.whatsapp) == ("+6281100000001", "+6281100000002")
    with translation.override("en"):
        change = audit.history_of(office)[0]
    assert change.kind == "updated"
    assert change.actor == str(agency_staff)
    assert ("phone", "+6281100000001") in [(c.field, c.after) for c in change.changes]


def test_a_bad_phone_is_refused_with_a_message_and_nothing_is_saved(agency_staff: User) -> None:
    with pytest.raises(ValidationError) as exc:
        office_update(
            office=tebet_office(), **{**CONTACT, "whatsapp": "12345", "email": "nope"}, acting_user=agency_staff
        )
    assert set(exc.value.message_dict) == {"whatsapp", "email"}
    assert exc.value.message_dict["whatsapp"]
    assert tebet_office().address == ""
    assert len(audit.history_of(tebet_office())) == 1  # only its creation


def test_agency_staff_edit_an_office_in_the_admin(client: Client, agency_staff: User) -> None:
    office = tebet_office()
    login(client, agency_staff)
    url = reverse("admin:geography_kecamatanoffice_change", args=[office.pk])
    assert client.get(reverse("admin:geography_kecamatanoffice_changelist")).status_code == 200
    response = client.post(url, CONTACT)
    assert response.status_code == 302, response.context["adminform"].form.errors
    office.refresh_from_db()
    assert (office.address, office.phone) == (CONTACT["address"], "+6281100000001")
    with translation.override("en"):
        change = audit.history_of(office)[0]
    assert (change.actor, change.channel) == (str(agency_staff), "admin")


def test_a_bad_phone_in_the_admin_shows_on_the_form(client: Client, agency_staff: User) -> None:
    office = tebet_office()
    login(client, agency_staff)
    url = reverse("admin:geography_kecamatanoffice_change", args=[office.pk])
    response = client.post(url, {**CONTACT, "phone": "021-123"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["phone"]
    office.refresh_from_db()
    assert office.phone == ""


def test_a_mentor_cannot_reach_the_office_admin(client: Client, mentor_tebet: User) -> None:
    mentor_tebet.is_staff = True
    mentor_tebet.save()
    login(client, mentor_tebet)
    office = tebet_office()
    assert client.get(reverse("admin:geography_kecamatanoffice_change", args=[office.pk])).status_code in (302, 403)
    response = client.post(reverse("admin:geography_kecamatanoffice_change", args=[office.pk]), CONTACT)
    assert response.status_code in (302, 403)
    office.refresh_from_db()
    assert office.address == ""


def test_reference_data_stays_read_only_for_agency_staff(client: Client, agency_staff: User) -> None:
    login(client, agency_staff)
    tebet = tebet_office().kecamatan
    page = client.get(reverse("admin:geography_kecamatan_change", args=[tebet.pk]))
    assert page.context["has_change_permission"] is False


def test_demo_offices_only_with_debug(settings: object) -> None:
    from django.core.management import CommandError, call_command

    settings.DEBUG = False  # type: ignore[attr-defined]
    with pytest.raises(CommandError):
        call_command("seed_offices_demo")
    settings.DEBUG = True  # type: ignore[attr-defined]
    call_command("seed_offices_demo")
    assert tebet_office().phone.startswith("+62811000000")
    assert KecamatanOffice.objects.exclude(opening_hours="").count() == 44
