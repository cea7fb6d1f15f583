"""Yearly targets from a spreadsheet: a CSV file or an XLSX workbook (read by `core.spreadsheets`), one target a
row, turned into typed values or errors by row and field. Reads only: `services` checks each row with the rules of
a target typed in the admin (`services.check_target`), keeps the result and saves it.

Columns, named in the first filled row in either language (any order; others are ignored):
- year / tahun: the target's year;
- measure / ukuran: a measure's code (trained), its name in either language (Trained (P2), Terlatih (P2)), or
  its step (P2);
- level / tingkat: program, wilayah, kecamatan or mentor (pendamping), or its name in either language;
- wilayah: its name or code (Jakarta Selatan, 31.74), for a wilayah target;
- kecamatan: its name, another spelling or its code (Tebet, 31.74.01), for a kecamatan target; its wilayah may
  be given too, and must then be the kecamatan's;
- mentor email / email pendamping: the mentor's login email, for a mentor target;
- target: a whole number above zero.

The area columns are needed only by the rows of their level. Row numbers are those the person sees in the
spreadsheet."""

import csv
import hashlib
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.logins import normalize_email
from core import spreadsheets
from core.languages import active_language
from core.spreadsheets import REQUIRED_VALUE, RowError, filled, refuse
from geography.models import Kecamatan, Wilayah
from registration.measures import Measure

from .choices import Level

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000  # ten measures for the program, 6 wilayah, 44 kecamatan and several hundred mentors

# the fields of a row, named as `services.check_target` names them (its errors land on the same cells); "key" is
# the row as a whole (the same target twice in a file)
FIELDS = ("year", "measure", "level", "wilayah", "kecamatan", "mentor", "value", "key")
REQUIRED = ("year", "measure", "level", "value")
FIELD_LABELS = {
    "year": _("Year"),
    "measure": _("Measure"),
    "level": _("Level"),
    "wilayah": _("Wilayah"),
    "kecamatan": _("Kecamatan"),
    "mentor": _("Mentor email"),
    "value": _("Target"),
    "key": _("Year, measure and area"),
}
# the header names accepted, compared without case, spaces or punctuation (`core.spreadsheets.header_key`)
HEADER_NAMES = {
    "year": {"year", "tahun"},
    "measure": {"measure", "ukuran", "indikator"},
    "level": {"level", "tingkat"},
    "wilayah": {"wilayah", "kota", "kotaadministrasi"},
    "kecamatan": {"kecamatan"},
    "mentor": {"mentor", "mentoremail", "emailmentor", "pendamping", "emailpendamping", "email"},
    "value": {"target", "value", "nilai", "jumlah"},
}
# the headers of the template file, in its language
TEMPLATE_HEADERS = {
    "id": ["tahun", "ukuran", "tingkat", "wilayah", "kecamatan", "email pendamping", "target"],
    "en": ["year", "measure", "level", "wilayah", "kecamatan", "mentor email", "target"],
}
# other words for a level, beside its code and its names
LEVEL_WORDS = {Level.MENTOR: {"pendamping"}, Level.PROGRAM: {"program"}}

NO_ROWS = _("The file has column names but no targets under them.")
MISSING_COLUMNS = _(
    "The first row must name the columns: %(columns)s (and wilayah, kecamatan or email pendamping for the "
    "targets of those levels). Missing: %(missing)s."
)
BAD_YEAR = _("Write the year in four digits, for example 2026.")
BAD_VALUE = _("Write the target as a whole number, for example 1500.")
UNKNOWN_MEASURE = _("Unknown measure. Use one of: %(choices)s.")
UNKNOWN_LEVEL = _("Unknown level. Use one of: %(choices)s.")
UNKNOWN_WILAYAH = _("Unknown wilayah. Write its name, for example Jakarta Selatan, or its code, for example 31.74.")
UNKNOWN_KECAMATAN = _("Unknown kecamatan. Write its name, for example Tebet, or its code, for example 31.74.01.")
BAD_EMAIL = _("Write the mentor's login email address.")
OTHER_WILAYAH = _("Kecamatan %(kecamatan)s is in %(wilayah)s.")

_THOUSANDS = re.compile(r"\d{1,3}(?:[.,\s]\d{3})+")
_STEP = re.compile(r"\((p\d)\)")


@dataclass(frozen=True)
class ParsedRow:
    """A row whose cells are readable: the values a target takes, the mentor still as an email address."""

    number: int
    year: int
    measure: str
    level: str
    wilayah_id: int | None
    kecamatan_id: int | None
    mentor_email: str | None
    value: int


@dataclass(frozen=True)
class ParsedFile:
    rows: list[ParsedRow]
    errors: list[RowError]
    file_hash: str


def _code_key(value: Any) -> str:
    """An area's code compared without its dots or spaces (31.74.01 is 317401)."""
    return re.sub(r"[\s.]", "", str(value))


@dataclass(frozen=True)
class Places:
    """Every way a wilayah or a kecamatan may be written, to its id (read once a file)."""

    wilayah: dict[str, int]
    kecamatan: dict[str, int]
    wilayah_of: dict[int, int]  # kecamatan id -> its wilayah's
    names: dict[int, str]  # kecamatan id -> its name, for the messages
    wilayah_names: dict[int, str]

    @classmethod
    def load(cls) -> "Places":
        """Jakarta's wilayah and kecamatan (two queries)."""
        wilayah: dict[str, int] = {}
        wilayah_names: dict[int, str] = {}
        for pk, code, name in Wilayah.objects.values_list("pk", "code", "name"):
            wilayah[spreadsheets.words(name)] = wilayah[_code_key(code)] = pk
            wilayah_names[pk] = name
        kecamatan: dict[str, int] = {}
        wilayah_of: dict[int, int] = {}
        names: dict[int, str] = {}
        for pk, code, name, aliases, wilayah_id in Kecamatan.objects.values_list(
            "pk", "code", "name", "aliases", "wilayah_id"
        ):
            kecamatan[spreadsheets.words(name)] = kecamatan[_code_key(code)] = pk
            for alias in filter(None, (part.strip() for part in aliases.split(","))):
                kecamatan.setdefault(spreadsheets.words(alias), pk)
            wilayah_of[pk], names[pk] = wilayah_id, name
        return cls(wilayah, kecamatan, wilayah_of, names, wilayah_names)


def _labels(choice: Any) -> set[str]:
    """A choice's label in every language the templates use, compared as `core.spreadsheets.words` writes it."""
    labels: set[str] = set()
    for language in TEMPLATE_HEADERS:
        with translation.override(language):
            labels.add(spreadsheets.words(choice.label))
    return labels


def measure_names() -> dict[str, str]:
    """Every way a measure may be written (its code, its names, its name without the bracket, its step) to it."""
    names: dict[str, str] = {}
    for measure in Measure:
        names[spreadsheets.words(measure.value)] = measure.value
        names[spreadsheets.words(measure.value.replace("_", " "))] = measure.value
        for label in _labels(measure):
            names[label] = measure.value
            names[spreadsheets.words(re.sub(r"\(.*?\)", "", label))] = measure.value
            if step := _STEP.search(label):
                names[step.group(1)] = measure.value
    return names


def level_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for level in Level:
        names[level.value] = level.value
        names.update(dict.fromkeys(_labels(level), level.value))
        names.update(dict.fromkeys(LEVEL_WORDS.get(level, set()), level.value))
    return names


def parse_year(value: Any) -> int:
    """A year cell (a number) or four digits typed (whether the year may take targets is the service's rule)."""
    if isinstance(value, bool):
        raise refuse(BAD_YEAR, "bad_year")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}", text):
        raise refuse(BAD_YEAR, "bad_year")
    return int(text)


def parse_value(value: Any) -> int:
    """A whole number from a number cell or as typed, with or without thousands separators (1.500, 1,500)."""
    if isinstance(value, bool):
        raise refuse(BAD_VALUE, "bad_value")
    if isinstance(value, float):
        if not value.is_integer():
            raise refuse(BAD_VALUE, "bad_value")
        return int(value)
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if _THOUSANDS.fullmatch(text):
        return int(re.sub(r"[.,\s]", "", text))
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    raise refuse(BAD_VALUE, "bad_value")


def _choice(value: Any, names: dict[str, str], unknown: Any, choices: Sequence[Any], code: str) -> str:
    found = names.get(spreadsheets.words(value))
    if found is None:
        raise refuse(unknown % {"choices": ", ".join(str(choice.label) for choice in choices)}, code)
    return found


def parse_email(value: Any) -> str:
    email = normalize_email(str(value))
    local, at, domain = email.rpartition("@")
    if not (local and at and "." in domain) or " " in email:
        raise refuse(BAD_EMAIL, "bad_email")
    return email


def _columns(header: Sequence[Any]) -> dict[str, int]:
    found = spreadsheets.find_columns(header, HEADER_NAMES)
    missing = [field for field in REQUIRED if field not in found]
    if missing:
        headers = dict(zip(FIELDS, TEMPLATE_HEADERS["id"], strict=False))
        raise refuse(
            MISSING_COLUMNS
            % {
                "columns": ", ".join(headers[field] for field in REQUIRED),
                "missing": ", ".join(headers[field] for field in missing),
            },
            "missing_columns",
        )
    return found


@dataclass(frozen=True)
class _Words:
    measures: dict[str, str]
    levels: dict[str, str]
    places: Places


def _areas(
    number: int, row: Sequence[Any], columns: dict[str, int], level: str | None, places: Places
) -> tuple[dict[str, Any], list[RowError]]:
    """The wilayah, kecamatan and mentor cells: looked up when filled (whether the level wants them is the
    service's rule); a kecamatan row's wilayah, when given, must be the kecamatan's, and is then dropped."""
    values: dict[str, Any] = {"wilayah_id": None, "kecamatan_id": None, "mentor_email": None}
    errors: list[RowError] = []
    cells = {field: spreadsheets.cell(row, columns.get(field)) for field in ("wilayah", "kecamatan", "mentor")}
    if filled(cells["wilayah"]):
        key = spreadsheets.words(cells["wilayah"])
        wilayah_id = places.wilayah.get(key, places.wilayah.get(_code_key(key)))
        if wilayah_id is None:
            errors.append(RowError(number, "wilayah", str(UNKNOWN_WILAYAH)))
        values["wilayah_id"] = wilayah_id
    if filled(cells["kecamatan"]):
        key = spreadsheets.words(cells["kecamatan"])
        kecamatan_id = places.kecamatan.get(key, places.kecamatan.get(_code_key(key)))
        if kecamatan_id is None:
            errors.append(RowError(number, "kecamatan", str(UNKNOWN_KECAMATAN)))
        values["kecamatan_id"] = kecamatan_id
    if level == Level.KECAMATAN and values["kecamatan_id"] is not None and values["wilayah_id"] is not None:
        wilayah_id = places.wilayah_of[values["kecamatan_id"]]
        if values["wilayah_id"] != wilayah_id:
            names = {"kecamatan": places.names[values["kecamatan_id"]], "wilayah": places.wilayah_names[wilayah_id]}
            errors.append(RowError(number, "wilayah", str(OTHER_WILAYAH % names)))
        values["wilayah_id"] = None
    if filled(cells["mentor"]):
        try:
            values["mentor_email"] = parse_email(cells["mentor"])
        except ValidationError as exc:
            errors.append(RowError(number, "mentor", spreadsheets.message_of(exc)))
    return values, errors


def _parse_row(number: int, row: Sequence[Any], columns: dict[str, int], words: _Words) -> ParsedRow | list[RowError]:
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    parsers = {
        "year": parse_year,
        "measure": lambda cell: _choice(cell, words.measures, UNKNOWN_MEASURE, list(Measure), "unknown_measure"),
        "level": lambda cell: _choice(cell, words.levels, UNKNOWN_LEVEL, list(Level), "unknown_level"),
        "value": parse_value,
    }
    for field, parser in parsers.items():
        cell = spreadsheets.cell(row, columns[field])
        try:
            if not filled(cell):
                raise refuse(REQUIRED_VALUE, "required")
            values[field] = parser(cell)
        except ValidationError as exc:
            errors.append(RowError(number, field, spreadsheets.message_of(exc)))
    areas, area_errors = _areas(number, row, columns, values.get("level"), words.places)
    errors.extend(area_errors)
    if errors:
        return sorted(errors, key=lambda error: FIELDS.index(error.field))
    return ParsedRow(number=number, **values, **areas)


def parse(content: bytes, *, places: Places) -> ParsedFile:
    """The readable rows and the errors of a file, in the active language; a file that cannot be read as a whole
    (too big, not a spreadsheet, no header, too many rows) raises ValidationError with a code."""
    rows = spreadsheets.spreadsheet_rows(content, max_bytes=MAX_FILE_BYTES, max_rows=MAX_ROWS)
    file_hash = hashlib.sha256(content).hexdigest()
    words = _Words(measures=measure_names(), levels=level_names(), places=places)

    def header(cells: Sequence[Any]) -> Callable[[int, Sequence[Any]], ParsedRow | list[RowError]]:
        columns = _columns(cells)
        return lambda number, row: _parse_row(number, row, columns, words)

    read: spreadsheets.ReadRows[ParsedRow, RowError] = spreadsheets.read_rows(rows, header=header, no_rows=NO_ROWS)
    return ParsedFile(rows=read.good, errors=read.errors, file_hash=file_hash)


# --- the template file, in the person's language ----------------------------------------------------------------


def _template_rows(language: str, *, year: int) -> list[list[Any]]:
    with translation.override(language):
        trained, verified = str(Measure.TRAINED.label), str(Measure.VERIFIED.label)
        program, wilayah, kecamatan, mentor = (str(level.label) for level in Level)
    return [
        [year, verified, program, "", "", "", 20000],
        [year, trained, wilayah, "Jakarta Selatan", "", "", 3000],
        [year, trained, kecamatan, "Jakarta Selatan", "Tebet", "", 400],
        [year, trained, mentor, "", "", "mentor.tebet@example.id", 60],
    ]


def template_csv(*, year: int) -> bytes:
    """A CSV template with the headers and four example rows (one a level) in the active language: semicolons in
    Indonesian (as Indonesian Excel opens it), commas in English; with a BOM, so Excel reads it as UTF-8."""
    language = active_language()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if language == "id" else ",", lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADERS[language])
    writer.writerows(_template_rows(language, year=year))
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx(*, year: int) -> bytes:
    """An XLSX template: the first sheet to fill in, a second one listing the measures and levels as they may be
    written, and a third the wilayah and kecamatan with their codes."""
    from openpyxl import Workbook

    language = active_language()
    workbook = Workbook()
    sheet: Any = workbook.active
    sheet.title = str(_("Targets"))[:31]
    sheet.append(TEMPLATE_HEADERS[language])
    for row in _template_rows(language, year=year):
        sheet.append(row)
    for letter, width in zip("ABCDEFG", (8, 26, 12, 18, 22, 30, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    words: Any = workbook.create_sheet(str(_("Measures and levels"))[:31])
    words.append([TEMPLATE_HEADERS[language][1], "", TEMPLATE_HEADERS[language][2]])
    levels = [str(level.label) for level in Level]
    measures = [str(measure.label) for measure in Measure]
    for index, measure in enumerate(measures):
        words.append([measure, "", levels[index] if index < len(levels) else ""])
    words.column_dimensions["A"].width = 30
    areas: Any = workbook.create_sheet(str(_("Wilayah and kecamatan"))[:31])
    areas.append([TEMPLATE_HEADERS[language][3], "", TEMPLATE_HEADERS[language][4], ""])
    for kecamatan in Kecamatan.objects.select_related("wilayah").order_by("code"):
        areas.append([kecamatan.wilayah.name, kecamatan.wilayah.code, kecamatan.name, kecamatan.code])
    for letter, width in zip("ABCD", (24, 8, 26, 10), strict=True):
        areas.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
