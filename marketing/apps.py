from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketingConfig(AppConfig):
    name = "marketing"
    verbose_name = _("P5 Marketing")

    def ready(self) -> None:
        from mentoring import sections as mentoring_sections
        from notifications.rendering import register_message
        from registration import journey, measures
        from registration import links as participant_links

        from . import exports  # noqa: F401  # its lists offered for export (exports.registry)
        from .journey import MarketingStep
        from .links import marketing_link, marketing_section
        from .measures import marketed_on
        from .messages import MESSAGES

        journey.register(MarketingStep())
        measures.register(measures.Measure.MARKETED, marketed_on)
        participant_links.register(marketing_link)
        mentoring_sections.register(marketing_section)
        for key, context in MESSAGES.items():
            register_message(key, context=context)
