"""What P2 training offers in the navigation bar and on the staff home page (core.navigation)."""

from django.utils.translation import gettext_lazy as _

from accounts import permissions
from accounts.models import Role
from accounts.permissions import AnyUser
from core import navigation


def may_organise(user: AnyUser) -> bool:
    """Agency staff and partner users; no query: the organiser page itself turns away a partner user without an
    organisation (permissions.organiser_scope)."""
    return permissions.is_program_wide(user) or (user.is_authenticated and user.role == Role.PARTNER)


navigation.link(label=_("Trainings"), url_name="training:sessions", when=permissions.is_entrepreneur, order=10)
navigation.link(label=_("My trainings"), url_name="training:mine", when=permissions.is_entrepreneur, order=20)
navigation.link(label=_("Organise trainings"), url_name="training:organiser", when=may_organise, order=40)

navigation.panel(template="training/panels/organise.html", when=may_organise, order=60)
