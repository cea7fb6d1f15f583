"""The selling spaces in the admin: spaces and booths are saved and deleted through the services (their refusals on
the form or as a message), applications and allocations are shown read-only, and allocations are cancelled through
the service; every change is recorded as the staff member's, through the admin."""

import pytest
from django.contrib.admin import site
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from core import audit
from marketing.choices import SpaceKind
from marketing.models import Booth, BoothAllocation, SellingSpace
from marketing.tests.conftest import client_for
from marketing.tests.spaces_support import ApplicationFactory, BoothFactory, SpaceFactory, allocate, day, wilayah

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(agency_staff: User) -> Client:
    return client_for(agency_staff)


def space_post(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Thamrin 10",
        "kind": SpaceKind.PERMANENT,
        "wilayah": wilayah("Jakarta Pusat").pk,
        "venue": "Jl. M.H. Thamrin No. 10",
        "description": "",
        "opens_on": day(-10).isoformat(),
        "closes_on": "",
        "accepts_grades": ["A"],
        "active": "on",
    }
    data.update(changes)
    return data


def history(obj: object) -> list[audit.Entry]:
    with translation.override("en"):
        return audit.history_of(obj)  # type: ignore[arg-type]


def test_a_space_added_in_the_admin_goes_through_the_service(admin_client: Client, agency_staff: User) -> None:
    response = admin_client.post(reverse("admin:marketing_sellingspace_add"), space_post())
    assert response.status_code == 302, response.context["adminform"].form.errors
    space = SellingSpace.objects.get()
    assert (space.created_by, space.accepts_grades) == (agency_staff, ["A"])
    [created] = history(space)
    assert (created.kind, created.actor, created.channel) == ("created", str(agency_staff), "admin")
    changed = admin_client.post(
        reverse("admin:marketing_sellingspace_change", args=[space.pk]), space_post(name="Thamrin 10 Menteng")
    )
    assert changed.status_code == 302
    space.refresh_from_db()
    assert space.name == "Thamrin 10 Menteng"


def test_the_services_refusal_is_shown_on_the_admin_form(admin_client: Client) -> None:
    response = admin_client.post(reverse("admin:marketing_sellingspace_add"), space_post(kind=SpaceKind.BAZAAR))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["closes_on"] == ["A bazaar or event needs its last day."]
    space = SpaceFactory()
    allocate(ApplicationFactory(space=space, starts_on=day(20), ends_on=day(22)), BoothFactory(space=space))
    moved = admin_client.post(
        reverse("admin:marketing_sellingspace_change", args=[space.pk]),
        space_post(kind=SpaceKind.BAZAAR, opens_on=day(-3).isoformat(), closes_on=day(21).isoformat()),
    )
    assert moved.status_code == 200
    assert "cancel those allocations first" in str(moved.context["adminform"].form.errors["opens_on"])
    assert SellingSpace.objects.count() == 1


def test_booths_in_the_admin(admin_client: Client, agency_staff: User) -> None:
    space = SpaceFactory()
    added = admin_client.post(
        reverse("admin:marketing_booth_add"), {"space": space.pk, "code": "A1", "description": ""}
    )
    assert added.status_code == 302
    booth = Booth.objects.get()
    assert history(booth)[0].channel == "admin"
    twice = admin_client.post(
        reverse("admin:marketing_booth_add"), {"space": space.pk, "code": "A1", "description": ""}
    )
    assert twice.status_code == 200
    assert Booth.objects.count() == 1
    # a spare booth is deleted through the service; one ever given stays (its allocations protect it)
    allocate(ApplicationFactory(space=space), booth)
    spare = BoothFactory(space=space)
    changelist = reverse("admin:marketing_booth_changelist")
    admin_client.post(changelist, {"action": "delete_selected", "_selected_action": [spare.pk], "post": "yes"})
    admin_client.post(changelist, {"action": "delete_selected", "_selected_action": [booth.pk], "post": "yes"})
    assert list(Booth.objects.values_list("pk", flat=True)) == [booth.pk]
    deleted = history(spare)[0]
    assert (deleted.kind, deleted.actor, deleted.channel) == ("deleted", str(agency_staff), "admin")


def test_allocations_are_cancelled_through_the_service(admin_client: Client, agency_staff: User) -> None:
    space = SpaceFactory()
    allocation = allocate(ApplicationFactory(space=space), BoothFactory(space=space))
    assert admin_client.get(reverse("admin:marketing_boothallocation_change", args=[allocation.pk])).status_code == 200
    admin_client.post(
        reverse("admin:marketing_boothallocation_changelist"),
        {"action": "cancel", "_selected_action": [allocation.pk]},
    )
    allocation.refresh_from_db()
    assert allocation.cancelled_at is not None
    cancelled = history(allocation)[0]
    assert (cancelled.actor, cancelled.channel) == (str(agency_staff), "admin")
    assert BoothAllocation.objects.filter(cancelled_at__isnull=True).count() == 0


def test_applications_are_read_only_in_the_admin(admin_client: Client) -> None:
    application = ApplicationFactory()
    url = reverse("admin:marketing_spaceapplication_change", args=[application.pk])
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"status": "accepted"}).status_code == 403
    assert admin_client.get(reverse("admin:marketing_spaceapplication_add")).status_code == 403
    application.refresh_from_db()
    assert application.status == "applied"


@pytest.mark.parametrize("who", ["entrepreneur", "mentor_tebet", "secretariat_tebet", "partner_user"])
def test_only_agency_staff_reach_the_admin(request: pytest.FixtureRequest, who: str) -> None:
    client = client_for(request.getfixturevalue(who))
    response = client.get(reverse("admin:marketing_sellingspace_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_admins_object_is_the_row_the_service_saved(agency_staff: User) -> None:
    """After save_model the admin's object holds what the service saved (core.admin.copy_saved): its author, its
    time, the grades in the service's order."""
    request = RequestFactory().post("/")
    request.user = agency_staff
    model_admin = site._registry[SellingSpace]
    form = model_admin.get_form(request)(space_post(accepts_grades=["B", "A"]))
    assert form.is_valid(), form.errors
    obj = form.save(commit=False)
    model_admin.save_model(request, obj, form, change=False)
    saved = SellingSpace.objects.get()
    assert (obj.pk, obj.created_by_id, obj.created_at) == (saved.pk, agency_staff.pk, saved.created_at)
    assert obj.accepts_grades == saved.accepts_grades == ["A", "B"]
