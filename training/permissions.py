"""Who may organise trainings: agency staff every course; a partner's users only their organisation's."""

from dataclasses import dataclass

from accounts import permissions
from accounts.permissions import AnyUser
from partners.models import PartnerOrganisation
from partners.selectors import organisation_of


@dataclass(frozen=True)
class OrganiserScope:
    """What an organiser works on: the whole program, or one partner organisation's courses."""

    program_wide: bool
    partner: PartnerOrganisation | None = None


def organiser_scope(user: AnyUser) -> OrganiserScope | None:
    """The courses a user may organise, or None when they organise none (one query for a partner user)."""
    if permissions.is_program_wide(user):
        return OrganiserScope(program_wide=True)
    organisation = organisation_of(user)
    if organisation is not None:
        return OrganiserScope(program_wide=False, partner=organisation)
    return None
