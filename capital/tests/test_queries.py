"""Every P7 page runs a fixed number of queries, whatever the number of rows: pinned with 10 products and over 50
referrals, each with its moves (an N+1 fails these)."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from capital.choices import OPEN_STATUSES, ReferralStatus
from capital.models import FinancingProduct, LoanReferral
from capital.tests.factories import ProductFactory, referral_in
from finance.tests.factories import MonthlyRecordFactory
from licensing.models import add_months
from mentoring.tests.factories import verified_participant
from partners.models import PartnerOrganisation
from registration.choices import BusinessClass
from registration.models import Participant
from registration.tests.conftest import login

pytestmark = pytest.mark.django_db

PRODUCTS = 10
OPEN = [s for s in ReferralStatus if s in OPEN_STATUSES]
CLOSED = [s for s in ReferralStatus if s not in OPEN_STATUSES]


@pytest.fixture
def products(bank: PartnerOrganisation) -> list[FinancingProduct]:
    return [
        ProductFactory(lender=bank, min_report_months=n % 3, needs_nib=n % 2 == 1, classes=[BusinessClass.MICRO])
        for n in range(PRODUCTS)
    ]


@pytest.fixture
def busy(siti: Participant, products: list[FinancingProduct]) -> list[LoanReferral]:
    """Siti with a referral for every product in every status (closed ones: one open per product at most), and
    months reported; fifty more requested referrals of other Tebet participants."""
    made = []
    for n, product in enumerate(products):
        for status in (*CLOSED, OPEN[n % len(OPEN)]):
            made.append(referral_in(status, participant=siti, product=product))
    last = add_months(timezone.localdate().replace(day=1), -1)
    for back in range(3):
        MonthlyRecordFactory(participant=siti, month=add_months(last, -back))
    for n in range(50):
        other = verified_participant("Tebet", nik=f"31740157089{n:05d}")
        made.append(referral_in(ReferralStatus.REQUESTED, participant=other, product=products[n % PRODUCTS]))
    assert LoanReferral.objects.count() > 50
    return made


def test_the_readiness_page(
    client: Client, entrepreneur: User, busy: list[LoanReferral], django_assert_num_queries: Any
) -> None:
    login(client, entrepreneur)
    # session, user, the participant, the products (with the open referrals and the NIB), the streak, the class now
    with django_assert_num_queries(6):
        response = client.get(reverse("capital:readiness"))
    assert len(response.context["readiness"].products) == PRODUCTS


def test_my_referrals(
    client: Client, entrepreneur: User, busy: list[LoanReferral], django_assert_num_queries: Any
) -> None:
    login(client, entrepreneur)
    with django_assert_num_queries(5):  # session, user, the participant, the page of referrals, their moves
        response = client.get(reverse("capital:referrals"))
    assert len(response.context["page"].items) == 25


def test_a_referral_page(
    client: Client, entrepreneur: User, siti: Participant, busy: list[LoanReferral], django_assert_num_queries: Any
) -> None:
    disbursed = LoanReferral.objects.filter(participant=siti, status=ReferralStatus.DISBURSED).first()
    assert disbursed is not None
    login(client, entrepreneur)
    with django_assert_num_queries(4):  # session, user, the referral with its product, lender and consent, its moves
        client.get(reverse("capital:referral_detail", args=[disbursed.pk]))


def test_a_product_page_and_the_referral_form(
    client: Client,
    entrepreneur: User,
    products: list[FinancingProduct],
    busy: list[LoanReferral],
    django_assert_num_queries: Any,
) -> None:
    login(client, entrepreneur)
    # session, user, the product, the participant, its facts (three), its open referral
    with django_assert_num_queries(8):
        client.get(reverse("capital:product", args=[products[0].code]))
    fresh = ProductFactory(lender=products[0].lender)
    # session, user, the participant, the product, an open referral?, the facts (three), the consent text
    with django_assert_num_queries(9):
        assert client.get(reverse("capital:referral_create", args=[fresh.code])).status_code == 200


def test_the_mentors_queue(
    client: Client, mentor_tebet: User, busy: list[LoanReferral], django_assert_num_queries: Any
) -> None:
    login(client, mentor_tebet)
    with django_assert_num_queries(3):  # session, user, the page of referrals with what they show
        response = client.get(reverse("capital:queue"))
    assert len(response.context["page"].items) == 25


def test_agency_staffs_queue_filtered(
    client: Client, agency_staff: User, siti: Participant, busy: list[LoanReferral], django_assert_num_queries: Any
) -> None:
    login(client, agency_staff)
    # session, user, the kecamatan chosen, the page of referrals, the kecamatan of the filter's list
    with django_assert_num_queries(5):
        response = client.get(reverse("capital:queue"), {"kecamatan": siti.kecamatan_id})
    assert len(response.context["page"].items) == 25


def test_a_participants_capital_for_the_mentor(
    client: Client, mentor_tebet: User, siti: Participant, busy: list[LoanReferral], django_assert_num_queries: Any
) -> None:
    login(client, mentor_tebet)
    # session, user, the participant, the readiness (three), the page of referrals and their moves
    with django_assert_num_queries(8):
        client.get(reverse("capital:participant", args=[siti.pk]))


@pytest.mark.parametrize("by", ["lender", "product", "kecamatan"])
def test_the_figures(
    client: Client, agency_staff: User, busy: list[LoanReferral], by: str, django_assert_num_queries: Any
) -> None:
    login(client, agency_staff)
    with django_assert_num_queries(3):  # session, user, the grouped figures
        response = client.get(reverse("capital:figures"), {"by": by})
    assert response.context["figures"].total.referred == len(busy)
