"""The program's calendar rules, one place each: which years a report, target or month may name, and how far
back a date a person types may go."""

import datetime

from django.utils import timezone

FIRST_PROGRAM_YEAR = 2018  # JakPreneur (first as OK OCE) began in 2018: no target or record before it
LAST_PROGRAM_YEAR = 2100
EARLIEST_PAST_DATE = datetime.date(1900, 1, 1)  # a birth date, a business start, a domicile date


def is_program_year(year: int) -> bool:
    return FIRST_PROGRAM_YEAR <= year <= LAST_PROGRAM_YEAR


def program_year_or_current(text: str | None) -> int:
    """The year typed in a query string when it is a program year, else the current one."""
    try:
        year = int(text or "")
    except ValueError:
        return timezone.localdate().year
    return year if is_program_year(year) else timezone.localdate().year


def is_plausible_past_date(day: datetime.date, *, today: datetime.date | None = None) -> bool:
    return EARLIEST_PAST_DATE <= day <= (today or timezone.localdate())
