"""Reading a spreadsheet of participants: CSV (comma or semicolon, with or without a BOM) and XLSX (date and number
cells), headers in either language, every cell turned into the values a registration takes or an error by row and
field, the file-level refusals, and the template."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from openpyxl import load_workbook

from geography.models import Kecamatan, Kelurahan
from registration import importing
from registration.choices import NonJakartaBasis, Sector, Sex, Track
from registration.tests.factories import pdf_bytes, png_bytes
from registration.tests.imports_support import csv_bytes, nik, person_row, running_row, table, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def tebet() -> Kecamatan:
    return Kecamatan.objects.get(name="Tebet")


def read(content: bytes, office: Kecamatan) -> importing.ParsedFile:
    return importing.parse(content, office=office)


def fields_by_row(parsed: importing.ParsedFile) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for error in parsed.errors:
        found.setdefault(error.number, set()).add(error.field)
    return found


def file_code(caught: pytest.ExceptionInfo[ValidationError]) -> str:
    return str(caught.value.code)


@pytest.mark.parametrize(("sep", "bom"), [(";", True), (",", False), (",", True), (";", False)])
def test_a_csv_with_either_separator_with_or_without_a_bom_is_read(tebet: Kecamatan, sep: str, bom: bool) -> None:
    parsed = read(csv_bytes([person_row(1), running_row(2)], sep=sep, bom=bom), tebet)
    assert parsed.errors == []
    assert parsed.data_rows == 2
    first, second = parsed.rows
    assert first.number == 2
    assert first.person.full_name == "Siti Rahayu 1"
    assert first.person.nik == nik(1)
    assert first.person.birth_date == datetime.date(1990, 8, 17)
    assert (first.person.sex, first.person.track, first.person.jakarta_ktp) == (Sex.FEMALE, Track.PEMULA, True)
    assert first.person.kecamatan == tebet
    assert first.person.kelurahan == Kelurahan.objects.get(name="Tebet Barat")
    assert first.business.sector == Sector.CULINARY
    assert first.business.kecamatan == tebet  # empty: the person's
    assert first.business.planned_start == timezone.localdate().replace(day=1)
    assert first.business.planned_capital == 2_500_000
    assert second.person.track == Track.NAIK_KELAS
    assert (second.business.started_on, second.business.workers) == (datetime.date(2020, 2, 1), 2)
    assert (second.business.assets, second.business.monthly_turnover) == (5_000_000, 3_000_000)


def test_english_headers_and_words_are_read(tebet: Kecamatan) -> None:
    row = person_row(1, sex="female", track="starting", jakarta_ktp="yes", sector="Culinary")
    parsed = read(csv_bytes([row], sep=",", language="en"), tebet)
    assert parsed.errors == []
    assert (parsed.rows[0].person.sex, parsed.rows[0].person.track) == (Sex.FEMALE, Track.PEMULA)


def test_other_header_names_in_any_order_and_case_are_read(tebet: Kecamatan) -> None:
    header = ["Nama Usaha", "NAMA", "No. HP", "NIK", "Tanggal Lahir (DD/MM/YYYY)", "Jenis Kelamin", "Alamat"]
    header += ["Kelurahan", "Jalur", "KTP DKI", "Bidang Usaha", "Alamat Usaha", "Rencana Mulai", "Modal Awal"]
    header += ["Kolom lain"]
    month = f"{timezone.localdate():%Y-%m}"
    cells = ["Warung", "Siti", "081311110001", nik(1), "1990-08-17", "Perempuan", "Jl. A", "tebet barat"]
    cells += ["Wirausaha Pemula", "Ya", "kuliner", "Jl. A", month, "0", "diabaikan"]
    content = (";".join(header) + "\r\n" + ";".join(cells) + "\r\n").encode()
    parsed = read(content, tebet)
    assert parsed.errors == []
    assert parsed.rows[0].person.phone == "081311110001"
    assert parsed.rows[0].business.planned_capital == 0


def test_an_xlsx_with_date_and_number_cells_is_read(tebet: Kecamatan) -> None:
    cells = table([running_row(1)])
    row = cells[1]
    position = {field: index for index, field in enumerate(importing.FIELDS)}
    row[position["birth_date"]] = datetime.datetime(1990, 8, 17)
    row[position["started_on"]] = datetime.date(2020, 2, 1)
    row[position["phone"]] = 81311110001  # Excel dropped the leading 0 of a number cell
    row[position["workers"]] = 2
    row[position["assets"]] = 5_000_000.0
    row[position["monthly_turnover"]] = 3_000_000
    parsed = read(xlsx_bytes(cells), tebet)
    assert parsed.errors == []
    person, business = parsed.rows[0].person, parsed.rows[0].business
    assert (person.birth_date, person.phone) == (datetime.date(1990, 8, 17), "081311110001")
    assert (business.started_on, business.workers, business.assets) == (datetime.date(2020, 2, 1), 2, 5_000_000)


def test_a_nik_typed_as_a_number_in_excel_is_refused(tebet: Kecamatan) -> None:
    cells = table([person_row(1)])
    cells[1][importing.FIELDS.index("nik")] = int(nik(1))
    parsed = read(xlsx_bytes(cells), tebet)
    assert [(e.number, e.field, e.code) for e in parsed.errors] == [(2, "nik", "nik_number")]


def test_bad_cells_are_reported_by_row_and_field(tebet: Kecamatan) -> None:
    rows = [
        person_row(1, full_name="", birth_date="31/02/1990", sex="x"),
        person_row(2, jakarta_ktp="mungkin", kelurahan="Menteng", planned_start="bulan depan"),
        person_row(3, kecamatan="Atlantis"),
        running_row(4, assets="", workers="dua", email="bukan-email"),
        person_row(5, kelurahan="", non_jakarta_basis="entah", jakarta_ktp="tidak"),
        person_row(6, full_name="x" * 151),
    ]
    parsed = read(csv_bytes(rows), tebet)
    assert parsed.rows == []
    assert fields_by_row(parsed) == {
        2: {"full_name", "birth_date", "sex"},
        3: {"jakarta_ktp", "planned_start"},
        4: {"kecamatan"},
        5: {"assets", "workers", "email"},
        6: {"kelurahan", "non_jakarta_basis"},
        7: {"full_name"},
    }
    assert parsed.data_rows == 6


def test_a_kelurahan_of_another_kecamatan_is_read_for_the_services_to_refuse(tebet: Kecamatan) -> None:
    parsed = read(csv_bytes([person_row(1, kelurahan="Gambir")]), tebet)
    assert parsed.errors == []
    assert parsed.rows[0].person.kelurahan == Kelurahan.objects.get(name="Gambir")


def test_the_cell_errors_speak_the_active_language(tebet: Kecamatan) -> None:
    content = csv_bytes([person_row(1, birth_date="kemarin", kecamatan="Atlantis")])
    with translation.override("en"):
        english = read(content, tebet)
    with translation.override("id"):
        indonesian = read(content, tebet)
    by_field = {e.field: e.message for e in english.errors}
    assert by_field["birth_date"] == "Write the date as DD/MM/YYYY, for example 25/03/2025."
    assert {e.field: e.message for e in indonesian.errors}["birth_date"] != by_field["birth_date"]


def test_a_kecamatan_may_be_named_by_another_spelling_or_its_code(tebet: Kecamatan) -> None:
    places = importing.Places.load()
    assert places.find_kecamatan("palmerah").name == "Pal Merah"
    assert places.find_kecamatan("31.74.01") == tebet
    assert places.find_kecamatan(" TEBET ") == tebet


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty"),
        (png_bytes(), "file_type"),
        (pdf_bytes(), "file_type"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old_excel"),
        ("nama;nik\r\nSiti;é\r\n".encode("cp1252"), "not_utf8"),
        (b"nama;nik;tanggal_lahir\r\nSiti;1;2\r\n", "missing_columns"),
        (";".join(importing.TEMPLATE_HEADERS["id"]).encode() + b"\r\n", "no_rows"),
    ],
)
def test_a_file_that_cannot_be_read_as_a_whole_is_refused(tebet: Kecamatan, content: bytes, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        read(content, tebet)
    assert file_code(caught) == code


def test_a_file_without_a_contact_column_is_refused(tebet: Kecamatan) -> None:
    header = [
        h
        for f, h in zip(importing.FIELDS, importing.TEMPLATE_HEADERS["id"], strict=True)
        if f not in ("phone", "email")
    ]
    with pytest.raises(ValidationError) as caught:
        read((";".join(header) + "\r\n").encode(), tebet)
    assert file_code(caught) == "missing_columns"


def test_too_many_rows_are_refused(tebet: Kecamatan, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "MAX_ROWS", 2)
    with pytest.raises(ValidationError) as caught:
        read(csv_bytes([person_row(s) for s in (1, 2, 3)]), tebet)
    assert file_code(caught) == "too_many_rows"


def test_a_typed_row_keeps_its_values_through_json(tebet: Kecamatan) -> None:
    parsed = read(
        csv_bytes(
            [
                person_row(1, jakarta_ktp="tidak", non_jakarta_basis="surat lurah", domicile_since="01/01/2015"),
                running_row(2),
            ]
        ),
        tebet,
    )
    places = importing.Places.load()
    again = importing.rows_from_json(importing.rows_to_json(parsed.rows), places)
    assert again == parsed.rows
    assert again[0].person.non_jakarta_basis == NonJakartaBasis.LURAH_LETTER


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_template_has_the_columns_in_the_language_and_reads_back(tebet: Kecamatan, language: str) -> None:
    import io

    with translation.override(language):
        content = importing.template_xlsx(office=tebet)
    workbook = load_workbook(io.BytesIO(content))
    sheet, guide = workbook.worksheets
    assert [cell.value for cell in sheet[1]] == importing.TEMPLATE_HEADERS[language]
    assert sheet.column_dimensions["B"].number_format == "@"  # the NIK stays text
    guide_rows = list(guide.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in guide_rows] == importing.TEMPLATE_HEADERS[language]
    assert "Tebet Barat" in dict((row[0], row[2]) for row in guide_rows)["kelurahan"]
    cells = [importing.TEMPLATE_HEADERS[language], [person_row(1)[field] for field in importing.FIELDS]]
    assert read(xlsx_bytes(cells), tebet).errors == []
