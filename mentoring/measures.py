"""P3's measure for the targets (`registration.measures`): mentored, the day of the first visit by a mentor who
is or was assigned to the participant; and the participant's current mentor (their active assignment's)."""

from django.db.models import DateField, Exists, IntegerField, OuterRef, Subquery

from .models import MentorAssignment, Visit


def mentored_on() -> Subquery:
    """The date of the participant's first visit logged by a mentor assigned to them, now or before: NULL exactly
    when P3 is not done (the rule of `MentoringStep.done_filter`). A visit's date is a calendar day already."""
    assigned = MentorAssignment.objects.filter(participant=OuterRef("participant_id"), mentor=OuterRef("mentor_id"))
    visits = Visit.objects.filter(Exists(assigned), participant=OuterRef("pk"))
    return Subquery(visits.order_by("date").values("date")[:1], output_field=DateField())


def mentor_of() -> Subquery:
    """The user id of the mentor of the participant's active assignment (at most one: the constraint
    mentoring_one_active_mentor); NULL without one."""
    active = MentorAssignment.objects.filter(participant=OuterRef("pk"), active=True)
    return Subquery(active.values("mentor_id")[:1], output_field=IntegerField())
