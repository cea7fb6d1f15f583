"""Writes of an import of transactions from a file: checked first, row by row (nothing written to the book), then
saved, all of it or only its good rows, or discarded.

Checking reads the file (`finance.importing`), runs every row through the book's own checks
(`books.check_entry`, and `permissions.month_open_decision` for a closed month) and marks the rows already in the
book (the same `entry_key`: the same file imported before) as repeated, not errors. Saving writes the good rows
that are not in the book yet as entries imported, in one transaction under the participant's lock: a row refused
then (a month closed since) saves nothing. The monthly reports are then computed again from the earliest month
written (`records.refresh_months`)."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core import audit
from core.dates import first_of_month
from core.decisions import Refused
from core.spreadsheets import RowError
from registration.models import Participant

from .. import importing, permissions
from ..choices import EntrySource, ImportStatus
from ..models import Entry, ImportBatch
from ..selectors.records import latest_closed_month
from . import records
from .books import check_entry
from .common import book_of

FILE_NAME_CHARS = ImportBatch._meta.get_field("file_name").max_length or 200

DECIDED = _("This import was saved or discarded already.")
HAS_ERRORS = _("Some rows have errors: correct the file and send it again, or choose to save only the good rows.")
NOTHING_GOOD = _("No row of this file can be saved.")
REFUSED_ROW = _("Row %(row)s: %(reason)s Nothing was saved.")


def _row_refusals(row: importing.ImportedRow, latest_closed: datetime.date | None) -> list[RowError]:
    """The book's refusals of a row, by field: its checks of an entry, then a closed month."""
    try:
        check_entry(day=row.day, direction=row.direction, category=row.category, amount=row.amount, note=row.note)
    except ValidationError as exc:
        return [
            RowError(row.number, field, " ".join(str(m) for e in errors for m in e.messages))
            for field, errors in exc.error_dict.items()
        ]
    decision = permissions.month_open_decision(row.day, latest_closed=latest_closed)
    if not decision:
        return [RowError(row.number, "day", str(decision.reason))]
    return []


def _stored_row(row: importing.ImportedRow, key: str, *, repeated: bool) -> dict[str, Any]:
    return {
        "row": row.number,
        "day": row.day.isoformat(),
        "direction": row.direction,
        "amount": row.amount,
        "category": row.category,
        "note": row.note,
        "key": key,
        "repeated": repeated,
    }


def _typed_row(stored: dict[str, Any]) -> importing.ImportedRow:
    return importing.ImportedRow(
        number=int(stored["row"]),
        day=datetime.date.fromisoformat(stored["day"]),
        direction=str(stored["direction"]),
        amount=int(stored["amount"]),
        category=str(stored["category"]),
        note=str(stored["note"]),
    )


def _keys_in_book(participant: Participant, keys: list[str]) -> set[str]:
    return set(Entry.objects.filter(participant=participant, entry_key__in=keys).values_list("entry_key", flat=True))


def _error_order(error: RowError) -> tuple[int, int]:
    return error.number, importing.FIELDS.index(error.field)


@transaction.atomic
@audit.audited
def import_check(*, participant: Participant, file_name: str, content: bytes, acting_user: User) -> ImportBatch:
    """Read a CSV or XLSX file of transactions and keep, for the person to decide, its good rows (typed) and the
    errors of the others (by row and field, in the active language). Nothing is written to the book. A file
    that cannot be read as a whole is refused (errors on "file")."""
    book = book_of(participant.pk, acting_user, lock=False)
    try:
        parsed = importing.parse(content)
    except ValidationError as exc:
        raise ValidationError({"file": exc.error_list}) from exc
    latest_closed = latest_closed_month(book)
    keys = importing.entry_keys(book.pk, parsed.rows)
    errors = list(parsed.errors)
    good: list[tuple[importing.ImportedRow, str]] = []
    for row, key in zip(parsed.rows, keys, strict=True):
        refusals = _row_refusals(row, latest_closed)
        if refusals:
            errors.extend(refusals)
        else:
            good.append((row, key))
    in_book = _keys_in_book(book, [key for _row, key in good])
    return ImportBatch.objects.create(
        participant=book,
        file_name=(file_name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "-")[:FILE_NAME_CHARS],
        file_hash=parsed.file_hash,
        rows=[_stored_row(row, key, repeated=key in in_book) for row, key in good],
        errors=[{"row": e.number, "field": e.field, "message": e.message} for e in sorted(errors, key=_error_order)],
        repeated_count=sum(1 for _row, key in good if key in in_book),
        created_by=acting_user,
        created_at=timezone.now(),
    )


def _open_batch(batch: ImportBatch, user: User) -> tuple[Participant, ImportBatch]:
    """The participant's book locked, and the batch as it is now (locked too), still waiting for a decision."""
    book = book_of(batch.participant_id, user, lock=True)
    current = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if current.status != ImportStatus.CHECKED:
        raise Refused(DECIDED, code="decided")
    return book, current


@transaction.atomic
@audit.audited
def import_save(*, batch: ImportBatch, only_good_rows: bool, acting_user: User) -> ImportBatch:
    """Write the batch's good rows in the book as imported entries, skipping those already there; refused
    while some rows have errors unless `only_good_rows`. Every row is checked again as the book checks a typed
    entry (a month may have been closed since): one refused saves nothing. Returns the batch, saved, with how
    many rows were added (`saved_count`) and how many were in the book already (`repeated_count`)."""
    book, current = _open_batch(batch, acting_user)
    if current.errors and not only_good_rows:
        raise Refused(HAS_ERRORS, code="has_errors")
    rows = [(_typed_row(stored), str(stored["key"])) for stored in current.rows]
    if not rows:
        raise Refused(NOTHING_GOOD, code="nothing_good")
    latest_closed = latest_closed_month(book)
    for row, _key in rows:
        refusals = _row_refusals(row, latest_closed)
        if refusals:
            raise Refused(REFUSED_ROW % {"row": row.number, "reason": refusals[0].message}, code="row_refused")
    in_book = _keys_in_book(book, [key for _row, key in rows])
    now = timezone.now()
    new = [
        Entry(
            participant=book,
            day=row.day,
            direction=row.direction,
            category=row.category,
            amount=row.amount,
            note=row.note,
            source=EntrySource.IMPORTED,
            entry_key=key,
            recorded_by=acting_user,
            recorded_at=now,
        )
        for row, key in rows
        if key not in in_book
    ]
    Entry.objects.bulk_create(new)
    current.status = ImportStatus.SAVED
    current.saved_count = len(new)
    current.repeated_count = len(rows) - len(new)
    current.decided_at = now
    current.save(update_fields=["status", "saved_count", "repeated_count", "decided_at"])
    if new:
        earliest = first_of_month(min(entry.day for entry in new))
        records.refresh_months(participant=book, from_month=earliest, acting_user=acting_user)
    return current


@transaction.atomic
@audit.audited
def import_discard(*, batch: ImportBatch, acting_user: User) -> ImportBatch:
    """Drop a checked file without writing anything in the book."""
    _book, current = _open_batch(batch, acting_user)
    current.status = ImportStatus.DISCARDED
    current.decided_at = timezone.now()
    current.save(update_fields=["status", "decided_at"])
    return current
