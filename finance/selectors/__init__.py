"""Reads of P6 by area: `records` (monthly reports, closed months, streaks) and `books` (the cash book, money owed).
They take a participant the caller got through a selector scoped to the user who asks."""

from .records import latest_closed_month, participant_record_of, participant_records, report_streak

__all__ = ["latest_closed_month", "participant_record_of", "participant_records", "report_streak"]
