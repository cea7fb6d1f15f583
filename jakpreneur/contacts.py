"""Who a participant can reach, for their home page: their mentor and their kecamatan office, with their
registration (reference, date sent, status). One query; the P1 journey step reads the registration it loaded."""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist

from accounts.models import User
from geography.models import KecamatanOffice
from mentoring.selectors import with_mentor_contact
from registration.models import Participant, Registration


@dataclass(frozen=True)
class MentorContact:
    name: str
    phone: str


@dataclass(frozen=True)
class ParticipantContacts:
    participant: Participant
    registration: Registration | None
    office: KecamatanOffice | None
    mentor: MentorContact | None


def _office_of(participant: Participant) -> KecamatanOffice | None:
    try:
        return participant.kecamatan.office
    except ObjectDoesNotExist:
        return None


def _registration_of(participant: Participant) -> Registration | None:
    try:
        return participant.registration
    except ObjectDoesNotExist:
        return None


def contacts_of(user: User) -> ParticipantContacts | None:
    """The user's own participant record with their registration, kecamatan office and current mentor, in one
    query; None when they have not registered. The participant is kept on the user (`user.participant`), so the
    journey's P1 step answers from it without a query of its own."""
    participant = (
        with_mentor_contact(Participant.objects.filter(user=user))
        .select_related("registration", "kecamatan__wilayah", "kecamatan__office")
        .first()
    )
    if participant is None:
        return None
    user.participant = participant
    name = getattr(participant, "mentor_name", None)
    return ParticipantContacts(
        participant=participant,
        registration=_registration_of(participant),
        office=_office_of(participant),
        mentor=MentorContact(name=name, phone=getattr(participant, "mentor_phone", None) or "") if name else None,
    )
