"""P2's list offered for export (exports.registry): a session's enrolments, as its organiser's page shows them
(`selectors.session_enrolments` of a session in the organiser's scope, `selectors.sessions_for`): names,
kecamatan, status and days present; no NIK, no contact details, as on the page."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from exports.registry import BadFilter, ChoiceColumn, Column, Params, number, queryset_export, register

from . import selectors
from .choices import EnrolmentStatus
from .models import Enrolment
from .permissions import can_organise, organiser_scope

NO_SESSION = _("This session is not one you organise.")


def enrolments(user: User, params: Params) -> QuerySet[Enrolment]:
    """The enrolments of the session `?session=<id>` of the organiser's page; another organiser's is refused as
    if it did not exist."""
    scope = organiser_scope(user)
    session = selectors.sessions_for(scope).filter(pk=number(params, "session")).first() if scope else None
    if session is None:
        raise BadFilter(NO_SESSION, code="no_session")
    return selectors.session_enrolments(session)


def _days_present(enrolment: Any) -> int:
    return int(enrolment.days_present)  # annotated by the selector


register(
    queryset_export(
        name="training.enrolments",
        title=_("Enrolments of a session"),
        columns=[
            Column(_("Name"), lambda e: e.participant.full_name),
            Column(_("Kecamatan"), lambda e: e.participant.kecamatan.name),
            ChoiceColumn(_("Status"), lambda e: e.status, EnrolmentStatus),
            Column(_("Days present"), _days_present),
        ],
        queryset=enrolments,
        permission=lambda user: can_organise(user),
    )
)
