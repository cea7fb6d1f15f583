"""Months as the program counts them: the first day of a month, typed as YYYY-MM. The one parser of a typed
month, for every form and page that takes one."""

import datetime
import re

EARLIEST_MONTH = datetime.date(2000, 1, 1)
LATEST_MONTH = datetime.date(2100, 12, 1)
_TYPED_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def parse_month(text: str) -> datetime.date | None:
    """The first day of the month typed as YYYY-MM (what a browser's month picker sends), or None when the text
    is not such a month of the years 2000 to 2100."""
    match = _TYPED_MONTH.fullmatch(text.strip())
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (EARLIEST_MONTH.year <= year <= LATEST_MONTH.year and 1 <= month <= 12):
        return None
    return datetime.date(year, month, 1)
