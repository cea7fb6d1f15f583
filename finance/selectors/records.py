"""Reads of the monthly reports: a participant's months (the reports page, its charts, their before and after),
the streak of months reported, the closed months, and the program's before and after for agency staff."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Aggregate,
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from core.dates import first_of_month, month_end, month_number, months_between, shift_month
from registration.choices import BusinessClass
from registration.models import Business, Participant

from .. import ledger
from ..choices import Direction
from ..classes import ClassNow, class_now, window
from ..models import CLASS_RANK, ClassChange, Entry, MonthlyRecord, ProgramReport


def participant_records(participant: Participant, *, limit: int = 12) -> list[MonthlyRecord]:
    """The participant's latest `limit` months, newest first, with who recorded them: one query."""
    return list(
        MonthlyRecord.objects.filter(participant=participant).select_related("recorded_by").order_by("-month")[:limit]
    )


def participant_record_of(participant: Participant, month: datetime.date) -> MonthlyRecord | None:
    return MonthlyRecord.objects.filter(participant=participant, month=month.replace(day=1)).first()


def latest_closed_month(participant: Participant) -> datetime.date | None:
    """The last closed month of the participant's books (every month up to it is frozen): one query."""
    return (
        MonthlyRecord.objects.filter(participant=participant, closed_at__isnull=False)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )


def longest_run(numbers: set[int]) -> int:
    """The most consecutive month numbers (`MonthlyRecord.month_number`) in `numbers`."""
    return max((current_run(numbers, this_month=n) for n in numbers if n + 1 not in numbers), default=0)


def current_run(numbers: set[int], *, this_month: int) -> int:
    """The consecutive month numbers in `numbers` ending at `this_month` or the one before it (the current month
    may not be over yet)."""
    end = this_month if this_month in numbers else this_month - 1
    length = 0
    while end - length in numbers:
        length += 1
    return length


def report_streak(participant: Participant, *, up_to: datetime.date) -> int:
    """How many consecutive months are reported, ending at `up_to`'s month or the month before it (the current
    month may not be over yet): one query."""
    last = month_number(up_to)
    numbers = set(
        MonthlyRecord.objects.filter(
            participant=participant, month_number__lte=last, month_number__gte=last - 120
        ).values_list("month_number", flat=True)
    )
    return current_run(numbers, this_month=last)


# --- the participant's reports page: months, charts, before and after ---------------------------------------------

REPORT_MONTHS = 24  # the months the reports page and its charts show, up to the current one


@dataclass(frozen=True)
class ReportMonth:
    """One month of the reports page: its record (None when not reported) and the cash at its end (None when
    the participant keeps no cash book)."""

    month: datetime.date
    record: MonthlyRecord | None
    cash_end: int | None


def report_months(participant: Participant, *, today: datetime.date) -> list[ReportMonth]:
    """The latest `REPORT_MONTHS` months up to `today`'s, newest first, from the first of them that has a report
    or cash-book entries (none: an empty list). Three queries: the records, the cash before the first month
    (`ledger.cash_before`) and each month's net cash."""
    end = first_of_month(today)
    start = shift_month(end, 1 - REPORT_MONTHS)
    records = {
        record.month: record
        for record in MonthlyRecord.objects.filter(participant=participant, month__gte=start, month__lte=end)
        .select_related("recorded_by", "closed_by")
        .order_by()
    }
    flows = dict(
        Entry.objects.filter(participant=participant, day__gte=start, day__lte=month_end(end))
        .annotate(month=TruncMonth("day"))
        .values_list("month")
        .annotate(
            net=Sum("amount", filter=Q(direction=Direction.IN), default=0)
            - Sum("amount", filter=Q(direction=Direction.OUT), default=0)
        )
        .order_by()
    )
    known = set(records) | set(flows)
    if not known:
        return []
    first = min(known)
    cash: int | None = None
    if flows or Entry.objects.filter(participant=participant, day__lt=first).exists():
        cash = ledger.cash_before(participant.pk, first)
    months = []
    for month in months_between(first, end):
        if cash is not None:
            cash += flows.get(month, 0)
        months.append(ReportMonth(month=month, record=records.get(month), cash_end=cash))
    return months[::-1]


def chart_data(months: list[ReportMonth]) -> dict[str, Any]:
    """The charts' numbers (oldest month first), for `json_script`: the same the page's tables show."""
    ordered = months[::-1]
    return {
        "labels": [formats.date_format(row.month, "M Y") for row in ordered],
        "turnover": [row.record.turnover if row.record else None for row in ordered],
        "profit": [row.record.profit if row.record else None for row in ordered],
        "cash": [row.cash_end for row in ordered],
        "names": {"turnover": str(_("Turnover")), "profit": str(_("Profit")), "cash": str(_("Cash at month's end"))},
    }


@dataclass(frozen=True)
class Change:
    """One indicator at registration and now, and how it moved."""

    name: str
    label: StrOrPromise
    before: int
    after: int | None
    money: bool

    @property
    def change(self) -> int | None:
        return None if self.after is None else self.after - self.before

    @property
    def percent(self) -> int | None:
        if self.after is None or self.before <= 0:
            return None
        return round((self.after - self.before) * 100 / self.before)


@dataclass(frozen=True)
class BeforeAfter:
    """The business at registration (its baseline) and by its latest twelve months of reports."""

    classes: ClassNow
    changes: list[Change] = field(default_factory=list)

    @property
    def baseline_label(self) -> StrOrPromise:
        return BusinessClass(self.classes.baseline).label

    @property
    def current_label(self) -> StrOrPromise | None:
        return None if self.classes.current is None else BusinessClass(self.classes.current).label

    @property
    def moved_up(self) -> bool:
        current = self.classes.current
        return (
            current is not None
            and CLASS_RANK[BusinessClass(current)] > CLASS_RANK[BusinessClass(self.classes.baseline)]
        )


def before_after(participant: Participant, business: Business, *, today: datetime.date) -> BeforeAfter:
    """Turnover (the average reported month of the latest twelve), workers and assets (the latest reported
    month) against what the registration gave: one query (`classes.class_now`)."""
    now = class_now(participant, business, today=today)
    return BeforeAfter(
        classes=now,
        changes=[
            Change("turnover", _("Monthly turnover"), business.monthly_turnover, now.average_monthly_turnover, True),
            Change("workers", _("Workers"), business.workers, now.workers, False),
            Change("assets", _("Assets"), business.assets, now.capital, True),
        ],
    )


# --- the program's before and after, for agency staff --------------------------------------------------------------

INDICATORS: dict[str, tuple[StrOrPromise, str]] = {
    # name: (label, the baseline field of the business)
    "turnover": (_("Monthly turnover"), "business__monthly_turnover"),
    "workers": (_("Workers"), "business__workers"),
    "assets": (_("Assets"), "business__assets"),
}


class Median(Aggregate):
    """The median of a column (PostgreSQL's continuous percentile)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass(frozen=True)
class Figure:
    """An indicator over a group of participants: median and average at registration and now."""

    name: str
    label: StrOrPromise
    before_median: int | None
    before_average: int | None
    now_median: int | None
    now_average: int | None
    money: bool

    @property
    def change(self) -> int | None:
        if self.before_median is None or self.now_median is None:
            return None
        return self.now_median - self.before_median


@dataclass(frozen=True)
class ProgramRow:
    """A kecamatan (or the whole program, `name` empty): its participants reporting in the period, their
    indicators before and after, and how many moved up (or down) a class in it."""

    name: str
    participants: int
    moved_up: int
    moved_down: int
    figures: list[Figure]


@dataclass(frozen=True)
class ProgramFigures:
    start: datetime.date
    end: datetime.date
    total: ProgramRow
    kecamatan: list[ProgramRow]


def program_period(year: int, *, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The twelve months a year's figures read: the latest twelve for the current year, else January to
    December."""
    if year >= today.year:
        return window(today)
    return datetime.date(year, 1, 1), datetime.date(year, 12, 1)


def _rank(field: str) -> Case:
    """A class's rank (`CLASS_RANK`) in SQL."""
    return Case(*(When(**{field: name}, then=Value(rank)) for name, rank in CLASS_RANK.items()), default=None)


def _aggregates() -> dict[str, Aggregate]:
    wanted: dict[str, Aggregate] = {
        "participants": Count("pk"),
        "moved_up": Count("pk", filter=Q(went_up=True)),
        "moved_down": Count("pk", filter=Q(went_down=True)),
    }
    for name, (_label, baseline) in INDICATORS.items():
        wanted[f"{name}_before_median"] = Median(baseline)
        wanted[f"{name}_before_average"] = Avg(baseline)
        wanted[f"{name}_now_median"] = Median(f"now_{name}")
        wanted[f"{name}_now_average"] = Avg(f"now_{name}")
    return wanted


def _whole(value: float | Decimal | None) -> int | None:
    return None if value is None else round(value)


def _program_values(name: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """A row of the figures as `ProgramReport` stores it: its name, counts and whole numbers."""
    counts = ("participants", "moved_up", "moved_down")
    return {"name": name, **{key: values[key] if key in counts else _whole(values[key]) for key in _aggregates()}}


def _program_row(values: Mapping[str, Any]) -> ProgramRow:
    return ProgramRow(
        name=values["name"],
        participants=values["participants"],
        moved_up=values["moved_up"],
        moved_down=values["moved_down"],
        figures=[
            Figure(
                name=indicator,
                label=label,
                before_median=values[f"{indicator}_before_median"],
                before_average=values[f"{indicator}_before_average"],
                now_median=values[f"{indicator}_now_median"],
                now_average=values[f"{indicator}_now_average"],
                money=indicator != "workers",
            )
            for indicator, (label, _baseline) in INDICATORS.items()
        ],
    )


def program_counts(*, year: int, today: datetime.date) -> dict[str, Any]:
    """The program's before and after over the participants who reported in the year's twelve months
    (`program_period`): for turnover, workers and assets, the median and average at registration and now (a
    participant's now: their average reported month's turnover, their latest reported workers and assets), and
    how many moved up or down a class over the period (net); for the whole program and by kecamatan, as
    `ProgramReport` stores them. Two queries aggregated in SQL, reading every report of the year: a task's work
    (`services.program_report_build`), never a page's."""
    start, end = program_period(year, today=today)
    reported = MonthlyRecord.objects.filter(participant=OuterRef("pk"), month__gte=start, month__lte=end)
    latest = reported.order_by("-month")
    moves = ClassChange.objects.filter(
        participant=OuterRef("pk"), changed_at__date__gte=start, changed_at__date__lte=month_end(end)
    )
    participants = (
        Participant.objects.filter(Exists(reported))
        .annotate(
            now_turnover=Subquery(
                reported.order_by().values("participant").annotate(average=Avg("turnover")).values("average")
            ),
            now_workers=Subquery(latest.values("workers")[:1]),
            now_assets=Subquery(latest.values("assets")[:1]),
            # the net move over the period: from the class before its first change to the class after its last, so a
            # mistyped figure corrected within the period moves no one
            class_before=Subquery(moves.order_by("changed_at", "pk").values("previous_class")[:1]),
            class_after=Subquery(moves.order_by("-changed_at", "-pk").values("new_class")[:1]),
        )
        .annotate(rank_before=_rank("class_before"), rank_after=_rank("class_after"))
    )
    participants = participants.annotate(
        went_up=ExpressionWrapper(Q(rank_after__gt=F("rank_before")), output_field=BooleanField()),
        went_down=ExpressionWrapper(Q(rank_after__lt=F("rank_before")), output_field=BooleanField()),
    )
    total = participants.aggregate(**_aggregates())
    rows = participants.values("kecamatan_id", "kecamatan__name").annotate(**_aggregates()).order_by("kecamatan__name")
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "total": _program_values("", total),
        "kecamatan": [_program_values(row["kecamatan__name"], row) for row in rows],
    }


def program_report(year: int) -> ProgramReport | None:
    """The year's figures as last computed (one query), or None if they never were."""
    return ProgramReport.objects.filter(year=year).first()


def program_figures(report: ProgramReport) -> ProgramFigures:
    """The stored figures of a report, for its page."""
    figures = report.figures
    return ProgramFigures(
        start=datetime.date.fromisoformat(figures["start"]),
        end=datetime.date.fromisoformat(figures["end"]),
        total=_program_row(figures["total"]),
        kecamatan=[_program_row(row) for row in figures["kecamatan"]],
    )
