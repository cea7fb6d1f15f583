from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = _("P6 Financial reporting")

    def ready(self) -> None:
        from mentoring import sections as mentoring_sections
        from registration import links as participant_links

        from .links import monthly_records_link, monthly_records_section

        participant_links.register(monthly_records_link)
        mentoring_sections.register(monthly_records_section)
