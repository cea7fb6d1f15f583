from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Personal-data rights")

    def ready(self) -> None:
        # the breach-notice list offers itself for export (exports.registry); the retention task, in every process
        # (a web process runs no autodiscovery)
        from notifications.rendering import register_message

        from . import exports, tasks  # noqa: F401
        from .messages import MESSAGES

        for key, context in MESSAGES.items():
            register_message(key, context=context)
