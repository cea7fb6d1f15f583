from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback forum")

    def ready(self) -> None:
        from notifications.rendering import register_message

        from .messages import MESSAGES

        for key, context in MESSAGES.items():
            register_message(key, context=context)
