"""Encryption at rest for personal data, and keyed hashes for exact lookups.

Values are encrypted with Fernet (AES-128-CBC with HMAC-SHA256, from the `cryptography` package) through
MultiFernet: the first key in settings.NIK_ENCRYPTION_KEYS encrypts, every key decrypts, so a new key can be
put first and old rows re-encrypted with `manage.py rotate_encryption_keys` before the old key is dropped.
The HMAC key of the keyed hash is one key: changing it means recomputing every hash (not needed to rotate
the encryption keys).
"""

import hashlib
import hmac
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("NIK_ENCRYPTION_KEYS is empty: set at least one Fernet key.")
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.NIK_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return fernet().decrypt(token.encode()).decode()


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of a value under settings.NIK_HASH_KEY: equal inputs give equal hashes, nothing else leaks."""
    key = settings.NIK_HASH_KEY
    if not key:
        raise ImproperlyConfigured("NIK_HASH_KEY is empty.")
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text column whose value is stored encrypted; reads give the plain text back.

    The ciphertext is not searchable: pair the field with a keyed hash column for exact lookups.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        """Ciphertexts differ each time: only `isnull` means anything; any other lookup is a mistake."""
        if lookup_name != "isnull":
            raise FieldError(f"An encrypted field cannot be searched with {lookup_name!r}; use its keyed hash.")
        return super().get_lookup(lookup_name)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))
