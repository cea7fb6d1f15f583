"""P2's measure for the targets (`registration.measures`): trained, the day of the first training completed."""

from django.db.models import DateField, OuterRef, Subquery
from django.db.models.functions import Coalesce, TruncDate

from .choices import EnrolmentStatus
from .models import Enrolment


def trained_on() -> Subquery:
    """The day (Asia/Jakarta) the participant first completed a training: NULL exactly when P2 is not done
    (`TrainingStep.done_filter`: an enrolment completed). A completion records its time (`completed_at`); the time
    the enrolment entered its status (`queued_at`, the same moment) stands in should a row lack it, so a completed
    enrolment always gives a day."""
    completed = Enrolment.objects.filter(participant=OuterRef("pk"), status=EnrolmentStatus.COMPLETED)
    first = completed.annotate(day=TruncDate(Coalesce("completed_at", "queued_at"))).order_by("day").values("day")
    return Subquery(first[:1], output_field=DateField())
