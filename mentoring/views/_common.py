"""Helpers shared by the P3 pages."""

import datetime

from django.http import HttpRequest

from core.dates import BAD_MONTH, parse_month

REPORT_MAX_MONTHS = 12

__all__ = ["BAD_MONTH", "REPORT_MAX_MONTHS", "BadMonth", "month_param"]


class BadMonth(ValueError):
    """A month in the query string that is not one (the page answers 400 with BAD_MONTH)."""


def month_param(request: HttpRequest, name: str) -> datetime.date | None:
    """The month of ?name=YYYY-MM, None when absent or empty; raises BadMonth when given but not a month."""
    text = request.GET.get(name, "")
    if not text.strip():
        return None
    month = parse_month(text)
    if month is None:
        raise BadMonth(name)
    return month
