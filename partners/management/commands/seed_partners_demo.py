"""Demo partners for the embedded default, after `seed_demo` (and `seed_training_demo`, whose partner the demo
partner login acts for): a marketplace, a bank, a university and the JAKI city app, with an agreement in each
state (in talks with its meetings, active, expiring in 20 days, expired, ended early), consents of the demo
participants, a few partner reads, and a key per active agreement plus the JAKI app's key, printed on the first
run only (a key is shown once). Everything is written through the partners' services, as the demo staff login
(dinas@) and each participant, recorded as an import. Runs only with DEBUG on, and once: a second run changes
nothing."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import audit
from partners import scope, selectors, services
from partners.choices import AgreementKind, ConsentChannel, KeyKind, OrganisationKind, Purpose, Step
from partners.models import Agreement, PartnerKey, PartnerMember, PartnerOrganisation
from partners.values import AgreementData, OrganisationData, SigningData
from registration.models import Participant

DEMO_DOMAIN = "demo.jakpreneur.id"
# Made-up names: a demo must not speak for a real organisation (as seed_training_demo's partner).
MARKETPLACE = "Pasar Daring Demo"
BANK = "Bank Demo Jakarta"
UNIVERSITY = "Universitas Demo Jakarta"
MARKER = MARKETPLACE  # the first organisation made: its presence means the demo partners are loaded
JAKI = "Aplikasi JAKI (demo)"
LICENSING_OFFICE = "DPMPTSP Demo Jakarta"  # the one-stop licensing office: the P4 API's partner


@dataclass(frozen=True)
class Signing:
    """An agreement's dates as days from today (negative: in the past)."""

    signed: int
    starts: int
    ends: int
    ended: int | None = None  # ended early on this day
    end_reason: str = ""


@dataclass(frozen=True)
class Plan:
    kind: str
    title: str
    steps: list[str]
    partner_offers: str
    program_offers: str
    number: str = ""
    signing: Signing | None = None
    meetings: list[tuple[int, str]] = field(default_factory=list)  # (days from today, notes)
    key: bool = False


@dataclass(frozen=True)
class Partner:
    data: OrganisationData
    agreements: list[Plan]
    key_kind: str = KeyKind.PARTNER


PARTNERS = [
    Partner(
        OrganisationData(
            name=MARKETPLACE,
            kind=OrganisationKind.MARKETPLACE,
            contact_name="Tim Kemitraan UMKM",
            contact_email="umkm@pasar.demo.jakpreneur.id",
            website="https://pasar.demo.jakpreneur.id",
        ),
        [
            Plan(
                kind=AgreementKind.PKS,
                title="Pelatihan jualan daring dan kurasi produk UMKM Jakarta",
                steps=[Step.P2, Step.P5],
                partner_offers="Kelas toko daring, kurasi produk, gratis ongkir tiga bulan pertama.",
                program_offers="Peserta terverifikasi yang bersedia dihubungi, tempat pelatihan di PPKD.",
                number="PKS/045/PPKUKM/2026",
                signing=Signing(signed=-75, starts=-60, ends=305),
                meetings=[(-120, "Paparan program dan kebutuhan mitra."), (-90, "Pembahasan draf PKS dan kurasi.")],
                key=True,
            )
        ],
    ),
    Partner(
        OrganisationData(
            name=BANK,
            kind=OrganisationKind.BANK,
            contact_name="Divisi UMKM",
            contact_email="umkm@bankdki.demo.jakpreneur.id",
            website="https://bank.demo.jakpreneur.id",
        ),
        [
            Plan(
                kind=AgreementKind.PKS,
                title="Penilaian kredit usaha dan pendampingan pembukuan",
                steps=[Step.P6, Step.P7],
                partner_offers="Penilaian kredit usaha rakyat dan kelas pembukuan sederhana.",
                program_offers="Laporan bulanan peserta yang bersedia, rujukan ke kantor cabang.",
                number="PKS/012/PPKUKM/2025",
                signing=Signing(signed=-350, starts=-345, ends=20),  # expires in 20 days: a reminder is due
                meetings=[(-400, "Penjajakan kerja sama pembiayaan.")],
                key=True,
            ),
            Plan(
                kind=AgreementKind.MOU,
                title="Literasi keuangan bagi wirausaha pemula",
                steps=[Step.P6],
                partner_offers="Materi literasi keuangan.",
                program_offers="Peserta jalur pemula.",
                number="MOU/007/PPKUKM/2025",
                signing=Signing(
                    signed=-300,
                    starts=-290,
                    ends=75,
                    ended=-30,
                    end_reason="Digabung ke dalam PKS penilaian kredit atas permintaan kedua pihak.",
                ),
            ),
        ],
    ),
    Partner(
        OrganisationData(
            name=UNIVERSITY,
            kind=OrganisationKind.UNIVERSITY,
            contact_name="Direktorat Pengabdian Masyarakat",
            contact_email="pengmas@ui.demo.jakpreneur.id",
            website="https://universitas.demo.jakpreneur.id",
        ),
        [
            Plan(
                kind=AgreementKind.MOU,
                title="Pendampingan usaha oleh mahasiswa KKN",
                steps=[Step.P3],
                partner_offers="Mahasiswa pendamping per kecamatan.",
                program_offers="Daftar peserta yang bersedia didampingi.",
                number="MOU/003/PPKUKM/2025",
                signing=Signing(signed=-420, starts=-400, ends=-35),  # expired last month
            ),
            Plan(
                kind=AgreementKind.PKS,
                title="Pelatihan dan pendampingan naik kelas 2027",
                steps=[Step.P2, Step.P3],
                partner_offers="Dosen pengajar, klinik bisnis di kampus Salemba dan Depok.",
                program_offers="Peserta jalur naik kelas, ruang kelas di kantor kecamatan.",
                meetings=[
                    (-21, "Evaluasi MoU KKN dan usulan pelatihan naik kelas."),
                    (-7, "Pembahasan kriteria peserta dan jadwal kelas."),
                ],
            ),
        ],
    ),
    Partner(
        OrganisationData(
            name=LICENSING_OFFICE,
            kind=OrganisationKind.GOVERNMENT,
            contact_name="Bidang Perizinan Usaha",
            contact_email="perizinan@dpmptsp.demo.jakpreneur.id",
            website="https://dpmptsp.demo.jakpreneur.id",
        ),
        [
            Plan(
                kind=AgreementKind.PKS,
                title="Penerbitan izin usaha peserta JakPreneur",
                steps=[Step.P4],
                partner_offers="Pemrosesan NIB, P-IRT dan izin lain yang diajukan program, kabar status lewat API.",
                program_offers="Permohonan dengan dokumen lengkap dari peserta yang bersedia.",
                number="PKS/020/DPMPTSP/2026",
                signing=Signing(signed=-200, starts=-190, ends=540),
                key=True,
            )
        ],
    ),
    Partner(
        OrganisationData(
            name=JAKI,
            is_city_app=True,
            kind=OrganisationKind.GOVERNMENT,
            contact_name="Tim Aplikasi JAKI",
            contact_email="jaki@diskominfotik.demo.jakpreneur.id",
            website="https://jaki.demo.jakpreneur.id",
        ),
        [
            Plan(
                kind=AgreementKind.PKS,
                title="Pendaftaran dan perjalanan program di aplikasi JAKI",
                steps=[Step.P1],
                partner_offers="Pendaftaran lewat JAKI dan tampilan perjalanan P1-P7.",
                program_offers="Layanan pendaftaran dan status perjalanan peserta.",
                number="PKS/001/DISKOMINFOTIK/2026",
                signing=Signing(signed=-100, starts=-90, ends=640),
                key=True,
            )
        ],
        key_kind=KeyKind.JAKI,
    ),
]
# the demo partner login's organisation (made by seed_training_demo), when it is there
TRAINING_PARTNER = Plan(
    kind=AgreementKind.PKS,
    title="Pelatihan literasi keuangan dan kredit usaha",
    steps=[Step.P2],
    partner_offers="Kelas literasi keuangan.",
    program_offers="Peserta yang bersedia dihubungi untuk pelatihan.",
    number="PKS/050/PPKUKM/2026",
    signing=Signing(signed=-40, starts=-30, ends=335),
    key=True,
)


def each(numbers: range, partner: str, purposes: list[str]) -> list[tuple[int, str, list[str]]]:
    return [(n, partner, purposes) for n in numbers]


# who consents to whom, for what: (demo participant number, partner, purposes); 1 is peserta@
CONSENTS: list[tuple[int, str, list[str]]] = [
    (1, MARKETPLACE, [Purpose.TRAINING, Purpose.MARKETING]),
    (1, BANK, [Purpose.LOAN_ASSESSMENT]),
    (1, JAKI, [Purpose.APP_JOURNEY]),
    (1, LICENSING_OFFICE, [Purpose.LICENSING]),
    *each(range(2, 61), LICENSING_OFFICE, [Purpose.LICENSING]),
    *each(range(2, 9), MARKETPLACE, [Purpose.MARKETING]),
    *each(range(5, 12), BANK, [Purpose.BOOKKEEPING, Purpose.LOAN_ASSESSMENT]),
    *each(range(2, 6), JAKI, [Purpose.APP_JOURNEY]),
]


def _day(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def demo_participant(n: int) -> Participant | None:
    email = f"peserta@{DEMO_DOMAIN}" if n == 1 else f"peserta{n}@{DEMO_DOMAIN}"
    return Participant.objects.filter(user__email=email).select_related("user").first()


class Command(BaseCommand):
    help = "Load demo partners, agreements, consents and API keys (after seed_demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_partners_demo prints usable API keys: it runs only with DEBUG on.")
        staff = User.objects.filter(email=f"dinas@{DEMO_DOMAIN}").first()
        if staff is None or demo_participant(1) is None:
            raise CommandError("Run `manage.py seed_demo` first.")
        if PartnerOrganisation.objects.filter(name=MARKER).exists():
            self.stdout.write("Demo partners are loaded already (their API keys were shown on the first run).")
            return
        with audit.channel(audit.Channel.IMPORT), transaction.atomic():
            keys = self._load(staff)
        self.stdout.write(self.style.SUCCESS("Demo partners loaded."))
        self.stdout.write(
            "API keys (shown this once; only their hash is kept; send as `Authorization: Api-Key <key>`):"
        )
        for organisation, kind, secret in keys:
            self.stdout.write(f"  {organisation:<34} {kind:<8} {secret}")
        member = (
            PartnerMember.objects.filter(user__email=f"mitra@{DEMO_DOMAIN}").select_related("organisation").first()
        )
        if member is not None:
            self.stdout.write(f"Demo partner login: mitra@{DEMO_DOMAIN} (for {member.organisation.name}).")

    def _load(self, staff: User) -> list[tuple[str, str, str]]:
        keys: list[tuple[str, str, str]] = []
        for partner in PARTNERS:
            organisation = services.organisation_create(data=partner.data, acting_user=staff)
            for plan in partner.agreements:
                secret = self._agreement(organisation, plan, staff, partner.key_kind)
                if secret:
                    keys.append((organisation.name, partner.key_kind, secret))
        consents = list(CONSENTS)
        member = (
            PartnerMember.objects.filter(user__email=f"mitra@{DEMO_DOMAIN}").select_related("organisation").first()
        )
        if member is not None and not member.organisation.agreements.exists():
            secret = self._agreement(member.organisation, TRAINING_PARTNER, staff, KeyKind.PARTNER)
            keys.append((member.organisation.name, KeyKind.PARTNER, secret))
            consents += [(n, member.organisation.name, [Purpose.TRAINING]) for n in range(1, 6)]
        self._consents(consents)
        self._reads()
        services.agreement_matches_count()  # what the nightly count leaves: the consents above in the figures
        return keys

    def _agreement(self, organisation: PartnerOrganisation, plan: Plan, staff: User, key_kind: str) -> str:
        """The agreement through its life: created, its meetings, signed, ended early; its key if it has one."""
        agreement = services.agreement_create(
            organisation=organisation,
            data=AgreementData(
                kind=plan.kind,
                title=plan.title,
                parties=f"Dinas PPKUKM Provinsi DKI Jakarta dan {organisation.name}",
                steps=plan.steps,
                partner_offers=plan.partner_offers,
                program_offers=plan.program_offers,
            ),
            acting_user=staff,
        )
        for days, notes in plan.meetings:
            services.meeting_add(agreement=agreement, held_on=_day(days), notes=notes, acting_user=staff)
        signing = plan.signing
        if signing is None:
            return ""
        agreement = services.agreement_sign(
            agreement=agreement,
            signing=SigningData(
                number=plan.number,
                signed_on=_day(signing.signed),
                starts_on=_day(signing.starts),
                ends_on=_day(signing.ends),
            ),
            acting_user=staff,
        )
        if signing.ended is not None:
            agreement = services.agreement_end(
                agreement=agreement, on=_day(signing.ended), reason=signing.end_reason, acting_user=staff
            )
        if not plan.key:
            return ""
        _key, secret = services.key_issue(
            agreement=agreement,
            name=f"Sistem {organisation.name}"[:50],
            kind=key_kind,
            expires_at=None,
            acting_user=staff,
        )
        return secret

    def _consents(self, consents: list[tuple[int, str, list[str]]]) -> None:
        organisations = {o.name: o for o in PartnerOrganisation.objects.all()}
        for n, name, purposes in consents:
            participant = demo_participant(n)
            if participant is None:  # seed_demo was run with fewer participants
                continue
            for purpose in purposes:
                services.consent_grant(
                    participant=participant,
                    organisation=organisations[name],
                    purpose=purpose,
                    text_version=selectors.current_text(purpose).version,
                    channel=ConsentChannel.JAKI if purpose == Purpose.APP_JOURNEY else ConsentChannel.WEB,
                    acting_user=participant.user,
                )

    def _reads(self) -> None:
        """A few partner reads, as the API logs them: "who looked at my data" has something to show."""
        today = timezone.localdate()
        for key in PartnerKey.objects.filter(kind=KeyKind.PARTNER).select_related("agreement", "organisation"):
            agreement: Agreement = key.agreement
            if not agreement.is_in_force(today):
                continue
            seen = list(scope.visible_participants(key).order_by("id").values_list("id", flat=True)[:4])
            scope.record_reads(key, seen, "/api/v1/participants/")
            for pk in seen[:1]:
                scope.record_reads(key, [pk], f"/api/v1/participants/{pk}/")
