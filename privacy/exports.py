"""The breach-notice list offered for export (exports.registry): the people whose data a key, a partner or a
staff account read in a window, with how many times and the first and last time, as the page shows them, and the
phone and email a notice reaches them by. No NIK, not even masked: the list of a breach's people is the worst file
to leak, and a notice needs none."""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from exports.registry import Column, ListExport, Params, register, valid_form
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
            Column(_("Mobile number"), lambda p: p.phone),
            Column(_("Email"), lambda p: p.email),
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
