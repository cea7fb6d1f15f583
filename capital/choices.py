"""The choices of P7 capital: how a product prices its money, what a participant shares with a lender, and the
states of a loan referral with the moves between them (`MOVES`: from which state to which, and who makes it)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RateKind(models.TextChoices):
    INTEREST = "interest", _("Interest (per year)")
    MARGIN = "margin", _("Margin, sharia (per year)")


class SharedData(models.TextChoices):
    """What the participant names in the consent of a referral."""

    IDENTITY = "identity", _("My identity: name, NIK, birth date, address and contacts")
    BUSINESS = "business", _("My business: name, sector, address, start, workers")
    STATEMENTS = "statements", _("My financial reports and statements")


class ReferralStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SENT = "sent", _("Sent to the lender")
    UNDER_REVIEW = "under_review", _("Under review by the lender")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    DISBURSED = "disbursed", _("Disbursed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Mover(models.TextChoices):
    """Who may make a move: the participant, the program (their mentor or agency staff), the lender (its API
    account, or agency staff in the admin on its behalf)."""

    PARTICIPANT = "participant", _("the participant")
    PROGRAM = "program", _("the program")
    LENDER = "lender", _("the lender")


MOVES: dict[str, dict[str, str]] = {
    ReferralStatus.REQUESTED: {ReferralStatus.SENT: Mover.PROGRAM, ReferralStatus.WITHDRAWN: Mover.PARTICIPANT},
    ReferralStatus.SENT: {ReferralStatus.UNDER_REVIEW: Mover.LENDER, ReferralStatus.WITHDRAWN: Mover.PARTICIPANT},
    ReferralStatus.UNDER_REVIEW: {
        ReferralStatus.APPROVED: Mover.LENDER,
        ReferralStatus.REFUSED: Mover.LENDER,
        ReferralStatus.WITHDRAWN: Mover.PARTICIPANT,
    },
    ReferralStatus.APPROVED: {ReferralStatus.DISBURSED: Mover.LENDER, ReferralStatus.WITHDRAWN: Mover.PARTICIPANT},
    ReferralStatus.REFUSED: {},
    ReferralStatus.DISBURSED: {},
    ReferralStatus.WITHDRAWN: {},
}

OPEN_STATUSES = frozenset(status for status, moves in MOVES.items() if moves)
# the statuses a lender may see a referral in: the program sent it (a move to sent), whatever happened next
LENDER_STATUSES = frozenset(ReferralStatus) - {ReferralStatus.REQUESTED}
# the statuses in which the referral is live for its lender: it reads the data the participant named only in these
# (and only while the consent stands); refused or withdrawn, it keeps the status and the amounts, nothing named
LIVE_STATUSES = frozenset(
    {ReferralStatus.SENT, ReferralStatus.UNDER_REVIEW, ReferralStatus.APPROVED, ReferralStatus.DISBURSED}
)
