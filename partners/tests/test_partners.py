"""Partner organisations and their users."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from accounts.models import Role, User
from partners import services
from partners.choices import ConsentChannel, Purpose, Step
from partners.models import Consent, PartnerMember, PartnerOrganisation
from partners.selectors import consents_version, organisation_of
from partners.tests.factories import PartnerMemberFactory, PartnerOrganisationFactory, agreement_in_force, consent
from registration.tests.factories import ParticipantFactory

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


def test_the_consents_version_changes_with_every_consent_given_or_withdrawn(agency_staff: User) -> None:
    """The partner dashboard keeps its figures under this name: a withdrawal must change it even when its time
    (taken before its transaction committed) is older than a withdrawal committed before it."""
    organisation = PartnerOrganisationFactory()
    agreement_in_force(organisation, steps=[Step.P2], staff=agency_staff)
    first = consent(ParticipantFactory(), organisation, Purpose.TRAINING)
    second = consent(ParticipantFactory(), organisation, Purpose.TRAINING)
    versions = [consents_version(organisation)]
    services.consent_withdraw(consent=second, channel=ConsentChannel.WEB, acting_user=second.participant.user)
    versions.append(consents_version(organisation))
    earlier = Consent.objects.get(pk=second.pk).withdrawn_at - datetime.timedelta(seconds=1)
    Consent.objects.filter(pk=first.pk).update(withdrawn_at=earlier)  # committed after, dated before
    versions.append(consents_version(organisation))
    consent(first.participant, organisation, Purpose.TRAINING)
    versions.append(consents_version(organisation))
    assert len(set(versions)) == 4, versions
    assert consents_version(organisation) == versions[-1]  # nothing changed: the same name
