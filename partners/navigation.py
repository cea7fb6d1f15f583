"""What partners offer in the navigation bar and on the staff home page (core.navigation)."""

from accounts.models import Role
from accounts.permissions import AnyUser


def is_partner_user(user: AnyUser) -> bool:
    """No query: the partner pages turn away a partner user without an active organisation."""
    return user.is_authenticated and user.role == Role.PARTNER


# The links are added as their pages land (partners:data, partners:partner_home, partners:staff_reads).
