"""The admin, for agency staff, at scale: fixed queries, exact-NIK search through the hash, scoped access."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core.pagination import LargeTablePaginator
from registration.models import Participant
from registration.tests.conftest import login
from registration.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "admin:registration_participant_changelist",
    "admin:registration_registration_changelist",
    "admin:registration_business_changelist",
    "admin:accounts_user_changelist",
]


@pytest.mark.parametrize("url_name", CHANGELISTS)
def test_changelists_run_a_fixed_number_of_queries(
    client: Client, agency_staff: User, url_name: str, django_assert_max_num_queries: Any
) -> None:
    RegistrationFactory.create_batch(3)
    login(client, agency_staff)
    client.get(reverse(url_name))
    RegistrationFactory.create_batch(20)
    with django_assert_max_num_queries(12):
        response = client.get(reverse(url_name))
    assert response.status_code == 200


FILTERS = {
    "admin:registration_participant_changelist": {
        "track__exact": "naik_kelas",
        "registration__status__exact": "approved",
        "registration__channel__exact": "office",
        "jakarta_ktp__exact": "0",
    },
    "admin:registration_registration_changelist": {
        "status__exact": "approved",
        "channel__exact": "office",
        "participant__track__exact": "naik_kelas",
    },
    "admin:registration_business_changelist": {"sector__exact": "crafts"},
    "admin:accounts_user_changelist": {"role__exact": "mentor", "is_active__exact": "0"},
}


@pytest.mark.parametrize("url_name", CHANGELISTS)
def test_each_filter_selects_its_rows(client: Client, agency_staff: User, url_name: str) -> None:
    RegistrationFactory()  # matches none of the filters below
    login(client, agency_staff)
    for parameter, value in FILTERS[url_name].items():
        response = client.get(reverse(url_name), {parameter: value})
        assert response.status_code == 200, parameter
        assert list(response.context["cl"].result_list) == [], parameter
    assert len(client.get(reverse(url_name)).context["cl"].result_list) >= 1


def test_find_by_exact_nik_posts_and_opens_the_participant(client: Client, agency_staff: User) -> None:
    wanted, _other = RegistrationFactory(), RegistrationFactory()
    login(client, agency_staff)
    nik = wanted.participant.nik
    url = reverse("admin:registration_participant_nik")
    assert client.get(url).status_code == 200
    response = client.post(url, {"nik": f"{nik[:6]} {nik[6:]}"})
    assert response.url == reverse("admin:registration_participant_change", args=[wanted.participant_id])
    assert nik not in response.url
    missing = client.post(url, {"nik": "3174015708909999"})
    assert missing.status_code == 200
    assert missing.context["form"].errors["nik"]


@pytest.mark.parametrize(
    "url_name", ["admin:registration_participant_changelist", "admin:registration_registration_changelist"]
)
def test_a_nik_in_the_changelist_search_finds_nothing(client: Client, agency_staff: User, url_name: str) -> None:
    wanted = RegistrationFactory()
    login(client, agency_staff)
    response = client.get(reverse(url_name), {"q": wanted.participant.nik})
    assert list(response.context["cl"].result_list) == []


def test_the_nik_lookup_is_for_agency_staff_only(client: Client, secretariat_tebet: User) -> None:
    secretariat_tebet.is_staff = True
    secretariat_tebet.save()
    login(client, secretariat_tebet)
    assert client.post(reverse("admin:registration_participant_nik"), {"nik": "3174015708900002"}).status_code == 403


def test_lists_show_masked_niks_and_no_full_count(client: Client, agency_staff: User) -> None:
    registration = RegistrationFactory()
    login(client, agency_staff)
    response = client.get(reverse("admin:registration_participant_changelist"), {"track": "pemula"})
    html = response.content.decode()
    assert registration.participant.nik not in html
    assert registration.participant.masked_nik in html
    assert response.context["cl"].show_full_result_count is False


def test_change_page_hides_the_nik(client: Client, agency_staff: User) -> None:
    registration = RegistrationFactory()
    login(client, agency_staff)
    url = reverse("admin:registration_participant_change", args=[registration.participant_id])
    response = client.get(url)
    assert response.status_code == 200
    assert registration.participant.nik not in response.content.decode()


@pytest.mark.parametrize("fixture", ["secretariat_tebet", "mentor_tebet", "entrepreneur", "partner_user"])
def test_only_agency_staff_work_in_the_admin(client: Client, request: pytest.FixtureRequest, fixture: str) -> None:
    user = request.getfixturevalue(fixture)
    user.is_staff = True  # even with admin access switched on, the role decides
    user.save()
    login(client, user)
    assert client.get(reverse("admin:registration_participant_changelist")).status_code == 403


def test_agency_staff_cannot_delete(client: Client, agency_staff: User) -> None:
    registration = RegistrationFactory()
    login(client, agency_staff)
    url = reverse("admin:registration_participant_delete", args=[registration.participant_id])
    assert client.get(url).status_code == 403


def test_unfiltered_count_uses_the_estimate_on_big_tables() -> None:
    RegistrationFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registration_participant")
    paginator = LargeTablePaginator(Participant.objects.order_by("pk"), 50)
    assert paginator.count == 3  # small tables are counted exactly
    with connection.cursor() as cursor:  # pretend the planner saw a million rows
        cursor.execute("UPDATE pg_class SET reltuples = 1000000 WHERE relname = 'registration_participant'")
    assert LargeTablePaginator(Participant.objects.order_by("pk"), 50).count == 1_000_000
    assert LargeTablePaginator(Participant.objects.filter(track="pemula").order_by("pk"), 50).count == 3


def test_agency_staff_can_pick_a_kecamatan_in_autocompletes(client: Client, agency_staff: User) -> None:
    login(client, agency_staff)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "accounts", "model_name": "user", "field_name": "office", "term": "Teb"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Tebet"]
    from geography.models import Kecamatan

    tebet = Kecamatan.objects.get(name="Tebet")
    page = client.get(reverse("admin:geography_kecamatan_change", args=[tebet.pk]))
    assert page.context["has_change_permission"] is False
