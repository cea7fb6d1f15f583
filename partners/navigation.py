"""What partners offer in the navigation bar and on the staff home page (core.navigation)."""

from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.permissions import AnyUser, is_entrepreneur
from core import navigation

from . import permissions


def is_partner_user(user: AnyUser) -> bool:
    """No query: the partner pages turn away a partner user without an active organisation."""
    return user.is_authenticated and user.role == Role.PARTNER


def sees_reads(user: AnyUser) -> bool:
    """Agency staff and administrators (no query)."""
    return bool(permissions.can_see_reads(user))


def manages_keys_or_sees_reads(user: AnyUser) -> bool:
    return bool(permissions.can_manage_keys(user)) or sees_reads(user)


navigation.link(label=_("My data"), url_name="partners:data", when=is_entrepreneur, order=90)
navigation.link(label=_("Our organisation"), url_name="partners:partner_home", when=is_partner_user, order=30)
navigation.link(label=_("Partners' reads"), url_name="partners:staff_reads", when=sees_reads, order=110)

navigation.panel(template="partners/panels/partners.html", when=manages_keys_or_sees_reads, order=70)
navigation.panel(template="partners/panels/organisation.html", when=is_partner_user, order=5)
