"""Streaming CSV and XLSX writers: a header and an iterator of rows in, text or a workbook out, one row at a time.

Why not django-import-export: its exports build a whole `tablib.Dataset` in memory before writing a byte, and a list
here may hold a million participants. These writers never hold more than one chunk of rows: CSV through the
standard `csv` module (UTF-8 with a byte-order mark so that spreadsheets read it as UTF-8, commas, CRLF), XLSX
through XlsxWriter's constant-memory mode (rows go to a temporary file as they come; a sheet that is full continues
on the next one).

Every text cell a spreadsheet would run as a formula (beginning with = + - @, a tab or a carriage return) is
neutralised with a leading apostrophe; numbers stay numbers, so a negative amount is still a number."""

import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import IO, Any, Final, TypeAlias

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

Cell: TypeAlias = str | int | float | Decimal | bool | datetime.date | datetime.datetime | Promise | None

FORMULA_TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")
CSV_BOM: Final = "\ufeff"
CSV_CHUNK_ROWS: Final = 500  # rows joined into one piece of a streamed response or one write to a file
XLSX_MAX_ROWS: Final = 1_048_576  # a worksheet's limit, its header row included
XLSX_CONTENT_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE: Final = "text/csv; charset=utf-8"
# Characters an XLSX file cannot hold (XML 1.0 forbids the C0 controls but tab, line feed and carriage return).
XLSX_ILLEGAL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
SHEET_TITLE_FORBIDDEN: Final = re.compile(r"[\[\]:*?/\\]")
SHEET_TITLE_MAX: Final = 31


def neutralise(text: str) -> str:
    """A text a spreadsheet would run as a formula, kept as text."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def plain(value: Cell) -> str | int | float | Decimal | datetime.date | datetime.datetime | None:
    """A cell as the writers store it: text neutralised, yes/no in the reader's language, a moment in Jakarta's
    time without its zone (a spreadsheet has none), numbers and days as they are."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return moment.replace(tzinfo=None, microsecond=0)
    if isinstance(value, datetime.date):
        return value
    return neutralise(str(value))


def _csv_text(value: Cell) -> str | int | float | Decimal:
    shown = plain(value)
    if shown is None:
        return ""
    if isinstance(shown, datetime.datetime):
        return shown.isoformat(sep=" ", timespec="minutes")
    if isinstance(shown, datetime.date):
        return shown.isoformat()
    return shown


def csv_chunks(header: Sequence[Cell], rows: Iterable[Sequence[Cell]]) -> Iterator[str]:
    """The CSV text in pieces of CSV_CHUNK_ROWS rows, the byte-order mark and the header first: for a streamed
    response, or for writing to a file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(CSV_BOM)
    writer.writerow([_csv_text(title) for title in header])
    for number, row in enumerate(rows, start=1):
        writer.writerow([_csv_text(value) for value in row])
        if number % CSV_CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _counted(rows: Iterable[Sequence[Cell]], counter: list[int]) -> Iterator[Sequence[Cell]]:
    for row in rows:
        counter[0] += 1
        yield row


def write_csv(out: IO[bytes], header: Sequence[Cell], rows: Iterable[Sequence[Cell]]) -> int:
    """Write the CSV to a binary file; returns the number of rows written (the header not counted)."""
    counter = [0]
    for chunk in csv_chunks(header, _counted(rows, counter)):
        out.write(chunk.encode("utf-8"))
    return counter[0]


def xlsx_value(value: Cell) -> str | int | float | Decimal | datetime.date | datetime.datetime | None:
    """A cell as the workbook stores it: `plain`, a text without the characters XML cannot hold (taken out before
    it is neutralised, so that none hides a formula behind it), and every text a spreadsheet would run as a
    formula neutralised, so each text stays a text."""
    if isinstance(value, str | Promise):
        text = str(value)
        # a printable text holds none of them (the test is a tenth of the substitution's cost)
        return neutralise(text if text.isprintable() else XLSX_ILLEGAL.sub("", text))
    return plain(value)


def sheet_title(title: str, number: int = 1) -> str:
    """A worksheet's name from a list's title: without the characters Excel refuses, at most 31 characters,
    numbered from the second sheet on."""
    suffix = f" ({number})" if number > 1 else ""
    base = SHEET_TITLE_FORBIDDEN.sub(" ", title).strip() or "Data"
    return base[: SHEET_TITLE_MAX - len(suffix)].rstrip() + suffix


def write_xlsx(
    out: IO[bytes],
    header: Sequence[Cell],
    rows: Iterable[Sequence[Cell]],
    *,
    title: str,
    max_rows: int = XLSX_MAX_ROWS,
) -> int:
    """Write the workbook to a binary file (XlsxWriter in constant-memory mode: each row goes to the sheet's
    temporary file as it comes, its texts inline; nearly twice as fast as openpyxl's write-only mode, which made
    a million participants miss the two minutes); returns the number of rows written. Text is always stored as
    text, never as a formula, a link or a number; a full sheet continues on the next, with the header again."""
    import xlsxwriter  # imported here: only an XLSX export needs it

    workbook = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": "yyyy-mm-dd",
        },
    )
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})

    def new_sheet(number: int) -> Any:
        sheet = workbook.add_worksheet(sheet_title(title, number))
        sheet.write_row(0, 0, [xlsx_value(value) for value in header])
        return sheet

    def write(sheet: Any, index: int, row: Sequence[Cell]) -> None:
        # each type by its own method: `write` asks every cell's type again (a sixth of a million rows' writing)
        for column, value in enumerate(row):
            stored = xlsx_value(value)
            if isinstance(stored, str):
                if stored:  # an empty text is no cell, as `write` makes it
                    sheet.write_string(index, column, stored)
            elif isinstance(stored, datetime.datetime):
                sheet.write_datetime(index, column, stored, moment)
            elif stored is not None:
                sheet.write(index, column, stored)

    sheets, count = 1, 0
    sheet = new_sheet(sheets)
    in_sheet = 1
    for row in rows:
        if in_sheet >= max_rows:
            sheets += 1
            sheet, in_sheet = new_sheet(sheets), 1
        write(sheet, in_sheet, row)
        in_sheet += 1
        count += 1
    workbook.close()
    return count
