from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("P3 Mentoring")

    def ready(self) -> None:
        from accounts import registry as accounts_registry
        from notifications.rendering import register_message
        from registration import journey, measures
        from registration import links as participant_links
        from registration.signals import participant_moved, registration_approved

        from . import exports, tasks  # noqa: F401  # its export lists (exports.registry); its tasks (a web process runs no autodiscovery)
        from .journey import MentoringStep, mentoring_link
        from .measures import mentor_of, mentored_on
        from .messages import MESSAGES
        from .services import on_participant_moved, on_position_changed, on_registration_approved

        journey.register(MentoringStep())
        measures.register(measures.Measure.MENTORED, mentored_on)
        measures.register_mentor(mentor_of)
        participant_links.register(mentoring_link)
        registration_approved.connect(on_registration_approved, dispatch_uid="mentoring_assign_on_approval")
        participant_moved.connect(on_participant_moved, dispatch_uid="mentoring_end_on_move")
        # explicit: accounts' services (and the User admin) call position_changed when a role, office or active
        # flag changes; a mentor who leaves leaves their participants
        accounts_registry.on_position_change(on_position_changed)
        for key, context in MESSAGES.items():
            register_message(key, context=context)
