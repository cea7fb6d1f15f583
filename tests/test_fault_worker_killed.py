"""A Celery worker killed mid-delivery: nothing is lost and the recipient's side sees every message once.

A real worker delivers 200 emails to a real SMTP server (tests.support.servers.SmtpSink). The sink kills the worker
with SIGKILL the moment it holds one message's data and before it answers "250": the mail system has the email, the
worker never learns it. The outbox row says "sending" (the attempt was committed before the backend was called);
the broker hands the task the dead worker held to a second worker once the visibility timeout has passed, and that
worker sends it again with the same Message-ID, which the recipient's mail system drops as a copy."""

import base64
import json
import os
import signal
import threading
import time
from collections.abc import Iterable
from typing import Any

import pytest
import redis
from django.db import transaction

from notifications.backends import email_message_id
from notifications.models import Message, Status
from notifications.services import notify
from tests.support.servers import (
    CeleryWorker,
    ReceivedEmail,
    SmtpSink,
    celery_broker,
    celery_worker,
    current_database_url,
    smtp_sink,
    throwaway_redis,
    wait_until,
)

MESSAGES = 200
KILL_AT = 60  # the sink's 60th email
# Short for the test, in the production order: an attempt's time < the visibility timeout (settings, CELERY_*).
SEND_ATTEMPT_SECONDS = 4
VISIBILITY_SECONDS = 8
RESTORE_SECONDS = 1


def held_tasks(redis_url: str) -> dict[str, int]:
    """The tasks the broker counts as handed out and not acknowledged (kombu's `unacked` hash): delivery tag ->
    outbox message id."""
    client = redis.Redis.from_url(redis_url)
    held = {}
    for tag, payload in client.hgetall("unacked").items():
        message, _exchange, _routing_key = json.loads(payload)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        held[tag.decode()] = int(args[0])
    client.close()
    return held


def still_held(redis_url: str, tags: Iterable[str]) -> bool:
    client = redis.Redis.from_url(redis_url)
    try:
        return any(client.hexists("unacked", tag) for tag in tags)
    finally:
        client.close()


@pytest.mark.fault
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_delivery_loses_nothing_and_no_message_id_reaches_the_recipient_twice() -> None:
    workers: list[CeleryWorker] = []
    killed = threading.Event()

    def kill_the_worker_mid_delivery(sink: SmtpSink, received: ReceivedEmail) -> None:
        if sink.count() == KILL_AT and not killed.is_set():
            os.killpg(workers[0].process.pid, signal.SIGKILL)
            killed.set()

    with (
        throwaway_redis() as redis_server,
        smtp_sink(kill_the_worker_mid_delivery) as sink,
        celery_broker(redis_server.url),
    ):
        with transaction.atomic():
            for number in range(MESSAGES):
                notify(
                    template="registration_received",
                    context={"full_name": f"Peserta {number}", "reference": f"JP-2024-{number:06d}"},
                    email=f"peserta{number}@example.id",
                )
        messages = Message.objects.all()
        assert messages.count() == MESSAGES  # and 200 tasks published after the commit
        expected_ids = {email_message_id(str(key)) for key in messages.values_list("key", flat=True)}

        worker_options: dict[str, Any] = {
            "broker_url": redis_server.url,
            "database_url": current_database_url(),
            "env": {
                "OUTBOX_SEND_ATTEMPT_SECONDS": str(SEND_ATTEMPT_SECONDS),
                "TASK_VISIBILITY_SECONDS": str(VISIBILITY_SECONDS),
                "TASK_RESTORE_SECONDS": str(RESTORE_SECONDS),
            },
            "settings": {
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": sink.port,
            },
        }
        with celery_worker(**worker_options) as first:
            workers.append(first)
            wait_until(killed.is_set, timeout=60, describe=first.log)
            first.process.wait(timeout=5)
        killed_at = time.monotonic()

        # What the dead worker held, and the state it left: the email the sink has is "sending" in the outbox.
        tags = held_tasks(redis_server.url)
        held = sorted(tags.values())
        in_flight = messages.get(key=sink.received[KILL_AT - 1].message_id.strip("<>").partition("@")[0])
        assert (in_flight.status, in_flight.attempts) == (Status.SENDING, 1)
        assert held == [in_flight.pk]  # no prefetch: the one task it was running
        sent_before_the_kill = messages.filter(status=Status.SENT).count()
        assert sent_before_the_kill == KILL_AT - 1

        with celery_worker(**worker_options) as second:
            # The second worker puts the dead one's task back in the queue once its visibility timeout is over
            # (and runs it after the tasks queued before it).
            wait_until(
                lambda: not still_held(redis_server.url, tags),
                timeout=VISIBILITY_SECONDS + 20,
                interval=0.1,
                describe=second.log,
            )
            came_back_after = time.monotonic() - killed_at
            wait_until(
                lambda: not messages.exclude(status=Status.SENT).exists(),
                timeout=60,
                describe=second.log,
            )
            second_log = second.log_path.read_text()

    received = sink.message_ids()
    raw_duplicates = len(received) - len(set(received))
    print(
        f"\n{MESSAGES} emails, worker killed at the sink's {KILL_AT}th, held {len(held)} task(s); "
        f"the held task(s) back in the queue {came_back_after:.1f} s after the kill (visibility timeout "
        f"{VISIBILITY_SECONDS} s); the sink saw {len(received)} emails, {raw_duplicates} raw duplicate(s), "
        f"{len(set(received))} distinct Message-IDs"
    )

    # Nothing lost: every message sent, every one at the recipient's side, each under its own stable Message-ID.
    assert set(messages.values_list("status", flat=True)) == {Status.SENT}
    assert set(received) == expected_ids
    # The one copy is the email the worker was killed on, under the same Message-ID: a mail system keeps one.
    assert raw_duplicates == 1
    assert received.count(email_message_id(str(in_flight.key))) == 2
    in_flight.refresh_from_db()
    assert (in_flight.status, in_flight.attempts) == (Status.SENT, 2)
    assert "was lost; sending again with the same key" in second_log
    # The held task came back through the visibility timeout (nothing else runs: no beat), not Redis's hour.
    assert VISIBILITY_SECONDS - 2 <= came_back_after <= VISIBILITY_SECONDS + RESTORE_SECONDS + 5
