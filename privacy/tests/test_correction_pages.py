"""The correction pages: the participant asks from "Data saya" for a correction of what they may not change
themselves; their kecamatan secretariat or agency staff see the queue (a fixed number of queries however many
wait) and decide; the participant is told by a message; every other role is refused."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from accounts.tests.factories import UserFactory
from core import audit
from core.crypto import keyed_hash
from core.decisions import Refused
from geography.models import Kecamatan, Kelurahan
from notifications.models import Message
from privacy import services
from privacy.models import CorrectionField, CorrectionRequest, CorrectionState
from registration.choices import Sex
from registration.models import Participant
from registration.nik import make_nik, mask_nik
from registration.permissions import can_correct as registration_can_correct
from registration.tests.factories import BIRTH

from .support import registered

pytestmark = pytest.mark.django_db

OTHER_DAY = BIRTH.replace(day=18)
NEW_NIK = make_nik(district="317401", birth_date=BIRTH, sex=Sex.FEMALE, serial=4321)
URL = "privacy:my_correction"


@pytest.fixture
def siti(entrepreneur: User) -> Participant:
    return registered(entrepreneur)


def ask(participant: Participant, field: str = CorrectionField.FULL_NAME, value: str = "Siti Rahayu Putri") -> Any:
    return services.correction_ask(participant=participant, field=field, value=value, acting_user=participant.user)


def test_the_participant_asks_and_the_secretariat_accepts(
    client: Client, siti: Participant, secretariat_tebet: User
) -> None:
    client.force_login(siti.user)
    page = client.get(reverse(URL)).content.decode()
    assert 'data-field="nik"' in page and siti.masked_nik in page and siti.nik not in page
    # what the participant changes themselves: links (the contact, the registration's answers when sent back)
    assert reverse("registration:my_contact") in page and reverse("registration:mine") in page
    response = client.post(reverse(URL), {"field": "full_name", "value": " Siti Rahayu Putri ", "reason": "KTP baru"})
    assert response.status_code == 302
    asked = CorrectionRequest.objects.get()
    assert (asked.participant, asked.user, asked.state) == (siti, siti.user, CorrectionState.ASKED)
    assert (asked.current_value, asked.asked_value) == (siti.full_name, "Siti Rahayu Putri")
    again = client.post(reverse(URL), {"field": "full_name", "value": "Siti R. Putri"})
    assert again.status_code == 400 and CorrectionRequest.objects.count() == 1

    client.force_login(secretariat_tebet)
    queue = client.get(reverse("privacy:correction_queue")).content.decode()
    assert f'data-request="{asked.pk}"' in queue
    url = reverse("privacy:correction_decide", args=[asked.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "apply", "note": "Sesuai KTP"}).status_code == 302
    asked.refresh_from_db()
    assert asked.state == CorrectionState.APPLIED and asked.decided_by == secretariat_tebet
    told = Message.objects.filter(recipient=siti.user, template=services.DECIDED_MESSAGE)
    assert told.exists() and all(m.context["applied"] is True and m.context["note"] == "Sesuai KTP" for m in told)
    assert client.post(url, {"action": "refuse", "note": "x"}).status_code == 400  # decided already
    assert f'data-request="{asked.pk}"' not in client.get(reverse("privacy:correction_queue")).content.decode()
    client.force_login(siti.user)
    assert 'data-state="applied"' in client.get(reverse(URL)).content.decode()


def test_a_nik_is_checked_kept_encrypted_and_emptied_once_decided(siti: Participant, agency_staff: User) -> None:
    asked = ask(siti, CorrectionField.NIK, NEW_NIK)
    assert asked.asked_value == mask_nik(NEW_NIK) and asked.current_value == siti.masked_nik
    with connection.cursor() as cursor:
        cursor.execute("SELECT asked_nik, current_value, asked_value FROM privacy_correctionrequest")
        stored = " ".join(cursor.fetchone())
    assert NEW_NIK not in stored and siti.nik not in stored
    assert CorrectionRequest.objects.get().asked_nik == NEW_NIK  # the deciding staff read it, decrypted
    services.correction_refuse(request=asked, note="NIK di KTP berbeda", acting_user=agency_staff)
    assert CorrectionRequest.objects.get().asked_nik == ""


def test_the_deciders_read_the_nik_asked_whole_until_they_decide(
    client: Client, siti: Participant, secretariat_tebet: User
) -> None:
    asked = ask(siti, CorrectionField.NIK, NEW_NIK)
    client.force_login(secretariat_tebet)  # a verifier of the participant's kecamatan: they see NIKs whole already
    url = reverse("privacy:correction_decide", args=[asked.pk])
    assert NEW_NIK in client.get(url).content.decode()
    assert NEW_NIK not in client.get(reverse("privacy:correction_queue")).content.decode()
    client.post(url, {"action": "apply"})
    assert NEW_NIK not in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("track", "naik_kelas", "unknown_field"),
        ("full_name", "   ", "value_required"),
        ("nik", "1234", "nik_length"),
        ("nik", "31740117059000ab", "nik_format"),
        ("birth_date", "17/05/19xx", "invalid"),
        ("birth_date", "1990-02-31", "invalid"),
        ("birth_date", "2999-01-01", "future_date"),
        ("sex", "X", "invalid_choice"),
        ("kecamatan", "999999", "invalid_choice"),
        ("full_name", "Siti Rahayu", "unchanged"),
    ],
)
def test_bad_input_is_refused(siti: Participant, client: Client, field: str, value: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ask(siti, field, value)
    assert caught.value.error_list[0].code == code
    client.force_login(siti.user)
    response = client.post(reverse(URL), {"field": field, "value": value})
    assert response.status_code == 400 and 'id="correction-errors"' in response.content.decode()
    assert not CorrectionRequest.objects.exists()


def test_the_kecamatan_is_shown_by_name_and_kept_by_key(siti: Participant) -> None:
    gambir = Kecamatan.objects.get(name="Gambir")
    asked = ask(siti, CorrectionField.KECAMATAN, str(gambir.pk))
    assert (asked.current_value, asked.asked_value, asked.asked_kecamatan) == ("Tebet", "Gambir", gambir)
    assert ask(siti).asked_kecamatan is None


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("birth_date", "1990-06-01", "nik_birth_date"),  # the NIK on record says 17 August
        ("sex", Sex.MALE, "nik_sex"),  # the NIK on record says a woman (day + 40)
        ("nik", make_nik(district="317401", birth_date=BIRTH, sex=Sex.MALE, serial=4321), "nik_sex"),
        (
            "nik",
            make_nik(district="317401", birth_date=BIRTH.replace(day=18), sex=Sex.FEMALE, serial=1),
            "nik_birth_date",
        ),
    ],
)
def test_a_birth_date_sex_or_nik_asked_agrees_with_the_other_two(
    siti: Participant, field: str, value: str, code: str
) -> None:
    """The NIK carries the birth date and the sex: a value that disagrees with the other two on the record could
    never be accepted, so it is refused when asked, with the registration's own message."""
    with pytest.raises(ValidationError) as refused:
        ask(siti, field, value)
    assert code in {error.code for error in refused.value.error_list}
    assert not CorrectionRequest.objects.exists()


def _accept(siti: Participant, staff: User, field: str, value: str) -> Participant:
    services.correction_apply(request=ask(siti, field, value), acting_user=staff)
    return Participant.objects.get(pk=siti.pk)


def test_accepting_corrects_the_name_and_the_nik(siti: Participant, secretariat_tebet: User) -> None:
    assert _accept(siti, secretariat_tebet, CorrectionField.FULL_NAME, "Siti Rahayu Putri").full_name == (
        "Siti Rahayu Putri"
    )
    told = Message.objects.filter(recipient=siti.user, template=services.DECIDED_MESSAGE)
    assert told.exists() and {m.context["full_name"] for m in told} == {"Siti Rahayu Putri"}  # by the name corrected
    corrected = _accept(siti, secretariat_tebet, CorrectionField.NIK, NEW_NIK)
    assert corrected.nik == NEW_NIK and corrected.masked_nik == mask_nik(NEW_NIK)
    assert Participant.objects.filter(nik_hash=keyed_hash(NEW_NIK)).get() == corrected  # found by the NIK asked
    assert not Participant.objects.filter(nik_hash=keyed_hash(siti.nik)).exists()
    assert CorrectionRequest.objects.filter(state=CorrectionState.APPLIED).count() == 2


def test_accepting_a_kecamatan_moves_the_participant_and_clears_the_old_kelurahan(
    siti: Participant, secretariat_tebet: User, secretariat_gambir: User
) -> None:
    siti.kelurahan = Kelurahan.objects.filter(kecamatan=siti.kecamatan).first()
    siti.save(update_fields=["kelurahan"])
    gambir = Kecamatan.objects.get(name="Gambir")
    asked = ask(siti, CorrectionField.KECAMATAN, str(gambir.pk))
    with pytest.raises(Refused):  # the kecamatan to come is not yet Gambir's secretariat's to decide
        services.correction_apply(request=asked, acting_user=secretariat_gambir)
    services.correction_apply(request=asked, acting_user=secretariat_tebet)
    moved = Participant.objects.get(pk=siti.pk)
    assert (moved.kecamatan, moved.kelurahan) == (gambir, None)
    assert registration_can_correct(secretariat_gambir, moved) and not registration_can_correct(
        secretariat_tebet, moved
    )


def test_a_nik_taken_since_it_was_asked_is_refused_and_the_request_stays_open(
    client: Client, siti: Participant, agency_staff: User, other_entrepreneur: User
) -> None:
    asked = ask(siti, CorrectionField.NIK, NEW_NIK)
    registered(other_entrepreneur, nik=NEW_NIK)  # registered with that NIK meanwhile
    client.force_login(agency_staff)
    url = reverse("privacy:correction_decide", args=[asked.pk])
    response = client.post(url, {"action": "apply", "note": "Sesuai KTP"})
    assert response.status_code == 400 and 'id="decision-errors"' in response.content.decode()
    asked.refresh_from_db()
    assert asked.is_open and asked.asked_nik == NEW_NIK  # nothing written, the NIK kept for another look
    assert Participant.objects.get(pk=siti.pk).nik == siti.nik
    assert not Message.objects.filter(template=services.DECIDED_MESSAGE).exists()
    assert (
        services.correction_refuse(request=asked, note="NIK milik orang lain", acting_user=agency_staff).asked_nik
        == ""
    )


def test_accepting_leaves_an_audit_row_by_the_decider_without_the_nik(siti: Participant, agency_staff: User) -> None:
    _accept(siti, agency_staff, CorrectionField.NIK, NEW_NIK)
    with translation.override("en"):
        changes = [entry for entry in audit.history_of(siti) if entry.kind == "updated"]
    assert [entry.actor for entry in changes] == [str(agency_staff)]
    shown = " ".join(f"{c.field} {c.before} {c.after}" for c in changes[0].changes)
    assert NEW_NIK not in shown and siti.nik not in shown


def test_refusing_needs_a_note_and_tells_the_participant(
    client: Client, siti: Participant, agency_staff: User
) -> None:
    asked = ask(siti)
    client.force_login(agency_staff)
    url = reverse("privacy:correction_decide", args=[asked.pk])
    assert client.post(url, {"action": "neither"}).status_code == 400
    assert client.post(url, {"action": "refuse", "note": ""}).status_code == 400
    assert client.post(url, {"action": "refuse", "note": "Nama di KTP sama"}).status_code == 302
    asked.refresh_from_db()
    assert asked.state == CorrectionState.REFUSED
    told = Message.objects.filter(recipient=siti.user, template=services.DECIDED_MESSAGE)
    assert told.exists() and all(m.context["applied"] is False for m in told)
    client.force_login(siti.user)
    assert "Nama di KTP sama" in client.get(reverse(URL)).content.decode()


@pytest.mark.parametrize("role", ["mentor_tebet", "secretariat_gambir", "partner_user", "other_entrepreneur"])
def test_others_cannot_see_or_decide(
    client: Client, role: str, siti: Participant, request: pytest.FixtureRequest
) -> None:
    asked = ask(siti)
    client.force_login(request.getfixturevalue(role))
    url = reverse("privacy:correction_decide", args=[asked.pk])
    queue = client.get(reverse("privacy:correction_queue"))
    if role == "secretariat_gambir":  # a secretariat has a queue: its own kecamatan's, without Tebet's request
        assert queue.status_code == 200 and f'data-request="{asked.pk}"' not in queue.content.decode()
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "apply"}).status_code == 404
    else:
        assert queue.status_code == 403
        assert client.get(url).status_code == 403
        assert client.post(url, {"action": "apply"}).status_code == 403
    asked.refresh_from_db()
    assert asked.is_open


def test_another_entrepreneur_sees_only_their_own(client: Client, siti: Participant, other_entrepreneur: User) -> None:
    ask(siti)
    budi = registered(other_entrepreneur, full_name="Budi Santoso")
    client.force_login(budi.user)
    page = client.get(reverse(URL)).content.decode()
    assert "Siti Rahayu Putri" not in page and 'id="correction-requests"' not in page
    # the page asks for the account's own participant only: no address names another's
    assert client.post(reverse(URL), {"field": "full_name", "value": "Budi S."}).status_code == 302
    assert CorrectionRequest.objects.get(participant=budi).user == other_entrepreneur


@pytest.mark.parametrize("role", ["agency_staff", "mentor_tebet", "secretariat_tebet", "partner_user"])
def test_staff_cannot_ask(client: Client, role: str, request: pytest.FixtureRequest) -> None:
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse(URL)).status_code == 403
    assert client.post(reverse(URL), {"field": "full_name", "value": "x"}).status_code == 403


def test_an_entrepreneur_not_registered_cannot_ask(client: Client, entrepreneur: User) -> None:
    client.force_login(entrepreneur)
    assert 'id="not-registered"' in client.get(reverse(URL)).content.decode()
    assert client.post(reverse(URL), {"field": "full_name", "value": "x"}).status_code == 403


def test_agency_staff_decide_any_kecamatan(siti: Participant, agency_staff: User) -> None:
    decided = services.correction_apply(request=ask(siti), acting_user=agency_staff)
    assert decided.state == CorrectionState.APPLIED


QUEUE_QUERIES = 3  # the session, the user, the page of requests (their participants and kecamatans joined)


@pytest.mark.parametrize("role", ["agency_staff", "secretariat_tebet"])
def test_the_queue_takes_a_fixed_number_of_queries(
    client: Client, role: str, request: pytest.FixtureRequest, django_assert_num_queries: Any
) -> None:
    def asks(n: int) -> None:
        for _ in range(n):
            ask(registered(UserFactory()))

    client.force_login(request.getfixturevalue(role))
    asks(2)
    with django_assert_num_queries(QUEUE_QUERIES):
        small = client.get(reverse("privacy:correction_queue"))
    asks(60)
    with django_assert_num_queries(QUEUE_QUERIES):
        big = client.get(reverse("privacy:correction_queue"))
    assert small.content.decode().count("data-request=") == 2
    assert big.content.decode().count("data-request=") == 50  # a page
