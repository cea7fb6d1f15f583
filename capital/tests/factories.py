"""Capital test data: lenders (partner organisations of a lending kind, with an agreement in force covering P6 and
P7 made through the partners' services), products, and referrals made through the service or written directly in
a later status (as fixtures, with their moves)."""

import itertools
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from accounts.models import User
from capital import services
from capital.choices import RateKind, ReferralStatus, SharedData
from capital.models import FinancingProduct, LoanReferral, ReferralMove
from partners.choices import ConsentChannel, OrganisationKind, Purpose, Step
from partners.models import Consent, PartnerOrganisation
from partners.selectors import current_text
from partners.tests.factories import PartnerOrganisationFactory, agreement_in_force
from registration.models import Participant

# the way to each status, from the referral's making ("" to requested)
PATHS: dict[str, list[str]] = {
    ReferralStatus.REQUESTED: [ReferralStatus.REQUESTED],
    ReferralStatus.SENT: [ReferralStatus.REQUESTED, ReferralStatus.SENT],
    ReferralStatus.UNDER_REVIEW: [ReferralStatus.REQUESTED, ReferralStatus.SENT, ReferralStatus.UNDER_REVIEW],
    ReferralStatus.APPROVED: [
        ReferralStatus.REQUESTED,
        ReferralStatus.SENT,
        ReferralStatus.UNDER_REVIEW,
        ReferralStatus.APPROVED,
    ],
    ReferralStatus.REFUSED: [
        ReferralStatus.REQUESTED,
        ReferralStatus.SENT,
        ReferralStatus.UNDER_REVIEW,
        ReferralStatus.REFUSED,
    ],
    ReferralStatus.DISBURSED: [
        ReferralStatus.REQUESTED,
        ReferralStatus.SENT,
        ReferralStatus.UNDER_REVIEW,
        ReferralStatus.APPROVED,
        ReferralStatus.DISBURSED,
    ],
    ReferralStatus.WITHDRAWN: [ReferralStatus.REQUESTED, ReferralStatus.WITHDRAWN],
}


def lender(*, staff: User, kind: str = OrganisationKind.BANK, name: str = "", steps: list[str] | None = None) -> Any:
    """A lending partner with an agreement in force covering P6 and P7 (or `steps`)."""
    organisation = PartnerOrganisationFactory(kind=kind, **({"name": name} if name else {}))
    agreement_in_force(organisation, steps=steps or [Step.P6, Step.P7], staff=staff)
    return organisation


class ProductFactory(factory.django.DjangoModelFactory[FinancingProduct]):
    """A product anyone qualifies for (no criteria), of a lender with no agreement: give `lender=` from `lender()`
    to refer to it."""

    class Meta:
        model = FinancingProduct

    lender = factory.SubFactory(PartnerOrganisationFactory, kind=OrganisationKind.BANK)
    code = factory.Sequence(lambda n: f"produk-{n}")
    name = factory.Sequence(lambda n: f"Kredit Usaha {n}")
    amount_min = 1_000_000
    amount_max = 50_000_000
    tenor_min_months = 3
    tenor_max_months = 24
    rate_percent = Decimal("7.00")
    rate_kind = RateKind.INTEREST


def product_data(product_lender: PartnerOrganisation, **overrides: Any) -> services.ProductData:
    values: dict[str, Any] = {
        "lender": product_lender,
        "name": "Kredit Warung",
        "amount_min": 1_000_000,
        "amount_max": 25_000_000,
        "tenor_min_months": 3,
        "tenor_max_months": 18,
        "rate_percent": Decimal("7.00"),
        "rate_kind": RateKind.INTEREST,
        **overrides,
    }
    return services.ProductData(**values)


def ask(participant: Participant, product: FinancingProduct, **overrides: Any) -> LoanReferral:
    """A referral through the service, as the participant asks it on the web, against the current text."""
    values: dict[str, Any] = {
        "amount_requested": product.amount_min,
        "tenor_months": product.tenor_min_months,
        "use_of_funds": "Kompor kedua dan bahan baku sebulan.",
        "shared": list(SharedData.values),
        "text_version": current_text(Purpose.LOAN_ASSESSMENT).version,
        "channel": ConsentChannel.WEB,
        "acting_user": participant.user,
        **overrides,
    }
    return services.referral_create(participant=participant, product=product, **values)


def referral_in(status: str, *, participant: Participant, product: FinancingProduct, **fields: Any) -> LoanReferral:
    """A referral written directly in `status`, with its consent and its moves (a fixture for reads and pages)."""
    consent = Consent.objects.active().filter(
        participant=participant, organisation=product.lender, purpose=Purpose.LOAN_ASSESSMENT
    ).first() or Consent.objects.create(
        participant=participant,
        organisation=product.lender,
        purpose=Purpose.LOAN_ASSESSMENT,
        text=current_text(Purpose.LOAN_ASSESSMENT),
        granted_at=timezone.now(),
        granted_channel=ConsentChannel.WEB,
    )
    values: dict[str, Any] = {
        "participant": participant,
        "product": product,
        "lender": product.lender,
        "consent": consent,
        "shared": list(SharedData.values),
        "amount_requested": product.amount_min,
        "tenor_months": product.tenor_min_months,
        "use_of_funds": "Bahan baku.",
        "status": status,
        **fields,
    }
    if status in (ReferralStatus.APPROVED, ReferralStatus.DISBURSED):
        values.setdefault("amount_approved", values["amount_requested"])
    if status == ReferralStatus.DISBURSED:
        values.setdefault("amount_disbursed", values["amount_approved"])
        values.setdefault("disbursed_on", timezone.localdate())
    referral: LoanReferral = LoanReferral.objects.create(**values)
    for from_status, to_status in itertools.pairwise(["", *PATHS[status]]):
        ReferralMove.objects.create(
            referral=referral,
            from_status=from_status,
            to_status=to_status,
            moved_by=participant.user,
            moved_at=referral.created_at,
        )
    return referral
