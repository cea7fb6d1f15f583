"""The API's scope: a key sees the participants who consented to its partner for a purpose its agreement in force
covers, only the fields those purposes need, and nothing else (404)."""

import datetime

import pytest
from django.utils import timezone

from partners import services
from partners.choices import OrganisationKind, Purpose, Step
from partners.models import AccessLog
from partners.tests.factories import PartnerOrganisationFactory, agreement_in_force, api_client, consent, issue_key
from registration.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopee(agency_staff):
    organisation = PartnerOrganisationFactory(name="Shopee", kind=OrganisationKind.MARKETPLACE)
    agreement = agreement_in_force(organisation, steps=[Step.P2, Step.P5], staff=agency_staff)
    return organisation, agreement, api_client(issue_key(agreement, staff=agency_staff))


def test_a_consented_participant_is_seen_with_the_fields_of_the_purpose(shopee):
    organisation, _agreement, client = shopee
    siti = RegistrationFactory().participant
    consent(siti, organisation, Purpose.TRAINING)
    response = client.get(f"/api/v1/participants/{siti.pk}/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["full_name"] == siti.full_name and body["purposes"] == ["training"]
    assert body["phone"] == siti.phone and "business" not in body and "nik" not in body
    assert AccessLog.objects.filter(participant=siti, organisation=organisation).count() == 1


def test_without_consent_withdrawn_or_step_not_covered_it_is_404(shopee, agency_staff):
    organisation, _agreement, client = shopee
    siti, budi = RegistrationFactory().participant, RegistrationFactory().participant
    assert client.get(f"/api/v1/participants/{siti.pk}/").status_code == 404
    granted = consent(siti, organisation, Purpose.TRAINING)
    services.consent_withdraw(consent=granted, channel="web", acting_user=siti.user)
    assert client.get(f"/api/v1/participants/{siti.pk}/").status_code == 404
    with pytest.raises(services.ValidationError):
        consent(budi, organisation, Purpose.LOAN_ASSESSMENT)  # P7 is not in the agreement
    listed = client.get("/api/v1/participants/")
    assert listed.status_code == 200 and listed.json()["results"] == []


def test_an_unknown_key_is_401_and_no_key_is_401():
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/participants/").status_code == 401
    assert api_client("abc.def").get("/api/v1/participants/").status_code == 401


def test_expired_agreement_grants_nothing(agency_staff):
    organisation = PartnerOrganisationFactory(name="Bank DKI", kind=OrganisationKind.BANK)
    agreement = agreement_in_force(organisation, steps=[Step.P6], staff=agency_staff)
    client = api_client(issue_key(agreement, staff=agency_staff))
    siti = RegistrationFactory().participant
    consent(siti, organisation, Purpose.BOOKKEEPING)
    assert client.get(f"/api/v1/participants/{siti.pk}/").json()["full_name"] == siti.full_name
    type(agreement).objects.filter(pk=agreement.pk).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    assert client.get(f"/api/v1/participants/{siti.pk}/").status_code == 404
