"""One open referral per participant and product, whatever the race: the same referral sent twice at once, each on
its own PostgreSQL connection (one per thread), is made once; the other is refused with a clear reason (the
constraint's IntegrityError turned into a refusal), never an error. A move raced by two hands is made once too
(the row lock): the second finds the referral moved already. Two referrals resting on one consent, closed at once,
end it (the participant's row lock orders them)."""

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import User
from capital import services
from capital.choices import ReferralStatus
from capital.models import FinancingProduct, LoanReferral, ReferralMove
from capital.tests.factories import ProductFactory, ask
from partners.models import Consent
from registration.models import Participant

TIMES = 2


def race(times: int, action: Callable[[], str]) -> list[str]:
    barrier = threading.Barrier(times, timeout=30)

    def run(_n: int) -> str:
        try:
            barrier.wait()
            return action()
        except ValidationError as exc:
            return f"refused:{exc.code}"
        except Exception as exc:
            return f"error:{type(exc).__name__}:{exc}"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(run, range(times)))


@pytest.mark.django_db(transaction=True)
def test_the_same_referral_sent_twice_at_once_is_made_once(siti: Participant, product: FinancingProduct) -> None:
    def send() -> str:
        ask(siti, product)
        return "made"

    outcomes = Counter(race(TIMES, send))

    assert outcomes == {"made": 1, "refused:already_open": TIMES - 1}, outcomes
    assert LoanReferral.objects.count() == 1 and ReferralMove.objects.count() == 1
    assert Consent.objects.filter(participant=siti).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_referral_sent_to_the_lender_by_two_hands_at_once_moves_once(
    siti: Participant, product: FinancingProduct, mentor_tebet: User, agency_staff: User
) -> None:
    referral = ask(siti, product)
    hands = iter([mentor_tebet, agency_staff])
    lock = threading.Lock()

    def send() -> str:
        with lock:
            user = next(hands)
        services.referral_move(referral=referral, to_status=ReferralStatus.SENT, acting_user=user)
        return "sent"

    outcomes = Counter(race(TIMES, send))

    assert outcomes == {"sent": 1, "refused:not_now": 1}, outcomes
    assert ReferralMove.objects.filter(referral=referral, to_status=ReferralStatus.SENT).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second", [ReferralStatus.WITHDRAWN, ReferralStatus.REFUSED])
def test_two_referrals_on_one_consent_closed_at_once_end_it(
    second: str, siti: Participant, product: FinancingProduct, agency_staff: User, bank_api: User
) -> None:
    """The participant's row lock, taken first, puts one closing after the other: the later sees the earlier closed
    and ends the consent (without it each saw the other open, and the consent stayed for ever)."""
    first = ask(siti, product)
    other = ask(siti, ProductFactory(lender=product.lender))
    assert first.consent_id == other.consent_id
    for target in (ReferralStatus.SENT, ReferralStatus.UNDER_REVIEW):
        services.referral_move(referral=other, to_status=target, acting_user=agency_staff)

    def close_other() -> LoanReferral:
        if second == ReferralStatus.WITHDRAWN:
            return services.referral_withdraw(referral=other, acting_user=siti.user)
        return services.referral_move(
            referral=other, to_status=ReferralStatus.REFUSED, note="Omzet kurang.", acting_user=bank_api
        )

    closings = iter([lambda: services.referral_withdraw(referral=first, acting_user=siti.user), close_other])
    lock = threading.Lock()

    def close() -> str:
        with lock:
            closing = next(closings)
        return closing().status

    outcomes = Counter(race(TIMES, close))

    assert outcomes == Counter([ReferralStatus.WITHDRAWN.value, second]), outcomes
    assert not Consent.objects.get(pk=first.consent_id).is_active
