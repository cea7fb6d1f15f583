"""Participants from a kecamatan office's spreadsheet: a CSV file (comma or semicolon, with or without a BOM) or an
XLSX workbook (`core.spreadsheets` reads it), one person and their business a row, each row turned into the values
the registration services take (`PersonData`, `BusinessData`) or into errors by field. Reads only: the services
(`participant_import_check`, `participant_import_save`) run every typed row through the walk-in's own checks
(NIK, eligibility, contact, kecamatan of the office) and keep the result.

Columns, named in the first filled row in Indonesian or English (any order, any case, spaces or underscores;
others are ignored): see HEADER_NAMES and TEMPLATE_HEADERS. Required: the person's name, NIK, birth date, sex,
address, track and Jakarta KTP, a mobile number or an email, and the business's name, sector and address. The
kecamatan may be left empty (the office's own is meant), so may the business's kecamatan (the person's). The
kelurahan is asked as the wizard asks it: wherever the kecamatan's kelurahan are known.

Here a cell's form is read (a date, a month, rupiah, a number, yes or no, a choice by its code or its label in
either language, a kecamatan or kelurahan by its name); the rules on the values are the services'."""

import dataclasses
import datetime
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core import spreadsheets
from core.dates import first_of_month
from core.languages import active_language
from core.spreadsheets import REQUIRED_VALUE, RowError, filled, refuse
from core.text import strip_bidi
from geography.models import Kecamatan, Kelurahan

from .choices import NonJakartaBasis, Sector, Sex, Track
from .models import Business, Participant
from .values import BusinessData, PersonData

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2_000

# the fields of a row: the person's as PersonData names them, the business's as BusinessData does, those the two
# share with "business_" before them (the services' errors land on the same cells, `BUSINESS_ERROR_FIELDS`)
PERSON_FIELDS = (
    "full_name",
    "nik",
    "birth_date",
    "sex",
    "phone",
    "email",
    "address",
    "kelurahan",
    "kecamatan",
    "track",
    "jakarta_ktp",
    "non_jakarta_basis",
    "domicile_since",
    "partner_activity",
)
BUSINESS_FIELDS = (
    "business_name",
    "sector",
    "business_address",
    "business_kecamatan",
    "started_on",
    "workers",
    "assets",
    "monthly_turnover",
    "planned_start",
    "planned_capital",
)
FIELDS = PERSON_FIELDS + BUSINESS_FIELDS
BUSINESS_ERROR_FIELDS = {"name": "business_name", "address": "business_address", "kecamatan": "business_kecamatan"}
ROW = "__all__"  # an error of the row as a whole
REQUIRED = (
    "full_name",
    "nik",
    "birth_date",
    "sex",
    "address",
    "track",
    "jakarta_ktp",
    "business_name",
    "sector",
    "business_address",
)
CONTACT = ("phone", "email")  # at least one of these columns
RUNNING_FIGURES = ("workers", "assets", "monthly_turnover")  # asked of a running business (naik kelas)

FIELD_LABELS = {
    "full_name": _("Full name"),
    "nik": _("NIK"),
    "birth_date": _("Birth date"),
    "sex": _("Sex"),
    "phone": _("Mobile number"),
    "email": _("Email"),
    "address": _("Domicile address"),
    "kelurahan": _("Kelurahan"),
    "kecamatan": _("Kecamatan"),
    "track": _("Track"),
    "jakarta_ktp": _("Jakarta KTP"),
    "non_jakarta_basis": _("Basis without a Jakarta KTP"),
    "domicile_since": _("Living in Jakarta since"),
    "partner_activity": _("Partner activity"),
    "business_name": _("Business name"),
    "sector": _("Sector"),
    "business_address": _("Business address"),
    "business_kecamatan": _("Kecamatan of the business"),
    "started_on": _("Business started on"),
    "workers": _("Workers"),
    "assets": _("Assets"),
    "monthly_turnover": _("Monthly turnover"),
    "planned_start": _("Planned start (month)"),
    "planned_capital": _("Planned capital"),
    ROW: _("Row"),
}
# the headers of the template file, in its language
TEMPLATE_HEADERS = {
    "id": [
        "nama_lengkap",
        "nik",
        "tanggal_lahir",
        "jenis_kelamin",
        "no_hp",
        "email",
        "alamat",
        "kelurahan",
        "kecamatan",
        "jalur",
        "ktp_dki",
        "dasar_tanpa_ktp_dki",
        "tinggal_di_jakarta_sejak",
        "kegiatan_mitra",
        "nama_usaha",
        "sektor",
        "alamat_usaha",
        "kecamatan_usaha",
        "mulai_usaha",
        "jumlah_pekerja",
        "aset",
        "omzet_per_bulan",
        "rencana_mulai",
        "rencana_modal",
    ],
    "en": [
        "full_name",
        "nik",
        "birth_date",
        "sex",
        "mobile_number",
        "email",
        "address",
        "kelurahan",
        "kecamatan",
        "track",
        "jakarta_ktp",
        "basis_without_jakarta_ktp",
        "in_jakarta_since",
        "partner_activity",
        "business_name",
        "sector",
        "business_address",
        "business_kecamatan",
        "business_started",
        "workers",
        "assets",
        "monthly_turnover",
        "planned_start",
        "planned_capital",
    ],
}
# the header names accepted besides the template's (as `core.spreadsheets.header_key` writes them: no case,
# spaces or punctuation)
OTHER_HEADER_NAMES: dict[str, set[str]] = {
    "full_name": {"nama", "namalengkap", "namasesuaiktp", "name", "fullname"},
    "nik": {"nik", "noktp", "nomorktp", "nomorindukkependudukan"},
    "birth_date": {"tanggallahir", "tgllahir", "birthdate", "dateofbirth"},
    "sex": {"jeniskelamin", "kelamin", "jk", "sex", "gender"},
    "phone": {"nohp", "nomorhp", "hp", "noponsel", "nomorponsel", "telepon", "notelp", "phone", "mobile"},
    "email": {"email", "surel", "alamatemail", "emailaddress"},
    "address": {"alamat", "alamatdomisili", "address", "domicileaddress"},
    "kelurahan": {"kelurahan", "kelurahandomisili"},
    "kecamatan": {"kecamatan", "kecamatandomisili"},
    "track": {"jalur", "jalurprogram", "track"},
    "jakarta_ktp": {"ktpdki", "ktpjakarta", "jakartaktp", "dkiktp"},
    "non_jakarta_basis": {"dasartanpaktpdki", "dasar", "basiswithoutjakartaktp", "basis"},
    "domicile_since": {"tinggaldijakartasejak", "domisilisejak", "injakartasince", "livinginjakartasince"},
    "partner_activity": {"kegiatanmitra", "partneractivity"},
    "business_name": {"namausaha", "businessname"},
    "sector": {"sektor", "bidangusaha", "sector"},
    "business_address": {"alamatusaha", "businessaddress"},
    "business_kecamatan": {"kecamatanusaha", "businesskecamatan"},
    "started_on": {"mulaiusaha", "tanggalmulaiusaha", "businessstarted", "startedon"},
    "workers": {"jumlahpekerja", "pekerja", "tenagakerja", "workers"},
    "assets": {"aset", "asset", "assets"},
    "monthly_turnover": {"omzetperbulan", "omzetbulanan", "omzet", "monthlyturnover", "turnover"},
    "planned_start": {"rencanamulai", "rencanamulaiusaha", "plannedstart"},
    "planned_capital": {"rencanamodal", "modalawal", "plannedcapital"},
}


def _header_names() -> dict[str, set[str]]:
    """Every header accepted for each field: the template's in both languages and the other names people use."""
    names = {field: set(other) for field, other in OTHER_HEADER_NAMES.items()}
    for headers in TEMPLATE_HEADERS.values():
        for field, header in zip(FIELDS, headers, strict=True):
            names[field].add(spreadsheets.header_key(header))
    return names


HEADER_NAMES = _header_names()

# the ways a choice may be written, besides its code and its labels in either language
CHOICE_WORDS: dict[str, dict[str, set[str]]] = {
    "sex": {
        Sex.MALE: {"l", "lk", "laki", "laki-laki", "laki laki", "pria", "m", "male", "man"},
        Sex.FEMALE: {"p", "pr", "perempuan", "wanita", "f", "female", "woman"},
    },
    "track": {
        Track.PEMULA: {"pemula", "wirausaha pemula", "starting", "starting entrepreneur"},
        Track.NAIK_KELAS: {"naik kelas", "naik_kelas", "wirausaha naik kelas", "growing", "growing entrepreneur"},
    },
    "non_jakarta_basis": {
        NonJakartaBasis.LURAH_LETTER: {"surat lurah", "lurah letter", "lurah"},
        NonJakartaBasis.PARTNER_ACTIVITY: {"kegiatan mitra", "mitra", "partner activity", "partner"},
    },
    "sector": {
        Sector.CULINARY: {"kuliner", "makanan", "culinary", "food"},
        Sector.FASHION: {"fesyen", "fashion", "busana"},
        Sector.CRAFTS: {"kerajinan", "crafts", "craft"},
        Sector.REPAIR: {"jasa perbaikan", "servis", "repair", "repair services"},
        Sector.OTHER: {"lainnya", "lain-lain", "other"},
    },
}
CHOICES: dict[str, type[TextChoices]] = {
    "sex": Sex,
    "track": Track,
    "non_jakarta_basis": NonJakartaBasis,
    "sector": Sector,
}
YES = {"ya", "y", "yes", "true", "1", "benar"}
NO = {"tidak", "tdk", "t", "n", "no", "false", "0", "bukan"}
# the words the template's guide gives for each choice, in its language
TEMPLATE_WORDS: dict[str, dict[str, dict[Any, str]]] = {
    "id": {
        "sex": {Sex.MALE: "L", Sex.FEMALE: "P"},
        "track": {Track.PEMULA: "pemula", Track.NAIK_KELAS: "naik kelas"},
        "non_jakarta_basis": {
            NonJakartaBasis.LURAH_LETTER: "surat lurah",
            NonJakartaBasis.PARTNER_ACTIVITY: "kegiatan mitra",
        },
        "yes_no": {True: "ya", False: "tidak"},
    },
    "en": {
        "sex": {Sex.MALE: "M", Sex.FEMALE: "F"},
        "track": {Track.PEMULA: "starting", Track.NAIK_KELAS: "growing"},
        "non_jakarta_basis": {
            NonJakartaBasis.LURAH_LETTER: "lurah letter",
            NonJakartaBasis.PARTNER_ACTIVITY: "partner activity",
        },
        "yes_no": {True: "yes", False: "no"},
    },
}

NO_ROWS = _("The file has column names but no participants under them.")
MISSING_COLUMNS = _("The first row must name the columns: %(columns)s. Missing: %(missing)s.")
NO_CONTACT_COLUMN = _("The first row must name a column for the mobile number (no_hp) or the email (email).")
UNKNOWN_CHOICE = _("Not one of the choices. Write one of: %(choices)s.")
BAD_YES_NO = _("Write ya (yes) or tidak (no).")
BAD_MONTH = _("Write the month as MM/YYYY, for example 07/2026.")
BAD_NUMBER = _("Write a whole number, for example 3.")
NIK_AS_NUMBER = _(
    "The NIK was saved as a number, and Excel keeps only 15 digits of a number: format the column as Text and "
    "type the NIK again."
)
TOO_LONG = _("At most %(limit)d characters; this has %(count)d.")
UNKNOWN_KECAMATAN = _("Unknown kecamatan. Write its name as on the KTP, for example %(example)s.")
UNKNOWN_KELURAHAN = _("Unknown kelurahan in %(kecamatan)s. Write one of: %(choices)s.")
KELURAHAN_NEEDED = _("Write the kelurahan of domicile, one of: %(choices)s.")
FIGURE_NEEDED = _("A running business (naik kelas) gives this figure (0 if none).")

_MONTH = re.compile(r"(\d{1,2})[/.-](\d{4})")
_MONTH_ISO = re.compile(r"(\d{4})-(\d{1,2})")


@dataclass(frozen=True)
class ImportedRow:
    """A row read into the values a registration takes."""

    number: int
    person: PersonData
    business: BusinessData


@dataclass(frozen=True)
class ParsedFile:
    rows: list[ImportedRow]
    errors: list[RowError]
    file_hash: str
    data_rows: int  # the filled rows under the header


@dataclass(frozen=True)
class Places:
    """Jakarta's kecamatan and kelurahan, read once a file (two queries), to name and to find them."""

    kecamatan: dict[int, Kecamatan]
    kelurahan: dict[int, Kelurahan]

    @classmethod
    def load(cls) -> "Places":
        return cls(
            kecamatan={k.pk: k for k in Kecamatan.objects.select_related("wilayah")},
            kelurahan={k.pk: k for k in Kelurahan.objects.all()},
        )

    def kelurahan_of(self, kecamatan: Kecamatan) -> list[Kelurahan]:
        return sorted((k for k in self.kelurahan.values() if k.kecamatan_id == kecamatan.pk), key=lambda k: k.name)

    def find_kecamatan(self, value: Any) -> Kecamatan:
        """By its name, another spelling of it or its code (31.74.01 or 317401)."""
        wanted = _place_key(value)
        for kecamatan in self.kecamatan.values():
            names = [kecamatan.name, kecamatan.code, kecamatan.nik_prefix, *kecamatan.aliases.split(",")]
            if wanted in {_place_key(name) for name in names if name.strip()}:
                return kecamatan
        example = next(iter(self.kecamatan.values())).name if self.kecamatan else "Tebet"
        raise refuse(UNKNOWN_KECAMATAN % {"example": example}, "unknown_kecamatan")

    def find_kelurahan(self, value: Any, kecamatan: Kecamatan) -> Kelurahan:
        """By its name, among the kecamatan's first (another kecamatan's is found too: the services refuse it
        with their own words), or by its code."""
        wanted = _place_key(value)
        own = self.kelurahan_of(kecamatan)
        others = [k for k in self.kelurahan.values() if k.kecamatan_id != kecamatan.pk]
        for kelurahan in [*own, *others]:
            if wanted in (_place_key(kelurahan.name), _place_key(kelurahan.code)):
                return kelurahan
        choices = ", ".join(k.name for k in own)
        raise refuse(UNKNOWN_KELURAHAN % {"kecamatan": kecamatan.name, "choices": choices}, "unknown_kelurahan")


def _place_key(value: Any) -> str:
    return re.sub(r"[^0-9a-z]", "", spreadsheets.words(value))


# --- cells to values ---------------------------------------------------------------------------------------------


def choice_names() -> dict[str, dict[str, str]]:
    """For each choice field, every way a choice may be written (its code, its labels in both languages, the
    words people use) to the choice."""
    names: dict[str, dict[str, str]] = {}
    for field, choices in CHOICES.items():
        found: dict[str, str] = {}
        for value in choices.values:
            found[spreadsheets.words(value)] = str(value)
            for language in TEMPLATE_HEADERS:
                with translation.override(language):
                    found[spreadsheets.words(choices(value).label)] = str(value)
            for word in CHOICE_WORDS[field].get(value, set()):
                found[spreadsheets.words(word)] = str(value)
        names[field] = found
    return names


def parse_choice(value: Any, field: str, names: dict[str, dict[str, str]]) -> str:
    found = names[field].get(spreadsheets.words(value))
    if found is None:
        shown = ", ".join(str(label) for label in CHOICES[field].labels)
        raise refuse(UNKNOWN_CHOICE % {"choices": shown}, "invalid_choice")
    return found


def parse_yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = spreadsheets.words(value)
    if word in YES:
        return True
    if word in NO:
        return False
    raise refuse(BAD_YES_NO, "invalid_choice")


def parse_month(value: Any) -> datetime.date:
    """The first day of a month: a date cell, MM/YYYY, YYYY-MM or a whole date."""
    if isinstance(value, datetime.date):
        return first_of_month(value.date() if isinstance(value, datetime.datetime) else value)
    text = str(value).strip()
    if match := _MONTH.fullmatch(text):
        month, year = (int(part) for part in match.groups())
    elif match := _MONTH_ISO.fullmatch(text):
        year, month = (int(part) for part in match.groups())
    else:
        try:
            return first_of_month(spreadsheets.parse_date(value))
        except ValidationError as exc:
            raise refuse(BAD_MONTH, "bad_month") from exc
    if not 1 <= month <= 12:
        raise refuse(BAD_MONTH, "bad_month")
    return datetime.date(year, month, 1)


def parse_whole_number(value: Any) -> int:
    if isinstance(value, bool):
        raise refuse(BAD_NUMBER, "invalid")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    text = str(value).strip().replace(".", "")
    if not re.fullmatch(r"-?\d+", text):
        raise refuse(BAD_NUMBER, "invalid")
    return int(text)


def parse_nik(value: Any) -> str:
    """The NIK as text: a number cell has lost its last digit in Excel (15 significant digits), so it is refused."""
    if isinstance(value, int | float):
        raise refuse(NIK_AS_NUMBER, "nik_number")
    return strip_bidi(str(value)).strip()


def parse_phone(value: Any) -> str:
    """A mobile number as typed (the services normalise it); a number cell has lost its leading 0."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        return "0" + text if text.startswith("8") else text
    return strip_bidi(str(value)).strip()


def parse_email(value: Any) -> str:
    text = strip_bidi(str(value)).strip()
    validate_email(text)
    return text


def _text_of(model: Any, name: str) -> Callable[[Any], str]:
    """Text for a model's field, within its length."""
    limit = model._meta.get_field(name).max_length

    def parse(value: Any) -> str:
        text = strip_bidi(str(value)).strip()
        if limit is not None and len(text) > limit:
            raise refuse(TOO_LONG % {"limit": limit, "count": len(text)}, "max_length")
        return text

    return parse


# --- rows ---------------------------------------------------------------------------------------------------------


def _columns(header: Sequence[Any]) -> dict[str, int]:
    """Which column holds each field; the file is refused without the required ones."""
    found = spreadsheets.find_columns(header, HEADER_NAMES)
    headers = dict(zip(FIELDS, TEMPLATE_HEADERS[active_language()], strict=True))
    missing = [field for field in REQUIRED if field not in found]
    if missing:
        raise refuse(
            MISSING_COLUMNS
            % {
                "columns": ", ".join(headers[field] for field in REQUIRED),
                "missing": ", ".join(headers[field] for field in missing),
            },
            "missing_columns",
        )
    if not any(field in found for field in CONTACT):
        raise refuse(NO_CONTACT_COLUMN, "missing_columns")
    return found


class _Reader:
    """Reads the rows of one file: the places and the choices' names are read once."""

    def __init__(self, columns: dict[str, int], places: Places, office: Kecamatan) -> None:
        self.columns = columns
        self.places = places
        self.office = office
        self.names = choice_names()
        self.parsers: dict[str, Callable[[Any], Any]] = {
            "full_name": _text_of(Participant, "full_name"),
            "nik": parse_nik,
            "birth_date": spreadsheets.parse_date,
            "sex": lambda cell: parse_choice(cell, "sex", self.names),
            "phone": parse_phone,
            "email": parse_email,
            "address": _text_of(Participant, "address"),
            "kecamatan": places.find_kecamatan,
            "track": lambda cell: parse_choice(cell, "track", self.names),
            "jakarta_ktp": parse_yes_no,
            "non_jakarta_basis": lambda cell: parse_choice(cell, "non_jakarta_basis", self.names),
            "domicile_since": spreadsheets.parse_date,
            "partner_activity": _text_of(Participant, "partner_activity"),
            "business_name": _text_of(Business, "name"),
            "sector": lambda cell: parse_choice(cell, "sector", self.names),
            "business_address": _text_of(Business, "address"),
            "business_kecamatan": places.find_kecamatan,
            "started_on": spreadsheets.parse_date,
            "workers": parse_whole_number,
            "assets": spreadsheets.parse_whole_rupiah,
            "monthly_turnover": spreadsheets.parse_whole_rupiah,
            "planned_start": parse_month,
            "planned_capital": spreadsheets.parse_whole_rupiah,
        }

    def row(self, number: int, cells: Sequence[Any]) -> ImportedRow | list[RowError]:
        values: dict[str, Any] = {}
        errors: list[RowError] = []

        def read(field: str, parse: Callable[[Any], Any]) -> None:
            value = spreadsheets.cell(cells, self.columns.get(field))
            try:
                if not filled(value):
                    if field in REQUIRED:
                        raise refuse(REQUIRED_VALUE, "required")
                    values[field] = None
                    return
                values[field] = parse(value)
            except ValidationError as exc:
                errors.append(RowError(number, field, spreadsheets.message_of(exc), _code(exc)))

        for field, parse in self.parsers.items():
            read(field, parse)
        kecamatan = values.get("kecamatan") or (None if "kecamatan" in _fields(errors) else self.office)
        if kecamatan is not None:
            read("kelurahan", lambda cell: self.places.find_kelurahan(cell, kecamatan))
            self._kelurahan_needed(number, kecamatan, values, errors)
        if values.get("track") == Track.NAIK_KELAS:
            for field in RUNNING_FIGURES:
                if values.get(field) is None and field not in _fields(errors):
                    errors.append(RowError(number, field, str(FIGURE_NEEDED), "required"))
        if errors:
            return errors
        assert kecamatan is not None
        return ImportedRow(number=number, person=self._person(values, kecamatan), business=self._business(values))

    def _kelurahan_needed(
        self, number: int, kecamatan: Kecamatan, values: dict[str, Any], errors: list[RowError]
    ) -> None:
        """The kelurahan is asked wherever the kecamatan's kelurahan are known (the wizard asks it so)."""
        own = self.places.kelurahan_of(kecamatan)
        if values.get("kelurahan") is None and own and "kelurahan" not in _fields(errors):
            message = KELURAHAN_NEEDED % {"choices": ", ".join(k.name for k in own)}
            errors.append(RowError(number, "kelurahan", str(message), "required"))

    @staticmethod
    def _person(values: dict[str, Any], kecamatan: Kecamatan) -> PersonData:
        return PersonData(
            full_name=values["full_name"],
            nik=values["nik"],
            birth_date=values["birth_date"],
            sex=values["sex"],
            phone=values.get("phone") or "",
            email=values.get("email") or "",
            address=values["address"],
            kecamatan=kecamatan,
            track=values["track"],
            jakarta_ktp=values["jakarta_ktp"],
            non_jakarta_basis=values.get("non_jakarta_basis") or "",
            domicile_since=values.get("domicile_since"),
            partner_activity=values.get("partner_activity") or "",
            kelurahan=values.get("kelurahan"),
        )

    def _business(self, values: dict[str, Any]) -> BusinessData:
        return BusinessData(
            name=values["business_name"],
            sector=values["sector"],
            address=values["business_address"],
            kecamatan=values.get("business_kecamatan") or values.get("kecamatan") or self.office,
            started_on=values.get("started_on"),
            workers=values.get("workers") or 0,
            assets=values.get("assets") or 0,
            monthly_turnover=values.get("monthly_turnover") or 0,
            planned_start=values.get("planned_start"),
            planned_capital=values.get("planned_capital"),
        )


def _fields(errors: Iterable[RowError]) -> set[str]:
    return {error.field for error in errors}


def _code(exc: ValidationError) -> str:
    return next((str(error.code) for error in exc.error_list if error.code), "")


def parse(content: bytes, *, office: Kecamatan, places: Places | None = None) -> ParsedFile:
    """The typed rows and the errors of a file, in the active language (`office`: the kecamatan a row without
    one is of); a file that cannot be read as a whole (too big, not a spreadsheet, no header, a required column
    missing, too many rows) raises ValidationError with a code."""
    rows = spreadsheets.spreadsheet_rows(content, max_bytes=MAX_FILE_BYTES, max_rows=MAX_ROWS)
    file_hash = hashlib.sha256(content).hexdigest()
    read: spreadsheets.ReadRows[ImportedRow, RowError] = spreadsheets.read_rows(
        rows, header=lambda cells: _Reader(_columns(cells), places or Places.load(), office).row, no_rows=NO_ROWS
    )
    return ParsedFile(rows=read.good, errors=read.errors, file_hash=file_hash, data_rows=read.data_rows)


# --- typed rows kept as JSON (the batch keeps them encrypted) --------------------------------------------------------


def _day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _from_day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def row_payload(row: ImportedRow) -> dict[str, Any]:
    """A typed row as JSON values (the kecamatan and kelurahan by id)."""
    person, business = row.person, row.business
    return {
        "row": row.number,
        "person": {
            **dataclasses.asdict(person),
            "birth_date": _day(person.birth_date),
            "domicile_since": _day(person.domicile_since),
            "kecamatan": person.kecamatan.pk,
            "kelurahan": person.kelurahan.pk if person.kelurahan is not None else None,
        },
        "business": {
            **dataclasses.asdict(business),
            "kecamatan": business.kecamatan.pk,
            "started_on": _day(business.started_on),
            "planned_start": _day(business.planned_start),
        },
    }


def rows_to_json(rows: Iterable[ImportedRow]) -> str:
    return json.dumps([row_payload(row) for row in rows])


def rows_from_json(text: str, places: Places) -> list[ImportedRow]:
    return [row_from_payload(payload, places) for payload in json.loads(text or "[]")]


def row_from_payload(payload: dict[str, Any], places: Places) -> ImportedRow:
    person, business = dict(payload["person"]), dict(payload["business"])
    kelurahan = person["kelurahan"]
    return ImportedRow(
        number=int(payload["row"]),
        person=PersonData(
            **{
                **person,
                "birth_date": _from_day(person["birth_date"]),
                "domicile_since": _from_day(person["domicile_since"]),
                "kecamatan": places.kecamatan[person["kecamatan"]],
                "kelurahan": places.kelurahan[kelurahan] if kelurahan is not None else None,
            }
        ),
        business=BusinessData(
            **{
                **business,
                "kecamatan": places.kecamatan[business["kecamatan"]],
                "started_on": _from_day(business["started_on"]),
                "planned_start": _from_day(business["planned_start"]),
            }
        ),
    )


# --- the template file, in the person's language ------------------------------------------------------------------


def _guide_rows(language: str, office: Kecamatan, places: Places) -> list[tuple[str, str, str]]:
    """Each column of the template: its header, whether it is needed, and how to fill it in."""
    words = TEMPLATE_WORDS[language]
    yes, no = words["yes_no"][True], words["yes_no"][False]
    kelurahan = ", ".join(k.name for k in places.kelurahan_of(office))
    needed, optional = str(_("required")), str(_("optional"))
    how = {
        "full_name": _("As on the KTP."),
        "nik": _("16 digits, as on the KTP. Keep the column formatted as Text."),
        "birth_date": _("DD/MM/YYYY, for example 17/08/1990."),
        "sex": " / ".join(words["sex"].values()),
        "phone": _("A mobile number, for example 0812 3456 7890: the link to claim the account goes there."),
        "email": _("Optional if a mobile number is given."),
        "address": _("Where the person lives."),
        "kelurahan": kelurahan,
        "kecamatan": _("Empty means %(kecamatan)s (the office's own); another kecamatan is refused.")
        % {"kecamatan": office.name},
        "track": " / ".join(words["track"].values()),
        "jakarta_ktp": f"{yes} / {no}",
        "non_jakarta_basis": _("Only without a Jakarta KTP: %(choices)s.")
        % {"choices": " / ".join(words["non_jakarta_basis"].values())},
        "domicile_since": _("Only with a lurah letter: DD/MM/YYYY, as in the letter."),
        "partner_activity": _("Only when the person came through a partner activity: its name."),
        "business_name": _("The name of the business (planned or running)."),
        "sector": " / ".join(str(label) for label in Sector.labels),
        "business_address": _("Where the business is (or will be)."),
        "business_kecamatan": _("Empty means the person's kecamatan."),
        "started_on": _("Growing entrepreneurs: DD/MM/YYYY."),
        "workers": _("Growing entrepreneurs: a whole number."),
        "assets": _("Growing entrepreneurs: rupiah without land and buildings, for example 5.000.000."),
        "monthly_turnover": _("Growing entrepreneurs: rupiah, for example 3.000.000."),
        "planned_start": _("Starting entrepreneurs: MM/YYYY, this month or later."),
        "planned_capital": _("Starting entrepreneurs: rupiah (0 if none yet)."),
    }
    return [
        (header, needed if field in REQUIRED else optional, str(how[field]))
        for field, header in zip(FIELDS, TEMPLATE_HEADERS[language], strict=True)
    ]


def template_xlsx(*, office: Kecamatan, places: Places | None = None) -> bytes:
    """An XLSX template in the active language: the first sheet to fill in (its header only; the NIK and the
    mobile number columns formatted as text, so Excel keeps every digit), a second one saying how to fill in
    each column (what is required, the choices, the office's kelurahan). The documents are not in the file:
    they follow, on each participant's page."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    language = active_language()
    places = places or Places.load()
    headers = TEMPLATE_HEADERS[language]
    workbook = Workbook()
    sheet: Any = workbook.active
    sheet.title = str(_("Participants"))[:31]
    sheet.append(headers)
    for index, field in enumerate(FIELDS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[letter].width = max(14, len(headers[index - 1]) + 2)
        if field in ("nik", "phone"):
            sheet.column_dimensions[letter].number_format = "@"
    guide: Any = workbook.create_sheet(str(_("How to fill in"))[:31])
    guide.append([str(_("Column")), str(_("Needed")), str(_("How to fill it in"))])
    for row in _guide_rows(language, office, places):
        guide.append(list(row))
    for letter, width in zip("ABC", (28, 12, 90), strict=True):
        guide.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
