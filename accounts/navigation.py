"""What accounts offers in the navigation bar (core.navigation): the admin, for users with admin access."""

from django.utils.translation import gettext_lazy as _

from core import navigation

from .permissions import AnyUser


def has_admin_access(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_staff


navigation.link(label=_("Admin"), url_name="admin:index", when=has_admin_access, order=1000)
