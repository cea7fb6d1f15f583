"""Demo data for a newcomer: one login per role and a few hundred participants across Jakarta."""

import datetime
import io
import random
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from PIL import Image

from accounts.models import Role, User
from core import audit
from core.dates import first_of_month
from geography.models import Kecamatan
from registration.choices import Channel, Decision, Sector, Sex, Status, Track
from registration.eligibility import required_documents
from registration.models import Business, Participant, Registration, RegistrationDecision
from registration.nik import make_nik
from registration.services import document_attach

# Where the demo's registrations come from (not a spreadsheet import: its documents would still be to follow).
DEMO_CHANNELS = [Channel.WEB, Channel.JAKI, Channel.OFFICE]

DEMO_PASSWORD = "jakpreneur-demo"  # noqa: S105 - a published demo password, for the embedded default only
DEMO_DOMAIN = "demo.jakpreneur.id"

FIRST = [
    "Siti",
    "Budi",
    "Dewi",
    "Agus",
    "Rina",
    "Andi",
    "Lestari",
    "Joko",
    "Fitri",
    "Hendra",
    "Wati",
    "Rudi",
    "Nur",
    "Yusuf",
    "Ayu",
    "Bayu",
    "Putri",
    "Eko",
    "Intan",
    "Fajar",
]
LAST = [
    "Rahayu",
    "Santoso",
    "Wijaya",
    "Saputra",
    "Lestari",
    "Hidayat",
    "Kusuma",
    "Pratama",
    "Nugroho",
    "Siregar",
    "Nasution",
    "Hasibuan",
    "Sihombing",
    "Rahman",
    "Setiawan",
    "Anggraini",
]
BUSINESS = {
    Sector.CULINARY: ["Warung", "Kedai Kopi", "Katering", "Kue Basah", "Sambal"],
    Sector.FASHION: ["Batik", "Konveksi", "Hijab", "Jahit"],
    Sector.CRAFTS: ["Anyaman", "Kerajinan Bambu", "Sabun Herbal", "Lilin Aroma"],
    Sector.REPAIR: ["Servis HP", "Bengkel Motor", "Servis Elektronik"],
    Sector.OTHER: ["Laundry", "Fotokopi", "Toko Kelontong"],
}
ROLES = [
    ("admin", "Admin Portal", Role.ADMINISTRATOR, None),
    ("dinas", "Staf Dinas PPKUKM", Role.AGENCY, None),
    ("sekretariat.tebet", "Sekretariat Tebet", Role.SECRETARIAT, "Tebet"),
    ("mentor.tebet", "Mentor Tebet", Role.MENTOR, "Tebet"),
    ("mentor.gambir", "Mentor Gambir", Role.MENTOR, "Gambir"),
    ("mitra", "Mitra Demo Jakarta", Role.PARTNER, None),
    ("peserta", "Siti Rahayu", Role.ENTREPRENEUR, None),
    ("warga", "Budi Santoso", Role.ENTREPRENEUR, None),
]


def demo_email(name: str) -> str:
    return f"{name}@{DEMO_DOMAIN}"


def small_png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (200, 220, 240)).save(buffer, format="PNG")
    return SimpleUploadedFile("ktp.png", buffer.getvalue(), content_type="image/png")


class Command(BaseCommand):
    help = "Create one demo login per role and a few hundred participants (skips what exists)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--participants", type=int, default=300)

    def handle(self, *args: Any, participants: int, **options: Any) -> None:
        # demo data, written directly (back-dated rows the services would not make), recorded as an import
        with audit.channel(audit.Channel.IMPORT), transaction.atomic():
            self._seed(participants)

    def _seed(self, participants: int) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo makes logins with a published password: it runs only with DEBUG on.")
        if User.objects.filter(email=demo_email("admin")).exists():
            self.stdout.write("Demo data is there already.")
            return
        rng = random.Random(2026)  # same demo every time
        password = make_password(DEMO_PASSWORD)
        users: dict[str, User] = {}
        for name, full_name, role, office in ROLES:
            users[name] = User.objects.create(
                email=demo_email(name),
                full_name=full_name,
                role=role,
                office=Kecamatan.objects.get(name=office) if office else None,
                is_staff=role in (Role.ADMINISTRATOR, Role.AGENCY),
                is_superuser=role == Role.ADMINISTRATOR,
                password=password,
            )
        kecamatan = list(Kecamatan.objects.all())
        tebet = next(k for k in kecamatan if k.name == "Tebet")
        self._participant(rng, 1, users["peserta"], tebet, Status.APPROVED, users["sekretariat.tebet"], documents=True)
        for n in range(2, participants + 1):
            kec = tebet if n % 10 == 0 else rng.choice(kecamatan)
            user = User(
                email=f"peserta{n}@{DEMO_DOMAIN}",
                phone=f"+62812{n:08d}",
                full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                password=password,
            )
            user.save()
            status = rng.choices(list(Status), weights=[30, 5, 60, 5])[0]
            self._participant(rng, n, user, kec, status, users["dinas"])
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password {DEMO_PASSWORD}):"))
        for name, _full, role, office in ROLES:
            self.stdout.write(f"  {role.label:<24} {demo_email(name)}{'  (' + office + ')' if office else ''}")

    def _participant(
        self,
        rng: random.Random,
        n: int,
        user: User,
        kec: Kecamatan,
        status: str,
        verifier: User,
        documents: bool = False,
    ) -> None:
        sex = rng.choice([Sex.MALE, Sex.FEMALE])
        birth = datetime.date(rng.randint(1965, 2003), rng.randint(1, 12), rng.randint(1, 28))
        nik = make_nik(district=kec.nik_prefix, birth_date=birth, sex=sex, serial=n)
        track = rng.choice(list(Track))
        sector = rng.choice(list(Sector))
        participant = Participant.objects.create(
            user=user,
            full_name=user.full_name,
            nik=nik,
            birth_date=birth,
            sex=sex,
            phone=user.phone or "",
            email=user.email or "",
            address=f"Jl. Demo No. {n}",
            kecamatan=kec,
            kelurahan=kec.kelurahan.order_by("code")[n % kec.kelurahan.count()] if kec.kelurahan.exists() else None,
            jakarta_ktp=True,
            track=track,
        )
        starting = track == Track.PEMULA  # a planned business: its start and capital, no baseline figures
        Business.objects.create(
            participant=participant,
            name=f"{rng.choice(BUSINESS[sector])} {user.full_name.split()[0]}",
            sector=sector,
            started_on=None if starting else birth.replace(year=2018 + n % 6),
            planned_start=first_of_month(timezone.localdate() + datetime.timedelta(days=40)) if starting else None,
            planned_capital=rng.randint(1, 20) * 500_000 if starting else None,
            address=f"Jl. Usaha No. {n}",
            kecamatan=kec,
            workers=0 if starting else rng.randint(1, 12),
            assets=0 if starting else rng.randint(1, 50) * 1_000_000,
            monthly_turnover=0 if starting else rng.randint(1, 30) * 1_000_000,
        )
        submitted = timezone.now() - datetime.timedelta(days=rng.randint(0, 120))
        channel = rng.choice(DEMO_CHANNELS)
        reason = "" if status in (Status.SUBMITTED, Status.APPROVED) else "Foto KTP kurang jelas."
        registration = Registration.objects.create(
            participant=participant,
            reference=f"JP-DEMO{n:04d}",
            channel=channel,
            registered_by=verifier if channel == Channel.OFFICE else user,
            status=status,
            kecamatan=kec,
            submitted_at=submitted,
            decided_at=None if status == Status.SUBMITTED else submitted + datetime.timedelta(days=2),
            last_reason=reason,
        )
        if status != Status.SUBMITTED:
            decision = {Status.APPROVED: Decision.APPROVE, Status.NEEDS_FIX: Decision.NEEDS_FIX}.get(
                Status(status), Decision.REJECT
            )
            RegistrationDecision.objects.create(
                registration=registration, decision=decision, reason=reason, decided_by=verifier
            )
        if documents or status == Status.SUBMITTED:  # the queue has documents to check
            for kind in required_documents(track=track, jakarta_ktp=True):
                document_attach(
                    kind=kind, upload=small_png(), content_type="image/png", acting_user=user, participant=participant
                )
