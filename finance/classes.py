"""A business's class under PP 7/2021, at registration (its baseline) and now (its latest twelve months of
reports): the one reading of "now", asked by the services (a change of class is an event), the pages (before and
after) and capital (who qualifies)."""

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, Max

from core.dates import first_of_month
from registration.models import Business, Participant, business_class

from .models import MonthlyRecord

WINDOW_MONTHS = 12


@dataclass(frozen=True)
class ClassNow:
    baseline: str  # the class of the figures given at registration
    current: str | None  # by the latest twelve months of reports; None with no report in them
    capital: int | None  # the assets of the latest reported month
    yearly_sales: int | None  # the average reported month, times twelve
    months: int  # how many of the twelve months are reported
    average_monthly_turnover: int | None


def window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The twelve months up to and including `today`'s month (first days)."""
    end = first_of_month(today)
    index = end.year * 12 + end.month - 1 - (WINDOW_MONTHS - 1)
    return datetime.date(index // 12, index % 12 + 1, 1), end


def class_now(participant: Participant, business: Business, *, today: datetime.date) -> ClassNow:
    """Two queries (the business is the caller's: participant.business, loaded with the participant)."""
    start, end = window(today)
    records = MonthlyRecord.objects.filter(participant=participant, month__gte=start, month__lte=end)
    figures = records.aggregate(months=Count("id"), turnover=Avg("turnover"), last=Max("month"))
    baseline = business.business_class
    if not figures["months"]:
        return ClassNow(baseline, None, None, None, 0, None)
    latest = records.filter(month=figures["last"]).values_list("assets", flat=True).first() or 0
    average = round(figures["turnover"])
    sales = average * 12
    return ClassNow(
        baseline=baseline,
        current=business_class(capital=latest, yearly_sales=sales),
        capital=latest,
        yearly_sales=sales,
        months=figures["months"],
        average_monthly_turnover=average,
    )
