"""Writes of partner organisations and of the users who act for them. Each runs in one transaction and is recorded
in the audit trail as the acting user's (the admin is their only channel today; the partner API will call them
too)."""

from django.db import transaction

from accounts.models import User
from core import audit

from .models import PartnerMember, PartnerOrganisation


@transaction.atomic
@audit.audited
def organisation_create(*, name: str, kind: str, active: bool, acting_user: User) -> PartnerOrganisation:
    """A new partner organisation (its name unique whatever the case)."""
    organisation = PartnerOrganisation(name=name.strip(), kind=kind, active=active)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
@audit.audited
def organisation_update(
    *, organisation: PartnerOrganisation, name: str, kind: str, active: bool, acting_user: User
) -> PartnerOrganisation:
    """Rename, reclassify, or (de)activate an organisation: an inactive one's users no longer act for it."""
    locked = PartnerOrganisation.objects.select_for_update().get(pk=organisation.pk)
    locked.name = name.strip()
    locked.kind = kind
    locked.active = active
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
@audit.audited
def member_add(*, organisation: PartnerOrganisation, user: User, acting_user: User) -> PartnerMember:
    """Let a user with the partner role act for an organisation (one organisation per user)."""
    member = PartnerMember(organisation=organisation, user=user)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
@audit.audited
def member_update(
    *, member: PartnerMember, organisation: PartnerOrganisation, user: User, acting_user: User
) -> PartnerMember:
    """Move a membership to another organisation or user."""
    locked = PartnerMember.objects.select_for_update().get(pk=member.pk)
    locked.organisation = organisation
    locked.user = user
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
@audit.audited
def member_remove(*, member: PartnerMember, acting_user: User) -> None:
    """The user no longer acts for the organisation."""
    PartnerMember.objects.filter(pk=member.pk).delete()


@transaction.atomic
@audit.audited
def organisation_delete(*, organisation: PartnerOrganisation, acting_user: User) -> None:
    """Delete an organisation nothing refers to (members, courses and agreements protect it: deactivate it then)."""
    PartnerOrganisation.objects.filter(pk=organisation.pk).delete()
