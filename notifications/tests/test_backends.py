import logging

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from notifications import backends
from notifications.backends import (
    EmailBackend,
    LogBackend,
    MemoryBackend,
    email_message_id,
    get_backend,
    mask_address,
)
from notifications.rendering import OutgoingMessage

KEY = "0b9f3c2e-5d41-4b7a-9a57-2f6d8c1e4a10"


def outgoing(channel: str = "sms", address: str = "+6281234567890") -> OutgoingMessage:
    return OutgoingMessage(
        message_id=7,
        channel=channel,
        address=address,
        template="account_claim",
        language="id",
        subject="JakPreneur: your account is ready",
        body="Hello Siti, set your password here: https://jakpreneur.example/klaim/secret-token",
    )


def test_email_backend_sends_one_plain_text_email() -> None:
    EmailBackend().send(outgoing("email", "siti@example.id"), idempotency_key=KEY)

    (email,) = mail.outbox
    assert email.to == ["siti@example.id"]
    assert email.subject == "JakPreneur: your account is ready"
    assert email.body.endswith("secret-token")
    assert email.from_email == "JakPreneur <no-reply@jakpreneur.jakarta.go.id>"


def test_the_emails_message_id_is_the_key_every_time() -> None:
    """A second attempt of one message (its worker died mid-send) is the same email to the mail systems."""
    EmailBackend().send(outgoing("email", "siti@example.id"), idempotency_key=KEY)
    EmailBackend().send(outgoing("email", "siti@example.id"), idempotency_key=KEY)

    assert [email.message()["Message-ID"] for email in mail.outbox] == [f"<{KEY}@testserver>"] * 2
    assert email_message_id(KEY) == f"<{KEY}@testserver>"


def test_log_backend_masks_the_address_and_leaves_out_the_body(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="notifications.backends"):
        LogBackend().send(outgoing(), idempotency_key=KEY)
        LogBackend().send(outgoing("email", "siti@example.id"), idempotency_key=KEY)

    assert "+6281******890" in caplog.text
    assert f"(key {KEY})" in caplog.text
    assert "s***@example.id" in caplog.text
    for secret in ("+6281234567890", "siti@", "secret-token", "Siti"):
        assert secret not in caplog.text


def test_memory_backend_keeps_messages_in_order() -> None:
    first, second = outgoing(), outgoing("whatsapp")
    MemoryBackend().send(first, idempotency_key=KEY)
    MemoryBackend().send(second, idempotency_key=KEY)

    assert backends.outbox == [first, second]


@pytest.mark.parametrize(
    ("address", "masked"), [("+6281234567890", "+6281******890"), ("budi@example.id", "b***@example.id")]
)
def test_mask_address(address: str, masked: str) -> None:
    assert mask_address(address) == masked


def test_get_backend_follows_settings() -> None:
    assert isinstance(get_backend("email"), EmailBackend)
    assert isinstance(get_backend("sms"), MemoryBackend)
    with override_settings(NOTIFICATION_BACKENDS={"sms": "notifications.backends.LogBackend"}):
        assert isinstance(get_backend("sms"), LogBackend)
        with pytest.raises(ImproperlyConfigured):
            get_backend("email")
