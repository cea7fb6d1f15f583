"""Issue 7, security: the lockout counts the real address and one spelling of a login; signup tells nobody
whether a login has an account; phone fields open the phone keypad."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.forms import SignupForm
from accounts.logins import normalize_email, normalize_login
from accounts.models import User
from conftest import PASSWORD
from notifications.models import Message

pytestmark = pytest.mark.django_db

LOCKED = 429
PROXY = "172.31.250.10"


def follow_signup_link(client: Client, password: str) -> Any:
    """Open the newest signup link from the outbox and finish with the password chosen."""
    message = Message.objects.filter(template="account_signup_confirm").latest("created_at")
    path = re.search(r"https?://[^/]+(/\S+)", message.context["link"])
    assert path is not None
    return client.post(path.group(1), {"password": password})


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("SITI@Example.ID", "siti@example.id"),
        ("\u017fiti@example.id", "siti@example.id"),  # long s: NFKC makes it s
        ("s\u0131ti@example.id", "siti@example.id"),  # dotless i, which casefold keeps: folded before the @
        ("S\u0130TI@example.id", "siti@example.id"),  # capital I with dot: casefold gives i + U+0307
        ("\uff53iti@example.id", "siti@example.id"),  # full-width s
        ("ski\u212a@example.id", "skik@example.id"),  # Kelvin sign
    ],
)
def test_logins_are_normalised_one_way(typed: str, stored: str) -> None:
    assert normalize_email(typed) == normalize_login(typed) == stored


def _guess(client: Client, login: str, **extra: str) -> int:
    return client.post(reverse("accounts:login"), {"username": login, "password": "salah"}, **extra).status_code


@pytest.mark.parametrize("look_alike", ["\u017fiti@example.id", "s\u0131ti@example.id", "SITI@EXAMPLE.ID"])
def test_look_alikes_of_an_email_count_against_its_lockout(
    client: Client, entrepreneur: User, settings: Any, look_alike: str
) -> None:
    settings.AXES_ENABLED = True
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):  # the last allowed failure itself locks
        assert _guess(client, look_alike if attempt % 2 else entrepreneur.email) == 200
    assert _guess(client, look_alike) == LOCKED
    assert client.post(reverse("accounts:login"), {"username": look_alike, "password": PASSWORD}).status_code == LOCKED


def test_a_look_alike_logs_in_to_the_same_account(client: Client, entrepreneur: User) -> None:
    response = client.post(reverse("accounts:login"), {"username": "s\u0131ti@example.id", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("look_alike", ["\u017fiti@example.id", "s\u0131ti@example.id", "Siti@Example.id"])
def test_a_look_alike_email_cannot_make_a_second_account(client: Client, entrepreneur: User, look_alike: str) -> None:
    post = {"full_name": "Siti Palsu", "email": look_alike, "phone": "", "password1": "Kopi-Tebet-2026"}
    client.post(reverse("accounts:signup"), {**post, "password2": post["password1"]})
    assert User.objects.count() == 1
    assert Message.objects.get(recipient=entrepreneur).template == "account_signup_existing"


def test_a_spoofed_forwarded_for_is_ignored_from_a_direct_client(
    client: Client, entrepreneur: User, settings: Any
) -> None:
    settings.AXES_ENABLED = True
    settings.TRUSTED_PROXIES = [PROXY]
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):  # the last allowed failure itself locks
        assert _guess(client, entrepreneur.email, HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}") == 200
    assert _guess(client, entrepreneur.email, HTTP_X_FORWARDED_FOR="203.0.113.99") == LOCKED


def test_behind_the_proxy_the_address_it_wrote_counts(entrepreneur: User, settings: Any) -> None:
    settings.AXES_ENABLED = True
    settings.TRUSTED_PROXIES = [PROXY]
    proxy = Client(REMOTE_ADDR=PROXY)
    # deploy/nginx.conf overwrites the header with the address it saw; a client's own entries would come first
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):  # the last allowed failure itself locks
        assert _guess(proxy, entrepreneur.email, HTTP_X_FORWARDED_FOR=f"10.9.9.{attempt}, 198.51.100.7") == 200
    assert _guess(proxy, entrepreneur.email, HTTP_X_FORWARDED_FOR="198.51.100.7") == LOCKED
    # another person behind the same proxy is not locked out by that guessing: they cannot lock another's pair
    other = proxy.post(
        reverse("accounts:login"),
        {"username": entrepreneur.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.8",
    )
    assert other.status_code == 302


def test_an_untrusted_proxy_address_is_not_believed(client: Client, entrepreneur: User, settings: Any) -> None:
    settings.AXES_ENABLED = True
    settings.TRUSTED_PROXIES = [PROXY]
    stranger = Client(REMOTE_ADDR="192.0.2.50")
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):  # the last allowed failure itself locks
        assert _guess(stranger, entrepreneur.email, HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}") == 200
    assert _guess(stranger, entrepreneur.email) == LOCKED


SIGNUP = {"full_name": "Agus", "phone": "", "password1": "Kopi-Tebet-2026", "password2": "Kopi-Tebet-2026"}


def _page_text(response: Any) -> str:
    text = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


@pytest.mark.parametrize(
    ("taken", "free"),
    [
        ({"email": "siti@example.id"}, {"email": "agus@example.id"}),
        ({"email": "", "phone": "0812-3450-0001"}, {"email": "", "phone": "0813 2222 3333"}),
    ],
)
def test_signup_answers_alike_whether_the_login_has_an_account(
    entrepreneur: User, taken: dict[str, str], free: dict[str, str]
) -> None:
    existing = Client().post(reverse("accounts:signup"), {**SIGNUP, **taken})
    new = Client().post(reverse("accounts:signup"), {**SIGNUP, **free})

    assert existing.status_code == new.status_code == 200
    assert _page_text(existing) == _page_text(new)
    assert existing.cookies.keys() == new.cookies.keys()
    told = Message.objects.get(recipient=entrepreneur)
    assert told.template == "account_signup_existing"
    assert told.channel == ("email" if taken.get("email") else "sms")
    assert User.objects.filter(pk=entrepreneur.pk, full_name=entrepreneur.full_name).exists()


def test_a_new_account_waits_for_its_link_and_the_password_chosen(client: Client) -> None:
    client.post(reverse("accounts:signup"), {**SIGNUP, "email": "agus@example.id"})
    user = User.objects.get(email="agus@example.id")
    assert not user.is_active
    assert (
        client.post(
            reverse("accounts:login"), {"username": "agus@example.id", "password": SIGNUP["password1"]}
        ).status_code
        == 200
    )
    assert follow_signup_link(client, "another-Password-1").status_code == 200
    assert follow_signup_link(client, SIGNUP["password1"]).url == reverse("registration:wizard")
    user.refresh_from_db()
    assert user.is_active
    assert follow_signup_link(Client(), SIGNUP["password1"]).status_code == 200  # used: void


def test_owners_are_told_at_most_a_few_times_an_hour(entrepreneur: User, settings: Any) -> None:
    for _ in range(settings.CLAIM_LINKS_PER_HOUR + 2):
        Client().post(reverse("accounts:signup"), {**SIGNUP, "email": entrepreneur.email})
    assert Message.objects.filter(recipient=entrepreneur).count() == settings.CLAIM_LINKS_PER_HOUR


def test_phone_fields_open_the_phone_keypad() -> None:
    html = str(SignupForm()["phone"])
    assert 'type="tel"' in html and 'inputmode="tel"' in html and 'autocomplete="tel"' in html
