"""Liveness and readiness, against real servers: a throwaway Redis stopped and started, and "black holes" (a port
that accepts connections and never answers: a server stopped with SIGSTOP or lost on the network), for the
broker and for PostgreSQL, the case only short timeouts and a deadline can answer quickly."""

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
from django.test import Client, override_settings

from tests.support.servers import PROJECT_ROOT, current_database_url, free_port, throwaway_redis

pytestmark = pytest.mark.django_db

# Readiness answers within about a second (jakpreneur.health.CHECK_SECONDS and the request's own cost); a busy
# CI machine gets a little more.
READY_WITHIN_SECONDS = 1.5

QueryCounter = Callable[[int], AbstractContextManager[Any]]


@pytest.fixture(autouse=True)
def _real_broker(settings: Any) -> None:
    """The suite runs tasks in-process by default; the health check speaks of the broker only with one."""
    settings.CELERY_TASK_ALWAYS_EAGER = False


@contextmanager
def black_hole() -> Iterator[int]:
    """A port on 127.0.0.1 whose connections the kernel accepts and nobody ever answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield listener.getsockname()[1]


def timed_get(client: Client, path: str) -> tuple[Any, float]:
    started = time.monotonic()
    response = client.get(path)
    return response, time.monotonic() - started


def test_in_process_tasks_need_no_broker(client: Client, settings: Any) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "in-process"}


@pytest.mark.parametrize("path", ["/healthz", "/healthz/ready"])
def test_ready_when_database_and_broker_answer(
    path: str, client: Client, django_assert_num_queries: QueryCounter
) -> None:
    # The database is asked on a connection of the check's own: the request's connection runs nothing.
    with django_assert_num_queries(0):
        response = client.get(path)

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_live_asks_no_dependency(client: Client, settings: Any, django_assert_num_queries: QueryCounter) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    with django_assert_num_queries(0):
        response = client.get("/healthz/live")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.fault
def test_broker_down_is_503_within_a_second_and_ready_again_once_it_is_back(client: Client) -> None:
    with throwaway_redis() as redis_server, override_settings(CELERY_BROKER_URL=redis_server.url):
        assert client.get("/healthz/ready").status_code == 200

        redis_server.stop()
        response, seconds = timed_get(client, "/healthz/ready")

        assert response.status_code == 503
        assert response.json() == {"database": "ok", "broker": "error"}
        assert str(redis_server.port) not in response.content.decode()
        assert seconds < READY_WITHIN_SECONDS
        assert client.get("/healthz").status_code == 503
        assert client.get("/healthz/live").status_code == 200

        redis_server.start()
        assert client.get("/healthz/ready").json() == {"database": "ok", "broker": "ok"}


@pytest.mark.fault
def test_a_broker_that_never_answers_is_503_within_a_second_and_no_probe_waits_on_it(client: Client) -> None:
    with black_hole() as port, override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{port}/0"):
        answers = [timed_get(client, "/healthz/ready") for _ in range(3)]

    for response, seconds in answers:
        assert response.status_code == 503
        assert response.json() == {"database": "ok", "broker": "error"}
        assert seconds < READY_WITHIN_SECONDS


class PortalProcess:
    """A separate portal process (test settings) on the given database and broker, answering the paths written
    to it with the status, body and time of each, so a test can point it at a database that fails."""

    SERVE = (
        "import json, sys, time\n"
        "import django\n"
        "django.setup()\n"
        "from django.test import Client\n"
        "client = Client(raise_request_exception=False)\n"
        "client.get('/healthz/live')  # the first request loads the URLs and views: not what is measured\n"
        "print('ready', flush=True)\n"
        "for line in sys.stdin:\n"
        "    started = time.monotonic()\n"
        "    response = client.get(line.strip())\n"
        "    answer = {'status': response.status_code, 'body': response.content.decode(),\n"
        "              'seconds': time.monotonic() - started}\n"
        "    print(json.dumps(answer), flush=True)\n"
    )

    def __init__(self, *, database_url: str, broker_url: str) -> None:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "jakpreneur.settings.test",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "REDIS_URL": broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-c", self.SERVE],
            cwd=PROJECT_ROOT,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.read() == "ready"

    def read(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def get(self, path: str) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(path + "\n")
        self.process.stdin.flush()
        answer: dict[str, Any] = json.loads(self.read())
        return answer

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=10)


@contextmanager
def portal_process(*, database_url: str, broker_url: str) -> Iterator[PortalProcess]:
    portal = PortalProcess(database_url=database_url, broker_url=broker_url)
    try:
        yield portal
    finally:
        portal.close()


@pytest.mark.fault
def test_a_database_that_never_answers_is_503_within_a_second_while_the_process_stays_live() -> None:
    with throwaway_redis() as broker, black_hole() as port:
        database_url = f"postgres://postgres@127.0.0.1:{port}/jakpreneur"
        with portal_process(database_url=database_url, broker_url=broker.url) as portal:
            answers = [portal.get("/healthz/ready") for _ in range(3)]
            live = portal.get("/healthz/live")

    for answer in answers:
        assert answer["status"] == 503
        assert json.loads(answer["body"]) == {"database": "error", "broker": "ok"}
        assert answer["seconds"] < READY_WITHIN_SECONDS
        assert str(port) not in answer["body"]
    assert live["status"] == 200


@pytest.mark.fault
def test_a_database_refusing_connections_is_503_at_once_and_ready_with_a_real_one() -> None:
    with throwaway_redis() as broker:
        refused = f"postgres://postgres@127.0.0.1:{free_port()}/jakpreneur"  # nothing listens: a stopped server
        with portal_process(database_url=refused, broker_url=broker.url) as portal:
            down = portal.get("/healthz/ready")
        with portal_process(database_url=current_database_url(), broker_url=broker.url) as portal:
            up = portal.get("/healthz/ready")

    assert down["status"] == 503
    assert json.loads(down["body"]) == {"database": "error", "broker": "ok"}
    assert down["seconds"] < READY_WITHIN_SECONDS
    assert up["status"] == 200
    assert json.loads(up["body"]) == {"database": "ok", "broker": "ok"}


def test_only_reads_are_allowed(client: Client) -> None:
    for path in ("/healthz", "/healthz/ready", "/healthz/live"):
        assert client.head(path).status_code == 200
        assert client.post(path).status_code == 405
