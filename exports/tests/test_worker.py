"""A big export through the real broker and a real Celery worker: with Redis down its owner is told at once that
it failed (never left waiting for a file that cannot come); with Redis up the worker writes the file into private
storage and the owner is told it is ready."""

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from exports.models import Export, Status
from notifications.models import Message
from registration.tests.conftest import login
from registration.tests.factories import RegistrationFactory
from tests.support.servers import celery_broker, celery_worker, current_database_url, throwaway_redis, wait_until

from .support import ask, content, table


@pytest.mark.fault
@pytest.mark.django_db(transaction=True)
def test_a_big_export_fails_clearly_with_redis_down_and_is_written_by_a_worker_when_it_is_back(
    client: Client, agency_staff: User, private_storage: Path, settings: Any
) -> None:
    settings.EXPORT_SYNC_MAX_ROWS = 2
    RegistrationFactory.create_batch(3)
    login(client, agency_staff)
    with throwaway_redis() as redis_server, celery_broker(redis_server.url):
        redis_server.stop()
        response = ask(client, "registration.participants", "xlsx")
        assert response.status_code == 302
        lost = Export.objects.get()
        assert lost.status == Status.FAILED
        assert Message.objects.filter(template="exports_failed", recipient=agency_staff).exists()

        redis_server.start()
        ask(client, "registration.participants", "xlsx")
        export = Export.objects.exclude(pk=lost.pk).get()
        assert export.status == Status.RUNNING
        with celery_worker(
            broker_url=redis_server.url,
            database_url=current_database_url(),
            env={"PRIVATE_STORAGE_ROOT": str(private_storage)},
        ) as worker:
            wait_until(
                lambda: Export.objects.filter(pk=export.pk, status=Status.READY).exists(),
                timeout=60,
                interval=0.2,
                describe=worker.log,
            )
    export.refresh_from_db()
    assert export.row_count == 3 and (private_storage / export.file.name).is_file()
    assert Message.objects.filter(template="exports_ready", recipient=agency_staff).exists()
    rows = table(content(client.get(reverse("exports:download", args=[export.pk]))), "xlsx")
    assert len(rows) == 4
