"""Reads of P6 by area: `records` (monthly reports, closed months, streaks) and `books` (the cash book, money owed).
They take a participant the caller got through a selector scoped to the user who asks."""

from .books import book_page, cash_balance, debt_book, opening_balance, own_debts, own_entries
from .records import (
    REPORT_MONTHS,
    ProgramFigures,
    before_after,
    chart_data,
    current_run,
    latest_closed_month,
    longest_run,
    participant_record_of,
    participant_records,
    program_counts,
    program_figures,
    program_period,
    program_report,
    report_months,
    report_streak,
)

__all__ = [
    "REPORT_MONTHS",
    "ProgramFigures",
    "before_after",
    "book_page",
    "cash_balance",
    "chart_data",
    "current_run",
    "debt_book",
    "latest_closed_month",
    "longest_run",
    "opening_balance",
    "own_debts",
    "own_entries",
    "participant_record_of",
    "participant_records",
    "program_counts",
    "program_figures",
    "program_period",
    "program_report",
    "report_months",
    "report_streak",
]
