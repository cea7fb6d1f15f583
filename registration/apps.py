from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("P1 Registration")

    def ready(self) -> None:
        from . import journey

        journey.register(journey.RegistrationStep())
