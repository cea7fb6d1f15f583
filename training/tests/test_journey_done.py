"""P2 is done, in SQL, by whoever completed a training (the same rule as the DONE status on the journey)."""

import pytest

from registration import journey
from registration.models import Participant
from training.choices import EnrolmentStatus
from training.journey import TrainingStep
from training.tests.factories import EnrolmentFactory, SessionFactory, verified_participant

pytestmark = pytest.mark.django_db


def test_p2_is_done_with_a_completed_training_only(django_assert_num_queries: object) -> None:
    completed = EnrolmentFactory(status=EnrolmentStatus.COMPLETED).participant
    twice = EnrolmentFactory(status=EnrolmentStatus.COMPLETED).participant
    EnrolmentFactory(participant=twice, session=SessionFactory(), status=EnrolmentStatus.COMPLETED)
    for status in (EnrolmentStatus.ENROLLED, EnrolmentStatus.CANCELLED):
        EnrolmentFactory(status=status)
    verified_participant()
    with django_assert_num_queries(1):  # type: ignore[operator]
        found = list(Participant.objects.filter(journey.done_filter("P2")).values_list("pk", flat=True))
    assert sorted(found) == sorted([completed.pk, twice.pk])  # each once, however many trainings


def test_the_registry_answers_with_the_training_step() -> None:
    assert isinstance(journey._providers["P2"], TrainingStep)
