"""The admin of products and curation, for agency staff: calls opened and changed through the services (their
rules on the form, the audit trail), the business's rows and the submissions read-only, validation as an action
through the service, and every changelist in a fixed number of queries."""

import datetime

import pytest
from django.contrib.admin import site
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from core import audit
from marketing.choices import SubmissionStatus
from marketing.models import ProductCall, Submission
from marketing.tests.conftest import client_for
from marketing.tests.factories import (
    ListingFactory,
    OnlineStoreFactory,
    ProductCallFactory,
    ProductFactory,
    ProductPhotoFactory,
    SubmissionFactory,
    graded_product,
    verified_business,
)
from registration.models import Business

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "admin:marketing_listing_changelist",
    "admin:marketing_product_changelist",
    "admin:marketing_onlinestore_changelist",
    "admin:marketing_productcall_changelist",
    "admin:marketing_submission_changelist",
]


def rows(n: int) -> None:
    call = ProductCallFactory()
    for _ in range(n):
        business = verified_business()
        ListingFactory(business=business)
        product = ProductFactory(business=business)
        ProductPhotoFactory(product=product)
        OnlineStoreFactory(business=business)
        SubmissionFactory(product=product, call=call)
        ProductCallFactory()


@pytest.mark.parametrize("url_name", CHANGELISTS)
def test_changelists_run_a_fixed_number_of_queries(
    agency_staff: User, url_name: str, django_assert_max_num_queries: object
) -> None:
    rows(30)
    client = client_for(agency_staff)
    with django_assert_max_num_queries(9):  # type: ignore[operator]
        response = client.get(reverse(url_name))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url_name",
    ["admin:marketing_listing_change", "admin:marketing_product_change", "admin:marketing_submission_change"],
)
def test_the_businesss_rows_and_submissions_are_read_only(
    business: Business, agency_staff: User, url_name: str
) -> None:
    product = graded_product("A", business)
    obj = {"listing": business.listing, "product": product, "submission": product.submissions.get()}[
        url_name.split("_")[1]
    ]
    response = client_for(agency_staff).get(reverse(url_name, args=[obj.pk]))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert client_for(agency_staff).get(reverse(url_name.replace("_change", "_add"))).status_code == 403


def call_post(curators: list[User], **overrides: object) -> dict[str, object]:
    today = timezone.localdate()
    return {
        "title": "Kurasi Kuliner",
        "theme": "Oleh-oleh",
        "description": "",
        "opens_on": today.isoformat(),
        "closes_on": (today + datetime.timedelta(days=10)).isoformat(),
        "categories": ["food"],
        "curators": [user.pk for user in curators],
        **overrides,
    }


def test_staff_open_a_call_in_the_admin_through_the_service(agency_staff: User, curator: User) -> None:
    response = client_for(agency_staff).post(reverse("admin:marketing_productcall_add"), call_post([curator]))
    assert response.status_code == 302
    call = ProductCall.objects.get()
    assert list(call.curators.all()) == [curator] and call.created_by == agency_staff
    with translation.override("en"):
        [entry] = audit.history_of(call)
    assert (entry.actor, entry.channel) == (str(agency_staff), "admin")


def test_a_call_the_service_refuses_shows_on_the_admin_form(
    agency_staff: User, mentor_tebet: User, curator: User
) -> None:
    client = client_for(agency_staff)
    response = client.post(reverse("admin:marketing_productcall_add"), call_post([curator, mentor_tebet]))
    assert response.status_code == 200 and response.context["adminform"].form.errors["curators"]
    today = timezone.localdate()
    response = client.post(
        reverse("admin:marketing_productcall_add"),
        call_post([curator], closes_on=(today - datetime.timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert not ProductCall.objects.exists()


def test_staff_change_a_call_in_the_admin(call: ProductCall, agency_staff: User, partner_user: User) -> None:
    client_for(agency_staff).post(
        reverse("admin:marketing_productcall_change", args=[call.pk]), call_post([partner_user], title="Diganti")
    )
    call.refresh_from_db()
    assert call.title == "Diganti" and list(call.curators.all()) == [partner_user]


def test_a_call_is_not_deleted_in_the_admin(call: ProductCall, agency_staff: User) -> None:
    assert (
        client_for(agency_staff).get(reverse("admin:marketing_productcall_delete", args=[call.pk])).status_code == 403
    )


def test_staff_validate_checked_submissions_through_the_service(
    business: Business, call: ProductCall, agency_staff: User
) -> None:
    checked = SubmissionFactory(product=ProductFactory(business=business), call=call, status=SubmissionStatus.CHECKED)
    waiting = SubmissionFactory(product=ProductFactory(business=business), call=call)
    response = client_for(agency_staff).post(
        reverse("admin:marketing_submission_changelist"),
        {"action": "validate", "_selected_action": [checked.pk, waiting.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "1 submission validated." in page and "cannot be handled so now" in page
    assert Submission.objects.get(pk=checked.pk).validated_by == agency_staff
    assert Submission.objects.get(pk=waiting.pk).status == SubmissionStatus.SUBMITTED


@pytest.mark.parametrize("who", ["mentor_tebet", "secretariat_tebet", "partner_user", "entrepreneur"])
def test_the_admin_is_for_agency_staff(request: pytest.FixtureRequest, who: str) -> None:
    user = request.getfixturevalue(who)
    response = client_for(user).get(reverse("admin:marketing_productcall_changelist"))
    assert response.status_code in (302, 403)


def test_the_admins_object_is_the_row_the_service_saved(agency_staff: User, curator: User) -> None:
    """After save_model the admin's object holds what the service saved (core.admin.copy_saved): its author, its
    time, the categories in the service's order, so the admin's message and log speak of the saved row."""
    request = RequestFactory().post("/")
    request.user = agency_staff
    model_admin = site._registry[ProductCall]
    form = model_admin.get_form(request)(call_post([curator], categories=["food", "fashion"]))
    assert form.is_valid(), form.errors
    obj = form.save(commit=False)
    model_admin.save_model(request, obj, form, change=False)
    saved = ProductCall.objects.get()
    assert (obj.pk, obj.created_by_id, obj.created_at) == (saved.pk, agency_staff.pk, saved.created_at)
    assert obj.categories == saved.categories == ["fashion", "food"]
