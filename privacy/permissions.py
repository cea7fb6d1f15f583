"""Who may use the personal-data pages. A participant's own data is theirs alone: the download and the trail
answer only the entrepreneur whose account it is (there is no address naming anyone else's, so another
entrepreneur reaches only their own, and every other role is refused). The breach-notice aid reads whom a key, a
partner or a staff account touched across the whole program: agency staff and administrators only."""

from django.utils.translation import gettext_lazy as _

from accounts.permissions import AnyUser, is_entrepreneur, is_program_wide, is_secretariat
from core.decisions import ALLOWED, Decision, deny
from registration.models import Participant


def can_see_own_data(user: AnyUser) -> Decision:
    """An entrepreneur reads, downloads and sees who processed their own data (no query)."""
    if is_entrepreneur(user):
        return ALLOWED
    return deny("not_entrepreneur", _("Only a participant reads their own data here."))


def can_use_breach_aid(user: AnyUser) -> Decision:
    """Agency staff and administrators list whose data a key, a partner or a staff account read (no query)."""
    if is_program_wide(user):
        return ALLOWED
    return deny("not_agency", _("Only agency staff prepare a breach notice."))


def can_ask_deletion(user: AnyUser, participant: Participant | None) -> Decision:
    """An entrepreneur asks for the erasure of their own data, their participant record with it (no query)."""
    if not is_entrepreneur(user):
        return deny("not_entrepreneur", _("Only a participant asks for the deletion of their own data."))
    if participant is not None and participant.user_id != user.pk:
        return deny("not_own", _("You can ask only for the deletion of your own data."))
    return ALLOWED


def can_decide_deletion(user: AnyUser) -> Decision:
    """Agency staff and administrators decide a deletion request (no query): the erasure reaches every step's
    records across the program, which no kecamatan office or mentor holds whole."""
    if is_program_wide(user):
        return ALLOWED
    return deny("not_agency", _("Only agency staff decide a deletion request."))


def can_ask_correction(user: AnyUser, participant: Participant | None) -> Decision:
    """A registered entrepreneur asks that their own record be corrected (no query): there is a record only once
    they registered."""
    if not is_entrepreneur(user):
        return deny("not_entrepreneur", _("Only a participant asks for a correction of their own data."))
    if participant is None:
        return deny("not_registered", _("Register first: there is no record of yours to correct yet."))
    if participant.user_id != user.pk:
        return deny("not_own", _("You can ask only for a correction of your own data."))
    return ALLOWED


def can_see_corrections(user: AnyUser) -> Decision:
    """Agency staff, administrators and the kecamatan secretariats see the queue of correction requests (no
    query); a secretariat sees only its kecamatan's participants' (privacy.selectors.open_corrections). Who decides
    one is the registration's rule for who corrects a participant's record (registration.permissions.can_correct)."""
    if is_program_wide(user) or is_secretariat(user):
        return ALLOWED
    return deny("not_corrector", _("Only the kecamatan secretariat and agency staff decide a correction."))
