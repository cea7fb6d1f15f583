"""Writes of P1 registration. Each takes plain values (registration.values), checks them with the domain rules
itself (registration.validators), enforces the permission predicates (registration.permissions), runs in one
transaction recorded in the audit trail as the acting user's, and queues its messages through the notifications
outbox in the same transaction. No form reaches this module: the web pages, the admin, a shell and later the API
all call it with the same values and get the same answers."""

import json
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.logins import normalize_email
from accounts.models import Role, User
from accounts.services import account_claim_notify
from core import audit
from notifications.services import notify

from . import eligibility, measures, permissions, validators
from .choices import Channel, Decision, Status
from .documents import validate_document
from .models import Business, Document, Draft, Participant, Registration, RegistrationDecision
from .signals import registration_approved
from .values import BusinessData, ContactData, PersonData

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
STATUS_CHANGED = permissions.STATUS_CHANGED
ACCOUNT_EXISTS = gettext_lazy(
    "An account already uses this mobile number or email. The person can log in and register online, "
    "or give another contact."
)
OTHER_OFFICE_KECAMATAN = gettext_lazy("A walk-in registers at the office of the kecamatan they live in.")
FILE_TYPE_MISMATCH = gettext_lazy("The file is not of the type it was checked as; send it again.")
DOCUMENT_REQUIRED = gettext_lazy("This document is required.")
NIK_FIXED = gettext_lazy("The NIK is what was verified; a wrong one means a new registration.")

# the steps of the online wizard a submission can send the person back to
WIZARD_STEPS = ("person", "business", "documents")


class AlreadyRegistered(ValidationError):
    """The NIK belongs to a participant already."""


class IncompleteStep(ValidationError):
    """A wizard step does not validate (any more): `step` names it, so the person can be sent there; `errors`
    (if any) says what the rules refused, keyed by field."""

    def __init__(self, step: str, errors: ValidationError | None = None) -> None:
        super().__init__(gettext_lazy("Your registration is not complete yet: check this step."), code="incomplete")
        self.step = step
        self.errors = errors


# --- the online wizard's draft -------------------------------------------------------------------------------


def draft_payload(draft: Draft) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(draft.payload or "{}")
    return payload


def draft_open(*, user: User) -> Draft:
    """The user's draft, created on first use. Only entrepreneurs register online."""
    permissions.can_register_online(user).enforce()
    draft, _created = Draft.objects.get_or_create(user=user)
    return draft


def draft_save_step(*, draft: Draft, step: str, data: dict[str, Any]) -> None:
    """Keep what the person typed in a step (even when it does not validate yet, so nothing is lost)."""
    _draft_update(draft, step, data)


def _draft_update(draft: Draft, key: str, value: Any) -> None:
    payload = draft_payload(draft)
    payload[key] = value
    draft.payload = json.dumps(payload)
    draft.save(update_fields=["payload", "updated_at"])


# --- documents -------------------------------------------------------------------------------------------------


@audit.audited
def document_attach(
    *,
    kind: str,
    upload: UploadedFile[Any],
    content_type: str,
    acting_user: User,
    draft: Draft | None = None,
    participant: Participant | None = None,
) -> Document:
    """Store an upload under a server-made name, replacing an earlier document of the same kind. The content is
    checked here too (type read from the bytes, size, images decode): `content_type` is what the caller found,
    and must be what the content is."""
    owner_object: Draft | Participant | None = draft if draft is not None else participant
    assert owner_object is not None, "a document belongs to a draft or a participant"
    _check_upload(kind=kind, upload=upload, content_type=content_type)
    owner = {"draft": draft} if draft is not None else {"participant": participant}
    with transaction.atomic():
        # lock the owner first: two uploads of one kind at once then wait for each other
        type(owner_object)._default_manager.select_for_update().filter(pk=owner_object.pk).exists()
        _documents_delete(Document.objects.select_for_update().filter(kind=kind, **owner))
        document = Document(
            kind=kind,
            content_type=content_type,
            size=upload.size or 0,
            uploaded_by=acting_user,
            uploaded_at=timezone.now(),
            **owner,
        )
        document.file.save("upload", upload, save=False)
        document.save()
    return document


def _check_upload(*, kind: str, upload: UploadedFile[Any], content_type: str) -> None:
    """The check `document_attach` runs, ahead of it (it runs again there, re-encoding an image only once)."""
    try:
        checked = validate_document(upload)
    except ValidationError as exc:
        raise ValidationError({kind: exc}) from exc
    if checked != content_type:
        raise ValidationError({kind: ValidationError(FILE_TYPE_MISMATCH, code="file_type")})


def _documents_delete(documents: Iterable[Document]) -> None:
    """Delete documents; their files go once the transaction commits (a rollback keeps them)."""
    for document in documents:
        stored = document.file
        document.delete()
        transaction.on_commit(lambda f=stored: f.delete(save=False))  # type: ignore[misc]


def _attach_all(
    uploads: dict[str, tuple[UploadedFile[Any], str]], *, participant: Participant, acting_user: User
) -> None:
    for kind, (upload, content_type) in uploads.items():
        document_attach(
            kind=kind, upload=upload, content_type=content_type, acting_user=acting_user, participant=participant
        )


def _missing_documents(person: PersonData, present: Iterable[str]) -> validators.Errors:
    """The required documents neither uploaded earlier nor now, keyed by kind."""
    needed = eligibility.required_documents(
        track=person.track, jakarta_ktp=person.jakarta_ktp, basis=person.non_jakarta_basis
    )
    have = set(present)
    return {kind: [ValidationError(DOCUMENT_REQUIRED, code="required")] for kind in needed if kind not in have}


# --- the values, written explicitly ------------------------------------------------------------------------------


def _assign_person(participant: Participant, person: PersonData) -> None:
    participant.full_name = person.full_name
    participant.nik = person.nik
    participant.birth_date = person.birth_date
    participant.sex = person.sex
    participant.phone = person.phone
    participant.email = person.email
    participant.address = person.address
    participant.kecamatan = person.kecamatan
    participant.track = person.track
    participant.jakarta_ktp = person.jakarta_ktp
    participant.non_jakarta_basis = person.non_jakarta_basis
    participant.domicile_since = person.domicile_since
    participant.partner_activity = person.partner_activity
    participant.kelurahan = person.kelurahan


def _assign_business(business: Business, data: BusinessData) -> None:
    business.name = data.name
    business.sector = data.sector
    business.started_on = data.started_on
    business.address = data.address
    business.kecamatan = data.kecamatan
    business.workers = data.workers
    business.assets = data.assets
    business.monthly_turnover = data.monthly_turnover
    business.planned_start = data.planned_start
    business.planned_capital = data.planned_capital


# --- submission -------------------------------------------------------------------------------------------------


def _new_reference() -> str:
    return "JP-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def _create_registration(
    *,
    user: User,
    person: PersonData,
    business: BusinessData,
    channel: str,
    acting_user: User,
) -> Registration:
    """Create participant, business and registration from checked values; the NIK's unique constraint settles
    any race."""
    participant = Participant(user=user)
    _assign_person(participant, person)
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError as exc:
        if Participant.objects.filter(nik_hash=participant.nik_hash).exists():
            raise AlreadyRegistered(validators.already_registered_error().message, code="already_registered") from exc
        raise
    business_obj = Business(participant=participant)
    _assign_business(business_obj, business)
    business_obj.save()
    registration = Registration.objects.create(
        participant=participant,
        reference=_new_reference(),
        channel=channel,
        registered_by=acting_user,
        kecamatan=participant.kecamatan,
        submitted_at=timezone.now(),
    )
    measures.changed(participant.pk)
    notify(
        template="registration_received",
        context={"full_name": participant.full_name, "reference": registration.reference},
        user=user,
    )
    return registration


def draft_set_channel(*, draft: Draft, channel: str) -> None:
    """Remember where an online registration came from (the website, or the JAKI app's web view)."""
    _draft_update(draft, "channel", Channel(channel).value)


def _is_already_registered(exc: ValidationError) -> bool:
    return any(e.code == "already_registered" for e in getattr(exc, "error_dict", {}).get("nik", []))


@transaction.atomic
@audit.audited
def registration_submit_draft(
    *, draft: Draft, person: PersonData, business: BusinessData, acting_user: User
) -> Registration:
    """Submit an online registration: the values are checked again, every required document must be in the
    draft. Refusals name the step to go back to (IncompleteStep), or say the NIK is taken (AlreadyRegistered)."""
    permissions.can_register_online(acting_user).enforce()
    draft = Draft.objects.select_for_update().get(pk=draft.pk, user=acting_user)
    try:
        person = validators.clean_person(person)
    except ValidationError as exc:
        if _is_already_registered(exc):
            raise AlreadyRegistered(validators.already_registered_error().message, code="already_registered") from exc
        raise IncompleteStep("person", exc) from exc
    try:
        business = validators.clean_business(business, track=person.track)
    except ValidationError as exc:
        raise IncompleteStep("business", exc) from exc
    documents = list(draft.documents.all())
    missing = _missing_documents(person, (d.kind for d in documents))
    if missing:
        raise IncompleteStep("documents", ValidationError(missing))
    needed = set(
        eligibility.required_documents(
            track=person.track, jakarta_ktp=person.jakarta_ktp, basis=person.non_jakarta_basis
        )
    )
    channel = draft_payload(draft).get("channel", Channel.WEB)
    registration = _create_registration(
        user=draft.user, person=person, business=business, channel=channel, acting_user=acting_user
    )
    Document.objects.filter(pk__in=[d.pk for d in documents if d.kind in needed]).update(
        draft=None, participant=registration.participant
    )
    _documents_delete(d for d in documents if d.kind not in needed)  # left from answers changed since
    draft.delete()
    return registration


@transaction.atomic
@audit.audited
def registration_register_walk_in(
    *,
    person: PersonData,
    business: BusinessData,
    uploads: dict[str, tuple[UploadedFile[Any], str]],
    acting_user: User,
) -> Registration:
    """A mentor or secretariat member registers a walk-in on their behalf, at the office of the kecamatan the
    person lives in. The person gets an account with no password yet, which they claim later by phone or email."""
    permissions.can_register_walk_in(acting_user).enforce()
    errors: validators.Errors = {}
    if person.kecamatan.pk != acting_user.office_id:
        errors["kecamatan"] = [ValidationError(OTHER_OFFICE_KECAMATAN, code="other_office")]
    return _register_on_behalf(
        person=person,
        business=business,
        uploads=uploads,
        channel=Channel.OFFICE,
        errors=errors,
        acting_user=acting_user,
    )


@transaction.atomic
@audit.audited
def registration_register_from_app(
    *,
    person: PersonData,
    business: BusinessData,
    uploads: dict[str, tuple[UploadedFile[Any], str]],
    channel: str,
    acting_user: User,
) -> Registration:
    """An app (the JAKI city app) registers a person on their behalf, under the wizard's and the walk-in's rules;
    the person gets an account with no password and the claim link, as a walk-in does. Which app may call this
    is the caller's check (`permissions.can_register_from_app` says only "an active partner account":
    registration cannot know partners, so `partners.services.jaki_register` checks the JAKI key first)."""
    permissions.can_register_from_app(acting_user).enforce()
    return _register_on_behalf(
        person=person,
        business=business,
        uploads=uploads,
        channel=Channel(channel).value,
        errors={},
        acting_user=acting_user,
    )


def _register_on_behalf(
    *,
    person: PersonData,
    business: BusinessData,
    uploads: dict[str, tuple[UploadedFile[Any], str]],
    channel: str,
    errors: validators.Errors,
    acting_user: User,
) -> Registration:
    """Register someone who is not the one typing (at an office, through an app): check every value and the
    required documents, reporting all refusals at once with those the caller found (`errors`), unless the NIK is
    taken (AlreadyRegistered, as the wizard answers); then a password-less account, the records, the claim link
    and the documents, all in the caller's transaction. The files are checked with the values, before anything
    is stored (so a refused file leaves no other file behind); a document the answers do not call for is not
    kept, as the wizard drops it."""
    cleaned_person: PersonData | None = validators.collect(errors, validators.clean_person, person=person)
    if any(e.code == "already_registered" for e in errors.get("nik", [])):
        raise AlreadyRegistered(validators.already_registered_error().message, code="already_registered")
    cleaned_business: BusinessData | None = validators.collect(
        errors, validators.clean_business, business=business, track=person.track
    )
    if cleaned_person is not None:
        needed = eligibility.required_documents(
            track=cleaned_person.track, jakarta_ktp=cleaned_person.jakarta_ktp, basis=cleaned_person.non_jakarta_basis
        )
        uploads = {kind: upload for kind, upload in uploads.items() if kind in needed}
        errors.update(_missing_documents(cleaned_person, uploads))
        for kind, (upload, content_type) in uploads.items():
            validators.collect(errors, _check_upload, kind=kind, upload=upload, content_type=content_type)
    validators.raise_if(errors)
    assert cleaned_person is not None and cleaned_business is not None
    email = normalize_email(cleaned_person.email) or None
    phone = cleaned_person.phone or None
    if (email and User.objects.filter(email=email).exists()) or (phone and User.objects.filter(phone=phone).exists()):
        raise ValidationError({"phone": ValidationError(ACCOUNT_EXISTS, code="account_exists")})
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email, phone=phone, full_name=cleaned_person.full_name, role=Role.ENTREPRENEUR
            )
    except IntegrityError as exc:  # the same contact registered a moment ago
        raise ValidationError({"phone": ValidationError(ACCOUNT_EXISTS, code="account_exists")}) from exc
    registration = _create_registration(
        user=user, person=cleaned_person, business=cleaned_business, channel=channel, acting_user=acting_user
    )
    account_claim_notify(user=user)
    _attach_all(uploads, participant=registration.participant, acting_user=acting_user)
    return registration


# --- verification -----------------------------------------------------------------------------------------------

DECISION_RESULT = {
    Decision.APPROVE: (Status.APPROVED, "registration_approved"),
    Decision.NEEDS_FIX: (Status.NEEDS_FIX, "registration_needs_fix"),
    Decision.REJECT: (Status.REJECTED, "registration_rejected"),
}


@transaction.atomic
@audit.audited
def registration_decide(*, registration: Registration, decision: str, reason: str, acting_user: User) -> Registration:
    """Approve, send back or reject a submitted registration, recording who decided and why."""
    locked = Registration.objects.select_for_update().select_related("participant__user").get(pk=registration.pk)
    permissions.can_decide(acting_user, locked).enforce()
    reason = reason.strip()
    validators.check_decision(decision=decision, reason=reason)
    status, template = DECISION_RESULT[Decision(decision)]
    RegistrationDecision.objects.create(registration=locked, decision=decision, reason=reason, decided_by=acting_user)
    locked.status = status
    locked.decided_at = timezone.now()
    locked.last_reason = reason
    locked.save(update_fields=["status", "decided_at", "last_reason"])
    participant = locked.participant
    if status == Status.APPROVED:
        registration_approved.send(sender=Registration, registration=locked, acting_user=acting_user)
    notify(
        template=template,
        context={"full_name": participant.full_name, "reference": locked.reference, "reason": reason},
        user=participant.user,
    )
    measures.changed(locked.participant_id)
    return locked


@transaction.atomic
@audit.audited
def registration_resubmit(
    *,
    registration: Registration,
    person: PersonData,
    business: BusinessData,
    uploads: dict[str, tuple[UploadedFile[Any], str]],
    acting_user: User,
) -> Registration:
    """The participant fixes what was asked and sends the registration back to the queue. The NIK stays the
    one verified."""
    locked = Registration.objects.select_for_update(of=("self",)).select_related("participant").get(pk=registration.pk)
    permissions.can_fix(acting_user, locked).enforce()
    participant = locked.participant
    errors: validators.Errors = {}
    if validators.compact_nik(person.nik) != participant.nik:
        errors["nik"] = [ValidationError(NIK_FIXED, code="nik_fixed")]
        person_checked = None
    else:
        person_checked = validators.collect(errors, validators.clean_person, person=person, participant=participant)
    business_checked: BusinessData | None = validators.collect(
        errors, validators.clean_business, business=business, track=person.track
    )
    if person_checked is not None:
        present = {d.kind for d in participant.documents.all()} | set(uploads)
        errors.update(_missing_documents(person_checked, present))
    validators.raise_if(errors)
    assert person_checked is not None and business_checked is not None
    _assign_person(participant, person_checked)
    participant.save()
    business_obj = participant.business
    _assign_business(business_obj, business_checked)
    business_obj.save()
    _attach_all(uploads, participant=participant, acting_user=acting_user)
    locked.status = Status.SUBMITTED
    locked.kecamatan = participant.kecamatan
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["status", "kecamatan", "submitted_at"])
    notify(
        template="registration_received",
        context={"full_name": participant.full_name, "reference": locked.reference},
        user=participant.user,
    )
    measures.changed(locked.participant_id)
    return locked


# --- corrections by staff (the admin) -------------------------------------------------------------------------


@transaction.atomic
@audit.audited
def participant_update_contact(*, participant: Participant, contact: ContactData, acting_user: User) -> Participant:
    """Staff correct how to reach a participant (mobile number, email, address, kelurahan). Identity, track and
    eligibility are what was verified: they change through the participant's fix, not here."""
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    permissions.can_correct(acting_user, locked).enforce()
    contact = validators.clean_contact(contact, participant=locked)
    locked.phone = contact.phone
    locked.email = contact.email
    locked.address = contact.address
    locked.kelurahan = contact.kelurahan
    locked.save(update_fields=["phone", "email", "address", "kelurahan"])
    return locked


@transaction.atomic
@audit.audited
def business_update(*, business: Business, data: BusinessData, acting_user: User) -> Business:
    """Staff correct a participant's business record, under the same rules as at registration."""
    locked = Business.objects.select_for_update().select_related("participant").get(pk=business.pk)
    permissions.can_correct(acting_user, locked.participant).enforce()
    data = validators.clean_business(data, track=locked.participant.track)
    _assign_business(locked, data)
    locked.save()
    return locked


@transaction.atomic
@audit.audited
def participant_delete(*, participant: Participant, acting_user: User) -> None:
    """An administrator removes a participant with their records; the document files go after commit."""
    permissions.can_delete_participant(acting_user, participant).enforce()
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    _documents_delete(Document.objects.select_for_update().filter(participant=locked))
    measures.changed(locked.pk)
    locked.delete()
