"""Who may do what in P7 capital, checking role AND state: `can_<action>(user, obj, ...) -> Decision`.

Services enforce these (`.enforce()`); pages, the admin and the API only ask them. A referral moves along
`choices.MOVES`, and each target has one mover (`choices.Mover`): the participant withdraws; the program (an active
mentor of the participant's kecamatan, or agency staff) sends a requested referral to the lender; the lender (its API
account, or agency staff in the admin on its behalf) reviews, approves, refuses and disburses. `can_move` is the one
rule of every move; it runs no query (the referral comes with its participant and consent loaded).

Which referrals a user reaches at all is the selectors' business: a peer's, or another kecamatan's, is a 404 before
any predicate is asked."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import permissions as account_permissions
from accounts.models import Role, User
from accounts.permissions import AnyUser
from core.decisions import ALLOWED, Decision, deny
from mentoring.permissions import is_active_mentor_of, is_mentor
from partners.choices import LENDER_KINDS, Purpose
from partners.models import PartnerOrganisation
from partners.permissions import can_ask_consent
from partners.selectors import purposes_in_force
from registration.models import Participant
from registration.selectors import is_verified

from .choices import MOVES, Mover, ReferralStatus
from .models import FinancingProduct, LoanReferral

# who makes the move to each status (MOVES gives each target one mover, whatever it comes from)
MOVER_OF: dict[str, str] = {target: mover for moves in MOVES.values() for target, mover in moves.items()}
# the moves the portal's pages offer: the participant's and the program's (the lender's go through its API key,
# or the admin on its behalf)
PAGE_MOVERS = (Mover.PARTICIPANT, Mover.PROGRAM)

NOT_VERIFIED = _("Loan referrals open once your registration is verified.")
NOT_OWN = _("Only the participant asks for a loan referral, for themself.")
NOT_PROGRAM = _("Only a mentor of the participant's kecamatan, or agency staff, send a referral to the lender.")
NOT_LENDER = _("Only the lender the referral was sent to, or agency staff on its behalf, make this move.")
NOT_PARTICIPANT = _("Only the participant withdraws their loan referral.")
NO_SUCH_MOVE = _("A referral cannot be moved to “%(target)s”.")
STATUS_CHANGED = _(
    "This referral is “%(status)s” now, so it cannot be moved to “%(target)s”. Someone may have acted on it already."
)
PRODUCT_CLOSED = _("%(product)s is not offered now.")
CONSENT_WITHDRAWN = _(
    "The participant withdrew their consent to share their data with %(lender)s: the referral cannot move on, "
    "and only the participant may withdraw it."
)
LENDER_NOT_COVERED = _(
    "No agreement in force with %(lender)s covers loan referrals now, so the referral cannot be sent to it."
)
NOT_PRODUCT_MANAGER = _("Only agency staff change the financing products.")
NOT_LENDER_KIND = _("A financing product belongs to a lender: a bank, a fintech lender or a cooperative.")


# --- roles (plain answers for menus and pages: no query) --------------------------------------------------------


def asks_for_loans(user: AnyUser) -> bool:
    """Participants: the products, what they lack for each, their own referrals."""
    return account_permissions.is_entrepreneur(user)


def follows_participants(user: AnyUser) -> bool:
    """Mentors (their kecamatan's participants) and agency staff (all): readiness, referrals, the queue."""
    return is_mentor(user) or account_permissions.is_program_wide(user)


def sees_figures(user: AnyUser) -> bool:
    """The program's figures (referred, approved, disbursed): agency staff."""
    return account_permissions.is_program_wide(user)


def sees_products(user: AnyUser) -> bool:
    return asks_for_loans(user) or follows_participants(user)


def follows(user: AnyUser, participant: Participant) -> bool:
    """An active mentor of the participant's kecamatan, or agency staff (no query)."""
    return account_permissions.is_program_wide(user) or is_active_mentor_of(user, participant.kecamatan_id)


def lender_of(user: AnyUser) -> PartnerOrganisation | None:
    """The lender an API account acts for (the organisation whose keys authenticate as it); None for anyone else,
    with no query for a user who is not a partner's."""
    if not (isinstance(user, User) and user.role == Role.PARTNER):
        return None
    organisation = getattr(user, "api_organisation", None)
    if isinstance(organisation, PartnerOrganisation) and organisation.kind in LENDER_KINDS:
        return organisation
    return None


# --- decisions --------------------------------------------------------------------------------------------------


def can_request(user: AnyUser, participant: Participant) -> Decision:
    """Ask for a loan referral: the participant themself, once verified (no query with the registration loaded)."""
    if not (isinstance(user, User) and participant.user_id == user.pk):
        return deny("not_allowed", NOT_OWN)
    if not is_verified(participant):
        return deny("not_verified", NOT_VERIFIED)
    return ALLOWED


def can_request_product(product: FinancingProduct) -> Decision:
    """A product staff stopped offering, or a lender no longer working with the program, takes no new referral
    (those open go on). The product comes with its lender loaded."""
    if not (product.active and product.lender.active):
        return deny("product_closed", PRODUCT_CLOSED % {"product": product.name})
    return ALLOWED


def _may_move(user: AnyUser, referral: LoanReferral, mover: str) -> Decision:
    """The role half of a move: is `user` the mover?"""
    if mover == Mover.PARTICIPANT:
        allowed = isinstance(user, User) and referral.participant.user_id == user.pk
        return ALLOWED if allowed else deny("not_allowed", NOT_PARTICIPANT)
    if mover == Mover.PROGRAM:
        return ALLOWED if follows(user, referral.participant) else deny("not_allowed", NOT_PROGRAM)
    lender = lender_of(user)
    allowed = account_permissions.is_program_wide(user) or (lender is not None and lender.pk == referral.lender_id)
    return ALLOWED if allowed else deny("not_allowed", NOT_LENDER)


def can_move(user: AnyUser, referral: LoanReferral, to_status: str) -> Decision:
    """Move a referral to `to_status`, along MOVES, by the mover of that status: withdrawn by the participant; sent
    by an active mentor of their kecamatan or agency staff; under review, approved, refused and disbursed by the
    lender's API account or agency staff on its behalf. Once the consent the referral rests on is withdrawn, only
    the participant's withdrawal is left. No query (the referral with its participant and consent loaded)."""
    mover = MOVER_OF.get(to_status)
    if mover is None:
        label = ReferralStatus(to_status).label if to_status in ReferralStatus.values else to_status
        return deny("no_such_move", NO_SUCH_MOVE % {"target": label})
    decision = _may_move(user, referral, mover)
    if not decision:
        return decision
    if not referral.can_move_to(to_status):
        return deny(
            "not_now",
            STATUS_CHANGED % {"status": referral.get_status_display(), "target": ReferralStatus(to_status).label},
        )
    if mover != Mover.PARTICIPANT and not referral.consent.is_active:
        return deny("consent_withdrawn", CONSENT_WITHDRAWN % {"lender": referral.lender.name})
    return ALLOWED


def moves_offered(user: AnyUser, referral: LoanReferral) -> list[str]:
    """The moves the user may make on the referral from a page, in the order of MOVES (the lender's moves are its
    API's and the admin's)."""
    return [
        target
        for target, mover in MOVES[ReferralStatus(referral.status)].items()
        if mover in PAGE_MOVERS and can_move(user, referral, target)
    ]


def can_send(referral: LoanReferral, *, day: datetime.date | None = None) -> Decision:
    """The lender's half of sending a referral to it (its consent is `can_move`'s): an agreement in force with the
    lender covers loan referrals (one query; the referral with its lender loaded)."""
    lender = referral.lender
    covered = purposes_in_force(lender, day or timezone.localdate())
    if not can_ask_consent(lender, Purpose.LOAN_ASSESSMENT, covered=covered):
        return deny("lender_not_covered", LENDER_NOT_COVERED % {"lender": lender.name})
    return ALLOWED


def can_manage_products(user: AnyUser | None) -> Decision:
    """The financing products (amounts, tenor, price, who qualifies): agency staff."""
    if user is None or not account_permissions.is_program_wide(user):
        return deny("not_allowed", NOT_PRODUCT_MANAGER)
    return ALLOWED
