import pytest

from accounts.models import User
from mentoring.models import MentorAssignment
from mentoring.tests.factories import AssignmentFactory, verified_participant
from registration.models import Participant


@pytest.fixture
def siti(entrepreneur: User, mentor_tebet: User) -> Participant:
    """The entrepreneur fixture as a verified Tebet participant, mentored by the Tebet mentor."""
    participant = verified_participant("Tebet", user=entrepreneur)
    AssignmentFactory(participant=participant, mentor=mentor_tebet)
    return participant


@pytest.fixture
def budi(other_entrepreneur: User, mentor_gambir: User) -> Participant:
    """Another participant, in Gambir, mentored by the Gambir mentor."""
    participant = verified_participant("Gambir", user=other_entrepreneur, nik="3171015708900003")
    AssignmentFactory(participant=participant, mentor=mentor_gambir)
    return participant


def active_mentor(participant: Participant) -> User | None:
    assignment = MentorAssignment.objects.filter(participant=participant, active=True).select_related("mentor").first()
    return assignment.mentor if assignment else None
