"""Partners' reads for staff: who may see them, the list of one partner's or one key's reads in a window, the
number of participants read, the CSV of the same list, revoking the key from there, bad input, and queries."""

import csv
import datetime
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from partners import services
from partners.choices import KeyKind, OrganisationKind, Purpose, Step
from partners.forms import DATETIME_FORMAT
from partners.models import AccessLog, Agreement, PartnerKey, PartnerOrganisation
from partners.tests.factories import PartnerOrganisationFactory, agreement_in_force, api_client, consent
from registration.models import Participant
from registration.tests.conftest import login
from registration.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    """The pages in English, the language the tests read (the portal's default is Bahasa Indonesia)."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


READS = reverse("partners:staff_reads")
CSV = reverse("partners:staff_reads_csv")


def _key(agreement: Agreement, staff: User, name: str) -> PartnerKey:
    key, _secret = services.key_issue(
        agreement=agreement, name=name, kind=KeyKind.PARTNER, expires_at=None, acting_user=staff
    )
    return key


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime(DATETIME_FORMAT)


@pytest.fixture
def world(agency_staff: User) -> dict[str, Any]:
    """Two partners; Shopee with two keys. Reads: Siti by key A an hour ago, Budi by key A five days ago,
    Siti by key B two hours ago, Siti by Bank DKI an hour ago."""
    now = timezone.now()
    shopee = PartnerOrganisationFactory(name="Shopee", kind=OrganisationKind.MARKETPLACE)
    bank = PartnerOrganisationFactory(name="Bank DKI", kind=OrganisationKind.BANK)
    agreement = agreement_in_force(shopee, steps=[Step.P2, Step.P5], staff=agency_staff)
    key_a, key_b = _key(agreement, agency_staff, "Sistem A"), _key(agreement, agency_staff, "Sistem B")
    bank_key = _key(agreement_in_force(bank, steps=[Step.P7], staff=agency_staff), agency_staff, "Bank")
    siti, budi = RegistrationFactory().participant, RegistrationFactory().participant
    hour = datetime.timedelta(hours=1)
    rows = [
        (key_a, siti, now - hour, "/api/v1/participants/1/"),
        (key_a, budi, now - 5 * 24 * hour, "/api/v1/participants/"),
        (key_b, siti, now - 2 * hour, "/api/v1/participants/"),
        (bank_key, siti, now - hour, "/api/v1/participants/"),
    ]
    AccessLog.objects.bulk_create(
        AccessLog(key=key, organisation_id=key.organisation_id, participant=person, endpoint=endpoint, at=at)
        for key, person, at, endpoint in rows
    )
    return {"shopee": shopee, "bank": bank, "a": key_a, "b": key_b, "bank_key": bank_key, "siti": siti, "budi": budi}


def test_anonymous_is_sent_to_login(client: Client) -> None:
    for url in (READS, CSV):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("fixture", ["entrepreneur", "mentor_tebet", "secretariat_tebet", "partner_user"])
def test_other_roles_are_refused(
    client: Client, fixture: str, request: pytest.FixtureRequest, world: dict[str, Any]
) -> None:
    login(client, request.getfixturevalue(fixture))
    assert client.get(READS, {"organisation": world["shopee"].pk}).status_code == 403
    assert client.get(CSV, {"organisation": world["shopee"].pk}).status_code == 403


def test_without_a_choice_the_form_shows_the_last_72_hours(client: Client, agency_staff: User) -> None:
    login(client, agency_staff)
    response = client.get(READS)
    assert response.status_code == 200 and "page" not in response.context
    form = response.context["form"]
    start = datetime.datetime.strptime(form["start"].value(), DATETIME_FORMAT)
    end = datetime.datetime.strptime(form["end"].value(), DATETIME_FORMAT)
    assert end - start == datetime.timedelta(hours=72)
    assert "Choose a partner or one key" in response.content.decode()


def test_a_partners_reads_in_the_default_window_newest_first(
    client: Client, agency_staff: User, world: dict[str, Any]
) -> None:
    login(client, agency_staff)
    response = client.get(READS, {"organisation": world["shopee"].pk})
    assert response.status_code == 200
    reads = response.context["page"].items
    assert [(read.key.name, read.participant_id) for read in reads] == [
        ("Sistem A", world["siti"].pk),
        ("Sistem B", world["siti"].pk),
    ]  # Budi's read is older than 72 hours; Bank DKI's is another partner's
    assert response.context["participants"] == 1
    html = response.content.decode()
    assert world["siti"].masked_nik in html and world["siti"].nik not in html
    assert "1 different participant read" in html
    assert "Revoke key" not in html  # a partner chosen, not one key


def test_a_wider_window_and_one_key(client: Client, agency_staff: User, world: dict[str, Any]) -> None:
    login(client, agency_staff)
    now = timezone.now()
    window = {"start": _local(now - datetime.timedelta(days=7)), "end": _local(now)}
    response = client.get(READS, {"key": world["a"].prefix, **window})
    assert [read.participant_id for read in response.context["page"].items] == [world["siti"].pk, world["budi"].pk]
    assert response.context["participants"] == 2
    revoke = reverse("partners:staff_key_revoke", args=[world["a"].prefix])
    assert revoke in response.content.decode()
    # a window that ends before the recent reads
    earlier = {"start": window["start"], "end": _local(now - datetime.timedelta(days=1))}
    response = client.get(READS, {"organisation": world["shopee"].pk, **earlier})
    assert [read.participant_id for read in response.context["page"].items] == [world["budi"].pk]


def test_the_end_minute_is_included(client: Client, agency_staff: User, world: dict[str, Any]) -> None:
    """ "To 14:05" includes a read at 14:05:40."""
    read = AccessLog.objects.filter(key=world["bank_key"]).get()
    login(client, agency_staff)
    response = client.get(
        READS,
        {
            "key": world["bank_key"].prefix,
            "start": _local(read.at - datetime.timedelta(hours=1)),
            "end": _local(read.at),
        },
    )
    assert [item.pk for item in response.context["page"].items] == [read.pk]


def test_revoking_the_key_from_the_reads_list(client: Client, agency_staff: User, world: dict[str, Any]) -> None:
    login(client, agency_staff)
    response = client.get(READS, {"key": world["a"].prefix})
    back = response.context["back"]
    revoke = reverse("partners:staff_key_revoke", args=[world["a"].prefix])
    confirm = client.get(revoke, {"next": back})
    assert confirm.status_code == 200 and f'value="{back}"'.replace("&", "&amp;") in confirm.content.decode()
    done = client.post(revoke, {"next": back})
    assert done.status_code == 302 and done["Location"] == back
    world["a"].refresh_from_db()
    assert world["a"].revoked
    assert "This key is revoked" in client.get(back).content.decode()


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"start": "2026-03-10T10:00", "end": "2026-03-09T10:00"}, "end", "The end is before the start."),
        ({"start": "2026-01-01T00:00", "end": "2026-02-05T00:00"}, "end", "Choose a window of at most 31 days."),
        ({"start": "kemarin"}, "start", "Enter a valid date/time."),
        ({"key": "nokey123"}, "key", "There is no key with this prefix."),
        ({"organisation": "999999"}, "organisation", "There is no such partner."),
    ],
)
def test_bad_input_is_a_clear_form_error(
    client: Client, agency_staff: User, world: dict[str, Any], query: dict[str, str], field: str, message: str
) -> None:
    login(client, agency_staff)
    response = client.get(READS, {"organisation": world["shopee"].pk, **query})
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert message in response.content.decode()
    assert "page" not in response.context
    assert client.get(CSV, {"organisation": world["shopee"].pk, **query}).status_code == 400


def test_a_key_of_another_partner_or_no_choice_is_refused(
    client: Client, agency_staff: User, world: dict[str, Any]
) -> None:
    login(client, agency_staff)
    response = client.get(READS, {"organisation": world["shopee"].pk, "key": world["bank_key"].prefix})
    assert response.status_code == 400
    assert response.context["form"].errors["key"] == ["This key is not one of the partner's."]
    response = client.get(READS, {"start": "2026-03-09T10:00"})
    assert (
        response.status_code == 400 and "Choose a partner or one key." in response.context["form"].non_field_errors()
    )


def test_the_csv_is_the_same_filtered_list(client: Client, agency_staff: User, world: dict[str, Any]) -> None:
    Participant.objects.filter(pk=world["siti"].pk).update(full_name="=HYPERLINK(1)")
    login(client, agency_staff)
    response = client.get(CSV, {"organisation": world["shopee"].pk})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="akses-mitra-')
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert lines[0] == ["Read at", "Key", "Key prefix", "Partner", "Participant", "NIK (masked)", "Endpoint"]
    assert [line[1:6] for line in lines[1:]] == [
        ["Sistem A", world["a"].prefix, "Shopee", "'=HYPERLINK(1)", world["siti"].masked_nik],
        ["Sistem B", world["b"].prefix, "Shopee", "'=HYPERLINK(1)", world["siti"].masked_nik],
    ]
    assert world["siti"].nik not in body


def test_a_real_api_read_is_listed(client: Client, agency_staff: User) -> None:
    organisation = PartnerOrganisationFactory(name="Tokopedia", kind=OrganisationKind.MARKETPLACE)
    agreement = agreement_in_force(organisation, steps=[Step.P2], staff=agency_staff)
    key, secret = services.key_issue(
        agreement=agreement, name="Toko", kind=KeyKind.PARTNER, expires_at=None, acting_user=agency_staff
    )
    siti = RegistrationFactory().participant
    consent(siti, organisation, Purpose.TRAINING)
    assert api_client(secret).get(f"/api/v1/participants/{siti.pk}/").status_code == 200
    login(client, agency_staff)
    reads = client.get(READS, {"key": key.prefix}).context["page"].items
    assert [(read.participant_id, read.endpoint) for read in reads] == [(siti.pk, f"/api/v1/participants/{siti.pk}/")]


def test_the_list_and_csv_run_a_fixed_number_of_queries(
    client: Client, agency_staff: User, django_assert_max_num_queries: Any
) -> None:
    organisation: PartnerOrganisation = PartnerOrganisationFactory()
    agreement = agreement_in_force(organisation, steps=[Step.P2], staff=agency_staff)
    keys = [_key(agreement, agency_staff, f"Kunci {n}") for n in range(3)]
    people = [RegistrationFactory().participant for _n in range(20)]
    now = timezone.now()
    AccessLog.objects.bulk_create(
        AccessLog(
            key=keys[n % 3],
            organisation=organisation,
            participant=people[n % 20],
            endpoint="/api/v1/participants/",
            at=now - datetime.timedelta(minutes=n),
        )
        for n in range(200)
    )
    login(client, agency_staff)
    client.get(READS)
    with django_assert_max_num_queries(7):
        response = client.get(READS, {"organisation": organisation.pk})
    assert len(response.context["page"].items) == 50 and response.context["participants"] == 20
    with django_assert_max_num_queries(7):
        assert len(client.get(READS, {"organisation": organisation.pk, "page": 4}).context["page"].items) == 50
    with django_assert_max_num_queries(7):
        response = client.get(CSV, {"organisation": organisation.pk})
        assert len(b"".join(response.streaming_content).splitlines()) == 201
