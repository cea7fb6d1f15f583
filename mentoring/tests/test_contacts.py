"""The case page: the participant's mentor reaches them with tap-to-call and WhatsApp links; everyone else who may
open the page sees what they saw before (the number as a call link), and nobody new sees it."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from registration.models import Participant
from registration.tests.conftest import login

pytestmark = pytest.mark.django_db

PHONE = "+6281234599999"
WA = 'href="https://wa.me/6281234599999"'
TEL = 'href="tel:+6281234599999"'


@pytest.fixture
def reachable_siti(siti: Participant) -> Participant:
    Participant.objects.filter(pk=siti.pk).update(phone=PHONE)
    siti.refresh_from_db()
    return siti


def test_the_mentor_gets_call_and_whatsapp_links(
    client: Client, mentor_tebet: User, reachable_siti: Participant
) -> None:
    login(client, mentor_tebet)
    html = client.get(reverse("mentoring:participant", args=[reachable_siti.pk])).content.decode()
    assert 'id="participant-contact"' in html and TEL in html and WA in html


@pytest.mark.parametrize("who", ["secretariat_tebet", "agency_staff"])
def test_staff_see_what_they_saw_before(
    client: Client, request: pytest.FixtureRequest, who: str, reachable_siti: Participant
) -> None:
    login(client, request.getfixturevalue(who))
    html = client.get(reverse("mentoring:participant", args=[reachable_siti.pk])).content.decode()
    assert TEL in html and WA not in html


@pytest.mark.parametrize("who", ["mentor_gambir", "secretariat_gambir", "other_entrepreneur", "partner_user"])
def test_nobody_else_sees_the_number(
    client: Client, request: pytest.FixtureRequest, who: str, reachable_siti: Participant
) -> None:
    login(client, request.getfixturevalue(who))
    response = client.get(reverse("mentoring:participant", args=[reachable_siti.pk]))
    assert response.status_code == 404 and PHONE not in response.content.decode()


def test_the_participant_sees_the_mentors_links_on_their_mentor_page(
    client: Client, entrepreneur: User, mentor_tebet: User, siti: Participant
) -> None:
    User.objects.filter(pk=mentor_tebet.pk).update(phone="+6281311112222")
    login(client, entrepreneur)
    html = client.get(reverse("mentoring:my_mentor")).content.decode()
    assert 'href="tel:+6281311112222"' in html and 'href="https://wa.me/6281311112222"' in html
