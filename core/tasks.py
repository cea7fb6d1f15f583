"""The base of every Celery task: what a task changes is recorded through the "task" channel."""

from typing import Any

from celery import Task

from .audit import Channel, channel


class AuditedTask(Task):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with channel(Channel.TASK, task=self.name):
            return super().__call__(*args, **kwargs)
