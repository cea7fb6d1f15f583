from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = _("Targets and dashboard")

    def ready(self) -> None:
        from registration import measures

        from .summary import participants_changed

        measures.listen(participants_changed)
