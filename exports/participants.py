"""The staff participant list (`registration:participants`) as an export, registered here because registration
sits below exports (the step apps register theirs in their own `exports.py`): the page's own selector and filter
(`registration.selectors.participant_list`, `registration.filters.ParticipantFilter`), so an export holds exactly
the rows the page would list for the same filter, and the page's columns. The NIK is whole only where
`can_view_full_nik` allows (the participant's kecamatan secretariat and agency staff; a mentor gets it masked)."""

from django.db.models import QuerySet
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


def _reference(participant: Participant) -> str:
    registration = getattr(participant, "registration", None)
    return registration.reference if registration is not None else ""


def _channel(participant: Participant) -> str | None:
    registration = getattr(participant, "registration", None)
    return registration.channel if registration is not None else None


def _status(participant: Participant) -> str | None:
    registration = getattr(participant, "registration", None)
    return registration.status if registration is not None else None


def _business(participant: Participant) -> str:
    business = getattr(participant, "business", None)
    return business.name if business is not None else ""


PARTICIPANTS = queryset_export(
    name="registration.participants",
    title=_("Participants"),
    columns=[
        Column(_("Name"), lambda p: p.full_name),
        Column(_("Reference"), _reference),
        NikColumn(_("NIK"), lambda p: p),
        Column(_("Business"), _business),
        Column(_("Kecamatan"), lambda p: p.kecamatan.name),
        Column(_("Wilayah"), lambda p: p.kecamatan.wilayah.name),
        ChoiceColumn(_("Track"), lambda p: p.track, Track),
        ChoiceColumn(_("Channel"), _channel, Channel),
        Column(_("Registered"), lambda p: timezone.localdate(p.created_at)),
        ChoiceColumn(_("Status"), _status, Status),
    ],
    queryset=participants,
    permission=can_see_participant_list,  # the page's own rule
)


def register_exports() -> None:
    register(PARTICIPANTS)
