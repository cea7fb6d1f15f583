"""What the personal-data pages offer (core.navigation): the breach-notice aid and the deletion requests in agency
staff's bar, the correction requests in theirs and the secretariats', and on the entrepreneur's home a card with
their data, its downloads, who processed it, and the requests to correct or delete it."""

from django.utils.translation import gettext_lazy as _

from accounts.permissions import AnyUser, is_entrepreneur
from core import navigation

from .permissions import can_decide_deletion, can_see_corrections, can_use_breach_aid


def uses_breach_aid(user: AnyUser) -> bool:
    """Agency staff and administrators (no query)."""
    return bool(can_use_breach_aid(user))


def decides_deletions(user: AnyUser) -> bool:
    """Agency staff and administrators (no query)."""
    return bool(can_decide_deletion(user))


navigation.link(label=_("Breach notice"), url_name="privacy:breach", when=uses_breach_aid, order=115)
navigation.link(label=_("Deletion requests"), url_name="privacy:deletion_queue", when=decides_deletions, order=116)


def decides_corrections(user: AnyUser) -> bool:
    """Agency staff, administrators and the kecamatan secretariats (no query)."""
    return bool(can_see_corrections(user))


navigation.link(
    label=_("Correction requests"), url_name="privacy:correction_queue", when=decides_corrections, order=117
)
navigation.panel(
    template="privacy/panels/my_data.html",
    when=is_entrepreneur,
    order=90,
    place=navigation.ENTREPRENEUR_HOME,
)
