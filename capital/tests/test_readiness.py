"""Readiness: each criterion of a product, met and missing, said in plain words with a link to the step that fixes
it: the track (no step fixes it), months of reports (the cash book, the monthly reports), an NIB (a licence
request), the business class (now, from the reports, else the baseline) and the minimum monthly turnover. A
participant's readiness for many products costs a fixed number of queries."""

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from capital import readiness
from capital.choices import ReferralStatus
from capital.models import FinancingProduct
from capital.tests.factories import ProductFactory, lender, referral_in
from finance.tests.factories import MonthlyRecordFactory
from licensing.models import add_months
from licensing.tests.factories import LicenceFactory, days_ago, licence_type
from partners.choices import Step
from partners.models import PartnerOrganisation
from registration.choices import BusinessClass, Track
from registration.models import Business, Participant

pytestmark = pytest.mark.django_db

BOOK, REPORTS, NIB_REQUEST = reverse("finance:book"), reverse("finance:reports"), reverse("licensing:request_create")


def report_months(participant: Participant, count: int, *, skip_last: bool = False, **figures: Any) -> None:
    """`count` months reported, ending last month (or the month before, with `skip_last`)."""
    last = add_months(timezone.localdate().replace(day=1), -2 if skip_last else -1)
    for back in range(count):
        MonthlyRecordFactory(participant=participant, month=add_months(last, -back), **figures)


def judged(participant: Participant, product: FinancingProduct) -> readiness.ProductReadiness:
    with translation.override("en"):
        found = readiness.readiness_of(participant)
    return next(item for item in found.products if item.product.pk == product.pk)


def missing(participant: Participant, product: FinancingProduct) -> dict[str, tuple[str, list[str]]]:
    return {m.criterion: (m.text, [fix.url for fix in m.fixes]) for m in judged(participant, product).missing}


def test_a_product_without_criteria_is_for_everyone(siti: Participant, product: FinancingProduct) -> None:
    assert judged(siti, product).qualifies


def test_the_track(siti: Participant, bank: PartnerOrganisation) -> None:
    growing = ProductFactory(lender=bank, tracks=[Track.NAIK_KELAS])
    text, fixes = missing(siti, growing)["track"]
    assert "Growing entrepreneur" in text and "Starting entrepreneur" in text and fixes == []
    assert judged(siti, ProductFactory(lender=bank, tracks=[Track.PEMULA, Track.NAIK_KELAS])).qualifies


def test_months_of_reports_in_a_row_up_to_last_month(siti: Participant, bank: PartnerOrganisation) -> None:
    needs_three = ProductFactory(lender=bank, min_report_months=3)
    text, fixes = missing(siti, needs_three)["reports"]
    assert "3 months of financial reports" in text and "you have 0" in text
    assert fixes == [BOOK, REPORTS]
    report_months(siti, 3, skip_last=True)  # a gap last month: the streak is broken
    assert "you have 0" in missing(siti, needs_three)["reports"][0]
    report_months(siti, 1)
    assert judged(siti, needs_three).qualifies


def test_an_nib_valid_today(siti: Participant, bank: PartnerOrganisation) -> None:
    needs_nib = ProductFactory(lender=bank, needs_nib=True)
    text, fixes = missing(siti, needs_nib)["nib"]
    assert "NIB" in text and fixes == [NIB_REQUEST]
    LicenceFactory(participant=siti, licence_type=licence_type("nib"), issued_on=days_ago(3))
    assert judged(siti, needs_nib).qualifies


def test_the_business_class_now_or_else_at_registration(siti: Participant, bank: PartnerOrganisation) -> None:
    for_small = ProductFactory(lender=bank, classes=[BusinessClass.SMALL])
    text, fixes = missing(siti, for_small)["class"]
    assert "small" in text.lower() and "yours is micro now" in text
    assert fixes == [REPORTS]  # the class is the registration's: the months reported say where it stands now
    report_months(siti, 2, assets=2_000_000_000)  # over Rp 1 billion of capital: small
    assert judged(siti, for_small).qualifies
    assert missing(siti, ProductFactory(lender=bank, classes=[BusinessClass.MICRO]))["class"][1] == []


def test_no_business_has_no_class(siti: Participant, bank: PartnerOrganisation) -> None:
    Business.objects.filter(participant=siti).delete()
    siti = Participant.objects.get(pk=siti.pk)
    text, _fixes = missing(siti, ProductFactory(lender=bank, classes=[BusinessClass.MICRO]))["class"]
    assert "not registered" in text
    assert judged(siti, ProductFactory(lender=bank)).qualifies


def test_a_minimum_monthly_turnover_on_average(siti: Participant, bank: PartnerOrganisation) -> None:
    needs_five = ProductFactory(lender=bank, min_monthly_turnover=5_000_000)
    text, fixes = missing(siti, needs_five)["turnover"]
    assert "Rp 5.000.000" in text and "report your months" in text and fixes == [REPORTS]
    report_months(siti, 2, turnover=4_000_000)
    text, _fixes = missing(siti, needs_five)["turnover"]
    assert "yours is Rp 4.000.000" in text
    MonthlyRecordFactory(
        participant=siti, month=add_months(timezone.localdate().replace(day=1), -3), turnover=7_000_000
    )
    assert judged(siti, needs_five).qualifies  # (4 + 4 + 7) / 3 = 5 million


def test_every_criterion_missing_is_said_in_order(siti: Participant, bank: PartnerOrganisation) -> None:
    strict = ProductFactory(
        lender=bank,
        tracks=[Track.NAIK_KELAS],
        min_report_months=6,
        needs_nib=True,
        classes=[BusinessClass.MEDIUM],
        min_monthly_turnover=100_000_000,
    )
    assert list(missing(siti, strict)) == ["track", "reports", "nib", "class", "turnover"]


def test_the_open_referral_of_each_product_is_known(
    siti: Participant, product: FinancingProduct, bank: PartnerOrganisation
) -> None:
    other = ProductFactory(lender=bank)
    open_one = referral_in(ReferralStatus.SENT, participant=siti, product=product)
    referral_in(ReferralStatus.REFUSED, participant=siti, product=other)
    assert judged(siti, product).open_referral == open_one.pk
    assert judged(siti, other).open_referral is None


def test_only_products_on_offer_are_judged(siti: Participant, product: FinancingProduct, agency_staff: User) -> None:
    ProductFactory(lender=product.lender, active=False)
    ProductFactory(lender=PartnerOrganisation.objects.create(name="Koperasi Tutup", kind="cooperative", active=False))
    ProductFactory()  # a lender with no agreement: no referral can be made to it
    ProductFactory(lender=lender(staff=agency_staff, steps=[Step.P6]))  # an agreement without P7
    found = readiness.readiness_of(siti)
    assert [item.product.pk for item in found.products] == [product.pk]


def test_readiness_costs_the_same_for_many_products(
    siti: Participant, bank: PartnerOrganisation, django_assert_num_queries: Any
) -> None:
    for n in range(12):
        made = ProductFactory(
            lender=bank, min_report_months=n % 4, needs_nib=bool(n % 2), classes=[BusinessClass.MICRO]
        )
        if n % 3 == 0:
            referral_in(ReferralStatus.REQUESTED, participant=siti, product=made)
    report_months(siti, 2)
    siti = Participant.objects.select_related("business").get(pk=siti.pk)
    with django_assert_num_queries(3):  # the products with the NIB, the streak, the class now
        found = readiness.readiness_of(siti)
    assert len(found.products) == 12 and len(found.qualifying) == 6  # the even ones: no NIB, at most two months


def test_the_criteria_said_on_a_products_page(bank: PartnerOrganisation) -> None:
    strict = ProductFactory(
        lender=bank, tracks=[Track.NAIK_KELAS], min_report_months=3, needs_nib=True, classes=[BusinessClass.MICRO],
        min_monthly_turnover=2_000_000,
    )  # fmt: skip
    with translation.override("en"):
        lines = readiness.criteria_of(strict)
        assert readiness.criteria_of(ProductFactory(lender=bank)) == ["Both tracks"]
    assert lines == [
        "Track: Growing entrepreneur (Wirausaha Naik Kelas)",
        "3 months of financial reports in a row",
        "An NIB (business identification number)",
        "Business class: Micro",
        "A monthly turnover of at least Rp 2.000.000",
    ]
