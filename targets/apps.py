from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = _("Targets and dashboard")

    def ready(self) -> None:
        from registration import measures

        from . import tasks  # noqa: F401  (registers the refresh task's name, which the summary queues by name)
        from .summary import participants_changed

        measures.listen(participants_changed)

        from notifications.rendering import register_message

        from .messages import MESSAGES

        for key, context in MESSAGES.items():
            register_message(key, context=context)
