"""P5's measure for the targets (`registration.measures`): marketed, the day the business first sold through the
program: a product graded, a booth given to it (not cancelled) or an online store its mentor checked."""

from typing import Any

from django.db.models import DateField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Least, TruncDate

from .choices import SubmissionStatus
from .models import BoothAllocation, OnlineStore, Submission


def _first_day(rows: QuerySet[Any], moment: Any) -> Subquery:
    """The earliest local day of `moment` (a datetime expression) over `rows`, NULL without rows."""
    first = rows.annotate(day=TruncDate(moment)).order_by("day").values("day")
    return Subquery(first[:1], output_field=DateField())


def marketed_on() -> Least:
    """The earliest of: the first graded submission (its grading; the submission's time should a row lack it),
    the first booth allocation not cancelled, the first checked online store. NULL exactly when P5 is not done
    (the three parts of `MarketingStep.done_filter`): PostgreSQL's LEAST skips NULLs, and is NULL when all are."""
    here = OuterRef("pk")
    graded = Submission.objects.filter(status=SubmissionStatus.GRADED, product__business__participant=here)
    booths = BoothAllocation.objects.filter(business__participant=here, cancelled_at__isnull=True)
    stores = OnlineStore.objects.filter(business__participant=here, checked_at__isnull=False)
    return Least(
        _first_day(graded, Coalesce("graded_at", "submitted_at")),
        _first_day(booths, "allocated_at"),
        _first_day(stores, "checked_at"),
        output_field=DateField(),
    )
