from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Personal-data rights")

    def ready(self) -> None:
        # the breach-notice list offers itself for export (exports.registry); the retention task, in every process
        # (a web process runs no autodiscovery)
        from . import exports, tasks  # noqa: F401
