"""The businesses endpoint: a business is visible only when its participant consented to the key's partner for a
covered purpose that shows the business (mentoring, licensing, marketing, bookkeeping, loan assessment)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from geography.models import Kecamatan
from partners import services
from partners.choices import OrganisationKind, Purpose, Step
from partners.models import AccessLog, Agreement, Consent
from partners.tests.api_support import Partner, consented_participant, make_partner
from registration.choices import Sector
from registration.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

FIGURES = {"workers", "assets", "monthly_turnover"}
FIELDS = {
    "id",
    "participant",
    "name",
    "sector",
    "kecamatan",
    "started_on",
    "workers",
    "assets",
    "monthly_turnover",
    "business_class",
}


@pytest.fixture
def shopee(agency_staff) -> Partner:
    return make_partner(
        agency_staff, steps=[Step.P2, Step.P3, Step.P5], name="Tokopedia", kind=OrganisationKind.MARKETPLACE
    )


def test_a_mentoring_consent_shows_the_business_with_its_fields(shopee):
    siti = consented_participant(shopee, Purpose.MENTORING)
    response = shopee.client.get(f"/api/v1/businesses/{siti.business.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == FIELDS - FIGURES and body["participant"] == siti.pk and body["name"] == siti.business.name
    assert body["kecamatan"]["name"] == "Tebet"
    assert list(AccessLog.objects.values_list("participant_id", flat=True)) == [siti.pk]
    participant = shopee.client.get(f"/api/v1/participants/{siti.pk}/").json()
    assert set(participant["business"]) == FIELDS - FIGURES  # the figures are the reports' (bookkeeping, loans)


def test_the_figures_come_with_a_purpose_that_opens_the_reports(agency_staff):
    bank = make_partner(agency_staff, steps=[Step.P6], name="Bank Pembukuan", kind=OrganisationKind.BANK)
    siti = consented_participant(bank, Purpose.BOOKKEEPING)
    body = bank.client.get(f"/api/v1/businesses/{siti.business.pk}/").json()
    assert set(body) == FIELDS and body["monthly_turnover"] == siti.business.monthly_turnover
    listed = bank.client.get("/api/v1/businesses/").json()["results"]
    assert [set(row) for row in listed] == [FIELDS]


def test_a_training_only_consent_does_not_show_the_business(shopee):
    siti = consented_participant(shopee, Purpose.TRAINING)
    assert shopee.client.get(f"/api/v1/businesses/{siti.business.pk}/").status_code == 404
    assert shopee.client.get("/api/v1/businesses/").json()["results"] == []
    assert shopee.client.get(f"/api/v1/participants/{siti.pk}/").status_code == 200


def test_no_consent_withdrawn_another_partner_expired_or_ended_is_404(shopee, agency_staff):
    stranger = RegistrationFactory().participant
    theirs = consented_participant(make_partner(agency_staff, steps=[Step.P3], name="Mentor Lain"), Purpose.MENTORING)
    siti = consented_participant(shopee, Purpose.MARKETING)
    url = f"/api/v1/businesses/{siti.business.pk}/"
    for person in (stranger, theirs):
        assert shopee.client.get(f"/api/v1/businesses/{person.business.pk}/").status_code == 404
    assert shopee.client.get(url).status_code == 200
    Agreement.objects.filter(pk=shopee.agreement.pk).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    assert shopee.client.get(url).status_code == 404
    Agreement.objects.filter(pk=shopee.agreement.pk).update(ends_on=timezone.localdate() + datetime.timedelta(days=9))
    services.agreement_end(
        agreement=shopee.agreement, on=timezone.localdate(), reason="Selesai", acting_user=agency_staff
    )
    assert shopee.client.get(url).status_code == 404
    Agreement.objects.filter(pk=shopee.agreement.pk).update(ended_on=None)
    services.consent_withdraw(consent=Consent.objects.get(participant=siti), channel="web", acting_user=siti.user)
    assert shopee.client.get(url).status_code == 404
    assert shopee.client.get("/api/v1/businesses/").json()["results"] == []


def test_filters_and_bad_filter(shopee):
    gambir = Kecamatan.objects.get(name="Gambir")
    siti = consented_participant(shopee, Purpose.MENTORING)
    budi = consented_participant(
        shopee, Purpose.MENTORING, participant__kecamatan=gambir, business__sector=Sector.FASHION
    )
    ids = lambda query: [b["id"] for b in shopee.client.get("/api/v1/businesses/", query).json()["results"]]  # noqa: E731
    assert ids({"kecamatan": gambir.code}) == [budi.business.pk]
    assert ids({"sector": Sector.CULINARY}) == [siti.business.pk]
    response = shopee.client.get("/api/v1/businesses/", {"sector": "antariksa"})
    assert response.status_code == 400 and response.json()["errors"]["sector"][0]["code"] == "invalid_choice"


def test_a_page_of_businesses_costs_a_pinned_number_of_queries_and_one_log_insert(
    shopee, django_assert_max_num_queries
):
    for _ in range(60):
        consented_participant(shopee, Purpose.MENTORING)
    with django_assert_max_num_queries(4), CaptureQueriesContext(connection) as queries:
        body = shopee.client.get("/api/v1/businesses/").json()
    assert len(body["results"]) == 50 and body["next"]
    assert sum('INSERT INTO "partners_accesslog"' in q["sql"] for q in queries) == 1
    assert AccessLog.objects.count() == 50
    assert shopee.client.get(body["next"]).json()["next"] is None


def test_an_unchanged_business_is_304_on_if_none_match(shopee):
    siti = consented_participant(shopee, Purpose.MENTORING)
    url = f"/api/v1/businesses/{siti.business.pk}/"
    etag = shopee.client.get(url)["ETag"]
    assert shopee.client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
