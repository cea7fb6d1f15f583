"""Reads of P1 registration, always scoped to the user who asks."""

from django.db.models import Q, QuerySet

from accounts import permissions
from accounts.permissions import AnyUser

from .choices import DocumentKind, Status
from .models import Document, Participant, Registration


def participants_for(user: AnyUser) -> QuerySet[Participant]:
    """Participants a user may see: staff all, office staff their kecamatan, a participant themself."""
    qs = Participant.objects.all()
    if permissions.is_program_wide(user):
        return qs
    if permissions.is_office_staff(user):
        return qs.filter(kecamatan_id=user.office_id)  # type: ignore[union-attr,misc]
    if user.is_authenticated:
        return qs.filter(user=user)
    return qs.none()


def participant_list(user: AnyUser) -> QuerySet[Participant]:
    return (
        participants_for(user).select_related("kecamatan", "registration", "business").order_by("-created_at", "-pk")
    )


def participant_detail(user: AnyUser) -> QuerySet[Participant]:
    return (
        participants_for(user)
        .filter(registration__isnull=False)
        .select_related(
            "kecamatan__wilayah", "kelurahan", "business__kecamatan", "registration__registered_by", "user"
        )
    )


def verification_queue(user: AnyUser, *, status: str = Status.SUBMITTED) -> QuerySet[Registration]:
    """Registrations a verifier works: secretariat their kecamatan, agency staff all; oldest first."""
    if not permissions.can_verify_registrations(user):
        return Registration.objects.none()
    qs = Registration.objects.filter(status=status)
    if not permissions.is_program_wide(user):
        qs = qs.filter(kecamatan_id=user.office_id)  # type: ignore[union-attr,misc]
    return qs.select_related("participant", "kecamatan", "participant__business").order_by("submitted_at", "pk")


IDENTITY_DOCUMENTS = (DocumentKind.KTP, DocumentKind.LURAH_LETTER)


def documents_for(user: AnyUser) -> QuerySet[Document]:
    """Documents a user may open: those of participants they may see, and their own draft's. The identity
    documents (the KTP shows the full NIK) are for the participant and the verifiers only, not for mentors."""
    if not user.is_authenticated:
        return Document.objects.none()
    of_participants = Q(participant__in=participants_for(user))
    if not (permissions.can_verify_registrations(user) or permissions.is_entrepreneur(user)):
        of_participants &= ~Q(kind__in=IDENTITY_DOCUMENTS)
    return Document.objects.filter(of_participants | Q(draft__user=user))


def registration_of(user: AnyUser) -> Registration | None:
    """The user's own registration, if they are a participant."""
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.select_related("participant__business", "participant__kecamatan")
        .filter(participant__user=user)
        .first()
    )


def participant_of(user: AnyUser) -> Participant | None:
    """The user's own participant record with its registration (one query), or None."""
    if not user.is_authenticated:
        return None
    return Participant.objects.select_related("registration", "kecamatan").filter(user=user).first()


def is_verified(participant: Participant | None) -> bool:
    """Whether the participant's registration is approved (no query when loaded by participant_of)."""
    registration = getattr(participant, "registration", None) if participant is not None else None
    return registration is not None and registration.is_approved
