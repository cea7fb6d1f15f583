from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapitalConfig(AppConfig):
    name = "capital"
    verbose_name = _("P7 Capital")

    def ready(self) -> None:
        from mentoring import sections as mentoring_sections
        from notifications.rendering import register_message
        from registration import journey as registration_journey
        from registration import links as participant_links
        from registration import measures as registration_measures

        from . import exports  # noqa: F401  # its lists offered for export (exports.registry)
        from .journey import CapitalStep
        from .links import capital_link, capital_section
        from .measures import capitalised_on
        from .messages import MESSAGES

        registration_journey.register(CapitalStep())
        registration_measures.register(registration_measures.Measure.CAPITALISED, capitalised_on)
        for key, context in MESSAGES.items():
            register_message(key, context=context)
        participant_links.register(capital_link)
        mentoring_sections.register(capital_section)
