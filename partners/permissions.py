"""Who may do what with partners, agreements, keys and consents; each answer a Decision with its reason."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from accounts.permissions import AnyUser, is_program_wide
from core.decisions import ALLOWED, Decision, deny
from registration.models import Participant

from .choices import AgreementState, KeyKind
from .models import Agreement, AgreementDocument, PartnerMember, PartnerOrganisation


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


def can_ask_consent(organisation: PartnerOrganisation, purpose: str, *, covered: list[str]) -> Decision:
    """A partner may be given consent for a purpose while one of its agreements in force covers it (`covered`:
    `partners.selectors.purposes_in_force`)."""
    if not organisation.active:
        return deny("partner_inactive", _("This partner no longer works with the program."))
    if purpose not in covered:
        return deny("purpose_not_covered", _("No agreement in force with this partner covers this purpose."))
    return ALLOWED


def can_act_for_jaki(user: AnyUser) -> Decision:
    """The JAKI app's API account: registers people and links accounts (the city app's organisation)."""
    organisation = getattr(user, "api_organisation", None) if isinstance(user, User) else None
    if organisation is not None and organisation.is_city_app and organisation.active:
        return ALLOWED
    return deny("not_jaki", _("Only the JAKI app does this."))


def can_issue_key(agreement: Agreement, organisation: PartnerOrganisation, kind: str) -> Decision:
    """A key for a signed agreement that has not expired or ended (it may not have started yet); JAKI keys for the
    city app's organisation, partner keys for every other."""
    if agreement.state(timezone.localdate()) not in (AgreementState.SIGNED, AgreementState.ACTIVE):
        return deny(
            "agreement_not_running", _("Keys are issued for a signed agreement that has not expired or ended.")
        )
    if (kind == KeyKind.JAKI) != organisation.is_city_app:
        if organisation.is_city_app:
            return deny("city_app_key", _("The JAKI app's organisation holds JAKI keys only."))
        return deny("not_city_app", _("Only the JAKI app's organisation holds JAKI keys."))
    return ALLOWED


def can_manage_partners(user: AnyUser) -> Decision:
    """Agency staff and administrators add partner organisations and keep their contacts."""
    if is_program_wide(user):
        return ALLOWED
    return deny("not_agency", _("Only agency staff manage partner organisations."))


def can_change_terms(agreement: Agreement) -> Decision:
    """The terms change in talks and while the agreement runs; an expired or ended one is closed (a new
    agreement is opened instead), so what a partner was granted stays as it was."""
    if agreement.state(timezone.localdate()) in (AgreementState.EXPIRED, AgreementState.ENDED):
        return deny("closed", _("This agreement has expired or ended: its terms can no longer change."))
    return ALLOWED


def can_keep_agreement_records(user: AnyUser, agreement: Agreement) -> Decision:
    """Who records an agreement's meetings and attaches its documents: agency staff, whatever its state (the
    minutes of the talks come before signing, a termination letter after the end)."""
    if is_program_wide(user):
        return ALLOWED
    return deny("not_agency", _("Only agency staff keep the records of an agreement."))


def can_see_agreement_document(user: AnyUser, document: AgreementDocument) -> Decision:
    """Agency staff open every agreement's documents; a partner's users open their own organisation's."""
    if is_program_wide(user):
        return ALLOWED
    if (
        isinstance(user, User)
        and user.role == Role.PARTNER
        and PartnerMember.objects.filter(
            user=user, organisation_id=document.agreement.organisation_id, organisation__active=True
        ).exists()
    ):
        return ALLOWED
    return deny("not_allowed", _("This document belongs to another organisation's agreement."))
