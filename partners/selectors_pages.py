"""Reads of the partners' pages: the keys and their use, partners' reads in a window (staff), and a partner's own
agreements and consenting participants. Each returns a queryset with its joins, so a page is a fixed number of
queries whatever the number of rows."""

import datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.models import Participant

from .models import AccessLog, Agreement, Consent, PartnerKey, PartnerOrganisation
from .selectors import purposes_in_force

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
    """Every key with its partner and agreement, and `recent_reads`: its reads in the last 30 days (one
    subquery on the access log's (key, at) index), newest key first."""
    since = now - datetime.timedelta(days=RECENT_READS_DAYS)
    recent = (
        AccessLog.objects.filter(key=OuterRef("pk"), at__gte=since)
        .order_by()
        .values("key")
        .annotate(n=Count("pk"))
        .values("n")
    )
    keys: QuerySet[PartnerKey] = PartnerKey.objects.select_related("organisation", "agreement")
    return keys.annotate(recent_reads=Coalesce(Subquery(recent, output_field=IntegerField()), 0)).order_by(
        "-created", "-pk"
    )


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
    key, the partner and the participant (name and NIK, for the masked NIK) loaded. One of key or organisation
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
            "participant__nik",
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
        .prefetch_related("criteria_kecamatan", "meetings", "documents")
        .first()
    )


def consenting_participants(organisation: PartnerOrganisation, *, purpose: str = "") -> QuerySet[Participant]:
    """The participants with an active consent to the partner for a purpose one of its agreements in force covers
    (for `purpose`, when given), by name, each with `consented_purposes` (those purposes) and `consented_since`
    (the earliest of those consents): what its keys may read, no more. Only the name and kecamatan are loaded:
    what the page shows."""
    covered = purposes_in_force(organisation, timezone.localdate())
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
