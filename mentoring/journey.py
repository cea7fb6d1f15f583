"""P3 in the participant's journey: no mentor yet, or a mentor and the next follow-up the participant may see."""

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import AnyUser
from registration.journey import State, StepStatus
from registration.models import Participant

from . import permissions
from .models import FollowUp, MentorAssignment, Visit


class MentoringStep:
    """One query, whatever the participant's history."""

    code = "P3"

    def done_filter(self) -> Q:
        """P3 is done once mentoring has really happened: a visit logged by a mentor who is, or was, assigned
        to the participant. An assignment alone is made automatically at approval, so it proves nothing; a visit
        by a mentor never assigned to them (a stand-in) is not their mentoring; an ended assignment still
        counts, since the visits it brought stay done."""
        assigned = MentorAssignment.objects.filter(
            participant=OuterRef("participant_id"), mentor=OuterRef("mentor_id")
        )
        return Q(Exists(Visit.objects.filter(Exists(assigned), participant=OuterRef("pk"))))

    def status(self, user: User) -> StepStatus:
        shared_open = FollowUp.objects.filter(
            participant=OuterRef("participant_id"), done_at__isnull=True, visit__shared=True
        ).order_by("due_date", "pk")
        assignment = (
            MentorAssignment.objects.filter(participant__user=user, active=True)
            .select_related("mentor")
            .annotate(
                next_due=Subquery(shared_open.values("due_date")[:1]),
                next_what=Subquery(shared_open.values("what")[:1]),
            )
            .first()
        )
        if assignment is None:
            return StepStatus(
                State.NOT_STARTED,
                _("No mentor yet: your kecamatan office assigns a mentor to every verified participant."),
            )
        next_due = getattr(assignment, "next_due", None)
        if next_due is not None:
            summary = _("Your mentor is %(mentor)s. Next follow-up: %(what)s, by %(date)s.") % {
                "mentor": assignment.mentor.full_name,
                "what": getattr(assignment, "next_what", ""),
                "date": formats.date_format(next_due, "j F Y"),
            }
        else:
            summary = _("Your mentor is %(mentor)s.") % {"mentor": assignment.mentor.full_name}
        return StepStatus(State.IN_PROGRESS, summary, _("See your mentor"), reverse("mentoring:my_mentor"))


def mentoring_link(user: AnyUser, participant: Participant) -> tuple[str | Promise, str] | None:
    """On a participant's registration page: the way to their mentoring page, for mentors and staff, once the
    participant is verified (before, that page does not exist for them). No query: the page loaded the
    participant's registration with it."""
    if not permissions.can_open_participant(user, participant):
        return None
    return _("Mentoring: visits, follow-ups, indicators"), reverse("mentoring:participant", args=[participant.pk])
