from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import navigation

        navigation.autodiscover()  # every app's navigation.py: the links and home panels it offers
