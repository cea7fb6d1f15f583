"""A month's transactions from a spreadsheet: a CSV file (UTF-8, with or without the BOM Excel writes; comma or
semicolon, as Indonesian Excel writes) or an XLSX workbook (its first sheet), one transaction a row, turned into
typed values or errors by field. Reads only: `services.imports` keeps the result and saves it.

Columns, named in the first filled row in either language (any order; others are ignored):
- date / tanggal: DD/MM/YYYY, YYYY-MM-DD or an Excel date cell;
- in-out / jenis: masuk or keluar, in or out;
- amount / jumlah: rupiah typed any way `core.money.parse_rupiah` reads, or a number cell;
- category / kategori: the code of a category a person may type, or its Indonesian or English label;
- note / catatan (optional).

The type of a file is read from its content, never from its name. Row numbers are those the person sees in the
spreadsheet (the header is row 1 when it is the first row). Each good row gets an `entry_key`: the same file
imported twice adds nothing, while two identical sales of one day in a file are both kept.

Here a cell's form is read (a date, masuk or keluar, rupiah, a category's name); the book's rules on the values (a
day that has come, a category that goes the way the money went, an amount above zero, a short note, a month not
closed) are the book's own (`services.books.check_entry`), run on every row by `services.imports`."""

import csv
import datetime
import hashlib
import io
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core import spreadsheets
from core.languages import active_language
from core.spreadsheets import REQUIRED_VALUE, RowError, filled, refuse
from core.text import strip_bidi

from .choices import Category, Direction, categories_of

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2_000

# the fields of a row, named as `services.books.check_entry` names them (its errors land on the same cells)
FIELDS = ("day", "direction", "amount", "category", "note")
REQUIRED = ("day", "direction", "amount", "category")
FIELD_LABELS = {
    "day": _("Date"),
    "direction": _("In or out"),
    "amount": _("Amount"),
    "category": _("Category"),
    "note": _("Note"),
}
# the header names accepted, compared without case, spaces or punctuation ("in-out", "In/Out", "masuk/keluar")
HEADER_NAMES = {
    "day": {"date", "tanggal", "tgl"},
    "direction": {"inout", "direction", "jenis", "masukkeluar"},
    "amount": {"amount", "jumlah", "nominal"},
    "category": {"category", "kategori"},
    "note": {"note", "notes", "catatan", "keterangan"},
}
# the headers of the template file, in its language
TEMPLATE_HEADERS = {
    "id": ["tanggal", "jenis", "jumlah", "kategori", "catatan"],
    "en": ["date", "in-out", "amount", "category", "note"],
}
DIRECTION_WORDS = {
    Direction.IN: {"in", "masuk", "uang masuk", "pemasukan", "cash in", "money in"},
    Direction.OUT: {"out", "keluar", "uang keluar", "pengeluaran", "cash out", "money out"},
}
DIRECTION_TEMPLATE_WORDS = {
    "id": {Direction.IN: "masuk", Direction.OUT: "keluar"},
    "en": {Direction.IN: "in", Direction.OUT: "out"},
}

TOO_MANY_ROWS = _("The file has more than %(limit)s rows. Split it into smaller files, a month each.")
NO_ROWS = _("The file has column names but no transactions under them.")
MISSING_COLUMNS = _(
    "The first row must name the columns: %(columns)s (and catatan for a note, if you like). Missing: %(missing)s."
)

BAD_DIRECTION = _("Write masuk (money in) or keluar (money out).")
UNKNOWN_CATEGORY = _("Unknown category. Use one of: %(choices)s.")


@dataclass(frozen=True)
class ImportedRow:
    """A good row, typed: what an entry of the cash book takes."""

    number: int
    day: datetime.date
    direction: str
    amount: int
    category: str
    note: str


@dataclass(frozen=True)
class ParsedFile:
    rows: list[ImportedRow]
    errors: list[RowError]
    file_hash: str


# --- the file and its cells ----------------------------------------------------------------------------------------


def check_size(size: int) -> None:
    """Refuse an empty file or one above MAX_FILE_BYTES (before reading it whole)."""
    spreadsheets.check_size(size, limit=MAX_FILE_BYTES)


def spreadsheet_rows(content: bytes) -> Iterator[Sequence[Any]]:
    """The rows of cells of a CSV or XLSX file (`core.spreadsheets`), within this import's limits."""
    return spreadsheets.spreadsheet_rows(
        content, max_bytes=MAX_FILE_BYTES, max_rows=MAX_ROWS, too_many_rows=TOO_MANY_ROWS
    )


def _columns(header: Sequence[Any]) -> dict[str, int]:
    """Which column holds each field (the first one named so)."""
    found = spreadsheets.find_columns(header, HEADER_NAMES)
    missing = [field for field in REQUIRED if field not in found]
    if missing:
        headers = dict(zip(FIELDS, TEMPLATE_HEADERS["id"], strict=True))
        raise refuse(
            MISSING_COLUMNS
            % {
                "columns": ", ".join(headers[field] for field in REQUIRED),
                "missing": ", ".join(headers[field] for field in missing),
            },
            "missing_columns",
        )
    return found


def direction_names() -> dict[str, str]:
    """Every way a direction may be written (masuk, keluar, in, out, its labels) to the direction."""
    names: dict[str, str] = {}
    for direction, words in DIRECTION_WORDS.items():
        names.update(dict.fromkeys(words, str(direction)))
        for language in TEMPLATE_HEADERS:
            with translation.override(language):
                names[spreadsheets.words(Direction(direction).label)] = str(direction)
    return names


def parse_direction(value: Any, names: dict[str, str]) -> str:
    direction = names.get(spreadsheets.words(value))
    if direction is None:
        raise refuse(BAD_DIRECTION, "bad_direction")
    return direction


def category_names() -> dict[str, str]:
    """Every way a category a person may type is written (its code, its Indonesian and English labels, compared
    without case) to the category."""
    names: dict[str, str] = {}
    for direction in Direction.values:
        for category in categories_of(direction):
            names[spreadsheets.words(category)] = category
            for language in TEMPLATE_HEADERS:
                with translation.override(language):
                    names[spreadsheets.words(Category(category).label)] = category
    return names


def parse_category(value: Any, direction: str | None, names: dict[str, str]) -> str:
    """The category a cell names (whether it goes with the row's direction is the book's rule); an unknown one
    is refused with the list of those of `direction` (None: unreadable, so all of them)."""
    category = names.get(spreadsheets.words(value))
    if category is None:
        choices = [c for d in ([direction] if direction else Direction.values) for c in categories_of(d)]
        raise refuse(
            UNKNOWN_CATEGORY % {"choices": ", ".join(str(Category(c).label) for c in choices)}, "unknown_category"
        )
    return category


def parse_note(value: Any) -> str:
    return strip_bidi(str(value)).strip() if filled(value) else ""


@dataclass(frozen=True)
class _Words:
    """The ways directions and categories may be written, read once a file."""

    directions: dict[str, str]
    categories: dict[str, str]


def _parse_row(
    number: int, row: Sequence[Any], columns: dict[str, int], words: _Words
) -> ImportedRow | list[RowError]:
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    parsers: dict[str, Callable[[Any], Any]] = {
        "day": spreadsheets.parse_date,
        "direction": lambda cell: parse_direction(cell, words.directions),
        "amount": spreadsheets.parse_whole_rupiah,
        "category": lambda cell: parse_category(cell, values.get("direction"), words.categories),
    }
    for field, parser in parsers.items():
        cell = spreadsheets.cell(row, columns[field])
        try:
            if not filled(cell):
                raise refuse(REQUIRED_VALUE, "required")
            values[field] = parser(cell)
        except ValidationError as exc:
            errors.append(RowError(number, field, spreadsheets.message_of(exc)))
    values["note"] = parse_note(spreadsheets.cell(row, columns.get("note")))
    if errors:
        return errors
    return ImportedRow(
        number=number,
        day=values["day"],
        direction=values["direction"],
        amount=values["amount"],
        category=values["category"],
        note=values["note"],
    )


def parse(content: bytes) -> ParsedFile:
    """The good rows and the errors of a file, in the active language; a file that cannot be read as a whole
    (too big, not a spreadsheet, no header, too many rows) raises ValidationError with a code."""
    rows = spreadsheet_rows(content)
    file_hash = hashlib.sha256(content).hexdigest()
    words = _Words(directions=direction_names(), categories=category_names())

    def header(cells: Sequence[Any]) -> Callable[[int, Sequence[Any]], ImportedRow | list[RowError]]:
        columns = _columns(cells)
        return lambda number, row: _parse_row(number, row, columns, words)

    read: spreadsheets.ReadRows[ImportedRow, RowError] = spreadsheets.read_rows(rows, header=header, no_rows=NO_ROWS)
    return ParsedFile(rows=read.good, errors=read.errors, file_hash=file_hash)


# --- the import key: the same row of the same file is imported once ---------------------------------------------


def _row_identity(participant_id: int, row: ImportedRow) -> tuple[str, ...]:
    note = spreadsheets.words(row.note)
    return (str(participant_id), row.day.isoformat(), row.direction, str(row.amount), row.category, note)


def entry_keys(participant_id: int, rows: Sequence[ImportedRow]) -> list[str]:
    """Each row's key: a sha256 of the participant, the row's values (the note compared without case or
    repeated spaces) and its occurrence among identical rows of the file (the second identical sale of a day
    is another sale, kept; the same file again gives the same keys, so adds nothing)."""
    seen: Counter[tuple[str, ...]] = Counter()
    keys = []
    for row in rows:
        identity = _row_identity(participant_id, row)
        seen[identity] += 1
        text = "\x1f".join((*identity, str(seen[identity])))
        keys.append(hashlib.sha256(text.encode()).hexdigest())
    return keys


# --- the template file, in the person's language ----------------------------------------------------------------


def _template_rows(language: str, *, today: datetime.date) -> list[tuple[datetime.date, str, int, str, str]]:
    words = DIRECTION_TEMPLATE_WORDS[language]
    first = today.replace(day=1)
    return [
        (first, words[Direction.IN], 150_000, str(Category.SALES.label), str(_("Sold 10 portions"))),
        (first, words[Direction.OUT], 60_000, str(Category.RAW_MATERIALS.label), str(_("Rice and eggs"))),
    ]


def _template_date(day: datetime.date, language: str) -> str:
    return f"{day:%d/%m/%Y}" if language == "id" else day.isoformat()


def template_csv(*, today: datetime.date) -> bytes:
    """A CSV template with the headers and two example rows in the active language: semicolons in Indonesian
    (as Indonesian Excel opens it), commas in English; with a BOM, so Excel reads it as UTF-8."""
    language = active_language()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if language == "id" else ",", lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADERS[language])
    for day, direction, amount, category, note in _template_rows(language, today=today):
        writer.writerow([_template_date(day, language), direction, amount, category, note])
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx(*, today: datetime.date) -> bytes:
    """An XLSX template: the first sheet to fill in (date and number cells), a second one listing the
    categories and their direction."""
    from openpyxl import Workbook

    language = active_language()
    workbook = Workbook()
    sheet: Any = workbook.active
    sheet.title = str(_("Transactions"))[:31]
    sheet.append(TEMPLATE_HEADERS[language])
    for row in _template_rows(language, today=today):
        sheet.append(list(row))
    for number in range(2, sheet.max_row + 1):
        sheet.cell(row=number, column=1).number_format = "DD/MM/YYYY" if language == "id" else "YYYY-MM-DD"
        sheet.cell(row=number, column=3).number_format = "#,##0"
    for letter, width in zip("ABCDE", (14, 10, 14, 36, 36), strict=True):
        sheet.column_dimensions[letter].width = width
    categories: Any = workbook.create_sheet(str(_("Categories"))[:31])
    categories.append([TEMPLATE_HEADERS[language][3], TEMPLATE_HEADERS[language][1]])
    for direction, word in DIRECTION_TEMPLATE_WORDS[language].items():
        for category in categories_of(direction):
            categories.append([str(Category(category).label), word])
    categories.column_dimensions["A"].width = 36
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
