"""Writes of a business's own marketing: its listing, its products with their photos, and its online stores
(which its mentor checks). Each runs in one transaction and records who acted; search vectors are refreshed in
the same transaction (marketing.search).

A product is not changed while a submission of it is open (permissions.can_change_product): the curators judge
what was submitted. Changing what a curator judged of a graded product (its name, description, category or
photos: `JUDGED_FIELDS`) takes its grade away, so the catalogue drops it until it is curated again; its price may
change and keep the grade. Its submissions (the curation record) stay, and a graded product is never deleted."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core import audit
from core.phone import normalize_phone
from core.web import absolute_url
from mentoring.validators import validate_photo
from notifications.services import notify
from registration import measures
from registration.models import Business

from .. import permissions, search
from ..choices import PLATFORM_HOSTS, Platform
from ..messages import MESSAGES
from ..models import MAX_PHOTOS, Listing, OnlineStore, Product, ProductPhoto
from .common import message_name, save_refusing

NOT_A_LINK = _("Enter a full web address, such as https://shopee.co.id/nama-toko.")
NOT_HTTPS = _("The link must start with https:// (a secure address).")
WRONG_HOST = _("A %(platform)s store link is on %(hosts)s; this link is on %(host)s.")
WITH_CREDENTIALS = _("A store link must not carry a user name or password.")
TOO_MANY_PHOTOS = _("A product shows at most %(count)d photos; delete one before adding another.")
NOT_THE_PHOTOS = _("The order sent does not list exactly this product's photos; reload the page and try again.")
STORE_CHECKED_ALREADY = _("This store has been checked already.")
NAME_REQUIRED = _("Enter the name buyers see.")


# What a curator judged of a product besides its photos: changing one of them takes the grade away.
JUDGED_FIELDS = ("name", "description", "category")


# --- the values the services take -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListingData:
    """What a business shows the public: only this, and only while `published`."""

    public_name: str
    description: str = ""
    public_phone: str = ""
    public_email: str = ""
    eorder_url: str = ""
    published: bool = False

    @classmethod
    def of(cls, listing: Listing) -> "ListingData":
        return cls(
            public_name=listing.public_name,
            description=listing.description,
            public_phone=listing.public_phone,
            public_email=listing.public_email,
            eorder_url=listing.eorder_url,
            published=listing.published,
        )


@dataclass(frozen=True)
class ProductData:
    name: str
    price: int
    category: str
    description: str = ""

    @classmethod
    def of(cls, product: Product) -> "ProductData":
        return cls(name=product.name, price=product.price, category=product.category, description=product.description)

    def apply_to(self, product: Product) -> None:
        product.name = self.name.strip()
        product.price = self.price
        product.category = self.category
        product.description = self.description.strip()


# --- the rules of a link ----------------------------------------------------------------------------------------


def check_https_url(url: str, *, field: str) -> str:
    """The link, stripped, if it is a full https address without credentials; else a ValidationError keyed by
    `field` saying why."""
    url = url.strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ValidationError({field: ValidationError(NOT_A_LINK, code="invalid_url")}) from exc
    parts = urlsplit(url)
    if parts.scheme.lower() != "https":
        raise ValidationError({field: ValidationError(NOT_HTTPS, code="not_https")})
    if parts.username or parts.password:
        raise ValidationError({field: ValidationError(WITH_CREDENTIALS, code="credentials")})
    return url


def check_store_url(platform: str, url: str) -> str:
    """A store link as the program takes it: https, and for a known platform on one of its own hosts
    (choices.PLATFORM_HOSTS, subdomains included). Errors are keyed "url"."""
    url = check_https_url(url, field="url")
    hosts = PLATFORM_HOSTS.get(platform, ())
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if hosts and not any(host == known or host.endswith(f".{known}") for known in hosts):
        raise ValidationError(
            {
                "url": ValidationError(
                    WRONG_HOST % {"platform": Platform(platform).label, "hosts": ", ".join(hosts), "host": host},
                    code="wrong_host",
                )
            }
        )
    return url


# --- the listing ------------------------------------------------------------------------------------------------


@transaction.atomic
@audit.audited
def listing_save(*, business: Business, data: ListingData, acting_user: User) -> Listing:
    """Create or change the business's listing: its public name, description, the contacts it chooses to
    publish, its e-order link, and whether it is shown in the catalogue."""
    permissions.can_edit_business(acting_user, business).enforce()
    errors: dict[str, list[ValidationError]] = {}
    phone = data.public_phone.strip()
    if phone:
        try:
            phone = normalize_phone(phone)
        except ValidationError as exc:
            errors["public_phone"] = [exc]
    eorder_url = data.eorder_url.strip()
    if eorder_url:
        try:
            eorder_url = check_https_url(eorder_url, field="eorder_url")
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if not data.public_name.strip():
        errors["public_name"] = [ValidationError(NAME_REQUIRED, code="required")]
    if errors:
        raise ValidationError(errors)
    # The business's row locked first: two first saves at once (no listing row to lock yet) go one after the
    # other, and the second changes the listing the first made.
    Business.objects.select_for_update().filter(pk=business.pk).values_list("pk").get()
    listing = Listing.objects.filter(business=business).first() or Listing(business=business)
    listing.public_name = data.public_name.strip()
    listing.description = data.description.strip()
    listing.public_phone = phone
    listing.public_email = data.public_email.strip()
    listing.eorder_url = eorder_url
    listing.published = data.published
    listing.full_clean(exclude=["business"])
    listing.save()
    search.reindex_business(business.pk)
    return listing


# --- products ---------------------------------------------------------------------------------------------------


def _lock_product(product: Product) -> Product:
    return (
        Product.objects.select_for_update(of=("self",))
        .select_related("business__participant__registration")
        .get(pk=product.pk)
    )


@transaction.atomic
@audit.audited
def product_create(*, business: Business, data: ProductData, acting_user: User) -> Product:
    """A new product of the business (not curated yet)."""
    permissions.can_edit_business(acting_user, business).enforce()
    product = Product(business=business)
    data.apply_to(product)
    product.full_clean(exclude=["business"])
    product.save()
    search.reindex_products([product.pk])
    return product


def _take_grade_away(product: Product) -> None:
    """What a curator judged has changed: the product is no longer curated (its submissions stay on record)."""
    product.grade = ""
    product.graded_at = None


def _photos_changed(product: Product) -> None:
    """The photos of a graded product changed: its grade goes (saved here; the product's row is locked)."""
    if product.is_curated:
        _take_grade_away(product)
        product.save(update_fields=["grade", "graded_at", "updated_at"])


@transaction.atomic
@audit.audited
def product_update(*, product: Product, data: ProductData, acting_user: User) -> Product:
    """Change a product, not while it is being curated. A change of what the curator judged (JUDGED_FIELDS)
    takes its grade away; a new price keeps it."""
    locked = _lock_product(product)
    permissions.can_change_product(acting_user, locked).enforce()
    judged = [getattr(locked, name) for name in JUDGED_FIELDS]
    data.apply_to(locked)
    if locked.is_curated and judged != [getattr(locked, name) for name in JUDGED_FIELDS]:
        _take_grade_away(locked)
    locked.full_clean(exclude=["business"])
    locked.save()
    search.reindex_products([locked.pk])
    return locked


@transaction.atomic
@audit.audited
def product_delete(*, product: Product, acting_user: User) -> None:
    """Delete a product that is not being curated and was never graded, with its photos (their files once the
    deletion commits)."""
    locked = _lock_product(product)
    permissions.can_delete_product(acting_user, locked).enforce()
    names = [photo.image.name for photo in locked.photos.all() if photo.image.name]
    locked.delete()
    _delete_files_on_commit(names)


def _delete_files_on_commit(names: Sequence[str]) -> None:
    storage = ProductPhoto._meta.get_field("image").storage
    for name in names:
        transaction.on_commit(lambda name=name: storage.delete(name))  # type: ignore[misc]


# --- photos -----------------------------------------------------------------------------------------------------


@transaction.atomic
@audit.audited
def photo_add(*, product: Product, upload: UploadedFile[Any], acting_user: User) -> ProductPhoto:
    """Add a photo at the end of the product's photos (at most models.MAX_PHOTOS): JPEG or PNG, its type read
    from its bytes, re-encoded without metadata (EXIF, GPS) before it is stored. Not while the product is being
    curated; a graded product loses its grade."""
    locked = _lock_product(product)
    permissions.can_change_product(acting_user, locked).enforce()
    if locked.photos.count() >= MAX_PHOTOS:
        raise ValidationError({"image": ValidationError(TOO_MANY_PHOTOS % {"count": MAX_PHOTOS}, code="too_many")})
    try:
        content_type = validate_photo(upload)
    except ValidationError as exc:
        raise ValidationError({"image": [exc]}) from exc
    last = locked.photos.aggregate(last=Max("position"))["last"]
    photo = ProductPhoto(product=locked, content_type=content_type, position=0 if last is None else last + 1)
    photo.image.save("photo", upload, save=False)
    stored = photo.image.name or ""
    try:
        photo.save()
        _photos_changed(locked)
    except BaseException:
        photo.image.storage.delete(stored)  # nothing was saved: leave no file behind
        raise
    return photo


@transaction.atomic
@audit.audited
def photo_delete(*, photo: ProductPhoto, acting_user: User) -> None:
    """Delete a photo (its file once the deletion commits); the others keep their order. Not while the product is
    being curated; a graded product loses its grade."""
    locked = _lock_product(photo.product)
    permissions.can_change_product(acting_user, locked).enforce()
    stored = ProductPhoto.objects.get(pk=photo.pk, product=locked)
    name = stored.image.name or ""
    stored.delete()
    _renumber(list(locked.photos.all()))
    _photos_changed(locked)
    _delete_files_on_commit([name] if name else [])


@transaction.atomic
@audit.audited
def photos_reorder(*, product: Product, order: Sequence[int], acting_user: User) -> list[ProductPhoto]:
    """Put the product's photos in this order (their ids, the first shown first); it must list each exactly once.
    Not while the product is being curated; a graded product whose order changes loses its grade."""
    locked = _lock_product(product)
    permissions.can_change_product(acting_user, locked).enforce()
    photos = {photo.pk: photo for photo in locked.photos.all()}
    if sorted(order) != sorted(photos):
        raise ValidationError(NOT_THE_PHOTOS, code="not_the_photos")
    ordered = [photos[pk] for pk in order]
    if _renumber(ordered):
        _photos_changed(locked)
    return ordered


def _renumber(photos: list[ProductPhoto]) -> bool:
    """Number the photos in this order; whether any moved."""
    changed = []
    for position, photo in enumerate(photos):
        if photo.position != position:
            photo.position = position
            changed.append(photo)
    ProductPhoto.objects.bulk_update(changed, ["position"])
    return bool(changed)


# --- online stores ----------------------------------------------------------------------------------------------


@transaction.atomic
@audit.audited
def store_add(*, business: Business, platform: str, url: str, acting_user: User) -> OnlineStore:
    """Link one of the business's online stores (unchecked until its mentor checks it). The same link added twice
    at once: the database's unique constraint refuses the second."""
    permissions.can_edit_business(acting_user, business).enforce()
    store = OnlineStore(business=business, platform=platform, url=check_store_url(platform, url))
    store.full_clean()
    save_refusing(store, constraint="one_store_per_link", code="store_listed")
    return store


@transaction.atomic
@audit.audited
def store_delete(*, store: OnlineStore, acting_user: User) -> None:
    locked = (
        OnlineStore.objects.select_for_update(of=("self",)).select_related("business__participant").get(pk=store.pk)
    )
    permissions.can_edit_business(acting_user, locked.business).enforce()
    locked.delete()
    measures.changed(locked.business.participant_id)


@transaction.atomic
@audit.audited
def store_check(*, store: OnlineStore, acting_user: User) -> OnlineStore:
    """The mentor confirms the store is real and the business's: it counts for P5, and the business is told."""
    locked = (
        OnlineStore.objects.select_for_update(of=("self",))
        .select_related("business__participant__user")
        .get(pk=store.pk)
    )
    permissions.can_check_store(acting_user, locked).enforce()
    if locked.is_checked:
        raise ValidationError(STORE_CHECKED_ALREADY, code="checked")
    locked.checked_by = acting_user
    locked.checked_at = timezone.now()
    locked.save(update_fields=["checked_by", "checked_at"])
    participant = locked.business.participant
    measures.changed(participant.pk)
    context = {
        "full_name": message_name(participant),
        "platform": str(locked.get_platform_display()),
        "link": absolute_url("marketing:mine"),
    }
    template = "marketing_store_checked"
    notify(template=template, context={key: context[key] for key in MESSAGES[template]}, user=participant.user)
    return locked
