"""How licensing plugs into the pages of lower apps: a link on the participant's registration page
(registration.links) and their licences on their mentoring page (mentoring.sections)."""

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.permissions import AnyUser
from mentoring.sections import Section
from registration.models import Participant
from registration.selectors import is_verified

from . import permissions, selectors

LICENCES_LABEL = _("Licences")


def licences_link(user: AnyUser, participant: Participant) -> tuple[str | Promise, str] | None:
    """For mentors, the secretariat and agency staff (the registration page is scoped to the participant's
    kecamatan already), once the participant is verified: no query (the page loaded the registration)."""
    if not (is_verified(participant) and permissions.follows_participants(user)):
        return None
    return LICENCES_LABEL, reverse("licensing:participant", args=[participant.pk])


def licences_section(user: AnyUser, participant: Participant) -> Section:
    """The participant's licences, open requests and what they lack, on their mentoring page (one query)."""
    return Section(
        template="licensing/_participant_section.html",
        context={"wallet": selectors.participant_wallet(participant)},
        action=(LICENCES_LABEL, reverse("licensing:participant", args=[participant.pk])),
    )
