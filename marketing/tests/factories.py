"""Factories of P5 marketing, shared by every marketing test (products, curation, spaces, catalogue).

`graded_product` makes a curated product the way the program does: submitted by the business, checked by its
mentor, validated by agency staff and graded by a curator of the call, all through the services."""

import datetime

import factory
from django.utils import timezone

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from marketing.choices import Category, Criterion, Platform, SubmissionStatus
from marketing.models import Listing, OnlineStore, Product, ProductCall, ProductPhoto, Submission
from marketing.services import curation
from marketing.services.curation import CallData, GradeData
from mentoring.models import MentorAssignment
from mentoring.selectors import current_mentor
from mentoring.tests.factories import AssignmentFactory, MentorFactory, verified_participant
from notifications.models import Message
from notifications.rendering import render_message
from partners.choices import OrganisationKind, Step
from partners.models import PartnerMember
from partners.tests.factories import PartnerMemberFactory, agreement_in_force
from registration.models import Business
from registration.tests.factories import png_bytes

# The longest full name a participant may have (150 characters, as on a KTP): every message must still fit an SMS.
LONG_NAME = ("Raden Ajeng Siti Nurhaliza Kusumawardhani Prawiranegara " * 3)[:150]


def bodies_in_each_language(message: Message) -> list[str]:
    """A queued message's body rendered in English and in Bahasa Indonesia."""
    bodies = []
    for language in ("en", "id"):
        message.language = language
        bodies.append(render_message(message).body)
    return bodies


def verified_business(kecamatan: str = "Tebet", **participant: object) -> Business:
    """The business of a participant whose registration is approved (no mentor yet)."""
    business: Business = verified_participant(kecamatan, **participant).business
    return business


def mentor_of(business: Business) -> User:
    """The business's current mentor, assigning one of its kecamatan when it has none."""
    mentor = current_mentor(business.participant)
    if mentor is None:
        assignment: MentorAssignment = AssignmentFactory(
            participant=business.participant, mentor=MentorFactory(office=business.participant.kecamatan)
        )
        mentor = assignment.mentor
    return mentor


def agency_user(**kwargs: object) -> User:
    user: User = UserFactory(role=Role.AGENCY, is_staff=True, **kwargs)
    return user


def partner_curator(user: User | None = None, *, steps: tuple[str, ...] = (Step.P5,)) -> User:
    """A partner organisation's user (`user`, or a new one) who may curate: a member of an active marketplace
    with an agreement in force covering `steps` (P5: curation)."""
    member: PartnerMember = PartnerMemberFactory(
        **({"user": user} if user else {}), organisation__kind=OrganisationKind.MARKETPLACE
    )
    agreement_in_force(member.organisation, steps=list(steps), staff=agency_user())
    return member.user


class ListingFactory(factory.django.DjangoModelFactory[Listing]):
    """A published listing of a verified business."""

    class Meta:
        model = Listing

    business = factory.LazyFunction(verified_business)
    public_name = factory.Sequence(lambda n: f"Dapur Rasa {n}")
    description = "Kue kering dan keripik buatan rumah."
    public_phone = "+6281234567890"
    public_email = factory.Sequence(lambda n: f"toko{n}@example.id")
    published = True


class ProductFactory(factory.django.DjangoModelFactory[Product]):
    class Meta:
        model = Product

    business = factory.LazyFunction(verified_business)
    name = factory.Sequence(lambda n: f"Keripik Tempe {n}")
    description = "Keripik tempe renyah, 200 gram."
    price = 25_000
    category = Category.FOOD


class ProductPhotoFactory(factory.django.DjangoModelFactory[ProductPhoto]):
    class Meta:
        model = ProductPhoto

    product = factory.SubFactory(ProductFactory)
    image = factory.django.FileField(data=png_bytes(), filename="photo.png")
    content_type = "image/png"
    position = factory.Sequence(lambda n: n)


class OnlineStoreFactory(factory.django.DjangoModelFactory[OnlineStore]):
    """An unchecked Shopee store."""

    class Meta:
        model = OnlineStore

    business = factory.LazyFunction(verified_business)
    platform = Platform.SHOPEE
    url = factory.Sequence(lambda n: f"https://shopee.co.id/toko{n}")


class ProductCallFactory(factory.django.DjangoModelFactory[ProductCall]):
    """A call open since a week ago for a month, taking every category. `curators=[...]` names its curators."""

    class Meta:
        model = ProductCall
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Kurasi Produk {n}")
    theme = "Oleh-oleh Jakarta"
    description = "Produk untuk dipajang di Thamrin 10."
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    categories = factory.LazyFunction(list)
    created_by = factory.LazyFunction(agency_user)

    @factory.post_generation
    def curators(obj: ProductCall, create: bool, extracted: list[User] | None, **kwargs: object) -> None:  # noqa: N805
        if create and extracted:
            obj.curators.set(extracted)


class SubmissionFactory(factory.django.DjangoModelFactory[Submission]):
    """A product submitted to an open call by its business (status SUBMITTED unless told)."""

    class Meta:
        model = Submission

    call = factory.SubFactory(ProductCallFactory)
    product = factory.SubFactory(ProductFactory)
    status = SubmissionStatus.SUBMITTED
    submitted_by = factory.SelfAttribute("product.business.participant.user")


def grade_data(grade: str = "A", comment: str = "Siap dipasarkan.") -> GradeData:
    """A grade with a comment on every criterion."""
    return GradeData(
        grade=grade,
        comments={criterion: f"Komentar {criterion.label}" for criterion in Criterion},
        comment=comment,
    )


def open_call(*, curator: User, created_by: User | None = None, **data: object) -> ProductCall:
    """A call opened through the service (a week ago, for a month), with this curator."""
    today = timezone.localdate()
    values = {
        "title": "Kurasi Produk Unggulan",
        "theme": "Oleh-oleh Jakarta",
        "description": "",
        "opens_on": today - datetime.timedelta(days=7),
        "closes_on": today + datetime.timedelta(days=30),
        "categories": (),
        "curators": (curator,),
        **data,
    }
    return curation.call_create(data=CallData(**values), acting_user=created_by or agency_user())  # type: ignore[arg-type]


def graded_product(
    grade: str = "A", business: Business | None = None, *, call: ProductCall | None = None, curator: User | None = None
) -> Product:
    """A product of `business` (a new verified business by default) graded `grade` through the curation services:
    submitted, checked by the business's mentor (one is assigned if it has none), validated by agency staff and
    graded by a curator of the call (a new agency curator and call by default)."""
    business = business or verified_business()
    if call is None:
        curator = curator or agency_user()
        call = open_call(curator=curator)
    elif curator is None:
        curator = call.curators.all()[0]
    product = ProductFactory(business=business)
    submission = curation.submission_submit(product=product, call=call, acting_user=business.participant.user)
    curation.submission_check(submission=submission, passed=True, reason="", acting_user=mentor_of(business))
    curation.submission_validate(submission=submission, passed=True, reason="", acting_user=agency_user())
    curation.submission_grade(submission=submission, data=grade_data(grade), acting_user=curator)
    product.refresh_from_db()
    return product
