"""P5 pages of the business itself: its marketing home (listing, products, stores, submissions), the listing, a
product with its photos, its online stores; and the photo view every page (and the public catalogue) uses."""

import logging
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions as account_permissions
from accounts.web import request_user
from core.files import private_file_response
from core.web import add_service_errors, error_text, help_line
from registration.models import Business, Participant

from .. import permissions
from ..forms.products import ListingForm, PhotoForm, PhotoMoveForm, ProductForm, StoreForm
from ..models import MAX_PHOTOS, Product
from ..selectors import curation as curation_selectors
from ..selectors import products as selectors
from ..services import products as services

logger = logging.getLogger(__name__)

GRADE_TAKEN = gettext_lazy(
    "Its grade was taken away: the product leaves the public catalogue until a curator grades it again. Submit it "
    "to a call for products."
)


def _business(request: HttpRequest) -> Business:
    """The user's own business; a user without one (staff, a partner, someone not registered) may never act
    here."""
    business = selectors.business_of(request.user)
    if business is None:
        raise PermissionDenied(_("These pages are for a registered business."))
    return business


def _editable(request: HttpRequest) -> Business | None:
    """The user's business if they may change it now; else None, with a message saying why (not verified yet)."""
    business = _business(request)
    decision = permissions.can_edit_business(request.user, business)
    if not decision:
        messages.info(request, str(decision.reason))
        return None
    return business


def _own_product(request: HttpRequest, pk: int) -> Product:
    """One of the user's own products, else 404 (a curator, a peer, staff: none edits it here)."""
    product = selectors.own_product(request.user, pk)
    if product is None:
        raise Http404
    return product


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The business's marketing home: its listing, products, online stores and submissions."""
    business = _business(request)
    return render(
        request,
        "marketing/business/mine.html",
        {
            "business": business,
            "listing": selectors.listing_of(business),
            "products": list(selectors.products_of(business)),
            "stores": list(selectors.stores_of(business)),
            "submissions": list(curation_selectors.submissions_of(business)),
            "open_calls": curation_selectors.open_calls(today=timezone.localdate()).count(),
            "can_edit": permissions.can_edit_business(request.user, business),
            "help_line": help_line(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def listing_edit(request: HttpRequest) -> HttpResponse:
    """The business's public listing: only what is typed here is shown to the public."""
    business = _editable(request)
    if business is None:
        return redirect("marketing:mine")
    listing = selectors.listing_of(business)
    initial = {} if listing else {"public_name": business.name}
    form = ListingForm(request.POST if request.method == "POST" else None, instance=listing, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.listing_save(
                business=business, data=form.data_values(), acting_user=request_user(request)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if saved.published:
                messages.success(request, _("Your listing is saved and shown in the public catalogue."))
            else:
                messages.success(
                    request, _("Your listing is saved. It is hidden from the public until you publish it.")
                )
            return redirect("marketing:mine")
    return render(
        request,
        "marketing/business/listing_form.html",
        {"form": form, "business": business},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def product_new(request: HttpRequest) -> HttpResponse:
    business = _editable(request)
    if business is None:
        return redirect("marketing:mine")
    form = ProductForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(
                business=business, data=form.data_values(), acting_user=request_user(request)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Product added. Now add its photos."))
            return redirect("marketing:product_photos", pk=product.pk)
    return render(
        request, "marketing/business/product_form.html", {"form": form}, status=400 if form.is_bound else 200
    )


def _curation_state(request: HttpRequest, product: Product) -> dict[str, Any]:
    """What a product's pages say of its curation: whether it may change now (not while a submission of it is
    open, which the page offers to withdraw) and whether it may be deleted (not once graded)."""
    can_change = permissions.can_change_product(request.user, product)
    return {
        "can_change": can_change,
        "can_delete": permissions.can_delete_product(request.user, product) if can_change else can_change,
        "open_submissions": [] if can_change else list(curation_selectors.open_submissions_of(product)),
    }


def _say_if_grade_taken(request: HttpRequest, product: Product, grade_before: str) -> None:
    """After a change of its photos: tell the business when the product's grade was taken away."""
    if grade_before:
        product.refresh_from_db(fields=["grade"])
        if not product.grade:
            messages.info(request, GRADE_TAKEN)


@login_required
@require_http_methods(["GET", "POST"])
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a product (not while it is being curated; the page says what takes a grade away)."""
    product = _own_product(request, pk)
    form = ProductForm(request.POST if request.method == "POST" else None, instance=product)
    if request.method == "POST" and form.is_valid():
        grade_before = product.grade
        try:
            saved = services.product_update(
                product=product, data=form.data_values(), acting_user=request_user(request)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Product saved."))
            if grade_before and not saved.grade:
                messages.info(request, GRADE_TAKEN)
            return redirect("marketing:mine")
    return render(
        request,
        "marketing/business/product_form.html",
        {"form": form, "product": product, **_curation_state(request, product)},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def product_delete(request: HttpRequest, pk: int) -> HttpResponse:
    product = _own_product(request, pk)
    try:
        services.product_delete(product=product, acting_user=request_user(request))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("marketing:product_edit", pk=pk)
    messages.success(request, _("Product deleted."))
    return redirect("marketing:mine")


@login_required
@require_http_methods(["GET", "POST"])
def product_photos(request: HttpRequest, pk: int) -> HttpResponse:
    """A product's photos: add one, put them in order, delete one (not while it is being curated)."""
    product = _own_product(request, pk)
    form = PhotoForm(request.POST, request.FILES) if request.method == "POST" else PhotoForm()
    if request.method == "POST" and form.is_valid():
        grade_before = product.grade
        try:
            services.photo_add(product=product, upload=form.cleaned_data["image"], acting_user=request_user(request))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Photo added, without its camera data."))
            _say_if_grade_taken(request, product, grade_before)
            return redirect("marketing:product_photos", pk=pk)
    photos = list(product.photos.all())
    return render(
        request,
        "marketing/business/product_photos.html",
        {
            "product": product,
            "photos": photos,
            "form": form,
            "max_photos": MAX_PHOTOS,
            "full": len(photos) >= MAX_PHOTOS,
            **_curation_state(request, product),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def photo_move(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse:
    product = _own_product(request, pk)
    form = PhotoMoveForm(request.POST)
    order = [photo.pk for photo in product.photos.all()]
    if photo_pk not in order or not form.is_valid():
        raise Http404
    index = order.index(photo_pk)
    target = index - 1 if form.cleaned_data["direction"] == "up" else index + 1
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
        grade_before = product.grade
        try:
            services.photos_reorder(product=product, order=order, acting_user=request_user(request))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            return redirect("marketing:product_photos", pk=pk)
        _say_if_grade_taken(request, product, grade_before)
    messages.success(request, _("Photo order saved."))
    return redirect("marketing:product_photos", pk=pk)


@login_required
@require_POST
def photo_delete(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse:
    product = _own_product(request, pk)
    photo = next((photo for photo in product.photos.all() if photo.pk == photo_pk), None)
    if photo is None:
        raise Http404
    grade_before = product.grade
    try:
        services.photo_delete(photo=photo, acting_user=request_user(request))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Photo deleted."))
        _say_if_grade_taken(request, product, grade_before)
    return redirect("marketing:product_photos", pk=pk)


@require_GET
def photo(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    """A product photo: public once the product is in the catalogue; before, only for those who may see the
    product (permissions.can_view_photo). Anyone else gets a 404, as for a photo that does not exist."""
    found = selectors.photo_by_public_id(public_id)
    if found is None or not permissions.can_view_photo(request.user, found):
        raise Http404
    try:
        file = found.image.open("rb")
    except FileNotFoundError as exc:
        logger.warning("The file of product photo %s is missing from storage.", found.public_id)
        raise Http404 from exc
    extension = {"image/jpeg": "jpg", "image/png": "png"}.get(found.content_type, "bin")
    return private_file_response(
        file, content_type=found.content_type, filename=f"produk-{found.public_id}.{extension}"
    )


@login_required
@require_http_methods(["GET", "POST"])
def store_new(request: HttpRequest) -> HttpResponse:
    """Link an online store (Shopee, Tokopedia, GoFood, GrabFood or the business's own site)."""
    business = _editable(request)
    if business is None:
        return redirect("marketing:mine")
    form = StoreForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.store_add(
                business=business,
                platform=form.cleaned_data["platform"],
                url=form.cleaned_data["url"],
                acting_user=request_user(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Store linked. Your mentor will check it."))
            return redirect("marketing:mine")
    return render(request, "marketing/business/store_form.html", {"form": form}, status=400 if form.is_bound else 200)


@login_required
@require_POST
def store_delete(request: HttpRequest, pk: int) -> HttpResponse:
    business = _business(request)
    store = selectors.stores_of(business).filter(pk=pk).first()
    if store is None:
        raise Http404
    try:
        services.store_delete(store=store, acting_user=request_user(request))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Store link removed."))
    return redirect("marketing:mine")


# --- mentors and staff: a participant's marketing ---------------------------------------------------------------


@login_required
@require_GET
def participant(request: HttpRequest, pk: int) -> HttpResponse:
    """A participant's listing, products with their grades, online stores and submissions, for their kecamatan's
    mentors and secretariat and for agency staff (permissions.can_view_marketing, the rule of the photos on it
    too); the current mentor checks a store from here."""
    if not (account_permissions.is_office_staff(request.user) or permissions.is_agency(request.user)):
        raise PermissionDenied(_("Only mentors and staff open a participant's marketing."))
    person = get_object_or_404(Participant.objects.select_related("kecamatan", "business__listing"), pk=pk)
    business = getattr(person, "business", None)
    if business is None or not permissions.can_view_marketing(request.user, person):
        raise Http404
    return render(
        request,
        "marketing/business/participant.html",
        {
            "person": person,
            "business": business,
            "listing": selectors.listing_of(business),
            "is_mentor": permissions.is_mentor_of(request.user, business),
            **selectors.participant_marketing(business),
        },
    )


urls: list[URLPattern] = [
    path("pemasaran/", mine, name="mine"),
    path("pemasaran/profil/", listing_edit, name="listing_edit"),
    path("pemasaran/produk/baru/", product_new, name="product_new"),
    path("pemasaran/produk/<int:pk>/", product_edit, name="product_edit"),
    path("pemasaran/produk/<int:pk>/hapus/", product_delete, name="product_delete"),
    path("pemasaran/produk/<int:pk>/foto/", product_photos, name="product_photos"),
    path("pemasaran/produk/<int:pk>/foto/<int:photo_pk>/geser/", photo_move, name="photo_move"),
    path("pemasaran/produk/<int:pk>/foto/<int:photo_pk>/hapus/", photo_delete, name="photo_delete"),
    path("pemasaran/foto/<uuid:public_id>/", photo, name="photo"),
    path("pemasaran/toko/baru/", store_new, name="store_new"),
    path("pemasaran/toko/<int:pk>/hapus/", store_delete, name="store_delete"),
    path("pemasaran/peserta/<int:pk>/", participant, name="participant"),
]
