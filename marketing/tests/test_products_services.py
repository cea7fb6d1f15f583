"""The writes of a business's own marketing: listing, products, photos and online stores, with their rules,
their refusals, the message to the business when its mentor checks a store, and the audit trail."""

import io
from dataclasses import replace

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation
from PIL import Image

from accounts.models import User
from core import audit
from core.decisions import Refused
from core.tests.test_security import jpeg_with_gps
from marketing.choices import OPEN_SUBMISSION_STATUSES, Criterion, SubmissionStatus
from marketing.models import MAX_PHOTOS, CriterionComment, Listing, OnlineStore, Product, ProductPhoto, Submission
from marketing.selectors import catalogue
from marketing.services import products as services
from marketing.services.common import MESSAGE_PERSON_CHARS
from marketing.services.products import ListingData, ProductData
from marketing.tests.factories import (
    LONG_NAME,
    OnlineStoreFactory,
    ProductFactory,
    ProductPhotoFactory,
    SubmissionFactory,
    bodies_in_each_language,
    graded_product,
    mentor_of,
    verified_business,
)
from notifications.models import Message
from registration.models import Business
from registration.tests.factories import BusinessFactory, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def owner(business: Business) -> User:
    user: User = business.participant.user
    return user


def product_data(**overrides: object) -> ProductData:
    values = {"name": "Kue Lapis", "price": 30_000, "category": "food", "description": "Lapis legit 20 cm."}
    return ProductData(**{**values, **overrides})  # type: ignore[arg-type]


def jpeg(name: str = "kue.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_with_gps(), content_type="image/jpeg")


def field_codes(exc: pytest.ExceptionInfo[ValidationError], field: str) -> list[str]:
    return [error.code for error in exc.value.error_dict[field]]  # type: ignore[misc]


# --- the listing ----------------------------------------------------------------------------------------------


def test_a_business_writes_its_listing_with_a_normalised_phone_and_its_search_vector(business: Business) -> None:
    Listing.objects.filter(business=business).delete()
    listing = services.listing_save(
        business=business,
        data=ListingData(
            public_name=" Dapur Siti ",
            description="Kue basah khas Betawi.",
            public_phone="0812 3456 7890",
            public_email="dapur@example.id",
            eorder_url="https://eorder.jakarta.go.id/toko/dapur-siti",
            published=True,
        ),
        acting_user=owner(business),
    )
    listing.refresh_from_db()
    assert (listing.public_name, listing.public_phone, listing.published) == ("Dapur Siti", "+6281234567890", True)
    assert Listing.objects.filter(pk=listing.pk, search_vector__isnull=False).exists()


def test_saving_the_listing_again_changes_the_same_row(business: Business) -> None:
    services.listing_save(
        business=business, data=ListingData(public_name="Dapur Baru", published=False), acting_user=owner(business)
    )
    assert Listing.objects.get(business=business).public_name == "Dapur Baru"
    assert Listing.objects.count() == 1


def test_the_listing_name_reaches_the_products_search_vector(business: Business) -> None:
    product = services.product_create(business=business, data=product_data(), acting_user=owner(business))
    services.listing_save(
        business=business, data=ListingData(public_name="Kedai Mawar", published=True), acting_user=owner(business)
    )
    found = Product.objects.filter(search_vector=SearchQuery("mawar", config="simple"))
    assert list(found) == [product]


@pytest.mark.parametrize(
    ("field", "values", "code"),
    [
        ("eorder_url", {"eorder_url": "http://eorder.jakarta.go.id/toko"}, "not_https"),
        ("eorder_url", {"eorder_url": "bukan alamat"}, "invalid_url"),
        ("public_phone", {"public_phone": "12"}, "phone_invalid"),
        ("public_phone", {"public_phone": "nomor saya"}, "phone_format"),
        ("public_name", {"public_name": "  "}, "required"),
    ],
)
def test_a_listing_with_bad_input_is_refused_by_field(
    business: Business, field: str, values: dict[str, str], code: str
) -> None:
    data = ListingData(**{"public_name": "Dapur Siti", **values})  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as exc:
        services.listing_save(business=business, data=data, acting_user=owner(business))
    assert field_codes(exc, field) == [code]


def test_nobody_else_writes_a_business_listing(
    business: Business, peer_business: Business, mentor_tebet: User
) -> None:
    for user in (owner(peer_business), mentor_tebet):
        with pytest.raises(Refused) as exc:
            services.listing_save(business=business, data=ListingData(public_name="X"), acting_user=user)
        assert exc.value.code == "not_own"


def test_an_unverified_business_cannot_sell_yet() -> None:
    business = BusinessFactory()
    with pytest.raises(Refused) as exc:
        services.product_create(business=business, data=product_data(), acting_user=owner(business))
    assert exc.value.code == "not_verified"


# --- products -------------------------------------------------------------------------------------------------


def test_a_product_is_created_changed_and_recorded(business: Business) -> None:
    product = services.product_create(business=business, data=product_data(), acting_user=owner(business))
    services.product_update(product=product, data=product_data(price=35_000), acting_user=owner(business))
    product.refresh_from_db()
    assert product.price == 35_000 and product.grade == ""
    with translation.override("en"):
        entries = audit.history_of(product)
    assert [entry.kind for entry in entries] == ["updated", "created"]
    assert {entry.actor for entry in entries} == {str(owner(business))}


@pytest.mark.parametrize("price", [0, -5])
def test_a_product_costs_more_than_nothing(business: Business, price: int) -> None:
    with pytest.raises(ValidationError) as exc:
        services.product_create(business=business, data=product_data(price=price), acting_user=owner(business))
    assert "price" in exc.value.error_dict
    assert not Product.objects.exists()


def test_a_peer_cannot_change_a_product(business: Business, peer_business: Business) -> None:
    product = ProductFactory(business=business)
    with pytest.raises(Refused):
        services.product_update(product=product, data=product_data(), acting_user=owner(peer_business))


def test_a_product_being_curated_is_not_deleted(business: Business) -> None:
    product = ProductFactory(business=business)
    SubmissionFactory(product=product)
    with pytest.raises(ValidationError) as exc:
        services.product_delete(product=product, acting_user=owner(business))
    assert exc.value.code == "in_curation"


@pytest.mark.django_db(transaction=True)
def test_deleting_a_product_deletes_its_photo_files(business: Business) -> None:
    product = ProductFactory(business=business)
    photo = services.photo_add(product=product, upload=jpeg(), acting_user=owner(business))
    storage, name = photo.image.storage, photo.image.name
    assert storage.exists(name)
    services.product_delete(product=product, acting_user=owner(business))
    assert not Product.objects.exists() and not storage.exists(name)


# --- photos ---------------------------------------------------------------------------------------------------


def test_a_photo_is_stored_without_its_exif_and_gps(business: Business) -> None:
    product = ProductFactory(business=business)
    photo = services.photo_add(product=product, upload=jpeg(), acting_user=owner(business))
    with photo.image.open("rb") as stored:
        data = stored.read()
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()
        assert "exif" not in image.info and "comment" not in image.info
    assert b"PhoneMaker" not in data and b"taken at home" not in data
    assert photo.content_type == "image/jpeg" and "kue" not in photo.image.name


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("kue.jpg", pdf_bytes(), content_type="image/jpeg"), "file_type"),
        (SimpleUploadedFile("kue.png", b"not an image at all", content_type="image/png"), "file_type"),
        (SimpleUploadedFile("kue.png", b"", content_type="image/png"), "empty"),
    ],
)
def test_only_a_real_photo_is_taken(business: Business, upload: SimpleUploadedFile, code: str) -> None:
    product = ProductFactory(business=business)
    with pytest.raises(ValidationError) as exc:
        services.photo_add(product=product, upload=upload, acting_user=owner(business))
    assert field_codes(exc, "image") == [code]
    assert not ProductPhoto.objects.exists()


@override_settings(DOCUMENT_MAX_BYTES=1000)
def test_a_too_large_photo_is_refused(business: Business) -> None:
    product = ProductFactory(business=business)
    upload = SimpleUploadedFile("big.png", png_bytes((400, 400)) + b"\0" * 2000, content_type="image/png")
    with pytest.raises(ValidationError) as exc:
        services.photo_add(product=product, upload=upload, acting_user=owner(business))
    assert field_codes(exc, "image") == ["too_large"]


def test_a_product_shows_at_most_max_photos(business: Business) -> None:
    product = ProductFactory(business=business)
    ProductPhotoFactory.create_batch(MAX_PHOTOS, product=product)
    with pytest.raises(ValidationError) as exc:
        services.photo_add(product=product, upload=jpeg(), acting_user=owner(business))
    assert field_codes(exc, "image") == ["too_many"]


def test_photos_are_added_last_reordered_and_renumbered_on_delete(business: Business) -> None:
    product = ProductFactory(business=business)
    first, second, third = (
        services.photo_add(product=product, upload=jpeg(), acting_user=owner(business)) for _ in range(3)
    )
    assert [p.position for p in (first, second, third)] == [0, 1, 2]
    services.photos_reorder(product=product, order=[third.pk, first.pk, second.pk], acting_user=owner(business))
    assert list(product.photos.values_list("pk", flat=True)) == [third.pk, first.pk, second.pk]
    services.photo_delete(photo=third, acting_user=owner(business))
    assert list(product.photos.values_list("pk", "position")) == [(first.pk, 0), (second.pk, 1)]


def test_a_reorder_must_list_exactly_the_products_photos(business: Business) -> None:
    product = ProductFactory(business=business)
    photo = ProductPhotoFactory(product=product)
    other = ProductPhotoFactory()
    for order in ([other.pk], [photo.pk, photo.pk], []):
        with pytest.raises(ValidationError) as exc:
            services.photos_reorder(product=product, order=order, acting_user=owner(business))
        assert exc.value.code == "not_the_photos"


def test_a_peer_cannot_add_or_delete_photos(business: Business, peer_business: Business) -> None:
    product = ProductFactory(business=business)
    photo = ProductPhotoFactory(product=product)
    with pytest.raises(Refused):
        services.photo_add(product=product, upload=jpeg(), acting_user=owner(peer_business))
    with pytest.raises(Refused):
        services.photo_delete(photo=photo, acting_user=owner(peer_business))


# --- online stores --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "url"),
    [
        ("shopee", "https://shopee.co.id/dapursiti"),
        ("tokopedia", "https://www.tokopedia.com/dapursiti"),
        ("gofood", "https://gofood.co.id/jakarta/restaurant/dapur-siti"),
        ("grabfood", "https://food.grab.com/id/id/restaurant/dapur-siti"),
        ("website", "https://dapursiti.id/"),
    ],
)
def test_a_store_on_its_platforms_host_is_linked(business: Business, platform: str, url: str) -> None:
    store = services.store_add(business=business, platform=platform, url=f"  {url} ", acting_user=owner(business))
    assert (store.url, store.is_checked) == (url, False)


@pytest.mark.parametrize(
    ("platform", "url", "code"),
    [
        ("shopee", "shopee", "invalid_url"),
        ("shopee", "http://shopee.co.id/dapursiti", "not_https"),
        ("shopee", "https://tokopedia.com/dapursiti", "wrong_host"),
        ("tokopedia", "https://tokopedia.com.evil.example/dapursiti", "wrong_host"),
        ("gofood", "https://notgojek.com/dapursiti", "wrong_host"),
        ("website", "https://user:secret@dapursiti.id/", "credentials"),
        ("website", "ftp://dapursiti.id/", "invalid_url"),
    ],
)
def test_a_bad_store_link_is_refused_with_a_clear_error(
    business: Business, platform: str, url: str, code: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.store_add(business=business, platform=platform, url=url, acting_user=owner(business))
    assert field_codes(exc, "url") == [code]
    assert not OnlineStore.objects.exists()


def test_the_wrong_host_error_names_the_platforms_hosts(business: Business) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.store_add(
            business=business, platform="shopee", url="https://toko.example/x", acting_user=owner(business)
        )
    assert exc.value.messages == ["A Shopee store link is on shopee.co.id; this link is on toko.example."]


def test_a_store_link_is_listed_once(business: Business) -> None:
    services.store_add(business=business, platform="shopee", url="https://shopee.co.id/a", acting_user=owner(business))
    with pytest.raises(ValidationError):
        services.store_add(
            business=business, platform="shopee", url="https://shopee.co.id/a", acting_user=owner(business)
        )


def test_the_mentor_checks_a_store_and_the_business_is_told(business: Business, mentor_tebet: User) -> None:
    store = OnlineStoreFactory(business=business)
    checked = services.store_check(store=store, acting_user=mentor_tebet)
    assert checked.checked_by == mentor_tebet and checked.checked_at is not None
    message = Message.objects.get(template="marketing_store_checked", channel="email")
    assert message.recipient == owner(business)
    assert message.context["platform"] == "Shopee"
    with translation.override("en"):
        [entry, *_] = audit.history_of(checked)
    assert (entry.kind, entry.actor) == ("updated", str(mentor_tebet))


def test_the_store_checked_message_fits_an_sms_with_the_longest_name() -> None:
    business = verified_business(full_name=LONG_NAME)
    services.store_check(
        store=OnlineStoreFactory(business=business, platform="website", url="https://dapur.id/"),
        acting_user=mentor_of(business),
    )
    message = Message.objects.get(template="marketing_store_checked", channel="email")
    assert len(message.context["full_name"]) <= MESSAGE_PERSON_CHARS
    assert all(len(body) <= 320 for body in bodies_in_each_language(message))


def test_a_store_is_checked_once(business: Business, mentor_tebet: User) -> None:
    store = OnlineStoreFactory(business=business)
    services.store_check(store=store, acting_user=mentor_tebet)
    with pytest.raises(ValidationError) as exc:
        services.store_check(store=store, acting_user=mentor_tebet)
    assert exc.value.code == "checked"


def test_only_the_businesss_mentor_checks_its_store(
    business: Business, mentor_gambir: User, secretariat_tebet: User, agency_staff: User
) -> None:
    store = OnlineStoreFactory(business=business)
    for user in (mentor_gambir, secretariat_tebet, agency_staff, owner(business)):
        with pytest.raises(Refused) as exc:
            services.store_check(store=store, acting_user=user)
        assert exc.value.code == "not_mentor"
    assert not Message.objects.exists()


def test_a_business_removes_its_own_store_only(business: Business, peer_business: Business) -> None:
    store = OnlineStoreFactory(business=business)
    with pytest.raises(Refused):
        services.store_delete(store=store, acting_user=owner(peer_business))
    services.store_delete(store=store, acting_user=owner(business))
    assert not OnlineStore.objects.exists()


def test_a_business_of_another_verified_participant_is_not_its_own(business: Business) -> None:
    other = verified_business("Tebet")
    with pytest.raises(Refused):
        services.store_add(business=other, platform="website", url="https://x.id/", acting_user=owner(business))


# --- a product being curated, a curated product ---------------------------------------------------------------


def two_photos(product: Product) -> tuple[ProductPhoto, ProductPhoto]:
    return ProductPhotoFactory(product=product, position=0), ProductPhotoFactory(product=product, position=1)


@pytest.mark.parametrize("status", OPEN_SUBMISSION_STATUSES)
def test_a_product_being_curated_is_not_changed_nor_its_photos(business: Business, status: str) -> None:
    product = ProductFactory(business=business, name="Asli")
    first, second = two_photos(product)
    SubmissionFactory(product=product, status=status)
    user = owner(business)
    attempts = {
        "update": lambda: services.product_update(product=product, data=product_data(name="Baru"), acting_user=user),
        "photo_add": lambda: services.photo_add(product=product, upload=jpeg(), acting_user=user),
        "photo_delete": lambda: services.photo_delete(photo=first, acting_user=user),
        "reorder": lambda: services.photos_reorder(product=product, order=[second.pk, first.pk], acting_user=user),
        "delete": lambda: services.product_delete(product=product, acting_user=user),
    }
    for name, attempt in attempts.items():
        with pytest.raises(Refused) as exc:
            attempt()
        assert exc.value.code == "in_curation", name
    product.refresh_from_db()
    assert product.name == "Asli"
    assert list(product.photos.values_list("pk", flat=True)) == [first.pk, second.pk]


@pytest.mark.parametrize("status", [SubmissionStatus.RETURNED, SubmissionStatus.WITHDRAWN])
def test_a_product_returned_or_withdrawn_is_changed_again(business: Business, status: str) -> None:
    product = ProductFactory(business=business)
    SubmissionFactory(product=product, status=status, returned_reason="Foto buram.")
    services.product_update(product=product, data=product_data(name="Baru"), acting_user=owner(business))
    services.photo_add(product=product, upload=jpeg(), acting_user=owner(business))
    assert Product.objects.get().name == "Baru" and ProductPhoto.objects.count() == 1


@pytest.mark.parametrize(
    "change", [{"name": "Kue Lapis Baru"}, {"description": "Resep baru."}, {"category": "crafts"}], ids=str
)
def test_changing_what_the_curator_judged_takes_the_grade_away(business: Business, change: dict[str, str]) -> None:
    product = graded_product("A", business)
    assert catalogue.public_product(product.pk) is not None
    services.product_update(
        product=product, data=replace(ProductData.of(product), **change), acting_user=owner(business)
    )
    product.refresh_from_db()
    assert (product.grade, product.graded_at) == ("", None)
    assert catalogue.public_product(product.pk) is None
    graded = Submission.objects.get(product=product)  # the curation record stays
    assert (graded.status, graded.grade, graded.criterion_comments.count()) == ("graded", "A", len(Criterion))


def test_a_new_price_or_the_same_values_keep_the_grade(business: Business) -> None:
    product = graded_product("B", business)
    graded_at = product.graded_at
    for data in (ProductData.of(product), replace(ProductData.of(product), price=99_000)):
        services.product_update(product=product, data=data, acting_user=owner(business))
    product.refresh_from_db()
    assert (product.grade, product.graded_at, product.price) == ("B", graded_at, 99_000)
    assert catalogue.public_product(product.pk) is not None


@pytest.mark.parametrize("change", ["add", "delete", "reorder"])
def test_changing_a_graded_products_photos_takes_the_grade_away(business: Business, change: str) -> None:
    product = graded_product("A", business)
    first, second = two_photos(product)
    user = owner(business)
    if change == "add":
        services.photo_add(product=product, upload=jpeg(), acting_user=user)
    elif change == "delete":
        services.photo_delete(photo=second, acting_user=user)
    else:
        services.photos_reorder(product=product, order=[first.pk, second.pk], acting_user=user)  # as it was
        assert Product.objects.get().grade == "A"
        services.photos_reorder(product=product, order=[second.pk, first.pk], acting_user=user)
    product.refresh_from_db()
    assert (product.grade, product.graded_at) == ("", None)
    assert Submission.objects.filter(product=product, status=SubmissionStatus.GRADED).exists()


def test_a_curated_product_is_kept_with_its_curation_record(business: Business) -> None:
    product = graded_product("A", business)
    for attempt in range(2):
        with pytest.raises(Refused) as exc:
            services.product_delete(product=product, acting_user=owner(business))
        assert exc.value.code == "curated"
        with translation.override("en"):  # the English text, whatever language an earlier test left active
            assert "unpublish your listing" in str(exc.value.message)
        if attempt == 0:  # its grade taken away by a change: still the record of a curation
            services.product_update(product=product, data=product_data(name="Lain"), acting_user=owner(business))
    assert Product.objects.filter(pk=product.pk).exists()
    assert CriterionComment.objects.filter(submission__product=product).count() == len(Criterion)
