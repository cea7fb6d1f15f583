"""How capital plugs into the pages of lower apps: a link on the staff participant page (registration.links) and
the participant's readiness and referrals on their mentoring page (mentoring.sections), for an active mentor of
their kecamatan and agency staff."""

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.permissions import AnyUser
from mentoring.sections import Section
from registration.models import Participant
from registration.selectors import is_verified

from . import permissions, selectors
from .readiness import readiness_of

CAPITAL_LABEL = _("Capital")


def capital_link(user: AnyUser, participant: Participant) -> tuple[str | Promise, str] | None:
    """Once the participant is verified (no query: the page loaded the registration)."""
    if not (is_verified(participant) and permissions.follows(user, participant)):
        return None
    return CAPITAL_LABEL, reverse("capital:participant", args=[participant.pk])


def capital_section(user: AnyUser, participant: Participant) -> Section | None:
    """What the participant qualifies for and lacks, and their latest referrals (a fixed four queries: readiness
    three, the referrals one)."""
    if not permissions.follows(user, participant):
        return None
    return Section(
        template="capital/_participant_section.html",
        context={
            "readiness": readiness_of(participant),
            "referrals": selectors.latest_referrals_of(participant),
        },
        action=(CAPITAL_LABEL, reverse("capital:participant", args=[participant.pk])),
    )
