"""P5's list offered for export (exports.registry): the submissions of a call for products, as agency staff see
them on the call's page (`selectors.calls_for_staff`, `selectors.call_submissions`): product, business (its
listing's public name when it has one), status and grade."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from exports.registry import BadFilter, ChoiceColumn, Column, Params, number, queryset_export, register

from .choices import SubmissionStatus
from .models import Submission
from .permissions import can_run_calls
from .selectors import curation as selectors

NO_CALL = _("This call for products does not exist.")


def call_submissions(user: User, params: Params) -> QuerySet[Submission]:
    call = selectors.calls_for_staff(user).filter(pk=number(params, "call")).first()
    if call is None:
        raise BadFilter(NO_CALL, code="no_call")
    return selectors.call_submissions(call)


def _business(submission: Submission) -> str:
    business = submission.product.business
    listing = getattr(business, "listing", None)
    return listing.public_name if listing is not None else business.name


register(
    queryset_export(
        name="marketing.call_submissions",
        title=_("Submissions to a call for products"),
        columns=[
            Column(_("Product"), lambda s: s.product.name),
            Column(_("Business"), _business),
            ChoiceColumn(_("Status"), lambda s: s.status, SubmissionStatus),
            Column(_("Grade"), lambda s: s.grade),
        ],
        queryset=call_submissions,
        permission=can_run_calls,
    )
)
