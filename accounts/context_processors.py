from typing import Any

from django.http import HttpRequest

from . import permissions


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the navigation bar offers the current user."""
    user = request.user
    return {
        "perms_nav": {
            "verify": permissions.can_verify_registrations(user),
            "walk_in": permissions.can_register_walk_ins(user),
            "participants": permissions.is_office_staff(user) or permissions.is_program_wide(user),
        }
    }
