"""The breach-notice aid: whose data a key, a partner or a staff account read in a window, each person with how
many times and the first and last time; exported through the exports machinery; agency staff and administrators
only; bad input refused; a fixed number of queries however many reads."""

import datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuthenticatorDevice, Role, User
from accounts.tests.factories import UserFactory
from core import audit
from exports.models import Export
from exports.tests.support import ask, column, content, table
from partners.choices import Step
from partners.forms import DATETIME_FORMAT
from partners.models import PartnerKey, PartnerOrganisation
from partners.tests.factories import PartnerOrganisationFactory, agreement_in_force, issue_key
from partners.tests.test_data_saya import add_reads
from privacy.exports import LIST_NAME
from registration.models import DocumentEvent, Participant
from registration.tests.factories import ParticipantFactory

from .support import document, registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def unj(agency_staff: User) -> PartnerOrganisation:
    organisation: PartnerOrganisation = PartnerOrganisationFactory(name="Universitas Negeri Jakarta")
    issue_key(agreement_in_force(organisation, steps=[Step.P2], staff=agency_staff), staff=agency_staff)
    organisation.refresh_from_db()
    return organisation


@pytest.fixture
def people(entrepreneur: User, other_entrepreneur: User) -> list[Participant]:
    return [registered(entrepreneur), registered(other_entrepreneur, full_name="Budi Santoso")]


def window(**extra: str) -> dict[str, str]:
    now = timezone.localtime()
    return {
        "start": (now - datetime.timedelta(days=3)).strftime(DATETIME_FORMAT),
        "end": (now + datetime.timedelta(minutes=5)).strftime(DATETIME_FORMAT),
        **extra,
    }


def breach(client: Client, query: dict[str, str]) -> Any:
    return client.get(reverse("privacy:breach") + "?" + urlencode(query), HTTP_ACCEPT_LANGUAGE="en")


def shown(response: Any) -> dict[str, int]:
    return {person.full_name: person.reads for person in response.context["page"].items}


# --- what it lists --------------------------------------------------------------------------------------------


def test_a_keys_reads_in_the_window_by_person(
    client: Client, agency_staff: User, unj: PartnerOrganisation, people: list[Participant]
) -> None:
    siti, budi = people
    add_reads(unj, siti, 5, days_ago=1)
    add_reads(unj, budi, 2, days_ago=2)
    add_reads(unj, budi, 4, days_ago=20)  # before the window
    key = PartnerKey.objects.get(organisation=unj)
    client.force_login(agency_staff)
    response = breach(client, window(key=key.prefix))
    assert response.status_code == 200
    assert shown(response) == {"Siti Rahayu": 5, "Budi Santoso": 2}
    assert response.context["total"] == 2
    first = response.context["page"].items[0]
    assert first.full_name == "Siti Rahayu" and (first.last_at - first.first_at) == datetime.timedelta(minutes=4)
    html = response.content.decode()
    assert "UU PDP art. 46" in html and siti.nik_masked in html and siti.nik not in html
    assert shown(breach(client, window(organisation=str(unj.pk)))) == {"Siti Rahayu": 5, "Budi Santoso": 2}


def test_a_staff_accounts_opened_and_changed_records_by_person(
    client: Client, agency_staff: User, secretariat_tebet: User, people: list[Participant]
) -> None:
    siti, budi = people
    siti_ktp, budi_ktp = document(siti), document(budi)
    for _ in range(3):
        audit.record_view(siti_ktp, user=secretariat_tebet)
    audit.record_view(budi_ktp, user=secretariat_tebet)
    with audit.acting(secretariat_tebet):
        siti.business.workers = 7
        siti.business.save()
    client.force_login(agency_staff)
    response = breach(client, window(account="Sekretariat.Tebet@example.id"))
    assert response.status_code == 200
    assert shown(response) == {"Siti Rahayu": 4, "Budi Santoso": 1}
    assert response.context["total"] == 2
    # another account touched nobody
    assert shown(breach(client, window(account=agency_staff.email or ""))) == {}


def test_a_staff_accounts_changes_to_an_entrepreneurs_account_are_listed(
    client: Client, agency_staff: User, secretariat_tebet: User, people: list[Participant]
) -> None:
    """Staff change an entrepreneur's email or phone, or reset their second factor, on the account: the person is
    listed; an account of someone not registered (no participant) is not."""
    siti, budi = people
    with audit.acting(secretariat_tebet):
        siti.user.phone = "+6281234599999"
        siti.user.save()
        AuthenticatorDevice.objects.create(user=budi.user, name="Ponsel", confirmed=False)
        UserFactory(email="belum@example.id").save()
    client.force_login(agency_staff)
    response = breach(client, window(account=secretariat_tebet.email or ""))
    assert shown(response) == {"Siti Rahayu": 1, "Budi Santoso": 1}


def test_one_action_is_one_time_and_only_the_windows_events_count(
    client: Client, agency_staff: User, secretariat_tebet: User, people: list[Participant]
) -> None:
    """A change writing several rows is one time; an event outside the window does not count though its context
    is inside it; a participant removed since is neither listed nor in the total."""
    siti, budi = people
    # made first: a test is one transaction, and an action's context lasts to its end
    budi_ktp, gone_ktp = document(budi), document(ParticipantFactory(full_name="Sudah Dihapus"))
    with audit.acting(secretariat_tebet):
        siti.business.workers = 7
        siti.business.save()
        siti.phone = "+6281234599999"
        siti.save()  # the same action: one context, two rows
    audit.record_view(budi_ktp, user=secretariat_tebet)
    audit.record_view(gone_ktp, user=secretariat_tebet)
    DocumentEvent.objects.filter(pgh_obj=budi_ktp).update(pgh_created_at=timezone.now() - datetime.timedelta(days=5))
    DocumentEvent.objects.filter(pgh_obj=gone_ktp).update(participant_id=999_999_999)  # a deleted participant's
    client.force_login(agency_staff)
    response = breach(client, window(account=secretariat_tebet.email or ""))
    assert shown(response) == {"Siti Rahayu": 1}
    assert response.context["total"] == 1


def test_the_list_exports_as_csv_and_xlsx_with_the_contacts_and_no_nik(
    client: Client, agency_staff: User, unj: PartnerOrganisation, people: list[Participant]
) -> None:
    siti, budi = people
    add_reads(unj, siti, 3, days_ago=1)
    add_reads(unj, budi, 1, days_ago=1)
    client.force_login(agency_staff)
    query = urlencode(window(organisation=str(unj.pk)))
    siti.phone, siti.email = "+6281234599999", "siti.rumah@example.id"
    siti.save()
    exported = content(ask(client, LIST_NAME, "csv", query))
    rows = table(exported)
    assert rows[0] == ["Name", "Mobile number", "Email", "Kecamatan", "Times", "First time", "Last time"]
    assert column(rows, "Name") == ["Siti Rahayu", "Budi Santoso"]
    assert column(rows, "Mobile number") == ["'+6281234599999", budi.phone]  # a spreadsheet formula refused
    assert column(rows, "Email") == ["siti.rumah@example.id", budi.email]
    assert column(rows, "Kecamatan") == [siti.kecamatan.name, budi.kecamatan.name]
    text = exported.decode()
    assert siti.nik not in text and siti.nik_masked not in text and budi.nik not in text
    assert column(rows, "Times") == ["3", "1"]
    assert column(table(content(ask(client, LIST_NAME, "xlsx", query)), "xlsx"), "Times") == [3, 1]
    export = Export.objects.filter(list_name=LIST_NAME).first()
    assert export is not None and export.row_count == 2 and export.params["organisation"] == str(unj.pk)


# --- bad input --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"key": "nokey123"}, "key"),
        ({"account": "nobody@example.id"}, "account"),
        ({"account": "siti@example.id"}, "account"),  # an entrepreneur is no staff account
        ({"organisation": "999999"}, "organisation"),
        ({}, "__all__"),
    ],
)
def test_an_unknown_choice_is_refused(
    client: Client, agency_staff: User, people: list[Participant], query: dict[str, str], field: str
) -> None:
    client.force_login(agency_staff)
    response = breach(client, window(**query))
    assert response.status_code == 400 and field in response.context["form"].errors


def test_a_window_ending_before_it_starts_or_too_long_is_refused(
    client: Client, agency_staff: User, unj: PartnerOrganisation, secretariat_tebet: User
) -> None:
    client.force_login(agency_staff)
    now = timezone.localtime()
    backwards = {
        "start": now.strftime(DATETIME_FORMAT),
        "end": (now - datetime.timedelta(hours=1)).strftime(DATETIME_FORMAT),
    }
    too_long = {
        "start": (now - datetime.timedelta(days=40)).strftime(DATETIME_FORMAT),
        "end": now.strftime(DATETIME_FORMAT),
    }
    for choice in ({"organisation": str(unj.pk)}, {"account": secretariat_tebet.email or ""}):
        for dates, code in ((backwards, "end_before_start"), (too_long, "window_too_long")):
            response = breach(client, {**choice, **dates})
            assert response.status_code == 400
            assert response.context["form"].has_error("end", code), (choice, code)


def test_two_choices_at_once_are_refused(
    client: Client, agency_staff: User, unj: PartnerOrganisation, secretariat_tebet: User
) -> None:
    client.force_login(agency_staff)
    response = breach(client, window(organisation=str(unj.pk), account=secretariat_tebet.email or ""))
    assert response.status_code == 400 and response.context["form"].has_error("__all__", "two_choices")


def test_the_export_refuses_a_bad_filter(client: Client, agency_staff: User) -> None:
    client.force_login(agency_staff)
    response = ask(client, LIST_NAME, "csv", urlencode(window(key="nokey123")))
    assert response.status_code == 400
    assert not Export.objects.exists()


# --- who may ------------------------------------------------------------------------------------------------------


def test_nothing_asked_shows_the_form_with_the_last_72_hours(client: Client, agency_staff: User) -> None:
    client.force_login(agency_staff)
    response = client.get(reverse("privacy:breach"))
    assert response.status_code == 200 and "page" not in response.context


def test_an_administrator_may(client: Client, unj: PartnerOrganisation) -> None:
    client.force_login(UserFactory(email="admin@example.id", role=Role.ADMINISTRATOR, is_staff=True))
    assert breach(client, window(organisation=str(unj.pk))).status_code == 200


@pytest.mark.parametrize(
    "role", ["entrepreneur", "mentor_tebet", "secretariat_tebet", "secretariat_gambir", "partner_user"]
)
def test_everyone_else_is_refused(
    client: Client, role: str, request: pytest.FixtureRequest, unj: PartnerOrganisation
) -> None:
    client.force_login(request.getfixturevalue(role))
    assert breach(client, window(organisation=str(unj.pk))).status_code == 403
    response = ask(client, LIST_NAME, "csv", urlencode(window(organisation=str(unj.pk))))
    assert response.status_code == 403
    assert not Export.objects.exists()


def test_anonymous_is_sent_to_log_in(client: Client) -> None:
    response = client.get(reverse("privacy:breach"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


# --- fixed queries --------------------------------------------------------------------------------------------


def test_the_list_takes_a_fixed_number_of_queries(
    client: Client,
    agency_staff: User,
    secretariat_tebet: User,
    unj: PartnerOrganisation,
    django_assert_num_queries: Any,
) -> None:
    client.force_login(agency_staff)
    participants = [ParticipantFactory() for _ in range(60)]
    ktps = [document(p) for p in participants]
    for many in (False, True):
        for person, ktp in list(zip(participants, ktps, strict=True))[: 60 if many else 3]:
            add_reads(unj, person, 4 if many else 1, days_ago=1)
            audit.record_view(ktp, user=secretariat_tebet)
        # session, user, the organisation chosen, the people of the page, the count of different people, and the
        # form's lists of partners and keys
        with django_assert_num_queries(7):
            assert breach(client, window(organisation=str(unj.pk))).status_code == 200
        # session, user, the account, the trail's counts (one union), the people of the page, the form's lists
        with django_assert_num_queries(7):
            assert breach(client, window(account=secretariat_tebet.email or "")).status_code == 200
    response = breach(client, window(account=secretariat_tebet.email or ""))
    assert len(response.context["page"].items) == 50 and response.context["total"] == 60
    assert response.context["page"].has_next
