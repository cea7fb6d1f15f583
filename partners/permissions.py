"""Who may do what with partners, agreements, keys and consents; each answer a Decision with its reason."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from accounts.permissions import AnyUser, is_program_wide
from core.decisions import ALLOWED, Decision, deny
from registration.models import Participant

from .choices import AgreementState, KeyKind
from .models import Agreement, PartnerOrganisation


def can_manage_agreements(user: AnyUser) -> Decision:
    """Agency staff and administrators hold the program's side of every agreement, its consent texts and keys."""
    if is_program_wide(user):
        return ALLOWED
    return deny("not_agency", _("Only agency staff manage partner agreements."))


can_manage_keys = can_manage_agreements


def can_sign(agreement: Agreement) -> Decision:
    if agreement.signed_on is not None:
        return deny("already_signed", _("This agreement is signed already: change its terms, or end it."))
    return ALLOWED


def can_end(agreement: Agreement) -> Decision:
    state = agreement.state(timezone.localdate())
    if state in (AgreementState.SIGNED, AgreementState.ACTIVE):
        return ALLOWED
    return deny("not_running", _("Only a signed agreement that has not expired or ended can be ended."))


def can_see_partner_pages(user: AnyUser, organisation: PartnerOrganisation | None) -> Decision:
    """A partner's own users see its organisation, agreements, consenting participants and key use."""
    if organisation is not None and organisation.active and user.is_authenticated and user.role == Role.PARTNER:
        return ALLOWED
    return deny("not_partner", _("These pages are for the users of a partner organisation."))


def can_see_reads(user: AnyUser) -> Decision:
    """Who may list partners' reads of participants (a breach notice needs it): agency staff."""
    if is_program_wide(user):
        return ALLOWED
    return deny("not_agency", _("Only agency staff see partners' reads."))


def can_manage_consent(user: AnyUser, participant: Participant) -> Decision:
    """A participant gives and withdraws their own consents; nobody does it for them on the web."""
    if isinstance(user, User) and user.pk == participant.user_id:
        return ALLOWED
    return deny("not_own", _("Only the participant gives or withdraws their consent."))


def can_ask_consent(organisation: PartnerOrganisation, purpose: str, *, in_force: list[Agreement]) -> Decision:
    """A partner may be given consent for a purpose while one of its agreements in force covers it."""
    if not organisation.active:
        return deny("partner_inactive", _("This partner no longer works with the program."))
    if not any(
        purpose in agreement.purposes for agreement in in_force if agreement.organisation_id == organisation.pk
    ):
        return deny("purpose_not_covered", _("No agreement in force with this partner covers this purpose."))
    return ALLOWED


def can_act_for_jaki(user: AnyUser) -> Decision:
    """The JAKI app's API account: registers people and links accounts (its keys are of the JAKI kind)."""
    organisation = getattr(user, "api_organisation", None) if isinstance(user, User) else None
    if organisation is not None and organisation.keys.filter(kind=KeyKind.JAKI).exists():
        return ALLOWED
    return deny("not_jaki", _("Only the JAKI app does this."))
