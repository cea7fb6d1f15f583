"""Reads of partner organisations and their agreements."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts.models import Role
from accounts.permissions import AnyUser
from registration import journey
from registration.choices import Status
from registration.models import Participant, business_class_filter

from .choices import AgreementState, Purpose, purposes_of_steps
from .models import Agreement, Consent, PartnerMember, PartnerOrganisation


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
    return Agreement.objects.filter(organisation=organisation).order_by("-created_at", "-id")


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


def agreement_match(agreement: Agreement) -> Match:
    """The match counts shown before and after signing, in one query whatever the number of participants."""
    consents = Consent.objects.active().filter(
        # the steps' purposes, the city app's included: a partner is never given one of those (can_ask_consent), so
        # the count is the same without reading the organisation
        participant=OuterRef("pk"),
        organisation_id=agreement.organisation_id,
        purpose__in=purposes_of_steps(list(agreement.steps)),
    )
    counts = matching_participants(agreement).aggregate(
        matching=Count("pk"), consented=Count("pk", filter=Q(Exists(consents)))
    )
    return Match(matching=counts["matching"] or 0, consented=counts["consented"] or 0)


def purposes_in_force(organisation: PartnerOrganisation, day: datetime.date) -> list[str]:
    """The purposes the partner may be given consent for, and its keys act on, on `day`: those of its agreements
    in force, in the choices' order (one query; none for an inactive partner)."""
    purposes: set[str] = set()
    if organisation.active:
        for agreement in Agreement.objects.in_force(day).filter(organisation=organisation):
            agreement.organisation = organisation  # its purposes read it: no query more
            purposes.update(agreement.purposes)
    return [purpose for purpose in Purpose.values if purpose in purposes]
