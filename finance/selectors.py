"""Reads of P6 financial reporting. They take a participant the caller got through a selector scoped to the user
who asks (e.g. mentoring.selectors.participant_page)."""

import datetime

from registration.models import Participant

from .models import MonthlyRecord


def participant_records(participant: Participant, *, limit: int = 12) -> list[MonthlyRecord]:
    """The participant's latest `limit` months, newest first, with who recorded them: one query."""
    return list(
        MonthlyRecord.objects.filter(participant=participant).select_related("recorded_by").order_by("-month")[:limit]
    )


def participant_record_of(participant: Participant, month: datetime.date) -> MonthlyRecord | None:
    return MonthlyRecord.objects.filter(participant=participant, month=month.replace(day=1)).first()
