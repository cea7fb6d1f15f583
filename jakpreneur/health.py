"""Health of the web process, for the container's health check and a load balancer. No details are leaked.

- Liveness (`/healthz/live`): the process answers requests. Nothing else is checked, so a database outage never
  makes an orchestrator restart portal processes that would recover on their own once it is back.
- Readiness (`/healthz/ready`, and `/healthz`, which the image's HEALTHCHECK probes): the database and the Celery
  broker answer. Both are checked at once, each on a fresh connection with short timeouts and a deadline of its
  own, so the answer comes within about a second even when a server accepts connections but says nothing
  (stopped with SIGSTOP, or a black hole on the network). A check still stuck from an earlier probe counts as
  failing, so a hung server never piles up waiting threads.
"""

import contextvars
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from typing import Final, Literal

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu.connection import Connection

logger = logging.getLogger(__name__)

# Each check's deadline: both run at once, so readiness answers within about this long.
CHECK_SECONDS: Final = 0.8
# libpq waits at least 2 s for a connection whatever it is told; the check's deadline answers before that.
DATABASE_CONNECT_TIMEOUT_SECONDS: Final = 2
BROKER_TIMEOUT_SECONDS: Final = 0.5

CheckResult = Literal["ok", "error", "in-process"]

_executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="healthz")
_in_flight: dict[str, Future[CheckResult]] = {}
_in_flight_lock = threading.Lock()


def database_status() -> CheckResult:
    """One `SELECT 1` on a new connection to the default database (closed again), so a connection this process
    holds is not needed, and the answer says whether the database can be reached now."""
    connection = connections[DEFAULT_DB_ALIAS]
    options = {**connection.settings_dict.get("OPTIONS", {}), "connect_timeout": DATABASE_CONNECT_TIMEOUT_SECONDS}
    probe = type(connection)({**connection.settings_dict, "OPTIONS": options}, DEFAULT_DB_ALIAS)
    try:
        with probe.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.warning("Health check: database unreachable (%s)", type(exc).__name__)
        return "error"
    finally:
        probe.close()
    return "ok"


def broker_status() -> CheckResult:
    """Open (and close) one connection to the Celery broker, giving up after a short timeout. On the embedded
    default, tasks run in-process and there is no broker to reach."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    options = {"socket_connect_timeout": BROKER_TIMEOUT_SECONDS, "socket_timeout": BROKER_TIMEOUT_SECONDS}
    try:
        with Connection(  # type: ignore[no-untyped-call]
            settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT_SECONDS, transport_options=options
        ) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as exc:
        logger.warning("Health check: broker unreachable (%s)", type(exc).__name__)
        return "error"
    return "ok"


def _started(name: str, check: Callable[[], CheckResult]) -> Future[CheckResult] | None:
    """The check running in a thread of its own, or None while the previous run of it has not finished."""
    with _in_flight_lock:
        previous = _in_flight.get(name)
        if previous is not None and not previous.done():
            return None
        # in the request's context, so that what the check logs carries the request's id
        future = _in_flight[name] = _executor.submit(contextvars.copy_context().run, check)
    return future


def readiness() -> dict[str, CheckResult]:
    """Every dependency's state, each "error" when it failed or did not answer within CHECK_SECONDS."""
    checks = {"database": database_status, "broker": broker_status}
    futures = {name: _started(name, check) for name, check in checks.items()}
    wait_for([future for future in futures.values() if future is not None], timeout=CHECK_SECONDS)
    results: dict[str, CheckResult] = {}
    for name, future in futures.items():
        if future is None or not future.done():
            logger.warning("Health check: %s did not answer within %.1f s", name, CHECK_SECONDS)
            results[name] = "error"
        else:
            results[name] = future.result()
    return results


@never_cache
@require_safe
def live(request: HttpRequest) -> JsonResponse:
    """200 while the process answers; no dependency is asked."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    """200 with {"database": "ok", "broker": "ok"} when both answer, else 503 with "error" for the failing one."""
    checks = readiness()
    healthy = "error" not in checks.values()
    return JsonResponse(checks, status=200 if healthy else 503)
