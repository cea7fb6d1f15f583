import datetime

import factory
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from partners import selectors, services
from partners.choices import AgreementKind, ConsentChannel, KeyKind, OrganisationKind
from partners.models import Agreement, Consent, PartnerMember, PartnerOrganisation
from partners.values import AgreementData, SigningData
from registration.models import Participant


class PartnerOrganisationFactory(factory.django.DjangoModelFactory[PartnerOrganisation]):
    class Meta:
        model = PartnerOrganisation

    name = factory.Sequence(lambda n: f"Universitas Mitra {n}")
    kind = OrganisationKind.UNIVERSITY
    active = True


class PartnerMemberFactory(factory.django.DjangoModelFactory[PartnerMember]):
    class Meta:
        model = PartnerMember

    user = factory.SubFactory(UserFactory, role=Role.PARTNER)
    organisation = factory.SubFactory(PartnerOrganisationFactory)


def agreement_in_force(
    organisation: PartnerOrganisation, *, steps: list[str], staff: User, ends_on: datetime.date | None = None
) -> Agreement:
    """A signed agreement with the partner, started a month ago, covering `steps` (through the services)."""
    today = timezone.localdate()
    agreement = services.agreement_create(
        organisation=organisation,
        data=AgreementData(
            kind=AgreementKind.PKS, title=f"PKS {organisation.name}", parties="Dinas PPKUKM", steps=steps
        ),
        acting_user=staff,
    )
    return services.agreement_sign(
        agreement=agreement,
        signing=SigningData(
            number=f"PKS/{agreement.pk}/2026",
            signed_on=today - datetime.timedelta(days=40),
            starts_on=today - datetime.timedelta(days=30),
            ends_on=ends_on or today + datetime.timedelta(days=335),
        ),
        acting_user=staff,
    )


def issue_key(agreement: Agreement, *, staff: User, kind: str = KeyKind.PARTNER) -> str:
    """A usable key for the agreement: its secret (a JAKI key: the organisation must be the city app)."""
    _key, secret = services.key_issue(
        agreement=agreement, name="Sistem mitra", kind=kind, expires_at=None, acting_user=staff
    )
    return secret


def consent(participant: Participant, organisation: PartnerOrganisation, purpose: str) -> Consent:
    """The participant consents (through the service, on the web, against the current text)."""
    return services.consent_grant(
        participant=participant,
        organisation=organisation,
        purpose=purpose,
        text_version=selectors.current_text(purpose).version,
        channel=ConsentChannel.WEB,
        acting_user=participant.user,
    )


def api_client(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    return client
