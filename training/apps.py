from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("P2 Training")

    def ready(self) -> None:
        from notifications.rendering import register_message
        from registration import journey as registration_journey

        from .journey import TrainingStep
        from .messages import MESSAGES

        registration_journey.register(TrainingStep())
        for key, context in MESSAGES.items():
            register_message(key, context=context)
