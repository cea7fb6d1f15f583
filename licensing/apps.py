from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensingConfig(AppConfig):
    name = "licensing"
    verbose_name = _("P4 Licensing")

    def ready(self) -> None:
        from mentoring import sections as mentoring_sections
        from notifications.rendering import register_message
        from registration import journey as registration_journey
        from registration import links as participant_links
        from registration import measures as registration_measures
        from registration.signals import participant_moved

        from . import exports, tasks  # noqa: F401  # its export lists (exports.registry); its tasks (a web process runs no autodiscovery)
        from .journey import LicensingStep
        from .links import licences_link, licences_section
        from .measures import formal_on, licensed_on
        from .messages import MESSAGES
        from .services import requests_follow_participant

        registration_journey.register(LicensingStep())
        registration_measures.register(registration_measures.Measure.LICENSED, licensed_on)
        registration_measures.register(registration_measures.Measure.FORMAL, formal_on)
        for key, context in MESSAGES.items():
            register_message(key, context=context)
        participant_links.register(licences_link)
        mentoring_sections.register(licences_section)
        participant_moved.connect(requests_follow_participant, dispatch_uid="licensing.requests_follow_participant")
