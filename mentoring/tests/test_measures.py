"""P3's measure for the targets: mentored on the date of the first visit by a mentor who is or was assigned to
the participant, NULL exactly when P3 is not done (the journey's done_filter); and the current mentor, the
mentor of the active assignment."""

import datetime

import pytest
from django.utils import timezone

from mentoring.tests.factories import AssignmentFactory, MentorFactory, VisitFactory, verified_participant
from registration import journey
from registration.measures import Measure, mentor_of, reached_on
from registration.models import Participant

pytestmark = pytest.mark.django_db

D = datetime.date


def test_mentored_counts_visits_of_an_assigned_mentor_only_and_null_exactly_when_p3_is_not_done() -> None:
    first, second, stand_in = MentorFactory.create_batch(3)
    followed = AssignmentFactory(mentor=first).participant
    VisitFactory(participant=followed, mentor=first, date=D(2025, 2, 3))
    VisitFactory(participant=followed, mentor=first, date=D(2025, 1, 15))
    # the first mentor left this participant (the assignment ended), the second follows them now
    handed_over = AssignmentFactory(mentor=first, active=False, ended_at=timezone.now()).participant
    AssignmentFactory(participant=handed_over, mentor=second)
    VisitFactory(participant=handed_over, mentor=first, date=D(2025, 1, 20))
    # a visit by a stand-in never assigned to them is not their mentoring (the stand-in follows someone else)
    covered = AssignmentFactory(mentor=first).participant
    VisitFactory(participant=covered, mentor=stand_in, date=D(2025, 1, 10))
    AssignmentFactory(mentor=stand_in)
    assigned_only = AssignmentFactory(mentor=second).participant
    nobody = verified_participant()

    rows = dict(Participant.objects.annotate(day=reached_on(Measure.MENTORED)).values_list("pk", "day"))
    mentors = dict(Participant.objects.annotate(mentor=mentor_of()).values_list("pk", "mentor"))

    assert rows[followed.pk] == D(2025, 1, 15)
    assert rows[handed_over.pk] == D(2025, 1, 20)
    assert rows[covered.pk] is None and rows[assigned_only.pk] is None and rows[nobody.pk] is None
    done = set(Participant.objects.filter(journey.done_filter("P3")).values_list("pk", flat=True))
    assert {pk for pk, day in rows.items() if day is not None} == done == {followed.pk, handed_over.pk}
    assert mentors[followed.pk] == first.pk
    assert mentors[handed_over.pk] == second.pk  # the active assignment's, not the ended one's
    assert mentors[assigned_only.pk] == second.pk
    assert mentors[nobody.pk] is None
