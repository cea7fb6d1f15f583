from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = _("P6 Financial reporting")

    def ready(self) -> None:
        from mentoring import sections as mentoring_sections
        from notifications.rendering import register_message
        from registration import journey as registration_journey
        from registration import links as participant_links
        from registration import measures as registration_measures

        from . import tasks  # noqa: F401  # its tasks, in every process (a web process runs no autodiscovery)
        from .journey import ReportingStep
        from .links import books_link, monthly_records_link, monthly_records_section, reports_link
        from .measures import moved_up_on, reporting_on
        from .messages import MESSAGES

        registration_journey.register(ReportingStep())
        registration_measures.register(registration_measures.Measure.REPORTING, reporting_on)
        registration_measures.register(registration_measures.Measure.MOVED_UP, moved_up_on)
        for key, context in MESSAGES.items():
            register_message(key, context=context)
        participant_links.register(monthly_records_link)
        participant_links.register(books_link)
        participant_links.register(reports_link)
        mentoring_sections.register(monthly_records_section)
