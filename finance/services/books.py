"""Writes of the cash book and money owed: entries in and out, money owed to the business (piutang) and by it
(hutang), settling it (which writes the cash it moves as an entry), and the opening balance that starts a book.

Only the participant keeps their book, once verified (`permissions.can_keep_books`). A change dated in a closed
month, or before one, is refused (`permissions.month_open_decision`); an update checks the old day and the new.
The participant's row is locked first, so two writes of one book run one after the other and each sees the
other's rows. After every change the monthly reports are computed again from the earliest month touched
(`records.refresh_months`), in the same transaction.

The opening balance is a few ordinary entries (the ledger needs nothing else): the cash on hand is owner's capital
put in; equipment already owned is owner's capital put in and equipment bought the same day, so the cash stays as
it is. Its entries are of the source "opening" and carry fixed marks (`selectors.books.OPENING_MARKS`, in
`Entry.entry_key`, whose unique constraint keeps one opening balance per book)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core import audit
from core.dates import FIRST_PROGRAM_YEAR, first_of_month, is_program_year
from core.decisions import ALLOWED, Decision, Refused, deny
from core.money import MAX_RUPIAH, TOO_LARGE
from registration.models import Participant

from ..choices import CATEGORY_RULES, SETTLEMENT_CATEGORY, Category, DebtKind, Direction, EntrySource
from ..models import Debt, Entry
from ..selectors.books import OPENING_CAPITAL, OPENING_CASH, OPENING_EQUIPMENT, OPENING_MARKS, OpeningBalance
from . import records
from .common import book_of, check_open

NOTE_CHARS = Entry._meta.get_field("note").max_length or 200
COUNTERPARTY_CHARS = Debt._meta.get_field("counterparty").max_length or 120

FUTURE_DAY = _("This day has not come yet.")
DAY_TOO_EARLY = _("Give a day from the year %(year)s on.")
UNKNOWN_DIRECTION = _("Choose money in or money out.")
UNKNOWN_CATEGORY = _("Choose a category from the list.")
NOT_MANUAL = _("This category is written by settling money owed, on the money owed page.")
CATEGORY_IS_OUT = _("This category is money going out: choose one of money coming in.")
CATEGORY_IS_IN = _("This category is money coming in: choose one of money going out.")
AMOUNT_POSITIVE = _("Give an amount above zero.")
NOT_NEGATIVE = _("Enter zero or more.")
NOTE_TOO_LONG = _("Keep it to %(max)d characters.")
UNKNOWN_KIND = _("Choose whether the money is owed to the business or by it.")
COUNTERPARTY_REQUIRED = _("Say who owes the money, or who is owed it.")
DUE_BEFORE_INCURRED = _("The due date cannot be before the day the money became owed.")
SETTLED_BEFORE_INCURRED = _("It cannot be settled before the day the money became owed.")
ALREADY_SETTLED = _("This is settled already.")
NOT_SETTLED = _("This is not settled yet.")
SETTLED_UNCHANGED = _("Settled money owed is not changed or deleted: mark it not settled first.")
SETTLEMENT_ENTRY = _("This entry is money owed that was settled: change it on the money owed page.")
OPENING_ENTRY = _("This entry is the opening balance of the book: change it on the opening balance page.")
GONE = _("This was removed meanwhile.")


# --- the checks of typed values (also for the import of a file: one rule for every channel) ---------------------


def day_errors(day: datetime.date, *, today: datetime.date | None = None) -> list[ValidationError]:
    """Why a day cannot be written in the book: still to come, or before the program's first year."""
    if day > (today or timezone.localdate()):
        return [ValidationError(FUTURE_DAY, code="future_day")]
    if not is_program_year(day.year):
        return [ValidationError(DAY_TOO_EARLY % {"year": FIRST_PROGRAM_YEAR}, code="day_too_early")]
    return []


def _amount_errors(amount: int, *, zero_allowed: bool = False) -> list[ValidationError]:
    if amount < 0 or (amount == 0 and not zero_allowed):
        return [ValidationError(NOT_NEGATIVE if zero_allowed else AMOUNT_POSITIVE, code="not_positive")]
    if amount > MAX_RUPIAH:
        return [ValidationError(TOO_LARGE, code="too_large")]
    return []


def _text_errors(text: str, limit: int) -> list[ValidationError]:
    if len(text.strip()) > limit:
        return [ValidationError(NOTE_TOO_LONG % {"max": limit}, code="too_long")]
    return []


def _raise(errors: dict[str, list[ValidationError]]) -> None:
    found = {name: field_errors for name, field_errors in errors.items() if field_errors}
    if found:
        raise ValidationError(found)


def check_entry(
    *,
    day: datetime.date,
    direction: str,
    category: str,
    amount: int,
    note: str,
    today: datetime.date | None = None,
) -> None:
    """An entry a person writes (typed or imported): a day of the program that has come, a category they may
    choose that goes the way the money went, an amount above zero, a short note. Errors by field."""
    direction_errors = [] if direction in Direction.values else [ValidationError(UNKNOWN_DIRECTION, code="invalid")]
    category_errors: list[ValidationError] = []
    rule = CATEGORY_RULES.get(category)
    if rule is None:
        category_errors.append(ValidationError(UNKNOWN_CATEGORY, code="invalid"))
    elif not rule.manual:
        category_errors.append(ValidationError(NOT_MANUAL, code="not_manual"))
    elif not direction_errors and rule.direction != direction:
        wrong = CATEGORY_IS_OUT if direction == Direction.IN else CATEGORY_IS_IN
        category_errors.append(ValidationError(wrong, code="wrong_direction"))
    _raise(
        {
            "day": day_errors(day, today=today),
            "direction": direction_errors,
            "category": category_errors,
            "amount": _amount_errors(amount),
            "note": _text_errors(note, NOTE_CHARS),
        }
    )


def check_debt(
    *,
    kind: str,
    counterparty: str,
    amount: int,
    incurred_on: datetime.date,
    due_on: datetime.date | None,
    note: str,
    today: datetime.date | None = None,
) -> None:
    """Money owed: to or by the business, by or to whom, how much, since a day that has come, due on or after it."""
    counterparty_errors = _text_errors(counterparty, COUNTERPARTY_CHARS)
    if not counterparty.strip():
        counterparty_errors.append(ValidationError(COUNTERPARTY_REQUIRED, code="required"))
    due_errors = []
    if due_on is not None and due_on < incurred_on:
        due_errors.append(ValidationError(DUE_BEFORE_INCURRED, code="due_before_incurred"))
    elif due_on is not None and not is_program_year(due_on.year):
        due_errors.append(ValidationError(DAY_TOO_EARLY % {"year": FIRST_PROGRAM_YEAR}, code="day_too_early"))
    _raise(
        {
            "kind": [] if kind in DebtKind.values else [ValidationError(UNKNOWN_KIND, code="invalid")],
            "counterparty": counterparty_errors,
            "amount": _amount_errors(amount),
            "incurred_on": day_errors(incurred_on, today=today),
            "due_on": due_errors,
            "note": _text_errors(note, NOTE_CHARS),
        }
    )


# --- what every write starts with -------------------------------------------------------------------------------


def _refresh(participant: Participant, *days: datetime.date, user: User) -> None:
    records.refresh_months(participant=participant, from_month=first_of_month(min(days)), acting_user=user)


def _fresh_entry(entry: Entry) -> Entry:
    """The entry as it is now (read under the book's lock); gone meanwhile: refused."""
    found = Entry.objects.filter(pk=entry.pk).first()
    if found is None:
        raise Refused(GONE, code="gone")
    return found


def _fresh_debt(debt: Debt) -> Debt:
    found = Debt.objects.filter(pk=debt.pk).first()
    if found is None:
        raise Refused(GONE, code="gone")
    return found


def entry_change_decision(entry: Entry) -> Decision:
    """Whether an entry is changed or deleted as an entry: a settlement is changed on the money owed page, the
    opening balance on its own page (the pages ask it too, to link to the right one)."""
    if entry.settles_id is not None or entry.source == EntrySource.SETTLEMENT:
        return deny("settlement_entry", SETTLEMENT_ENTRY)
    if entry.source == EntrySource.OPENING:
        return deny("opening_entry", OPENING_ENTRY)
    return ALLOWED


def debt_change_decision(debt: Debt) -> Decision:
    """Money owed is corrected or deleted while it is open."""
    return ALLOWED if debt.is_open else deny("settled", SETTLED_UNCHANGED)


# --- entries ----------------------------------------------------------------------------------------------------


@transaction.atomic
@audit.audited
def entry_add(
    *,
    participant: Participant,
    day: datetime.date,
    direction: str,
    category: str,
    amount: int,
    note: str = "",
    acting_user: User,
) -> Entry:
    """Write one line of the cash book: money in or out on a day, what for, with a note."""
    book = book_of(participant.pk, acting_user)
    check_entry(day=day, direction=direction, category=category, amount=amount, note=note)
    check_open(book, day)
    entry = Entry.objects.create(
        participant=book,
        day=day,
        direction=direction,
        category=category,
        amount=amount,
        note=note.strip(),
        source=EntrySource.TYPED,
        recorded_by=acting_user,
        recorded_at=timezone.now(),
    )
    _refresh(book, day, user=acting_user)
    return entry


@transaction.atomic
@audit.audited
def entry_update(
    *,
    entry: Entry,
    day: datetime.date,
    direction: str,
    category: str,
    amount: int,
    note: str = "",
    acting_user: User,
) -> Entry:
    """Correct a line of the cash book (typed or imported); both its old day and its new one must be open."""
    book = book_of(entry.participant_id, acting_user)
    current = _fresh_entry(entry)
    entry_change_decision(current).enforce()
    check_entry(day=day, direction=direction, category=category, amount=amount, note=note)
    check_open(book, current.day, day)
    old_day = current.day
    current.day, current.direction, current.category = day, direction, category
    current.amount, current.note = amount, note.strip()
    current.save(update_fields=["day", "direction", "category", "amount", "note"])
    _refresh(book, old_day, day, user=acting_user)
    return current


@transaction.atomic
@audit.audited
def entry_delete(*, entry: Entry, acting_user: User) -> None:
    book = book_of(entry.participant_id, acting_user)
    current = _fresh_entry(entry)
    entry_change_decision(current).enforce()
    check_open(book, current.day)
    current.delete()
    _refresh(book, current.day, user=acting_user)


# --- money owed -------------------------------------------------------------------------------------------------


@transaction.atomic
@audit.audited
def debt_add(
    *,
    participant: Participant,
    kind: str,
    counterparty: str,
    amount: int,
    incurred_on: datetime.date,
    due_on: datetime.date | None = None,
    note: str = "",
    acting_user: User,
) -> Debt:
    """Record money owed: a sale on credit (owed to the business) or a purchase on credit (owed by it)."""
    book = book_of(participant.pk, acting_user)
    check_debt(kind=kind, counterparty=counterparty, amount=amount, incurred_on=incurred_on, due_on=due_on, note=note)
    check_open(book, incurred_on)
    debt = Debt.objects.create(
        participant=book,
        kind=kind,
        counterparty=counterparty.strip(),
        amount=amount,
        incurred_on=incurred_on,
        due_on=due_on,
        note=note.strip(),
        recorded_by=acting_user,
        recorded_at=timezone.now(),
    )
    _refresh(book, incurred_on, user=acting_user)
    return debt


@transaction.atomic
@audit.audited
def debt_update(
    *,
    debt: Debt,
    kind: str,
    counterparty: str,
    amount: int,
    incurred_on: datetime.date,
    due_on: datetime.date | None = None,
    note: str = "",
    acting_user: User,
) -> Debt:
    """Correct money owed that is not settled yet."""
    book = book_of(debt.participant_id, acting_user)
    current = _fresh_debt(debt)
    debt_change_decision(current).enforce()
    check_debt(kind=kind, counterparty=counterparty, amount=amount, incurred_on=incurred_on, due_on=due_on, note=note)
    check_open(book, current.incurred_on, incurred_on)
    old_day = current.incurred_on
    current.kind, current.counterparty, current.amount = kind, counterparty.strip(), amount
    current.incurred_on, current.due_on, current.note = incurred_on, due_on, note.strip()
    current.save(update_fields=["kind", "counterparty", "amount", "incurred_on", "due_on", "note"])
    _refresh(book, old_day, incurred_on, user=acting_user)
    return current


@transaction.atomic
@audit.audited
def debt_settle(*, debt: Debt, settled_on: datetime.date, acting_user: User) -> Entry:
    """The money owed is paid: it is settled on `settled_on`, and the cash it moves is written in the book
    (collected in, or paid out, in its settlement category). Returns that entry."""
    book = book_of(debt.participant_id, acting_user)
    current = _fresh_debt(debt)
    if not current.is_open:
        raise Refused(ALREADY_SETTLED, code="already_settled")
    errors = day_errors(settled_on)
    if not errors and settled_on < current.incurred_on:
        errors = [ValidationError(SETTLED_BEFORE_INCURRED, code="settled_before_incurred")]
    _raise({"settled_on": errors})
    check_open(book, settled_on)
    current.settled_on = settled_on
    current.save(update_fields=["settled_on"])
    category = SETTLEMENT_CATEGORY[DebtKind(current.kind)]
    entry = Entry.objects.create(
        participant=book,
        day=settled_on,
        direction=CATEGORY_RULES[category].direction,
        category=category,
        amount=current.amount,
        note=current.counterparty,
        source=EntrySource.SETTLEMENT,
        settles=current,
        recorded_by=acting_user,
        recorded_at=timezone.now(),
    )
    _refresh(book, settled_on, user=acting_user)
    return entry


@transaction.atomic
@audit.audited
def debt_unsettle(*, debt: Debt, acting_user: User) -> Debt:
    """Settled by mistake: open again, and the cash entry of its settling removed."""
    book = book_of(debt.participant_id, acting_user)
    current = _fresh_debt(debt)
    if current.settled_on is None:
        raise Refused(NOT_SETTLED, code="not_settled")
    settled_on = current.settled_on
    check_open(book, settled_on)
    Entry.objects.filter(settles=current).delete()
    current.settled_on = None
    current.save(update_fields=["settled_on"])
    _refresh(book, settled_on, user=acting_user)
    return current


@transaction.atomic
@audit.audited
def debt_delete(*, debt: Debt, acting_user: User) -> None:
    """Remove money owed recorded by mistake (not settled: a settled one is marked not settled first)."""
    book = book_of(debt.participant_id, acting_user)
    current = _fresh_debt(debt)
    debt_change_decision(current).enforce()
    check_open(book, current.incurred_on)
    current.delete()
    _refresh(book, current.incurred_on, user=acting_user)


# --- the opening balance ----------------------------------------------------------------------------------------


@transaction.atomic
@audit.audited
def opening_balance_set(
    *, participant: Participant, day: datetime.date, cash: int, equipment: int, acting_user: User
) -> OpeningBalance:
    """Start the book on `day` with the cash on hand and the equipment already owned (at what it cost), or
    change the start: one opening balance per book. Zero for both removes it."""
    book = book_of(participant.pk, acting_user)
    _raise(
        {
            "day": day_errors(day),
            "cash": _amount_errors(cash, zero_allowed=True),
            "equipment": _amount_errors(equipment, zero_allowed=True),
        }
    )
    existing = {
        entry.entry_key: entry for entry in Entry.objects.filter(participant=book, entry_key__in=OPENING_MARKS)
    }
    touched = [day, *(entry.day for entry in existing.values())]
    check_open(book, *touched)
    wanted = {
        OPENING_CASH: (Category.OWNER_CAPITAL, cash),
        OPENING_CAPITAL: (Category.OWNER_CAPITAL, equipment),
        OPENING_EQUIPMENT: (Category.EQUIPMENT, equipment),
    }
    for mark, (category, amount) in wanted.items():
        entry = existing.get(mark)
        if amount == 0:
            if entry is not None:
                entry.delete()
            continue
        if entry is None:
            entry = Entry(participant=book, entry_key=mark, source=EntrySource.OPENING, recorded_by=acting_user)
        entry.day, entry.amount, entry.category = day, amount, category
        entry.direction = CATEGORY_RULES[category].direction
        entry.recorded_at = timezone.now()
        entry.save()
    _refresh(book, *touched, user=acting_user)
    return OpeningBalance(day=day if cash or equipment else None, cash=cash, equipment=equipment)
