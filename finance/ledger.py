"""The arithmetic of the books, written once: what a month's report, the income statement and the statement of
financial position are, computed from a participant's cash book and money owed. Read by the services (the
monthly report computed from the books), the statements (SAK EMKM) and the pages. Reads only; a fixed number of
queries each, whatever the number of entries (aggregates in SQL).

The model is the one the bookkeeping apps people know use (BukuKas, BukuWarung), made to balance:
- cash in and out by category (`choices.CATEGORY_RULES` says where each lands);
- a sale on credit is money owed to the business (a receivable): revenue when it is made, cash when collected;
  a purchase on credit is money the business owes (a payable): an expense when made, cash when paid. Settling a
  debt moves cash only (`Line.SETTLEMENT`);
- equipment bought is an asset at cost (no depreciation is recorded: the notes say so);
- loans received and repaid are a liability; capital put in and drawn out by the owner are equity.

So, at any day: assets (cash + receivables + equipment) = liabilities (payables + loans) + equity (owner's
capital + retained profit), by construction; the tests pin it on known data."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from core.dates import first_of_month, month_end

from .choices import CATEGORY_RULES, DebtKind, Direction, Line
from .models import Debt, Entry


@dataclass(frozen=True)
class MonthFigures:
    """A month's report as the books give it."""

    month: datetime.date
    turnover: int  # revenue: sales and other income in cash, and sales on credit made that month
    expenses: int  # expenses paid in cash, and purchases on credit made that month
    entries: int  # how many cash-book entries the month has (0: the books say nothing of it)

    @property
    def profit(self) -> int:
        return self.turnover - self.expenses


@dataclass(frozen=True)
class Position:
    """The statement of financial position at the end of `day`."""

    day: datetime.date
    cash: int
    receivables: int
    equipment: int
    payables: int
    loans: int
    owner_capital: int  # put in minus drawn out
    retained_profit: int  # every profit and loss up to the day

    @property
    def total_assets(self) -> int:
        return self.cash + self.receivables + self.equipment

    @property
    def total_liabilities(self) -> int:
        return self.payables + self.loans

    @property
    def total_equity(self) -> int:
        return self.owner_capital + self.retained_profit

    @property
    def reported_assets(self) -> int:
        """The assets a month's report gives: a cash balance below zero (money out written before the money in
        that paid it: an opening balance missing) counts as none, not as negative assets."""
        return self.total_assets - min(self.cash, 0)


@dataclass(frozen=True)
class Income:
    """The income statement of a period: revenue and expenses by category (credit sales and purchases on their
    own lines), and their totals."""

    start: datetime.date
    end: datetime.date
    revenue: dict[str, int] = field(default_factory=dict)
    expenses: dict[str, int] = field(default_factory=dict)
    credit_sales: int = 0
    credit_purchases: int = 0

    @property
    def total_revenue(self) -> int:
        return sum(self.revenue.values()) + self.credit_sales

    @property
    def total_expenses(self) -> int:
        return sum(self.expenses.values()) + self.credit_purchases

    @property
    def profit(self) -> int:
        return self.total_revenue - self.total_expenses


def _categories(line: str) -> list[str]:
    return [category for category, rule in CATEGORY_RULES.items() if rule.line == line]


def figures_by_month(
    participant_id: int, start: datetime.date, end: datetime.date
) -> dict[datetime.date, MonthFigures]:
    """Each month from `start` to `end` (first days) that has entries or debts made in it: two queries."""
    last_day = month_end(end)
    revenue, expense = _categories(Line.REVENUE), _categories(Line.EXPENSE)
    rows = (
        Entry.objects.filter(participant_id=participant_id, day__gte=start, day__lte=last_day)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(
            revenue=Sum("amount", filter=Q(category__in=revenue), default=0),
            expense=Sum("amount", filter=Q(category__in=expense), default=0),
            count=Count("id"),
        )
    )
    found: dict[datetime.date, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        found[row["month"]] = [row["revenue"], row["expense"], row["count"]]
    credit = (
        Debt.objects.filter(participant_id=participant_id, incurred_on__gte=start, incurred_on__lte=last_day)
        .annotate(month=TruncMonth("incurred_on"))
        .values("month")
        .annotate(
            sales=Sum("amount", filter=Q(kind=DebtKind.RECEIVABLE), default=0),
            purchases=Sum("amount", filter=Q(kind=DebtKind.PAYABLE), default=0),
        )
    )
    for credit_row in credit:
        figures = found[credit_row["month"]]
        figures[0] += credit_row["sales"]
        figures[1] += credit_row["purchases"]
    return {
        month: MonthFigures(month=month, turnover=turnover, expenses=expenses, entries=count)
        for month, (turnover, expenses, count) in sorted(found.items())
    }


def income(participant_id: int, start: datetime.date, end: datetime.date) -> Income:
    """The income statement from the first day of `start`'s month to the last of `end`'s: two queries."""
    last_day = month_end(end)
    wanted = _categories(Line.REVENUE) + _categories(Line.EXPENSE)
    by_category = dict(
        Entry.objects.filter(participant_id=participant_id, day__gte=start, day__lte=last_day, category__in=wanted)
        .values_list("category")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    credit = Debt.objects.filter(participant_id=participant_id, incurred_on__gte=start, incurred_on__lte=last_day)
    totals = credit.aggregate(
        sales=Sum("amount", filter=Q(kind=DebtKind.RECEIVABLE), default=0),
        purchases=Sum("amount", filter=Q(kind=DebtKind.PAYABLE), default=0),
    )
    revenue = {c: by_category[c] for c in _categories(Line.REVENUE) if c in by_category}
    expenses = {c: by_category[c] for c in _categories(Line.EXPENSE) if c in by_category}
    return Income(
        start=start,
        end=last_day,
        revenue=revenue,
        expenses=expenses,
        credit_sales=totals["sales"],
        credit_purchases=totals["purchases"],
    )


def _position(day: datetime.date, sums: dict[str, int], debts: dict[str, int]) -> Position:
    """The position from the entries' totals by category and the debts' totals (`sold`, `bought`: made up to the
    day; `receivable`, `payable`: still open at its end)."""

    def total(line: str, direction: str | None = None) -> int:
        return sum(
            sums.get(category, 0)
            for category in _categories(line)
            if direction is None or CATEGORY_RULES[category].direction == direction
        )

    cash = sum(amount if CATEGORY_RULES[c].direction == Direction.IN else -amount for c, amount in sums.items())
    return Position(
        day=day,
        cash=cash,
        receivables=debts["receivable"],
        equipment=total(Line.EQUIPMENT),
        payables=debts["payable"],
        loans=total(Line.LOAN, Direction.IN) - total(Line.LOAN, Direction.OUT),
        owner_capital=total(Line.OWNER, Direction.IN) - total(Line.OWNER, Direction.OUT),
        retained_profit=total(Line.REVENUE) + debts["sold"] - total(Line.EXPENSE) - debts["bought"],
    )


def position(participant_id: int, day: datetime.date) -> Position:
    """The statement of financial position at the end of `day`: two queries."""
    entries = Entry.objects.filter(participant_id=participant_id, day__lte=day)
    sums = dict(entries.values_list("category").annotate(total=Sum("amount")).order_by())
    debts = Debt.objects.filter(participant_id=participant_id, incurred_on__lte=day).aggregate(
        sold=Sum("amount", filter=Q(kind=DebtKind.RECEIVABLE), default=0),
        bought=Sum("amount", filter=Q(kind=DebtKind.PAYABLE), default=0),
        receivable=Sum(
            "amount",
            filter=Q(kind=DebtKind.RECEIVABLE) & (Q(settled_on__isnull=True) | Q(settled_on__gt=day)),
            default=0,
        ),
        payable=Sum(
            "amount",
            filter=Q(kind=DebtKind.PAYABLE) & (Q(settled_on__isnull=True) | Q(settled_on__gt=day)),
            default=0,
        ),
    )
    return _position(day, sums, debts)


def positions_at_month_ends(participant_id: int, months: list[datetime.date]) -> dict[datetime.date, Position]:
    """The position at the end of each of `months` (first days): two queries however many months (the same
    figures as `position` at each month's end)."""
    if not months:
        return {}
    last_day = month_end(max(months))
    entry_rows = (
        Entry.objects.filter(participant_id=participant_id, day__lte=last_day)
        .annotate(month=TruncMonth("day"))
        .values_list("month", "category")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    debt_rows = (
        Debt.objects.filter(participant_id=participant_id, incurred_on__lte=last_day)
        .annotate(made=TruncMonth("incurred_on"), settled=TruncMonth("settled_on"))
        .values_list("kind", "made", "settled")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    entries, debt_list = list(entry_rows), list(debt_rows)
    found = {}
    for month in sorted({first_of_month(month) for month in months}):
        sums: dict[str, int] = defaultdict(int)
        for entry_month, category, amount in entries:
            if entry_month <= month:
                sums[category] += amount
        debts = {"sold": 0, "bought": 0, "receivable": 0, "payable": 0}
        for kind, made, settled, amount in debt_list:
            if made > month:
                continue
            debts["sold" if kind == DebtKind.RECEIVABLE else "bought"] += amount
            if settled is None or settled > month:
                debts["receivable" if kind == DebtKind.RECEIVABLE else "payable"] += amount
        found[month] = _position(month_end(month), dict(sums), debts)
    return found


def cash_before(participant_id: int, day: datetime.date) -> int:
    """The cash balance at the start of `day` (the opening line of a page of the cash book): one query."""
    return (
        Entry.objects.filter(participant_id=participant_id, day__lt=day).aggregate(
            balance=Sum("amount", filter=Q(direction=Direction.IN), default=0)
            - Sum("amount", filter=Q(direction=Direction.OUT), default=0)
        )["balance"]
        or 0
    )
