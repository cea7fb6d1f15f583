"""The Celery application. Settings come from Django's settings under the CELERY_ prefix."""

import os

from celery import Celery

from . import logs, metrics  # noqa: F401 - their signal receivers: request ids in tasks' logs, task counters

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jakpreneur.settings.local")

app = Celery("jakpreneur", task_cls="core.tasks:AuditedTask")  # tasks record their changes as "task"
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
