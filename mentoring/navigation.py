"""What P3 mentoring offers in the navigation bar and on the staff home page (core.navigation)."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import permissions as account_permissions
from accounts.models import User
from core import navigation

from . import permissions, selectors


def mentor_panel(user: User) -> dict[str, Any] | None:
    """The mentor's year: target progress, caseload and what waits for them (one query), and their trainings."""
    progress = selectors.my_progress(user, year=timezone.localdate().year)
    if not progress:
        return None
    return {"progress": progress, "trainings": selectors.my_trainings(user)}


navigation.link(
    label=_("My mentor"), url_name="mentoring:my_mentor", when=account_permissions.is_entrepreneur, order=30
)
navigation.link(label=_("Caseload"), url_name="mentoring:caseload", when=permissions.is_mentor, order=50)
navigation.link(label=_("Questions"), url_name="mentoring:help_list", when=permissions.is_mentor, order=60)
navigation.link(label=_("Mentors"), url_name="mentoring:mentors", when=permissions.can_see_mentors, order=100)

navigation.panel(template="mentoring/panels/progress.html", context=mentor_panel, when=permissions.is_mentor, order=10)
navigation.panel(template="mentoring/panels/mentors.html", when=permissions.can_see_mentors, order=20)
