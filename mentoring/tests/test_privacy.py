"""Who sees what: a participant only the shared notes of their own visits; mentors only their kecamatan;
objects a user may not see answer 404, as if absent."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from mentoring import services
from mentoring.tests.factories import FollowUpFactory, VisitFactory
from registration.models import Participant
from registration.tests.conftest import login
from registration.tests.factories import png_bytes, upload

pytestmark = pytest.mark.django_db

SHARED = "Harga jual sudah naik, bagus."
PRIVATE = "Catatan pribadi: perlu dicek apakah usaha benar berjalan."


def visit_with_photo(participant: Participant, mentor: User, *, notes: str, shared: bool) -> Any:
    return services.visit_log(
        participant=participant,
        date=timezone.localdate() - datetime.timedelta(days=1),
        kind="field",
        steps=["P3"],
        notes=notes,
        shared=shared,
        follow_ups=[
            services.FollowUpData(
                f"Tindak lanjut {'bersama' if shared else 'rahasia'}",
                timezone.localdate() + datetime.timedelta(days=3),
            )
        ],
        photo=upload("foto.png", png_bytes()),
        acting_user=mentor,
    )


@pytest.fixture
def visits(siti: Participant, mentor_tebet: User) -> tuple[Any, Any]:
    return (
        visit_with_photo(siti, mentor_tebet, notes=SHARED, shared=True),
        visit_with_photo(siti, mentor_tebet, notes=PRIVATE, shared=False),
    )


def test_participant_sees_only_the_shared_notes(client: Client, entrepreneur: User, visits: tuple[Any, Any]) -> None:
    shared, private = visits
    login(client, entrepreneur)
    html = client.get(reverse("mentoring:my_mentor")).content.decode()
    assert SHARED in html
    assert "Tindak lanjut bersama" in html
    assert PRIVATE not in html
    assert "Tindak lanjut rahasia" not in html
    assert str(private.public_id) not in html
    assert client.get(reverse("mentoring:visit_photo", args=[shared.public_id])).status_code == 200
    assert client.get(reverse("mentoring:visit_photo", args=[private.public_id])).status_code == 404
    # the journey's P3 step shows only the shared follow-up too
    home = client.get(reverse("home")).content.decode()
    assert "Tindak lanjut bersama" in home and "Tindak lanjut rahasia" not in home


def test_mentor_sees_private_and_shared_notes(
    client: Client, mentor_tebet: User, siti: Participant, visits: Any
) -> None:
    login(client, mentor_tebet)
    html = client.get(reverse("mentoring:participant", args=[siti.pk])).content.decode()
    assert SHARED in html and PRIVATE in html


def test_another_participant_sees_nothing_of_it(
    client: Client, other_entrepreneur: User, budi: Participant, visits: tuple[Any, Any]
) -> None:
    login(client, other_entrepreneur)
    html = client.get(reverse("mentoring:my_mentor")).content.decode()
    assert SHARED not in html and PRIVATE not in html
    for visit in visits:
        assert client.get(reverse("mentoring:visit_photo", args=[visit.public_id])).status_code == 404


# (user fixture, may open the Tebet participant's mentoring page and photos, ... the Gambir participant's)
MATRIX = [
    ("mentor_tebet", True, False),
    ("mentor_gambir", False, True),
    ("secretariat_tebet", True, False),
    ("secretariat_gambir", False, True),
    ("agency_staff", True, True),
    ("entrepreneur", False, False),
    ("other_entrepreneur", False, False),
    ("partner_user", False, False),
]


@pytest.mark.parametrize(("who", "sees_tebet", "sees_gambir"), MATRIX)
def test_mentoring_pages_and_photos_by_kecamatan(
    client: Client,
    request: pytest.FixtureRequest,
    siti: Participant,
    budi: Participant,
    mentor_tebet: User,
    mentor_gambir: User,
    who: str,
    sees_tebet: bool,
    sees_gambir: bool,
) -> None:
    photos = {
        siti.pk: visit_with_photo(siti, mentor_tebet, notes=PRIVATE, shared=False),
        budi.pk: visit_with_photo(budi, mentor_gambir, notes=PRIVATE, shared=False),
    }
    login(client, request.getfixturevalue(who))
    for participant, allowed in ((siti, sees_tebet), (budi, sees_gambir)):
        expected = 200 if allowed else 404
        page = client.get(reverse("mentoring:participant", args=[participant.pk]))
        assert page.status_code == expected, (who, participant.kecamatan)
        photo = client.get(reverse("mentoring:visit_photo", args=[photos[participant.pk].public_id]))
        assert photo.status_code == expected, (who, participant.kecamatan)


def test_mentor_of_gambir_gets_404_on_a_tebet_participant(
    client: Client, mentor_gambir: User, mentor_tebet: User, siti: Participant
) -> None:
    visit = visit_with_photo(siti, mentor_tebet, notes=SHARED, shared=True)
    follow_up = FollowUpFactory(visit=VisitFactory(participant=siti, mentor=mentor_tebet))
    login(client, mentor_gambir)
    for name in ("mentoring:participant", "mentoring:log_visit", "finance:monthly_records"):
        assert client.get(reverse(name, args=[siti.pk])).status_code == 404, name
    assert client.get(reverse("mentoring:visit_photo", args=[visit.public_id])).status_code == 404
    assert client.post(reverse("mentoring:follow_up_done", args=[follow_up.pk])).status_code == 404


@pytest.mark.parametrize(
    ("url_name", "allowed"),
    [
        ("mentoring:caseload", {"mentor_tebet"}),
        ("mentoring:mentors", {"secretariat_tebet", "agency_staff"}),
        ("mentoring:incentive_report", {"secretariat_tebet", "agency_staff"}),
        ("mentoring:unassigned", {"secretariat_tebet", "agency_staff"}),
        ("mentoring:my_mentor", {"entrepreneur"}),
        ("mentoring:help_list", {"entrepreneur", "mentor_tebet", "secretariat_tebet", "agency_staff"}),
        ("mentoring:help_new", {"entrepreneur"}),
    ],
)
@pytest.mark.parametrize("who", ["entrepreneur", "mentor_tebet", "secretariat_tebet", "agency_staff", "partner_user"])
def test_list_pages_by_role(
    client: Client, request: pytest.FixtureRequest, url_name: str, allowed: set[str], who: str
) -> None:
    login(client, request.getfixturevalue(who))
    assert client.get(reverse(url_name)).status_code == (200 if who in allowed else 403)


def test_anonymous_visitors_are_sent_to_log_in(client: Client, siti: Participant) -> None:
    for url in (reverse("mentoring:caseload"), reverse("mentoring:participant", args=[siti.pk])):
        assert reverse("accounts:login") in client.get(url).url
