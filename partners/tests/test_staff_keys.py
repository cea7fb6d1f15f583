"""Staff's key pages: who may use them, issuing a key whose secret is shown once and kept only hashed, replacing
and revoking (a key's next call is refused), bad input, and the list's queries."""

import datetime
import logging
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from partners import scope, services
from partners.choices import KeyKind, OrganisationKind, Purpose, Step
from partners.models import AccessLog, Agreement, KeyReadDay, PartnerKey, PartnerOrganisation
from partners.tests.factories import PartnerOrganisationFactory, agreement_in_force, api_client, consent
from registration.tests.conftest import login
from registration.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    """The pages in English, the language the tests read (the portal's default is Bahasa Indonesia)."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


KEYS = reverse("partners:staff_keys")


@pytest.fixture
def shopee(agency_staff: User) -> tuple[PartnerOrganisation, Agreement]:
    organisation = PartnerOrganisationFactory(name="Shopee", kind=OrganisationKind.MARKETPLACE)
    return organisation, agreement_in_force(organisation, steps=[Step.P2, Step.P5], staff=agency_staff)


def _issue(agreement: Agreement, staff: User, name: str = "Sistem mitra") -> tuple[PartnerKey, str]:
    return services.key_issue(agreement=agreement, name=name, kind=KeyKind.PARTNER, expires_at=None, acting_user=staff)


@pytest.mark.parametrize("url_name", ["partners:staff_keys", "partners:staff_key_rotate", "partners:staff_key_revoke"])
def test_anonymous_is_sent_to_login(
    client: Client, shopee: tuple[PartnerOrganisation, Agreement], agency_staff: User, url_name: str
) -> None:
    key, _secret = _issue(shopee[1], agency_staff)
    url = KEYS if url_name == "partners:staff_keys" else reverse(url_name, args=[key.prefix])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert client.post(url).status_code == 302
    key.refresh_from_db()
    assert not key.revoked


@pytest.mark.parametrize("fixture", ["entrepreneur", "mentor_tebet", "secretariat_tebet", "partner_user"])
def test_other_roles_are_refused(
    client: Client,
    shopee: tuple[PartnerOrganisation, Agreement],
    agency_staff: User,
    fixture: str,
    request: pytest.FixtureRequest,
) -> None:
    key, _secret = _issue(shopee[1], agency_staff)
    login(client, request.getfixturevalue(fixture))
    assert client.get(KEYS).status_code == 403
    assert client.post(KEYS, {"agreement": shopee[1].pk, "name": "x", "kind": "partner"}).status_code == 403
    assert client.post(reverse("partners:staff_key_revoke", args=[key.prefix])).status_code == 403
    assert client.post(reverse("partners:staff_key_rotate", args=[key.prefix])).status_code == 403
    key.refresh_from_db()
    assert not key.revoked and PartnerKey.objects.count() == 1


def test_an_administrator_may_manage_keys(client: Client, shopee: tuple[PartnerOrganisation, Agreement]) -> None:
    login(client, UserFactory(role=Role.ADMINISTRATOR, is_staff=True))
    assert client.get(KEYS).status_code == 200


def test_issuing_shows_the_secret_once_and_keeps_only_its_hash(
    client: Client,
    shopee: tuple[PartnerOrganisation, Agreement],
    agency_staff: User,
    caplog: pytest.LogCaptureFixture,
) -> None:
    organisation, agreement = shopee
    login(client, agency_staff)
    with caplog.at_level(logging.DEBUG):
        response = client.post(
            KEYS, {"agreement": agreement.pk, "name": "Onboarding penjual", "kind": KeyKind.PARTNER, "expires_at": ""}
        )
    assert response.status_code == 200  # rendered in the POST's response, never a redirect
    assert response["Cache-Control"].count("no-store") == 1
    secret = response.context["secret"]
    key = PartnerKey.objects.get()
    assert (key.organisation, key.agreement, key.name, key.issued_by) == (
        organisation,
        agreement,
        "Onboarding penjual",
        agency_staff,
    )
    html = response.content.decode()
    assert secret in html and "shown only this once" in html
    assert key.prefix in secret and key.hashed_key != secret and secret not in key.hashed_key
    assert secret not in caplog.text
    assert list(get_messages(response.wsgi_request)) == []
    assert all(secret not in str(value) for value in client.session.values())
    # the secret opens the API; nowhere afterwards is it shown again
    assert api_client(secret).get("/api/v1/participants/").status_code == 200
    assert secret not in client.get(KEYS).content.decode()
    assert secret not in client.get(reverse("partners:staff_key_revoke", args=[key.prefix])).content.decode()


def test_an_expiry_day_lets_the_key_work_through_that_day(
    client: Client, shopee: tuple[PartnerOrganisation, Agreement], agency_staff: User
) -> None:
    login(client, agency_staff)
    day = timezone.localdate() + datetime.timedelta(days=10)
    response = client.post(
        KEYS, {"agreement": shopee[1].pk, "name": "Sementara", "kind": KeyKind.PARTNER, "expires_at": day.isoformat()}
    )
    assert response.status_code == 200
    expiry = PartnerKey.objects.get().expiry_date
    assert expiry is not None and timezone.localtime(expiry).date() == day + datetime.timedelta(days=1)
    assert timezone.localtime(expiry).time() == datetime.time()


def test_bad_input_issues_nothing_and_says_why(
    client: Client, shopee: tuple[PartnerOrganisation, Agreement], agency_staff: User
) -> None:
    login(client, agency_staff)
    yesterday = timezone.localdate() - datetime.timedelta(days=2)
    response = client.post(
        KEYS, {"agreement": shopee[1].pk, "name": "Lama", "kind": KeyKind.PARTNER, "expires_at": yesterday.isoformat()}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["expires_at"] == ["The expiry is in the past."]
    response = client.post(KEYS, {"agreement": shopee[1].pk, "name": "", "kind": "bogus"})
    assert set(response.context["form"].errors) == {"name", "kind"}
    ended = agreement_in_force(PartnerOrganisationFactory(), steps=[Step.P2], staff=agency_staff)
    Agreement.objects.filter(pk=ended.pk).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    response = client.post(KEYS, {"agreement": ended.pk, "name": "x", "kind": KeyKind.PARTNER})
    assert "Choose a signed agreement that has not expired or ended." in response.context["form"].errors["agreement"]
    assert "secret" not in response.context
    assert PartnerKey.objects.count() == 0


def test_revoking_asks_first_then_the_next_call_is_401(
    client: Client, shopee: tuple[PartnerOrganisation, Agreement], agency_staff: User
) -> None:
    key, secret = _issue(shopee[1], agency_staff)
    partner = api_client(secret)
    assert partner.get("/api/v1/participants/").status_code == 200
    login(client, agency_staff)
    url = reverse("partners:staff_key_revoke", args=[key.prefix])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "cannot be undone" in confirm.content.decode()
    key.refresh_from_db()
    assert not key.revoked  # asking is not revoking
    response = client.post(url, {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == f"{KEYS}?agreement={shopee[1].pk}"  # not to another site
    key.refresh_from_db()
    assert key.revoked and key.revoked_at is not None
    assert partner.get("/api/v1/participants/").status_code == 401
    assert "is revoked" in str(next(iter(get_messages(response.wsgi_request))))
    assert "revoked already" in client.get(url).content.decode()


def test_rotating_shows_the_new_secret_once_and_the_old_one_stops(
    client: Client, shopee: tuple[PartnerOrganisation, Agreement], agency_staff: User
) -> None:
    key, old_secret = _issue(shopee[1], agency_staff)
    login(client, agency_staff)
    url = reverse("partners:staff_key_rotate", args=[key.prefix])
    assert client.get(url).status_code == 200
    assert PartnerKey.objects.count() == 1
    response = client.post(url)
    assert response.status_code == 200
    new_secret = response.context["secret"]
    new = PartnerKey.objects.exclude(pk=key.pk).get()
    key.refresh_from_db()
    assert key.revoked and key.replaced_by == new and new.prefix in new_secret
    assert new_secret in response.content.decode() and new_secret != old_secret
    assert api_client(old_secret).get("/api/v1/participants/").status_code == 401
    assert api_client(new_secret).get("/api/v1/participants/").status_code == 200
    # a revoked key cannot be rotated: a clear message, nothing issued
    again = client.post(url)
    assert again.status_code == 302
    assert "issue a new one" in str(next(iter(get_messages(again.wsgi_request))))
    assert PartnerKey.objects.count() == 2


def test_rotate_and_revoke_of_an_unknown_key_are_404(client: Client, agency_staff: User) -> None:
    login(client, agency_staff)
    assert client.post(reverse("partners:staff_key_rotate", args=["nokey123"])).status_code == 404
    assert client.post(reverse("partners:staff_key_revoke", args=["nokey123"])).status_code == 404
    assert client.get(KEYS, {"agreement": "999999"}).status_code == 404


def test_the_list_shows_state_last_use_and_reads_of_one_agreement(
    client: Client, shopee: tuple[PartnerOrganisation, Agreement], agency_staff: User
) -> None:
    organisation, agreement = shopee
    usable, secret = _issue(agreement, agency_staff, name="Dipakai")
    revoked, _s = _issue(agreement, agency_staff, name="Dicabut")
    services.key_revoke(key=revoked, acting_user=agency_staff)
    expired, _s = _issue(agreement, agency_staff, name="Kedaluwarsa")
    PartnerKey.objects.filter(pk=expired.pk).update(expiry_date=timezone.now() - datetime.timedelta(hours=1))
    other = agreement_in_force(PartnerOrganisationFactory(), steps=[Step.P2], staff=agency_staff)
    _issue(other, agency_staff, name="Lain")
    siti = RegistrationFactory().participant
    consent(siti, organisation, Purpose.TRAINING)
    assert api_client(secret).get(f"/api/v1/participants/{siti.pk}/").status_code == 200
    AccessLog.objects.create(
        key=usable,
        organisation=organisation,
        participant=siti,
        endpoint="old",
        at=timezone.now() - datetime.timedelta(days=30),  # the day before the 30 days
    )
    scope.recount_read_days()  # the old read in the counts by day, as a load of the log does
    assert sorted(KeyReadDay.objects.filter(key=usable).values_list("reads", flat=True)) == [1, 1]
    login(client, agency_staff)
    response = client.get(KEYS, {"agreement": agreement.pk})
    states = {key.name: (str(state), key.recent_reads) for key, state in response.context["rows"]}
    assert states == {"Dipakai": ("usable", 1), "Dicabut": ("revoked", 0), "Kedaluwarsa": ("expired", 0)}
    usable.refresh_from_db()
    assert usable.last_used_at is not None
    assert len(client.get(KEYS).context["rows"]) == 4


def test_the_list_runs_a_fixed_number_of_queries(
    client: Client,
    shopee: tuple[PartnerOrganisation, Agreement],
    agency_staff: User,
    django_assert_max_num_queries: Any,
) -> None:
    _organisation, agreement = shopee
    keys = [_issue(agreement, agency_staff, name=f"Kunci {n}")[0] for n in range(30)]
    participants = [RegistrationFactory().participant for _n in range(5)]
    for n in range(200):
        scope.record_reads(keys[n % 30], [participants[n % 5].pk], "x")
    login(client, agency_staff)
    client.get(KEYS)  # the session and the user, once
    with django_assert_max_num_queries(5):
        response = client.get(KEYS)
    assert len(response.context["rows"]) == 25
    assert sum(key.recent_reads for key, _state in response.context["rows"]) > 0
    with django_assert_max_num_queries(5):
        assert len(client.get(KEYS, {"page": 2}).context["rows"]) == 5


def test_staff_home_offers_keys_and_reads(client: Client, agency_staff: User, secretariat_tebet: User) -> None:
    login(client, agency_staff)
    html = client.get(reverse("home")).content.decode()
    assert f'href="{KEYS}"' in html and f'href="{reverse("partners:staff_reads")}"' in html
    assert "Partners and API keys" in html
    login(client, secretariat_tebet)
    html = client.get(reverse("home")).content.decode()
    assert KEYS not in html and reverse("partners:staff_reads") not in html
