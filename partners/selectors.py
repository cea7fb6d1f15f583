"""Reads of partner organisations."""

from accounts.models import Role
from accounts.permissions import AnyUser

from .models import PartnerOrganisation


def organisation_of(user: AnyUser) -> PartnerOrganisation | None:
    """The active organisation a partner user acts for; None for anyone else (one query at most)."""
    if not user.is_authenticated or user.role != Role.PARTNER:
        return None
    return PartnerOrganisation.objects.filter(members__user=user, active=True).first()
