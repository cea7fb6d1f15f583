"""What the API tests of every app share: a partner with an agreement in force and a key, and participants who
consented to it (all through the services)."""

from dataclasses import dataclass

from rest_framework.test import APIClient

from accounts.models import User
from partners.models import Agreement, PartnerKey, PartnerOrganisation
from partners.tests.factories import PartnerOrganisationFactory, agreement_in_force, api_client, consent, issue_key
from registration.models import Participant
from registration.tests.factories import RegistrationFactory


@dataclass
class Partner:
    organisation: PartnerOrganisation
    agreement: Agreement
    key: PartnerKey
    secret: str

    @property
    def client(self) -> APIClient:
        return api_client(self.secret)


def key_of_secret(secret: str) -> PartnerKey:
    return PartnerKey.objects.get(prefix=secret.partition(".")[0])


def make_partner(staff: User, *, steps: list[str], **organisation: object) -> Partner:
    """An organisation with an agreement in force covering `steps`, and a key to it."""
    org = PartnerOrganisationFactory(**organisation)
    agreement = agreement_in_force(org, steps=steps, staff=staff)
    secret = issue_key(agreement, staff=staff)
    org.refresh_from_db()  # the key's issue gave it its API account
    return Partner(org, agreement, key_of_secret(secret), secret)


def consented_participant(partner: Partner, *purposes: str, **participant: object) -> Participant:
    """A participant with a business who consented to the partner for each purpose."""
    person: Participant = RegistrationFactory(**participant).participant
    for purpose in purposes:
        consent(person, partner.organisation, purpose)
    return person
