"""Writes of P7 capital (the capital helper writes them; the signatures are the contract the API relies on)."""

import datetime

from accounts.models import User

from .models import LoanReferral


def referral_move(
    *,
    referral: LoanReferral,
    to_status: str,
    note: str = "",
    amount: int | None = None,
    day: datetime.date | None = None,
    lender_reference: str | None = None,
    acting_user: User,
) -> LoanReferral:
    """Move a referral (under a row lock) as `capital.choices.MOVES` allows the acting user
    (`permissions.can_move`): a `ReferralMove` row, the participant notified through the outbox. Approving takes
    the approved `amount`; disbursing takes the disbursed `amount` and `day`; the lender may set its reference."""
    raise NotImplementedError
