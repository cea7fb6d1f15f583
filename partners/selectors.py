"""Reads of partners: organisations and their agreements (who matches them), consent texts; the pages' reads:
the keys and their use and partners' reads in a window (staff), a partner's own agreements and consenting
participants, and the participant's "Data saya" (the partners they may consent to, their consents and history,
every partner read of their data). Each read is a fixed number of queries whatever the number of rows."""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.permissions import AnyUser
from registration import journey
from registration.choices import Status
from registration.models import Participant, business_class_filter

from .choices import PURPOSE_DATA, AgreementState, Purpose, PurposeData, listed_purposes, purposes_of_steps
from .models import (
    AccessLog,
    Agreement,
    AgreementMatch,
    Consent,
    ConsentQuerySet,
    ConsentText,
    JakiLink,
    JakiLinkCode,
    KeyReadDay,
    PartnerKey,
    PartnerMember,
    PartnerOrganisation,
)
from .performance import Period


def organisation_of(user: AnyUser) -> PartnerOrganisation | None:
    """The active organisation a partner user acts for (as its member, or as its API account when one of its
    keys calls); None for anyone else (one query at most)."""
    if not user.is_authenticated or user.role != Role.PARTNER:
        return None
    return PartnerOrganisation.objects.filter(Q(members__user=user) | Q(api_user=user), active=True).first()


def is_partner_administrator(user: AnyUser, organisation: PartnerOrganisation) -> bool:
    """Whether the user is the organisation's partner administrator (who sees its users and keys)."""
    return (
        user.is_authenticated
        and PartnerMember.objects.filter(user_id=user.pk, organisation=organisation, is_administrator=True).exists()
    )


def agreements_of(organisation: PartnerOrganisation) -> QuerySet[Agreement]:
    """The organisation's agreements, newest first (their state is computed per day: `Agreement.state`)."""
    return (
        Agreement.objects.filter(organisation=organisation)
        .select_related("match_count")
        .order_by("-created_at", "-id")
    )


def agreements_in_state(queryset: QuerySet[Agreement], state: str, day: datetime.date) -> QuerySet[Agreement]:
    """The agreements of `queryset` in `state` on `day`: `Agreement.state` in SQL, for the admin's filter."""
    ended = Q(ended_on__isnull=False, ended_on__lte=day)
    signed = Q(signed_on__isnull=False) & ~ended
    conditions = {
        AgreementState.IN_TALKS: Q(signed_on__isnull=True),
        AgreementState.ENDED: Q(signed_on__isnull=False) & ended,
        AgreementState.SIGNED: signed & Q(starts_on__gt=day),
        AgreementState.EXPIRED: signed & Q(starts_on__lte=day, ends_on__lt=day),
        AgreementState.ACTIVE: signed & Q(starts_on__lte=day, ends_on__gte=day),
    }
    return queryset.filter(conditions[AgreementState(state)])


@dataclass(frozen=True)
class Match:
    """How many verified participants fit an agreement's criteria, and how many of them consented to its partner
    for one of its purposes."""

    matching: int
    consented: int


def criteria_filter(agreement: Agreement) -> Q:
    """A Q on Participant: verified (registration approved) and fitting every criterion of the agreement (an
    empty criterion: any). The kecamatan criterion is read in the same query (a subquery on the agreement's
    list), so the agreement need not be loaded with it."""
    wanted = Q(registration__status=Status.APPROVED)
    if agreement.criteria_tracks:
        wanted &= Q(track__in=agreement.criteria_tracks)
    if agreement.criteria_sectors:
        wanted &= Q(business__sector__in=agreement.criteria_sectors)
    if agreement.criteria_classes:
        wanted &= business_class_filter(agreement.criteria_classes, prefix="business__")
    for step in agreement.criteria_steps_done:
        wanted &= journey.done_filter(step)
    through = Agreement.criteria_kecamatan.through.objects.filter(agreement_id=agreement.pk)
    wanted &= ~Q(Exists(through)) | Q(Exists(through.filter(kecamatan_id=OuterRef("kecamatan_id"))))
    return wanted


def matching_participants(agreement: Agreement) -> QuerySet[Participant]:
    """The verified participants who fit the agreement's criteria."""
    return Participant.objects.filter(criteria_filter(agreement))


def agreement_consents(agreement: Agreement, period: Period | None = None) -> ConsentQuerySet:
    """The consents to the agreement's partner for a purpose of the steps it covers: who consented under it. With
    no `period`, those active now (the match count's "consented"); with one (the agreement's, for the participants
    it serves in `targets.partners`), those in effect at some time of it: granted before its end and not withdrawn
    before its start. The steps' purposes include the city app's: a partner is never given one of those
    (can_ask_consent), so the answer is the same without reading the organisation."""
    consents = Consent.objects.filter(
        organisation_id=agreement.organisation_id, purpose__in=purposes_of_steps(list(agreement.steps))
    )
    if period is None:
        return consents.active()
    start, after = period.bounds()
    return consents.filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=start), granted_at__lt=after)


def agreement_match(agreement: Agreement) -> Match:
    """The match counts shown before and after signing, in one query whatever the number of participants."""
    consents = agreement_consents(agreement).filter(participant=OuterRef("pk"))
    counts = matching_participants(agreement).aggregate(
        matching=Count("pk"), consented=Count("pk", filter=Q(Exists(consents)))
    )
    return Match(matching=counts["matching"] or 0, consented=counts["consented"] or 0)


def counted_match(agreement: Agreement) -> AgreementMatch | None:
    """The agreement's match counts as last counted (`agreement_match` by the task), None before the first count;
    load the agreement with `select_related("match_count")` to read them in the same query."""
    return getattr(agreement, "match_count", None)


def purposes_in_force(organisation: PartnerOrganisation, day: datetime.date) -> list[str]:
    """The purposes the partner may be given consent for, and its keys act on, on `day`: those of its agreements
    in force, in the choices' order (one query; none for an inactive partner)."""
    purposes: set[str] = set()
    if organisation.active:
        for agreement in Agreement.objects.in_force(day).filter(organisation=organisation):
            agreement.organisation = organisation  # its purposes read it: no query more
            purposes.update(agreement.purposes)
    return [purpose for purpose in Purpose.values if purpose in purposes]


def current_text(purpose: str) -> ConsentText:
    """The newest version of the consent text for a purpose."""
    text = ConsentText.objects.filter(purpose=purpose).order_by("-version").first()
    if text is None:
        raise ValidationError(_("There is no consent text for this purpose yet."), code="no_text")
    return text


def jaki_organisations() -> QuerySet[PartnerOrganisation]:
    """The organisation behind the JAKI app (`is_city_app`: the only one that holds JAKI keys)."""
    return PartnerOrganisation.objects.filter(is_city_app=True, active=True)


RECENT_READS_DAYS = 30  # "reads in the last 30 days" beside each key


class KeyState(models.TextChoices):
    """Where a key stands: computed from its flags and expiry, never stored."""

    USABLE = "usable", _("Usable")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


def key_state(key: PartnerKey, now: datetime.datetime) -> KeyState:
    """A revoked key is revoked whatever its expiry; an unrevoked key past its expiry is expired."""
    if key.revoked:
        return KeyState.REVOKED
    if key.expiry_date is not None and key.expiry_date < now:  # as the library's `has_expired`
        return KeyState.EXPIRED
    return KeyState.USABLE


def keys_with_use(now: datetime.datetime) -> QuerySet[PartnerKey]:
    """Every key with its partner and agreement, and `recent_reads`: its reads in the last 30 days, today
    included (a subquery summing at most 30 of its `KeyReadDay` rows), newest key first."""
    recent = (
        KeyReadDay.objects.filter(key=OuterRef("pk"), day__gte=recent_reads_since(now))
        .order_by()
        .values("key")
        .annotate(n=Sum("reads"))
        .values("n")
    )
    keys: QuerySet[PartnerKey] = PartnerKey.objects.select_related("organisation", "agreement")
    return keys.annotate(recent_reads=Coalesce(Subquery(recent, output_field=IntegerField()), 0)).order_by(
        "-created", "-pk"
    )


def recent_reads_since(now: datetime.datetime) -> datetime.date:
    """The first day of a key's "reads in the last 30 days": today and the 29 days before it."""
    return timezone.localdate(now) - datetime.timedelta(days=RECENT_READS_DAYS - 1)


def keys_of_organisation(organisation: PartnerOrganisation, now: datetime.datetime) -> QuerySet[PartnerKey]:
    return keys_with_use(now).filter(organisation=organisation)


def agreements_for_keys(day: datetime.date) -> QuerySet[Agreement]:
    """The agreements a key may be issued for on `day`: signed and neither expired nor ended (a key for one not
    yet started waits for its start; one for an agreement in talks or past its end would open nothing)."""
    return (
        Agreement.objects.filter(signed_on__isnull=False, ended_on__isnull=True, ends_on__gte=day)
        .select_related("organisation")
        .order_by("organisation__name", "-signed_on", "-pk")
    )


def reads_in_window(
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    key: PartnerKey | None = None,
    organisation: PartnerOrganisation | None = None,
) -> QuerySet[AccessLog]:
    """The partner reads of one key or one partner from `start` (included) to `end` (excluded), newest first, with the
    key, the partner and the participant (name and masked NIK: none decrypted) loaded. One of key or organisation
    must be given: each has its index with the time."""
    assert key is not None or organisation is not None
    reads = AccessLog.objects.filter(at__gte=start, at__lt=end)
    if key is not None:
        reads = reads.filter(key=key)
    if organisation is not None:
        reads = reads.filter(organisation=organisation)
    return (
        reads.select_related("key", "organisation", "participant")
        .only(
            "at",
            "endpoint",
            "key__name",
            "key__prefix",
            "key__revoked",  # the key model reads it when it is loaded
            "organisation__name",
            "participant__full_name",
            "participant__nik_masked",
        )
        .order_by("-at", "-id")
    )


def distinct_participants(reads: QuerySet[AccessLog]) -> int:
    """How many different participants these reads touched: what a breach notice counts."""
    return reads.order_by().aggregate(n=Count("participant_id", distinct=True))["n"] or 0


def agreement_of(organisation: PartnerOrganisation, pk: int) -> Agreement | None:
    """One of the partner's own agreements, with its wanted kecamatan, meetings and documents; None for another
    partner's (the page answers 404 then)."""
    return (
        Agreement.objects.filter(organisation=organisation, pk=pk)
        .select_related("match_count")
        .prefetch_related("criteria_kecamatan", "meetings", "documents")
        .first()
    )


def consenting_participants(organisation: PartnerOrganisation, *, purpose: str = "") -> QuerySet[Participant]:
    """The participants with an active consent to the partner for a purpose one of its agreements in force covers
    (for `purpose`, when given), by name, each with `consented_purposes` (those purposes) and `consented_since`
    (the earliest of those consents): what its keys may read, no more (a purpose read only through its step's own
    endpoints, a loan referral's, lists nobody here). Only the name and kecamatan are loaded: what the page
    shows."""
    covered = listed_purposes(purposes_in_force(organisation, timezone.localdate()))
    active = Consent.objects.active().filter(
        participant=OuterRef("pk"), organisation=organisation, purpose__in=covered
    )
    wanted = active.filter(purpose=purpose) if purpose else active
    return (
        Participant.objects.filter(Exists(wanted))
        .select_related("kecamatan")
        .only("full_name", "kecamatan__name")
        .annotate(
            consented_purposes=ArraySubquery(active.order_by("purpose").values("purpose")),
            consented_since=Subquery(active.order_by("granted_at").values("granted_at")[:1]),
        )
        .order_by("full_name", "pk")
    )


def consenting_ids(organisation: PartnerOrganisation, purposes: list[str]) -> QuerySet[Any]:
    """The ids of the participants with an active consent to the partner for one of `purposes` (a subquery, as
    `participant_id` values; none for no purpose)."""
    return (
        Consent.objects.active()
        .filter(organisation=organisation, purpose__in=purposes)
        .order_by()
        .values("participant_id")
    )


def consents_version(organisation: PartnerOrganisation) -> str:
    """A name for the partner's active consents, which changes whenever one is given, withdrawn or removed (one
    query): what was counted of its consenting participants stays true while it does not. Their number and the sum
    of their ids carry it (ids are never reused: a consent given adds one, a withdrawal or a removal takes one
    away); no time is read, as a withdrawal's, taken before its transaction commits, may be older than one
    committed before it."""
    found = (
        Consent.objects.active()
        .filter(organisation=organisation)
        .order_by()
        .aggregate(rows=Count("pk"), ids=Sum("pk"))
    )
    return f"{found['rows']}-{found['ids'] or 0}"


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
        .filter(participant=participant, purpose=Purpose.APP_JOURNEY, organisation__in=jaki_organisations())
        .select_related("organisation")
        .first()
    )


def has_current_consent(participant: Participant, organisation: PartnerOrganisation, purpose: str) -> bool:
    """An active consent given on the purpose's current text (one on an older text may be renewed): one query."""
    latest = ConsentText.objects.filter(purpose=purpose).order_by("-version").values("pk")[:1]
    return (
        Consent.objects.active()
        .filter(participant=participant, organisation=organisation, purpose=purpose, text_id=Subquery(latest))
        .exists()
    )


def jaki_link_of(participant: Participant) -> JakiLink | None:
    """The participant's JAKI account link, if they made one (one query)."""
    return JakiLink.objects.filter(participant=participant).first()


def link_code_expiry(participant: Participant) -> datetime.datetime | None:
    """When the participant's newest JAKI link code expires (one query)."""
    code = JakiLinkCode.objects.filter(participant=participant).order_by("-expires_at").first()
    return code.expires_at if code is not None else None
