"""Targets in the admin: added, changed (their value) and deleted through the services, each with its audit row;
the level-and-area rule (the model's constraint) said as a clear error on the field, never as the constraint's
name; an existing target pointed to rather than doubled; only agency staff reach the pages or pass the services;
the list costs a fixed number of queries."""

from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role, User
from accounts.tests.factories import UserFactory, office
from core.decisions import Refused
from geography.models import Kecamatan, Wilayah
from registration.measures import Measure
from registration.models import Participant
from targets import services
from targets.choices import Level
from targets.models import Progress, Target

pytestmark = pytest.mark.django_db

YEAR = 2026
OTHERS = ["secretariat_tebet", "mentor_tebet", "partner_user", "entrepreneur"]


def target_form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "year": str(YEAR),
        "measure": Measure.TRAINED.value,
        "level": Level.PROGRAM.value,
        "wilayah": "",
        "kecamatan": "",
        "mentor": "",
        "value": "1500",
    }
    data.update(changes)
    return data


def events(target_id: int) -> list[Any]:
    """The target's audit rows, oldest first, with their context (who, which channel)."""
    rows = apps.get_model("targets", "TargetEvent").objects.filter(pgh_obj_id=target_id)
    return list(rows.select_related("pgh_context").order_by("pgh_id"))


def set_target(user: User, *, value: int = 10, measure: str = Measure.TRAINED, **area: Any) -> Target:
    """A target set through the service: the program's, unless `area` names a wilayah, kecamatan or mentor."""
    level = next((Level(name) for name in ("wilayah", "kecamatan", "mentor") if area.get(name)), Level.PROGRAM)
    places = {name: area.get(name) for name in ("wilayah", "kecamatan", "mentor")}
    return services.target_set(year=YEAR, measure=measure, level=level, **places, value=value, acting_user=user)


@pytest.fixture
def staff_client(client: Client, agency_staff: User) -> Client:
    client.force_login(agency_staff)
    return client


def test_a_target_added_in_the_admin_goes_through_the_service_with_its_audit_row(
    staff_client: Client, agency_staff: User
) -> None:
    response = staff_client.post(reverse("admin:targets_target_add"), target_form())
    assert response.status_code == 302, response.context["adminform"].form.errors
    target = Target.objects.get()
    assert (target.year, target.measure, target.level, target.value) == (YEAR, "trained", "program", 1500)
    assert target.updated_by == agency_staff
    [created] = events(target.pk)
    assert created.pgh_label == "created"
    assert created.pgh_context.metadata["channel"] == "admin"
    assert created.pgh_context.metadata["user"] == agency_staff.pk


def test_a_change_in_the_admin_changes_the_value_only(staff_client: Client, agency_staff: User) -> None:
    tebet = Kecamatan.objects.get(name="Tebet")
    target = set_target(agency_staff, measure=Measure.VERIFIED, kecamatan=tebet, value=100)
    url = reverse("admin:targets_target_change", args=[target.pk])
    response = staff_client.post(url, target_form(year="2027", level="program", kecamatan="", value="120"))
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.year, target.level, target.kecamatan, target.value) == (YEAR, "kecamatan", tebet, 120)
    assert [event.pgh_label for event in events(target.pk)] == ["created", "updated"]
    assert [event.value for event in events(target.pk)] == [100, 120]


def test_a_delete_in_the_admin_goes_through_the_service(staff_client: Client, agency_staff: User) -> None:
    target = set_target(agency_staff)
    response = staff_client.post(reverse("admin:targets_target_delete", args=[target.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Target.objects.exists()
    deleted = events(target.pk)[-1]
    assert deleted.pgh_label == "deleted" and deleted.pgh_context.metadata["user"] == agency_staff.pk


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"level": "wilayah"}, "wilayah", "A wilayah target needs its wilayah."),
        ({"level": "kecamatan"}, "kecamatan", "A kecamatan target needs its kecamatan."),
        ({"level": "mentor"}, "mentor", "A mentor target needs its mentor."),
        (
            {"level": "program", "kecamatan": "tebet"},
            "kecamatan",
            "A program target names no kecamatan: leave it empty.",
        ),
        (
            {"level": "kecamatan", "kecamatan": "tebet", "wilayah": "selatan"},
            "wilayah",
            "A kecamatan target names no wilayah: leave it empty.",
        ),
        ({"value": "0"}, "value", "A target is a whole number from 1 to 10,000,000."),
    ],
)
def test_the_level_and_area_rule_is_a_clear_error_on_the_field(
    staff_client: Client, changes: dict[str, str], field: str, message: str
) -> None:
    places = {
        "tebet": str(Kecamatan.objects.get(name="Tebet").pk),
        "selatan": str(Wilayah.objects.get(code="31.74").pk),
    }
    data = target_form(**{key: places.get(value, value) for key, value in changes.items()})
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = staff_client.post(reverse("admin:targets_target_add"), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert message in form.errors[field]
    assert "Constraint" not in response.content.decode()
    assert not Target.objects.exists()


def test_a_mentor_target_wants_an_active_mentor(
    staff_client: Client, mentor_tebet: User, secretariat_tebet: User
) -> None:
    response = staff_client.post(
        reverse("admin:targets_target_add"), target_form(level="mentor", mentor=mentor_tebet.pk)
    )
    assert response.status_code == 302
    assert Target.objects.get().mentor == mentor_tebet
    mentor_tebet.is_active = False
    mentor_tebet.save()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.check_target(
            year=YEAR,
            measure="verified",
            level="mentor",
            wilayah=None,
            kecamatan=None,
            mentor=secretariat_tebet,
            value=5,
        )
    assert refused.value.message_dict["mentor"] == ["Sekretariat Tebet is not an active mentor."]
    # the admin offers active mentors only
    form = staff_client.get(reverse("admin:targets_target_add")).context["adminform"].form
    assert list(form.fields["mentor"].queryset) == []


def test_adding_a_target_there_already_points_to_it(staff_client: Client, agency_staff: User) -> None:
    staff_client.post(reverse("admin:targets_target_add"), target_form())
    target = Target.objects.get()
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = staff_client.post(reverse("admin:targets_target_add"), target_form(value="9"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a target for this year, measure and area already (1500)." in page
    assert reverse("admin:targets_target_change", args=[target.pk]) in page
    assert Target.objects.get().value == 1500


@pytest.mark.parametrize("who", OTHERS)
def test_only_agency_staff_reach_the_targets_admin(client: Client, request: pytest.FixtureRequest, who: str) -> None:
    client.force_login(request.getfixturevalue(who))
    for name in ["admin:targets_target_changelist", "admin:targets_target_add", "admin:targets_target_upload"]:
        assert client.get(reverse(name)).status_code == 302  # to the admin's login


@pytest.mark.parametrize("who", OTHERS)
def test_the_services_refuse_anyone_but_agency_staff(request: pytest.FixtureRequest, who: str) -> None:
    user = request.getfixturevalue(who)
    with pytest.raises(Refused):
        set_target(user)
    assert not Target.objects.exists()


def test_setting_a_target_again_changes_its_value_and_nothing_else(agency_staff: User) -> None:
    values = {
        "year": YEAR,
        "measure": Measure.TRAINED,
        "level": Level.PROGRAM,
        "wilayah": None,
        "kecamatan": None,
        "mentor": None,
    }
    first = services.target_set(**values, value=10, acting_user=agency_staff)
    same = services.target_set(**values, value=10, acting_user=agency_staff)
    changed = services.target_set(**values, value=12, acting_user=agency_staff)
    assert first.pk == same.pk == changed.pk and Target.objects.get().value == 12
    assert [event.pgh_label for event in events(first.pk)] == ["created", "updated"]  # the same value wrote nothing


def test_the_changelist_runs_a_fixed_number_of_queries(
    staff_client: Client, agency_staff: User, django_assert_max_num_queries: Any
) -> None:
    kecamatans = list(Kecamatan.objects.all()[:20])
    for n, kecamatan in enumerate(kecamatans):
        mentor = UserFactory(role=Role.MENTOR, office=office(kecamatan.name))
        set_target(agency_staff, measure=Measure.VERIFIED, value=10 + n, kecamatan=kecamatan)
        set_target(agency_staff, measure=Measure.VERIFIED, value=10 + n, mentor=mentor)
    with django_assert_max_num_queries(10):  # the session, the page and the wilayah filter's choices
        response = staff_client.get(reverse("admin:targets_target_changelist"))
    assert response.status_code == 200
    assert response.content.decode().count('class="field-area"') == 40


def test_the_demo_targets_load_once_at_every_level(settings: Any) -> None:
    settings.DEBUG = True
    with pytest.raises(CommandError):
        call_command("seed_targets_demo", stdout=StringIO())  # the demo people first
    call_command("seed_demo", participants=20, stdout=StringIO())
    out = StringIO()
    call_command("seed_targets_demo", stdout=out)
    year = timezone.localdate().year
    assert f"Demo targets for {year}: 110 set" in out.getvalue()  # program, 6 wilayah, 2 kecamatan, 2 mentors
    levels = Counter(Target.objects.filter(year=year).values_list("level", flat=True))
    assert levels == {"program": 10, "wilayah": 60, "kecamatan": 20, "mentor": 20}
    assert set(Target.objects.filter(level="kecamatan").values_list("kecamatan__name", flat=True)) == {
        "Tebet",
        "Gambir",
    }
    assert Progress.objects.count() == Participant.objects.count() > 0  # the summary tables are rebuilt
    Target.objects.filter(level="program", measure="verified").update(value=999)  # a change staff made
    call_command("seed_targets_demo", stdout=(again := StringIO()))
    assert "there already" in again.getvalue()
    assert Target.objects.count() == 110 and Target.objects.get(level="program", measure="verified").value == 999
