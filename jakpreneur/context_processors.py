"""What the navigation bar offers the current user: the project level, which knows every app."""

from typing import Any

from django.http import HttpRequest

from accounts import permissions
from accounts.models import Role
from mentoring import permissions as mentoring_permissions


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "perms_nav": {
            "verify": permissions.can_verify_registrations(user),
            "walk_in": permissions.can_register_walk_ins(user),
            "participants": permissions.is_office_staff(user) or permissions.is_program_wide(user),
            "entrepreneur": permissions.is_entrepreneur(user),
            "mentor": mentoring_permissions.is_mentor(user),
            "mentors": mentoring_permissions.can_see_mentors(user),
            # no query: the organiser page itself turns away a partner user without an organisation
            "organise_training": permissions.is_program_wide(user)
            or (user.is_authenticated and user.role == Role.PARTNER),
        }
    }
