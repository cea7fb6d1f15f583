"""Reads of the monthly reports."""

import datetime

from registration.models import Participant

from ..models import MonthlyRecord


def participant_records(participant: Participant, *, limit: int = 12) -> list[MonthlyRecord]:
    """The participant's latest `limit` months, newest first, with who recorded them: one query."""
    return list(
        MonthlyRecord.objects.filter(participant=participant).select_related("recorded_by").order_by("-month")[:limit]
    )


def participant_record_of(participant: Participant, month: datetime.date) -> MonthlyRecord | None:
    return MonthlyRecord.objects.filter(participant=participant, month=month.replace(day=1)).first()


def latest_closed_month(participant: Participant) -> datetime.date | None:
    """The last closed month of the participant's books (every month up to it is frozen): one query."""
    return (
        MonthlyRecord.objects.filter(participant=participant, closed_at__isnull=False)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )


def report_streak(participant: Participant, *, up_to: datetime.date) -> int:
    """How many consecutive months are reported, ending at `up_to`'s month or the month before it (the current
    month may not be over yet): one query."""
    last = up_to.year * 12 + up_to.month
    numbers = set(
        MonthlyRecord.objects.filter(
            participant=participant, month_number__lte=last, month_number__gte=last - 120
        ).values_list("month_number", flat=True)
    )
    end = last if last in numbers else last - 1
    streak = 0
    while end - streak in numbers:
        streak += 1
    return streak
