"""The program's calendar rules, one place each: which years a report, target or month may name, how a typed
month is read, and how far back a date a person types may go."""

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FIRST_PROGRAM_YEAR = 2018  # the program's basis, Pergub 102/2018 (PKT, from OK OCE): no target or record before it
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


# --- months, as the program counts them: the first day of a month, typed as YYYY-MM -----------------------------

EARLIEST_MONTH = datetime.date(FIRST_PROGRAM_YEAR, 1, 1)
LATEST_MONTH = datetime.date(LAST_PROGRAM_YEAR, 12, 1)
BAD_MONTH = _("Give the month as year and month, for example 2025-03.")
_TYPED_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_number(month: datetime.date) -> int:
    """year * 12 + month (as `finance.models.MonthlyRecord.month_number`): consecutive months differ by one."""
    return month.year * 12 + month.month


def month_of_number(number: int) -> datetime.date:
    """The first day of the month numbered `number`."""
    return datetime.date((number - 1) // 12, (number - 1) % 12 + 1, 1)


def shift_month(month: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after (or, negative, before) `month`'s."""
    return month_of_number(month_number(month) + months)


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first days of every month from `start`'s to `end`'s, both included (empty when end is before)."""
    return [month_of_number(number) for number in range(month_number(start), month_number(end) + 1)]


def month_end(month: datetime.date) -> datetime.date:
    """The last day of `month`'s month."""
    return shift_month(month, 1) - datetime.timedelta(days=1)


def parse_month(text: str) -> datetime.date | None:
    """The first day of the month typed as YYYY-MM (what a browser's month picker sends), or None when the text
    is not such a month of a program year. The one parser of a typed month, for every form and page."""
    match = _TYPED_MONTH.fullmatch(text.strip())
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (is_program_year(year) and 1 <= month <= 12):
        return None
    return datetime.date(year, month, 1)
