from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketingConfig(AppConfig):
    name = "marketing"
    verbose_name = _("P5 Marketing")

    def ready(self) -> None:
        from notifications.rendering import register_message

        from .messages import MESSAGES

        for key, context in MESSAGES.items():
            register_message(key, context=context)
