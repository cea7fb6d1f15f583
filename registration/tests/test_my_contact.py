"""The participant's own "Ubah kontak" page (UU PDP: a person corrects what they may themselves): they change
their mobile number, email, domicile address and kelurahan through the service staff use, under its rules and
recorded in the audit trail as theirs; nobody else reaches the page, and staff keep correcting in the admin."""

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from core import audit
from core.decisions import Refused
from geography.models import Kelurahan
from registration import permissions
from registration.choices import Status
from registration.models import Participant
from registration.services import participant_update_contact
from registration.tests.conftest import login
from registration.tests.factories import RegistrationFactory
from registration.values import ContactData

pytestmark = pytest.mark.django_db

URL = reverse("registration:my_contact")


def kelurahan_of(kecamatan: str, index: int = 0) -> Kelurahan:
    found = list(Kelurahan.objects.filter(kecamatan__name=kecamatan).order_by("name")[: index + 1])
    assert len(found) > index, f"no kelurahan of {kecamatan} loaded"
    return found[index]


def registered(user: User, **participant: Any) -> Participant:
    """An approved participant of Tebet, the user's."""
    registration = RegistrationFactory(
        participant__user=user, participant__phone="+6281234500001", status=Status.APPROVED, **participant
    )
    participant_row: Participant = registration.participant
    return participant_row


def contact(**overrides: Any) -> dict[str, Any]:
    data = {
        "phone": "0813-9999-0001",
        "email": "siti.baru@example.id",
        "address": "Jl. Kebon Baru No. 7",
        "kelurahan": kelurahan_of("Tebet", 1).pk,
    }
    data.update(overrides)
    return data


def snapshot(participant: Participant) -> tuple[str, str, str, int | None]:
    participant.refresh_from_db()
    return (participant.phone, participant.email, participant.address, participant.kelurahan_id)


def history_of(participant: Participant) -> list[audit.Entry]:
    with translation.override("en"):
        return audit.history_of(participant)


# --- the owner -----------------------------------------------------------------------------------------------


def test_the_page_shows_the_participants_contact_and_only_their_kecamatans_kelurahan(
    client: Client, entrepreneur: User
) -> None:
    kelurahan = kelurahan_of("Tebet")
    participant = registered(entrepreneur, participant__kelurahan=kelurahan)
    page = login(client, entrepreneur).get(URL)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial == {
        "phone": "+6281234500001",
        "email": participant.email,
        "address": participant.address,
        "kelurahan": kelurahan.pk,
    }
    offered = {pk for pk, _label in form.fields["kelurahan"].choices if pk}
    tebet = set(Kelurahan.objects.filter(kecamatan__name="Tebet").values_list("pk", flat=True))
    assert {int(str(pk)) for pk in offered} == tebet
    html = page.content.decode()
    assert 'id="contact-form"' in html
    assert 'for="id_phone"' in html and 'for="id_address"' in html and 'for="id_kelurahan"' in html
    assert 'type="tel"' in html
    assert f'href="{reverse("registration:mine")}"' in html  # the cancel link
    assert kelurahan_of("Gambir").name not in html


def test_the_registration_page_links_to_the_contact_page(client: Client, entrepreneur: User) -> None:
    registered(entrepreneur)
    page = login(client, entrepreneur).get(reverse("registration:mine"))
    assert page.status_code == 200
    assert f'href="{URL}"' in page.content.decode()


def test_the_owner_changes_their_contact_recorded_as_theirs(client: Client, entrepreneur: User) -> None:
    participant = registered(entrepreneur, participant__kelurahan=kelurahan_of("Tebet"))
    new_kelurahan = kelurahan_of("Tebet", 1)
    response = login(client, entrepreneur).post(URL, contact(address="  Jl. Kebon Baru No. 7  "))
    assert response.status_code == 302
    assert response["Location"] == reverse("registration:mine")
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]
    assert snapshot(participant) == (
        "+6281399990001",
        "siti.baru@example.id",
        "Jl. Kebon Baru No. 7",
        new_kelurahan.pk,
    )
    # the login account is not the participant's contact: it stays as it was
    entrepreneur.refresh_from_db()
    assert (entrepreneur.email, entrepreneur.phone) == ("siti@example.id", "+6281234500001")
    updates = [e for e in history_of(participant) if e.kind == "updated"]
    assert len(updates) == 1
    assert (updates[0].actor, updates[0].channel) == (str(entrepreneur), "web")
    assert {c.field for c in updates[0].changes} >= {"mobile number", "email address", "domicile address", "kelurahan"}


def test_the_owner_may_leave_the_email_or_the_kelurahan_empty(client: Client, entrepreneur: User) -> None:
    participant = registered(entrepreneur, participant__kelurahan=kelurahan_of("Tebet"))
    response = login(client, entrepreneur).post(URL, contact(email="", kelurahan=""))
    assert response.status_code == 302
    assert snapshot(participant) == ("+6281399990001", "", "Jl. Kebon Baru No. 7", None)


@pytest.mark.parametrize(
    ("answers", "field", "code"),
    [
        ({"phone": "halo"}, "phone", "phone_format"),
        ({"phone": "12345"}, "phone", "phone_invalid"),
        ({"phone": "+1 202 555 0100"}, "phone", "phone_country"),
        ({"phone": "", "email": ""}, "phone", None),
        ({"address": "   "}, "address", "required"),
        ({"email": "not-an-email"}, "email", "invalid"),
    ],
    ids=[
        "phone-not-a-number",
        "phone-not-a-mobile",
        "phone-not-indonesian",
        "no-way-to-reach",
        "blank-address",
        "bad-email",
    ],
)
def test_bad_answers_are_refused_on_their_field_keeping_what_was_typed(
    client: Client, entrepreneur: User, answers: dict[str, str], field: str, code: str | None
) -> None:
    participant = registered(entrepreneur)
    before = snapshot(participant)
    history = len(history_of(participant))
    posted = contact(**answers)
    response = login(client, entrepreneur).post(URL, posted)
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == [field]
    if code is not None:
        assert form.has_error(field, code=code)
    assert form[field].value() == posted[field]  # what was typed is kept
    assert form["address"].value() == posted["address"]
    html = response.content.decode()
    assert 'id="contact-errors"' in html and "is-invalid" in html
    assert snapshot(participant) == before
    assert len(history_of(participant)) == history


def test_all_the_rules_refused_show_at_once(client: Client, entrepreneur: User) -> None:
    participant = registered(entrepreneur)
    before = snapshot(participant)
    response = login(client, entrepreneur).post(URL, contact(phone="", email="", address=""))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"phone", "address"}
    assert snapshot(participant) == before


def test_a_kelurahan_of_another_kecamatan_is_refused(client: Client, entrepreneur: User) -> None:
    participant = registered(entrepreneur, participant__kelurahan=kelurahan_of("Tebet"))
    before = snapshot(participant)
    response = login(client, entrepreneur).post(URL, contact(kelurahan=kelurahan_of("Gambir").pk))
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["kelurahan"]
    assert form.has_error("kelurahan", code="invalid_choice")
    assert "Tebet" in form.errors["kelurahan"][0]
    assert snapshot(participant) == before


def test_the_service_refuses_the_owner_a_kelurahan_of_another_kecamatan_too(entrepreneur: User) -> None:
    """The form offers none, and the service (the one write path) refuses one anyway."""
    participant = registered(entrepreneur)
    before = snapshot(participant)
    with pytest.raises(ValidationError) as exc:
        participant_update_contact(
            participant=participant,
            contact=ContactData(phone="0813 9999 0001", email="", address="Jl. X", kelurahan=kelurahan_of("Gambir")),
            acting_user=entrepreneur,
        )
    assert list(exc.value.error_dict) == ["kelurahan"]
    assert snapshot(participant) == before


def test_only_the_users_own_record_is_changed(client: Client, entrepreneur: User, other_entrepreneur: User) -> None:
    siti = registered(entrepreneur)
    budi = registered(other_entrepreneur)
    siti_before = snapshot(siti)
    response = login(client, other_entrepreneur).post(URL, {**contact(), "participant": siti.pk, "pk": siti.pk})
    assert response.status_code == 302
    assert snapshot(siti) == siti_before
    assert snapshot(budi)[0] == "+6281399990001"


def test_an_owner_may_not_change_another_participants_contact(entrepreneur: User, other_entrepreneur: User) -> None:
    siti = registered(entrepreneur)
    budi = registered(other_entrepreneur)
    assert permissions.can_update_contact(entrepreneur, siti)
    assert permissions.can_update_contact(entrepreneur, budi).code == "not_corrector"
    before = snapshot(budi)
    with pytest.raises(Refused) as refused:
        participant_update_contact(
            participant=budi,
            contact=ContactData(phone="0813 9999 0001", email="", address="Jl. X"),
            acting_user=entrepreneur,
        )
    assert refused.value.code == "not_corrector"
    assert snapshot(budi) == before


# --- who else asks -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["mentor_tebet", "secretariat_tebet", "agency_staff", "partner_user"])
def test_other_roles_get_404_and_change_nothing(client: Client, request: pytest.FixtureRequest, who: str) -> None:
    user: User = request.getfixturevalue(who)
    participant = registered(user) if who == "partner_user" else None  # even with a participant record
    login(client, user)
    assert client.get(URL).status_code == 404
    assert client.post(URL, contact()).status_code == 404
    if participant is not None:
        assert snapshot(participant)[0] == "+6281234500001"


def test_an_entrepreneur_without_a_registration_gets_404(client: Client, entrepreneur: User) -> None:
    login(client, entrepreneur)
    assert client.get(URL).status_code == 404
    assert client.post(URL, contact()).status_code == 404


def test_anonymous_is_sent_to_log_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- fixed queries -------------------------------------------------------------------------------------------------


def test_the_page_and_its_post_run_a_fixed_number_of_queries(
    client: Client, entrepreneur: User, django_assert_num_queries: Any
) -> None:
    participant = registered(entrepreneur, participant__kelurahan=kelurahan_of("Tebet"))
    for _ in range(8):
        RegistrationFactory(status=Status.APPROVED, participant__kelurahan=kelurahan_of("Tebet", 1))
    good, bad = contact(), contact(address="")
    login(client, entrepreneur)
    # session, user, the participant with their kecamatan, the kelurahan offered (once for the check and the list)
    with django_assert_num_queries(4):
        assert client.get(URL).status_code == 200
    # ... and the service's: its transaction (a savepoint here), the locked row, the rollback of the refusal
    with django_assert_num_queries(8):
        assert client.post(URL, bad).status_code == 400
    # ... or the savepoint, the locked row, its update (the audit row is a trigger's) and the release
    with django_assert_num_queries(8):
        assert client.post(URL, good).status_code == 302
    assert snapshot(participant)[0] == "+6281399990001"


# --- staff keep correcting -----------------------------------------------------------------------------------------


def test_staff_still_correct_a_contact_and_another_kecamatans_secretariat_may_not(
    entrepreneur: User, agency_staff: User, secretariat_tebet: User, secretariat_gambir: User, mentor_tebet: User
) -> None:
    participant = registered(entrepreneur)
    for staff, phone in ((agency_staff, "0813 1111 0001"), (secretariat_tebet, "0813 1111 0002")):
        updated = participant_update_contact(
            participant=participant, contact=ContactData(phone=phone, email="", address="Jl. Staf"), acting_user=staff
        )
        assert updated.phone == "+62" + phone.replace(" ", "")[1:]
    before = snapshot(participant)
    for staff, code in ((secretariat_gambir, "other_office"), (mentor_tebet, "not_corrector")):
        assert permissions.can_update_contact(staff, participant).code == code
        with pytest.raises(Refused) as refused:
            participant_update_contact(
                participant=participant,
                contact=ContactData(phone="0813 1111 0003", email="", address="Jl. Lain"),
                acting_user=staff,
            )
        assert refused.value.code == code
    assert snapshot(participant) == before
