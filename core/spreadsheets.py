"""Reading a spreadsheet a person sends: a CSV file (UTF-8, with or without the BOM Excel writes; comma or
semicolon, as Indonesian Excel writes) or an XLSX workbook (its first sheet), into rows of cells, and the cell
readers and the row loop every import shares (headers compared without case, spaces or punctuation; dates; whole
rupiah). Each import (`finance.importing`, `registration.importing`, `targets.importing`) names its own columns and
limits and types its own rows.

The type of a file is read from its content, never from its name. Row numbers are those the person sees in the
spreadsheet (the header is row 1 when it is the first row). Every refusal is a ValidationError with a code and a
sentence in the active language."""

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from .money import INVALID, SEN, parse_rupiah

# an XLSX is a zip: what it may unpack to, so that a small file cannot fill the memory once opened
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
# this many empty rows in a row end the data (Excel may keep a million formatted, empty rows after it)
BLANK_RUN_ENDS = 1_000

TOO_BIG = _("The file is %(size)s; the most we take is %(limit)s.")
NOT_A_SPREADSHEET = _(
    "This file is not a spreadsheet we can read, whatever its name: send a CSV file (UTF-8) or an Excel .xlsx file."
)
OLD_EXCEL = _(
    "This is an old Excel file (.xls): in Excel, choose Save As and then Excel Workbook (.xlsx) or CSV UTF-8."
)
NOT_UTF8 = _("This CSV file is not in UTF-8: in Excel, choose Save As and then CSV UTF-8 (comma delimited).")
BROKEN = _("This Excel file is damaged or cannot be opened. Save it again and send it once more.")
EMPTY = _("The file has no rows.")
TOO_MANY_ROWS = _("The file has more than %(limit)s rows. Split it into smaller files.")

REQUIRED_VALUE = _("This is empty.")
BAD_DATE = _("Write the date as DD/MM/YYYY, for example 25/03/2025.")
NO_SUCH_DATE = _("There is no such date.")

_DATE_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TIME_SUFFIX = re.compile(r"\s+0{1,2}:00(?::00)?$")  # "25/03/2025 00:00", as a date cell is sometimes exported
_SPACES = re.compile(r"\s+")


def refuse(message: Any, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def message_of(exc: ValidationError) -> str:
    """A refusal's sentences as one text, in the active language."""
    return " ".join(str(message) for message in exc.messages)


# --- the file: its type from its content, its size, its rows of cells -------------------------------------------


def check_size(size: int, *, limit: int) -> None:
    """Refuse an empty file or one above `limit` bytes (before reading it whole)."""
    if size == 0:
        raise refuse(EMPTY, "empty")
    if size > limit:
        raise refuse(TOO_BIG % {"size": filesizeformat(size), "limit": filesizeformat(limit)}, "too_large")


def _xlsx_cells(content: bytes, bounded: Any) -> Iterator[Sequence[Any]]:
    # Imported here: openpyxl is heavy to load, and only an import of an .xlsx needs it.
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise refuse(NOT_A_SPREADSHEET, "file_type") from exc
    if "xl/workbook.xml" not in names:
        raise refuse(NOT_A_SPREADSHEET, "file_type")  # a zip, a .docx, an .ods: not a workbook
    if unpacked > MAX_UNPACKED_BYTES:
        message = TOO_BIG % {"size": filesizeformat(unpacked), "limit": filesizeformat(MAX_UNPACKED_BYTES)}
        raise refuse(message, "too_large")
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet: Any = workbook.worksheets[0]
        sheet.reset_dimensions()  # some programs write a wrong size: read every row there is
        rows = list(bounded(sheet.iter_rows(values_only=True)))
        workbook.close()
    except ValidationError:
        raise
    except Exception as exc:  # openpyxl raises many kinds (KeyError, ValueError, TypeError...) on a bad file
        raise refuse(BROKEN, "broken") from exc
    yield from rows


def _bounder(max_rows: int, too_many_rows: StrOrPromise) -> Any:
    def bounded(rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
        """The rows up to BLANK_RUN_ENDS empty ones in a row, refusing a file with more than `max_rows` filled
        rows under its header."""
        filled_rows = blank_run = 0
        for row in rows:
            if any(filled(value) for value in row):
                filled_rows += 1
                blank_run = 0
                if filled_rows > max_rows + 1:  # the header is one of them
                    limit = number_format(max_rows, force_grouping=True)
                    raise refuse(too_many_rows % {"limit": limit}, "too_many_rows")
            else:
                blank_run += 1
                if blank_run >= BLANK_RUN_ENDS:
                    return
            yield row

    return bounded


def _delimiter(text: str) -> str:
    """The separator of a CSV file, read from its first filled line: Indonesian Excel writes semicolons."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    outside_quotes = re.sub(r'"[^"]*"', "", first)
    counts = {sep: outside_quotes.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _csv_cells(content: bytes, bounded: Any) -> Iterator[Sequence[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise refuse(NOT_UTF8, "not_utf8") from exc
    if "\x00" in text:
        raise refuse(NOT_A_SPREADSHEET, "file_type")
    try:
        yield from bounded(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    except csv.Error as exc:
        raise refuse(NOT_A_SPREADSHEET, "file_type") from exc


def spreadsheet_rows(
    content: bytes, *, max_bytes: int, max_rows: int, too_many_rows: StrOrPromise = TOO_MANY_ROWS
) -> Iterator[Sequence[Any]]:
    """The rows of cells of a CSV or XLSX file, told apart by their content; other files are refused, and so is a
    file above `max_bytes` or with more than `max_rows` filled rows under its header (`too_many_rows` says so,
    with %(limit)s)."""
    check_size(len(content), limit=max_bytes)
    bounded = _bounder(max_rows, too_many_rows)
    if content.startswith(b"PK\x03\x04"):
        return _xlsx_cells(content, bounded)
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise refuse(OLD_EXCEL, "old_excel")
    if filetype.guess(content[:8192]) is not None:
        raise refuse(NOT_A_SPREADSHEET, "file_type")  # a PDF, a photo, an archive...
    return _csv_cells(content, bounded)


@dataclass(frozen=True)
class RowError:
    """Why one cell of a row is refused: the row's number as the person sees it, the field (or a word for the row
    as a whole), the sentence in the checker's language, and its code when the check gave one."""

    number: int
    field: str
    message: str
    code: str = ""


Good = TypeVar("Good")
Error = TypeVar("Error")


@dataclass(frozen=True)
class ReadRows(Generic[Good, Error]):
    """What the rows under a header gave: the good rows, every row's errors, and how many rows held anything."""

    good: list[Good]
    errors: list[Error]
    data_rows: int


def read_rows(
    rows: Iterable[Sequence[Any]],
    *,
    header: Callable[[Sequence[Any]], Callable[[int, Sequence[Any]], Good | list[Error]]],
    no_rows: StrOrPromise,
) -> ReadRows[Good, Error]:
    """The one loop of every import: blank rows skipped; the first filled row is the header, which `header`
    reads into the reader of the rows under it (refusing a missing column itself); each row after it is read
    into a good row or its list of errors, with its number as the person sees it. A file with no filled row, or
    nothing under its header (`no_rows` says so), is refused."""
    reader: Callable[[int, Sequence[Any]], Good | list[Error]] | None = None
    good: list[Good] = []
    errors: list[Error] = []
    data_rows = 0
    for number, cells in enumerate(rows, start=1):
        if not any(filled(value) for value in cells):
            continue
        if reader is None:
            reader = header(cells)
            continue
        data_rows += 1
        parsed = reader(number, cells)
        if isinstance(parsed, list):
            errors.extend(parsed)
        else:
            good.append(parsed)
    if reader is None:
        raise refuse(EMPTY, "empty")
    if not data_rows:
        raise refuse(no_rows, "no_rows")
    return ReadRows(good, errors, data_rows)


# --- cells ------------------------------------------------------------------------------------------------------


def filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def words(value: Any) -> str:
    """A cell compared without case, accents' forms or repeated spaces."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", str(value)).casefold()).strip()


def header_key(value: Any) -> str:
    """A column name compared without case, spaces, punctuation or what stands in brackets ("Tanggal lahir
    (DD/MM/YYYY)" is "tanggallahir")."""
    return re.sub(r"[^0-9a-z]", "", re.sub(r"\(.*?\)", "", words(value)))


def find_columns(header: Sequence[Any], names: dict[str, set[str]]) -> dict[str, int]:
    """Which column holds each field (the first one named by one of the field's `names`, as `header_key` writes
    them); fields not named are left out (whether they are needed is the caller's rule)."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = header_key(name) if filled(name) else ""
        for field, accepted in names.items():
            if key in accepted and field not in found:
                found[field] = index
    return found


def cell(row: Sequence[Any], index: int | None) -> Any:
    """The value of a column of a row (None when the row is shorter or the column absent), text stripped."""
    if index is None or index >= len(row):
        return None
    value = row[index]
    return value.strip() if isinstance(value, str) else value


def parse_date(value: Any) -> datetime.date:
    """A date cell, or a date written DD/MM/YYYY (also with dots or dashes) or YYYY-MM-DD."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        raise refuse(BAD_DATE, "bad_date")  # a number, a time: not a date cell
    text = _TIME_SUFFIX.sub("", value.strip())
    if match := _DATE_DAY_FIRST.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _DATE_ISO.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise refuse(BAD_DATE, "bad_date")
    try:
        return datetime.date(year, month, day)
    except ValueError as exc:
        raise refuse(NO_SUCH_DATE, "no_such_date") from exc


def parse_whole_rupiah(value: Any) -> int:
    """Whole rupiah from a number cell or as typed (`core.money.parse_rupiah`); whether the amount may be
    written is the caller's rule."""
    if isinstance(value, bool):
        raise refuse(INVALID, "invalid")
    if isinstance(value, float):
        if not value.is_integer():
            raise refuse(SEN, "sen")
        return int(value)
    if isinstance(value, int):
        return value
    return parse_rupiah(str(value))
