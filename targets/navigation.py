"""What the targets app offers in the navigation bar (core.navigation): the program dashboard, to those who may see
a part of it (agency staff, a kecamatan's secretariat, a mentor, a partner organisation's user); the dashboard
links to partner performance and the weekly reports. The admin index
links to it too (templates/admin/index.html, from the same navigation entry)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from core import navigation

from .permissions import can_view_dashboard


def sees_dashboard(user: Any) -> bool:
    """No query: a partner user's organisation is checked by the page."""
    return bool(can_view_dashboard(user))


navigation.link(label=_("Dashboard"), url_name="targets:dashboard", when=sees_dashboard, order=32)
