"""The deletion pages: the participant asks from "Data saya"; agency staff see the queue (a fixed number of
queries however many wait) and decide through the same service; every other role is refused."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from privacy import services
from privacy.models import DeletionRequest, DeletionState
from registration.models import Participant

from .support import registered

pytestmark = pytest.mark.django_db

OTHERS = ["mentor_tebet", "secretariat_tebet", "secretariat_gambir", "partner_user", "entrepreneur"]


@pytest.fixture
def siti(entrepreneur: User) -> Participant:
    return registered(entrepreneur)


def test_the_participant_asks_once_from_their_page(client: Client, siti: Participant) -> None:
    client.force_login(siti.user)
    url = reverse("privacy:my_deletion")
    assert 'id="deletion-form"' in client.get(url).content.decode()
    response = client.post(url, {"reason": "Pindah ke luar negeri"})
    assert response.status_code == 302
    asked = DeletionRequest.objects.get()
    assert (asked.participant, asked.user, asked.state) == (siti, siti.user, DeletionState.ASKED)
    html = client.get(url).content.decode()
    assert 'id="deletion-form"' not in html and 'data-state="asked"' in html
    again = client.post(url, {"reason": "lagi"})
    assert again.status_code == 400 and DeletionRequest.objects.count() == 1
    assert 'id="deletion-errors"' in again.content.decode()


@pytest.mark.parametrize("role", ["agency_staff", "mentor_tebet", "secretariat_tebet", "partner_user"])
def test_staff_cannot_ask(client: Client, role: str, request: pytest.FixtureRequest) -> None:
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("privacy:my_deletion")).status_code == 403
    assert client.post(reverse("privacy:my_deletion")).status_code == 403
    assert not DeletionRequest.objects.exists()


def test_agency_staff_erase_from_the_queue(
    client: Client, siti: Participant, agency_staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    asked = services.deletion_ask(participant=siti, acting_user=siti.user)
    client.force_login(agency_staff)
    queue = client.get(reverse("privacy:deletion_queue")).content.decode()
    assert f'data-request="{asked.pk}"' in queue and siti.full_name in queue
    url = reverse("privacy:deletion_decide", args=[asked.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"action": "neither"})
    assert bad.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"action": "erase"}).status_code == 302
    asked.refresh_from_db()
    assert asked.state == DeletionState.DONE and asked.decided_by == agency_staff
    assert Participant.objects.get(pk=siti.pk).full_name == "[dihapus]"
    assert f'data-request="{asked.pk}"' not in client.get(reverse("privacy:deletion_queue")).content.decode()
    assert client.post(url, {"action": "erase"}).status_code == 400  # decided already


def test_refusing_needs_a_note(client: Client, siti: Participant, agency_staff: User) -> None:
    asked = services.deletion_ask(participant=siti, acting_user=siti.user)
    client.force_login(agency_staff)
    url = reverse("privacy:deletion_decide", args=[asked.pk])
    assert client.post(url, {"action": "refuse", "note": ""}).status_code == 400
    assert client.post(url, {"action": "refuse", "note": "Pinjaman berjalan"}).status_code == 302
    asked.refresh_from_db()
    assert asked.state == DeletionState.REFUSED
    client.force_login(siti.user)
    assert "Pinjaman berjalan" in client.get(reverse("privacy:my_deletion")).content.decode()


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_cannot_see_or_decide(
    client: Client, role: str, request: pytest.FixtureRequest, other_entrepreneur: User
) -> None:
    budi = registered(other_entrepreneur, full_name="Budi Santoso")
    asked = services.deletion_ask(participant=budi, acting_user=other_entrepreneur)
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("privacy:deletion_queue")).status_code == 403
    url = reverse("privacy:deletion_decide", args=[asked.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "erase"}).status_code == 403
    asked.refresh_from_db()
    assert asked.is_open


def test_anonymous_is_sent_to_log_in(client: Client) -> None:
    for url in (reverse("privacy:my_deletion"), reverse("privacy:deletion_queue")):
        assert client.get(url).status_code == 302


def test_an_unknown_request_is_not_found(client: Client, agency_staff: User) -> None:
    client.force_login(agency_staff)
    assert client.get(reverse("privacy:deletion_decide", args=[999999])).status_code == 404


QUEUE_QUERIES = 3  # the session, the user, the page of requests (their accounts and kecamatans joined)


def test_the_queue_takes_a_fixed_number_of_queries(
    client: Client, agency_staff: User, django_assert_num_queries: Any
) -> None:
    def ask(n: int) -> None:
        for _ in range(n):
            user = UserFactory()
            services.deletion_ask(participant=registered(user), acting_user=user)

    client.force_login(agency_staff)
    ask(2)
    with django_assert_num_queries(QUEUE_QUERIES):
        small = client.get(reverse("privacy:deletion_queue"))
    ask(60)
    with django_assert_num_queries(QUEUE_QUERIES):
        big = client.get(reverse("privacy:deletion_queue"))
    assert small.content.decode().count("data-request=") == 2
    assert big.content.decode().count("data-request=") == 50  # a page


def test_the_admin_erases_through_the_same_service(
    client: Client, siti: Participant, admin_user: User, django_capture_on_commit_callbacks: Any
) -> None:
    asked = services.deletion_ask(participant=siti, acting_user=siti.user)
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:privacy_deletionrequest_changelist"),
            {"action": "erase", "_selected_action": [asked.pk]},
        )
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.state == DeletionState.DONE and asked.decided_by == admin_user
