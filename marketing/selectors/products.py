"""Reads of a business's own marketing (listing, products, photos, stores), scoped to who asks. Lists are a
fixed number of queries, whatever the number of rows."""

import uuid
from collections.abc import Mapping
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from accounts.models import User
from accounts.permissions import AnyUser
from core.queries import AnyOf, count_of
from mentoring import permissions as mentoring_permissions
from mentoring.models import MentorAssignment
from registration.models import Business, Participant

from ..models import Listing, OnlineStore, Product, ProductPhoto, Submission


def mentored_by(user: AnyUser, *, through: str = "") -> Q:
    """The rule of permissions.is_mentor_of as a filter on businesses (or on the business behind `through`,
    e.g. "product__business__"): those whose participant's active mentor is `user`, an active mentor of the
    participant's kecamatan. Nobody for anyone else."""
    if not isinstance(user, User) or not mentoring_permissions.is_active_mentor_of(user, user.office_id):
        return Q(pk__in=[])
    # The caseload as an array the query computes first (an InitPlan), so the planner starts from the mentor's few
    # hundred participants: as a correlated EXISTS it drove the products-to-check queue from every submitted
    # product and probed the caseload last (123 ms at 1M; now one pass down the mentor's businesses).
    caseload = MentorAssignment.objects.filter(mentor=user, active=True).values("participant_id")
    return Q(AnyOf(f"{through}participant_id", caseload), **{f"{through}participant__kecamatan_id": user.office_id})


def business_of(user: AnyUser) -> Business | None:
    """The user's own business with its participant, registration and listing (one query), or None."""
    if not user.is_authenticated:
        return None
    return (
        Business.objects.select_related("participant__registration", "participant__user", "listing")
        .filter(participant__user=user)
        .first()
    )


def listing_of(business: Business) -> Listing | None:
    """The business's listing, or None (loaded with the business by business_of: no query)."""
    listing: Listing | None = getattr(business, "listing", None)
    return listing


def products_of(business: Business) -> QuerySet[Product]:
    """The business's products with their photos (two queries)."""
    return Product.objects.filter(business=business).prefetch_related("photos")


def stores_of(business: Business) -> QuerySet[OnlineStore]:
    return OnlineStore.objects.filter(business=business).select_related("checked_by")


def own_product(user: AnyUser, pk: int) -> Product | None:
    """One of the user's own products (with what its rules read), else None: someone else's product is not
    found."""
    if not user.is_authenticated:
        return None
    return (
        Product.objects.select_related("business__participant__registration", "business__listing")
        .filter(pk=pk, business__participant__user=user)
        .first()
    )


def photo_by_public_id(public_id: uuid.UUID) -> ProductPhoto | None:
    """A photo with its product, business, participant and listing: what permissions.can_view_photo reads."""
    return (
        ProductPhoto.objects.select_related("product__business__participant", "product__business__listing")
        .filter(public_id=public_id)
        .first()
    )


def unchecked_stores_for(user: AnyUser) -> QuerySet[OnlineStore]:
    """The mentor's queue of stores: unchecked online stores of the businesses they mentor, oldest first."""
    return (
        OnlineStore.objects.filter(mentored_by(user, through="business__"), checked_at__isnull=True)
        .select_related("business__participant")
        .order_by("created_at", "pk")
    )


def marketing_summary(participant: Participant) -> Mapping[str, Any] | None:
    """The participant's business in numbers: products, graded products and the best grade, online stores and
    checked ones, and whether its listing is published (one query); None without a business."""
    here = OuterRef("pk")
    products = Product.objects.filter(business=here)
    stores = OnlineStore.objects.filter(business=here)
    best = products.exclude(grade="").order_by("grade").values("grade")[:1]
    summary: Mapping[str, Any] | None = (
        Business.objects.filter(participant=participant)
        .annotate(
            n_products=count_of(products),
            n_graded=count_of(products.exclude(grade="")),
            best_grade=Subquery(best),
            n_stores=count_of(stores),
            n_checked_stores=count_of(stores.filter(checked_at__isnull=False)),
        )
        .values("n_products", "n_graded", "best_grade", "n_stores", "n_checked_stores", "listing__published")
        .first()
    )
    return summary


def participant_marketing(business: Business) -> dict[str, Any]:
    """A business's marketing for its mentor and staff: its products with their photos, its online stores
    (with who checked them) and its submissions (four queries)."""
    return {
        "products": list(products_of(business)),
        "stores": list(stores_of(business)),
        "submissions": list(
            Submission.objects.filter(product__business=business).select_related("call", "product", "graded_by")
        ),
    }
