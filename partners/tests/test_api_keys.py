"""Who may call the API: a usable key of the right kind. No key, an unknown, revoked or expired key, or the key of
an inactive partner is 401 (with WWW-Authenticate); the JAKI key on a partner endpoint is 403. Each key has its own
throttle (Redis): past its rate a 429 with Retry-After, while another key still passes."""

import datetime
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from core.decisions import Refused
from partners import services
from partners.api_access import KeyRateThrottle
from partners.choices import AgreementKind, KeyKind, OrganisationKind, Purpose, Step
from partners.models import PartnerKey, PartnerOrganisation
from partners.tests.api_support import Partner, consented_participant, key_of_secret, make_partner
from partners.tests.factories import PartnerOrganisationFactory, agreement_in_force, api_client, issue_key
from partners.values import AgreementData

pytestmark = pytest.mark.django_db

ENDPOINTS = ["/api/v1/participants/", "/api/v1/businesses/", "/api/v1/training/courses/", "/api/v1/training/sessions/"]


@pytest.fixture
def partner(agency_staff) -> Partner:
    return make_partner(agency_staff, steps=[Step.P2, Step.P3], name="Universitas Trisakti")


def assert_401(response) -> None:
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == "Api-Key"
    assert response.json()["code"] in {"not_authenticated", "authentication_failed"}


@pytest.mark.parametrize("path", ENDPOINTS)
def test_no_key_is_401_with_www_authenticate(path):
    response = APIClient().get(path)
    assert_401(response)
    assert response.json()["code"] == "not_authenticated"


def test_an_unknown_key_or_another_scheme_is_401(partner):
    assert_401(api_client("abc.def").get("/api/v1/participants/"))
    assert_401(api_client(partner.secret[:-2] + "xx").get("/api/v1/participants/"))
    bearer = APIClient()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {partner.secret}")
    assert_401(bearer.get("/api/v1/participants/"))


def test_a_usable_key_passes_and_marks_its_use(partner):
    assert partner.client.get("/api/v1/participants/").status_code == 200
    partner.key.refresh_from_db()
    assert partner.key.last_used_at is not None


def test_a_revoked_key_is_401_at_once(partner, agency_staff):
    person = consented_participant(partner, Purpose.TRAINING)
    assert partner.client.get(f"/api/v1/participants/{person.pk}/").status_code == 200
    services.key_revoke(key=partner.key, acting_user=agency_staff)
    assert_401(partner.client.get(f"/api/v1/participants/{person.pk}/"))


def test_a_rotated_key_stops_and_its_successor_works(partner, agency_staff):
    _new, secret = services.key_rotate(key=partner.key, acting_user=agency_staff)
    assert_401(partner.client.get("/api/v1/participants/"))
    assert api_client(secret).get("/api/v1/participants/").status_code == 200


def test_an_expired_key_is_401(partner):
    PartnerKey.objects.filter(pk=partner.key.pk).update(expiry_date=timezone.now() - datetime.timedelta(minutes=1))
    assert_401(partner.client.get("/api/v1/participants/"))


def test_an_inactive_partners_key_is_401(partner):
    """A deactivated partner's users can no longer act for it; nor can its keys (refused at authentication)."""
    PartnerOrganisation.objects.filter(pk=partner.organisation.pk).update(active=False)
    assert_401(partner.client.get("/api/v1/participants/"))


def test_a_jaki_key_on_a_partner_endpoint_is_403(agency_staff):
    city_app = PartnerOrganisationFactory(name="JAKI", kind=OrganisationKind.GOVERNMENT, is_city_app=True)
    secret = issue_key(
        agreement_in_force(city_app, steps=[Step.P1], staff=agency_staff), staff=agency_staff, kind=KeyKind.JAKI
    )
    response = api_client(secret).get("/api/v1/participants/")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_a_browser_session_is_not_an_api_login(client, agency_staff):
    client.force_login(agency_staff)
    assert client.get("/api/v1/participants/").status_code == 401


# --- throttling -------------------------------------------------------------------------------------------------


@pytest.fixture
def low_rate(monkeypatch) -> Iterator[list[str]]:
    """Three requests a minute per key; the throttle counters of the keys the test used are cleared after."""
    monkeypatch.setattr(KeyRateThrottle, "THROTTLE_RATES", {"key": "3/minute"})
    used: list[str] = []
    yield used
    cache.delete_many([f"throttle_key_{prefix}" for prefix in used])


def test_past_its_rate_a_key_gets_429_with_retry_after_and_another_key_still_passes(low_rate, agency_staff, partner):
    other = make_partner(agency_staff, steps=[Step.P2], name="Bank Jakarta")
    low_rate.extend([partner.key.prefix, other.key.prefix])
    cache.delete_many([f"throttle_key_{prefix}" for prefix in low_rate])
    for _ in range(3):
        assert partner.client.get("/api/v1/participants/").status_code == 200
    refused = partner.client.get("/api/v1/participants/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["code"] == "throttled"
    assert other.client.get("/api/v1/participants/").status_code == 200


def test_the_throttle_counts_in_the_shared_cache(low_rate, partner):
    low_rate.append(partner.key.prefix)
    cache.delete(f"throttle_key_{partner.key.prefix}")
    partner.client.get("/api/v1/participants/")
    assert len(cache.get(f"throttle_key_{partner.key.prefix}")) == 1


def test_issued_keys_are_stored_hashed(partner):
    stored = key_of_secret(partner.secret)
    assert partner.secret not in stored.hashed_key and stored.is_valid(partner.secret)


def test_jaki_keys_are_the_city_apps_alone_and_keys_need_a_running_agreement(agency_staff, partner):
    with pytest.raises(Refused) as refused:
        issue_key(partner.agreement, staff=agency_staff, kind=KeyKind.JAKI)
    assert refused.value.code == "not_city_app"
    city_app = PartnerOrganisationFactory(name="JAKI", kind=OrganisationKind.GOVERNMENT, is_city_app=True)
    app_agreement = agreement_in_force(city_app, steps=[Step.P1], staff=agency_staff)
    with pytest.raises(Refused) as refused:
        issue_key(app_agreement, staff=agency_staff)
    assert refused.value.code == "city_app_key"
    talks = services.agreement_create(
        organisation=partner.organisation,
        data=AgreementData(kind=AgreementKind.MOU, title="Baru", parties="Dinas", steps=[Step.P2]),
        acting_user=agency_staff,
    )
    with pytest.raises(Refused) as refused:
        issue_key(talks, staff=agency_staff)
    assert refused.value.code == "agreement_not_running"
