"""Demo capital for the embedded default, after `seed_demo`, `seed_partners_demo` and the finance demo: three
lenders, each a partner organisation with a PKS in force covering P6 and P7 (Bank DKI, a made-up fintech lender and
a made-up savings-and-loan cooperative), four financing products, and demo referrals in every state (one
disbursed), the demo participant's (peserta@, Siti Rahayu of Tebet) under review. Bank DKI's API key is printed on
the first run only (a key is shown once). Written through the services, as the demo staff login (dinas@), each
participant and their mentor, recorded as an import. Runs only with DEBUG on, and once: a second run changes
nothing.

The products' figures, as far as public sources tell them (a demo: check the lender's current terms before relying
on them):
- Kredit Monas Pemula (Bank DKI, for starting entrepreneurs of the program, without collateral): launched in 2018
  for OK OCE participants who had passed six of the seven steps (P1-P6), at most Rp 10 million, 7% a year (then the
  KUR rate), up to 18 months, for working capital or investment (press reports of Bank DKI's launch, VIVA and
  Media Indonesia, April and February 2018). The smallest amount (Rp 1 million) and the shortest tenor (3 months)
  are not published: chosen as plausible.
- KUR Mikro (the national subsidised scheme, here through Bank DKI): above Rp 10 million up to Rp 100 million,
  6% a year effective for a first KUR (7%, 8%, 9% for later ones), no additional collateral, working capital up to
  3 years and investment up to 5 (Permenko Perekonomian 1/2023 and its predecessors); a business running for six
  months, or three after an entrepreneurship training, which the program's participants have. The shortest tenor (6
  months) is chosen as plausible.
- The fintech and cooperative products are made up, with terms typical of their kind: a productive P2P loan of 2 to
  50 million over 3 to 12 months at 18% a year, and a sharia murabahah financing of a cooperative's members with
  collateral at a 10% yearly margin."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from capital import services
from capital.choices import RateKind, ReferralStatus, SharedData
from capital.models import FinancingProduct
from capital.readiness import readiness_of
from core import audit
from mentoring.selectors import current_mentor
from partners import selectors as partner_selectors
from partners import services as partner_services
from partners.choices import AgreementKind, ConsentChannel, KeyKind, OrganisationKind, Purpose, Step
from partners.models import PartnerOrganisation
from partners.values import AgreementData, OrganisationData, SigningData
from registration.choices import BusinessClass, Status, Track
from registration.models import Participant

DEMO_DOMAIN = "demo.jakpreneur.id"
BANK_DKI = "Bank DKI"
FINTECH = "Dana Tumbuh Indonesia (demo)"  # made-up names: a demo must not speak for a real fintech or cooperative
COOPERATIVE = "Koperasi Simpan Pinjam Sejahtera Bersama (demo)"
MONAS = "bankdki-monas-pemula"  # the first product made: its presence means the demo capital is loaded


@dataclass(frozen=True)
class Lender:
    data: OrganisationData
    number: str
    key: bool = False


LENDERS = [
    Lender(
        OrganisationData(
            name=BANK_DKI,
            kind=OrganisationKind.BANK,
            contact_name="Divisi Usaha Mikro, Kecil dan Menengah",
            contact_email=f"umkm@bankdki.{DEMO_DOMAIN}",
            website="https://www.bankdki.co.id",
        ),
        number="PKS/031/PPKUKM/2026",
        key=True,
    ),
    Lender(
        OrganisationData(
            name=FINTECH,
            kind=OrganisationKind.FINTECH,
            contact_name="Tim Pendanaan Produktif",
            contact_email=f"mitra@danatumbuh.{DEMO_DOMAIN}",
            website=f"https://danatumbuh.{DEMO_DOMAIN}",
        ),
        number="PKS/032/PPKUKM/2026",
    ),
    Lender(
        OrganisationData(
            name=COOPERATIVE,
            kind=OrganisationKind.COOPERATIVE,
            contact_name="Pengurus Bidang Pembiayaan",
            contact_email=f"pembiayaan@ksp-sejahtera.{DEMO_DOMAIN}",
            website=f"https://ksp-sejahtera.{DEMO_DOMAIN}",
        ),
        number="PKS/033/PPKUKM/2026",
    ),
]


def product_plans(lenders: dict[str, PartnerOrganisation]) -> list[tuple[str, services.ProductData]]:
    """The demo products, in the order a participant is referred to the first they qualify for."""
    return [
        (
            MONAS,
            services.ProductData(
                lender=lenders[BANK_DKI],
                name="Kredit Monas Pemula",
                description=(
                    "Kredit tanpa agunan dari Bank DKI untuk wirausaha pemula binaan program yang sudah menempuh "
                    "langkah P1 sampai P6, untuk modal kerja atau investasi."
                ),
                amount_min=1_000_000,
                amount_max=10_000_000,
                tenor_min_months=3,
                tenor_max_months=18,
                rate_percent=Decimal("7.00"),
                rate_kind=RateKind.INTEREST,
                tracks=(Track.PEMULA,),
                min_report_months=3,
                needs_nib=True,
                classes=(BusinessClass.MICRO,),
                official_url="https://www.bankdki.co.id",
            ),
        ),
        (
            "bankdki-kur-mikro",
            services.ProductData(
                lender=lenders[BANK_DKI],
                name="KUR Mikro",
                description=(
                    "Kredit Usaha Rakyat bersubsidi pemerintah: di atas Rp10 juta sampai Rp100 juta tanpa agunan "
                    "tambahan, bunga 6% efektif setahun untuk KUR pertama. Modal kerja sampai 3 tahun, investasi "
                    "sampai 5 tahun."
                ),
                amount_min=10_000_001,
                amount_max=100_000_000,
                tenor_min_months=6,
                tenor_max_months=60,
                rate_percent=Decimal("6.00"),
                rate_kind=RateKind.INTEREST,
                tracks=(Track.NAIK_KELAS,),
                min_report_months=3,
                needs_nib=True,
                classes=(BusinessClass.MICRO, BusinessClass.SMALL),
                official_url="https://kur.ekon.go.id",
            ),
        ),
        (
            "danatumbuh-modal-usaha",
            services.ProductData(
                lender=lenders[FINTECH],
                name="Pinjaman Modal Usaha Tumbuh",
                description="Pinjaman produktif tanpa agunan, cair ke rekening usaha, dicicil bulanan.",
                amount_min=2_000_000,
                amount_max=50_000_000,
                tenor_min_months=3,
                tenor_max_months=12,
                rate_percent=Decimal("18.00"),
                rate_kind=RateKind.INTEREST,
                min_report_months=3,
                classes=(BusinessClass.MICRO, BusinessClass.SMALL),
                min_monthly_turnover=3_000_000,
            ),
        ),
        (
            "ksp-sejahtera-murabahah",
            services.ProductData(
                lender=lenders[COOPERATIVE],
                name="Pembiayaan Murabahah Usaha Anggota",
                description="Pembiayaan syariah untuk anggota koperasi: pembelian barang usaha dengan margin tetap.",
                amount_min=1_000_000,
                amount_max=25_000_000,
                tenor_min_months=6,
                tenor_max_months=24,
                rate_percent=Decimal("10.00"),
                rate_kind=RateKind.MARGIN,
                collateral=True,
            ),
        ),
    ]


# where the other demo referrals end, in the order of a referral's life (Tebet's first: the mentor's queue)
ENDS = [
    ReferralStatus.REQUESTED,
    ReferralStatus.REQUESTED,
    ReferralStatus.SENT,
    ReferralStatus.UNDER_REVIEW,
    ReferralStatus.APPROVED,
    ReferralStatus.REFUSED,
    ReferralStatus.DISBURSED,
    ReferralStatus.WITHDRAWN,
]
WAYS: dict[str, list[str]] = {  # the moves after the referral is made, to each end
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
    ReferralStatus.WITHDRAWN: [ReferralStatus.WITHDRAWN],
}
USES = [
    "Menambah bahan baku untuk pesanan katering bulan depan.",
    "Membeli etalase dan kulkas untuk warung.",
    "Mesin jahit kedua agar pesanan seragam selesai tepat waktu.",
    "Modal stok menjelang Lebaran.",
]
REFUSAL = "Usaha belum memenuhi penilaian kelayakan kami saat ini; silakan ajukan lagi setelah enam bulan."


def demo_participant(email: str) -> Participant | None:
    return Participant.objects.filter(user__email=email).select_related("registration", "user", "business").first()


class Command(BaseCommand):
    help = "Load demo lenders, financing products and loan referrals (after seed_demo and seed_partners_demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_capital_demo prints a usable API key: it runs only with DEBUG on.")
        staff = User.objects.filter(email=f"dinas@{DEMO_DOMAIN}").first()
        siti = demo_participant(f"peserta@{DEMO_DOMAIN}")
        if staff is None or siti is None:
            raise CommandError("Run `manage.py seed_demo` first.")
        if FinancingProduct.objects.filter(code=MONAS).exists():
            self.stdout.write("Demo capital is there already (Bank DKI's API key was shown on the first run).")
            return
        with audit.channel(audit.Channel.IMPORT), transaction.atomic():
            secret, made = self._load(staff, siti)
        self.stdout.write(self.style.SUCCESS(f"Demo capital: {made} loan referrals."))
        self.stdout.write(f"  {BANK_DKI} API key (shown this once; send as `Authorization: Api-Key <key>`): {secret}")

    def _load(self, staff: User, siti: Participant) -> tuple[str, int]:
        lenders: dict[str, PartnerOrganisation] = {}
        secret = ""
        for plan in LENDERS:
            organisation, key = self._lender(plan, staff)
            lenders[organisation.name] = organisation
            secret = secret or key
        products = [
            services.product_create(code=code, data=data, acting_user=staff) for code, data in product_plans(lenders)
        ]
        made = self._referral(siti, products, ReferralStatus.UNDER_REVIEW, staff, 0)
        for n, (participant, end) in enumerate(zip(self._others(siti), ENDS, strict=False), start=1):
            made += self._referral(participant, products, end, staff, n)
        return secret, made

    def _lender(self, plan: Lender, staff: User) -> tuple[PartnerOrganisation, str]:
        """The lender (made, or the one of that name already there) with a PKS in force covering P6 and P7."""
        organisation = PartnerOrganisation.objects.filter(name__iexact=plan.data.name).first()
        if organisation is None:
            organisation = partner_services.organisation_create(data=plan.data, acting_user=staff)
        today = timezone.localdate()
        agreement = partner_services.agreement_create(
            organisation=organisation,
            data=AgreementData(
                kind=AgreementKind.PKS,
                title="Rujukan pembiayaan dan penilaian kredit peserta JakPreneur",
                parties=f"Dinas PPKUKM Provinsi DKI Jakarta dan {organisation.name}",
                steps=[Step.P6, Step.P7],
                partner_offers="Produk pembiayaan bagi peserta, keputusan dan kabar status rujukan lewat API.",
                program_offers="Rujukan peserta yang siap dan bersedia, dengan laporan keuangannya.",
            ),
            acting_user=staff,
        )
        agreement = partner_services.agreement_sign(
            agreement=agreement,
            signing=SigningData(
                number=plan.number,
                signed_on=today - datetime.timedelta(days=60),
                starts_on=today - datetime.timedelta(days=50),
                ends_on=today + datetime.timedelta(days=680),
            ),
            acting_user=staff,
        )
        if not plan.key:
            return organisation, ""
        _key, secret = partner_services.key_issue(
            agreement=agreement,
            name="Sistem rujukan Bank DKI",
            kind=KeyKind.PARTNER,
            expires_at=None,
            acting_user=staff,
        )
        return organisation, secret

    def _others(self, siti: Participant) -> list[Participant]:
        """Verified participants other than Siti, those of Tebet first (the demo mentor's kecamatan)."""
        verified = (
            Participant.objects.filter(registration__status=Status.APPROVED)
            .exclude(pk=siti.pk)
            .select_related("registration", "user", "business", "kecamatan")
            .order_by("pk")
        )
        tebet = list(verified.filter(kecamatan_id=siti.kecamatan_id)[: len(ENDS)])
        rest = list(verified.exclude(kecamatan_id=siti.kecamatan_id)[: len(ENDS)])
        return (tebet + rest)[: len(ENDS)]

    def _referral(
        self, participant: Participant, products: list[FinancingProduct], end: str, staff: User, n: int
    ) -> int:
        """The participant's referral to the first product they qualify for, moved to `end` (0: they qualify for
        none)."""
        ready = readiness_of(participant)
        product = next((item.product for item in ready.products if item.qualifies), None)
        if product is None:
            return 0
        referral = services.referral_create(
            participant=participant,
            product=product,
            amount_requested=min(product.amount_min * 3, product.amount_max),
            tenor_months=max(product.tenor_min_months, min(12, product.tenor_max_months)),
            use_of_funds=USES[n % len(USES)],
            shared=list(SharedData.values) if n % 3 else [SharedData.IDENTITY, SharedData.STATEMENTS],
            text_version=partner_selectors.current_text(Purpose.LOAN_ASSESSMENT).version,
            channel=ConsentChannel.WEB,
            acting_user=participant.user,
        )
        sender = current_mentor(participant) or staff
        for target in WAYS[end]:
            if target == ReferralStatus.WITHDRAWN:
                services.referral_withdraw(referral=referral, acting_user=participant.user)
                continue
            services.referral_move(
                referral=referral,
                to_status=target,
                note=REFUSAL if target == ReferralStatus.REFUSED else "",
                amount=referral.amount_requested
                if target in (ReferralStatus.APPROVED, ReferralStatus.DISBURSED)
                else None,
                day=timezone.localdate() if target == ReferralStatus.DISBURSED else None,
                lender_reference=f"DEMO-{referral.pk:05d}" if target == ReferralStatus.UNDER_REVIEW else None,
                acting_user=sender if target == ReferralStatus.SENT else staff,
            )
        return 1
