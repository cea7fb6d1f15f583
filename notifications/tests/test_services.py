from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone, translation
from kombu.exceptions import OperationalError

from accounts.models import User
from notifications import backends, tasks
from notifications.models import Channel, Message, Status
from notifications.rendering import OutgoingMessage
from notifications.services import (
    MAX_ATTEMPTS,
    DeliveryError,
    message_deliver,
    messages_dispatch_due,
    notify,
)
from notifications.tests.backends import FlakyBackend, KeyRecordingBackend

CONTEXT = {"full_name": "Siti Rahayu", "reference": "JP-2024-000123"}
FAILING_SMS = {"sms": "notifications.tests.backends.FailingBackend", "email": "notifications.backends.EmailBackend"}
FLAKY_SMS = {"sms": "notifications.tests.backends.FlakyBackend", "email": "notifications.backends.EmailBackend"}
RECORDING_SMS = {
    "sms": "notifications.tests.backends.KeyRecordingBackend",
    "email": "notifications.backends.EmailBackend",
}

CaptureCallbacks = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def sms_message(**fields: Any) -> Message:
    defaults: dict[str, Any] = {
        "channel": Channel.SMS,
        "address": "+6281234500001",
        "template": "registration_received",
        "context": CONTEXT,
    }
    return Message.objects.create(**{**defaults, **fields})


# notify: rows, addresses, channels


def test_notify_writes_an_email_and_an_sms_for_a_user_with_both(entrepreneur: User) -> None:
    messages = notify(template="registration_received", context=CONTEXT, user=entrepreneur)

    rows = Message.objects.filter(recipient=entrepreneur).order_by("channel")
    assert [(m.channel, m.address) for m in rows] == [("email", "siti@example.id"), ("sms", "+6281234500001")]
    assert {m.pk for m in messages} == {m.pk for m in rows}
    assert all(m.status == Status.PENDING and m.attempts == 0 and m.context == CONTEXT for m in rows)
    assert all(m.next_attempt_at is not None and m.next_attempt_at > m.created_at for m in rows)


def test_notify_is_one_insert_whatever_the_number_of_channels(
    entrepreneur: User, django_assert_num_queries: Callable[[int], AbstractContextManager[Any]]
) -> None:
    with django_assert_num_queries(1):
        notify(
            template="registration_received",
            context=CONTEXT,
            user=entrepreneur,
            channels=[Channel.EMAIL, Channel.SMS, Channel.WHATSAPP],
        )
    assert Message.objects.count() == 3


def test_explicit_email_and_phone_win_over_the_users(entrepreneur: User) -> None:
    notify(
        template="registration_received",
        context=CONTEXT,
        user=entrepreneur,
        email=" Siti.Baru@Example.ID ",
        phone="0812-3456-7890",
    )

    addresses = dict(Message.objects.values_list("channel", "address"))
    assert addresses == {"email": "siti.baru@example.id", "sms": "+6281234567890"}


def test_notify_without_user_uses_the_given_addresses(db: None) -> None:
    (message,) = notify(template="registration_received", context=CONTEXT, phone="+6281234500009")

    assert message.recipient is None
    assert (message.channel, message.address) == (Channel.SMS, "+6281234500009")


def test_requested_channel_without_an_address_is_skipped(db: None) -> None:
    user = User.objects.create_user(email="tanpa.hp@example.id", full_name="Tanpa HP")

    assert notify(template="registration_received", context=CONTEXT, user=user, channels=[Channel.SMS]) == []
    assert not Message.objects.exists()


def test_whatsapp_goes_to_the_phone(entrepreneur: User) -> None:
    (message,) = notify(
        template="registration_approved", context=CONTEXT, user=entrepreneur, channels=[Channel.WHATSAPP]
    )

    assert (message.channel, message.address) == (Channel.WHATSAPP, "+6281234500001")


def test_invalid_phone_is_refused(db: None) -> None:
    with pytest.raises(ValidationError):
        notify(template="registration_received", context=CONTEXT, phone="12345")
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("template", "context", "error"),
    [
        ("no_such_template", CONTEXT, "Unknown message template"),
        ("registration_rejected", CONTEXT, "needs context keys: reason"),
        ("registration_received", {**CONTEXT, "nik": "3171234567890001"}, "NIK"),
        ("registration_received", {**CONTEXT, "reference": 123}, "wrong type: reference"),
    ],
)
def test_notify_refuses_unknown_templates_missing_context_and_nik(
    entrepreneur: User, template: str, context: dict[str, Any], error: str
) -> None:
    with pytest.raises(ValueError, match=error):
        notify(template=template, context=context, user=entrepreneur)
    assert not Message.objects.exists()


def test_language_is_the_recipients_then_the_active_one(entrepreneur: User, agency_staff: User) -> None:
    """Staff reading English approve a participant who reads Indonesian: the message is in Indonesian."""
    entrepreneur.language = "id"
    entrepreneur.save()
    with translation.override("en-us"):
        (theirs,) = notify(
            template="registration_received", context=CONTEXT, user=entrepreneur, channels=[Channel.SMS]
        )
        (no_user,) = notify(template="registration_received", context=CONTEXT, phone="081234500009")
    entrepreneur.language = "en"
    with translation.override("id"):
        (english,) = notify(
            template="registration_received", context=CONTEXT, user=entrepreneur, channels=[Channel.SMS]
        )
        (chosen,) = notify(
            template="registration_received", context=CONTEXT, user=entrepreneur, channels=[Channel.SMS], language="id"
        )

    assert (theirs.language, no_user.language, english.language, chosen.language) == ("id", "en", "en", "id")


# sending after commit


def test_messages_are_sent_only_after_the_transaction_commits(
    entrepreneur: User, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(template="registration_received", context=CONTEXT, user=entrepreneur)
        assert mail.outbox == []
        assert backends.outbox == []

    assert len(callbacks) == 1
    assert [email.to for email in mail.outbox] == [["siti@example.id"]]
    assert [sms.address for sms in backends.outbox] == ["+6281234500001"]
    assert set(Message.objects.values_list("status", flat=True)) == {Status.SENT}


@pytest.mark.django_db(transaction=True)
def test_real_commit_sends_and_real_rollback_sends_nothing() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(template="registration_received", context=CONTEXT, email="batal@example.id")
        raise RuntimeError("registration failed after notify")

    assert not Message.objects.exists()
    assert mail.outbox == []

    with transaction.atomic():
        (message,) = notify(template="registration_received", context=CONTEXT, email="jadi@example.id")
        assert mail.outbox == []

    assert [email.to for email in mail.outbox] == [["jadi@example.id"]]
    message.refresh_from_db()
    assert message.status == Status.SENT


def test_broker_failure_after_commit_is_swallowed_logged_without_personal_data_and_left_due(
    entrepreneur: User,
    django_capture_on_commit_callbacks: CaptureCallbacks,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broker_down(message_id: int) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_message, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        notify(template="registration_received", context=CONTEXT, user=entrepreneur)

    messages = list(Message.objects.all())
    assert len(messages) == 2
    assert all(
        m.status == Status.PENDING and m.next_attempt_at and m.next_attempt_at <= timezone.now() for m in messages
    )
    assert "Could not enqueue 2 notification message(s) (OperationalError)" in caplog.text
    for personal in ("siti@example.id", "+6281234500001", "81234500001", "Siti", "JP-2024-000123"):
        assert personal not in caplog.text


# delivery: once only, retries, failure


def test_delivering_twice_sends_once(entrepreneur: User) -> None:
    email, sms = sorted(
        notify(template="registration_received", context=CONTEXT, user=entrepreneur, language="en"),
        key=lambda m: m.channel,
    )

    assert message_deliver(message_id=email.pk) is True
    assert message_deliver(message_id=email.pk) is False
    tasks.send_message.delay(sms.pk)
    tasks.send_message.delay(sms.pk)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "JakPreneur: registration JP-2024-000123 received"
    assert len(backends.outbox) == 1
    email.refresh_from_db()
    sms.refresh_from_db()
    assert (email.status, email.attempts, sms.status, sms.attempts) == (Status.SENT, 1, Status.SENT, 1)
    assert email.sent_at is not None and email.next_attempt_at is None


def test_deliver_of_a_missing_message_does_nothing(db: None) -> None:
    assert message_deliver(message_id=987654321) is False


@override_settings(NOTIFICATION_BACKENDS=FAILING_SMS)
def test_backend_failure_records_the_attempt_and_backs_off_until_it_gives_up(db: None) -> None:
    message = sms_message()
    expected_delays = [30, 60, 120, 240]

    for attempt, delay in enumerate(expected_delays, start=1):
        before = timezone.now()
        with pytest.raises(DeliveryError):
            message_deliver(message_id=message.pk)
        message.refresh_from_db()
        assert (message.status, message.attempts) == (Status.PENDING, attempt)
        assert message.last_error == "GatewayDownError: gateway down"
        # The dispatcher sends it again when it is due, `delay` after the failure.
        assert message.next_attempt_at is not None
        assert before + timedelta(seconds=delay) <= message.next_attempt_at
        assert message.next_attempt_at <= timezone.now() + timedelta(seconds=delay)

    assert message_deliver(message_id=message.pk) is False
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (Status.FAILED, MAX_ATTEMPTS, None)
    assert message_deliver(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.attempts == MAX_ATTEMPTS
    assert backends.outbox == []


@override_settings(NOTIFICATION_BACKENDS=FLAKY_SMS)
def test_a_retry_after_a_failure_sends_and_clears_the_error(db: None) -> None:
    message = sms_message()

    with pytest.raises(DeliveryError):
        message_deliver(message_id=message.pk)
    assert message_deliver(message_id=message.pk) is True

    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 2, "")
    assert [sent.message_id for sent in backends.outbox] == [message.pk]


@override_settings(NOTIFICATION_BACKENDS=FAILING_SMS)
def test_the_task_leaves_a_failed_attempt_to_the_dispatcher_instead_of_a_countdown(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A countdown would keep the task unacknowledged in a worker for up to an hour, longer than the broker's
    visibility timeout: Redis would hand it to a second worker meanwhile. The row says when it is due instead."""
    message = sms_message()

    result = tasks.send_message.apply(args=[message.pk])

    assert result.successful() and result.result is False
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.PENDING, 1)
    assert message.next_attempt_at is not None
    assert tasks.send_message.acks_late is True and tasks.send_message.time_limit == 60

    monkeypatch.setattr(timezone, "now", lambda: message.next_attempt_at)
    with override_settings(NOTIFICATION_BACKENDS=FLAKY_SMS):
        assert messages_dispatch_due() == 1  # FlakyBackend fails once: attempt 2
        assert tasks.send_message.apply(args=[message.pk]).result is True
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 3)


# recorded before sending, reconciled after


@override_settings(NOTIFICATION_BACKENDS=RECORDING_SMS)
def test_the_attempt_is_committed_as_sending_before_the_backend_is_called(db: None) -> None:
    message = sms_message()

    assert message_deliver(message_id=message.pk) is True

    assert KeyRecordingBackend.keys == [(message.pk, str(message.key), Status.SENDING)]
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (Status.SENT, 1, None)
    assert message.attempt_started_at is not None and message.sent_at is not None
    assert message.attempt_started_at <= message.sent_at


@override_settings(NOTIFICATION_BACKENDS=RECORDING_SMS)
def test_an_attempt_still_within_its_time_is_left_alone_and_a_lost_one_is_sent_again_with_the_same_key(
    db: None,
) -> None:
    """A worker killed after the gateway took the message but before the row said so: the row stays "sending".
    The broker hands the task out again; while the attempt may still be running, nothing is sent; once it counts
    as lost, the message goes out again under the same key, which the gateway (or the mail system, for the
    Message-ID) uses to deliver it once."""
    now = timezone.now()
    running = sms_message(
        status=Status.SENDING, attempts=1, attempt_started_at=now, next_attempt_at=now + timedelta(seconds=60)
    )
    lost = sms_message(
        status=Status.SENDING,
        attempts=1,
        attempt_started_at=now - timedelta(minutes=2),
        next_attempt_at=now - timedelta(minutes=1),
    )

    assert message_deliver(message_id=running.pk) is False
    assert message_deliver(message_id=lost.pk) is True
    assert message_deliver(message_id=lost.pk) is False

    assert KeyRecordingBackend.keys == [(lost.pk, str(lost.key), Status.SENDING)]
    running.refresh_from_db()
    lost.refresh_from_db()
    assert (running.status, running.attempts) == (Status.SENDING, 1)
    assert (lost.status, lost.attempts) == (Status.SENT, 2)


@override_settings(NOTIFICATION_BACKENDS=FLAKY_SMS)
def test_every_attempt_of_a_message_carries_its_own_key(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    sent_keys: list[str] = []
    first, second = sms_message(), sms_message()

    def flaky_recording(self: FlakyBackend, message: OutgoingMessage, *, idempotency_key: str) -> None:
        sent_keys.append(idempotency_key)
        original_send(self, message, idempotency_key=idempotency_key)

    original_send = FlakyBackend.send
    monkeypatch.setattr(FlakyBackend, "send", flaky_recording)
    for message in (first, second):
        with pytest.raises(DeliveryError):
            message_deliver(message_id=message.pk)
        assert message_deliver(message_id=message.pk) is True

    assert sent_keys == [str(first.key)] * 2 + [str(second.key)] * 2
    assert first.key != second.key


def test_the_dispatcher_takes_up_a_lost_attempt_and_leaves_a_running_one(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    enqueued: list[int] = []
    monkeypatch.setattr(tasks.send_message, "delay", enqueued.append)
    now = timezone.now()
    running = sms_message(
        status=Status.SENDING, attempts=1, attempt_started_at=now, next_attempt_at=now + timedelta(seconds=60)
    )
    lost = sms_message(
        status=Status.SENDING,
        attempts=1,
        attempt_started_at=now - timedelta(minutes=2),
        next_attempt_at=now - timedelta(minutes=1),
    )

    assert messages_dispatch_due() == 1

    assert enqueued == [lost.pk]
    running.refresh_from_db()
    lost.refresh_from_db()
    assert running.status == Status.SENDING
    assert lost.status == Status.PENDING and lost.next_attempt_at and lost.next_attempt_at > now
    message_deliver(message_id=lost.pk)
    lost.refresh_from_db()
    assert (lost.status, lost.attempts) == (Status.SENT, 2)


def test_a_message_that_cannot_be_rendered_fails_without_retrying(db: None) -> None:
    message = sms_message(template="removed_template")

    assert message_deliver(message_id=message.pk) is False

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 1)
    assert message.last_error.startswith("TemplateDoesNotExist")


# the dispatcher


def test_dispatcher_sends_due_messages_only(db: None) -> None:
    now = timezone.now()
    due = sms_message(next_attempt_at=now - timedelta(seconds=1))
    later = sms_message(next_attempt_at=now + timedelta(minutes=5))
    sent = sms_message(status=Status.SENT, sent_at=now, next_attempt_at=None)

    assert tasks.dispatch_pending_messages.delay().get() == 1

    statuses = dict(Message.objects.values_list("pk", "status"))
    assert statuses == {due.pk: Status.SENT, later.pk: Status.PENDING, sent.pk: Status.SENT}
    assert [m.message_id for m in backends.outbox] == [due.pk]


def test_a_fresh_message_is_picked_up_by_the_dispatcher_after_the_grace_period(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = sms_message()
    assert messages_dispatch_due() == 0

    later = timezone.now() + timedelta(seconds=31)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert messages_dispatch_due() == 1
    message.refresh_from_db()
    assert message.status == Status.SENT


def test_dispatcher_leases_what_it_enqueued_and_respects_the_batch_size(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    enqueued: list[int] = []
    monkeypatch.setattr(tasks.send_message, "delay", enqueued.append)
    past = timezone.now() - timedelta(seconds=1)
    ids = [sms_message(next_attempt_at=past - timedelta(seconds=i)).pk for i in range(3)]

    assert messages_dispatch_due(limit=2) == 2
    assert messages_dispatch_due(limit=2) == 1
    assert messages_dispatch_due(limit=2) == 0

    # oldest due first, each message once
    assert enqueued == list(reversed(ids))
    assert all(m.next_attempt_at and m.next_attempt_at > timezone.now() for m in Message.objects.all())


def test_dispatcher_with_broker_down_leaves_messages_due(
    db: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broker_down(message_id: int) -> None:
        raise OperationalError("Connection refused.")

    monkeypatch.setattr(tasks.send_message, "delay", broker_down)
    message = sms_message(next_attempt_at=timezone.now() - timedelta(seconds=1))

    assert messages_dispatch_due() == 0

    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert message.next_attempt_at is not None and message.next_attempt_at <= timezone.now()
    assert "Could not enqueue 1 notification message(s)" in caplog.text
