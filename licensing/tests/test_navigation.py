"""What P4 offers each role in the navigation bar and on the staff home page."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from licensing.tests.factories import LicenceRequestFactory, licence_type
from registration.models import Participant
from registration.tests.conftest import login

pytestmark = pytest.mark.django_db

LINKS = {"licensing:mine", "licensing:queue", "licensing:participants"}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("entrepreneur", {"licensing:mine"}),
        ("mentor_tebet", {"licensing:participants"}),
        ("secretariat_tebet", {"licensing:queue"}),
        ("agency_staff", {"licensing:queue"}),
        ("partner_user", set()),
    ],
)
def test_each_role_gets_its_licensing_link(
    client: Client, request: pytest.FixtureRequest, who: str, expected: set[str]
) -> None:
    login(client, request.getfixturevalue(who))
    links = {link.url_name for link in client.get(reverse("home")).context["nav_links"]}
    assert links & LINKS == expected


def test_the_staff_home_shows_the_open_requests_of_their_scope(
    client: Client, siti: Participant, gambir_participant: Participant, secretariat_tebet: User, agency_staff: User
) -> None:
    LicenceRequestFactory(participant=siti)
    LicenceRequestFactory(participant=gambir_participant)
    LicenceRequestFactory(participant=siti, licence_type=licence_type("merek"), status="withdrawn")
    login(client, secretariat_tebet)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("home")).content.decode()
    assert '<p id="licence-queue-count">1 request is open.' in html and reverse("licensing:queue") in html
    login(client, agency_staff)
    assert '<p id="licence-queue-count">2 requests are open.' in client.get(reverse("home")).content.decode()


def test_the_mentor_home_points_to_their_participants_licences(client: Client, mentor_tebet: User) -> None:
    login(client, mentor_tebet)
    assert reverse("licensing:participants") in client.get(reverse("home")).content.decode()


def test_the_queue_panel_is_one_query(agency_staff: User, django_assert_num_queries: Any) -> None:
    from licensing.navigation import queue_panel

    LicenceRequestFactory.create_batch(5)
    with django_assert_num_queries(1):
        assert queue_panel(agency_staff) == {"open_requests": 5}
