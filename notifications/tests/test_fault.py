"""A lost broker loses nothing: a message written while Redis is down goes out once Redis is back."""

import logging
import time

import pytest
from django.db import transaction

from accounts.models import User
from notifications.models import Message, Status
from notifications.services import notify
from tests.support.servers import celery_broker, celery_worker, current_database_url, throwaway_redis, wait_until


@pytest.mark.fault
@pytest.mark.django_db(transaction=True)
def test_message_written_while_the_broker_is_down_is_sent_by_a_real_worker_once_it_is_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with throwaway_redis() as redis_server, celery_broker(redis_server.url):
        redis_server.stop()

        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="notifications"), transaction.atomic():
            user = User.objects.create_user(
                email="dewi.walkin@example.id", phone="+6281234509999", full_name="Dewi Lestari"
            )
            notify(
                template="registration_received",
                context={"full_name": user.full_name, "reference": "JP-2024-000777"},
                user=user,
            )
        commit_seconds = time.monotonic() - started

        # The registration committed; the messages wait in the outbox, due for the dispatcher.
        assert User.objects.filter(pk=user.pk).exists()
        messages = Message.objects.filter(recipient=user)
        assert sorted(messages.values_list("channel", "status", "attempts")) == [
            ("email", Status.PENDING, 0),
            ("sms", Status.PENDING, 0),
        ]
        assert commit_seconds < 0.5, f"publishing to a dead broker blocked the request for {commit_seconds:.1f}s"
        assert "Could not enqueue 2 notification message(s)" in caplog.text
        for personal in ("dewi.walkin@example.id", "+6281234509999", "Dewi", "JP-2024-000777"):
            assert personal not in caplog.text

        redis_server.start()
        with celery_worker(
            broker_url=redis_server.url,
            database_url=current_database_url(),
            beat=True,
            env={"OUTBOX_DISPATCH_SECONDS": "1"},
        ) as worker:
            wait_until(
                lambda: messages.filter(status=Status.SENT).count() == 2,
                timeout=30,
                interval=0.2,
                describe=worker.log,
            )
            assert worker.alive
            worker_log = worker.log()

    # The worker's beat ran the dispatcher, which handed both messages to send_message.
    assert "Dispatching 2 pending notification message(s)" in worker_log
    assert worker_log.count("notifications.tasks.send_message[") == 4  # received + succeeded, twice

    # Sent once each: the dispatcher's lease and the row lock keep a second run from sending again.
    assert sorted(messages.values_list("channel", "status", "attempts")) == [
        ("email", Status.SENT, 1),
        ("sms", Status.SENT, 1),
    ]
    assert all(message.sent_at is not None and message.last_error == "" for message in messages)
