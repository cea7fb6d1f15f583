"""Reads for the participant's own "Data saya" pages: the partners they may consent to (and for what), their
consents and the history of them, and every partner read of their data. Each read is a fixed number of queries
whatever the number of partners, consents or reads."""

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from registration.models import Participant

from . import services
from .choices import PURPOSE_DATA, Purpose, PurposeData
from .models import AccessLog, Agreement, Consent, JakiLink, JakiLinkCode, PartnerOrganisation


@dataclass
class PurposeRow:
    """One purpose a partner may ask consent for, and the participant's active consent to it (if any)."""

    purpose: str
    label: str
    consent: Consent | None


@dataclass
class PartnerRow:
    organisation: PartnerOrganisation
    purposes: list[PurposeRow] = field(default_factory=list)


@dataclass(frozen=True)
class ConsentEvent:
    """One line of the consent history: a grant or a withdrawal."""

    consent: Consent
    kind: str  # "granted" or "withdrawn"
    at: datetime.datetime
    channel: str  # the channel's label


def covered_agreements(day: datetime.date) -> list[Agreement]:
    """The agreements in force on `day` of active partners, with their partner (one query)."""
    return list(
        Agreement.objects.in_force(day)
        .filter(organisation__active=True)
        .select_related("organisation")
        .order_by("organisation__name", "organisation_id", "id")
    )


def active_consents(participant: Participant) -> list[Consent]:
    """The participant's consents in effect, with their partner and text (one query)."""
    return list(Consent.objects.active().filter(participant=participant).select_related("organisation", "text"))


def partners_to_consent(participant: Participant, day: datetime.date) -> tuple[list[PartnerRow], list[Consent]]:
    """Every active partner with an agreement in force, each purpose its agreements cover and the participant's
    consent to it; and the participant's active consents that no agreement in force covers any more (they grant
    nothing now, but stay withdrawable). Two queries."""
    consents = {(c.organisation_id, c.purpose): c for c in active_consents(participant)}
    rows: dict[int, PartnerRow] = {}
    purposes_of: dict[int, set[str]] = {}
    for agreement in covered_agreements(day):
        row = rows.setdefault(agreement.organisation_id, PartnerRow(organisation=agreement.organisation))
        purposes_of.setdefault(row.organisation.pk, set()).update(agreement.purposes)
    for organisation_id, row in rows.items():
        for purpose in Purpose.values:
            if purpose in purposes_of[organisation_id]:
                label = str(Purpose(purpose).label)
                row.purposes.append(PurposeRow(purpose, label, consents.pop((organisation_id, purpose), None)))
    uncovered = sorted(consents.values(), key=lambda c: (c.organisation.name, c.purpose))
    return list(rows.values()), uncovered


def own_consent(participant: Participant, pk: int) -> Consent | None:
    """One of the participant's own consents (anyone else's is None: a 404)."""
    return Consent.objects.filter(participant=participant, pk=pk).select_related("organisation", "text").first()


def consent_history(participant: Participant) -> list[ConsentEvent]:
    """Every grant and withdrawal of the participant's consents, newest first (one query)."""
    events: list[ConsentEvent] = []
    channel_labels = dict(Consent._meta.get_field("granted_channel").flatchoices)
    for consent in Consent.objects.filter(participant=participant).select_related("organisation", "text"):
        events.append(
            ConsentEvent(consent, "granted", consent.granted_at, str(channel_labels.get(consent.granted_channel, "")))
        )
        if consent.withdrawn_at is not None:
            events.append(
                ConsentEvent(
                    consent,
                    "withdrawn",
                    consent.withdrawn_at,
                    str(channel_labels.get(consent.withdrawn_channel, consent.withdrawn_channel)),
                )
            )
    events.sort(key=lambda event: (event.at, event.kind == "withdrawn", event.consent.pk), reverse=True)
    return events


def reads_of(participant: Participant) -> QuerySet[AccessLog]:
    """Every partner read of the participant, newest first, with the partner (the index on (participant, -at))."""
    return AccessLog.objects.filter(participant=participant).select_related("organisation").order_by("-at", "-id")


# What a read looked at, in plain words, from its endpoint (/api/v1/<collection>/[<id>/][<action>/]): a word of
# the path and what it means for a list and for one record. The first word found wins: the more specific first.
_READ_WORDS: list[tuple[str, Promise, Promise]] = [
    ("journey", _("your program journey"), _("your program journey")),
    ("indicator", _("your business's monthly figures"), _("your business's monthly figures")),
    ("enrol", _("your trainings"), _("your trainings")),
    ("training", _("your trainings"), _("your trainings")),
    ("business", _("list of businesses"), _("your business")),
    ("participant", _("list of participants"), _("your profile")),
    ("jaki", _("your JAKI link"), _("your JAKI link")),
]
_SEGMENT = re.compile(r"[^/]+")


def read_description(endpoint: str) -> str:
    """The endpoint of a read as a participant understands it: "/api/v1/participants/12/" is "your profile",
    "/api/v1/participants/" "list of participants"."""
    segments = _SEGMENT.findall(endpoint.lower())
    if segments[:2] == ["api", "v1"]:
        segments = segments[2:]
    one = any(segment.isdigit() for segment in segments)
    for word, a_list, one_record in _READ_WORDS:
        if any(word in segment for segment in segments):
            return str(one_record if one else a_list)
    return str(_("other program data"))


def data_shared(purpose: str) -> list[str]:
    """What a purpose lets a partner read, in plain words (partners.choices.PURPOSE_DATA; the API always shows a
    partner the name, track and kecamatan)."""
    if purpose == Purpose.APP_JOURNEY:  # the JAKI app reads the journey of the account linked, nothing more
        return [str(_("your progress in the program steps P1-P7"))]
    data: PurposeData = PURPOSE_DATA[purpose]
    shared = [str(_("your name, track and kecamatan"))]
    if data.contact:
        shared.append(str(_("your mobile number and email")))
    if data.nik:
        shared.append(str(_("your NIK, masked (only a few digits shown)")))
    if data.business:
        shared.append(str(_("your business: its name, sector, kecamatan and size")))
    if data.trainings:
        shared.append(str(_("your enrolments in the partner's own trainings")))
    if data.reports:
        shared.append(str(_("your business's monthly figures (turnover, workers, assets)")))
    return shared


def jaki_organisation_consented(participant: Participant) -> Consent | None:
    """The participant's active consent to the JAKI app's organisation (the one holding JAKI keys) for the journey
    in the app, if any (one query)."""
    return (
        Consent.objects.active()
        .filter(participant=participant, purpose=Purpose.APP_JOURNEY, organisation__in=services.jaki_organisations())
        .select_related("organisation")
        .first()
    )


def has_active_consent(participant: Participant, organisation: PartnerOrganisation, purpose: str) -> bool:
    return (
        Consent.objects.active().filter(participant=participant, organisation=organisation, purpose=purpose).exists()
    )


def jaki_link_of(participant: Participant) -> JakiLink | None:
    """The participant's JAKI account link, if they made one (one query)."""
    return JakiLink.objects.filter(participant=participant).first()


def link_code_expiry(participant: Participant) -> datetime.datetime | None:
    """When the participant's newest JAKI link code expires (one query)."""
    code = JakiLinkCode.objects.filter(participant=participant).order_by("-expires_at").first()
    return code.expires_at if code is not None else None
