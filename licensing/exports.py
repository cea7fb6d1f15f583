"""P4's list offered for export (exports.registry): the staff queue of open licence requests, as its page shows it
(`selectors.queue` with the page's `forms.QueueFilter`): the secretariat their kecamatan's, agency staff all or
one kecamatan; the longest waiting in its status first."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import permissions as account_permissions
from accounts.models import User
from exports.registry import ChoiceColumn, Column, Params, allowed_if, queryset_export, register, valid_form

from . import selectors
from .choices import RequestStatus
from .forms import QueueFilter
from .models import LicenceRequest
from .permissions import works_the_queue

NOT_QUEUE = _("Only the kecamatan secretariat and agency staff export the licence requests.")


def queue(user: User, params: Params) -> QuerySet[LicenceRequest]:
    data = valid_form(QueueFilter(params, choose_kecamatan=account_permissions.is_program_wide(user)))
    kecamatan = data.get("kecamatan")
    return selectors.queue(
        user,
        licence_type=data.get("licence_type"),
        kecamatan_id=kecamatan.pk if kecamatan else None,
        status=data.get("status") or "",
    )


def _business(request: LicenceRequest) -> str:
    business = getattr(request.participant, "business", None)
    return business.name if business is not None else ""


register(
    queryset_export(
        name="licensing.queue",
        title=_("Licence requests"),
        columns=[
            Column(_("Participant"), lambda r: r.participant.full_name),
            Column(_("Business"), _business),
            Column(_("Licence"), lambda r: r.licence_type.name),
            Column(_("For"), lambda r: r.subject),
            ChoiceColumn(_("Status"), lambda r: r.status, RequestStatus),
            Column(_("Days waiting"), lambda r: r.waiting_days(timezone.now())),
            Column(_("Kecamatan"), lambda r: r.participant.kecamatan.name),
        ],
        queryset=queue,
        permission=allowed_if(works_the_queue, NOT_QUEUE),
    )
)
