"""Writes of P1 registration. Each runs in one transaction, records who acted, and queues its messages
through the notifications outbox in the same transaction."""

import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from accounts.services import account_claim_notify
from notifications.services import notify

from .choices import Channel, Decision, Status
from .forms import BusinessForm, PersonForm, already_registered_error, documents_required_by
from .models import Document, Draft, Participant, Registration, RegistrationDecision
from .signals import registration_approved

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
STATUS_CHANGED = gettext_lazy("This registration is no longer in the state you saw: someone acted on it already.")
ACCOUNT_EXISTS = gettext_lazy(
    "An account already uses this mobile number or email. The person can log in and register online, "
    "or give another contact."
)


class AlreadyRegistered(ValidationError):
    """The NIK belongs to a participant already."""


class IncompleteStep(ValidationError):
    """A wizard step does not validate (any more): `step` names it, so the person can be sent there."""

    def __init__(self, step: str) -> None:
        super().__init__(gettext_lazy("Your registration is not complete yet: check this step."), code="incomplete")
        self.step = step


# --- the online wizard's draft -------------------------------------------------------------------------------

WIZARD_STEPS = ("person", "business", "documents")


def draft_payload(draft: Draft) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(draft.payload or "{}")
    return payload


def draft_save_step(*, draft: Draft, step: str, data: dict[str, Any]) -> None:
    """Keep what the person typed in a step (even when it does not validate yet, so nothing is lost)."""
    _draft_update(draft, step, data)


@dataclass
class DraftState:
    """Where a draft stands, derived from its answers and documents each time (never stored, so never stale)."""

    person: PersonForm
    business: BusinessForm
    documents: dict[str, Document]

    @cached_property
    def required_kinds(self) -> list[str]:
        return documents_required_by(self.person)

    @cached_property
    def complete(self) -> dict[str, bool]:
        person = self.person.is_valid()
        return {
            "person": person,
            "business": self.business.is_valid(),
            "documents": person and set(self.required_kinds) <= set(self.documents),
        }

    def first_incomplete(self) -> str | None:
        return next((step for step in WIZARD_STEPS if not self.complete[step]), None)


def draft_state(draft: Draft) -> DraftState:
    payload = draft_payload(draft)
    person = PersonForm(payload.get("person", {}))
    business = BusinessForm(payload.get("business", {}), track=person.data.get("track", ""))
    return DraftState(person=person, business=business, documents={d.kind: d for d in draft.documents.all()})


def _draft_update(draft: Draft, key: str, value: Any) -> None:
    payload = draft_payload(draft)
    payload[key] = value
    draft.payload = json.dumps(payload)
    draft.save(update_fields=["payload", "updated_at"])


# --- documents -------------------------------------------------------------------------------------------------


def document_attach(
    *,
    kind: str,
    upload: UploadedFile[Any],
    content_type: str,
    acting_user: User,
    draft: Draft | None = None,
    participant: Participant | None = None,
) -> Document:
    """Store a checked upload under a server-made name, replacing an earlier document of the same kind."""
    owner_object: Draft | Participant | None = draft if draft is not None else participant
    assert owner_object is not None, "a document belongs to a draft or a participant"
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


def _documents_delete(documents: Iterable[Document]) -> None:
    """Delete documents; their files go once the transaction commits (a rollback keeps them)."""
    for document in documents:
        stored = document.file
        document.delete()
        transaction.on_commit(lambda f=stored: f.delete(save=False))  # type: ignore[misc]


# --- submission -------------------------------------------------------------------------------------------------


def _new_reference() -> str:
    return "JP-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def _create_registration(
    *,
    user: User,
    person: PersonForm,
    business: BusinessForm,
    channel: str,
    acting_user: User,
) -> Registration:
    """Create participant, business and registration; the NIK's unique constraint settles any race."""
    participant = person.save(commit=False)
    participant.user = user
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError as exc:
        if Participant.objects.filter(nik_hash=participant.nik_hash).exists():
            raise AlreadyRegistered(already_registered_error().message, code="already_registered") from exc
        raise
    business_obj = business.save(commit=False)
    business_obj.participant = participant
    business_obj.save()
    registration = Registration.objects.create(
        participant=participant,
        reference=_new_reference(),
        channel=channel,
        registered_by=acting_user,
        kecamatan=participant.kecamatan,
        submitted_at=timezone.now(),
    )
    notify(
        template="registration_received",
        context={"full_name": participant.full_name, "reference": registration.reference},
        user=user,
    )
    return registration


def draft_set_channel(*, draft: Draft, channel: str) -> None:
    """Remember where an online registration came from (the website, or the JAKI app's web view)."""
    _draft_update(draft, "channel", Channel(channel).value)


@transaction.atomic
def registration_submit_draft(*, draft: Draft, acting_user: User) -> Registration:
    """Submit an online registration: every step is validated again, every required document present."""
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    state = draft_state(draft)
    if state.person.has_error("nik", code="already_registered"):
        raise AlreadyRegistered(already_registered_error().message, code="already_registered")
    step = state.first_incomplete()
    if step is not None:
        raise IncompleteStep(step)
    person, business, documents = state.person, state.business, list(state.documents.values())
    needed = state.required_kinds
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
def registration_register_walk_in(
    *,
    person: PersonForm,
    business: BusinessForm,
    uploads: dict[str, tuple[UploadedFile[Any], str]],
    acting_user: User,
) -> Registration:
    """A mentor or secretariat member registers a walk-in on their behalf. The person gets an account with no
    password yet, which they claim later by phone or email."""
    data = person.cleaned_data
    email = (data.get("email") or "").lower() or None
    phone = data.get("phone") or None
    if (email and User.objects.filter(email__iexact=email).exists()) or (
        phone and User.objects.filter(phone=phone).exists()
    ):
        raise ValidationError({"phone": ValidationError(ACCOUNT_EXISTS, code="account_exists")})
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email, phone=phone, full_name=data["full_name"], role=Role.ENTREPRENEUR
            )
    except IntegrityError as exc:  # the same contact registered a moment ago
        raise ValidationError({"phone": ValidationError(ACCOUNT_EXISTS, code="account_exists")}) from exc
    registration = _create_registration(
        user=user, person=person, business=business, channel=Channel.OFFICE, acting_user=acting_user
    )
    account_claim_notify(user=user)
    for kind, (upload, content_type) in uploads.items():
        document_attach(
            kind=kind,
            upload=upload,
            content_type=content_type,
            acting_user=acting_user,
            participant=registration.participant,
        )
    return registration


# --- verification -----------------------------------------------------------------------------------------------

DECISION_RESULT = {
    Decision.APPROVE: (Status.APPROVED, "registration_approved"),
    Decision.NEEDS_FIX: (Status.NEEDS_FIX, "registration_needs_fix"),
    Decision.REJECT: (Status.REJECTED, "registration_rejected"),
}


@transaction.atomic
def registration_decide(*, registration: Registration, decision: str, reason: str, acting_user: User) -> Registration:
    """Approve, send back or reject a submitted registration, recording who decided and why."""
    locked = Registration.objects.select_for_update().select_related("participant__user").get(pk=registration.pk)
    if locked.status != Status.SUBMITTED:
        raise ValidationError(STATUS_CHANGED, code="not_submitted")
    status, template = DECISION_RESULT[Decision(decision)]
    reason = reason.strip()
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
    return locked


@transaction.atomic
def registration_resubmit(
    *,
    registration: Registration,
    person: PersonForm,
    business: BusinessForm,
    uploads: dict[str, tuple[UploadedFile[Any], str]],
    acting_user: User,
) -> Registration:
    """The participant fixes what was asked and sends the registration back to the queue."""
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.status != Status.NEEDS_FIX:
        raise ValidationError(STATUS_CHANGED, code="not_needs_fix")
    participant = person.save()
    business.save()
    for kind, (upload, content_type) in uploads.items():
        document_attach(
            kind=kind, upload=upload, content_type=content_type, acting_user=acting_user, participant=participant
        )
    locked.status = Status.SUBMITTED
    locked.kecamatan = participant.kecamatan
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["status", "kecamatan", "submitted_at"])
    notify(
        template="registration_received",
        context={"full_name": participant.full_name, "reference": locked.reference},
        user=participant.user,
    )
    return locked
