from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = _("Exports")

    def ready(self) -> None:
        from notifications.rendering import register_message

        from . import tasks  # noqa: F401  # the build task's name is registered wherever an export starts
        from .messages import MESSAGES
        from .participants import register_exports

        for key, context in MESSAGES.items():
            register_message(key, context=context)
        register_exports()
