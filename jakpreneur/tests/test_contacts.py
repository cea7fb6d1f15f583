"""People reachable: the participant's home shows their mentor and kecamatan office with tap-to-call and WhatsApp
links and their registration (reference, date, status, waiting time); "my registration" shows what they sent,
to them only; the landing page has the help line and an office finder."""

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from core.templatetags.contact import international_digits, tel_href, wa_href
from geography.models import Kecamatan, KecamatanOffice
from mentoring.tests.factories import AssignmentFactory, verified_participant
from registration.choices import DocumentKind
from registration.models import USUAL_WAITING_DAYS, Document
from registration.tests.conftest import login
from registration.tests.factories import ParticipantFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

MENTOR_PHONE = "+6281311112222"


def tebet_office() -> KecamatanOffice:
    office, _created = KecamatanOffice.objects.update_or_create(
        kecamatan=Kecamatan.objects.get(name="Tebet"),
        defaults={
            "address": "Jl. Tebet Barat Dalam Raya No. 1",
            "phone": "+62218290000",
            "whatsapp": "+6281290001111",
            "email": "tebet@demo.jakpreneur.id",
            "opening_hours": "Senin-Jumat 08.00-16.00",
        },
    )
    return office


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("+6281234567890", "6281234567890"),
        ("0812-3456-7890", "6281234567890"),
        ("62 812 3456 7890", "6281234567890"),
        ("812 3456 7890", "6281234567890"),
        ("", ""),
        (None, ""),
    ],
)
def test_a_number_becomes_international_digits(typed: str | None, digits: str) -> None:
    assert international_digits(typed) == digits
    assert tel_href(typed) == (f"tel:+{digits}" if digits else "")
    assert wa_href(typed) == (f"https://wa.me/{digits}" if digits else "")


def test_home_shows_the_mentor_and_the_office_with_call_and_whatsapp_links(
    client: Client, entrepreneur: User, mentor_tebet: User, django_assert_max_num_queries: Any
) -> None:
    mentor_tebet.phone = MENTOR_PHONE
    mentor_tebet.save()
    participant = verified_participant("Tebet", user=entrepreneur)
    AssignmentFactory(participant=participant, mentor=mentor_tebet)
    tebet_office()
    login(client, entrepreneur)
    with django_assert_max_num_queries(10):  # no contacts query; wallet, P5, cash card, P6, P7: one each
        html = client.get(reverse("home")).content.decode()
    assert 'id="mentor-contact"' in html and "Mentor Tebet" in html
    assert 'href="tel:+6281311112222"' in html and 'href="https://wa.me/6281311112222"' in html
    assert 'href="tel:+62218290000"' in html and 'href="https://wa.me/6281290001111"' in html
    assert "Jl. Tebet Barat Dalam Raya No. 1" in html and "Senin-Jumat 08.00-16.00" in html
    assert 'href="mailto:tebet@demo.jakpreneur.id"' in html


def test_a_mentor_who_left_is_not_shown(client: Client, entrepreneur: User, mentor_tebet: User) -> None:
    participant = verified_participant("Tebet", user=entrepreneur)
    AssignmentFactory(participant=participant, mentor=mentor_tebet)
    User.objects.filter(pk=mentor_tebet.pk).update(is_active=False)
    login(client, entrepreneur)
    assert 'id="mentor-contact"' not in client.get(reverse("home")).content.decode()


def test_home_keeps_the_sent_registration_and_the_waiting_time(
    client: Client, entrepreneur: User, django_assert_max_num_queries: Any
) -> None:
    registration = RegistrationFactory(participant=ParticipantFactory(user=entrepreneur))
    login(client, entrepreneur)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with django_assert_max_num_queries(6):  # registration/tests/test_journey.py pins the same
        response = client.get(reverse("home"))
    html = response.content.decode()
    assert registration.reference in html
    assert timezone.localtime(registration.submitted_at).strftime("%Y") in html
    assert 'id="registration-status" data-status="submitted"' in html
    expected = f"up to {USUAL_WAITING_DAYS} working days"
    assert expected in html
    p1 = next(s for s in response.context["steps"] if s.code == "P1")
    with translation.override("en"):
        assert registration.reference in str(p1.status.summary) and expected in str(p1.status.summary)
    assert reverse("registration:mine") in html


def test_my_registration_shows_what_was_sent(client: Client, entrepreneur: User) -> None:
    registration = RegistrationFactory(participant=ParticipantFactory(user=entrepreneur))
    participant = registration.participant
    document = Document.objects.create(
        participant=participant,
        kind=DocumentKind.KTP,
        file="documents/x",
        content_type="image/png",
        size=10,
        uploaded_by=entrepreneur,
        uploaded_at=timezone.now(),
    )
    login(client, entrepreneur)
    html = client.get(reverse("registration:mine")).content.decode()
    assert registration.reference in html
    assert participant.address in html and "Warung Siti" in html
    assert reverse("registration:document", args=[document.public_id]) in html


@pytest.mark.parametrize("who", ["other_entrepreneur", "secretariat_tebet", "mentor_tebet", "agency_staff"])
def test_my_registration_is_nobody_elses(client: Client, request: pytest.FixtureRequest, who: str) -> None:
    RegistrationFactory(participant=ParticipantFactory(user=request.getfixturevalue("entrepreneur")))
    login(client, request.getfixturevalue(who))
    assert client.get(reverse("registration:mine")).status_code == 404


def test_my_registration_asks_anonymous_visitors_to_log_in(client: Client) -> None:
    assert reverse("accounts:login") in client.get(reverse("registration:mine")).url


HELP = {"phone": "+6281100000000", "whatsapp": "+6281100000001", "email": "bantuan@example.id", "hours": "08-16"}


def test_landing_shows_the_help_line(client: Client, settings: Any) -> None:
    settings.HELP_LINE = HELP
    html = client.get(reverse("landing")).content.decode()
    assert 'id="help-line"' in html
    assert 'href="tel:+6281100000000"' in html and 'href="https://wa.me/6281100000001"' in html
    assert 'href="mailto:bantuan@example.id"' in html and "08-16" in html


def test_an_empty_help_line_is_not_shown(client: Client, settings: Any) -> None:
    settings.HELP_LINE = {"phone": "", "whatsapp": "", "email": "", "hours": ""}
    assert 'id="help-line"' not in client.get(reverse("landing")).content.decode()


def test_the_office_finder_lists_kecamatan_by_wilayah_and_shows_the_office(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    office = tebet_office()
    html = client.get(reverse("landing")).content.decode()
    assert 'name="kecamatan"' in html and '<optgroup label="Jakarta Selatan">' in html
    assert 'id="office-result"' not in html
    with django_assert_max_num_queries(2):
        html = client.get(reverse("landing"), {"kecamatan": office.kecamatan_id}).content.decode()
    assert 'id="office-result"' in html and office.address in html and office.opening_hours in html
    assert 'href="tel:+62218290000"' in html and 'href="https://wa.me/6281290001111"' in html
    assert f'value="{office.kecamatan_id}" selected' in html


def test_the_office_finder_answers_an_office_not_listed_and_nonsense(client: Client) -> None:
    gambir = Kecamatan.objects.get(name="Gambir")
    KecamatanOffice.objects.filter(kecamatan=gambir).delete()
    html = client.get(reverse("landing"), {"kecamatan": gambir.pk}).content.decode()
    assert 'id="office-result"' in html and "Gambir" in html
    for nonsense in ("abc", "999999", "-1"):
        response = client.get(reverse("landing"), {"kecamatan": nonsense})
        assert response.status_code == 200 and 'id="office-result"' not in response.content.decode()
