"""A business's class under PP 7/2021, at registration (its baseline) and now (its latest twelve months of
reports): the one reading of "now", asked by the services (a change of class is an event), the pages (before and
after) and capital (who qualifies)."""

import datetime
from dataclasses import dataclass

from core.dates import first_of_month, shift_month
from registration.models import Business, Participant, business_class

from .models import MonthlyRecord

WINDOW_MONTHS = 12


@dataclass(frozen=True)
class ClassNow:
    baseline: str  # the class of the figures given at registration
    current: str | None  # by the latest twelve months of reports; None with no report in them
    capital: int | None  # the assets of the latest reported month
    yearly_sales: int | None  # the reported months' turnover, scaled to twelve months
    months: int  # how many of the twelve months are reported
    average_monthly_turnover: int | None
    latest_month: datetime.date | None = None  # the latest reported month of the twelve
    workers: int | None = None  # the workers of the latest reported month


def window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The twelve months up to and including `today`'s month (first days)."""
    end = first_of_month(today)
    return shift_month(end, 1 - WINDOW_MONTHS), end


def _rounded_ratio(total: int, count: int) -> int:
    """total / count in whole rupiah, halves up (integers all the way: no float near the limits)."""
    return (2 * total + count) // (2 * count)


def class_now(participant: Participant, business: Business, *, today: datetime.date) -> ClassNow:
    """One query (the business is the caller's: participant.business, loaded with the participant). Yearly sales
    are the reported months' turnover scaled to twelve months: with all twelve reported, their exact sum."""
    start, end = window(today)
    rows = list(
        MonthlyRecord.objects.filter(participant=participant, month__gte=start, month__lte=end)
        .order_by("-month")
        .values_list("month", "turnover", "assets", "workers")
    )
    baseline = business.business_class
    if not rows:
        return ClassNow(baseline, None, None, None, 0, None)
    latest_month, _turnover, capital, workers = rows[0]
    total, months = sum(row[1] for row in rows), len(rows)
    sales = _rounded_ratio(total * WINDOW_MONTHS, months)
    return ClassNow(
        baseline=baseline,
        current=business_class(capital=capital, yearly_sales=sales),
        capital=capital,
        yearly_sales=sales,
        months=months,
        average_monthly_turnover=_rounded_ratio(total, months),
        latest_month=latest_month,
        workers=workers,
    )
