"""Demo selling spaces for the embedded default, after `seed_demo` and `seed_marketing_demo` (which grades the demo
businesses' products): Thamrin 10, the permanent culinary and creative space in Jakarta Pusat, and bazaars in some
wilayah (Kepulauan Seribu has none, so the coverage page shows the gap), with made-up booth codes; applications in
every status, through the services; the demo participant (peserta@, Siti Rahayu) has a booth at a bazaar. Runs
only with DEBUG on, and once: a second run changes nothing."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import audit
from geography.models import Wilayah
from marketing.choices import SpaceKind
from marketing.models import Booth, SellingSpace, SpaceApplication
from marketing.selectors.spaces import best_grade
from marketing.services import spaces as services
from registration.choices import Status
from registration.models import Business

DEMO_DOMAIN = "demo.jakpreneur.id"
THAMRIN = "Thamrin 10"
SIMPLE_REASON = "Booth pada hari itu sudah penuh; silakan daftar ke bazar berikutnya."


@dataclass(frozen=True)
class Plan:
    name: str
    kind: str
    wilayah: str
    venue: str
    opens: int  # days from today
    closes: int | None
    grades: tuple[str, ...]
    prefix: str  # made-up booth codes
    booths: int
    description: str = ""


PLANS = [
    Plan(
        THAMRIN,
        SpaceKind.PERMANENT,
        "Jakarta Pusat",
        "Jl. M.H. Thamrin No. 10, Menteng",
        -700,
        None,
        ("A", "B"),
        "T10-K",
        8,
        "Ruang kuliner dan kreatif di pusat kota, buka setiap hari.",
    ),
    Plan(
        "Bazar UMKM Kota Tua",
        SpaceKind.BAZAAR,
        "Jakarta Barat",
        "Taman Fatahillah, Kota Tua",
        -1,
        6,
        ("A", "B"),
        "KT-",
        6,
        "Bazar akhir pekan produk UMKM terkurasi.",
    ),
    Plan(
        "Bazar Ramadan Jakarta Timur",
        SpaceKind.BAZAAR,
        "Jakarta Timur",
        "Lapangan Parkir Timur, Jatinegara",
        10,
        16,
        ("A", "B"),
        "RJT-",
        8,
    ),
    Plan(
        "Pasar Kreatif Kelapa Gading",
        SpaceKind.BAZAAR,
        "Jakarta Utara",
        "Jl. Boulevard Raya, Kelapa Gading",
        20,
        22,
        ("A",),
        "PKG-",
        4,
    ),
    Plan(
        "Bazar Produk Lokal Blok M",
        SpaceKind.BAZAAR,
        "Jakarta Selatan",
        "Taman Literasi Martha Christina Tiahahu, Blok M",
        5,
        7,
        ("A", "B", "C"),
        "BM-",
        5,
    ),
]


def at(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


class Command(BaseCommand):
    help = "Load demo selling spaces, booths and applications (after seed_demo and seed_marketing_demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data runs only with DEBUG on.")
        users = {u.email: u for u in User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")}
        try:
            agency, participant_user = (users[f"{name}@{DEMO_DOMAIN}"] for name in ("dinas", "peserta"))
        except KeyError as exc:
            raise CommandError("Run `manage.py seed_demo` first.") from exc
        if SellingSpace.objects.filter(name=THAMRIN).exists():
            self.stdout.write("Demo selling spaces are loaded already.")
            return
        siti = Business.objects.select_related("participant__registration", "participant__user").filter(
            participant__user=participant_user
        )
        graded = [
            business
            for business in Business.objects.select_related("participant__registration", "participant__user")
            .filter(products__grade__in=["A", "B"], participant__registration__status=Status.APPROVED)
            .exclude(participant__user=participant_user)
            .distinct()
            .order_by("pk")[:6]
        ]
        own = siti.first()
        if own is None or best_grade(own) not in ("A", "B") or len(graded) < 4:
            raise CommandError("Run `manage.py seed_marketing_demo` first: it grades the demo businesses' products.")
        with audit.channel(audit.Channel.IMPORT), transaction.atomic():
            self._load(agency, own, graded)
        self.stdout.write(self.style.SUCCESS("Demo selling spaces loaded."))

    def _load(self, agency: User, siti: Business, graded: list[Business]) -> None:
        wilayah = {w.name: w for w in Wilayah.objects.all()}
        spaces: dict[str, SellingSpace] = {}
        booths: dict[str, list[Booth]] = {}
        for plan in PLANS:
            space = services.space_create(
                data=services.SpaceData(
                    name=plan.name,
                    kind=plan.kind,
                    wilayah=wilayah[plan.wilayah],
                    venue=plan.venue,
                    opens_on=at(plan.opens),
                    closes_on=None if plan.closes is None else at(plan.closes),
                    accepts_grades=plan.grades,
                    description=plan.description,
                ),
                acting_user=agency,
            )
            spaces[plan.name] = space
            booths[plan.name] = [
                services.booth_create(
                    space=space, data=services.BoothData(code=f"{plan.prefix}{n:02d}"), acting_user=agency
                )
                for n in range(1, plan.booths + 1)
            ]
        kota_tua, thamrin = spaces["Bazar UMKM Kota Tua"], spaces[THAMRIN]
        # Siti has a booth at the Kota Tua bazaar for two days
        services.application_accept(
            application=self._apply(siti, kota_tua, 1, 2, "Kue kering dan keripik."),
            booth=booths[kota_tua.name][1],
            acting_user=agency,
        )
        first, second, third, fourth, *rest = graded
        services.application_accept(
            application=self._apply(first, thamrin, 3, 9, "Minuman kopi susu gula aren."),
            booth=booths[THAMRIN][0],
            acting_user=agency,
        )
        services.application_accept(
            application=self._apply(second, kota_tua, 0, 3),
            booth=booths[kota_tua.name][0],
            acting_user=agency,
        )
        self._apply(third, spaces["Bazar Ramadan Jakarta Timur"], 10, 12, "Kue lebaran dan parsel.")
        self._apply(fourth, kota_tua, 4, 5)
        services.application_decline(
            application=self._apply(third, kota_tua, 1, 2), reason=SIMPLE_REASON, acting_user=agency
        )
        withdrawn = self._apply(fourth, thamrin, 14, 20)
        services.application_withdraw(application=withdrawn, acting_user=fourth.participant.user)
        for n, business in enumerate(rest):
            self._apply(business, spaces["Bazar Produk Lokal Blok M"], 5 + n % 3, 6 + n % 2)

    def _apply(
        self, business: Business, space: SellingSpace, first: int, last: int, note: str = ""
    ) -> SpaceApplication:
        return services.application_submit(
            space=space,
            business=business,
            days=services.Days(first=at(first), last=at(last)),
            note=note,
            acting_user=business.participant.user,
        )
