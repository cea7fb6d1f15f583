"""Writes of partner organisations, their users, agreements and API keys, and of participants' consents. Each runs
in one transaction and is recorded in the audit trail as the acting user's, whatever the channel (web, admin,
API)."""

import datetime
import logging
import secrets
from typing import Any, cast

import filetype
import kombu.exceptions
from celery import current_app
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from core import audit
from core.crypto import keyed_hash
from core.phone import normalize_phone
from core.web import absolute_url
from notifications.services import notify
from registration import services as registration_services
from registration.choices import Channel
from registration.models import Participant, Registration
from registration.values import BusinessData, PersonData

from . import permissions, selectors
from .choices import ConsentChannel, KeyKind, Purpose
from .models import (
    Agreement,
    AgreementDocument,
    AgreementMatch,
    AgreementMeeting,
    Consent,
    ConsentText,
    JakiLink,
    JakiLinkCode,
    PartnerKey,
    PartnerMember,
    PartnerOrganisation,
)
from .values import AgreementData, OrganisationData, SigningData

AGREEMENT_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
EXPIRY_NOTICE_DAYS = 30  # staff and the partner hear this long before an agreement ends
REMINDER_BATCH_SIZE = 100
MATCH_TASK = "partners.tasks.count_agreement_matches"
logger = logging.getLogger(__name__)


def _assign_organisation(organisation: PartnerOrganisation, data: OrganisationData) -> None:
    """The organisation's values, trimmed; its contact phone normalised (+62…), an error keyed to the field."""
    organisation.name = data.name.strip()
    organisation.kind = data.kind
    organisation.active = data.active
    organisation.is_city_app = data.is_city_app
    organisation.contact_name = data.contact_name.strip()
    organisation.contact_email = data.contact_email.strip()
    organisation.website = data.website.strip()
    phone = data.contact_phone.strip()
    try:
        organisation.contact_phone = normalize_phone(phone) if phone else ""
    except ValidationError as exc:
        raise ValidationError({"contact_phone": exc.error_list}) from exc
    organisation.full_clean(exclude=["api_user"])


def check_organisation(*, data: OrganisationData, organisation: PartnerOrganisation | None = None) -> None:
    """Raise the errors organisation_create/organisation_update would, writing nothing (an admin form asks it while
    it validates, so a refusal shows on the field)."""
    probe = PartnerOrganisation(pk=organisation.pk if organisation is not None else None)
    probe._state.adding = organisation is None  # an existing one is checked against the others only
    _assign_organisation(probe, data)


@transaction.atomic
@audit.audited
def organisation_create(*, data: OrganisationData, acting_user: User) -> PartnerOrganisation:
    """A new partner organisation (its name unique whatever the case), with its contacts."""
    permissions.can_manage_partners(acting_user).enforce()
    organisation = PartnerOrganisation()
    _assign_organisation(organisation, data)
    organisation.save()
    return organisation


@transaction.atomic
@audit.audited
def organisation_update(
    *, organisation: PartnerOrganisation, data: OrganisationData, acting_user: User
) -> PartnerOrganisation:
    """Rename, reclassify, (de)activate an organisation or change its contacts: an inactive one's users no
    longer act for it."""
    permissions.can_manage_partners(acting_user).enforce()
    locked = PartnerOrganisation.objects.select_for_update().get(pk=organisation.pk)
    _assign_organisation(locked, data)
    locked.save()
    return locked


@transaction.atomic
@audit.audited
def member_add(
    *, organisation: PartnerOrganisation, user: User, acting_user: User, is_administrator: bool = False
) -> PartnerMember:
    """Let a user with the partner role act for an organisation (one organisation per user), as its partner
    administrator or as a member."""
    permissions.can_manage_partners(acting_user).enforce()
    member = PartnerMember(organisation=organisation, user=user, is_administrator=is_administrator)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
@audit.audited
def member_update(
    *,
    member: PartnerMember,
    organisation: PartnerOrganisation,
    user: User,
    acting_user: User,
    is_administrator: bool = False,
) -> PartnerMember:
    """Move a membership to another organisation or user, or make the user its administrator or a member."""
    permissions.can_manage_partners(acting_user).enforce()
    locked = PartnerMember.objects.select_for_update().get(pk=member.pk)
    locked.organisation = organisation
    locked.user = user
    locked.is_administrator = is_administrator
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
@audit.audited
def member_remove(*, member: PartnerMember, acting_user: User) -> None:
    """The user no longer acts for the organisation."""
    permissions.can_manage_partners(acting_user).enforce()
    PartnerMember.objects.filter(pk=member.pk).delete()


@transaction.atomic
@audit.audited
def organisation_delete(*, organisation: PartnerOrganisation, acting_user: User) -> None:
    """Delete an organisation nothing refers to (members, courses and agreements protect it: deactivate it then)."""
    permissions.can_manage_partners(acting_user).enforce()
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


def check_terms(*, organisation: PartnerOrganisation, data: AgreementData, agreement: Agreement | None = None) -> None:
    """Raise the errors agreement_create/agreement_update would for these terms, writing nothing."""
    if agreement is not None:
        permissions.can_change_terms(agreement).enforce()
    probe = Agreement(pk=agreement.pk if agreement is not None else None, organisation=organisation)
    if agreement is not None:
        probe._state.adding = False  # checked against the other agreements only
        probe.number, probe.signed_on, probe.starts_on, probe.ends_on = (
            agreement.number,
            agreement.signed_on,
            agreement.starts_on,
            agreement.ends_on,
        )
    _assign_terms(probe, data)
    _validate(probe)


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
    _count_matches_after_commit(agreement)
    return agreement


@transaction.atomic
@audit.audited
def agreement_update(*, agreement: Agreement, data: AgreementData, acting_user: User) -> Agreement:
    """Change the terms (steps covered, criteria, offers): a key acts on the new terms from its next call. An
    expired or ended agreement keeps the terms it had."""
    permissions.can_manage_agreements(acting_user).enforce()
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    permissions.can_change_terms(locked).enforce()
    _assign_terms(locked, data)
    _validate(locked)
    locked.save()
    locked.criteria_kecamatan.set(data.criteria_kecamatan)
    _count_matches_after_commit(locked)
    return locked


def _count_matches_after_commit(agreement: Agreement) -> None:
    """Queue the count of the agreement's matches on its new terms, once they are committed. With the broker down
    the terms are saved all the same and the nightly count catches up."""

    def queue() -> None:
        try:
            current_app.tasks[MATCH_TASK].delay([agreement.pk])
        except kombu.exceptions.OperationalError:
            logger.warning("Match count of agreement %s not queued; the nightly count makes it", agreement.pk)

    transaction.on_commit(queue)


def agreement_matches_count(agreement_ids: list[int] | None = None) -> int:
    """Count the matches of these agreements (every agreement without `agreement_ids`) and keep them, each in one
    query (`selectors.agreement_match`) and written as it is counted: a count running at the same time as
    another leaves the later one. Returns how many were counted."""
    agreements = Agreement.objects.order_by("pk")
    if agreement_ids is not None:
        agreements = agreements.filter(pk__in=agreement_ids)
    counted = 0
    for agreement in agreements.iterator():
        found = selectors.agreement_match(agreement)
        AgreementMatch.objects.bulk_create(
            [
                AgreementMatch(
                    agreement=agreement,
                    matching=found.matching,
                    consented=found.consented,
                    counted_at=timezone.now(),
                )
            ],
            update_conflicts=True,
            unique_fields=["agreement"],
            update_fields=["matching", "consented", "counted_at"],
        )
        counted += 1
    return counted


def check_signing(signing: SigningData) -> None:
    """The signing's own rules (a number, the end after the start, not signed in the future); the number's
    uniqueness is the model's."""
    errors: dict[str, list[ValidationError]] = {}
    if not signing.number.strip():
        errors["number"] = [ValidationError(_("Give the agreement's number."), code="required")]
    if signing.ends_on < signing.starts_on:
        errors["ends_on"] = [ValidationError(_("The end date is before the start date."), code="ends_before_start")]
    if signing.signed_on > timezone.localdate():
        errors["signed_on"] = [ValidationError(_("The signing date is in the future."), code="signed_in_future")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
@audit.audited
def agreement_sign(*, agreement: Agreement, signing: SigningData, acting_user: User) -> Agreement:
    """Record the signing: its number and dates. It grants from its start to its end date."""
    permissions.can_manage_agreements(acting_user).enforce()
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    permissions.can_sign(locked).enforce()
    check_signing(signing)
    locked.number = signing.number.strip()
    locked.signed_on, locked.starts_on, locked.ends_on = signing.signed_on, signing.starts_on, signing.ends_on
    locked.expiry_reminded_on = None
    _validate(locked)
    locked.save()
    return locked


def check_ending(agreement: Agreement, *, on: datetime.date, reason: str) -> None:
    """An early end needs a reason, and a day within the signed term (not before the signing, not after its
    end date: then it simply expires)."""
    errors: dict[str, list[ValidationError]] = {}
    if agreement.signed_on is not None and on < agreement.signed_on:
        errors["ended_on"] = [
            ValidationError(_("The agreement cannot end before it was signed."), code="ends_before_signing")
        ]
    if agreement.ends_on is not None and on > agreement.ends_on:
        errors["ended_on"] = [
            ValidationError(_("This is after the agreement's end date: it expires then anyway."), code="after_end")
        ]
    if not reason.strip():
        errors["end_reason"] = [ValidationError(_("Say why the agreement ends."), code="required")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
@audit.audited
def agreement_end(*, agreement: Agreement, on: datetime.date, reason: str, acting_user: User) -> Agreement:
    """End a signed agreement before its end date: from that day it grants nothing, to every key."""
    permissions.can_manage_agreements(acting_user).enforce()
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    permissions.can_end(locked).enforce()
    check_ending(locked, on=on, reason=reason)
    locked.ended_on, locked.end_reason = on, reason.strip()
    locked.save()
    return locked


# --- the talks and the documents of an agreement ------------------------------------------------------------


def check_meeting(held_on: datetime.date, notes: str) -> None:
    """A meeting is recorded once held, with what was said."""
    errors: dict[str, list[ValidationError]] = {}
    if held_on > timezone.localdate():
        errors["held_on"] = [
            ValidationError(_("The meeting date is in the future: record a meeting once it is held."), code="future")
        ]
    if not notes.strip():
        errors["notes"] = [ValidationError(_("Write what was said and offered."), code="required")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
@audit.audited
def meeting_add(*, agreement: Agreement, held_on: datetime.date, notes: str, acting_user: User) -> AgreementMeeting:
    """Record a meeting of the talks (or one held while the agreement runs): its date and notes."""
    permissions.can_keep_agreement_records(acting_user, agreement).enforce()
    check_meeting(held_on, notes)
    return AgreementMeeting.objects.create(
        agreement=agreement, held_on=held_on, notes=notes.strip(), recorded_by=acting_user
    )


@transaction.atomic
@audit.audited
def meeting_update(
    *, meeting: AgreementMeeting, held_on: datetime.date, notes: str, acting_user: User
) -> AgreementMeeting:
    """Correct a meeting's date or notes (the trail keeps what they were)."""
    locked = AgreementMeeting.objects.select_for_update().select_related("agreement").get(pk=meeting.pk)
    permissions.can_keep_agreement_records(acting_user, locked.agreement).enforce()
    check_meeting(held_on, notes)
    locked.held_on, locked.notes = held_on, notes.strip()
    locked.save(update_fields=["held_on", "notes"])
    return locked


@transaction.atomic
@audit.audited
def meeting_remove(*, meeting: AgreementMeeting, acting_user: User) -> None:
    """Remove a meeting recorded by mistake (the trail keeps it)."""
    locked = AgreementMeeting.objects.select_for_update().select_related("agreement").get(pk=meeting.pk)
    permissions.can_keep_agreement_records(acting_user, locked.agreement).enforce()
    locked.delete()


def check_agreement_pdf(upload: UploadedFile[Any]) -> None:
    """An agreement document is a PDF (read from its content, never its name or the browser's claim), not
    empty, at most AGREEMENT_DOCUMENT_MAX_BYTES. A form may call it early; the service always does."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": ValidationError(_("The file is empty."), code="empty")})
    if size > AGREEMENT_DOCUMENT_MAX_BYTES:
        raise ValidationError(
            {
                "file": ValidationError(
                    _("The file is %(size)s; the most we take is %(limit)s.")
                    % {"size": filesizeformat(size), "limit": filesizeformat(AGREEMENT_DOCUMENT_MAX_BYTES)},
                    code="too_large",
                )
            }
        )
    upload.seek(0)
    kind = filetype.guess(upload.read(8192))
    upload.seek(0)
    if kind is None or kind.mime != "application/pdf":
        raise ValidationError(
            {
                "file": ValidationError(
                    _("Only PDF files are accepted; this file is not one, whatever its name."), code="file_type"
                )
            }
        )


@transaction.atomic
@audit.audited
def agreement_document_attach(
    *, agreement: Agreement, title: str, upload: UploadedFile[Any], acting_user: User
) -> AgreementDocument:
    """Keep a PDF of the agreement (a draft, the signed copy, minutes) in private storage."""
    permissions.can_keep_agreement_records(acting_user, agreement).enforce()
    errors: dict[str, list[ValidationError]] = {}
    if not title.strip():
        errors["title"] = [ValidationError(_("Give the document a title, e.g. the signed PKS."), code="required")]
    try:
        check_agreement_pdf(upload)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    # the file is stored under a name agreement_document_path makes: nothing of the uploaded name reaches the disk
    document = AgreementDocument(
        agreement=agreement, title=title.strip()[:150], file=upload, size=upload.size or 0, uploaded_by=acting_user
    )
    document.save()
    return document


@transaction.atomic
@audit.audited
def agreement_document_remove(*, document: AgreementDocument, acting_user: User) -> None:
    """Remove a document attached by mistake: the row goes (the trail keeps it) and its file once that commits."""
    locked = AgreementDocument.objects.select_for_update().select_related("agreement").get(pk=document.pk)
    permissions.can_keep_agreement_records(acting_user, locked.agreement).enforce()
    storage, name = locked.file.storage, locked.file.name
    locked.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- expiry reminders ---------------------------------------------------------------------------------------------


def _expiry_context(agreement: Agreement, user: User, link: str, today: datetime.date) -> dict[str, Any]:
    assert agreement.ends_on is not None
    return {
        "full_name": user.full_name,
        "partner": agreement.organisation.name,
        "title": agreement.title,
        "number": agreement.number,
        "ends_on": formats.date_format(agreement.ends_on, "j F Y"),
        "days": (agreement.ends_on - today).days,
        "link": link,
    }


def agreements_remind_expiring(*, now: datetime.datetime | None = None) -> int:
    """Tell agency staff and the partner's users that a signed agreement ends within EXPIRY_NOTICE_DAYS (its
    partner then loses every grant, unless a new agreement is signed). Each agreement is reminded once: its
    `expiry_reminded_on` is set in the transaction that queues the messages, and rows another run holds are
    skipped. Returns how many agreements were reminded."""
    today = timezone.localdate(now or timezone.now())
    horizon = today + datetime.timedelta(days=EXPIRY_NOTICE_DAYS)
    reminded = 0
    while True:
        with transaction.atomic():
            batch = list(
                Agreement.objects.select_for_update(of=("self",), skip_locked=True)
                .filter(
                    signed_on__isnull=False,
                    ended_on__isnull=True,
                    expiry_reminded_on__isnull=True,
                    ends_on__gte=today,
                    ends_on__lte=horizon,
                )
                .select_related("organisation")
                .order_by("pk")[:REMINDER_BATCH_SIZE]
            )
            if not batch:
                return reminded
            staff = list(User.objects.filter(role=Role.AGENCY, is_active=True).order_by("pk"))
            members: dict[int, list[User]] = {}
            administrators: dict[int, list[User]] = {}
            for member in PartnerMember.objects.filter(
                organisation_id__in={agreement.organisation_id for agreement in batch},
                user__is_active=True,
                organisation__active=True,
            ).select_related("user"):
                members.setdefault(member.organisation_id, []).append(member.user)
                if member.is_administrator:
                    administrators.setdefault(member.organisation_id, []).append(member.user)
            members.update(administrators)  # the partner's administrators, or all its users if it has none
            for agreement in batch:
                staff_link = absolute_url("admin:partners_agreement_change", agreement.pk)
                for user in staff:
                    notify(
                        template="partners_agreement_expiring_staff",
                        context=_expiry_context(agreement, user, staff_link, today),
                        user=user,
                    )
                for user in members.get(agreement.organisation_id, []):
                    notify(
                        template="partners_agreement_expiring_partner",
                        context=_expiry_context(
                            agreement, user, absolute_url("partners:partner_agreement", agreement.pk), today
                        ),
                        user=user,
                    )
                agreement.expiry_reminded_on = today
            Agreement.objects.bulk_update(batch, ["expiry_reminded_on"])
            reminded += len(batch)


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
    permissions.can_issue_key(agreement, organisation, kind).enforce()
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
    """Record a consent the caller has checked may be given (one active per partner and purpose). Granting again
    what is granted on the same text changes nothing; on a newer text, the consent is renewed: the one given on
    the older text ends now and a new one rests on the text the person was just shown."""
    permissions.can_ask_consent(
        organisation, purpose, covered=selectors.purposes_in_force(organisation, timezone.localdate())
    ).enforce()
    Participant.objects.select_for_update().filter(pk=participant.pk).first()  # one grant at a time per person
    existing = (
        Consent.objects.active().filter(participant=participant, organisation=organisation, purpose=purpose).first()
    )
    if existing is not None and existing.text_id == text.pk:
        return existing
    if existing is not None:  # renewed on the newer text (not a withdrawal: a JAKI link stays)
        existing.withdrawn_at, existing.withdrawn_channel = timezone.now(), ConsentChannel(channel).value
        existing.save(update_fields=["withdrawn_at", "withdrawn_channel"])
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
    text = selectors.current_text(purpose)
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
    withdraw(locked, channel)
    return locked


def withdraw(consent: Consent, channel: str) -> None:
    """Withdraw a locked consent (if still active); the JAKI link ends with the consent it rests on."""
    if consent.withdrawn_at is not None:
        return
    consent.withdrawn_at, consent.withdrawn_channel = timezone.now(), ConsentChannel(channel).value
    consent.save(update_fields=["withdrawn_at", "withdrawn_channel"])
    if consent.purpose == Purpose.APP_JOURNEY:
        JakiLink.objects.filter(participant_id=consent.participant_id).delete()


# --- the JAKI app -------------------------------------------------------------------------------------------------

# A link code is read on one screen and typed into the app on another: short, no look-alike characters
# (registration's reference alphabet: no I, O, 0 or 1), and alive only for the minutes that takes.
LINK_CODE_ALPHABET = registration_services.REFERENCE_ALPHABET
LINK_CODE_LENGTH = 8
LINK_CODE_LIFETIME = datetime.timedelta(minutes=15)
JAKI_ACCOUNT_MAX_LENGTH = 64  # JakiLink.account


def normalize_link_code(code: str) -> str:
    """The code as stored: what the person typed, without spaces or dashes, in capitals."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _jaki_organisation(acting_user: User) -> PartnerOrganisation:
    organisation = getattr(acting_user, "api_organisation", None)
    assert isinstance(organisation, PartnerOrganisation), "can_act_for_jaki allowed an API account"
    return organisation


def _clean_account(account: str) -> str:
    """A JAKI account id: given, and as long as the link can keep."""
    account = account.strip()
    if not account or len(account) > JAKI_ACCOUNT_MAX_LENGTH:
        raise ValidationError(
            {"account": ValidationError(_("Send the JAKI account id (1 to 64 characters)."), code="invalid")}
        )
    return account


def _refuse_linked_elsewhere(account: str, participant: Participant | None) -> None:
    """One JAKI account belongs to one participant: an account linked to someone else is refused."""
    linked = JakiLink.objects.filter(account=account)
    if participant is not None:
        linked = linked.exclude(participant=participant)
    if linked.exists():
        raise ValidationError(
            {
                "account": ValidationError(
                    _("This JAKI account is linked to another participant already."), code="already_linked"
                )
            }
        )


def _link(participant: Participant, account: str) -> JakiLink:
    """Link the participant to the account (a participant linking again from a new JAKI account moves the link)."""
    try:
        with transaction.atomic():
            link, _created = JakiLink.objects.update_or_create(
                participant=participant, defaults={"account": account, "linked_at": timezone.now()}
            )
    except IntegrityError as exc:  # the same account linked to someone else a moment ago
        raise ValidationError(
            {
                "account": ValidationError(
                    _("This JAKI account is linked to another participant already."), code="already_linked"
                )
            }
        ) from exc
    return link


@transaction.atomic
@audit.audited
def jaki_link_code_create(*, participant: Participant, acting_user: User) -> str:
    """A code for the participant to type into the JAKI app, which sends it back with their JAKI account
    (`jaki_link`). Only while they let the JAKI app show their journey (an active `app_journey` consent to the
    app's organisation). Only its keyed hash is kept; earlier codes of the participant stop working."""
    permissions.can_manage_consent(acting_user, participant).enforce()
    Participant.objects.select_for_update().filter(pk=participant.pk).exists()  # one code at a time per person
    consented = (
        Consent.objects.active()
        .filter(participant=participant, purpose=Purpose.APP_JOURNEY, organisation__in=selectors.jaki_organisations())
        .exists()
    )
    if not consented:
        raise ValidationError(
            _("First allow the JAKI app to show your program journey; then ask for a code."), code="no_consent"
        )
    now = timezone.now()
    JakiLinkCode.objects.filter(participant=participant).delete()
    JakiLinkCode.objects.filter(expires_at__lte=now).delete()  # nobody can use them any more
    while True:
        code = "".join(secrets.choice(LINK_CODE_ALPHABET) for _i in range(LINK_CODE_LENGTH))
        code_hash = keyed_hash(code)
        if not JakiLinkCode.objects.filter(code_hash=code_hash).exists():
            break
    JakiLinkCode.objects.create(participant=participant, code_hash=code_hash, expires_at=now + LINK_CODE_LIFETIME)
    return code


@transaction.atomic
@audit.audited
def jaki_link(*, code: str, account: str, acting_user: User) -> JakiLink:
    """The JAKI app links a JAKI account to the participant whose unexpired code it sends; the code is spent. An
    unknown or expired code changes nothing; so does an account linked to someone else, or an app whose agreement
    is no longer in force."""
    permissions.can_act_for_jaki(acting_user).enforce()
    organisation = _jaki_organisation(acting_user)
    permissions.can_ask_consent(
        organisation, Purpose.APP_JOURNEY, covered=selectors.purposes_in_force(organisation, timezone.localdate())
    ).enforce()
    account = _clean_account(account)
    found = (
        JakiLinkCode.objects.select_for_update()
        .select_related("participant")
        .filter(code_hash=keyed_hash(normalize_link_code(code)), expires_at__gt=timezone.now())
        .first()
    )
    consented = (  # locked: a withdrawal at the same moment waits, then ends the link it finds
        found is not None
        and Consent.objects.active()
        .select_for_update()
        .filter(
            participant_id=found.participant_id,
            purpose=Purpose.APP_JOURNEY,
            organisation=_jaki_organisation(acting_user),
        )
        .first()
        is not None
    )
    if found is None or not consented:  # a consent withdrawn since the code was made ends the code too
        raise ValidationError(
            {
                "code": ValidationError(
                    _("This code is unknown or has expired: ask for a new one."), code="invalid_code"
                )
            }
        )
    _refuse_linked_elsewhere(account, found.participant)
    link = _link(found.participant, account)
    found.delete()
    return link


@transaction.atomic
@audit.audited
def jaki_register(
    *,
    person: PersonData,
    business: BusinessData,
    uploads: dict[str, tuple[UploadedFile[Any], str]],
    account: str,
    consent_text_version: int,
    acting_user: User,
) -> Registration:
    """The JAKI app registers a new participant under the wizard's rules (channel JAKI; the claim link as a walk-in
    gets), with their consent to show their journey in the app, given against the text version the app showed
    them, and links their JAKI account. Everything or nothing."""
    permissions.can_act_for_jaki(acting_user).enforce()
    organisation = _jaki_organisation(acting_user)
    account = _clean_account(account)
    _refuse_linked_elsewhere(account, None)
    try:
        text = shown_text(Purpose.APP_JOURNEY, consent_text_version)
    except ValidationError as exc:
        raise ValidationError({"consent_text_version": exc.error_dict["text_version"]}) from exc
    # asked before registering (and again by `grant`): a refusal then leaves no uploaded file behind
    permissions.can_ask_consent(
        organisation, Purpose.APP_JOURNEY, covered=selectors.purposes_in_force(organisation, timezone.localdate())
    ).enforce()
    registration = registration_services.registration_register_from_app(
        person=person, business=business, uploads=uploads, channel=Channel.JAKI, acting_user=acting_user
    )
    participant = registration.participant
    grant(
        participant=participant,
        organisation=organisation,
        purpose=Purpose.APP_JOURNEY,
        text=text,
        channel=ConsentChannel.JAKI,
    )
    _link(participant, account)
    return registration


@transaction.atomic
@audit.audited
def jaki_unlink(*, account: str, acting_user: User) -> bool:
    """The person unlinked their account in the JAKI app: their consent to show the journey there is withdrawn
    through the JAKI channel, and the link ends with it. False when the account is not linked (nothing changes)."""
    permissions.can_act_for_jaki(acting_user).enforce()
    link = JakiLink.objects.select_for_update().filter(account=account).first()
    if link is None:
        return False
    consent = (
        Consent.objects.select_for_update()
        .active()
        .filter(
            participant_id=link.participant_id,
            purpose=Purpose.APP_JOURNEY,
            organisation=_jaki_organisation(acting_user),
        )
        .first()
    )
    if consent is not None:
        withdraw(consent, ConsentChannel.JAKI)
    link.delete()
    return True
