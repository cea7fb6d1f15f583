"""P7 pages. Participants see the loans on offer with what they lack for each, ask to be referred and follow or
withdraw their referrals; mentors and agency staff see a participant's readiness and referrals and send requested
referrals to the lender; agency staff read the program's figures. Thin: check who asks, bind a form, call a service,
render. Objects come through selectors scoped to the user: others' answer 404."""

from .participants import product, readiness, referral_create, referral_detail, referral_withdraw, referrals
from .staff import figures, participant, queue, referral_send

__all__ = [
    "figures",
    "participant",
    "product",
    "queue",
    "readiness",
    "referral_create",
    "referral_detail",
    "referral_send",
    "referral_withdraw",
    "referrals",
]
