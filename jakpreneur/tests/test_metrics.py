"""/metrics: refused without its token; counts requests; the outbox backlog counted in one query; and a real Celery
worker, with the production pool (prefork) and multiprocess mode, serving what its pool processes counted."""

import os
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from jakpreneur.celery import app
from notifications.models import Channel, Message, Status
from tests.support.servers import (
    PROJECT_ROOT,
    CeleryWorker,
    celery_broker,
    current_database_url,
    free_port,
    stop_process_group,
    throwaway_redis,
    wait_until,
)

TOKEN = "metrics-test-token-4f1c"
QueryCounter = Callable[[int], AbstractContextManager[Any]]


@pytest.fixture(autouse=True)
def _token(settings: Any) -> None:
    settings.METRICS_TOKEN = TOKEN


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text page by name and sorted labels."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(client: Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain")
    return samples(response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "authorization", [None, "", "Bearer", "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x", TOKEN]
)
def test_metrics_are_refused_without_the_token(authorization: str | None, client: Client) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = client.get("/metrics", headers=headers)

    assert response.status_code == 404
    assert b"jakpreneur_" not in response.content


@pytest.mark.django_db
def test_without_a_token_set_there_is_no_metrics_page(client: Client, settings: Any) -> None:
    settings.METRICS_TOKEN = ""

    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404
    assert client.get("/metrics").status_code == 404


@pytest.mark.django_db
def test_only_reads_are_allowed(client: Client) -> None:
    assert client.post("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 405


@pytest.mark.django_db
def test_a_request_shows_in_the_request_counter(client: Client) -> None:
    key = (
        "django_http_requests_total_by_view_transport_method_total",
        (("method", "GET"), ("transport", "http"), ("view", "healthz-live")),
    )
    before = scrape(client).get(key, 0.0)

    client.get("/healthz/live")
    client.get("/healthz/live")

    assert scrape(client)[key] == before + 2


def pending(count: int, *, created: Any) -> list[Message]:
    return [
        Message(channel=Channel.EMAIL, address=f"p{n}@example.id", template="account_claim", created_at=created)
        for n in range(count)
    ]


@pytest.mark.django_db
def test_the_outbox_backlog_is_the_pending_rows_counted_in_one_query(
    client: Client, django_assert_num_queries: QueryCounter
) -> None:
    now = timezone.now()
    Message.objects.bulk_create(
        [
            *pending(120, created=now - timedelta(minutes=5)),
            *pending(1, created=now - timedelta(hours=2)),  # the oldest waiting
            Message(  # an attempt under way (or one a killed worker left): not sent yet either
                channel=Channel.EMAIL,
                address="s@example.id",
                template="account_claim",
                status=Status.SENDING,
                attempt_started_at=now,
                created_at=now - timedelta(minutes=1),
            ),
            *[
                Message(
                    channel=Channel.SMS,
                    address="+6281234500009",
                    template="account_claim",
                    status=Status.SENT,
                    sent_at=now,
                    next_attempt_at=None,
                    created_at=now - timedelta(days=3),  # older, but sent: not waiting
                )
                for _ in range(30)
            ],
        ]
    )

    with django_assert_num_queries(1):
        page = scrape(client)

    assert page[("jakpreneur_outbox_pending_messages", ())] == 122
    assert page[("jakpreneur_outbox_pending_messages", ())] == Message.objects.exclude(status=Status.SENT).count()
    assert 7200 <= page[("jakpreneur_outbox_oldest_pending_age_seconds", ())] < 7200 + 60


@pytest.mark.django_db
def test_an_empty_outbox_has_no_backlog(client: Client) -> None:
    page = scrape(client)

    assert page[("jakpreneur_outbox_pending_messages", ())] == 0
    assert page[("jakpreneur_outbox_oldest_pending_age_seconds", ())] == 0


@contextmanager
def prefork_worker(*, broker_url: str, metrics_port: int, multiprocess_dir: Path) -> Iterator[CeleryWorker]:
    """A Celery worker as the compose service runs it: the prefork pool (two processes), multiprocess metrics."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jakpreneur.settings.test",
        "DATABASE_URL": current_database_url(),
        "CELERY_BROKER_URL": broker_url,
        "REDIS_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PROMETHEUS_MULTIPROC_DIR": str(multiprocess_dir),
        "WORKER_METRICS_PORT": str(metrics_port),
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "jakpreneur", "worker",
        "--pool", "prefork", "--concurrency", "2", "--loglevel", "INFO",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--hostname", f"metrics-{os.getpid()}@%h",
    ]  # fmt: skip
    log_path = multiprocess_dir.parent / "worker.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = CeleryWorker(process, log_path)
    try:
        worker.wait_ready(timeout=60)
        yield worker
    finally:
        stop_process_group(process, grace=10.0)


def worker_page(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        return samples(response.read().decode())


def task_count(page: dict[tuple[str, tuple[tuple[str, str], ...]], float], task: str, outcome: str) -> float:
    return page.get(("jakpreneur_celery_tasks_total", (("outcome", outcome), ("task", task))), 0.0)


@pytest.mark.fault
@pytest.mark.django_db(transaction=True)
def test_a_real_prefork_worker_serves_its_pools_task_successes_and_failures() -> None:
    port = free_port()
    dispatch, send = "notifications.tasks.dispatch_pending_messages", "notifications.tasks.send_message"
    with (
        tempfile.TemporaryDirectory(prefix="worker-metrics-") as workdir,
        throwaway_redis() as redis_server,
        celery_broker(redis_server.url),
    ):
        multiprocess_dir = Path(workdir) / "multiproc"
        with prefork_worker(broker_url=redis_server.url, metrics_port=port, multiprocess_dir=multiprocess_dir) as w:
            for _ in range(3):
                app.send_task(dispatch)  # nothing pending: it succeeds, returning 0
            app.send_task(send, args=["not-a-message-id"])  # a ValueError in the task: it fails

            def counted() -> bool:
                page = worker_page(port)
                return task_count(page, dispatch, "succeeded") == 3 and task_count(page, send, "failed") == 1

            wait_until(counted, timeout=30, interval=0.3, describe=w.log)
            page = worker_page(port)
            written_by = sorted(path.name for path in multiprocess_dir.glob("counter_*.db"))

    assert task_count(page, send, "succeeded") == 0
    assert task_count(page, dispatch, "failed") == 0
    # The pool's processes counted in files of their own, which the main process adds up.
    assert written_by, "no process wrote a counter file: multiprocess mode is off"
