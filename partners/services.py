"""Writes of partner organisations, their users, agreements and API keys, and of participants' consents. Each runs
in one transaction and is recorded in the audit trail as the acting user's, whatever the channel (web, admin,
API)."""

import datetime
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from core import audit
from registration.models import Participant

from . import permissions
from .choices import ConsentChannel, KeyKind, Purpose
from .models import (
    Agreement,
    Consent,
    ConsentText,
    JakiLink,
    PartnerKey,
    PartnerMember,
    PartnerOrganisation,
)
from .values import AgreementData, SigningData


@transaction.atomic
@audit.audited
def organisation_create(*, name: str, kind: str, active: bool, acting_user: User) -> PartnerOrganisation:
    """A new partner organisation (its name unique whatever the case)."""
    organisation = PartnerOrganisation(name=name.strip(), kind=kind, active=active)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
@audit.audited
def organisation_update(
    *, organisation: PartnerOrganisation, name: str, kind: str, active: bool, acting_user: User
) -> PartnerOrganisation:
    """Rename, reclassify, or (de)activate an organisation: an inactive one's users no longer act for it."""
    locked = PartnerOrganisation.objects.select_for_update().get(pk=organisation.pk)
    locked.name = name.strip()
    locked.kind = kind
    locked.active = active
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
@audit.audited
def member_add(*, organisation: PartnerOrganisation, user: User, acting_user: User) -> PartnerMember:
    """Let a user with the partner role act for an organisation (one organisation per user)."""
    member = PartnerMember(organisation=organisation, user=user)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
@audit.audited
def member_update(
    *, member: PartnerMember, organisation: PartnerOrganisation, user: User, acting_user: User
) -> PartnerMember:
    """Move a membership to another organisation or user."""
    locked = PartnerMember.objects.select_for_update().get(pk=member.pk)
    locked.organisation = organisation
    locked.user = user
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
@audit.audited
def member_remove(*, member: PartnerMember, acting_user: User) -> None:
    """The user no longer acts for the organisation."""
    PartnerMember.objects.filter(pk=member.pk).delete()


@transaction.atomic
@audit.audited
def organisation_delete(*, organisation: PartnerOrganisation, acting_user: User) -> None:
    """Delete an organisation nothing refers to (members, courses and agreements protect it: deactivate it then)."""
    PartnerOrganisation.objects.filter(pk=organisation.pk).delete()


# --- agreements ---------------------------------------------------------------------------------------------------


def _assign_terms(agreement: Agreement, data: AgreementData) -> None:
    agreement.kind = data.kind
    agreement.title = data.title.strip()
    agreement.parties = data.parties.strip()
    agreement.partner_offers = data.partner_offers.strip()
    agreement.program_offers = data.program_offers.strip()
    agreement.steps = sorted(set(data.steps))
    agreement.criteria_tracks = sorted(set(data.criteria_tracks))
    agreement.criteria_sectors = sorted(set(data.criteria_sectors))
    agreement.criteria_classes = sorted(set(data.criteria_classes))
    agreement.criteria_steps_done = sorted(set(data.criteria_steps_done))


def _validate(agreement: Agreement) -> None:
    errors: dict[str, list[ValidationError]] = {}
    if not agreement.steps:
        errors["steps"] = [ValidationError(_("Choose at least one step the agreement covers."), code="no_steps")]
    try:
        agreement.full_clean(exclude=["criteria_kecamatan"])
    except ValidationError as exc:
        for name, messages in exc.error_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
@audit.audited
def agreement_create(*, organisation: PartnerOrganisation, data: AgreementData, acting_user: User) -> Agreement:
    """Open the talks on an agreement with a partner (it grants nothing until signed and started)."""
    permissions.can_manage_agreements(acting_user).enforce()
    agreement = Agreement(organisation=organisation)
    _assign_terms(agreement, data)
    _validate(agreement)
    agreement.save()
    agreement.criteria_kecamatan.set(data.criteria_kecamatan)
    return agreement


@transaction.atomic
@audit.audited
def agreement_update(*, agreement: Agreement, data: AgreementData, acting_user: User) -> Agreement:
    """Change the terms (steps covered, criteria, offers): a key acts on the new terms from its next call."""
    permissions.can_manage_agreements(acting_user).enforce()
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _assign_terms(locked, data)
    _validate(locked)
    locked.save()
    locked.criteria_kecamatan.set(data.criteria_kecamatan)
    return locked


@transaction.atomic
@audit.audited
def agreement_sign(*, agreement: Agreement, signing: SigningData, acting_user: User) -> Agreement:
    """Record the signing: its number and dates. It grants from its start to its end date."""
    permissions.can_manage_agreements(acting_user).enforce()
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    permissions.can_sign(locked).enforce()
    errors: dict[str, list[ValidationError]] = {}
    if signing.ends_on < signing.starts_on:
        errors["ends_on"] = [ValidationError(_("The end date is before the start date."), code="ends_before_start")]
    if signing.signed_on > timezone.localdate():
        errors["signed_on"] = [ValidationError(_("The signing date is in the future."), code="signed_in_future")]
    if errors:
        raise ValidationError(errors)
    locked.number = signing.number.strip()
    locked.signed_on, locked.starts_on, locked.ends_on = signing.signed_on, signing.starts_on, signing.ends_on
    locked.expiry_reminded_on = None
    _validate(locked)
    locked.save()
    return locked


@transaction.atomic
@audit.audited
def agreement_end(*, agreement: Agreement, on: datetime.date, reason: str, acting_user: User) -> Agreement:
    """End a signed agreement before its end date: from that day it grants nothing, to every key."""
    permissions.can_manage_agreements(acting_user).enforce()
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    permissions.can_end(locked).enforce()
    if not reason.strip():
        raise ValidationError({"end_reason": ValidationError(_("Say why the agreement ends."), code="required")})
    locked.ended_on, locked.end_reason = on, reason.strip()
    locked.save()
    return locked


# --- API keys -----------------------------------------------------------------------------------------------------


def _api_user(organisation: PartnerOrganisation) -> User:
    """The organisation's API account: what its keys act as. It has no password and cannot log in."""
    if organisation.api_user_id is not None:
        assert organisation.api_user is not None
        return organisation.api_user
    user = User.objects.create_user(
        email=f"api-{organisation.pk}@api.jakpreneur.invalid",
        full_name=f"API: {organisation.name}"[:150],
        role=Role.PARTNER,
    )
    PartnerOrganisation.objects.filter(pk=organisation.pk).update(api_user=user)
    organisation.api_user = user
    return user


@transaction.atomic
@audit.audited
def key_issue(
    *, agreement: Agreement, name: str, kind: str, expires_at: datetime.datetime | None, acting_user: User
) -> tuple[PartnerKey, str]:
    """A new key for the agreement's partner. The secret is returned this once; only its hash is kept."""
    permissions.can_manage_keys(acting_user).enforce()
    organisation = PartnerOrganisation.objects.select_for_update().get(pk=agreement.organisation_id)
    errors: dict[str, list[ValidationError]] = {}
    if not name.strip():
        errors["name"] = [ValidationError(_("Name the key, e.g. the system that will use it."), code="required")]
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = [ValidationError(_("The expiry is in the past."), code="expired")]
    if errors:
        raise ValidationError(errors)
    _api_user(organisation)
    key, secret = cast(
        "tuple[PartnerKey, str]",
        PartnerKey.objects.create_key(
            name=name.strip()[:50],
            organisation=organisation,
            agreement=agreement,
            kind=KeyKind(kind).value,
            expiry_date=expires_at,
            issued_by=acting_user,
        ),
    )
    return key, secret


@transaction.atomic
@audit.audited
def key_revoke(*, key: PartnerKey, acting_user: User) -> PartnerKey:
    """Revoke a key: its next call is refused."""
    permissions.can_manage_keys(acting_user).enforce()
    locked: PartnerKey = PartnerKey.objects.select_for_update().get(pk=key.pk)
    if not locked.revoked:
        locked.revoked, locked.revoked_at = True, timezone.now()
        locked.save(update_fields=["revoked", "revoked_at"])
    return locked


@transaction.atomic
@audit.audited
def key_rotate(*, key: PartnerKey, acting_user: User) -> tuple[PartnerKey, str]:
    """A new secret for the same partner, agreement and expiry; the old key is revoked at once."""
    permissions.can_manage_keys(acting_user).enforce()
    old: PartnerKey = PartnerKey.objects.select_for_update().get(pk=key.pk)
    if old.revoked:
        raise ValidationError(_("This key is revoked: issue a new one."), code="revoked")
    new, secret = key_issue(
        agreement=old.agreement, name=old.name, kind=old.kind, expires_at=old.expiry_date, acting_user=acting_user
    )
    old.revoked, old.revoked_at, old.replaced_by = True, timezone.now(), new
    old.save(update_fields=["revoked", "revoked_at", "replaced_by"])
    return new, secret


# --- consent ------------------------------------------------------------------------------------------------------


def current_text(purpose: str) -> ConsentText:
    """The newest version of the consent text for a purpose."""
    text = ConsentText.objects.filter(purpose=purpose).order_by("-version").first()
    if text is None:
        raise ValidationError(_("There is no consent text for this purpose yet."), code="no_text")
    return text


@transaction.atomic
@audit.audited
def consent_text_publish(*, purpose: str, text_id: str, text_en: str, acting_user: User) -> ConsentText:
    """A new version of a purpose's consent text; consents already given keep the version they were given on."""
    permissions.can_manage_agreements(acting_user).enforce()
    latest = ConsentText.objects.select_for_update().filter(purpose=purpose).order_by("-version").first()
    text = ConsentText(
        purpose=Purpose(purpose).value,
        version=(latest.version + 1) if latest is not None else 1,
        text_id=text_id.strip(),
        text_en=text_en.strip(),
    )
    text.full_clean()
    text.save()
    return text


def grant(
    *, participant: Participant, organisation: PartnerOrganisation, purpose: str, text: ConsentText, channel: str
) -> Consent:
    """Record a consent the caller has checked may be given (one active per partner and purpose: granting again
    what is granted changes nothing)."""
    permissions.can_ask_consent(
        organisation,
        purpose,
        in_force=list(Agreement.objects.in_force(timezone.localdate()).filter(organisation=organisation)),
    ).enforce()
    Participant.objects.select_for_update().filter(pk=participant.pk).first()  # one grant at a time per person
    existing = (
        Consent.objects.active().filter(participant=participant, organisation=organisation, purpose=purpose).first()
    )
    if existing is not None:
        return existing
    return Consent.objects.create(
        participant=participant,
        organisation=organisation,
        purpose=purpose,
        text=text,
        granted_at=timezone.now(),
        granted_channel=ConsentChannel(channel).value,
    )


def shown_text(purpose: str, version: int) -> ConsentText:
    """The current text of a purpose, if it is the version the person was shown; else a field error."""
    text = current_text(purpose)
    if text.version != version:
        raise ValidationError(
            {"text_version": ValidationError(_("The consent text has changed: read it again."), code="text_changed")}
        )
    return text


@transaction.atomic
@audit.audited
def consent_grant(
    *,
    participant: Participant,
    organisation: PartnerOrganisation,
    purpose: str,
    text_version: int,
    channel: str,
    acting_user: User,
) -> Consent:
    """The participant consents to the partner for a purpose, against the text version they were shown (it
    must be the current one), while an agreement in force with the partner covers the purpose."""
    permissions.can_manage_consent(acting_user, participant).enforce()
    text = shown_text(purpose, text_version)
    return grant(participant=participant, organisation=organisation, purpose=purpose, text=text, channel=channel)


@transaction.atomic
@audit.audited
def consent_withdraw(*, consent: Consent, channel: str, acting_user: User) -> Consent:
    """Withdraw a consent: from this moment no key of the partner sees the participant for that purpose. A JAKI
    link ends with the consent it rests on."""
    locked = Consent.objects.select_for_update().select_related("participant").get(pk=consent.pk)
    permissions.can_manage_consent(acting_user, locked.participant).enforce()
    if locked.withdrawn_at is None:
        locked.withdrawn_at, locked.withdrawn_channel = timezone.now(), ConsentChannel(channel).value
        locked.save(update_fields=["withdrawn_at", "withdrawn_channel"])
        if locked.purpose == Purpose.APP_JOURNEY:
            JakiLink.objects.filter(participant_id=locked.participant_id).delete()
    return locked
