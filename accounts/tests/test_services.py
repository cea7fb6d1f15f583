"""Accounts write through services, from every channel: signup, the language, and staff managing accounts."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts import registry, services
from accounts.models import Role, User
from accounts.registry import Position
from accounts.tests.factories import UserFactory, office
from core import audit
from core.decisions import Refused

pytestmark = pytest.mark.django_db

Call = tuple[User, Position, Position, User | None]


@pytest.fixture
def position_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Call]]:
    """A handler registered for this test only, next to the apps' own."""
    calls: list[Call] = []
    monkeypatch.setattr(registry, "_position_handlers", list(registry._position_handlers))
    registry.on_position_change(lambda user, before, after, acting: calls.append((user, before, after, acting)))
    yield calls


def _admin_post(client: Client, user: User, **changes: Any) -> Any:
    url = reverse("admin:accounts_user_change", args=[user.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("groups", "user_permissions")}
    for name in ("last_login", "date_joined", "password"):
        data.pop(name, None)
    data.update(phone=user.phone or "", language=user.language, **changes)
    if not data.get("is_active", True):
        data.pop("is_active")
    return client.post(url, data)


# --- the admin ------------------------------------------------------------------------------------------------


def test_an_admin_change_of_office_is_recorded_and_tells_the_registered_apps(
    client: Client, agency_staff: User, mentor_tebet: User, position_calls: list[Call]
) -> None:
    client.force_login(agency_staff)
    response = _admin_post(client, mentor_tebet, office=office("Gambir").pk)

    assert response.status_code == 302
    mentor_tebet.refresh_from_db()
    assert mentor_tebet.office == office("Gambir")
    with translation.override("en"):
        entries = audit.history_of(mentor_tebet)
    change = entries[0]
    assert (change.kind, change.channel, change.actor) == ("updated", "admin", str(agency_staff))
    # the new office, and every login of the mentor ended (they log in again, into the new office)
    assert [(c.field, c.after) for c in change.changes] == [
        ("kecamatan office", f"#{office('Gambir').pk}"),
        ("sessions ended", "1"),
    ]
    assert len(entries) == 2  # created, then this one change: the admin's save wrote once
    ((user, before, after, acting),) = position_calls
    assert (user.pk, acting) == (mentor_tebet.pk, agency_staff)
    assert (before.office_id, after.office_id) == (office("Tebet").pk, office("Gambir").pk)
    assert before.role == after.role == Role.MENTOR


def test_an_admin_save_without_a_position_change_tells_nobody(
    client: Client, agency_staff: User, mentor_tebet: User, position_calls: list[Call]
) -> None:
    client.force_login(agency_staff)
    assert _admin_post(client, mentor_tebet, full_name="Mentor Tebet Baru").status_code == 302
    mentor_tebet.refresh_from_db()
    assert mentor_tebet.full_name == "Mentor Tebet Baru"
    assert position_calls == []


def test_deactivating_in_the_admin_is_a_position_change(
    client: Client, agency_staff: User, mentor_tebet: User, position_calls: list[Call]
) -> None:
    client.force_login(agency_staff)
    assert _admin_post(client, mentor_tebet, is_active=False).status_code == 302
    ((_user, before, after, _acting),) = position_calls
    assert (before.is_active, after.is_active) == (True, False)


def test_an_account_added_in_the_admin_is_made_by_the_service(client: Client, agency_staff: User) -> None:
    client.force_login(agency_staff)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "mentor.baru@example.id",
            "phone": "",
            "full_name": "Mentor Baru",
            "role": Role.MENTOR,
            "office": office("Tebet").pk,
            "usable_password": "false",
            "password1": "",
            "password2": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    created = User.objects.get(email="mentor.baru@example.id")
    assert not created.has_usable_password()
    assert audit.history_of(created)[0].actor == str(agency_staff)


def test_agency_staff_cannot_delete_privileged_accounts_in_the_admin(client: Client, agency_staff: User) -> None:
    colleague = UserFactory(email="dinas2@example.id", role=Role.AGENCY, is_staff=True)
    client.force_login(agency_staff)
    response = client.post(reverse("admin:accounts_user_delete", args=[colleague.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk=colleague.pk).exists()


# --- the services from any channel ----------------------------------------------------------------------------


def test_position_service_refuses_privileged_accounts_to_agency_staff(agency_staff: User) -> None:
    colleague = UserFactory(email="dinas2@example.id", role=Role.AGENCY, is_staff=True)
    with pytest.raises(Refused) as refused:
        services.user_update_position(
            user=colleague, role=Role.AGENCY, office=None, is_active=False, acting_user=agency_staff
        )
    assert refused.value.code == "privileged_account"
    colleague.refresh_from_db()
    assert colleague.is_active


def test_position_service_refuses_to_give_a_privileged_role(agency_staff: User, mentor_tebet: User) -> None:
    with pytest.raises(Refused) as refused:
        services.user_update_position(
            user=mentor_tebet, role=Role.ADMINISTRATOR, office=None, is_active=True, acting_user=agency_staff
        )
    assert refused.value.code == "privileged_role"
    mentor_tebet.refresh_from_db()
    assert mentor_tebet.role == Role.MENTOR


def test_position_service_keeps_office_staff_in_an_office(agency_staff: User, mentor_tebet: User) -> None:
    with pytest.raises(ValidationError):
        services.user_update_position(
            user=mentor_tebet, role=Role.MENTOR, office=None, is_active=True, acting_user=agency_staff
        )


def test_access_service_is_for_administrators_only(agency_staff: User, mentor_tebet: User) -> None:
    with pytest.raises(Refused) as refused:
        services.user_update_access(user=mentor_tebet, is_staff=True, is_superuser=False, acting_user=agency_staff)
    assert refused.value.code == "admin_access"


def test_position_service_records_the_actor(
    agency_staff: User, mentor_tebet: User, position_calls: list[Call]
) -> None:
    services.user_update_position(
        user=mentor_tebet, role=Role.SECRETARIAT, office=office("Tebet"), is_active=True, acting_user=agency_staff
    )
    assert audit.history_of(mentor_tebet)[0].actor == str(agency_staff)
    assert mentor_tebet.role == Role.SECRETARIAT  # the caller's instance follows
    assert len(position_calls) == 1


@pytest.mark.parametrize(
    ("values", "field", "code"),
    [
        ({"email": None, "phone": "12345"}, "phone", "phone_invalid"),
        ({"password": "123"}, "password", "password_too_short"),
    ],
)
def test_signup_service_gives_every_channel_the_same_answers(
    entrepreneur: User, values: dict[str, Any], field: str, code: str
) -> None:
    arguments: dict[str, Any] = {
        "full_name": "Agus",
        "email": "agus@example.id",
        "phone": None,
        "password": "Kopi-Tebet-2026",
        **values,
    }
    with pytest.raises(ValidationError) as error:
        services.user_signup(**arguments)
    assert code in [e.code for e in error.value.error_dict[field]]
    assert User.objects.count() == 1


def test_signup_service_needs_a_login(db: None) -> None:
    with pytest.raises(ValidationError) as error:
        services.user_signup(full_name="Agus", email=None, phone=None, password="Kopi-Tebet-2026")
    assert error.value.code == "no_login"


def test_signup_service_makes_an_entrepreneur_in_the_given_language(db: None) -> None:
    user = services.user_signup(
        full_name="Agus",
        email=" Agus@Example.id ",
        phone="0813 2222 3333",
        password="Kopi-Tebet-2026",
        language="en-us",
    )
    assert user is not None
    user.refresh_from_db()
    assert (user.email, user.phone, user.role, user.language) == (
        "agus@example.id",
        "+6281322223333",
        "entrepreneur",
        "en",
    )
    assert user.check_password("Kopi-Tebet-2026")


def test_the_language_switch_remembers_the_choice_through_the_service(client: Client, entrepreneur: User) -> None:
    client.force_login(entrepreneur)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    entrepreneur.refresh_from_db()
    assert entrepreneur.language == "en"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    entrepreneur.refresh_from_db()
    assert entrepreneur.language == "en"
    with pytest.raises(ValidationError) as error:
        services.user_set_language(user=entrepreneur, language="fr")
    assert error.value.code == "unsupported_language"


def test_password_service_keeps_privileged_accounts_to_administrators(agency_staff: User, mentor_tebet: User) -> None:
    administrator = UserFactory(email="root@example.id", is_staff=True, is_superuser=True, role=Role.ADMINISTRATOR)
    with pytest.raises(Refused) as refused:
        services.user_set_password(user=administrator, password="Diambil-Alih-2026", acting_user=agency_staff)
    assert refused.value.code == "privileged_account"
    services.user_set_password(user=mentor_tebet, password="Kopi-Tebet-2026", acting_user=agency_staff)
    mentor_tebet.refresh_from_db()
    assert mentor_tebet.check_password("Kopi-Tebet-2026")
    with pytest.raises(ValidationError):
        services.user_set_password(user=mentor_tebet, password="123", acting_user=mentor_tebet)


def test_signup_remembers_the_language_the_person_signed_up_in(client: Client) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.post(
        reverse("accounts:signup"),
        {
            "full_name": "Agus",
            "email": "agus@example.id",
            "phone": "",
            "password1": "Kopi-Tebet-2026",
            "password2": "Kopi-Tebet-2026",
        },
    )
    assert response.status_code == 200
    assert User.objects.get(email="agus@example.id").language == "en"
