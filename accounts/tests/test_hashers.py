"""Issue 12: passwords are hashed with Argon2id at OWASP's parameters, and the PBKDF2 hashes made before are
verified and replaced at the person's next login through the real login page.

The test settings hash with MD5 for speed; these tests put the portal's own PASSWORD_HASHERS back."""

from typing import Any

import argon2
import pytest
from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    check_password,
    identify_hasher,
    make_password,
)
from django.test import Client
from django.urls import reverse

from accounts.hashers import OwaspArgon2PasswordHasher
from accounts.models import User
from conftest import PASSWORD
from jakpreneur.settings import base

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def portal_hashers(settings: Any) -> None:
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS


def stored_parameters(encoded: str) -> argon2.Parameters:
    """The parameters written in a Django Argon2 hash ("argon2" + the PHC string), read by argon2-cffi itself."""
    algorithm, _, phc = encoded.partition("$")
    assert algorithm == "argon2", encoded
    return argon2.extract_parameters("$" + phc)


def user_with_hash(encoded: str) -> User:
    user = User.objects.create_user("lama@example.id", None, full_name="Pengguna Lama")
    User.objects.filter(pk=user.pk).update(password=encoded)
    return user


def log_in(client: Client, password: str) -> Any:
    return client.post(reverse("accounts:login"), {"username": "lama@example.id", "password": password})


def test_the_portal_hashes_first_with_argon2id_and_still_verifies_pbkdf2() -> None:
    assert base.PASSWORD_HASHERS[0] == "accounts.hashers.OwaspArgon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in base.PASSWORD_HASHERS[1:]


def test_a_new_hash_stores_owasps_argon2id_parameters() -> None:
    encoded = make_password(PASSWORD)

    parameters = stored_parameters(encoded)
    assert parameters.type is argon2.Type.ID
    assert parameters.memory_cost == 19 * 1024  # KiB: 19 MiB
    assert parameters.time_cost == 2
    assert parameters.parallelism == 1
    assert parameters.version == 19  # Argon2 1.3 (0x13)
    assert isinstance(identify_hasher(encoded), OwaspArgon2PasswordHasher)
    assert check_password(PASSWORD, encoded)
    assert not check_password(PASSWORD + "x", encoded)


def test_a_pbkdf2_hash_is_replaced_by_argon2id_when_its_owner_logs_in(client: Client) -> None:
    old = make_password(PASSWORD, hasher="pbkdf2_sha256")
    assert old.startswith("pbkdf2_sha256$1000000$"), old
    user = user_with_hash(old)

    response = log_in(client, PASSWORD)

    assert response.status_code == 302, response.content[-2000:]
    assert response.url == reverse("home")
    user.refresh_from_db()
    assert user.password != old
    parameters = stored_parameters(user.password)
    assert (parameters.type, parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (
        argon2.Type.ID,
        19 * 1024,
        2,
        1,
    )
    assert user.check_password(PASSWORD)
    # the session made at that login belongs to the new hash: the person stays logged in
    assert client.get(reverse("home")).status_code == 200
    client.logout()
    assert log_in(client, PASSWORD).status_code == 302


def test_a_wrong_password_leaves_the_pbkdf2_hash_as_it_was(client: Client) -> None:
    old = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user = user_with_hash(old)

    response = log_in(client, "bukan-sandinya-123")

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.password == old


def test_an_argon2_hash_with_djangos_heavier_default_parameters_is_rehashed_at_login(client: Client) -> None:
    heavy = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    assert stored_parameters(heavy).memory_cost == 100 * 1024
    user = user_with_hash(heavy)

    assert log_in(client, PASSWORD).status_code == 302

    user.refresh_from_db()
    assert stored_parameters(user.password).memory_cost == 19 * 1024
    assert stored_parameters(user.password).parallelism == 1


def test_a_hash_made_with_these_parameters_is_not_rehashed(client: Client) -> None:
    current = make_password(PASSWORD)
    user = user_with_hash(current)

    assert log_in(client, PASSWORD).status_code == 302

    user.refresh_from_db()
    assert user.password == current
    assert not OwaspArgon2PasswordHasher().must_update(current)
