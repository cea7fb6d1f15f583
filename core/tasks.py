"""The base of every Celery task: what a task changes is recorded through the "task" channel, and a broker that
failed is not waited on again within the same request or task."""

import time
from contextvars import ContextVar
from typing import Any

import kombu.exceptions
from celery import Task, shared_task
from celery.signals import task_prerun
from django.core.signals import request_started
from django.db import OperationalError

from .audit import Channel, channel

# A publish to a Redis that hangs (it accepts connections and never answers) fails only at the broker's socket
# timeout (settings, CELERY_BROKER_TRANSPORT_OPTIONS), and one request may publish several tasks after its commit
# (the summary refresh, the outbox's messages, ...): each would wait that long. Once a publish failed, the next ones
# of the same request or task (or, outside both, of the next few seconds) fail at once, as with Redis down, and each
# caller's fallback takes them (the outbox dispatcher, the nightly rebuilds). Per thread: a context variable.
BROKER_RETRY_SECONDS = 5.0
_broker_failed_at: ContextVar[float | None] = ContextVar("broker_failed_at", default=None)


def broker_try_again(**_: Any) -> None:
    """A new request or task tries the broker again, whatever an earlier one in this thread met. Connected below:
    a failure is recorded only by AuditedTask, so this module is loaded before any needs forgetting."""
    _broker_failed_at.set(None)


request_started.connect(broker_try_again, dispatch_uid="core.tasks.broker_try_again")
task_prerun.connect(broker_try_again, weak=False)


class AuditedTask(Task):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with channel(Channel.TASK, task=self.name):
            return super().__call__(*args, **kwargs)

    def apply_async(self, *args: Any, **kwargs: Any) -> Any:
        if self.app.conf.task_always_eager:
            return super().apply_async(*args, **kwargs)
        failed_at = _broker_failed_at.get()
        if failed_at is not None and time.monotonic() - failed_at < BROKER_RETRY_SECONDS:
            raise kombu.exceptions.OperationalError("The broker failed a moment ago; not tried again yet.")
        try:
            return super().apply_async(*args, **kwargs)
        except kombu.exceptions.OperationalError:
            _broker_failed_at.set(time.monotonic())
            raise


# The options of a task a database error may interrupt (a deadlock PostgreSQL broke, a lost connection): audited,
# acknowledged once done, retried with backoff. `@shared_task(**RETRIED_ON_DATABASE_ERRORS, max_retries=3)`.
RETRIED_ON_DATABASE_ERRORS: dict[str, Any] = {
    "base": AuditedTask,
    "acks_late": True,
    "ignore_result": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
}


@shared_task(base=AuditedTask, ignore_result=True)
def forget_submissions() -> int:
    """Nightly: the form submission ids older than a day (core.submissions) are forgotten."""
    from .submissions import forget_old_submissions

    return forget_old_submissions()
