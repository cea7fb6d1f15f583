"""The reads of P7 scoped to the user, and the program's figures for a year: referrals made in it, approved in it
(their move to approved), disbursed in it (the day of the disbursement) and the amount, by lender, product and
kecamatan, in one grouped query."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from capital import selectors
from capital.choices import ReferralStatus
from capital.models import FinancingProduct, LoanReferral, ReferralMove
from capital.tests.factories import ProductFactory, lender, referral_in
from partners.choices import OrganisationKind
from registration.models import Participant

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def in_year(year: int, month: int = 6) -> datetime.datetime:
    return datetime.datetime(year, month, 15, 10, tzinfo=timezone.get_default_timezone())


def made_in(year: int, status: str, **fields: Any) -> LoanReferral:
    referral = referral_in(status, **fields)
    LoanReferral.objects.filter(pk=referral.pk).update(created_at=in_year(year))
    ReferralMove.objects.filter(referral=referral).update(moved_at=in_year(year))
    return referral


def test_the_figures_count_each_event_in_its_own_year(
    siti: Participant, gambir_participant: Participant, product: FinancingProduct, agency_staff: User
) -> None:
    fintech = ProductFactory(lender=lender(staff=agency_staff, kind=OrganisationKind.FINTECH, name="Fintech Uji"))
    # asked last year, approved this January and disbursed this February
    late = made_in(THIS_YEAR - 1, ReferralStatus.DISBURSED, participant=siti, product=product,
                   amount_approved=8_000_000, amount_disbursed=7_000_000,
                   disbursed_on=datetime.date(THIS_YEAR, 2, 1))  # fmt: skip
    ReferralMove.objects.filter(referral=late, to_status=ReferralStatus.APPROVED).update(
        moved_at=in_year(THIS_YEAR, 1)
    )
    made_in(THIS_YEAR, ReferralStatus.REFUSED, participant=siti, product=ProductFactory(lender=product.lender))
    made_in(THIS_YEAR, ReferralStatus.APPROVED, participant=gambir_participant, product=fintech)
    made_in(THIS_YEAR - 1, ReferralStatus.WITHDRAWN, participant=gambir_participant, product=product)

    by_lender = {r.name: r for r in selectors.figures(agency_staff, year=THIS_YEAR, by="lender").rows}
    bank = by_lender[product.lender.name]
    assert (bank.referred, bank.approved, bank.disbursed, bank.disbursed_amount) == (1, 1, 1, 7_000_000)
    other = by_lender["Fintech Uji"]
    assert (other.referred, other.approved, other.disbursed, other.disbursed_amount) == (1, 1, 0, 0)

    by_kecamatan = {r.name: r for r in selectors.figures(agency_staff, year=THIS_YEAR, by="kecamatan").rows}
    assert {name: r.referred for name, r in by_kecamatan.items()} == {"Tebet": 1, "Gambir": 1}

    by_product = selectors.figures(agency_staff, year=THIS_YEAR, by="product")
    assert {(r.name, r.lender) for r in by_product.rows} >= {(fintech.name, "Fintech Uji")}
    assert by_product.total.referred == 2 and by_product.total.disbursed_amount == 7_000_000

    last_year = selectors.figures(agency_staff, year=THIS_YEAR - 1, by="lender")
    assert (last_year.total.referred, last_year.total.approved, last_year.total.disbursed) == (2, 0, 0)


def test_the_figures_are_agency_staffs(mentor_tebet: User, siti: Participant, product: FinancingProduct) -> None:
    referral_in(ReferralStatus.REQUESTED, participant=siti, product=product)
    assert selectors.figures(mentor_tebet, year=THIS_YEAR, by="lender").rows == []


def test_the_figures_are_one_query_for_many_rows(
    siti: Participant, product: FinancingProduct, agency_staff: User, django_assert_num_queries: Any
) -> None:
    for _ in range(15):
        referral_in(ReferralStatus.DISBURSED, participant=siti, product=ProductFactory(lender=product.lender))
    with django_assert_num_queries(1):
        found = selectors.figures(agency_staff, year=THIS_YEAR, by="product")
    assert len(found.rows) == 15


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("entrepreneur", {"siti"}),
        ("other_entrepreneur", {"budi"}),
        ("mentor_tebet", {"siti", "budi"}),
        ("mentor_gambir", {"gambir"}),
        ("secretariat_tebet", set()),
        ("agency_staff", {"siti", "budi", "gambir"}),
        ("partner_user", set()),
    ],
)
def test_who_reaches_which_referrals(
    request: pytest.FixtureRequest,
    who: str,
    sees: set[str],
    siti: Participant,
    budi: Participant,
    gambir_participant: Participant,
    product: FinancingProduct,
) -> None:
    people = {"siti": siti, "budi": budi, "gambir": gambir_participant}
    made = {
        name: referral_in(ReferralStatus.REQUESTED, participant=p, product=product).pk for name, p in people.items()
    }
    user = request.getfixturevalue(who)
    assert set(selectors.referrals_for(user).values_list("pk", flat=True)) == {made[name] for name in sees}
    queued = {made[name] for name in sees} if who.startswith(("mentor", "agency")) else set()
    assert {r.pk for r in selectors.queue(user)} == queued
