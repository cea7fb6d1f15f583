"""P3 is done, in SQL, once mentoring has happened: a visit logged by a mentor who is or was assigned to the
participant. An assignment alone (made at approval) or a visit by a mentor never assigned does not count."""

import pytest
from django.utils import timezone

from mentoring.tests.factories import AssignmentFactory, MentorFactory, VisitFactory, verified_participant
from registration import journey
from registration.models import Participant

pytestmark = pytest.mark.django_db


def done() -> list[int]:
    return list(Participant.objects.filter(journey.done_filter("P3")).values_list("pk", flat=True))


def test_a_visit_by_the_assigned_mentor_makes_p3_done(django_assert_num_queries: object) -> None:
    assignment = AssignmentFactory()
    VisitFactory(participant=assignment.participant, mentor=assignment.mentor)
    VisitFactory(participant=assignment.participant, mentor=assignment.mentor)
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert done() == [assignment.participant.pk]  # once, however many visits


def test_an_assignment_without_a_visit_is_not_done() -> None:
    AssignmentFactory()
    verified_participant()
    assert done() == []


def test_a_visit_by_a_mentor_never_assigned_is_not_done() -> None:
    assignment = AssignmentFactory()
    VisitFactory(participant=assignment.participant, mentor=MentorFactory())
    assert done() == []


def test_an_ended_assignment_keeps_the_mentoring_done() -> None:
    assignment = AssignmentFactory()
    VisitFactory(participant=assignment.participant, mentor=assignment.mentor)
    type(assignment).objects.filter(pk=assignment.pk).update(active=False, ended_at=timezone.now())
    assert done() == [assignment.participant.pk]
