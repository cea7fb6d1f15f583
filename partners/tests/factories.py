import factory

from accounts.models import Role
from accounts.tests.factories import UserFactory
from partners.models import OrganisationKind, PartnerMember, PartnerOrganisation


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
