from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("P1 Registration")

    def ready(self) -> None:
        from notifications.rendering import register_message

        from . import journey, measures, tasks  # noqa: F401 (tasks: the import's tasks are queued by name)

        journey.register(journey.RegistrationStep())
        measures.register(measures.Measure.REGISTERED, measures.registered_on)
        measures.register(measures.Measure.VERIFIED, measures.verified_on)
        for key in ("registration_received", "registration_approved"):
            register_message(key, context={"full_name", "reference"})
        for key in ("registration_needs_fix", "registration_rejected"):
            register_message(key, context={"full_name", "reference", "reason"})
        register_message("nik_probe_limit", context={"account": str, "count": int})
