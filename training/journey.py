"""P2 on the participant's journey: not started, in progress (enrolled or waiting) or done (a training
completed). One query, whatever the number of enrolments."""

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from registration.choices import Status
from registration.journey import State, StepStatus
from registration.models import Participant

from .choices import ACTIVE_STATUSES, EnrolmentStatus
from .models import Enrolment


class TrainingStep:
    code = "P2"

    def done_filter(self) -> Q:
        """P2 is done with one training completed (the same rule as the DONE status below)."""
        return Q(Exists(Enrolment.objects.filter(participant=OuterRef("pk"), status=EnrolmentStatus.COMPLETED)))

    def status(self, user: User) -> StepStatus:
        row = (
            Participant.objects.filter(user=user)
            .annotate(
                completed=Count(
                    "training_enrolments", filter=Q(training_enrolments__status=EnrolmentStatus.COMPLETED)
                ),
                active=Count("training_enrolments", filter=Q(training_enrolments__status__in=ACTIVE_STATUSES)),
            )
            .values("registration__status", "completed", "active")
            .first()
        )
        if row is None or row["registration__status"] != Status.APPROVED:
            return StepStatus(State.NOT_STARTED, _("Trainings open to you once your registration is verified."))
        if row["completed"]:
            return StepStatus(
                State.DONE,
                ngettext(
                    "You completed %(count)d training. More are open to join.",
                    "You completed %(count)d trainings. More are open to join.",
                    row["completed"],
                )
                % {"count": row["completed"]},
                url=reverse("training:sessions"),
            )
        if row["active"]:
            return StepStatus(
                State.IN_PROGRESS,
                ngettext(
                    "You are enrolled in %(count)d training session.",
                    "You are enrolled in %(count)d training sessions.",
                    row["active"],
                )
                % {"count": row["active"]},
                _("See your trainings"),
                reverse("training:mine"),
            )
        return StepStatus(
            State.NOT_STARTED,
            _("Join a hard-skill or soft-skill training near you or online."),
            _("Find a training"),
            reverse("training:sessions"),
        )
