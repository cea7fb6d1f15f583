"""Notifications sits below accounts and knows no user model; its tasks import its services, never the reverse;
one retry policy, the outbox's, says when a failed message is tried again."""

import ast
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from notifications import queue, tasks
from notifications.models import Channel, Message, Status
from notifications.services import message_deliver, notify

APP = Path(__file__).resolve().parents[1]
FAILING_SMS = {"sms": "notifications.tests.backends.FailingBackend", "email": "notifications.backends.EmailBackend"}
CONTEXT = {"full_name": "Siti Rahayu", "reference": "JP-2024-000123"}


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function (relative imports as '.name')."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            found.add(base)
            found.update(f"{base}.{alias.name}" if node.level and not node.module else base for alias in node.names)
    return found


def test_notifications_imports_no_app_above_it() -> None:
    for path in APP.glob("*.py"):
        above = {m for m in imported_modules(path) if m.split(".")[0] in {"accounts", "registration", "mentoring"}}
        assert not above, f"{path.name} imports {above}"


@pytest.mark.parametrize("module", ["services.py", "queue.py", "selectors.py", "models.py", "rendering.py"])
def test_only_tasks_import_tasks(module: str) -> None:
    modules = imported_modules(APP / module)
    assert not {".tasks", "notifications.tasks"} & modules, f"{module} imports the tasks"


def test_the_send_message_task_is_registered_under_the_name_services_enqueue() -> None:
    assert tasks.send_message.name == queue.SEND_MESSAGE_TASK


def test_the_retry_policy_backs_off_exponentially_up_to_its_cap() -> None:
    policy = queue.RETRY
    assert [policy.delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert policy.delay(20) == timedelta(seconds=policy.backoff_max_seconds)


@pytest.mark.django_db
@override_settings(NOTIFICATION_BACKENDS=FAILING_SMS)
def test_the_task_follows_the_outbox_retry_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    policy = queue.RetryPolicy(max_attempts=2, backoff_seconds=7, backoff_max_seconds=100)
    monkeypatch.setattr(queue, "RETRY", policy)
    monkeypatch.setattr("notifications.services.RETRY", policy)
    message = Message.objects.create(
        channel=Channel.SMS, address="+6281234500001", template="registration_received", context=CONTEXT
    )

    before = timezone.now()
    assert tasks.send_message.apply(args=[message.pk]).result is False
    message.refresh_from_db()
    assert message.next_attempt_at is not None and message.next_attempt_at >= before + timedelta(seconds=7)
    assert message.next_attempt_at <= timezone.now() + timedelta(seconds=7)

    assert message_deliver(message_id=message.pk) is False  # the policy's second attempt was its last
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 2)


@dataclass(frozen=True)
class Person:
    """Anything with an email, a phone, a language and a pk is a recipient."""

    pk: int | None
    email: str | None
    phone: str | None
    language: str


@pytest.mark.django_db
def test_a_recipient_is_anything_with_the_addresses_and_a_language() -> None:
    messages = notify(
        template="registration_received",
        context=CONTEXT,
        user=Person(pk=None, email="Ani@Example.id", phone="0812 3450 0009", language="en"),
    )
    assert sorted((m.channel, m.address, m.language, m.recipient_id) for m in messages) == [
        ("email", "ani@example.id", "en", None),
        ("sms", "+6281234500009", "en", None),
    ]
