"""Reads of P6 financial reporting, scoped to the user who asks."""

import datetime

from django.db.models import QuerySet

from accounts.permissions import AnyUser
from registration.models import Participant
from registration.selectors import participants_for

from .models import MonthlyRecord


def monthly_records_for(user: AnyUser) -> QuerySet[MonthlyRecord]:
    """Records of the participants the user may see (a participant: their own)."""
    return MonthlyRecord.objects.filter(participant__in=participants_for(user))


def participant_records(participant: Participant, *, limit: int = 12) -> list[MonthlyRecord]:
    """The participant's latest `limit` months, newest first, with who recorded them: one query."""
    return list(
        MonthlyRecord.objects.filter(participant=participant).select_related("recorded_by").order_by("-month")[:limit]
    )


def participant_record_of(participant: Participant, month: datetime.date) -> MonthlyRecord | None:
    return MonthlyRecord.objects.filter(participant=participant, month=month.replace(day=1)).first()
