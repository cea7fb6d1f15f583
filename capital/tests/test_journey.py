"""P7 on the participant's journey: its states, its one query (none when the page knows the participant is not
verified), and who has done the step (done_filter: a loan disbursed)."""

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from capital.choices import ReferralStatus
from capital.journey import NOT_VERIFIED, CapitalStep
from capital.models import FinancingProduct
from capital.tests.factories import ProductFactory, referral_in
from mentoring.tests.factories import verified_participant
from registration import journey
from registration.models import Participant
from registration.tests.factories import ParticipantFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def p7(user: User) -> journey.StepStatus:
    with translation.override("en"):
        status = CapitalStep().status(user)
        return journey.StepStatus(status.state, str(status.summary), str(status.next_action), status.url)


def test_the_step_follows_the_referrals(siti: Participant, entrepreneur: User, product: FinancingProduct) -> None:
    ProductFactory(lender=product.lender)
    ProductFactory(lender=product.lender, active=False)
    ProductFactory()  # of a lender without an agreement covering P7: not on offer
    start = p7(entrepreneur)
    assert start.state == journey.State.NOT_STARTED and start.url == reverse("capital:readiness")
    assert start.summary == "2 loans are on offer: see which you qualify for now and what is missing."
    refused = referral_in(ReferralStatus.REFUSED, participant=siti, product=product)
    assert p7(entrepreneur).state == journey.State.NOT_STARTED  # a refusal leaves the step to start again
    referral_in(ReferralStatus.SENT, participant=siti, product=product)
    going = p7(entrepreneur)
    assert going.state == journey.State.IN_PROGRESS and going.url == reverse("capital:referrals")
    referral_in(ReferralStatus.DISBURSED, participant=siti, product=refused.product, lender=product.lender)
    done = p7(entrepreneur)
    assert done.state == journey.State.DONE and done.summary == "You received a loan through the program."


def test_before_verification_and_without_a_registration_the_step_waits(entrepreneur: User) -> None:
    with translation.override("en"):
        assert p7(entrepreneur).summary == str(NOT_VERIFIED.summary)
    RegistrationFactory(participant=ParticipantFactory(user=entrepreneur))
    status = p7(entrepreneur)
    assert status.state == journey.State.NOT_STARTED and not status.url


def test_the_step_is_one_query(
    siti: Participant, entrepreneur: User, product: FinancingProduct, django_assert_num_queries: Any
) -> None:
    for status in ReferralStatus:
        referral_in(status, participant=siti, product=ProductFactory(lender=product.lender))
    with django_assert_num_queries(1):
        CapitalStep().status(entrepreneur)


def test_no_query_when_the_page_loaded_a_registration_not_verified_yet(
    entrepreneur: User, django_assert_num_queries: Any
) -> None:
    RegistrationFactory(participant=ParticipantFactory(user=entrepreneur))
    user = User.objects.select_related("participant__registration").get(pk=entrepreneur.pk)  # as the home page does
    with django_assert_num_queries(0):
        assert CapitalStep().status(user) == NOT_VERIFIED


def test_done_is_a_loan_disbursed(product: FinancingProduct, django_assert_num_queries: Any) -> None:
    disbursed, approved, nobody = verified_participant(), verified_participant(), verified_participant()
    referral_in(ReferralStatus.DISBURSED, participant=disbursed, product=product)
    referral_in(ReferralStatus.APPROVED, participant=approved, product=product)
    with django_assert_num_queries(1):
        done = set(Participant.objects.filter(journey.done_filter("P7")).values_list("pk", flat=True))
    assert done == {disbursed.pk}
    assert nobody.pk not in done
