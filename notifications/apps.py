from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Register the Celery tasks in every process: services enqueue send_message by name (notifications.queue).
        from . import tasks  # noqa: F401
