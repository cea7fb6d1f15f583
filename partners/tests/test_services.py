"""Partner organisations and their users change through the services, from the admin too, and each change is
recorded with who made it and through which channel."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from core import audit
from partners import services
from partners.models import PartnerMember, PartnerOrganisation
from partners.tests.factories import PartnerOrganisationFactory
from partners.values import OrganisationData
from registration.tests.conftest import login

pytestmark = pytest.mark.django_db


def history(obj: PartnerOrganisation | PartnerMember) -> list[audit.Entry]:
    with translation.override("en"):
        return audit.history_of(obj)


def test_services_record_the_acting_user(agency_staff: User, partner_user: User) -> None:
    organisation = services.organisation_create(
        data=OrganisationData(name=" Universitas Mitra ", kind="university"), acting_user=agency_staff
    )
    assert organisation.name == "Universitas Mitra"
    member = services.member_add(organisation=organisation, user=partner_user, acting_user=agency_staff)
    services.organisation_update(
        organisation=organisation,
        data=OrganisationData(name="Universitas Mitra", kind="university", active=False),
        acting_user=agency_staff,
    )
    change = history(organisation)[0]
    assert (change.kind, change.actor) == ("updated", str(agency_staff))
    assert [(c.field, c.before, c.after) for c in change.changes] == [("active", "yes", "no")]
    services.member_remove(member=member, acting_user=agency_staff)
    assert not PartnerMember.objects.exists()
    assert [e.kind for e in history(member)] == ["deleted", "created"]


def test_only_a_partner_role_user_becomes_a_member(agency_staff: User, entrepreneur: User) -> None:
    organisation = PartnerOrganisationFactory()
    with pytest.raises(ValidationError) as exc:
        services.member_add(organisation=organisation, user=entrepreneur, acting_user=agency_staff)
    assert "user" in exc.value.error_dict
    assert not PartnerMember.objects.exists()


def test_the_admin_adds_an_organisation_and_its_user_through_the_services(client: Client, agency_staff: User) -> None:
    partner = UserFactory(role=Role.PARTNER, email="staf@mitra.id")
    agency_staff.is_superuser = True  # the members inline needs the model permissions
    agency_staff.save()
    login(client, agency_staff)
    response = client.post(
        reverse("admin:partners_partnerorganisation_add"),
        {
            "name": "Bank Mitra",
            "kind": "bank",
            "active": "on",
            "members-TOTAL_FORMS": "1",
            "members-INITIAL_FORMS": "0",
            "members-MIN_NUM_FORMS": "0",
            "members-MAX_NUM_FORMS": "1000",
            "members-0-user": partner.pk,
            "agreements-TOTAL_FORMS": "0",
            "agreements-INITIAL_FORMS": "0",
            "agreements-MIN_NUM_FORMS": "0",
            "agreements-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation = PartnerOrganisation.objects.get(name="Bank Mitra")
    member = PartnerMember.objects.get(organisation=organisation)
    assert member.user == partner
    for obj in (organisation, member):
        [created] = history(obj)
        assert (created.kind, created.actor, created.channel) == ("created", str(agency_staff), "admin")
    page = client.get(reverse("admin:partners_partnerorganisation_history", args=[organisation.pk]))
    assert page.status_code == 200


def test_the_member_admin_adds_through_the_services(client: Client, agency_staff: User, partner_user: User) -> None:
    organisation = PartnerOrganisationFactory()
    login(client, agency_staff)
    response = client.post(
        reverse("admin:partners_partnermember_add"), {"user": partner_user.pk, "organisation": organisation.pk}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    member = PartnerMember.objects.get()
    [created] = history(member)
    assert (created.actor, created.channel) == (str(agency_staff), "admin")


def test_a_member_is_made_the_partners_administrator_and_back(agency_staff, partner_user):
    organisation = PartnerOrganisationFactory()
    member = services.member_add(
        organisation=organisation, user=partner_user, is_administrator=True, acting_user=agency_staff
    )
    assert member.is_administrator
    member = services.member_update(
        member=member, organisation=organisation, user=partner_user, is_administrator=False, acting_user=agency_staff
    )
    member.refresh_from_db()
    assert not member.is_administrator
