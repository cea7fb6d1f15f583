from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from mentoring.models import FollowUp, HelpRequest, MentorAssignment, MentorTarget
from registration.choices import Status
from registration.models import Participant

pytestmark = pytest.mark.django_db


def test_demo_mentoring_gives_verified_participants_their_mentor(settings: Any) -> None:
    settings.DEBUG = True
    with pytest.raises(CommandError):
        call_command("seed_mentoring_demo", stdout=StringIO())  # seed_demo first
    call_command("seed_demo", participants=60, stdout=StringIO())
    call_command("seed_mentoring_demo", stdout=StringIO())
    approved = Participant.objects.filter(
        registration__status=Status.APPROVED, kecamatan__name__in=("Tebet", "Gambir")
    )
    assert MentorAssignment.objects.filter(active=True).count() == approved.count() > 0
    assert all(a.mentor.office_id == a.participant.kecamatan_id for a in MentorAssignment.objects.all())
    assert MentorTarget.objects.count() == 2
    assert FollowUp.objects.filter(participant__user__email="peserta@demo.jakpreneur.id").exists()
    assert HelpRequest.objects.count() == 1
    call_command("seed_mentoring_demo", stdout=StringIO())  # a second run changes nothing
    assert HelpRequest.objects.count() == 1


def test_demo_mentoring_needs_debug(settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_mentoring_demo", stdout=StringIO())
