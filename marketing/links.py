"""How marketing plugs into the pages of lower apps: a link on the participant's registration page
(registration.links) and a card on their mentoring page (mentoring.sections): the business's products, grades
and online stores."""

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.permissions import AnyUser
from mentoring.sections import Section
from registration.models import Participant
from registration.selectors import is_verified

from . import permissions
from .selectors import products as selectors

LINK_LABEL = _("Marketing: products, grades, stores")


def marketing_link(user: AnyUser, participant: Participant) -> tuple[str | Promise, str] | None:
    """For mentors and secretariat of the participant's kecamatan and agency staff (the page's rule,
    permissions.is_staff_of), once the participant is verified: no query, the page loaded the registration."""
    if not permissions.is_staff_of(user, participant) or not is_verified(participant):
        return None
    return LINK_LABEL, reverse("marketing:participant", args=[participant.pk])


def marketing_section(user: AnyUser, participant: Participant) -> Section | None:
    """The business's products, grades and stores in numbers (one query), with the way to the full page."""
    summary = selectors.marketing_summary(participant)
    if summary is None:
        return None
    return Section(
        template="marketing/business/_participant_section.html",
        context={"summary": summary},
        action=(LINK_LABEL, reverse("marketing:participant", args=[participant.pk])),
    )
