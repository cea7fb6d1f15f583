"""P4's measures for the targets (`registration.measures`): licensed, the day of the first licence held; formal,
the day the participant got the NIB they hold valid today."""

from django.db.models import DateField, OuterRef, Subquery
from django.utils import timezone

from .models import Licence
from .selectors import valid_on


def licensed_on() -> Subquery:
    """The issue date of the participant's first licence, issued after a request or recorded by staff: NULL
    exactly when P4 is not done (`LicensingStep.done_filter`: a licence held)."""
    held = Licence.objects.filter(participant=OuterRef("pk"))
    return Subquery(held.order_by("issued_on").values("issued_on")[:1], output_field=DateField())


def formal_on() -> Subquery:
    """The issue date of the NIB the participant holds valid today (the earliest, should they hold two): NULL
    exactly when they are not formal today (`selectors.formal_filter(today)`). It reads today, so an NIB that
    expires changes it with no write: the nightly rebuild of the summaries counts that."""
    nib = Licence.objects.filter(
        valid_on(timezone.localdate()), participant=OuterRef("pk"), licence_type__is_business_number=True
    )
    return Subquery(nib.order_by("issued_on").values("issued_on")[:1], output_field=DateField())
