"""Reads of the cash book and money owed: a month's page of the book with its running balance, the current cash
balance, money owed open and settled, the opening balance. A fixed number of queries each, whatever the number
of entries; the arithmetic is the ledger's (`finance.ledger`)."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.permissions import AnyUser
from core.dates import EARLIEST_MONTH, first_of_month, shift_month
from registration.models import Participant

from .. import ledger
from ..choices import DebtKind, Direction
from ..models import Debt, Entry
from .records import latest_closed_month

# The opening balance's entries, marked in `Entry.entry_key` (a real import's key is a 64-digit hash): the cash
# on hand put in as owner's capital, and equipment already owned put in as owner's capital and bought.
OPENING_CASH = "opening:cash"
OPENING_CAPITAL = "opening:equipment-capital"
OPENING_EQUIPMENT = "opening:equipment"
OPENING_MARKS = (OPENING_CASH, OPENING_CAPITAL, OPENING_EQUIPMENT)

SETTLED_SHOWN = 30  # the latest settled debts on the money owed page


@dataclass(frozen=True)
class BookLine:
    entry: Entry
    balance: int  # the cash balance after this entry

    @property
    def is_opening(self) -> bool:
        return self.entry.entry_key in OPENING_MARKS

    @property
    def is_settlement(self) -> bool:
        return self.entry.settles_id is not None


@dataclass(frozen=True)
class BookPage:
    """A month of the cash book: the balance it opens with, each entry with the balance after it, the month's
    totals, and where the previous and next months are (None past the program's first month or the current one)."""

    month: datetime.date
    opening: int
    lines: list[BookLine]
    total_in: int
    total_out: int
    latest_closed: datetime.date | None
    previous: datetime.date | None
    next: datetime.date | None

    @property
    def closing(self) -> int:
        return self.opening + self.total_in - self.total_out

    @property
    def is_closed(self) -> bool:
        return self.latest_closed is not None and self.month <= self.latest_closed


@dataclass(frozen=True)
class DebtLine:
    debt: Debt
    overdue: bool
    # its month is closed: open, it is not corrected or deleted; settled, not marked open again
    locked: bool


@dataclass(frozen=True)
class DebtBook:
    """Money owed: what is open (with its overdue marks, oldest due first) and totals, the latest settled."""

    open: list[DebtLine]
    settled: list[DebtLine]

    def _total(self, kind: str) -> int:
        return sum(line.debt.amount for line in self.open if line.debt.kind == kind)

    @property
    def receivable(self) -> int:
        return self._total(DebtKind.RECEIVABLE)

    @property
    def payable(self) -> int:
        return self._total(DebtKind.PAYABLE)

    @property
    def overdue_count(self) -> int:
        return sum(1 for line in self.open if line.overdue)


@dataclass(frozen=True)
class OpeningBalance:
    day: datetime.date | None  # None: the book has no opening balance
    cash: int = 0
    equipment: int = 0


# --- what the user may reach ------------------------------------------------------------------------------------


def own_entries(user: AnyUser) -> QuerySet[Entry]:
    """The entries of the user's own book (another's are not found: 404)."""
    if not isinstance(user, User):
        return Entry.objects.none()
    return Entry.objects.filter(participant__user=user)


def own_debts(user: AnyUser) -> QuerySet[Debt]:
    if not isinstance(user, User):
        return Debt.objects.none()
    return Debt.objects.filter(participant__user=user)


# --- the book ---------------------------------------------------------------------------------------------------


def book_page(participant: Participant, month: datetime.date, *, today: datetime.date | None = None) -> BookPage:
    """A month of the participant's cash book with its running balance: three queries (the opening balance, the
    month's entries with what they settle, the latest closed month)."""
    month = first_of_month(month)
    current = first_of_month(today or timezone.localdate())
    balance = opening = ledger.cash_before(participant.pk, month)
    entries = Entry.objects.filter(participant=participant, day__gte=month, day__lt=shift_month(month, 1))
    lines, total_in, total_out = [], 0, 0
    for entry in entries.select_related("settles").order_by("day", "pk"):
        balance += entry.signed_amount
        if entry.direction == Direction.IN:
            total_in += entry.amount
        else:
            total_out += entry.amount
        lines.append(BookLine(entry=entry, balance=balance))
    return BookPage(
        month=month,
        opening=opening,
        lines=lines,
        total_in=total_in,
        total_out=total_out,
        latest_closed=latest_closed_month(participant),
        previous=shift_month(month, -1) if month > EARLIEST_MONTH else None,
        next=shift_month(month, 1) if month < current else None,
    )


def cash_balance(participant: Participant, *, today: datetime.date | None = None) -> int:
    """The cash balance at the end of today: one query."""
    return ledger.cash_before(participant.pk, (today or timezone.localdate()) + datetime.timedelta(days=1))


def debt_book(participant: Participant, *, today: datetime.date | None = None) -> DebtBook:
    """Money owed to and by the participant's business: three queries (the open, the latest settled, the latest
    closed month)."""
    today = today or timezone.localdate()
    latest_closed = latest_closed_month(participant)

    def locked(day: datetime.date) -> bool:
        return latest_closed is not None and first_of_month(day) <= latest_closed

    debts = Debt.objects.filter(participant=participant)
    open_debts = debts.filter(settled_on__isnull=True).order_by("due_on", "incurred_on", "pk")
    settled = debts.filter(settled_on__isnull=False).order_by("-settled_on", "-pk")[:SETTLED_SHOWN]
    return DebtBook(
        open=[DebtLine(debt=d, overdue=d.is_overdue(today), locked=locked(d.incurred_on)) for d in open_debts],
        settled=[DebtLine(debt=d, overdue=False, locked=locked(d.settled_on or d.incurred_on)) for d in settled],
    )


def opening_balance(participant: Participant) -> OpeningBalance:
    """The opening balance of the participant's book: one query."""
    rows = Entry.objects.filter(participant=participant, entry_key__in=OPENING_MARKS).values_list(
        "entry_key", "amount", "day"
    )
    marked = {mark: (amount, day) for mark, amount, day in rows}
    if not marked:
        return OpeningBalance(day=None)
    day = next(iter(marked.values()))[1]
    return OpeningBalance(
        day=day,
        cash=marked.get(OPENING_CASH, (0, day))[0],
        equipment=marked.get(OPENING_EQUIPMENT, (0, day))[0],
    )
