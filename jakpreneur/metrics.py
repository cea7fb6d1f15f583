"""Prometheus metrics: what django-prometheus counts (requests, database, cache), the outcome of every Celery task,
and the outbox's backlog.

Processes: gunicorn runs several worker processes and a Celery worker several pool processes, each counting on
its own. prometheus_client's multiprocess mode adds them up: with PROMETHEUS_MULTIPROC_DIR set (the image sets
it; the directory is made here if missing, before any metric exists), every process writes its counters to
memory-mapped files in that directory, and whoever serves the metrics reads them all. The web service serves
them at /metrics; a Celery worker's main process serves its pool's task counters on WORKER_METRICS_PORT (its
pool processes come and go; the files of one that ended keep its counts, as counters must). Without the
variable (tests, the embedded default) each process counts in memory alone, which is right for one process.

/metrics is not public: it answers only `Authorization: Bearer <METRICS_TOKEN>` (404 while the setting is
empty), and the proxy (deploy/nginx.conf) refuses it from outside, so Prometheus scrapes the web service on the
internal network. The worker's port is published nowhere either (docker-compose.yml).
"""

import logging
import os
import secrets
from collections.abc import Iterator
from typing import Any, Final

from celery.signals import task_failure, task_retry, task_success, worker_init
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import REGISTRY, CollectorRegistry, Counter, start_http_server
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

MULTIPROCESS_DIR: Final = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
if MULTIPROCESS_DIR:
    os.makedirs(MULTIPROCESS_DIR, mode=0o700, exist_ok=True)

TASKS = Counter(
    "jakpreneur_celery_tasks",
    "Celery tasks run, by task name and outcome (succeeded, failed, retried).",
    ["task", "outcome"],
)


def _task_name(sender: Any) -> str:
    return str(getattr(sender, "name", None) or sender)


@task_success.connect
def _count_success(sender: Any = None, **kwargs: Any) -> None:
    TASKS.labels(task=_task_name(sender), outcome="succeeded").inc()


@task_failure.connect
def _count_failure(sender: Any = None, **kwargs: Any) -> None:
    TASKS.labels(task=_task_name(sender), outcome="failed").inc()


@task_retry.connect
def _count_retry(sender: Any = None, **kwargs: Any) -> None:
    TASKS.labels(task=_task_name(sender), outcome="retried").inc()


def process_registry() -> CollectorRegistry:
    """What this process serves: every process's metrics in multiprocess mode, else this process's own."""
    if not MULTIPROCESS_DIR:
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=MULTIPROCESS_DIR)  # type: ignore[no-untyped-call]
    return registry


@worker_init.connect
def _serve_worker_metrics(**kwargs: Any) -> None:
    """A Celery worker's main process serves the task counters of all its pool processes (multiprocess mode)."""
    port = settings.WORKER_METRICS_PORT
    if not port:
        return
    try:
        start_http_server(port, registry=process_registry())
    except OSError as exc:
        # A worker without metrics still delivers messages: say so loudly rather than stop.
        logger.error("Worker metrics not served: port %d unavailable (%s)", port, type(exc).__name__)
        return
    logger.info("Worker metrics served on port %d", port)


class OutboxCollector(Collector):
    """The outbox's backlog, counted when Prometheus asks: messages not sent yet (pending, or an attempt under way)
    and the age of the oldest one, in one query over those rows (the dispatch index on (status, next_attempt_at)
    finds them)."""

    def collect(self) -> Iterator[Metric]:
        from django.db.models import Count, Min

        from notifications.models import Message, Status

        # waiting to be sent: pending, or an attempt under way (one a killed worker left is sent again later)
        backlog = Message.objects.filter(status__in=[Status.PENDING, Status.SENDING]).aggregate(
            count=Count("pk"), oldest=Min("created_at")
        )
        oldest = backlog["oldest"]
        age = max((timezone.now() - oldest).total_seconds(), 0.0) if oldest else 0.0
        yield GaugeMetricFamily(
            "jakpreneur_outbox_pending_messages", "Outbox messages not sent yet.", value=backlog["count"]
        )
        yield GaugeMetricFamily(
            "jakpreneur_outbox_oldest_pending_age_seconds",
            "How long the oldest pending outbox message has waited (0 when none waits).",
            value=age,
        )


def _bearer_token(request: HttpRequest) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus's text format: every process's metrics and the outbox backlog, for the bearer of METRICS_TOKEN.
    Without the setting the page does not exist; a wrong or missing token is refused the same way, so the
    answer says nothing to whoever guesses."""
    expected = settings.METRICS_TOKEN
    if not expected or not secrets.compare_digest(_bearer_token(request).encode(), expected.encode()):
        raise Http404
    outbox = CollectorRegistry(auto_describe=False)
    outbox.register(OutboxCollector())
    body = generate_latest(process_registry()) + generate_latest(outbox)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
