from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("P3 Mentoring")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        from notifications.rendering import register_message
        from registration import journey
        from registration import links as participant_links
        from registration.signals import registration_approved

        from .journey import MentoringStep, mentoring_link
        from .messages import MESSAGES
        from .services import on_registration_approved, on_user_saved

        journey.register(MentoringStep())
        participant_links.register(mentoring_link)
        registration_approved.connect(on_registration_approved, dispatch_uid="mentoring_assign_on_approval")
        post_save.connect(on_user_saved, sender=get_user_model(), dispatch_uid="mentoring_end_when_mentor_leaves")
        for key, context in MESSAGES.items():
            register_message(key, context=context)
