"""The demo capital loads once, after the demo people and partners: three lenders with a PKS in force covering P6
and P7, the four products, referrals in every state with one disbursed; a second run changes nothing; the demo
logins see it."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from capital.choices import ReferralStatus
from capital.models import FinancingProduct, LoanReferral, ReferralMove
from partners.choices import OrganisationKind, Purpose
from partners.models import Agreement, PartnerKey
from partners.selectors import purposes_in_force
from registration.management.commands.seed_demo import DEMO_PASSWORD, demo_email

pytestmark = pytest.mark.django_db


def test_demo_capital_loads_once_after_the_demo_people(client: Client, settings: Any) -> None:
    settings.DEBUG = True
    with pytest.raises(CommandError):
        call_command("seed_capital_demo", stdout=StringIO())  # the demo people first
    call_command("seed_demo", participants=120, stdout=StringIO())
    call_command("seed_mentoring_demo", stdout=StringIO())
    call_command("seed_partners_demo", stdout=StringIO())
    out = StringIO()
    call_command("seed_capital_demo", stdout=out)
    assert "Bank DKI API key" in out.getvalue()

    products = FinancingProduct.objects.select_related("lender")
    assert {p.name for p in products} == {
        "Kredit Monas Pemula",
        "KUR Mikro",
        "Pinjaman Modal Usaha Tumbuh",
        "Pembiayaan Murabahah Usaha Anggota",
    }
    lenders = {p.lender for p in products}
    assert {lender.kind for lender in lenders} == {
        OrganisationKind.BANK,
        OrganisationKind.FINTECH,
        OrganisationKind.COOPERATIVE,
    }
    for lender in lenders:
        assert Purpose.LOAN_ASSESSMENT in purposes_in_force(lender, timezone.localdate()), lender
    assert PartnerKey.objects.filter(organisation__name="Bank DKI").count() == 1

    assert set(LoanReferral.objects.values_list("status", flat=True)) == set(ReferralStatus.values)
    assert LoanReferral.objects.filter(status=ReferralStatus.DISBURSED).count() == 1
    siti = LoanReferral.objects.get(participant__user__email=demo_email("peserta"))
    assert siti.status == ReferralStatus.UNDER_REVIEW
    counts = (FinancingProduct.objects.count(), LoanReferral.objects.count(), ReferralMove.objects.count(),
              Agreement.objects.count(), PartnerKey.objects.count())  # fmt: skip
    call_command("seed_capital_demo", stdout=StringIO())  # a second run changes nothing
    assert counts == (FinancingProduct.objects.count(), LoanReferral.objects.count(), ReferralMove.objects.count(),
                      Agreement.objects.count(), PartnerKey.objects.count())  # fmt: skip

    # the demo logins see it: the participant their referral, the mentor their queue, staff the figures
    assert client.login(username=demo_email("peserta"), password=DEMO_PASSWORD)
    html = client.get(reverse("capital:referrals")).content.decode()
    assert reverse("capital:referral_detail", args=[siti.pk]) in html
    assert client.login(username=demo_email("mentor.tebet"), password=DEMO_PASSWORD)
    assert client.get(reverse("capital:queue")).context["page"].items
    assert client.login(username=demo_email("dinas"), password=DEMO_PASSWORD)
    figures = client.get(reverse("capital:figures"), {"by": "lender"}).context["figures"]
    assert figures.total.referred == LoanReferral.objects.count() and figures.total.disbursed == 1


def test_demo_capital_refuses_to_load_without_debug(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", participants=5, stdout=StringIO())
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_capital_demo", stdout=StringIO())
    assert not FinancingProduct.objects.exists()
