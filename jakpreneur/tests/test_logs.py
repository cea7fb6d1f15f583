"""Request ids: on every answer, in every log line of the request, and in the lines of the tasks it queued, logged by
a real Celery worker."""

import io
import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from accounts.tests.factories import UserFactory
from jakpreneur.logs import REQUEST_ID_HEADER, RequestContextFilter
from notifications.models import Message, Status
from tests.support.servers import (
    PROJECT_ROOT,
    celery_broker,
    celery_worker,
    current_database_url,
    throwaway_redis,
    wait_until,
)

NEW_ID = re.compile(r"[0-9a-f]{32}")
NGINX_ID = "8a1f0c3e5b7d49a2b6c4e0f1d2a3b4c5"  # what nginx's $request_id looks like


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    """What the portal's configured console handler (its filter and its format) writes, for every logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"]))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def test_the_console_handler_adds_the_request_context_to_every_record() -> None:
    assert settings.MIDDLEWARE[0] == "jakpreneur.logs.RequestIdMiddleware"
    console = settings.LOGGING["handlers"]["console"]
    assert settings.LOGGING["filters"][console["filters"][0]]["()"] == "jakpreneur.logs.RequestContextFilter"
    assert "%(request_id)s" in settings.LOGGING["formatters"][console["formatter"]]["format"]


@pytest.mark.django_db
def test_every_answer_carries_a_new_request_id(client: Client) -> None:
    first = client.get("/healthz/live")[REQUEST_ID_HEADER]
    second = client.get("/")[REQUEST_ID_HEADER]

    assert NEW_ID.fullmatch(first) and NEW_ID.fullmatch(second)
    assert first != second


@pytest.mark.django_db
def test_the_proxys_request_id_is_kept(client: Client) -> None:
    response = client.get("/healthz/live", headers={REQUEST_ID_HEADER: NGINX_ID})

    assert response[REQUEST_ID_HEADER] == NGINX_ID


@pytest.mark.django_db
@pytest.mark.parametrize(
    "hostile",
    [
        "a" * 65,  # too long
        "abc",  # too short to be anyone's id
        "8a1f0c3e\nINFO forged log line",
        "8a1f0c3e5b7d\r\nSet-Cookie: x=1",
        '8a1f0c3e"5b7d}',
        "../../etc/passwd",
        "८१२३४५६७८९",  # digits, but not ASCII
    ],
)
def test_a_hostile_request_id_is_replaced(hostile: str, client: Client, lines: io.StringIO) -> None:
    response = client.get("/healthz/live", headers={REQUEST_ID_HEADER: hostile})

    assert NEW_ID.fullmatch(response[REQUEST_ID_HEADER])
    assert hostile not in lines.getvalue()


@pytest.mark.django_db
def test_a_views_log_line_carries_the_request_id_and_the_users_id_only(
    client: Client, settings: Any, lines: io.StringIO
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens: the health check logs a warning
    user = UserFactory(email="rahmat.hidayat@example.id", full_name="Rahmat Hidayat", phone="+6281234567001")
    client.force_login(user)
    records: list[logging.LogRecord] = []
    logger = logging.getLogger("jakpreneur.health")
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    handler.addFilter(RequestContextFilter())
    logger.addHandler(handler)
    try:
        response = client.get("/healthz/ready", headers={REQUEST_ID_HEADER: NGINX_ID})
    finally:
        logger.removeHandler(handler)

    assert response.status_code == 503
    assert [(r.getMessage(), r.request_id, r.user_id) for r in records] == [  # type: ignore[attr-defined]
        ("Health check: broker unreachable (OperationalError)", NGINX_ID, user.pk)
    ]
    line = next(line for line in lines.getvalue().splitlines() if "broker unreachable" in line)
    assert f"[{NGINX_ID}]" in line
    for personal in ("rahmat", "Rahmat", "+6281234567001"):
        assert personal not in lines.getvalue()


def test_a_line_outside_any_request_says_so(lines: io.StringIO) -> None:
    logging.getLogger("jakpreneur.tests").warning("outside")

    assert "[-] outside" in lines.getvalue()


@pytest.mark.fault
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_logs_the_id_of_the_request_that_queued_its_task(client: Client) -> None:
    user = UserFactory(email="wulan.sari@example.id", full_name="Wulan Sari")
    with throwaway_redis() as redis_server, celery_broker(redis_server.url):
        # The claim form queues a set-password message in the outbox, handed to Celery after the commit.
        response = client.post("/akun/klaim/", {"login": user.email}, headers={REQUEST_ID_HEADER: NGINX_ID})
        assert response.status_code == 200
        assert response[REQUEST_ID_HEADER] == NGINX_ID
        messages = Message.objects.filter(recipient=user)
        assert messages.count() == 1

        with celery_worker(broker_url=redis_server.url, database_url=current_database_url()) as worker:
            wait_until(lambda: messages.filter(status=Status.SENT).exists(), timeout=30, describe=worker.log)
            wait_until(lambda: "succeeded" in worker.log(), timeout=10, describe=worker.log)
            output = worker.log()

    succeeded = [
        line for line in output.splitlines() if "notifications.tasks.send_message[" in line and "succeeded" in line
    ]
    assert len(succeeded) == 1, output
    assert f"[{NGINX_ID}]" in succeeded[0]
    assert "wulan" not in output.lower()
    assert User.objects.filter(pk=user.pk).exists()


PRODUCTION_LOGGING = """
import logging
import django
django.setup()
from django.http import HttpResponse
from django.test import RequestFactory
from jakpreneur.logs import RequestIdMiddleware

def view(request):
    logging.getLogger("registration.services").info("Registration %s submitted", 42)
    try:
        raise ValueError("two\\nlines")
    except ValueError:
        logging.getLogger("registration.services").exception("Could not notify")
    return HttpResponse()

RequestIdMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="THE_ID"))
"""


def test_production_logs_one_json_object_a_line_on_stdout() -> None:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jakpreneur.settings.production",
        "SECRET_KEY": "production-logging-test-" + "x" * 40,
        "DATABASE_URL": "postgres://jakpreneur:unused@127.0.0.1:1/jakpreneur",  # never connected
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "NIK_ENCRYPTION_KEYS": "dGVzdC1rZXktb25lLTMyLWJ5dGVzLWxvbmctZmVybmU=",
        "NIK_HASH_KEY": "production-logging-test",
    }
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_LOGGING.replace("THE_ID", NGINX_ID)],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["level"], r["logger"], r["message"], r["request_id"]) for r in records] == [
        ("INFO", "registration.services", "Registration 42 submitted", NGINX_ID),
        ("ERROR", "registration.services", "Could not notify", NGINX_ID),
    ]
    assert "ValueError: two\nlines" in records[1]["exc_info"]
    assert all({"time", "user_id"} <= record.keys() for record in records)
