"""The partner API of P5 marketing: the public catalogue, for a marketplace or another partner that lists the
program's curated products. Read only: the curated products of published listings, and the published listings
(the businesses' public pages), with the catalogue's own search and filters (marketing.selectors.catalogue).

The catalogue is public data, so no participant's consent is asked and no read is logged as a read of a
participant; but it is given only under an agreement: a partner key sees it while its agreement in force covers
P5 (`partners.scope.covered_purposes` holds the marketing purpose), like every other step's data, and sees
nothing (an empty list, 404) otherwise. The JAKI app's key reads no partner endpoint (403). Only what a business
published is in an answer: never its participant's name, NIK, address, contact or registration.

Lists keep the cursor's stable order (newest first), the search narrowing them as on the catalogue's page; the
page ranks its matches for a person, which a cursor cannot page through without missing or repeating rows."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, routers, serializers, viewsets

from core.api import OptionalEmailField, OptionalURLField, error_responses, for_schema
from core.web import absolute_url
from geography.models import Kecamatan
from partners import scope
from partners.api import KecamatanSerializer
from partners.api_access import key_of
from partners.choices import Purpose

from .choices import PUBLIC_GRADE_CHOICES, Category
from .forms.catalogue import MAX_SEARCH
from .models import Listing, OnlineStore, Product, ProductPhoto
from .selectors import catalogue
from .selectors.catalogue import CatalogueFilters

# --- serializers ------------------------------------------------------------------------------------------------


class CataloguePhotoSerializer(serializers.ModelSerializer[ProductPhoto]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    url = serializers.SerializerMethodField(help_text="The photo (JPEG or PNG), public while its product is listed.")

    class Meta:
        model = ProductPhoto
        fields = ["id", "url", "position"]
        read_only_fields = fields

    def get_url(self, photo: ProductPhoto) -> str:
        return absolute_url("marketing:photo", photo.public_id)


class CatalogueStoreSerializer(serializers.ModelSerializer[OnlineStore]):
    class Meta:
        model = OnlineStore
        fields = ["platform", "url"]
        read_only_fields = fields


class CatalogueListingSummarySerializer(serializers.ModelSerializer[Listing]):
    """The business a product belongs to, as its listing shows it."""

    kecamatan = KecamatanSerializer(source="business.kecamatan", read_only=True)

    class Meta:
        model = Listing
        fields = ["id", "public_name", "kecamatan"]
        read_only_fields = fields


class CatalogueProductSerializer(serializers.ModelSerializer[Product]):
    """A curated product: what the catalogue's page shows."""

    grade = serializers.ChoiceField(
        choices=PUBLIC_GRADE_CHOICES, read_only=True, help_text="The curator's grade (A or B: the public grades)."
    )
    photos = CataloguePhotoSerializer(many=True, read_only=True)
    listing = CatalogueListingSummarySerializer(source="business.listing", read_only=True)
    web_url = serializers.SerializerMethodField(help_text="The product's page in the public catalogue.")

    class Meta:
        model = Product
        fields = [
            "id",
            "name",
            "description",
            "price",
            "category",
            "grade",
            "graded_at",
            "photos",
            "listing",
            "web_url",
        ]
        read_only_fields = fields
        extra_kwargs = {"price": {"help_text": "Rupiah."}}

    def get_web_url(self, product: Product) -> str:
        return absolute_url("marketing:catalogue_product", product.pk)


class CatalogueListingSerializer(serializers.ModelSerializer[Listing]):
    """A published listing: the business's public name, description and the contacts it chose to publish, its
    kecamatan, and its online stores its mentor checked."""

    kecamatan = KecamatanSerializer(source="business.kecamatan", read_only=True)
    online_stores = CatalogueStoreSerializer(source="business.public_stores", many=True, read_only=True)
    public_email = OptionalEmailField(help_text="Null when the business published none.")
    eorder_url = OptionalURLField(help_text="Its listing in the e-order procurement catalogue; null when none.")
    web_url = serializers.SerializerMethodField(help_text="The business's page in the public catalogue.")

    class Meta:
        model = Listing
        fields = [
            "id",
            "public_name",
            "description",
            "public_phone",
            "public_email",
            "eorder_url",
            "kecamatan",
            "online_stores",
            "updated_at",
            "web_url",
        ]
        read_only_fields = fields

    def get_web_url(self, listing: Listing) -> str:
        return absolute_url("marketing:catalogue_business", listing.pk)


# --- filters ----------------------------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.STR)
class KecamatanCodeFilter(django_filters.ModelChoiceFilter):
    """A kecamatan by its Kemendagri code: a string in the schema; an unknown code is a 400."""


class CatalogueFilter(django_filters.FilterSet):
    """The catalogue's search and filters, applied by the selectors (the same rule as the page)."""

    q = django_filters.CharFilter(
        max_length=MAX_SEARCH,
        help_text='Words of a name or a description (web-search syntax: "a phrase", -word, or); Indonesian '
        "stemming, and the last word also as the start of a word.",
    )
    category = django_filters.ChoiceFilter(choices=Category.choices)
    grade = django_filters.ChoiceFilter(
        choices=PUBLIC_GRADE_CHOICES, help_text="Of the product; of a listing's products (A or B: the public grades)."
    )
    kecamatan = KecamatanCodeFilter(
        queryset=Kecamatan.objects.all(),
        to_field_name="code",
        help_text="The business's kecamatan, Kemendagri code, e.g. 31.74.01.",
    )

    def catalogue_filters(self) -> CatalogueFilters:
        data = self.form.cleaned_data
        kecamatan: Kecamatan | None = data.get("kecamatan")
        return CatalogueFilters(
            text=data.get("q") or "",
            category=data.get("category") or "",
            grade=data.get("grade") or "",
            kecamatan=kecamatan.code if kecamatan else "",
        )


class ProductFilter(CatalogueFilter):
    class Meta:
        model = Product
        fields = ["q", "category", "grade", "kecamatan"]

    def filter_queryset(self, queryset: QuerySet[Product]) -> QuerySet[Product]:
        return catalogue.filter_products(queryset, self.catalogue_filters())


class ListingFilter(CatalogueFilter):
    class Meta:
        model = Listing
        fields = ["q", "category", "grade", "kecamatan"]

    def filter_queryset(self, queryset: QuerySet[Listing]) -> QuerySet[Listing]:
        return catalogue.filter_listings(queryset, self.catalogue_filters())


# --- endpoints --------------------------------------------------------------------------------------------------


def sees_catalogue(view: viewsets.GenericViewSet[Any]) -> bool:
    """The key's agreement in force covers P5 (not while the schema is built: there is no key then)."""
    return not for_schema(view) and Purpose.MARKETING in scope.covered_purposes(key_of(view.request))


@extend_schema(tags=["catalogue"])
@extend_schema_view(
    list=extend_schema(responses={200: CatalogueProductSerializer(many=True), **error_responses(400, 404)}),
    retrieve=extend_schema(responses={200: CatalogueProductSerializer, **error_responses(404)}),
)
class CatalogueProductViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Product]):
    """The catalogue's curated products (graded A or B, of a published listing), newest first, while your agreement
    in force covers P5."""

    serializer_class = CatalogueProductSerializer
    filterset_class = ProductFilter

    def get_queryset(self) -> QuerySet[Product]:
        if not sees_catalogue(self):
            return Product.objects.none()
        return catalogue.with_product_details(catalogue.public_products())


@extend_schema(tags=["catalogue"])
@extend_schema_view(
    list=extend_schema(responses={200: CatalogueListingSerializer(many=True), **error_responses(400, 404)}),
    retrieve=extend_schema(responses={200: CatalogueListingSerializer, **error_responses(404)}),
)
class CatalogueListingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Listing]):
    """The catalogue's businesses (published listings), newest first, while your agreement in force covers P5.
    With a category or a grade: those with a curated product of it."""

    serializer_class = CatalogueListingSerializer
    filterset_class = ListingFilter

    def get_queryset(self) -> QuerySet[Listing]:
        if not sees_catalogue(self):
            return Listing.objects.none()
        return catalogue.with_listing_details(catalogue.public_listings())


def register(router: routers.SimpleRouter) -> None:
    router.register("catalogue/products", CatalogueProductViewSet, basename="catalogue-product")
    router.register("catalogue/listings", CatalogueListingViewSet, basename="catalogue-listing")
