"""Registration does not depend on the broker: with Redis down the registration is saved and its message
waits in the outbox; once Redis is back a real Celery worker sends it."""

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from notifications.models import Message, Status
from registration.models import Registration
from registration.tests.conftest import login
from registration.tests.test_wizard import fill_all_steps, step_url
from tests.support.servers import celery_broker, celery_worker, current_database_url, throwaway_redis, wait_until


@pytest.mark.fault
@pytest.mark.django_db(transaction=True)
def test_registration_succeeds_with_redis_down_and_its_message_goes_out_when_it_is_back(
    client: Client, entrepreneur: User, private_storage: Path
) -> None:
    login(client, entrepreneur)
    fill_all_steps(client)
    with throwaway_redis() as redis_server, celery_broker(redis_server.url):
        redis_server.stop()

        response = client.post(step_url("review"))

        assert response.status_code == 302 and response.url == reverse("home")
        registration = Registration.objects.get(participant__user=entrepreneur)
        received = Message.objects.filter(template="registration_received", recipient=entrepreneur)
        assert set(received.values_list("status", flat=True)) == {Status.PENDING}

        redis_server.start()
        with celery_worker(
            broker_url=redis_server.url,
            database_url=current_database_url(),
            beat=True,
            env={"OUTBOX_DISPATCH_SECONDS": "1", "PRIVATE_STORAGE_ROOT": str(private_storage)},
        ) as worker:
            wait_until(
                lambda: not received.exclude(status=Status.SENT).exists(),
                timeout=30,
                interval=0.2,
                describe=worker.log,
            )
    assert received.count() == 2  # email and SMS, each sent once
    assert all(message.attempts == 1 for message in received)
    assert registration.reference in str(received.first().context)  # type: ignore[union-attr]
