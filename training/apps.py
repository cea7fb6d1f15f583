from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("P2 Training")

    def ready(self) -> None:
        from notifications.rendering import register_message
        from registration import journey as registration_journey
        from registration import measures as registration_measures

        from . import exports, tasks  # noqa: F401  # its export lists (exports.registry); its tasks (a web process runs no autodiscovery)
        from .journey import TrainingStep
        from .measures import trained_on
        from .messages import MESSAGES

        registration_journey.register(TrainingStep())
        registration_measures.register(registration_measures.Measure.TRAINED, trained_on)
        for key, context in MESSAGES.items():
            register_message(key, context=context)
