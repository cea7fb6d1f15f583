"""The participants endpoint: who a key sees (consent, purpose covered, agreement in force, partner active), the
fields each purpose shows, the NIK only masked, filters, cursor pages, ETag, the access log and its cost."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from geography.models import Kecamatan
from partners import services
from partners.choices import OrganisationKind, Purpose, Step
from partners.models import AccessLog, Agreement, Consent, PartnerOrganisation
from partners.tests.api_support import Partner, consented_participant, key_of_secret, make_partner
from partners.tests.factories import agreement_in_force, api_client, issue_key
from registration.choices import Sector, Track
from registration.models import Participant
from registration.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

BASE = {"id", "full_name", "track", "kecamatan", "created_at", "purposes"}


@pytest.fixture
def shopee(agency_staff) -> Partner:
    return make_partner(
        agency_staff, steps=[Step.P2, Step.P3, Step.P5], name="Shopee", kind=OrganisationKind.MARKETPLACE
    )


@pytest.fixture
def bank(agency_staff) -> Partner:
    return make_partner(agency_staff, steps=[Step.P6, Step.P7], name="Bank DKI", kind=OrganisationKind.BANK)


def detail(partner: Partner, participant: Participant):
    return partner.client.get(f"/api/v1/participants/{participant.pk}/")


# --- fields per purpose -----------------------------------------------------------------------------------------


def test_training_shows_name_and_contact_no_business_no_nik(shopee):
    siti = consented_participant(shopee, Purpose.TRAINING)
    body = detail(shopee, siti).json()
    assert set(body) == BASE | {"phone", "email"}
    assert body["full_name"] == siti.full_name and body["phone"] == siti.phone and body["purposes"] == ["training"]


def test_mentoring_shows_the_business(shopee):
    siti = consented_participant(shopee, Purpose.MENTORING)
    body = detail(shopee, siti).json()
    assert set(body) == BASE | {"phone", "email", "business"}
    assert body["business"]["name"] == siti.business.name and body["business"]["participant"] == siti.pk


def test_loan_assessment_lists_nobody_here_the_referral_shows_what_it_names(bank):
    """A lender reads what the participant named in a loan referral the program sent it, through the referral
    (capital/api.py), so the participant's choice there holds: here the participant is not found at all."""
    siti = consented_participant(bank, Purpose.LOAN_ASSESSMENT)
    assert detail(bank, siti).status_code == 404
    assert bank.client.get("/api/v1/participants/").json()["results"] == []
    assert bank.client.get(f"/api/v1/businesses/{siti.business.pk}/").status_code == 404


def test_bookkeeping_shows_the_business_without_contact(bank):
    siti = consented_participant(bank, Purpose.BOOKKEEPING)
    body = detail(bank, siti).json()
    assert set(body) == BASE | {"business"}
    assert bank.client.get(f"/api/v1/businesses/{siti.business.pk}/indicators/").status_code == 200


def test_two_purposes_show_the_union_of_their_fields(shopee):
    siti = consented_participant(shopee, Purpose.TRAINING, Purpose.MENTORING)
    body = detail(shopee, siti).json()
    assert body["purposes"] == ["mentoring", "training"] and "business" in body and "nik" not in body


def test_the_nik_is_never_whole_in_any_answer(bank, shopee):
    people = [consented_participant(bank, Purpose.LOAN_ASSESSMENT), consented_participant(shopee, Purpose.TRAINING)]
    for person in people:
        consent_to_shopee = person.consents.filter(organisation=shopee.organisation).exists()
        partner = shopee if consent_to_shopee else bank
        for path in (
            "/api/v1/participants/",
            f"/api/v1/participants/{person.pk}/",
            "/api/v1/businesses/",
            f"/api/v1/businesses/{person.business.pk}/",
        ):
            assert person.nik not in partner.client.get(path).content.decode()


# --- scope ------------------------------------------------------------------------------------------------------


def test_no_consent_or_another_partners_participant_is_404_and_unlisted(shopee, bank):
    stranger = RegistrationFactory().participant
    theirs = consented_participant(bank, Purpose.BOOKKEEPING)
    mine = consented_participant(shopee, Purpose.TRAINING)
    for person in (stranger, theirs):
        response = detail(shopee, person)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert [p["id"] for p in shopee.client.get("/api/v1/participants/").json()["results"]] == [mine.pk]
    assert not AccessLog.objects.exclude(participant=mine).exists()


def test_a_withdrawn_consent_is_404_for_every_key_at_once(shopee, agency_staff):
    second_key = api_client(issue_key(shopee.agreement, staff=agency_staff))
    siti = consented_participant(shopee, Purpose.TRAINING)
    assert detail(shopee, siti).status_code == 200
    assert second_key.get(f"/api/v1/participants/{siti.pk}/").status_code == 200
    services.consent_withdraw(consent=Consent.objects.get(participant=siti), channel="web", acting_user=siti.user)
    assert detail(shopee, siti).status_code == 404
    assert second_key.get(f"/api/v1/participants/{siti.pk}/").status_code == 404
    assert shopee.client.get("/api/v1/participants/").json()["results"] == []


def test_a_step_not_covered_by_the_keys_agreement_is_404(shopee, agency_staff):
    """The partner's other agreement covers only P6: its key does not see a training consent."""
    other_agreement = agreement_in_force(shopee.organisation, steps=[Step.P6], staff=agency_staff)
    p6_key = api_client(issue_key(other_agreement, staff=agency_staff))
    siti = consented_participant(shopee, Purpose.TRAINING)
    assert detail(shopee, siti).status_code == 200
    assert p6_key.get(f"/api/v1/participants/{siti.pk}/").status_code == 404
    assert p6_key.get("/api/v1/participants/").json()["results"] == []


def test_an_expired_or_ended_agreement_grants_nothing(shopee, agency_staff):
    siti = consented_participant(shopee, Purpose.TRAINING)
    Agreement.objects.filter(pk=shopee.agreement.pk).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    assert detail(shopee, siti).status_code == 404
    assert shopee.client.get("/api/v1/participants/").json()["results"] == []
    Agreement.objects.filter(pk=shopee.agreement.pk).update(ends_on=timezone.localdate() + datetime.timedelta(days=9))
    assert detail(shopee, siti).status_code == 200
    services.agreement_end(
        agreement=shopee.agreement, on=timezone.localdate(), reason="Selesai", acting_user=agency_staff
    )
    assert detail(shopee, siti).status_code == 404


def test_an_inactive_partner_sees_nothing(shopee):
    siti = consented_participant(shopee, Purpose.TRAINING)
    PartnerOrganisation.objects.filter(pk=shopee.organisation.pk).update(active=False)
    assert detail(shopee, siti).status_code == 401  # its keys no longer authenticate
    assert not AccessLog.objects.exists()


# --- filters and pages ------------------------------------------------------------------------------------------


def test_filters(shopee):
    gambir = Kecamatan.objects.get(name="Gambir")
    siti = consented_participant(shopee, Purpose.TRAINING)
    budi = consented_participant(
        shopee, Purpose.TRAINING, participant__kecamatan=gambir, participant__track=Track.NAIK_KELAS
    )
    budi.business.sector = Sector.FASHION
    budi.business.save()
    ids = lambda query: [p["id"] for p in shopee.client.get("/api/v1/participants/", query).json()["results"]]  # noqa: E731
    assert ids({"kecamatan": gambir.code}) == [budi.pk]
    assert ids({"track": Track.PEMULA}) == [siti.pk]
    # no filter on the business: a training key must not learn a sector by trying the values
    assert ids({"sector": Sector.FASHION}) == [budi.pk, siti.pk]
    Participant.objects.filter(pk=siti.pk).update(created_at=timezone.now() - datetime.timedelta(days=10))
    assert ids({"registered_after": (timezone.now() - datetime.timedelta(days=1)).isoformat()}) == [budi.pk]


@pytest.mark.parametrize(
    ("query", "field"), [({"track": "astronaut"}, "track"), ({"registered_after": "x"}, "registered_after")]
)
def test_a_bad_filter_is_400_with_the_field(shopee, query, field):
    response = shopee.client.get("/api/v1/participants/", query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["errors"][field][0]["code"]


def test_a_bad_cursor_is_404_json(shopee):
    response = shopee.client.get("/api/v1/participants/", {"cursor": "bukan-kursor"})
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_pages_are_stable_when_participants_share_a_timestamp(shopee):
    people = [consented_participant(shopee, Purpose.TRAINING) for _ in range(11)]
    Participant.objects.filter(pk__in=[p.pk for p in people]).update(created_at=timezone.now())
    seen: list[int] = []
    url: str | None = "/api/v1/participants/?page_size=4"
    while url:
        body = shopee.client.get(url).json()
        seen += [p["id"] for p in body["results"]]
        url = body["next"]
    assert seen == sorted((p.pk for p in people), reverse=True)


def test_an_unchanged_list_is_304_on_if_none_match(shopee):
    consented_participant(shopee, Purpose.TRAINING)
    first = shopee.client.get("/api/v1/participants/")
    etag = first["ETag"]
    assert "no-store" in first["Cache-Control"]  # personal data: no shared cache keeps it (core.middleware)
    assert shopee.client.get("/api/v1/participants/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    consented_participant(shopee, Purpose.TRAINING)
    assert shopee.client.get("/api/v1/participants/", HTTP_IF_NONE_MATCH=etag).status_code == 200


# --- the access log and the cost --------------------------------------------------------------------------------


def test_a_list_of_fifty_is_one_insert_of_fifty_rows(shopee):
    people = [consented_participant(shopee, Purpose.MENTORING) for _ in range(50)]
    with CaptureQueriesContext(connection) as queries:
        response = shopee.client.get("/api/v1/participants/")
    assert len(response.json()["results"]) == 50
    assert sum('INSERT INTO "partners_accesslog"' in q["sql"] for q in queries) == 1
    logged = AccessLog.objects.filter(key=shopee.key)
    assert logged.count() == 50 and set(logged.values_list("participant_id", flat=True)) == {p.pk for p in people}
    assert set(logged.values_list("endpoint", flat=True)) == {"/api/v1/participants/"}


def test_a_page_of_many_participants_costs_a_pinned_number_of_queries(shopee, django_assert_max_num_queries):
    for _ in range(120):
        consented_participant(shopee, Purpose.TRAINING, Purpose.MENTORING)
    url: str | None = "/api/v1/participants/"
    for _page in range(3):
        with django_assert_max_num_queries(4):
            body = shopee.client.get(url).json()
        url = body["next"]
    assert url is None and AccessLog.objects.count() == 120


def test_the_keys_reads_are_logged_per_key(shopee, agency_staff):
    siti = consented_participant(shopee, Purpose.TRAINING)
    second = issue_key(shopee.agreement, staff=agency_staff)
    detail(shopee, siti)
    api_client(second).get(f"/api/v1/participants/{siti.pk}/")
    assert sorted(AccessLog.objects.values_list("key_id", flat=True)) == sorted(
        [shopee.key.pk, key_of_secret(second).pk]
    )
