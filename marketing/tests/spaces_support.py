"""Rows and people of the selling spaces' tests: spaces, booths, applications and allocations, and the cast of
every permission test (the business, a peer, an ungraded business, a grade-C business, the mentor, a secretariat,
agency staff, a partner user)."""

import datetime
from dataclasses import dataclass

import factory
from django.utils import timezone
from psycopg2.extras import DateRange

from accounts.models import User
from geography.models import Wilayah
from marketing.choices import ApplicationStatus, SpaceKind
from marketing.models import Booth, BoothAllocation, Product, SellingSpace, SpaceApplication
from marketing.tests.factories import ProductFactory, agency_user, graded_product, verified_business
from registration.models import Business


def day(offset: int) -> datetime.date:
    """Today (Jakarta) moved by `offset` days."""
    return timezone.localdate() + datetime.timedelta(days=offset)


def wilayah(name: str) -> Wilayah:
    return Wilayah.objects.get(name=name)


def days(first: int, last: int) -> DateRange:
    """A stored day range, today moved by `first` to `last` days, both included."""
    return DateRange(day(first), day(last), bounds="[]")


class SpaceFactory(factory.django.DjangoModelFactory[SellingSpace]):
    """A bazaar in Jakarta Selatan, open from three days ago for a month, taking grades A and B."""

    class Meta:
        model = SellingSpace

    name = factory.Sequence(lambda n: f"Bazar UMKM Blok S {n}")
    kind = SpaceKind.BAZAAR
    wilayah = factory.LazyFunction(lambda: wilayah("Jakarta Selatan"))
    venue = "Taman Literasi Blok M"
    description = "Bazar akhir pekan untuk produk UMKM terkurasi."
    opens_on = factory.LazyFunction(lambda: day(-3))
    closes_on = factory.LazyFunction(lambda: day(30))
    accepts_grades = factory.LazyFunction(lambda: ["A", "B"])
    active = True
    created_by = factory.LazyFunction(agency_user)


class BoothFactory(factory.django.DjangoModelFactory[Booth]):
    class Meta:
        model = Booth

    space = factory.SubFactory(SpaceFactory)
    code = factory.Sequence(lambda n: f"B-{n:03d}")
    description = "Meja 2 x 1 m, satu colokan listrik"


class ApplicationFactory(factory.django.DjangoModelFactory[SpaceApplication]):
    """An application waiting for a decision, for the days two to four days ahead."""

    class Meta:
        model = SpaceApplication

    space = factory.SubFactory(SpaceFactory)
    business = factory.LazyFunction(verified_business)
    starts_on = factory.LazyFunction(lambda: day(2))
    ends_on = factory.LazyFunction(lambda: day(4))
    note = "Keripik dan kue kering."
    applied_by = factory.SelfAttribute("business.participant.user")


def allocate(application: SpaceApplication, booth: Booth, *, by: User | None = None) -> BoothAllocation:
    """Give the booth to the application for its days, written directly (the accepted application with it)."""
    SpaceApplication.objects.filter(pk=application.pk).update(
        status=ApplicationStatus.ACCEPTED, decided_at=timezone.now()
    )
    application.refresh_from_db()
    return BoothAllocation.objects.create(
        booth=booth,
        application=application,
        business=application.business,
        days=DateRange(application.starts_on, application.ends_on, bounds="[]"),
        allocated_by=by or agency_user(),
    )


def quickly_graded(grade: str = "A", business: Business | None = None) -> Business:
    """A business with a product of this grade, written directly (for many rows; `graded_product` goes through
    curation)."""
    business = business or verified_business()
    product: Product = ProductFactory(business=business)
    Product.objects.filter(pk=product.pk).update(grade=grade, graded_at=timezone.now())
    return business


@dataclass(frozen=True)
class Cast:
    """Who is who in a permission test."""

    business: Business  # Siti's, in Tebet, graded A, mentored by `mentor`
    peer: Business  # Budi's, in Gambir, graded A
    ungraded: Business
    grade_c: Business
    mentor: User
    secretariat: User
    agency: User
    partner: User

    def user(self, who: str) -> User | None:
        """The user playing `who` (None: anonymous)."""
        businesses = {"business": self.business, "peer": self.peer, "ungraded": self.ungraded, "grade_c": self.grade_c}
        if who in businesses:
            return businesses[who].participant.user
        return {
            "mentor": self.mentor,
            "secretariat": self.secretariat,
            "agency": self.agency,
            "partner": self.partner,
        }.get(who)


ROLES = ["business", "peer", "ungraded", "grade_c", "mentor", "secretariat", "agency", "partner", "anonymous"]
BUSINESSES = ("business", "peer", "ungraded", "grade_c")


def cast(business: Business, peer: Business, *, mentor: User, secretariat: User, agency: User, partner: User) -> Cast:
    """The cast, with `business` graded A and `peer` graded A through curation, an ungraded business and one
    graded C."""
    graded_product("A", business)
    graded_product("A", peer)
    return Cast(
        business=business,
        peer=peer,
        ungraded=verified_business("Cilandak", full_name="Rina Ungraded"),
        grade_c=quickly_graded("C", verified_business("Matraman", full_name="Joko Grade C")),
        mentor=mentor,
        secretariat=secretariat,
        agency=agency,
        partner=partner,
    )
