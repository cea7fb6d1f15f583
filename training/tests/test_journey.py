"""P2 on the participant's journey, through the step-provider interface of registration."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from registration import journey
from registration.choices import Status
from registration.models import Participant
from registration.tests.conftest import login
from registration.tests.factories import ParticipantFactory, RegistrationFactory
from training.choices import EnrolmentStatus
from training.journey import TrainingStep
from training.tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db


def p2(user: User) -> journey.StepStatus:
    return TrainingStep().status(user)


def test_p2_waits_for_a_verified_registration(entrepreneur: User) -> None:
    status = p2(entrepreneur)
    assert status.state == journey.State.NOT_STARTED and not status.next_action
    RegistrationFactory(participant=ParticipantFactory(user=entrepreneur), status=Status.SUBMITTED)
    status = p2(entrepreneur)
    assert status.state == journey.State.NOT_STARTED and not status.next_action


def test_a_verified_participant_is_pointed_to_the_trainings(participant: Participant) -> None:
    status = p2(participant.user)
    assert status.state == journey.State.NOT_STARTED
    assert status.next_action and status.url == reverse("training:sessions")


@pytest.mark.parametrize("status", [EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED])
def test_enrolled_or_waiting_is_in_progress(participant: Participant, status: str) -> None:
    EnrolmentFactory(participant=participant, status=status)
    step = p2(participant.user)
    assert step.state == journey.State.IN_PROGRESS
    assert step.url == reverse("training:mine")


def test_a_cancelled_enrolment_does_not_count(participant: Participant) -> None:
    EnrolmentFactory(participant=participant, status=EnrolmentStatus.CANCELLED)
    assert p2(participant.user).state == journey.State.NOT_STARTED


def test_a_completed_training_makes_p2_done(participant: Participant) -> None:
    EnrolmentFactory(participant=participant, status=EnrolmentStatus.ENROLLED)
    EnrolmentFactory(participant=participant, status=EnrolmentStatus.COMPLETED)
    step = p2(participant.user)
    assert step.state == journey.State.DONE
    assert not step.next_action  # the home page's "next" moves on to the following step


def test_the_home_page_shows_p2(client: Client, participant: Participant) -> None:
    EnrolmentFactory(participant=participant, status=EnrolmentStatus.COMPLETED)
    login(client, participant.user)
    html = client.get(reverse("home")).content.decode()
    assert 'data-step="P2" data-state="done"' in html
