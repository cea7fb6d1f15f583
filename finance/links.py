"""How finance plugs into the pages of lower apps: links on the participant's registration page
(registration.links) and the indicators card on their mentoring page (mentoring.sections)."""

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.permissions import AnyUser
from mentoring.sections import Section
from registration.models import Participant
from registration.selectors import is_verified

from . import permissions, selectors

RECORD_LABEL = _("Record monthly indicators")
BOOKS_LABEL = _("Books")
REPORTS_LABEL = _("Monthly reports and class")


def monthly_records_link(user: AnyUser, participant: Participant) -> tuple[str | Promise, str] | None:
    """For a mentor of the participant's kecamatan, once verified: no query (the page loaded the registration)."""
    if not (is_verified(participant) and permissions.can_record_on_behalf(user, participant)):
        return None
    return RECORD_LABEL, reverse("finance:monthly_records", args=[participant.pk])


def _reads_books_of(user: AnyUser, participant: Participant) -> bool:
    """Someone who reads the participant's books on their behalf (a mentor of their kecamatan, agency staff), once
    verified; the participant finds their own in the menu. No query."""
    return (
        participant.user_id != user.pk
        and is_verified(participant)
        and bool(permissions.can_view_books(user, participant))
    )


def books_link(user: AnyUser, participant: Participant) -> tuple[str | Promise, str] | None:
    if not _reads_books_of(user, participant):
        return None
    return BOOKS_LABEL, reverse("finance:participant_books", args=[participant.pk])


def reports_link(user: AnyUser, participant: Participant) -> tuple[str | Promise, str] | None:
    if not _reads_books_of(user, participant):
        return None
    return REPORTS_LABEL, reverse("finance:participant_reports", args=[participant.pk])


def monthly_records_section(user: AnyUser, participant: Participant) -> Section | None:
    """The latest six months on the mentoring page (one query), and the way to record one for those who may; for
    those who see the books only (not the kecamatan's secretariat: the figures come from the book)."""
    if not permissions.can_view_books(user, participant):
        return None
    action = None
    if permissions.can_record_on_behalf(user, participant):
        action = (RECORD_LABEL, reverse("finance:monthly_records", args=[participant.pk]))
    reports = reverse("finance:participant_reports", args=[participant.pk])
    return Section(
        template="finance/_participant_records.html",
        context={
            "records": selectors.participant_records(participant, limit=6),
            "reports_url": reports if _reads_books_of(user, participant) else "",
        },
        action=action,
    )
