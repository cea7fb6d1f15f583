"""P7's measure for the targets: capitalised on the local day of the first move to disbursed, NULL exactly when
P7 is not done (the journey's done_filter)."""

import datetime

import pytest

from capital.choices import ReferralStatus
from capital.models import FinancingProduct, LoanReferral, ReferralMove
from capital.tests.factories import ProductFactory, referral_in
from mentoring.tests.factories import verified_participant
from registration import journey
from registration.measures import Measure, reached_on
from registration.models import Participant

pytestmark = pytest.mark.django_db

D = datetime.date
UTC = datetime.UTC


def test_capitalised_is_the_first_disbursement_and_null_exactly_when_p7_is_not_done(product: FinancingProduct) -> None:
    twice = verified_participant()
    first = referral_in(ReferralStatus.DISBURSED, participant=twice, product=product)
    ReferralMove.objects.filter(referral=first, to_status=ReferralStatus.DISBURSED).update(
        moved_at=datetime.datetime(2025, 3, 1, 18, 30, tzinfo=UTC)  # 01:30 the next day in Jakarta
    )
    later = referral_in(ReferralStatus.DISBURSED, participant=twice, product=ProductFactory(lender=product.lender))
    ReferralMove.objects.filter(referral=later, to_status=ReferralStatus.DISBURSED).update(
        moved_at=datetime.datetime(2025, 6, 1, 3, tzinfo=UTC)
    )
    without_move = verified_participant()
    unrecorded = referral_in(ReferralStatus.DISBURSED, participant=without_move, product=product)
    ReferralMove.objects.filter(referral=unrecorded).delete()
    LoanReferral.objects.filter(pk=unrecorded.pk).update(moved_at=datetime.datetime(2025, 4, 4, 3, tzinfo=UTC))
    not_done = []
    for status in (status for status in ReferralStatus if status != ReferralStatus.DISBURSED):
        participant = verified_participant()
        referral_in(status, participant=participant, product=product)
        not_done.append(participant)
    nothing = verified_participant()

    days = dict(Participant.objects.annotate(day=reached_on(Measure.CAPITALISED)).values_list("pk", "day"))

    assert days[twice.pk] == D(2025, 3, 2)
    assert days[without_move.pk] == D(2025, 4, 4)
    assert all(days[p.pk] is None for p in [*not_done, nothing])
    done = set(Participant.objects.filter(journey.done_filter("P7")).values_list("pk", flat=True))
    assert {pk for pk, day in days.items() if day is not None} == done == {twice.pk, without_move.pk}
