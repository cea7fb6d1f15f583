"""Demo products and curation for the embedded default, after `seed_demo` and `seed_mentoring_demo`: listings,
products (with small generated photos) and online stores for a few dozen verified demo businesses; two calls
for products (one open, one closed) curated by the demo agency user; submissions in every status, through the
curation services, with A, B and C grades and their comments; checked and unchecked stores. The demo participant
(peserta@, Siti Rahayu) has a published listing, a product graded A and one waiting for her mentor's check.
Every name is made up. Runs only with DEBUG on, and once: a second run changes nothing."""

import dataclasses
import datetime
import io
import itertools
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from PIL import Image

from accounts.models import User
from core import audit
from mentoring.selectors import current_mentor
from registration.choices import Status
from registration.models import Business

from ...choices import Category, Criterion, Platform, SubmissionStatus
from ...models import Product, ProductCall, Submission
from ...services import curation, products
from ...services.curation import CallData, GradeData
from ...services.products import ListingData, ProductData

DEMO_DOMAIN = "demo.jakpreneur.id"
BUSINESSES = 36
OPEN_CALL = "Kurasi Produk Unggulan Jakarta"
CLOSED_CALL = "Kurasi Oleh-oleh Lebaran"

# Made-up products: name, category, price in rupiah, description.
CATALOGUE = [
    ("Sambal Bawang", Category.FOOD, 28_000, "Sambal bawang pedas dalam botol kaca 150 gram."),
    ("Keripik Tempe", Category.FOOD, 18_000, "Keripik tempe renyah, 200 gram, tanpa pengawet."),
    ("Kue Lapis Legit", Category.FOOD, 120_000, "Lapis legit 20 x 20 cm, dipanggang berlapis."),
    ("Kopi Robusta Bubuk", Category.FOOD, 45_000, "Kopi robusta sangrai sedang, 250 gram."),
    ("Batik Tulis Betawi", Category.FASHION, 350_000, "Kain batik tulis motif ondel-ondel, 2 meter."),
    ("Hijab Voal Motif", Category.FASHION, 75_000, "Hijab voal segi empat, jahitan tepi rapi."),
    ("Tas Anyaman Pandan", Category.CRAFTS, 95_000, "Tas jinjing anyaman pandan dengan lapisan kain."),
    ("Lilin Aroma Serai", Category.CRAFTS, 55_000, "Lilin kedelai aroma serai dalam kaleng."),
    ("Sabun Herbal Kunyit", Category.BEAUTY, 25_000, "Sabun batang kunyit dan madu, 100 gram."),
    ("Minyak Rambut Kemiri", Category.BEAUTY, 40_000, "Minyak kemiri murni, botol 100 ml."),
    ("Ikan Asin Jambal", Category.AGRICULTURE, 65_000, "Jambal roti kering dari Muara Angke, 250 gram."),
    ("Servis Jahit Kilat", Category.SERVICES, 30_000, "Permak celana dan kemeja, selesai satu hari."),
]
PLATFORMS = [
    (Platform.SHOPEE, "https://shopee.co.id/{slug}"),
    (Platform.TOKOPEDIA, "https://www.tokopedia.com/{slug}"),
    (Platform.GOFOOD, "https://gofood.co.id/jakarta/restaurant/{slug}"),
    (Platform.GRABFOOD, "https://food.grab.com/id/id/restaurant/{slug}"),
    (Platform.WEBSITE, "https://{slug}.example.id/"),
]
COLOURS = [(214, 96, 77), (240, 180, 60), (90, 160, 110), (70, 120, 190), (150, 90, 160), (200, 200, 200)]
# The way each demo submission goes, in turn: the status it reaches and, when graded, the grade.
ROUTES = [
    (SubmissionStatus.GRADED, "A"),
    (SubmissionStatus.SUBMITTED, ""),
    (SubmissionStatus.GRADED, "B"),
    (SubmissionStatus.CHECKED, ""),
    (SubmissionStatus.VALIDATED, ""),
    (SubmissionStatus.GRADED, "C"),
    (SubmissionStatus.RETURNED, ""),
    (SubmissionStatus.WITHDRAWN, ""),
]
COMMENTS = {
    "A": "Produk siap dipasarkan di ruang jualan dan ke mitra.",
    "B": "Produk bagus; perbaiki kemasan sebelum dipasarkan luas.",
    "C": "Produk belum siap: lengkapi izin dan perbaiki foto.",
}


def photo(colour: tuple[int, int, int]) -> SimpleUploadedFile:
    """A small generated PNG (a plain colour with a lighter band), a new upload each time."""
    image = Image.new("RGB", (160, 120), colour)
    image.paste(tuple(min(255, c + 40) for c in colour), (0, 80, 160, 120))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("produk.png", buffer.getvalue(), content_type="image/png")


@dataclass(frozen=True)
class Cast:
    staff: User  # the demo agency user: opens the calls, curates, validates where no secretariat is seeded
    partner: User  # the demo partner user: also curates the open call
    secretariat: User  # Tebet's


class Command(BaseCommand):
    help = "Load demo products, listings, stores and curation (after seed_demo and seed_mentoring_demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data runs only with DEBUG on.")
        with audit.channel(audit.Channel.IMPORT), transaction.atomic():
            self._seed()

    def _seed(self) -> None:
        users = {str(u.email).split("@")[0]: u for u in User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")}
        if not {"dinas", "mitra", "sekretariat.tebet", "peserta"} <= users.keys():
            raise CommandError("Run `manage.py seed_demo` (and seed_mentoring_demo) first.")
        if ProductCall.objects.filter(title=OPEN_CALL).exists():
            self.stdout.write("Demo marketing is there already.")
            return
        cast = Cast(staff=users["dinas"], partner=users["mitra"], secretariat=users["sekretariat.tebet"])
        today = timezone.localdate()
        closed = self._call(CLOSED_CALL, cast, curators=(cast.staff,), theme="Oleh-oleh khas Jakarta")
        open_call = self._call(OPEN_CALL, cast, curators=(cast.staff, cast.partner), theme="Produk unggulan 2026")
        businesses = list(
            Business.objects.filter(participant__registration__status=Status.APPROVED)
            .exclude(participant__user=users["peserta"])
            .select_related("participant__user", "participant__registration", "participant__kecamatan")
            .order_by("pk")[: BUSINESSES - 1]
        )
        siti = Business.objects.select_related("participant__user", "participant__registration").get(
            participant__user=users["peserta"]
        )
        self._siti(siti, cast, graded_in=closed, waiting_in=open_call)
        routes = itertools.cycle(ROUTES)
        for n, business in enumerate(businesses):
            self._business(business, n, cast, routes, calls=(open_call, closed))
        curation.call_update(
            call=closed,
            data=dataclasses.replace(
                CallData.of(closed),
                opens_on=today - datetime.timedelta(days=90),
                closes_on=today - datetime.timedelta(days=45),
            ),
            acting_user=cast.staff,
        )
        counts = {s.label: Submission.objects.filter(status=s).count() for s in SubmissionStatus}
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo marketing: {len(businesses) + 1} businesses, {Product.objects.count()} products, "
                f"submissions {counts}."
            )
        )

    def _call(self, title: str, cast: Cast, *, curators: tuple[User, ...], theme: str) -> ProductCall:
        """A call open today (the closed one is moved into the past once its submissions are in)."""
        today = timezone.localdate()
        return curation.call_create(
            data=CallData(
                title=title,
                theme=theme,
                description="Kurasi produk UMKM binaan JakPreneur untuk ruang jualan dan mitra.",
                opens_on=today - datetime.timedelta(days=10),
                closes_on=today + datetime.timedelta(days=20),
                curators=curators,
            ),
            acting_user=cast.staff,
        )

    def _listing(self, business: Business, name: str, *, n: int, published: bool = True) -> None:
        products.listing_save(
            business=business,
            data=ListingData(
                public_name=name,
                description=f"{name}: produk rumahan dari {business.kecamatan.name}, dibuat setiap hari.",
                public_phone=f"+62813{n:08d}",
                published=published,
            ),
            acting_user=business.participant.user,
        )

    def _product(self, business: Business, n: int, *, name: str = "") -> Product:
        base, category, price, description = CATALOGUE[n % len(CATALOGUE)]
        owner = business.participant.user
        product = products.product_create(
            business=business,
            data=ProductData(name=name or base, price=price, category=category, description=description),
            acting_user=owner,
        )
        for k in range(1 + n % 3):
            products.photo_add(product=product, upload=photo(COLOURS[(n + k) % len(COLOURS)]), acting_user=owner)
        return product

    def _store(self, business: Business, n: int, *, check: bool) -> None:
        platform, pattern = PLATFORMS[n % len(PLATFORMS)]
        slug = f"demo-{business.pk}-{platform}"
        store = products.store_add(
            business=business, platform=platform, url=pattern.format(slug=slug), acting_user=business.participant.user
        )
        mentor = current_mentor(business.participant)
        if check and mentor is not None:
            products.store_check(store=store, acting_user=mentor)

    def _siti(self, business: Business, cast: Cast, *, graded_in: ProductCall, waiting_in: ProductCall) -> None:
        self._listing(business, "Dapur Siti", n=1)
        graded = self._product(business, 0, name="Sambal Bawang Dapur Siti")
        self._walk(graded, graded_in, cast, SubmissionStatus.GRADED, "A")
        waiting = self._product(business, 1, name="Keripik Tempe Dapur Siti")
        self._walk(waiting, waiting_in, cast, SubmissionStatus.SUBMITTED, "")
        self._store(business, 0, check=True)
        self._store(business, 1, check=False)

    def _business(
        self, business: Business, n: int, cast: Cast, routes: Any, *, calls: tuple[ProductCall, ProductCall]
    ) -> None:
        """A listing (a few hidden), one or two products, a store for most; products of a mentored business go
        their way through curation (graded ones in the closed call, the others in the open one); the others wait
        for a mentor."""
        open_call, closed = calls
        self._listing(business, f"{business.name} Jakarta", n=n + 2, published=n % 5 != 4)
        for k in range(1 + n % 2):
            product = self._product(business, n + k)
            if current_mentor(business.participant) is not None:  # curation needs the business's mentor
                status, grade = next(routes)
                call = closed if status == SubmissionStatus.GRADED else open_call
                self._walk(product, call, cast, status, grade)
            elif k == 0:
                curation.submission_submit(product=product, call=open_call, acting_user=business.participant.user)
        if n % 3 != 2:
            self._store(business, n, check=n % 2 == 0)

    def _walk(self, product: Product, call: ProductCall, cast: Cast, status: str, grade: str) -> None:
        """Take a submission of the product through curation, as far as `status`."""
        owner, business = product.business.participant.user, product.business
        submission = curation.submission_submit(product=product, call=call, acting_user=owner)
        if status == SubmissionStatus.WITHDRAWN:
            curation.submission_withdraw(submission=submission, acting_user=owner)
            return
        if status == SubmissionStatus.SUBMITTED:
            return
        mentor = current_mentor(business.participant)
        assert mentor is not None
        if status == SubmissionStatus.RETURNED:
            curation.submission_check(
                submission=submission,
                passed=False,
                reason="Foto produk kurang terang; tambahkan foto kemasan dan berat bersih.",
                acting_user=mentor,
            )
            return
        curation.submission_check(submission=submission, passed=True, reason="", acting_user=mentor)
        if status == SubmissionStatus.CHECKED:
            return
        tebet = business.participant.kecamatan_id == cast.secretariat.office_id
        validator = cast.secretariat if tebet else cast.staff
        curation.submission_validate(submission=submission, passed=True, reason="", acting_user=validator)
        if status == SubmissionStatus.VALIDATED:
            return
        curation.submission_grade(
            submission=submission,
            data=GradeData(
                grade=grade,
                comments={criterion.value: f"{criterion.label}: {COMMENTS[grade]}" for criterion in Criterion},
                comment=COMMENTS[grade],
            ),
            acting_user=cast.staff,
        )
