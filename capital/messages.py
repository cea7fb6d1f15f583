"""The messages of P7 capital and the context each needs (registered with the notifications app). Every move of a
referral tells its participant, with a link to the referral; a new referral also tells their current mentor."""

from typing import Final

REFERRAL: Final[dict[str, type]] = {"full_name": str, "product": str, "lender": str, "link": str}

MESSAGES: Final[dict[str, dict[str, type]]] = {
    "capital_requested": REFERRAL,
    "capital_requested_mentor": {**REFERRAL, "participant_name": str},
    "capital_sent": REFERRAL,
    "capital_under_review": REFERRAL,
    "capital_approved": {**REFERRAL, "amount": str},
    "capital_refused": {**REFERRAL, "reason": str},
    "capital_disbursed": {**REFERRAL, "amount": str, "day": str},
    "capital_withdrawn": REFERRAL,
}
