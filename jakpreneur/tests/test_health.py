import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client, override_settings

from jakpreneur import health
from tests.support.servers import throwaway_redis

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _real_broker(settings: Any) -> None:
    """The suite runs tasks in-process by default; the health check speaks of the broker only with one."""
    settings.CELERY_TASK_ALWAYS_EAGER = False


def test_in_process_tasks_need_no_broker(client: Client, settings: Any) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "in-process"}


QueryCounter = Callable[[int], AbstractContextManager[Any]]


def test_healthy_when_database_and_broker_answer(client: Client, django_assert_max_num_queries: QueryCounter) -> None:
    with django_assert_max_num_queries(1):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.fault
def test_broker_down_is_503_quickly_and_healthy_again_once_it_is_back(client: Client) -> None:
    with throwaway_redis() as redis_server, override_settings(CELERY_BROKER_URL=redis_server.url):
        assert client.get("/healthz").status_code == 200

        redis_server.stop()
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started

        assert response.status_code == 503
        assert response.json() == {"database": "ok", "broker": "error"}
        assert str(redis_server.port) not in response.content.decode()
        assert elapsed < 3

        redis_server.start()
        assert client.get("/healthz").json() == {"database": "ok", "broker": "ok"}


class UnreachableDatabase:
    def cursor(self) -> Any:
        raise OperationalError('connection to server at "db.internal" (10.0.0.5), port 5432 failed')


def test_database_down_is_503_without_details(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "connection", UnreachableDatabase())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "error", "broker": "ok"}
    assert b"db.internal" not in response.content


def test_only_reads_are_allowed(client: Client) -> None:
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
