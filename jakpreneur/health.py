"""Liveness of the things the portal needs: the database and the Celery broker. No details are leaked."""

import logging
from typing import Final, Literal

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu.connection import Connection

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS: Final = 2.0

CheckResult = Literal["ok", "error", "in-process"]


def database_status() -> CheckResult:
    """One `SELECT 1` on the default database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.warning("Health check: database unreachable (%s)", type(exc).__name__)
        return "error"
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


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with {"database": "ok", "broker": "ok"} when both answer, else 503 with "error" for the failing one."""
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = "error" not in checks.values()
    return JsonResponse(checks, status=200 if healthy else 503)
