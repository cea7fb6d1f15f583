"""The admin of P7: products created, changed and taken off offer through the services (their rules shown on the
form, rupiah typed as people type it), never deleted; referrals read-only, moved on their own page through
`referral_move` on the lender's behalf (what each move carries checked there too); fixed queries."""

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from capital.choices import ReferralStatus
from capital.models import FinancingProduct, LoanReferral, ReferralMove
from capital.tests.factories import ProductFactory, referral_in
from core import audit
from mentoring.tests.factories import verified_participant
from notifications.models import Message
from partners import services as partner_services
from partners.choices import OrganisationKind
from partners.models import PartnerOrganisation
from partners.tests.factories import PartnerOrganisationFactory
from registration.models import Participant
from registration.tests.conftest import login

pytestmark = pytest.mark.django_db

CHANGELISTS = ["admin:capital_financingproduct_changelist", "admin:capital_loanreferral_changelist"]


def product_form(lender: PartnerOrganisation, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "lender": lender.pk,
        "code": "kredit-monas",
        "name": "Kredit Monas Pemula",
        "description": "Tanpa agunan.",
        "amount_min": "1 juta",
        "amount_max": "Rp 10.000.000",
        "tenor_min_months": "3",
        "tenor_max_months": "18",
        "rate_percent": "7",
        "rate_kind": "interest",
        "tracks": ["pemula"],
        "min_report_months": "3",
        "needs_nib": "on",
        "classes": ["micro"],
        "min_monthly_turnover": "0",
        "official_url": "",
        "active": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize("url_name", CHANGELISTS)
def test_changelists_run_a_fixed_number_of_queries(
    client: Client, agency_staff: User, siti: Participant, bank: PartnerOrganisation, url_name: str,
    django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    login(client, agency_staff)
    for n in range(20):
        product = ProductFactory(lender=bank)
        referral_in(ReferralStatus.SENT, participant=verified_participant(nik=f"31740157089{n:05d}"), product=product)
    with django_assert_max_num_queries(10):  # the page and its filters' choices (lenders, products, kecamatan)
        assert client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize("who", ["mentor_tebet", "secretariat_tebet", "entrepreneur", "partner_user"])
def test_only_agency_staff_reach_the_admin(client: Client, request: pytest.FixtureRequest, who: str) -> None:
    login(client, request.getfixturevalue(who))
    assert client.get(reverse("admin:capital_financingproduct_changelist")).status_code == 302


def test_a_product_is_created_through_the_service_with_rupiah_typed_as_people_type_it(
    client: Client, agency_staff: User, bank: PartnerOrganisation
) -> None:
    login(client, agency_staff)
    response = client.post(reverse("admin:capital_financingproduct_add"), product_form(bank))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    made = FinancingProduct.objects.get(code="kredit-monas")
    assert (made.amount_min, made.amount_max, made.tracks, made.classes, made.needs_nib) == (
        1_000_000,
        10_000_000,
        ["pemula"],
        ["micro"],
        True,
    )
    [created] = audit.history_of(made)
    assert created.actor == str(agency_staff) and created.channel == str(audit.Channel.ADMIN.label)


def test_the_services_rules_show_on_the_form(client: Client, agency_staff: User, bank: PartnerOrganisation) -> None:
    login(client, agency_staff)
    url = reverse("admin:capital_financingproduct_add")
    response = client.post(url, product_form(bank, amount_min="20 juta", tenor_min_months="24"))
    assert response.status_code == 200
    assert {"amount_min", "tenor_min_months"} <= set(response.context["adminform"].form.errors)
    university = PartnerOrganisationFactory(kind=OrganisationKind.UNIVERSITY)
    response = client.post(url, product_form(university))
    assert "lender" in response.context["adminform"].form.errors  # only lenders are offered
    assert not FinancingProduct.objects.exists()


def test_a_product_is_changed_its_code_kept_and_taken_off_offer_never_deleted(
    client: Client, agency_staff: User, product: FinancingProduct
) -> None:
    login(client, agency_staff)
    url = reverse("admin:capital_financingproduct_change", args=[product.pk])
    response = client.post(url, product_form(product.lender, code="kode-baru", name="Kredit Warung Baru"))
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.code) == ("Kredit Warung Baru", "kredit-warung")
    changelist = reverse("admin:capital_financingproduct_changelist")
    client.post(changelist, {"action": "deactivate", "_selected_action": [product.pk]})
    product.refresh_from_db()
    assert product.active is False
    assert client.get(reverse("admin:capital_financingproduct_delete", args=[product.pk])).status_code == 403


def test_a_referral_is_read_only_and_moved_on_the_lenders_behalf(
    client: Client, agency_staff: User, siti: Participant, product: FinancingProduct
) -> None:
    referral = referral_in(ReferralStatus.UNDER_REVIEW, participant=siti, product=product)
    login(client, agency_staff)
    change = client.get(reverse("admin:capital_loanreferral_change", args=[referral.pk]))
    move_url = reverse("admin:capital_referral_move", args=[referral.pk])
    assert change.status_code == 200 and move_url in change.content.decode()
    page = client.get(move_url)
    assert [value for value, _label in page.context["form"].fields["to_status"].choices] == ["approved", "refused"]
    response = client.post(move_url, {"to_status": "approved", "amount": "5 juta", "lender_reference": "BDKI-9"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.amount_approved, referral.lender_reference) == ("approved", 5_000_000, "BDKI-9")
    assert ReferralMove.objects.filter(referral=referral, to_status="approved", moved_by=agency_staff).exists()
    assert Message.objects.filter(recipient=siti.user, template="capital_approved").exists()
    assert client.get(reverse("admin:capital_loanreferral_add")).status_code == 403


def test_what_a_move_carries_is_checked_on_the_admins_page_too(
    client: Client, agency_staff: User, siti: Participant, product: FinancingProduct
) -> None:
    referral = referral_in(ReferralStatus.APPROVED, participant=siti, product=product, amount_approved=2_000_000)
    login(client, agency_staff)
    move_url = reverse("admin:capital_referral_move", args=[referral.pk])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(move_url, {"to_status": "disbursed", "amount": "3 juta", "day": tomorrow.isoformat()})
    assert response.status_code == 400
    assert {"amount", "day"} <= set(response.context["form"].errors)
    assert 'value="3 juta"' in response.content.decode()  # what was typed comes back
    assert LoanReferral.objects.get(pk=referral.pk).status == ReferralStatus.APPROVED


def test_a_closed_referral_offers_no_move(
    client: Client, agency_staff: User, siti: Participant, product: FinancingProduct
) -> None:
    referral = referral_in(ReferralStatus.WITHDRAWN, participant=siti, product=product)
    login(client, agency_staff)
    change = client.get(reverse("admin:capital_loanreferral_change", args=[referral.pk]))
    move_url = reverse("admin:capital_referral_move", args=[referral.pk])
    assert move_url not in change.content.decode()
    assert client.get(move_url).status_code == 302


def test_a_referral_whose_consent_was_withdrawn_offers_staff_no_move_and_says_why(
    client: Client, agency_staff: User, siti: Participant, product: FinancingProduct
) -> None:
    referral = referral_in(ReferralStatus.UNDER_REVIEW, participant=siti, product=product)
    partner_services.consent_withdraw(consent=referral.consent, channel="web", acting_user=siti.user)
    login(client, agency_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    change = client.get(reverse("admin:capital_loanreferral_change", args=[referral.pk]))
    move_url = reverse("admin:capital_referral_move", args=[referral.pk])
    html = change.content.decode()
    assert move_url not in html and 'id="move-refusal"' in html and "withdrew their consent" in html
    response = client.post(move_url, {"to_status": "approved", "amount": "5 juta"}, follow=True)
    assert any("withdrew their consent" in str(m) for m in response.context["messages"])
    assert LoanReferral.objects.get(pk=referral.pk).status == ReferralStatus.UNDER_REVIEW
    assert not ReferralMove.objects.filter(referral=referral, to_status="approved").exists()
