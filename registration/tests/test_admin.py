"""The admin, for agency staff, at scale: fixed queries, exact-NIK search through the hash, scoped access."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import User
from jakpreneur.pagination import LargeTablePaginator
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


@pytest.mark.parametrize("url_name", CHANGELISTS)
def test_filters_work(client: Client, agency_staff: User, url_name: str) -> None:
    RegistrationFactory()
    login(client, agency_staff)
    assert client.get(reverse(url_name), {"q": "x"}).status_code == 200


def test_search_by_exact_nik_finds_the_participant(client: Client, agency_staff: User) -> None:
    wanted, _other = RegistrationFactory(), RegistrationFactory()
    login(client, agency_staff)
    nik = wanted.participant.nik
    response = client.get(reverse("admin:registration_participant_changelist"), {"q": f"{nik[:6]} {nik[6:]}"})
    assert list(response.context["cl"].result_list) == [wanted.participant]
    response = client.get(reverse("admin:registration_registration_changelist"), {"q": nik})
    assert list(response.context["cl"].result_list) == [wanted]


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
