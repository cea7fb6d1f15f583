from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("P3 Mentoring")

    def ready(self) -> None:
        from notifications.rendering import register_message
        from registration import journey
        from registration import links as participant_links
        from registration.signals import registration_approved

        from .journey import MentoringStep, mentoring_link
        from .services import on_registration_approved

        journey.register(MentoringStep())
        participant_links.register(mentoring_link)
        registration_approved.connect(on_registration_approved, dispatch_uid="mentoring_assign_on_approval")
        register_message(
            "mentoring_participant_assigned", context={"full_name", "participant_name", "kecamatan", "link"}
        )
        register_message(
            "mentoring_follow_ups_due", context={"full_name": str, "count": int, "items": str, "link": str}
        )
        register_message("mentoring_help_message", context={"full_name", "sender_name", "subject", "link"})
