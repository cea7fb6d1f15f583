"""What P1 registration offers in the navigation bar and on the staff home page (core.navigation)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts import permissions
from accounts.permissions import AnyUser
from core import navigation

from . import selectors

WAITING_ON_HOME = 5  # the oldest registrations waiting for verification shown on the staff home page


def sees_participants(user: AnyUser) -> bool:
    return permissions.is_office_staff(user) or permissions.is_program_wide(user)


def verification_panel(user: AnyUser) -> dict[str, Any]:
    return {"waiting": list(selectors.verification_queue(user)[:WAITING_ON_HOME])}


navigation.link(
    label=_("Verification"), url_name="registration:queue", when=permissions.can_verify_registrations, order=70
)
navigation.link(
    label=_("Register a walk-in"), url_name="registration:assisted", when=permissions.can_register_walk_ins, order=80
)
navigation.link(
    label=_("Import participants"),
    url_name="registration:import_upload",
    when=permissions.can_register_walk_ins,
    order=85,
)
navigation.link(label=_("Participants"), url_name="registration:participants", when=sees_participants, order=90)

navigation.panel(
    template="registration/panels/verification.html",
    context=verification_panel,
    when=permissions.can_verify_registrations,
    order=30,
)
navigation.panel(template="registration/panels/walk_in.html", when=permissions.can_register_walk_ins, order=40)
navigation.panel(template="registration/panels/participants.html", when=sees_participants, order=50)
