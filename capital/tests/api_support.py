"""What the lender API's tests share: a lender with an agreement in force and a key, its products, and referrals
of verified participants brought to a status through the services (the participant asks, the program sends, the
lender's API account does the rest), as the portal makes them."""

from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from capital import services
from capital.choices import RateKind, ReferralStatus
from capital.models import SHARED_ALL, FinancingProduct, LoanReferral
from partners.choices import ConsentChannel, OrganisationKind, Purpose, Step
from partners.selectors import current_text
from partners.tests.api_support import Partner, consented_participant, make_partner
from registration.choices import Status
from registration.models import Participant

# the moves that bring a referral from requested to each status
PATHS: dict[str, list[str]] = {
    ReferralStatus.REQUESTED: [],
    ReferralStatus.SENT: [ReferralStatus.SENT],
    ReferralStatus.UNDER_REVIEW: [ReferralStatus.SENT, ReferralStatus.UNDER_REVIEW],
    ReferralStatus.APPROVED: [ReferralStatus.SENT, ReferralStatus.UNDER_REVIEW, ReferralStatus.APPROVED],
    ReferralStatus.REFUSED: [ReferralStatus.SENT, ReferralStatus.UNDER_REVIEW, ReferralStatus.REFUSED],
    ReferralStatus.DISBURSED: [
        ReferralStatus.SENT,
        ReferralStatus.UNDER_REVIEW,
        ReferralStatus.APPROVED,
        ReferralStatus.DISBURSED,
    ],
    ReferralStatus.WITHDRAWN: [ReferralStatus.SENT, ReferralStatus.WITHDRAWN],
}
ASKED_AMOUNT = 25_000_000
APPROVED_AMOUNT = 20_000_000
PROGRAM_NOTE = "Catatan pendamping untuk peserta"


def make_lender(
    staff: User, name: str, *, kind: str = OrganisationKind.BANK, steps: list[str] | None = None
) -> Partner:
    """A lender with an agreement in force covering P7 (or `steps`) and a key to it."""
    return make_partner(staff, steps=steps or [Step.P7], name=name, kind=kind)


def make_product(partner: Partner, staff: User) -> FinancingProduct:
    """A product of the lender anyone qualifies for (through the service)."""
    organisation = partner.organisation
    return services.product_create(
        code=f"kredit-{organisation.pk}-{FinancingProduct.objects.count()}",
        data=services.ProductData(
            lender=organisation,
            name=f"Kredit Usaha {organisation.name}",
            amount_min=1_000_000,
            amount_max=50_000_000,
            tenor_min_months=6,
            tenor_max_months=36,
            rate_percent=Decimal("6.00"),
            rate_kind=RateKind.INTEREST,
        ),
        acting_user=staff,
    )


def make_referral(
    partner: Partner,
    staff: User,
    status: str = ReferralStatus.SENT,
    *,
    participant: Participant | None = None,
    product: FinancingProduct | None = None,
    shared: list[str] | None = None,
) -> LoanReferral:
    """A referral of a verified participant (a new one, unless given) to the lender for a product (a new one,
    unless given), moved to `status`: asked by the participant (consenting to the lender for loan assessment),
    sent by agency staff (with a note for the participant), then moved by the lender's API account (or withdrawn
    by the participant)."""
    person = participant or consented_participant(partner, status=Status.APPROVED)
    referral = services.referral_create(
        participant=person,
        product=product or make_product(partner, staff),
        amount_requested=ASKED_AMOUNT,
        tenor_months=24,
        use_of_funds="Membeli oven dan mixer untuk menambah produksi kue",
        shared=SHARED_ALL if shared is None else shared,
        text_version=current_text(Purpose.LOAN_ASSESSMENT).version,
        channel=ConsentChannel.WEB,
        acting_user=person.user,
    )
    lender_account = partner.organisation.api_user
    assert lender_account is not None
    for target in PATHS[status]:
        if target == ReferralStatus.WITHDRAWN:
            services.referral_withdraw(referral=referral, acting_user=person.user)
        elif target == ReferralStatus.SENT:
            services.referral_move(referral=referral, to_status=target, note=PROGRAM_NOTE, acting_user=staff)
        else:
            services.referral_move(
                referral=referral,
                to_status=target,
                note="Omset belum mencukupi" if target == ReferralStatus.REFUSED else "",
                amount=APPROVED_AMOUNT,
                day=timezone.localdate(),
                acting_user=lender_account,
            )
    referral.refresh_from_db()
    return referral
