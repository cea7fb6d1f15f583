"""Every list page of P4 runs a fixed number of queries, whatever the number of rows: pinned with ~30 rows."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from licensing.choices import RequestStatus
from licensing.tests.factories import LicenceFactory, LicenceRequestFactory, licence_type
from mentoring.tests.factories import AssignmentFactory, verified_participant
from registration.models import Participant
from registration.tests.conftest import login

pytestmark = pytest.mark.django_db

ROWS = 30
CODES = ["merek", "hak-cipta", "desain-industri", "halal", "bpom"]


def busy(participant: Participant) -> None:
    """A participant with an NIB, a few other licences and open requests, some lacking a prerequisite."""
    LicenceFactory(participant=participant)
    LicenceFactory(participant=participant, licence_type=licence_type("merek"))
    LicenceRequestFactory(participant=participant, licence_type=licence_type("pirt"))
    LicenceRequestFactory(participant=participant, licence_type=licence_type("halal"), status="documents")
    LicenceRequestFactory(participant=participant, licence_type=licence_type("bpom"), status=RequestStatus.WITHDRAWN)


def test_the_queue(client: Client, agency_staff: User, django_assert_num_queries: Any) -> None:
    for n in range(ROWS):
        LicenceRequestFactory(
            licence_type=licence_type(CODES[n % len(CODES)]), status=("requested", "documents", "submitted")[n % 3]
        )
    login(client, agency_staff)
    # session, user, the page of requests, the counts per type, the types (pills, then the filter's select)
    with django_assert_num_queries(6):
        response = client.get(reverse("licensing:queue"))
    assert len(response.context["page"].items) == 25 and response.context["total"] == ROWS


def test_the_participants_licences(client: Client, mentor_tebet: User, django_assert_num_queries: Any) -> None:
    for _ in range(ROWS):
        participant = verified_participant("Tebet")
        AssignmentFactory(participant=participant, mentor=mentor_tebet)
        busy(participant)
    login(client, mentor_tebet)
    with django_assert_num_queries(3):  # session, user, the page of participants with their wallets
        response = client.get(reverse("licensing:participants"))
    assert len(response.context["wallets"]) == 25
    assert all(len(w.licences) == 2 and len(w.open_requests) == 2 for w in response.context["wallets"])


def test_my_licences(client: Client, siti: Participant, entrepreneur: User, django_assert_num_queries: Any) -> None:
    for n in range(ROWS):
        LicenceFactory(participant=siti, licence_type=licence_type(CODES[n % len(CODES)]))
        LicenceRequestFactory(participant=siti, licence_type=licence_type(CODES[n % len(CODES)]), status="withdrawn")
    login(client, entrepreneur)
    with django_assert_num_queries(5):  # session, user, their participant, the wallet, the page of requests
        response = client.get(reverse("licensing:mine"))
    assert len(response.context["wallet"].licences) == ROWS and len(response.context["page"].items) == 25


def test_a_participants_licences_page(
    client: Client, siti: Participant, agency_staff: User, django_assert_num_queries: Any
) -> None:
    for n in range(ROWS):
        LicenceFactory(participant=siti, licence_type=licence_type(CODES[n % len(CODES)]))
        LicenceRequestFactory(participant=siti, licence_type=licence_type(CODES[n % len(CODES)]), status="withdrawn")
    login(client, agency_staff)
    with django_assert_num_queries(5):  # session, user, the participant, the wallet, the page of requests
        response = client.get(reverse("licensing:participant", args=[siti.pk]))
    assert len(response.context["wallet"].licences) == ROWS


def test_a_request_page(client: Client, siti: Participant, mentor_tebet: User, django_assert_num_queries: Any) -> None:
    licence_request = LicenceRequestFactory(participant=siti, licence_type=licence_type("merek"))
    from licensing.models import RequestMove

    for n in range(ROWS):
        RequestMove.objects.create(request=licence_request, to_status="requested", moved_by=mentor_tebet, note=f"{n}")
    login(client, mentor_tebet)
    # session, user, the request, is this their mentor, the moves
    with django_assert_num_queries(5):
        response = client.get(reverse("licensing:request", args=[licence_request.pk]))
    assert len(response.context["moves"]) == ROWS


@pytest.mark.parametrize("status", [RequestStatus.DOCUMENTS_COMPLETE, RequestStatus.SUBMITTED])
def test_a_request_page_of_agency_staff_asks_the_prerequisites_once(
    client: Client, siti: Participant, agency_staff: User, status: str, django_assert_num_queries: Any
) -> None:
    """Staff about to submit or issue a P-IRT: its prerequisites held is one query more, whatever the moves."""
    from licensing.models import RequestMove

    licence_request = LicenceRequestFactory(participant=siti, licence_type=licence_type("pirt"), status=status)
    for n in range(ROWS):
        RequestMove.objects.create(request=licence_request, to_status="requested", moved_by=agency_staff, note=f"{n}")
    login(client, agency_staff)
    # session, user, the request, the prerequisites not held, the moves
    with django_assert_num_queries(5):
        response = client.get(reverse("licensing:request", args=[licence_request.pk]))
    assert len(response.context["moves"]) == ROWS and response.context["held_back"]
