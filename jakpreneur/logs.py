"""Every log line says which request it belongs to, in the web process and in the Celery tasks a request queued.

`RequestIdMiddleware` (first in MIDDLEWARE) gives each request an id: the proxy's (deploy/nginx.conf sends its
$request_id as X-Request-ID, and logs it) when it is a short safe token, else a new one. The id is held in a
context variable for as long as the request runs and is sent back in the X-Request-ID header, so a person's
report of a failed page ("the id was ...") finds its lines in the proxy's log and the portal's.

`RequestContextFilter`, on every handler of LOGGING, puts `request_id` and `user_id` on each record: the id of
an account only, never a name, NIK, phone or email. A task published while a request runs carries the id (and
the user's) in its message headers (`before_task_publish`); the worker sets them around the task's run
(`task_prerun` / `task_postrun`), so the lines of a message sent after a registration committed carry the
registration request's id. Celery's own logging set-up is replaced by LOGGING (`setup_logging`), so a worker
logs as the web process does: JSON lines in production.
"""

import logging
import logging.config
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from celery.signals import before_task_publish, setup_logging, task_postrun, task_prerun
from django.core.signals import request_finished
from django.dispatch import receiver
from django.utils.functional import SimpleLazyObject, empty

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER: Final = "X-Request-ID"
# What a task message's headers carry (Celery copies unknown headers onto the task's request).
TASK_HEADER_REQUEST_ID: Final = "jakpreneur_request_id"
TASK_HEADER_USER_ID: Final = "jakpreneur_user_id"
NO_ID: Final = "-"

# nginx's $request_id is 32 hex digits; anything else a client could send (long strings, newlines, quotes that
# would break a log line) is replaced by a fresh id.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")


@dataclass(frozen=True)
class LogContext:
    request_id: str
    request: "HttpRequest | None" = None  # its user is read only once authentication has loaded it
    user_id: int | None = None  # a task's: the user of the request that queued it


_context: ContextVar[LogContext | None] = ContextVar("jakpreneur_log_context", default=None)


def current_request_id() -> str | None:
    context = _context.get()
    return context.request_id if context else None


def current_user_id() -> int | None:
    """The id of the user the current request or task acts for, if known. A request's user is read only when
    something has already loaded it (authentication does, for every page that needs it): logging never costs a
    session query."""
    context = _context.get()
    if context is None:
        return None
    if context.request is None:
        return context.user_id
    user = getattr(context.request, "user", None)
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return None
    return user.pk if user.is_authenticated else None


def request_id_from(value: str | None) -> str:
    """The incoming id when it is a safe short token, else a new one."""
    if value and SAFE_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Gives every request its id (see the module's docstring) and answers it in X-Request-ID."""

    def __init__(self, get_response: "Callable[[HttpRequest], HttpResponse]") -> None:
        self.get_response = get_response

    def __call__(self, request: "HttpRequest") -> "HttpResponse":
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        _context.set(LogContext(request_id=request_id, request=request))
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


@receiver(request_finished, dispatch_uid="jakpreneur.logs.end_request")
def _end_request(**kwargs: Any) -> None:
    """The id is kept until the server has closed the response, not only until the middleware returns: Django
    logs an error answer ("Service Unavailable: /healthz") after every middleware has run, and a streamed export
    is written after that."""
    _context.set(None)


class RequestContextFilter(logging.Filter):
    """Adds `request_id` ("-" outside a request or task) and `user_id` (None when unknown) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id() or NO_ID
        if not hasattr(record, "user_id"):
            record.user_id = current_user_id()
        return True


# --- Celery ------------------------------------------------------------------------------------------------------


@before_task_publish.connect
def _publish_with_request_id(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """A task queued while a request or task runs carries its id (and its user's) in the message headers."""
    request_id = current_request_id()
    if headers is None or request_id is None:
        return
    headers.setdefault(TASK_HEADER_REQUEST_ID, request_id)
    user_id = current_user_id()
    if user_id is not None:
        headers.setdefault(TASK_HEADER_USER_ID, user_id)


_task_tokens: dict[str, Token[LogContext | None]] = {}


@task_prerun.connect
def _enter_task(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    """The worker runs a task under the id of the request that queued it. A task run in-process (eager) keeps
    the id of the request it runs in: it has no headers of its own."""
    if task_id is None or task is None:
        return
    request_id = task.request.get(TASK_HEADER_REQUEST_ID)
    if not isinstance(request_id, str) or not SAFE_REQUEST_ID.fullmatch(request_id):
        return
    user_id = task.request.get(TASK_HEADER_USER_ID)
    context = LogContext(request_id=request_id, user_id=user_id if isinstance(user_id, int) else None)
    _task_tokens[task_id] = _context.set(context)


@task_postrun.connect
def _leave_task(task_id: str | None = None, **kwargs: Any) -> None:
    token = _task_tokens.pop(task_id, None) if task_id is not None else None
    if token is not None:
        _context.reset(token)


@setup_logging.connect
def _configure_worker_logging(loglevel: int | None = None, **kwargs: Any) -> None:
    """Workers and beat log through LOGGING (the same handlers, filter and format as the web process) instead
    of Celery's own set-up; `--loglevel` still sets the root level."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)
