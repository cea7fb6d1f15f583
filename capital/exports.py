"""P7's list offered for export (exports.registry): the queue of requested loan referrals, as its page shows it
(`selectors.queue` with the page's `forms.QueueFilter`, which only agency staff get): a mentor their kecamatan's,
agency staff all or one kecamatan; the longest waiting first."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import permissions as account_permissions
from accounts.models import User
from exports.registry import Column, Params, allowed_if, queryset_export, register, valid_form

from . import selectors
from .forms import QueueFilter
from .models import LoanReferral
from .permissions import follows_participants

NOT_FOLLOWING = _("Only mentors and agency staff export the loan referrals to send.")


def queue(user: User, params: Params) -> QuerySet[LoanReferral]:
    kecamatan = None
    if account_permissions.is_program_wide(user):
        kecamatan = valid_form(QueueFilter(params)).get("kecamatan")
    return selectors.queue(user, kecamatan_id=kecamatan.pk if kecamatan else None)


register(
    queryset_export(
        name="capital.queue",
        title=_("Loan referrals to send"),
        columns=[
            Column(_("Participant"), lambda r: r.participant.full_name),
            Column(_("Kecamatan"), lambda r: r.participant.kecamatan.name),
            Column(_("Asked on"), lambda r: timezone.localdate(r.created_at)),
            Column(_("Product"), lambda r: r.product.name),
            Column(_("Lender"), lambda r: r.lender.name),
            Column(_("Amount asked (Rp)"), lambda r: r.amount_requested),
            Column(_("Tenor (months)"), lambda r: r.tenor_months),
            Column(_("What the money is for"), lambda r: r.use_of_funds),
        ],
        queryset=queue,
        permission=allowed_if(follows_participants, NOT_FOLLOWING),
    )
)
