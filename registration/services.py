"""Writes of P1 registration. Each takes plain values (registration.values), checks them with the domain rules
itself (registration.validators), enforces the permission predicates (registration.permissions), runs in one
transaction recorded in the audit trail as the acting user's, and queues its messages through the notifications
outbox in the same transaction. No form reaches this module: the web pages, the admin, a shell and later the API
all call it with the same values and get the same answers."""

import dataclasses
import json
import secrets
from collections.abc import Iterable
from typing import Any

import kombu.exceptions
from celery import current_app
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from redis.exceptions import RedisError

from accounts.logins import normalize_email
from accounts.models import Role, User
from accounts.services import account_claim_notify
from core import audit
from core.decisions import Refused
from core.languages import active_language
from notifications.services import notify

from . import eligibility, importing, measures, permissions, validators
from .choices import Channel, Decision, ImportStatus, Sex, Status
from .documents import validate_document
from .models import (
    Business,
    Document,
    Draft,
    Participant,
    ParticipantImport,
    Registration,
    RegistrationDecision,
)
from .signals import participant_moved, registration_approved
from .values import BusinessData, ContactData, IdentityData, PersonData

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
STATUS_CHANGED = permissions.STATUS_CHANGED
ACCOUNT_EXISTS = gettext_lazy(
    "An account already uses this mobile number or email. The person can log in and register online, "
    "or give another contact."
)
OTHER_OFFICE_KECAMATAN = gettext_lazy("A walk-in registers at the office of the kecamatan they live in.")
FILE_TYPE_MISMATCH = gettext_lazy("The file is not of the type it was checked as; send it again.")
DOCUMENT_REQUIRED = gettext_lazy("This document is required.")
NAME_REQUIRED = gettext_lazy("Write the full name as on the KTP.")
SEX_REQUIRED = gettext_lazy("Choose male or female.")
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
    documents_to_follow: bool = False,
) -> Registration:
    """Create participant, business and registration from checked values; the NIK's unique constraint settles
    any race. `documents_to_follow`: registered without its documents (from an office's spreadsheet), so not
    approvable until they are uploaded."""
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
        documents_to_follow=documents_to_follow,
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
    return _register_on_behalf(
        person=person,
        business=business,
        uploads=uploads,
        channel=Channel.OFFICE,
        errors=_office_errors(person, acting_user.office_id, OTHER_OFFICE_KECAMATAN),
        acting_user=acting_user,
    )


def _office_errors(person: PersonData, office_id: int | None, message: Any) -> validators.Errors:
    """An office registers (or imports) only the people who live in its kecamatan."""
    if person.kecamatan.pk != office_id:
        return {"kecamatan": [ValidationError(message, code="other_office")]}
    return {}


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
    documents_to_follow: bool = False,
) -> Registration:
    """Register someone who is not the one typing (at an office, through an app, from an office's spreadsheet):
    the checks of `_checked_on_behalf`; then a password-less account, the records, the claim link and the
    documents, all in the caller's transaction. With `documents_to_follow` (an import) the registration is made
    without its documents, which are then still to bring."""
    cleaned_person, cleaned_business, uploads = _checked_on_behalf(
        person=person, business=business, uploads=uploads, errors=errors, documents_to_follow=documents_to_follow
    )
    email = normalize_email(cleaned_person.email) or None
    phone = cleaned_person.phone or None
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email, phone=phone, full_name=cleaned_person.full_name, role=Role.ENTREPRENEUR
            )
    except IntegrityError as exc:  # the same contact registered a moment ago
        raise ValidationError({"phone": ValidationError(ACCOUNT_EXISTS, code="account_exists")}) from exc
    registration = _create_registration(
        user=user,
        person=cleaned_person,
        business=cleaned_business,
        channel=channel,
        acting_user=acting_user,
        documents_to_follow=bool(_missing_documents(cleaned_person, uploads)),
    )
    account_claim_notify(user=user)
    _attach_all(uploads, participant=registration.participant, acting_user=acting_user)
    return registration


def _checked_on_behalf(
    *,
    person: PersonData,
    business: BusinessData,
    uploads: dict[str, tuple[UploadedFile[Any], str]],
    errors: validators.Errors,
    documents_to_follow: bool = False,
) -> tuple[PersonData, BusinessData, dict[str, tuple[UploadedFile[Any], str]]]:
    """Check every value of someone registered on their behalf, the required documents (unless they follow) and
    that no account has their contact yet, reporting all refusals at once with those the caller found
    (`errors`), unless the NIK is taken (AlreadyRegistered, as the wizard answers). The files are checked with
    the values, before anything is stored (so a refused file leaves no other file behind); a document the
    answers do not call for is not kept, as the wizard drops it. Returns the values cleaned and the uploads
    kept."""
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
        if not documents_to_follow:
            errors.update(_missing_documents(cleaned_person, uploads))
        for kind, (upload, content_type) in uploads.items():
            validators.collect(errors, _check_upload, kind=kind, upload=upload, content_type=content_type)
        validators.collect(errors, _check_account_free, person=cleaned_person)
    validators.raise_if(errors)
    assert cleaned_person is not None and cleaned_business is not None
    return cleaned_person, cleaned_business, uploads


def _check_account_free(*, person: PersonData) -> None:
    """No account uses the person's email or mobile number yet (their new account takes them)."""
    email = normalize_email(person.email) or None
    phone = person.phone or None
    if (email and User.objects.filter(email=email).exists()) or (phone and User.objects.filter(phone=phone).exists()):
        raise ValidationError({"phone": ValidationError(ACCOUNT_EXISTS, code="account_exists")})


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
    if decision == Decision.APPROVE:
        permissions.can_approve(acting_user, locked).enforce()  # not while documents are still to bring
    else:
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
    locked.documents_to_follow = False  # every document its answers call for is there now (checked above)
    locked.save(update_fields=["status", "kecamatan", "submitted_at", "documents_to_follow"])
    notify(
        template="registration_received",
        context={"full_name": participant.full_name, "reference": locked.reference},
        user=participant.user,
    )
    measures.changed(locked.participant_id)
    return locked


# --- documents still to bring (a registration from an office's spreadsheet) ----------------------------------


@transaction.atomic
@audit.audited
def registration_documents_add(
    *, registration: Registration, uploads: dict[str, tuple[UploadedFile[Any], str]], acting_user: User
) -> Registration:
    """The office uploads documents still to bring of a registration made without them (`documents_to_follow`):
    only the kinds its answers call for, each checked as at registration. Once none is missing the registration
    may be approved."""
    locked = Registration.objects.select_for_update(of=("self",)).select_related("participant").get(pk=registration.pk)
    permissions.can_add_documents(acting_user, locked).enforce()
    participant = locked.participant
    present = {document.kind for document in participant.documents.all()}
    wanted = set(participant.missing_documents(present))
    uploads = {kind: upload for kind, upload in uploads.items() if kind in wanted}
    errors: validators.Errors = {}
    if not uploads:
        errors["__all__"] = [ValidationError(NO_DOCUMENT_CHOSEN, code="required")]
    for kind, (upload, content_type) in uploads.items():
        validators.collect(errors, _check_upload, kind=kind, upload=upload, content_type=content_type)
    validators.raise_if(errors)
    _attach_all(uploads, participant=participant, acting_user=acting_user)
    if not participant.missing_documents(present | set(uploads)):
        locked.documents_to_follow = False
        locked.save(update_fields=["documents_to_follow"])
    return locked


# --- imports of participants from an office's spreadsheet --------------------------------------------------------

CHECK_IMPORT_TASK = "registration.tasks.check_participant_import"
SAVE_IMPORT_TASK = "registration.tasks.save_participant_import"
CHECK_CHUNK = 100  # rows checked per transaction: the progress is seen between them
SAVE_PROGRESS_EVERY = 20  # rows saved between two reports of the save's progress (in the cache)
SAVE_PROGRESS_SECONDS = 3600
FILE_NAME_CHARS = ParticipantImport._meta.get_field("file_name").max_length or 200

OTHER_OFFICE_IMPORT = gettext_lazy("This person lives in another kecamatan: its office imports them.")
DUPLICATE_IN_FILE = gettext_lazy("The same NIK as row %(row)s: only that row is registered.")
CONTACT_IN_FILE = gettext_lazy(
    "The same mobile number or email as row %(row)s: each person needs their own to claim their account."
)
IMPORT_HAS_ERRORS = gettext_lazy(
    "Some rows have errors: correct the file and send it again, or choose to save only the good rows."
)
IMPORT_NOTHING_GOOD = gettext_lazy("No row of this file can be registered.")
IMPORT_ROW_REFUSED = gettext_lazy("Row %(row)s: %(reason)s Nothing was saved.")
IMPORT_NOT_QUEUED = gettext_lazy("The file could not be handed over for checking or saving. Send it again later.")
NO_DOCUMENT_CHOSEN = gettext_lazy("Choose at least one of the documents still to bring.")


def _error_entry(number: int, field: str, message: Any, code: str = "") -> dict[str, Any]:
    known = field if field in importing.FIELD_LABELS else importing.ROW
    return {"row": number, "field": known, "message": str(message), "code": code}


def _error_order(error: dict[str, Any]) -> tuple[int, int]:
    fields = [*importing.FIELDS, importing.ROW]
    return int(error["row"]), fields.index(error["field"])


def _queue_import_task(name: str, batch_id: int, user_id: int) -> None:
    """Hand a batch to its task once the transaction commits; a broker down fails the batch (nothing was
    written, and the person is told to send it again)."""

    def queue() -> None:
        try:
            current_app.tasks[name].delay(batch_id, user_id)
        except kombu.exceptions.OperationalError:
            batch = ParticipantImport.objects.get(pk=batch_id)
            participant_import_fail(batch=batch, reason=str(IMPORT_NOT_QUEUED), acting_user=batch.created_by)

    transaction.on_commit(queue)


@transaction.atomic
@audit.audited
def participant_import_check(*, file_name: str, content: bytes, acting_user: User) -> ParticipantImport:
    """Read a CSV or XLSX file of participants of the acting member's office and keep, for them to decide, its
    rows typed (encrypted) with the errors of the rows that could not be read, by row and field in the active
    language; every typed row then goes through the walk-in's checks in a task (`participant_import_check_rows`,
    queued after the commit). Nothing is registered. A file that cannot be read as a whole is refused (errors on
    "file")."""
    permissions.can_import_participants(acting_user).enforce()
    office = acting_user.office
    assert office is not None  # office staff have an office
    try:
        parsed = importing.parse(content, office=office)
    except ValidationError as exc:
        raise ValidationError({"file": exc.error_list}) from exc
    errors = [_error_entry(e.number, e.field, e.message, e.code) for e in parsed.errors]
    batch = ParticipantImport.objects.create(
        office=office,
        created_by=acting_user,
        file_name=(file_name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "-")[:FILE_NAME_CHARS],
        file_hash=parsed.file_hash,
        language=active_language(),
        rows_total=parsed.data_rows,
        rows_done=parsed.data_rows - len(parsed.rows),  # the rows refused as read are done
        rows=importing.rows_to_json(parsed.rows),
        errors=sorted(errors, key=_error_order),
        created_at=timezone.now(),
    )
    if parsed.rows:
        _queue_import_task(CHECK_IMPORT_TASK, batch.pk, acting_user.pk)
    else:
        _finish_check(batch, [])
    return batch


@transaction.atomic
@audit.audited
def participant_import_check_rows(
    *, batch: ParticipantImport, acting_user: User, limit: int = CHECK_CHUNK
) -> ParticipantImport:
    """Check the next `limit` rows of a file being checked as a walk-in is checked (`_checked_on_behalf`: the
    NIK, eligibility, the business, no account with the contact yet; the kecamatan is the office's; the
    documents follow), in the file's language, and count them done. A row whose NIK is registered already, or
    is on an earlier good row of the file, is a duplicate (not registered, reported); a contact on an earlier
    good row is an error (a refused row is no row's reference). Once every row is checked, only the good rows
    are kept and the file waits for a decision. Run by the check task until done; a batch no longer being checked
    is returned as it is."""
    current = ParticipantImport.objects.select_for_update().get(pk=batch.pk)
    if current.status != ImportStatus.CHECKING:
        return current
    permissions.can_see_import(acting_user, current).enforce()
    rows = importing.rows_from_json(current.rows, importing.Places.load())
    start = current.rows_done - (current.rows_total - len(rows))
    errors, duplicates = list(current.errors), list(current.duplicates)
    with translation.override(current.language):
        refused = {int(entry["row"]) for entry in (*errors, *duplicates)}
        first_of_nik, first_of_contact = _first_rows(row for row in rows[:start] if row.number not in refused)
        for row in rows[start : start + limit]:
            refusal = _row_refusal(row, current.office_id, first_of_nik, first_of_contact)
            if refusal is None:
                continue
            kind, found = refusal
            (duplicates if kind == "duplicate" else errors).extend(found)
    current.errors = sorted(errors, key=_error_order)
    current.duplicates = sorted(duplicates, key=lambda duplicate: int(duplicate["row"]))
    current.rows_done = min(current.rows_total, current.rows_done + limit)
    if current.rows_done < current.rows_total:
        current.save(update_fields=["errors", "duplicates", "rows_done"])
        return current
    refused = {int(entry["row"]) for entry in (*current.errors, *current.duplicates)}
    _finish_check(current, [row for row in rows if row.number not in refused])
    return current


def _contacts(person: PersonData) -> dict[str, str]:
    """The person's mobile number and email as their account would hold them (an unreadable number: as typed),
    by field."""
    found: dict[str, str] = {}
    if person.phone.strip():
        try:
            found["phone"] = validators.clean_phone(person.phone)
        except ValidationError:
            found["phone"] = person.phone.strip()
    if person.email.strip():
        found["email"] = normalize_email(person.email)
    return found


def _first_rows(rows: Iterable[importing.ImportedRow]) -> tuple[dict[str, int], dict[str, int]]:
    """The first row of each NIK and of each contact among good rows already checked."""
    first_of_nik: dict[str, int] = {}
    first_of_contact: dict[str, int] = {}
    for row in rows:
        _note_first(row, first_of_nik, first_of_contact)
    return first_of_nik, first_of_contact


def _note_first(row: importing.ImportedRow, first_of_nik: dict[str, int], first_of_contact: dict[str, int]) -> None:
    first_of_nik.setdefault(validators.compact_nik(row.person.nik), row.number)
    for contact in _contacts(row.person).values():
        first_of_contact.setdefault(contact, row.number)


def _row_refusal(
    row: importing.ImportedRow,
    office_id: int,
    first_of_nik: dict[str, int],
    first_of_contact: dict[str, int],
) -> tuple[str, list[dict[str, Any]]] | None:
    """Why a row is not registered: ("duplicate", [...]) or ("errors", [...] by field); None for a good row.
    A good row's NIK and contacts are noted as seen (for the rows after it): a later row is the duplicate of a
    row that is registered, never of one refused."""
    earlier = first_of_nik.get(validators.compact_nik(row.person.nik))
    errors = _office_errors(row.person, office_id, OTHER_OFFICE_IMPORT)
    for field, contact in _contacts(row.person).items():
        first = first_of_contact.get(contact)
        if first is not None:
            errors[field] = [ValidationError(CONTACT_IN_FILE % {"row": first}, code="contact_in_file")]
    if earlier is not None:
        message = DUPLICATE_IN_FILE % {"row": earlier}
        return "duplicate", [{"row": row.number, "kind": "in_file", "first_row": earlier, "message": str(message)}]
    try:
        _checked_on_behalf(
            person=row.person, business=row.business, uploads={}, errors=errors, documents_to_follow=True
        )
    except AlreadyRegistered as exc:
        message = str(exc.message)
        return "duplicate", [{"row": row.number, "kind": "registered", "first_row": None, "message": message}]
    except ValidationError as exc:
        return "errors", [
            _error_entry(row.number, field, " ".join(str(m) for e in found for m in e.messages), _first_code(found))
            for field, found in exc.error_dict.items()
        ]
    _note_first(row, first_of_nik, first_of_contact)
    return None


def _first_code(errors: list[ValidationError]) -> str:
    return next((str(error.code) for error in errors if error.code), "")


def _finish_check(batch: ParticipantImport, good: list[importing.ImportedRow]) -> None:
    """Keep only the good rows: the file waits for a decision."""
    batch.rows = importing.rows_to_json(good)
    batch.good_count = len(good)
    batch.rows_done = batch.rows_total
    batch.status = ImportStatus.CHECKED
    batch.checked_at = timezone.now()
    batch.save(update_fields=["rows", "good_count", "errors", "duplicates", "rows_done", "status", "checked_at"])


def _check_save(batch: ParticipantImport, only_good_rows: bool) -> None:
    """ "Save all" only without errors; something to save either way."""
    if batch.has_errors and not only_good_rows:
        raise Refused(IMPORT_HAS_ERRORS, code="has_errors")
    if not batch.good_count:
        raise Refused(IMPORT_NOTHING_GOOD, code="nothing_good")


@transaction.atomic
@audit.audited
def participant_import_save_later(
    *, batch: ParticipantImport, only_good_rows: bool, acting_user: User
) -> ParticipantImport:
    """Ask for a checked file to be saved ("save all": only without errors; or only its good rows): refused
    here as `participant_import_save` would refuse it, then marked being saved and saved by a task after the
    commit."""
    current = ParticipantImport.objects.select_for_update().get(pk=batch.pk)
    permissions.can_decide_import(acting_user, current).enforce()
    _check_save(current, only_good_rows)
    current.status = ImportStatus.SAVING
    current.only_good_rows = only_good_rows
    current.decided_by = acting_user
    current.save(update_fields=["status", "only_good_rows", "decided_by"])
    _queue_import_task(SAVE_IMPORT_TASK, current.pk, acting_user.pk)
    return current


@transaction.atomic
@audit.audited
def participant_import_save(*, batch: ParticipantImport, only_good_rows: bool, acting_user: User) -> ParticipantImport:
    """Register every good row of a checked file (or one being saved: the save task), in one transaction, each
    as a walk-in is registered (`_register_on_behalf`, every check again, channel "import"): a password-less
    account and its claim link, the records, no documents (they are still to bring). Refused while some rows
    have errors unless `only_good_rows`. A row refused now (its NIK or contact registered meanwhile) saves
    nothing: Refused, naming the row. The progress is kept in the cache (the rows are seen only at the commit)."""
    current = ParticipantImport.objects.select_for_update().get(pk=batch.pk)
    permissions.can_see_import(acting_user, current).enforce()
    if current.status not in (ImportStatus.CHECKED, ImportStatus.SAVING):
        raise Refused(permissions.IMPORT_DECIDED, code="decided")
    _check_save(current, only_good_rows)
    saved: list[dict[str, Any]] = []
    with translation.override(current.language):
        for done, row in enumerate(importing.rows_from_json(current.rows, importing.Places.load()), start=1):
            try:
                registration = _register_on_behalf(
                    person=row.person,
                    business=row.business,
                    uploads={},
                    channel=Channel.IMPORT,
                    errors=_office_errors(row.person, current.office_id, OTHER_OFFICE_IMPORT),
                    acting_user=acting_user,
                    documents_to_follow=True,
                )
            except ValidationError as exc:
                reason = " ".join(str(message) for message in exc.messages)
                raise Refused(IMPORT_ROW_REFUSED % {"row": row.number, "reason": reason}, code="row_refused") from exc
            saved.append(
                {"row": row.number, "participant": registration.participant_id, "reference": registration.reference}
            )
            if done % SAVE_PROGRESS_EVERY == 0:
                _report_progress(current, done)
    current.status = ImportStatus.SAVED
    current.only_good_rows = only_good_rows
    current.decided_by = current.decided_by or acting_user
    current.saved = saved
    current.rows = "[]"  # registered now: the participants hold the data
    current.finished_at = timezone.now()
    current.save(update_fields=["status", "only_good_rows", "decided_by", "saved", "rows", "finished_at"])
    return current


def _report_progress(batch: ParticipantImport, done: int) -> None:
    """How many rows the save has registered so far, for the page (a cache down only hides the progress)."""
    try:
        cache.set(batch.progress_key, done, timeout=SAVE_PROGRESS_SECONDS)
    except RedisError:
        return


@transaction.atomic
@audit.audited
def participant_import_discard(*, batch: ParticipantImport, acting_user: User) -> ParticipantImport:
    """Drop a checked file: nothing is registered, and its rows are not kept."""
    current = ParticipantImport.objects.select_for_update().get(pk=batch.pk)
    permissions.can_decide_import(acting_user, current).enforce()
    current.status = ImportStatus.DISCARDED
    current.decided_by = acting_user
    current.rows = "[]"
    current.finished_at = timezone.now()
    current.save(update_fields=["status", "decided_by", "rows", "finished_at"])
    return current


@transaction.atomic
@audit.audited
def participant_import_fail(*, batch: ParticipantImport, reason: str, acting_user: User) -> ParticipantImport:
    """A check or save that could not finish (a row refused at the save, the sender no longer allowed, a task
    that broke): nothing is registered, the rows are not kept, and `reason` says why (in the file's language).
    The tasks' own record of their end, for the user they ran for, whatever that user may do now; a batch no
    longer being checked or saved is returned as it is."""
    current = ParticipantImport.objects.select_for_update().get(pk=batch.pk)
    if not current.is_running:
        return current
    current.status = ImportStatus.FAILED
    current.failure = reason
    current.rows = "[]"
    current.finished_at = timezone.now()
    current.save(update_fields=["status", "failure", "rows", "finished_at"])
    return current


# --- corrections: the participant's own contact, and staff's (the admin) ---------------------------------------


@transaction.atomic
@audit.audited
def participant_update_contact(*, participant: Participant, contact: ContactData, acting_user: User) -> Participant:
    """Change how to reach a participant (mobile number, email, address, kelurahan): the participant themself
    ("Ubah kontak") or staff (the admin). Identity, track and eligibility are what was verified: they change
    through the participant's fix or a correction request, not here."""
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    permissions.can_update_contact(acting_user, locked).enforce()
    contact = validators.clean_contact(contact, participant=locked)
    locked.phone = contact.phone
    locked.email = contact.email
    locked.address = contact.address
    locked.kelurahan = contact.kelurahan
    locked.save(update_fields=["phone", "email", "address", "kelurahan"])
    return locked


IDENTITY_FIELDS = [field.name for field in dataclasses.fields(IdentityData)]


def identity_of(participant: Participant) -> IdentityData:
    """The participant's identity and kecamatan as the record holds them (the kecamatan is one query unless
    joined)."""
    return IdentityData(
        full_name=participant.full_name,
        nik=participant.nik,
        birth_date=participant.birth_date,
        sex=participant.sex,
        kecamatan=participant.kecamatan,
    )


def _person_of(participant: Participant, identity: IdentityData) -> PersonData:
    """The participant's whole person with `identity` in place of theirs, to check under the registration's own
    rules. A kelurahan of the kecamatan left is dropped: it lies in the old one."""
    kelurahan = participant.kelurahan
    if kelurahan is not None and kelurahan.kecamatan_id != identity.kecamatan.pk:
        kelurahan = None
    return PersonData(
        full_name=identity.full_name,
        nik=identity.nik,
        birth_date=identity.birth_date,
        sex=identity.sex,
        phone=participant.phone,
        email=participant.email,
        address=participant.address,
        kecamatan=identity.kecamatan,
        track=participant.track,
        jakarta_ktp=participant.jakarta_ktp,
        non_jakarta_basis=participant.non_jakarta_basis,
        domicile_since=participant.domicile_since,
        partner_activity=participant.partner_activity,
        kelurahan=kelurahan,
    )


@transaction.atomic
@audit.audited
def participant_correct_identity(
    *, participant: Participant, identity: IdentityData, acting_user: User
) -> Participant:
    """Staff correct a verified participant's identity or kecamatan, having checked the KTP (on the participant's
    request: privacy's correction requests). The values pass every rule of the registration (a NIK well formed,
    matching the birth date and sex and no other participant's; the age of a KTP); a kelurahan of the kecamatan
    left is cleared. The NIK's keyed hash and masked form follow (Participant.save); the program's figures are
    recounted (a new kecamatan, a new birth date)."""
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    permissions.can_correct(acting_user, locked).enforce()
    full_name = identity.full_name.strip()
    if not full_name:
        raise ValidationError({"full_name": ValidationError(NAME_REQUIRED, code="required")})
    if identity.sex not in Sex.values:
        raise ValidationError({"sex": ValidationError(SEX_REQUIRED, code="invalid_choice")})
    corrected = dataclasses.replace(identity, full_name=full_name)
    person = validators.clean_person(_person_of(locked, corrected), participant=locked)
    old_kecamatan_id = locked.kecamatan_id
    locked.full_name = person.full_name
    locked.nik = person.nik
    locked.birth_date = person.birth_date
    locked.sex = person.sex
    locked.kecamatan = person.kecamatan
    locked.kelurahan = person.kelurahan
    locked.save(update_fields=[*IDENTITY_FIELDS, "nik_hash", "nik_masked", "kelurahan"])
    if locked.kecamatan_id != old_kecamatan_id:
        participant_moved.send(sender=Participant, participant=locked, acting_user=acting_user)
    measures.changed(locked.pk)
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
