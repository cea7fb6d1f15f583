"""The base of every Celery task: what a task changes is recorded through the "task" channel."""

from typing import Any

from celery import Task, shared_task
from django.db import OperationalError

from .audit import Channel, channel


class AuditedTask(Task):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with channel(Channel.TASK, task=self.name):
            return super().__call__(*args, **kwargs)


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
