"""Partner organisations and their users."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from accounts.models import Role, User
from partners.models import PartnerMember, PartnerOrganisation
from partners.selectors import organisation_of
from partners.tests.factories import PartnerMemberFactory, PartnerOrganisationFactory

pytestmark = pytest.mark.django_db


def test_organisation_of_a_partner_user(partner_user: User) -> None:
    organisation = PartnerOrganisationFactory(name="Mitra Demo Jakarta", kind="bank")
    PartnerMember.objects.create(user=partner_user, organisation=organisation)
    assert organisation_of(partner_user) == organisation


def test_no_organisation_without_membership_or_when_inactive(partner_user: User) -> None:
    assert organisation_of(partner_user) is None
    member = PartnerMemberFactory(user=partner_user)
    PartnerOrganisation.objects.filter(pk=member.organisation_id).update(active=False)
    assert organisation_of(partner_user) is None


def test_only_partner_role_users_act_for_a_partner(agency_staff: User, entrepreneur: User) -> None:
    """A membership of another role does not count, and the model refuses it."""
    organisation = PartnerOrganisationFactory()
    member = PartnerMember(user=entrepreneur, organisation=organisation)
    with pytest.raises(ValidationError) as exc:
        member.full_clean()
    assert "user" in exc.value.error_dict
    PartnerMember.objects.create(user=agency_staff, organisation=organisation)
    assert organisation_of(agency_staff) is None
    assert entrepreneur.role == Role.ENTREPRENEUR


def test_a_user_acts_for_one_organisation(partner_user: User) -> None:
    PartnerMemberFactory(user=partner_user)
    with pytest.raises(IntegrityError):
        PartnerMemberFactory(user=partner_user)


def test_organisation_names_are_unique_whatever_the_case() -> None:
    PartnerOrganisationFactory(name="Universitas Indonesia")
    with pytest.raises(IntegrityError):
        PartnerOrganisationFactory(name="universitas indonesia")


def test_anonymous_has_no_organisation() -> None:
    from django.contrib.auth.models import AnonymousUser

    assert organisation_of(AnonymousUser()) is None


def test_the_planner_knows_a_partners_consents_are_for_a_few_purposes() -> None:
    """Extended statistics on the consents' (organisation, purpose) (migration 0014): without them PostgreSQL took
    a licensing office's 15,912 licensing consents for 569 and walked them one by one into the licence requests."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT s.stxkind::text, array_agg(a.attname::text ORDER BY a.attname)
               FROM pg_statistic_ext s JOIN pg_attribute a ON a.attrelid = s.stxrelid AND a.attnum = ANY (s.stxkeys)
               WHERE s.stxname = 'consent_organisation_purpose' AND s.stxrelid = 'partners_consent'::regclass
               GROUP BY 1"""
        )
        assert cursor.fetchall() == [("{f,m}", ["organisation_id", "purpose"])]  # dependencies, most common values
