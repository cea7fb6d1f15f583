"""P7's measure for the targets (`registration.measures`): capitalised, the day a loan referred by the program
was first disbursed."""

from django.db.models import DateField, OuterRef, Subquery
from django.db.models.functions import Coalesce, TruncDate

from .choices import ReferralStatus
from .models import LoanReferral, ReferralMove


def capitalised_on() -> Subquery:
    """The day (Asia/Jakarta) of the first move to disbursed of the participant's disbursed referrals (disbursed
    is final); the referral's last move stands in should a disbursed one lack its move row. NULL exactly when P7 is
    not done (`CapitalStep.done_filter`: a referral disbursed)."""
    moves = ReferralMove.objects.filter(referral=OuterRef("pk"), to_status=ReferralStatus.DISBURSED)
    first_move = Subquery(moves.order_by("moved_at").values("moved_at")[:1])
    disbursed = LoanReferral.objects.filter(participant=OuterRef("pk"), status=ReferralStatus.DISBURSED)
    first = disbursed.annotate(day=TruncDate(Coalesce(first_move, "moved_at"))).order_by("day").values("day")
    return Subquery(first[:1], output_field=DateField())
