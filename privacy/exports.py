"""The breach-notice list offered for export (exports.registry): the people whose data a key, a partner or a
staff account read in a window, with how many times and the first and last time, as the page shows them. The NIK
is whole only where `registration.permissions.can_view_full_nik` allows (agency staff: the people's kecamatan is
theirs), masked elsewhere, as in every export."""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from exports.registry import Column, ListExport, NikColumn, Params, register, valid_form
from registration.models import Participant

from . import selectors
from .forms import BreachFilterForm
from .permissions import can_use_breach_aid

LIST_NAME = "privacy.breach"


def subjects(params: Params) -> list[Participant] | QuerySet[Participant]:
    """The page's rows for its filter (BadFilter for one it cannot read): the access log's for a partner or a
    key, the audit trail's for a staff account."""
    form = BreachFilterForm(params)
    cleaned = valid_form(form)
    start, end = form.window()
    if cleaned["account"] is not None:
        return selectors.participants_touched(selectors.touched_by(cleaned["account"], start=start, end=end))
    return selectors.subjects_of_partner(
        start=start, end=end, key=cleaned["key"], organisation=cleaned["organisation"]
    )


def _rows(user: User, params: Params) -> Iterable[Participant]:
    found = subjects(params)
    return found if isinstance(found, list) else found.iterator(chunk_size=2000)


def _count(user: User, params: Params) -> int:
    found = subjects(params)
    return len(found) if isinstance(found, list) else found.count()


register(
    ListExport(
        name=LIST_NAME,
        title=_("People whose data was read"),
        columns=[
            Column(_("Name"), lambda p: p.full_name),
            NikColumn(_("NIK"), lambda p: p),
            Column(_("Kecamatan"), lambda p: p.kecamatan.name),
            Column(_("Times"), lambda p: p.reads),
            Column(_("First time"), lambda p: timezone.localtime(p.first_at)),
            Column(_("Last time"), lambda p: timezone.localtime(p.last_at)),
        ],
        rows=_rows,
        count=_count,
        permission=can_use_breach_aid,
    )
)
