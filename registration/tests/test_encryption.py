"""The NIK at rest: encrypted with rotatable keys, unique and searchable through a keyed hash."""

from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from core.crypto import _fernet, keyed_hash
from registration.models import Participant
from registration.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def raw_nik(participant: Participant) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nik, nik_hash FROM registration_participant WHERE id = %s", [participant.pk])
        nik, _hash = cursor.fetchone()
    return str(nik)


def test_the_nik_is_stored_encrypted_and_read_back_plain() -> None:
    participant = ParticipantFactory(nik="3174015708900002")
    stored = raw_nik(participant)
    assert "3174015708900002" not in stored
    assert stored.startswith("gAAAA")  # a Fernet token
    assert Participant.objects.get(pk=participant.pk).nik == "3174015708900002"
    assert Participant.objects.get(nik_hash=keyed_hash("3174015708900002")) == participant


def test_the_keyed_hash_carries_uniqueness() -> None:
    ParticipantFactory(nik="3174015708900002")
    with pytest.raises(IntegrityError):
        ParticipantFactory(nik="3174015708900002")


def test_keys_rotate_without_losing_a_nik(settings: Any) -> None:
    old_key = settings.NIK_ENCRYPTION_KEYS[0]
    participant = ParticipantFactory(nik="3174015708900002")
    old_token = raw_nik(participant)

    new_key = Fernet.generate_key().decode()
    settings.NIK_ENCRYPTION_KEYS = [new_key, old_key]
    _fernet.cache_clear()
    assert Participant.objects.get(pk=participant.pk).nik == "3174015708900002"  # old rows still read

    call_command("rotate_encryption_keys", stdout=None)
    assert raw_nik(participant) != old_token

    settings.NIK_ENCRYPTION_KEYS = [new_key]  # the old key is dropped
    _fernet.cache_clear()
    assert Participant.objects.get(pk=participant.pk).nik == "3174015708900002"
    _fernet.cache_clear()


def test_searching_the_encrypted_column_is_refused() -> None:
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):
        Participant.objects.filter(nik="3174015708900002").exists()
    assert not Participant.objects.filter(nik__isnull=True).exists()


def test_the_masked_nik_is_kept_with_every_save_and_read_without_decrypting() -> None:
    participant = ParticipantFactory(nik="3174015708900002")
    assert Participant.objects.filter(pk=participant.pk, nik_masked="3174********0002").exists()
    participant.nik = "3174015708900003"  # a corrected NIK
    participant.save()
    assert Participant.objects.values_list("nik_masked", flat=True).get(pk=participant.pk) == "3174********0003"
    listed = Participant.objects.only("full_name", "nik_masked").get(pk=participant.pk)
    with CaptureQueriesContext(connection) as queries:
        assert listed.masked_nik == "3174********0003"
    assert not queries.captured_queries  # the encrypted NIK is neither loaded nor decrypted
    assert "nik_masked" not in {field.name for field in Participant.pgh_event_models["updated"]._meta.fields}
