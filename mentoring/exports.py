"""P3's list offered for export (exports.registry): a mentor's caseload, as their page shows it
(`selectors.caseload` with the page's search form): their own active participants of their kecamatan, who needs
attention first; no NIK, no contact details, as on the page."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from exports.registry import ChoiceColumn, Column, Params, allowed_if, queryset_export, register, valid_form
from registration.choices import Track

from . import selectors
from .forms import CaseloadSearchForm
from .models import MentorAssignment
from .permissions import is_mentor

NOT_MENTOR = _("Only a mentor exports their own participants.")


def caseload(user: User, params: Params) -> QuerySet[MentorAssignment]:
    search = valid_form(CaseloadSearchForm(params))["q"]
    return selectors.caseload(user, search=search)


def _business(assignment: MentorAssignment) -> str:
    business = getattr(assignment.participant, "business", None)
    return business.name if business is not None else ""


def _annotated(name: str) -> Any:
    """A value the caseload's selector annotates on each assignment."""
    return lambda assignment: getattr(assignment, name)


register(
    queryset_export(
        name="mentoring.caseload",
        title=_("My participants"),
        columns=[
            Column(_("Name"), lambda a: a.participant.full_name),
            Column(_("Business"), _business),
            ChoiceColumn(_("Track"), lambda a: a.participant.track, Track),
            Column(_("Stage"), lambda a: a.stage),
            Column(_("Overdue follow-ups"), _annotated("overdue")),
            Column(_("Question waiting"), _annotated("waiting_help")),
            Column(_("Last visit"), _annotated("last_visit")),
            Column(_("Next follow-up"), _annotated("next_what")),
            Column(_("Next follow-up due"), _annotated("next_due")),
        ],
        queryset=caseload,
        permission=allowed_if(is_mentor, NOT_MENTOR),
    )
)
