"""Writes of the monthly report: entered directly (participant, mentor, staff) or computed from the books
(`refresh_months`), closed and reopened; and the change of business class it may bring.

One record per month, either from the books or entered: a month with cash-book entries or money owed made in it
is the books' (source BOOKS: turnover, expenses, profit and assets computed, only the workers typed), and a
record entered directly before the first entry of its month becomes the books' then (the audit trail keeps what
was entered). A month whose entries are all gone loses its computed record; it may then be entered directly. A
month without entries keeps the record entered for it, whatever the books say of other months. A closed month
changes in no way until it is reopened."""

import datetime
from typing import Final

import kombu.exceptions
from celery import current_app
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core import audit
from core.dates import FIRST_PROGRAM_YEAR, first_of_month, is_program_year, months_between, shift_month
from core.decisions import Refused, deny
from core.money import MAX_RUPIAH
from core.web import absolute_url
from notifications.services import notify
from registration import measures
from registration.models import Business, Participant
from registration.validators import MAX_WORKERS

from .. import classes, ledger, permissions, selectors
from ..choices import MonthAction
from ..messages import CLASS_UP, MESSAGES
from ..models import ClassChange, Debt, Entry, MonthEvent, MonthlyRecord, ProgramReport, Source
from .common import check_open, lock_participant

MAX_REASON_CHARS: Final = 300  # MonthEvent.reason
MESSAGE_PERSON_CHARS: Final = 30

FROM_BOOKS = _("This month's figures come from the cash book: change its entries there.")
FROM_BOOKS_ASSETS = _("This month's assets come from the cash book: change its entries there.")
REQUIRED = _("This field is required.")
PROGRAM_YEAR = _("Give a year from %(first)d to %(last)d.")
PROGRAM_QUEUE_DOWN = _("The figures cannot be computed right now. Please try again in a few minutes.")


def check_month(month: datetime.date) -> datetime.date:
    """The first day of `month`; a month still to come, or before the program's first year, is refused."""
    decision = permissions.check_month_decision(month)
    if not decision:
        raise ValidationError(decision.reason, code=decision.code)
    return first_of_month(month)


def _check_figures(**figures: int | None) -> None:
    errors = {}
    for name, value in figures.items():
        limit = MAX_WORKERS if name == "workers" else MAX_RUPIAH
        if value is None:
            continue
        if value < 0:
            errors[name] = ValidationError(_("Enter zero or more."), code="negative")
        elif value > limit:
            errors[name] = ValidationError(_("This number is too large; check it."), code="too_large")
    if errors:
        raise ValidationError(errors)


# --- the change of class ------------------------------------------------------------------------------------------


def _business_of(participant: Participant) -> Business | None:
    try:
        return participant.business
    except Business.DoesNotExist:
        return None


def _tell_class_up(participant: Participant, change: ClassChange) -> None:
    """The message names the class by its code: the template says it in the language the message is read in."""
    context = {
        "full_name": Truncator(" ".join(participant.full_name.split())).chars(MESSAGE_PERSON_CHARS),
        "business_class": change.new_class,
        "link": absolute_url("finance:reports"),
    }
    notify(template=CLASS_UP, context={key: context[key] for key in MESSAGES[CLASS_UP]}, user=participant.user)


def note_class_change(*, participant: Participant, today: datetime.date | None = None) -> ClassChange | None:
    """After a report changed (in the caller's transaction, the participant locked): the business's class by its
    latest twelve months (`classes.class_now`), against its last recorded class (the baseline when none). A
    different class is recorded as a ClassChange, and a move up ("naik kelas") told to the participant. Two
    queries when nothing changed (three when the participant came without their business)."""
    business = _business_of(participant)
    if business is None:
        return None
    now = classes.class_now(participant, business, today=today or timezone.localdate())
    if now.current is None or now.latest_month is None:
        return None
    last = (
        ClassChange.objects.filter(participant=participant)
        .order_by("-changed_at", "-pk")
        .values_list("new_class", flat=True)
        .first()
    )
    previous = last or now.baseline
    if now.current == previous:
        return None
    change = ClassChange.objects.create(
        participant=participant,
        month=now.latest_month,
        previous_class=previous,
        new_class=now.current,
        capital=now.capital or 0,
        yearly_sales=now.yearly_sales or 0,
        changed_at=timezone.now(),
    )
    if change.moved_up:
        _tell_class_up(participant, change)
    return change


# --- a month entered directly -------------------------------------------------------------------------------------


def _entered_values(*, turnover: int | None, expenses: int | None, assets: int | None) -> dict[str, int | None]:
    """The figures of a month entered directly: turnover and assets are required, expenses optional (profit is
    turnover minus expenses when they are given)."""
    missing = {
        name: ValidationError(REQUIRED, code="required")
        for name, value in (("turnover", turnover), ("assets", assets))
        if value is None
    }
    if missing:
        raise ValidationError(missing)
    assert turnover is not None and assets is not None
    profit = None if expenses is None else turnover - expenses
    return {"turnover": turnover, "expenses": expenses, "profit": profit, "assets": assets}


def _refuse_book_figures(
    record: MonthlyRecord, *, turnover: int | None, expenses: int | None, assets: int | None
) -> None:
    """A month from the books takes only its workers: a figure given must be the books' own."""
    errors = {}
    for name, value in (("turnover", turnover), ("expenses", expenses)):
        if value is not None and value != getattr(record, name):
            errors[name] = ValidationError(FROM_BOOKS, code="from_books")
    if assets is not None and assets != record.assets:
        errors["assets"] = ValidationError(FROM_BOOKS_ASSETS, code="from_books")
    if errors:
        raise ValidationError(errors)


def monthly_record_check(
    *,
    participant: Participant,
    month: datetime.date,
    workers: int,
    turnover: int | None = None,
    expenses: int | None = None,
    assets: int | None = None,
    user: User,
) -> tuple[MonthlyRecord | None, dict[str, int | None]]:
    """The rules of saving a month (`monthly_record_save`), asked without saving, e.g. by the admin's form: raises
    the refusal; returns the month's record (None when there is none) and the figures to save (empty for a month
    from the books, which takes only its workers)."""
    month = check_month(month)
    permissions.can_record_month(user, participant, month).enforce()
    _check_figures(turnover=turnover, expenses=expenses, assets=assets, workers=workers)
    check_open(participant, month)
    record = MonthlyRecord.objects.filter(participant=participant, month=month).first()
    if record is not None and record.from_books:
        _refuse_book_figures(record, turnover=turnover, expenses=expenses, assets=assets)
        return record, {}
    return record, _entered_values(turnover=turnover, expenses=expenses, assets=assets)


@transaction.atomic
@audit.audited
def monthly_record_save(
    *,
    participant: Participant,
    month: datetime.date,
    workers: int,
    turnover: int | None = None,
    expenses: int | None = None,
    assets: int | None = None,
    acting_user: User,
) -> tuple[MonthlyRecord, bool]:
    """Create the participant's record of `month`, or update it when there is one; returns (record, created).

    A month without entries is entered directly: turnover and assets required, expenses optional (then the
    profit). A month computed from the books takes only its workers (a turnover, expenses or assets other than
    the books' is refused, "from_books"). A closed month, or one before a closed month, is refused. The source is
    the participant when they act themselves, else a mentor (or staff) on their behalf. The participant's lock
    settles two concurrent first saves."""
    lock_participant(participant.pk)
    record, values = monthly_record_check(
        participant=participant,
        month=month,
        workers=workers,
        turnover=turnover,
        expenses=expenses,
        assets=assets,
        user=acting_user,
    )
    now = timezone.now()
    if record is not None and record.from_books:
        record.workers, record.recorded_by, record.recorded_at = workers, acting_user, now
        record.save(update_fields=["workers", "recorded_by", "recorded_at"])
        measures.changed(participant.pk)
        return record, False
    source = Source.PARTICIPANT if participant.user_id == acting_user.pk else Source.MENTOR
    record, created = MonthlyRecord.objects.update_or_create(
        participant=participant,
        month=first_of_month(month),
        defaults={**values, "workers": workers, "source": source, "recorded_by": acting_user, "recorded_at": now},
        create_defaults={
            **values,
            "workers": workers,
            "source": source,
            "recorded_by": acting_user,
            "recorded_at": now,
            "first_recorded_at": now,
        },
    )
    note_class_change(participant=participant)
    measures.changed(participant.pk)
    return record, created


FROM_BOOKS_DELETE = _("This month's report comes from the cash book: it goes when its entries go.")


@transaction.atomic
@audit.audited
def monthly_record_delete(*, record: MonthlyRecord, acting_user: User) -> None:
    """Remove a mistaken record (administrators only, in the admin): never a closed month's, nor one the cash book
    gives (it follows the book's entries: they are changed, not the report)."""
    if not acting_user.is_superuser:
        raise Refused(_("Only administrators delete a monthly record."), code="not_allowed")
    if record.from_books:
        raise Refused(FROM_BOOKS_DELETE, code="from_books")
    participant = record.participant
    lock_participant(participant.pk)
    check_open(participant, record.month)
    record.delete()
    note_class_change(participant=participant)
    measures.changed(participant.pk)


# --- the months computed from the books ---------------------------------------------------------------------------


def _latest_workers_before(participant: Participant, month: datetime.date) -> int | None:
    return (
        MonthlyRecord.objects.filter(participant=participant, month__lt=month)
        .order_by("-month")
        .values_list("workers", flat=True)
        .first()
    )


def _book_month_before(participant: Participant, month: datetime.date) -> datetime.date | None:
    """The last month before `month` with entries or money owed made in it: two queries."""
    days = [
        Entry.objects.filter(participant=participant, day__lt=month).aggregate(last=Max("day"))["last"],
        Debt.objects.filter(participant=participant, incurred_on__lt=month).aggregate(last=Max("incurred_on"))["last"],
    ]
    found = [day for day in days if day is not None]
    return first_of_month(max(found)) if found else None


@transaction.atomic
@audit.audited
def refresh_months(*, participant: Participant, from_month: datetime.date, acting_user: User) -> None:
    """Recompute, from the cash book, the report of every month from `from_month` to the current one that has
    entries or money owed made in it (its turnover, expenses, profit and assets at the month's end; its workers
    kept, else the latest earlier month's, else the registration's), and of every quiet month between two such
    months (nothing happened: zero turnover and expenses, the assets it carried), remove a computed report whose
    month has nothing left, and note a change of class. Called by the book services in their transaction after
    every change of an entry or a debt (they refuse a change into a closed month; here a closed month in the range
    is refused too, so it never changes). The range reaches back to the book's last month before `from_month`, so
    the quiet months a change opens or closes are recomputed with it (never a closed one). Reads: a fixed number,
    whatever the months (every month's position at its end is two queries together); one write per month
    changed."""
    start = first_of_month(from_month)
    end = first_of_month(timezone.localdate())
    if start > end:
        return
    lock_participant(participant.pk)
    latest_closed = selectors.latest_closed_month(participant)
    permissions.month_open_decision(start, latest_closed=latest_closed).enforce()
    before = _book_month_before(participant, start)
    if before is not None:  # the quiet months since the book's last month before the change, none of them closed
        start = shift_month(before, 1)
        if latest_closed is not None:
            start = max(start, shift_month(latest_closed, 1))
    existing = {
        record.month: record
        for record in MonthlyRecord.objects.filter(participant=participant, month__gte=start, month__lte=end)
    }
    figures = ledger.figures_by_month(participant.pk, start, end)
    first_book = before if before is not None else min(figures, default=None)
    last_book = max(figures, default=None)
    quiet = [
        month
        for month in months_between(start, end)
        if month not in figures and first_book is not None and last_book is not None and first_book < month < last_book
    ]
    positions = ledger.positions_at_month_ends(participant.pk, [*figures, *quiet])
    earlier = _latest_workers_before(participant, start)
    workers = earlier if earlier is not None else getattr(_business_of(participant), "workers", 0)
    now = timezone.now()
    stale: list[int] = []
    changed = False
    for month in months_between(start, end):
        record, found = existing.get(month), figures.get(month)
        if found is None and (month not in quiet or (record is not None and not record.from_books)):
            if record is not None and record.from_books:
                stale.append(record.pk)
            elif record is not None:
                workers = record.workers
            continue
        values = {
            "turnover": found.turnover if found else 0,
            "expenses": found.expenses if found else 0,
            "profit": found.profit if found else 0,
            "assets": positions[month].reported_assets,
            "source": Source.BOOKS,
        }
        if record is None:
            MonthlyRecord.objects.create(
                participant=participant,
                month=month,
                workers=workers,
                recorded_by=acting_user,
                recorded_at=now,
                first_recorded_at=now,
                **values,
            )
            changed = True
            continue
        workers = record.workers
        if any(getattr(record, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(record, name, value)
            record.recorded_by, record.recorded_at = acting_user, now
            record.save(update_fields=[*values, "recorded_by", "recorded_at"])
            changed = True
    if stale:
        MonthlyRecord.objects.filter(pk__in=stale).delete()
        changed = True
    if changed:
        note_class_change(participant=participant)
        measures.changed(participant.pk)


# --- closing and reopening ----------------------------------------------------------------------------------------


@transaction.atomic
@audit.audited
def month_close(*, participant: Participant, month: datetime.date, acting_user: User) -> list[MonthlyRecord]:
    """Close the month's books and every earlier reported month still open (one MonthEvent each): their figures
    and entries are frozen until reopened. The month must be over and reported. Returns the months closed,
    oldest first."""
    permissions.can_close_month(acting_user, participant).enforce()
    month = first_of_month(month)
    permissions.month_close_decision(month, today=timezone.localdate()).enforce()
    lock_participant(participant.pk)
    records = list(
        MonthlyRecord.objects.select_for_update()
        .filter(participant=participant, month__lte=month, closed_at__isnull=True)
        .order_by("month")
    )
    if not records or records[-1].month != month:
        reported = MonthlyRecord.objects.filter(participant=participant, month=month).exists()
        if reported:
            deny("already_closed", _("This month is closed already.")).enforce()
        deny("not_reported", _("Report this month before closing it.")).enforce()
    now = timezone.now()
    MonthlyRecord.objects.filter(pk__in=[record.pk for record in records]).update(closed_at=now, closed_by=acting_user)
    MonthEvent.objects.bulk_create(
        MonthEvent(participant=participant, month=record.month, action=MonthAction.CLOSE, by=acting_user, at=now)
        for record in records
    )
    for record in records:
        record.closed_at, record.closed_by = now, acting_user
    return records


@transaction.atomic
@audit.audited
def month_reopen(
    *, participant: Participant, month: datetime.date, reason: str, acting_user: User
) -> list[MonthlyRecord]:
    """Reopen a closed month and every later closed one (one MonthEvent each, with the reason), so that its
    books may change again. Returns the months reopened, oldest first."""
    permissions.can_reopen_month(acting_user, participant).enforce()
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": ValidationError(_("Say why the month is reopened."), code="required")})
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("Keep the reason under %(limit)d characters.") % {"limit": MAX_REASON_CHARS},
                    code="too_long",
                )
            }
        )
    month = first_of_month(month)
    lock_participant(participant.pk)
    records = list(
        MonthlyRecord.objects.select_for_update()
        .filter(participant=participant, month__gte=month, closed_at__isnull=False)
        .order_by("month")
    )
    if not records or records[0].month != month:
        deny("not_closed", _("This month is not closed.")).enforce()
    now = timezone.now()
    MonthlyRecord.objects.filter(pk__in=[record.pk for record in records]).update(closed_at=None, closed_by=None)
    MonthEvent.objects.bulk_create(
        MonthEvent(
            participant=participant,
            month=record.month,
            action=MonthAction.REOPEN,
            reason=reason,
            by=acting_user,
            at=now,
        )
        for record in records
    )
    for record in records:
        record.closed_at, record.closed_by = None, None
    return records


_PROGRAM_LOCK: Final = 6141  # the advisory lock's first key: "finance, program report"
PROGRAM_TASK: Final = "finance.tasks.build_program_report"


def check_program_year(year: int, today: datetime.date) -> None:
    """A year the program's figures can be asked for: from the program's first to this one."""
    if not is_program_year(year) or year > today.year:
        raise ValidationError(
            {
                "year": ValidationError(
                    PROGRAM_YEAR, code="year", params={"first": FIRST_PROGRAM_YEAR, "last": today.year}
                )
            }
        )


@transaction.atomic
@audit.audited
def program_report_build(*, year: int, acting_user: User | None, today: datetime.date | None = None) -> ProgramReport:
    """Compute the year's before and after (`selectors.program_counts`) and keep it as the year's report,
    replacing the one before. `acting_user` None is the nightly schedule. Builds of one year wait for each
    other (a transaction-scoped advisory lock)."""
    if acting_user is not None:
        permissions.can_view_program(acting_user).enforce()
    today = today or timezone.localdate()
    check_program_year(year, today)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_PROGRAM_LOCK, year])
    report, _created = ProgramReport.objects.update_or_create(
        year=year,
        defaults={
            "figures": selectors.program_counts(year=year, today=today),
            "built_at": timezone.now(),
            "built_by": acting_user,
        },
    )
    return report


@audit.audited
def program_report_request(*, year: int, acting_user: User, today: datetime.date | None = None) -> None:
    """Queue the year's report to be computed again (`tasks.build_program_report`); with the broker down, say
    so rather than promise figures that never come."""
    permissions.can_view_program(acting_user).enforce()
    today = today or timezone.localdate()
    check_program_year(year, today)
    try:
        current_app.tasks[PROGRAM_TASK].delay(year, acting_user.pk)
    except kombu.exceptions.OperationalError as exc:
        raise ValidationError(PROGRAM_QUEUE_DOWN, code="queue_down") from exc
