"""P4 on the participant's journey and the licence wallet on their home page: its states, its queries, and who has
done the step (done_filter) or holds a valid NIB (formal_filter, a program figure)."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from licensing.choices import RequestStatus
from licensing.journey import NOT_VERIFIED, LicensingStep
from licensing.models import LicenceType
from licensing.selectors import formal_filter, keep_wallet, participant_wallet
from licensing.tests.factories import LicenceFactory, LicenceRequestFactory, days_ago, licence_type
from mentoring.tests.factories import verified_participant
from registration import journey
from registration.models import Participant
from registration.tests.conftest import login
from registration.tests.factories import ParticipantFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def p4(user: User) -> journey.StepStatus:
    return LicensingStep().status(user)


def test_the_step_follows_requests_and_licences(siti: Participant, entrepreneur: User) -> None:
    assert p4(entrepreneur).state == journey.State.NOT_STARTED
    assert p4(entrepreneur).url == reverse("licensing:request_create")
    request = LicenceRequestFactory(participant=siti)
    assert p4(entrepreneur).state == journey.State.IN_PROGRESS
    request.status = RequestStatus.WITHDRAWN
    request.save()
    assert p4(entrepreneur).state == journey.State.NOT_STARTED
    LicenceFactory(participant=siti)
    LicenceRequestFactory(participant=siti, licence_type=licence_type("merek"))
    with translation.override("en"):  # the summary is written in the language active when the step is asked
        done = p4(entrepreneur)
    assert done.state == journey.State.DONE and not done.next_action
    assert str(done.summary) == "You hold 1 licence. 1 request is in progress."


def test_an_expired_licence_still_counts_as_done(siti: Participant, entrepreneur: User) -> None:
    LicenceFactory(
        participant=siti, licence_type=licence_type("pirt"), issued_on=days_ago(2000), expires_on=days_ago(5)
    )
    assert p4(entrepreneur).state == journey.State.DONE


def test_before_verification_and_without_a_registration_the_step_waits(entrepreneur: User, partner_user: User) -> None:
    assert p4(entrepreneur).state == journey.State.NOT_STARTED
    RegistrationFactory(participant=ParticipantFactory(user=entrepreneur))
    status = p4(entrepreneur)
    assert status.state == journey.State.NOT_STARTED and not status.url


def test_the_step_is_one_query(siti: Participant, entrepreneur: User, django_assert_num_queries: Any) -> None:
    for code in ("nib", "merek", "hak-cipta"):
        LicenceFactory(participant=siti, licence_type=licence_type(code))
        LicenceRequestFactory(participant=siti, licence_type=licence_type(code), status=RequestStatus.WITHDRAWN)
    with django_assert_num_queries(1):
        p4(entrepreneur)


@pytest.mark.parametrize("code", ["nib", "merek"])
def test_done_is_a_licence_held(code: str, django_assert_num_queries: Any) -> None:
    holder, asker, nobody = verified_participant(), verified_participant(), verified_participant()
    LicenceFactory(participant=holder, licence_type=licence_type(code))
    LicenceRequestFactory(participant=asker)
    with django_assert_num_queries(1):
        done = set(Participant.objects.filter(journey.done_filter("P4")).values_list("pk", flat=True))
    assert done == {holder.pk}
    assert nobody.pk not in done


def test_formal_is_a_valid_nib_held_today() -> None:
    formal, expired, future, other_type, none = (verified_participant() for _ in range(5))
    LicenceFactory(participant=formal)
    LicenceFactory(participant=expired, issued_on=days_ago(400), expires_on=days_ago(1))
    LicenceFactory(participant=future, issued_on=days_ago(-3))
    LicenceFactory(participant=other_type, licence_type=licence_type("halal"))
    LicenceRequestFactory(participant=none)
    assert set(Participant.objects.filter(formal_filter()).values_list("pk", flat=True)) == {formal.pk}
    # a hundred days ago the expired one was valid, the one issued a month ago not yet
    assert set(Participant.objects.filter(formal_filter(days_ago(100))).values_list("pk", flat=True)) == {expired.pk}


# --- the wallet on the home page --------------------------------------------------------------------------------


def test_the_home_page_shows_the_wallet_with_numbers_validity_and_open_requests(
    client: Client, siti: Participant, entrepreneur: User
) -> None:
    nib = LicenceFactory(participant=siti, number="9120301234567")
    pirt = LicenceFactory(
        participant=siti, licence_type=licence_type("pirt"), number="P-IRT 206", issued_on=days_ago(1700)
    )
    waiting = LicenceRequestFactory(
        participant=siti, licence_type=licence_type("merek"), subject="Sambal Bu Siti", status="documents"
    )
    login(client, entrepreneur)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert 'id="licence-wallet"' in html
    assert "9120301234567" in html and "no expiry date" in html
    assert "P-IRT 206" in html and f'data-licence="{pirt.public_id}" data-state="expiring"' in html
    assert f'data-licence="{nib.public_id}" data-state="valid"' in html
    assert f'data-request="{waiting.pk}" data-status="documents"' in html and "Sambal Bu Siti" in html
    assert 'data-step="P4" data-state="done"' in html


def test_the_wallet_names_what_is_still_lacking(client: Client, siti: Participant, entrepreneur: User) -> None:
    nib_request = LicenceRequestFactory(participant=siti, status=RequestStatus.REFUSED, refusal_reason="NIK salah")
    LicenceRequestFactory(participant=siti, licence_type=licence_type("pirt"))
    login(client, entrepreneur)
    html = client.get(reverse("home")).content.decode()
    assert "needs-nib" in html  # the NIB request was refused: the open P-IRT request lacks it
    assert f'data-request="{nib_request.pk}"' not in html


def test_no_wallet_before_verification(client: Client, entrepreneur: User) -> None:
    RegistrationFactory(participant=ParticipantFactory(user=entrepreneur))
    login(client, entrepreneur)
    assert 'id="licence-wallet"' not in client.get(reverse("home")).content.decode()


def test_the_home_page_loads_the_wallet_once_whatever_its_size(
    client: Client, siti: Participant, entrepreneur: User
) -> None:
    login(client, entrepreneur)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as empty:
        client.get(reverse("home"))
    for n in range(30):
        LicenceFactory(participant=siti, licence_type=licence_type("merek"), number=f"IDM{n:09d}")
    for code in ("nib", "pirt", "halal", "bpom"):
        LicenceRequestFactory(
            participant=siti, licence_type=licence_type(code), status=RequestStatus.DOCUMENTS_COMPLETE
        )
    with CaptureQueriesContext(connection) as full:
        response = client.get(reverse("home"))
    assert len(full) == len(empty)
    assert response.content.decode().count("licence-number") == 30
    wallet_queries = [q["sql"] for q in full if "licensing_licence" in q["sql"]]
    assert len(wallet_queries) == 1  # the wallet, which the P4 step reads too


def test_the_wallet_is_one_query_and_the_step_reads_it_kept(
    siti: Participant, entrepreneur: User, django_assert_num_queries: Any
) -> None:
    LicenceFactory(participant=siti)
    LicenceRequestFactory(participant=siti, licence_type=licence_type("pirt"))
    user = User.objects.get(pk=entrepreneur.pk)
    with django_assert_num_queries(1):
        wallet = keep_wallet(user)
    assert wallet is not None and len(wallet.licences) == 1 and len(wallet.open_requests) == 1
    with django_assert_num_queries(0):
        assert p4(user).state == journey.State.DONE


def test_before_verification_the_step_reads_the_registration_the_page_loaded(
    entrepreneur: User, django_assert_num_queries: Any
) -> None:
    from jakpreneur.contacts import contacts_of

    RegistrationFactory(participant=ParticipantFactory(user=entrepreneur))
    user = User.objects.get(pk=entrepreneur.pk)
    contacts_of(user)
    with django_assert_num_queries(0):
        assert p4(user) == NOT_VERIFIED


def test_the_wallet_says_each_prerequisite_lacking_once(siti: Participant) -> None:
    """A type needing another than the NIB: its request, the other one refused, lacks it."""
    bpom, halal = licence_type("bpom"), licence_type("halal")
    bpom.prerequisites.add(halal)
    LicenceFactory(participant=siti)  # the NIB both need
    LicenceRequestFactory(participant=siti, licence_type=halal, status=RequestStatus.REFUSED, refusal_reason="x")
    LicenceRequestFactory(participant=siti, licence_type=bpom)
    wallet = participant_wallet(siti)
    assert wallet.lacking == [halal.name] and not wallet.needs_business_number
    assert LicenceType.objects.get(pk=bpom.pk).prerequisites.count() == 2
