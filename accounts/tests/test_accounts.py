from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from accounts.tests.factories import UserFactory, office
from conftest import PASSWORD
from core.phone import mask_phone, normalize_phone


@pytest.mark.parametrize(
    "value", ["081234500001", "0812-3450-0001", "+62 812 3450 0001", "62 81234500001", "(0812) 3450 0001"]
)
def test_mobile_numbers_are_normalised_to_plus_62(value: str) -> None:
    assert normalize_phone(value) == "+6281234500001"


@pytest.mark.parametrize("value", ["12", "hello", "+1 202 555 0100", "021 555 1234"])
def test_bad_or_foreign_or_landline_numbers_are_refused(value: str) -> None:
    with pytest.raises(ValidationError):
        normalize_phone(value)


def test_mask_phone() -> None:
    assert mask_phone("+6281234500001") == "+6281******001"


@pytest.mark.django_db
@pytest.mark.parametrize("login_as", ["siti@example.id", "SITI@example.id", "0812 3450 0001", "+6281234500001"])
def test_log_in_by_email_or_mobile_number(client: Client, entrepreneur: User, login_as: str) -> None:
    response = client.post(reverse("accounts:login"), {"username": login_as, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")


@pytest.mark.django_db
def test_wrong_password_says_so_in_the_users_language(client: Client, entrepreneur: User) -> None:
    response = client.post(reverse("accounts:login"), {"username": "siti@example.id", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.django_db
def test_signup_by_phone_only_logs_in_and_starts_the_wizard(client: Client) -> None:
    from accounts.tests.test_security import follow_signup_link

    response = client.post(
        reverse("accounts:signup"),
        {
            "full_name": "Agus Saputra",
            "email": "",
            "phone": "0813 2222 3333",
            "password1": "Kopi-Tebet-2026",
            "password2": "Kopi-Tebet-2026",
        },
    )
    assert "accounts/signup_sent.html" in [t.name for t in response.templates]
    response = follow_signup_link(client, "Kopi-Tebet-2026")
    assert response.url == reverse("registration:wizard")
    user = User.objects.get()
    assert (user.phone, user.email, user.role, user.is_active) == ("+6281322223333", None, Role.ENTREPRENEUR, True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "", "phone": ""}, "__all__"),
        ({"password2": "different-Pass-1"}, "password2"),
        ({"password1": "123", "password2": "123"}, "password1"),
        ({"phone": "12345"}, "phone"),
    ],
)
def test_signup_rejections(client: Client, entrepreneur: User, data: dict[str, Any], field: str) -> None:
    post = {
        "full_name": "Agus",
        "email": "agus@example.id",
        "phone": "",
        "password1": "Kopi-Tebet-2026",
        "password2": "Kopi-Tebet-2026",
        **data,
    }
    response = client.post(reverse("accounts:signup"), post)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_a_user_needs_an_email_or_a_phone_in_the_database() -> None:
    with pytest.raises(IntegrityError):
        User.objects.create(full_name="Nobody", email=None, phone=None)


@pytest.mark.django_db
def test_office_staff_need_an_office_in_the_database() -> None:
    with pytest.raises(IntegrityError):
        User.objects.create(full_name="Mentor", email="m@example.id", role=Role.MENTOR)


@pytest.mark.django_db
def test_login_pages_run_a_fixed_number_of_queries(client: Client, django_assert_max_num_queries: Any) -> None:
    UserFactory.create_batch(5)
    with django_assert_max_num_queries(0):
        assert client.get(reverse("accounts:login")).status_code == 200
        assert client.get(reverse("accounts:signup")).status_code == 200
        assert client.get(reverse("accounts:claim")).status_code == 200


@pytest.mark.django_db
def test_language_switch_to_english(client: Client) -> None:
    assert 'lang="id"' in client.get(reverse("landing")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get(reverse("landing")).content.decode()


@pytest.mark.django_db
def test_agency_staff_cannot_take_over_privileged_accounts(client: Client, agency_staff: User) -> None:
    admin_user = UserFactory(email="root@example.id", is_staff=True, is_superuser=True, role=Role.ADMINISTRATOR)
    colleague = UserFactory(email="dinas2@example.id", role=Role.AGENCY, is_staff=True)
    mentor = UserFactory(email="m2@example.id", role=Role.MENTOR, office=office("Tebet"))
    client.force_login(agency_staff)
    for user in (admin_user, colleague):
        page = client.get(reverse("admin:accounts_user_change", args=[user.pk]))
        assert page.context["has_change_permission"] is False
        response = client.post(
            reverse("admin:auth_user_password_change", args=[user.pk]),
            {"password1": "Diambil-Alih-2026", "password2": "Diambil-Alih-2026", "usable_password": "true"},
        )
        assert response.status_code == 403
        user.refresh_from_db()
        assert not user.check_password("Diambil-Alih-2026")
    page = client.get(reverse("admin:accounts_user_change", args=[mentor.pk]))
    assert page.context["has_change_permission"] is True
    form = page.context["adminform"].form
    assert "is_staff" not in form.fields
    roles = {value for value, _label in form.fields["role"].choices}
    assert roles == {"entrepreneur", "mentor", "secretariat", "partner"}


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_that_login_from_that_address(
    client: Client, entrepreneur: User, settings: Any
) -> None:
    settings.AXES_ENABLED = True
    url = reverse("accounts:login")
    spellings = ["0812 3450 0001", "+6281234500001", "62-812-3450-0001", "081234500001"]
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):  # one account, however its number is written
        assert client.post(url, {"username": spellings[attempt % 4], "password": "salah"}).status_code == 200
    assert client.post(url, {"username": entrepreneur.email, "password": "salah"}).status_code == 200
    assert client.post(url, {"username": "0812-3450-0001", "password": "salah"}).status_code == 429
    locked = client.post(url, {"username": entrepreneur.phone, "password": PASSWORD})
    assert locked.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in locked.templates]
    # the same person from another address is not locked out by someone else's guessing
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.post(url, {"username": entrepreneur.email, "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_claim_links_are_capped_per_hour(client: Client, entrepreneur: User, settings: Any) -> None:
    from notifications.models import Message

    for _ in range(settings.CLAIM_LINKS_PER_HOUR + 2):
        assert client.post(reverse("accounts:claim"), {"login": entrepreneur.phone}).status_code == 200
    assert Message.objects.filter(template="account_claim").count() == settings.CLAIM_LINKS_PER_HOUR


def test_signup_without_email_or_phone_says_so_in_words_not_a_constraint_name(client: Client, db: None) -> None:
    response = client.post(
        reverse("accounts:signup"),
        {
            "full_name": "Agus",
            "email": "",
            "phone": "",
            "password1": "Kopi-Tebet-2026",
            "password2": "Kopi-Tebet-2026",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "user_has_email_or_phone" not in html and "constraint" not in html.lower()
    assert "email address or a mobile number" in html
    assert not User.objects.filter(full_name="Agus").exists()
