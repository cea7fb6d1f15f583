"""The staff participant list (`registration:participants`) as an export, registered here because registration
sits below exports (the step apps register theirs in their own `exports.py`): the page's own selector and filter
(`registration.selectors.participant_list`, `registration.filters.ParticipantFilter`), so an export holds exactly
the rows the page would list for the same filter, and the page's columns. The NIK is whole only where
`can_view_full_nik` allows (the participant's kecamatan secretariat and agency staff; a mentor gets it masked)."""

from collections.abc import Callable
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from registration import selectors
from registration.choices import Channel, Status, Track
from registration.filters import ParticipantFilter
from registration.models import Participant
from registration.permissions import can_see_participant_list

from .registry import BadFilter, ChoiceColumn, Column, NikColumn, Params, queryset_export, register


def participants(user: User, params: Params) -> QuerySet[Participant]:
    filters = ParticipantFilter(params or None, queryset=selectors.participant_list(user), user=user)
    if filters.rejected:
        raise BadFilter(" ".join(filters.rejected), code="bad_filter")
    found: QuerySet[Participant] = filters.qs
    return found


def _file_rows(found: QuerySet[Participant]) -> QuerySet[Participant]:
    """The rows as the file needs them: one participant object each, with its few columns, the names of its
    registration, business and places read in the same query as values. The page loads five objects a row
    (participant, registration, business, kecamatan, wilayah): at a million rows that took 45 of the export's
    seconds."""
    return (
        found.select_related(None)
        .only("full_name", "nik", "nik_masked", "kecamatan_id", "user_id", "track", "created_at")
        .annotate(
            file_reference=F("registration__reference"),
            file_channel=F("registration__channel"),
            file_status=F("registration__status"),
            file_business=F("business__name"),
            file_kecamatan=F("kecamatan__name"),
            file_wilayah=F("kecamatan__wilayah__name"),
        )
    )


def _named(name: str) -> Callable[[Participant], Any]:
    """A value `_file_rows` read beside the participant ("" for a registration or business it has not)."""
    return lambda participant: getattr(participant, name) or ""


PARTICIPANTS = queryset_export(
    name="registration.participants",
    title=_("Participants"),
    columns=[
        Column(_("Name"), lambda p: p.full_name),
        Column(_("Reference"), _named("file_reference")),
        NikColumn(_("NIK"), lambda p: p),
        Column(_("Business"), _named("file_business")),
        Column(_("Kecamatan"), _named("file_kecamatan")),
        Column(_("Wilayah"), _named("file_wilayah")),
        ChoiceColumn(_("Track"), lambda p: p.track, Track),
        ChoiceColumn(_("Channel"), _named("file_channel"), Channel),
        Column(_("Registered"), lambda p: timezone.localdate(p.created_at)),
        ChoiceColumn(_("Status"), _named("file_status"), Status),
    ],
    queryset=participants,
    permission=can_see_participant_list,  # the page's own rule
    file_rows=_file_rows,
)


def register_exports() -> None:
    register(PARTICIPANTS)
