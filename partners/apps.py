from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner organisations")

    def ready(self) -> None:
        from notifications.rendering import register_message

        from . import tasks  # noqa: F401  # its tasks, in every process (a web process runs no autodiscovery)
        from .messages import MESSAGES

        for key, context in MESSAGES.items():
            register_message(key, context=context)
