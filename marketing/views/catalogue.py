"""The public catalogue of P5, open to anyone without logging in: search the curated products (or the businesses)
by words, filter by category, grade and the business's kecamatan; a product's page and a business's page.

Everything shown comes from marketing.selectors.catalogue, which reads only published listings and their graded
products, and only the fields a business chose to publish."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from core.pagination import Page
from core.web import help_line

from ..forms.catalogue import CatalogueSearchForm
from ..models import Listing, Product
from ..selectors import catalogue as selectors

BUSINESSES = "businesses"  # ?show=businesses: the businesses' tab; anything else shows products


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """Search and browse. Filters that are not valid are marked on the form and nothing is searched (400)."""
    form = CatalogueSearchForm(request.GET)
    businesses = request.GET.get("show") == BUSINESSES
    valid = form.is_valid()
    page: Page[Listing] | Page[Product] | None = None
    count = 0
    if valid and businesses:
        page, count = selectors.find_listings(form.filters(), request.GET.get("page"))
    elif valid:
        page, count = selectors.find_products(form.filters(), request.GET.get("page"))
    return render(
        request,
        "marketing/catalogue/search.html",
        {
            "form": form,
            "businesses": businesses,
            "page": page,
            "count": count,
            "count_cap": selectors.COUNT_CAP,
            "searched": valid and bool(form.cleaned_data["q"].strip()),
            "filters_used": form.filters_used,
            "help_line": help_line(),
        },
        status=200 if valid else 400,
    )


@require_GET
def product(request: HttpRequest, pk: int) -> HttpResponse:
    """A curated product of a published listing; anything else is not found."""
    found = selectors.public_product(pk)
    if found is None:
        raise Http404
    return render(
        request,
        "marketing/catalogue/product.html",
        {"product": found, "listing": found.business.listing, "stores": selectors.stores_of(found.business_id)},
    )


@require_GET
def business(request: HttpRequest, pk: int) -> HttpResponse:
    """A published listing (by its id) with its curated products, its contacts and its checked online stores."""
    listing = selectors.public_listing(pk)
    if listing is None:
        raise Http404
    return render(
        request,
        "marketing/catalogue/business.html",
        {"listing": listing, "page": selectors.listing_products(listing, request.GET.get("page"))},
    )


urls: list[URLPattern] = [
    path("katalog/", catalogue, name="catalogue"),
    path("katalog/produk/<int:pk>/", product, name="catalogue_product"),
    path("katalog/usaha/<int:pk>/", business, name="catalogue_business"),
]
