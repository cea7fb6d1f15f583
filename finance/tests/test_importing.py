"""Reading a file of transactions: CSV (comma or semicolon, with or without a BOM) and XLSX (date and number
cells), every kind of bad row reported with the row number the person sees, the import key (the same file twice
adds nothing, identical rows of one file are all kept), and the limits (size, rows, type read from the content)."""

import datetime
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from accounts.models import User
from core import spreadsheets
from finance import importing, services
from finance.choices import Category, Direction, EntrySource
from finance.models import Entry
from finance.tests.factories import MonthlyRecordFactory
from mentoring.tests.factories import verified_participant
from registration.models import Participant
from registration.tests.factories import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db

MARCH_10 = datetime.date(2025, 3, 10)


@pytest.fixture
def siti(entrepreneur: User) -> Participant:
    return verified_participant("Tebet", user=entrepreneur)


def csv_bytes(lines: list[str], *, bom: bool = False) -> bytes:
    return (("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode()


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet: Any = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def check(participant: Participant, content: bytes, name: str = "transaksi.csv") -> Any:
    return services.import_check(
        participant=participant, file_name=name, content=content, acting_user=participant.user
    )


def errors_by_row(batch: Any) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for error in batch.errors:
        found.setdefault(error["row"], set()).add(error["field"])
    return found


def file_error_code(caught: pytest.ExceptionInfo[ValidationError]) -> str:
    [error] = caught.value.error_dict["file"]
    return str(error.code)


# --- reading files ----------------------------------------------------------------------------------------------


def test_a_csv_with_semicolons_and_a_bom_as_indonesian_excel_writes_it_is_read() -> None:
    content = csv_bytes(
        [
            "Tanggal;Jenis;Jumlah;Kategori;Catatan",
            "10/03/2025;masuk;Rp 1.500.000;sales;Katering arisan",
            "11/03/2025;Keluar;1,5 juta;RAW_MATERIALS;",
        ],
        bom=True,
    )
    parsed = importing.parse(content)
    assert parsed.errors == []
    assert parsed.rows == [
        importing.ImportedRow(2, MARCH_10, Direction.IN, 1_500_000, Category.SALES, "Katering arisan"),
        importing.ImportedRow(3, datetime.date(2025, 3, 11), Direction.OUT, 1_500_000, Category.RAW_MATERIALS, ""),
    ]


def test_a_csv_with_commas_and_english_headers_without_a_bom_is_read() -> None:
    with translation.override("en"):
        sales, rent = str(Category.SALES.label), str(Category.RENT.label)
    content = csv_bytes(
        [
            "date,in-out,amount,category,note",
            f'2025-03-10,in,"1,500,000",{sales.upper()},"Order, paid in cash"',
            f"2025-03-31,out,2500000,{rent},",
        ]
    )
    parsed = importing.parse(content)
    assert parsed.errors == []
    assert [(r.day, r.direction, r.amount, r.category, r.note) for r in parsed.rows] == [
        (MARCH_10, "in", 1_500_000, "sales", "Order, paid in cash"),
        (datetime.date(2025, 3, 31), "out", 2_500_000, "rent", ""),
    ]


def test_a_category_is_read_by_its_indonesian_label_in_any_case() -> None:
    with translation.override("id"):
        wages = str(Category.WAGES.label)
    parsed = importing.parse(
        csv_bytes(["tanggal;jenis;jumlah;kategori", f"10/03/2025;keluar;500000;  {wages.upper()} "])
    )
    assert [row.category for row in parsed.rows] == [Category.WAGES]


def test_an_xlsx_with_date_and_number_cells_is_read_with_its_row_numbers() -> None:
    content = xlsx_bytes(
        [
            ["tanggal", "jenis", "jumlah", "kategori", "catatan"],
            [datetime.datetime(2025, 3, 10), "masuk", 150000, "sales", "Nasi box"],
            [],
            ["12/03/2025", "keluar", 60000.0, "raw_materials", 42],
        ]
    )
    parsed = importing.parse(content)
    assert parsed.errors == []
    assert [(r.number, r.day, r.amount, r.note) for r in parsed.rows] == [
        (2, MARCH_10, 150_000, "Nasi box"),
        (4, datetime.date(2025, 3, 12), 60_000, "42"),
    ]


def test_an_amount_cell_with_sen_is_refused() -> None:
    content = xlsx_bytes([["tanggal", "jenis", "jumlah", "kategori"], [MARCH_10, "masuk", 1500.5, "sales"]])
    assert [(e.number, e.field) for e in importing.parse(content).errors] == [(2, "amount")]


def load_rows(content: bytes) -> list[list[Any]]:
    sheet: Any = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_row_numbers_count_the_rows_above_the_header() -> None:
    content = xlsx_bytes([[None], ["tanggal", "jenis", "jumlah", "kategori"], ["xx", "masuk", 1000, "sales"]])
    parsed = importing.parse(content)
    assert [(e.number, e.field) for e in parsed.errors] == [(3, "day")]


# --- every kind of bad row --------------------------------------------------------------------------------------


def test_every_kind_of_bad_row_is_reported_with_its_row_and_column(siti: Participant, entrepreneur: User) -> None:
    MonthlyRecordFactory(
        participant=siti, month=datetime.date(2025, 2, 1), closed_at=timezone.now(), closed_by=entrepreneur
    )
    future = (timezone.localdate() + datetime.timedelta(days=40)).strftime("%d/%m/%Y")
    content = csv_bytes(
        [
            "tanggal;jenis;jumlah;kategori;catatan",
            "10/03/2025;masuk;150.000;sales;good",  # 2
            ";masuk;150.000;sales;",  # 3: no date
            "2025/03/10;masuk;150.000;sales;",  # 4: a date written another way
            "31/02/2025;masuk;150.000;sales;",  # 5: no such day
            f"{future};masuk;150.000;sales;",  # 6: still to come
            "10/03/2017;masuk;150.000;sales;",  # 7: before the program
            "10/03/2025;pinjam;150.000;sales;",  # 8: neither in nor out
            "10/03/2025;masuk;seratus;sales;",  # 9: not an amount
            "10/03/2025;masuk;-150.000;sales;",  # 10: negative
            "10/03/2025;masuk;150.000,50;sales;",  # 11: sen
            "10/03/2025;masuk;0;sales;",  # 12: zero
            "10/03/2025;masuk;150.000;hadiah;",  # 13: unknown category
            "10/03/2025;keluar;150.000;sales;",  # 14: a category of money in on money out
            "10/03/2025;masuk;150.000;debt_collected;",  # 15: only by settling money owed
            "10/03/2025;masuk;150.000;sales;" + "x" * 201,  # 16: note too long
            "10/02/2025;masuk;150.000;sales;",  # 17: in a closed month
            "xx;yy;zz;;",  # 18: every cell wrong
        ]
    )
    batch = check(siti, content)
    assert errors_by_row(batch) == {
        3: {"day"},
        4: {"day"},
        5: {"day"},
        6: {"day"},
        7: {"day"},
        8: {"direction"},
        9: {"amount"},
        10: {"amount"},
        11: {"amount"},
        12: {"amount"},
        13: {"category"},
        14: {"category"},
        15: {"category"},
        16: {"note"},
        17: {"day"},
        18: {"day", "direction", "amount", "category"},
    }
    assert [row["row"] for row in batch.rows] == [2]
    closed = next(e for e in batch.errors if e["row"] == 17)
    assert "2025-02" in closed["message"]
    assert not Entry.objects.exists()


def test_the_errors_are_in_the_persons_language(siti: Participant) -> None:
    content = csv_bytes(["tanggal;jenis;jumlah;kategori", "10/03/2025;masuk;-1000;sales"])
    with translation.override("en"):
        assert check(siti, content).errors[0]["message"] == "The amount cannot be negative."
    assert check(siti, content).errors[0]["message"] == "Jumlah tidak boleh negatif."  # Indonesian, the default


def test_an_unknown_category_lists_those_of_the_rows_direction(siti: Participant) -> None:
    with translation.override("en"):
        batch = check(siti, csv_bytes(["date,in-out,amount,category", "10/03/2025,out,1000,gift"]))
    message = batch.errors[0]["message"]
    assert "Rent" in message
    assert "Sales" not in message


def test_a_file_without_the_columns_needed_is_refused_naming_them(siti: Participant) -> None:
    with pytest.raises(ValidationError) as caught:
        check(siti, csv_bytes(["tanggal;jumlah", "10/03/2025;1000"]))
    assert file_error_code(caught) == "missing_columns"
    assert "jenis" in caught.value.messages[0] and "kategori" in caught.value.messages[0]


def test_a_file_with_only_its_header_is_refused(siti: Participant) -> None:
    with pytest.raises(ValidationError) as caught:
        check(siti, csv_bytes(["tanggal;jenis;jumlah;kategori", ";;;"]))
    assert file_error_code(caught) == "no_rows"


# --- the same file twice, identical rows --------------------------------------------------------------------------

SALES_DAY = [
    "tanggal;jenis;jumlah;kategori;catatan",
    "10/03/2025;masuk;25.000;sales;Es teh",
    "10/03/2025;masuk;25.000;sales;Es teh",
]


def test_two_identical_rows_of_a_file_are_both_kept(siti: Participant) -> None:
    batch = check(siti, csv_bytes(SALES_DAY))
    saved = services.import_save(batch=batch, only_good_rows=False, acting_user=siti.user)
    assert saved.saved_count == 2
    assert Entry.objects.filter(participant=siti, source=EntrySource.IMPORTED, amount=25_000).count() == 2


def test_the_same_file_imported_twice_adds_nothing_the_second_time(siti: Participant) -> None:
    content = csv_bytes([*SALES_DAY, "11/03/2025;keluar;10.000;raw_materials;Gula"])
    services.import_save(batch=check(siti, content), only_good_rows=False, acting_user=siti.user)
    again = check(siti, content)
    assert again.repeated_count == 3
    assert all(row["repeated"] for row in again.rows)
    assert again.errors == []
    saved = services.import_save(batch=again, only_good_rows=False, acting_user=siti.user)
    assert (saved.saved_count, saved.repeated_count) == (0, 3)
    assert Entry.objects.filter(participant=siti).count() == 3


def test_the_same_file_as_xlsx_after_csv_adds_nothing(siti: Participant) -> None:
    services.import_save(batch=check(siti, csv_bytes(SALES_DAY)), only_good_rows=False, acting_user=siti.user)
    rows = [
        ["tanggal", "jenis", "jumlah", "kategori", "catatan"],
        *[[MARCH_10, "masuk", 25000, "sales", "ES TEH "]] * 2,
    ]
    again = check(siti, xlsx_bytes(rows), "transaksi.xlsx")
    assert again.repeated_count == 2  # the same rows: the note is compared without case or spaces around it


def test_a_third_identical_row_added_to_the_file_is_the_only_one_new(siti: Participant) -> None:
    services.import_save(batch=check(siti, csv_bytes(SALES_DAY)), only_good_rows=False, acting_user=siti.user)
    again = check(siti, csv_bytes([*SALES_DAY, SALES_DAY[1]]))
    assert (len(again.rows), again.repeated_count) == (3, 2)


def test_the_entry_key_belongs_to_the_participant() -> None:
    row = importing.ImportedRow(2, MARCH_10, "in", 1000, "sales", "Es teh")
    assert importing.entry_keys(1, [row]) != importing.entry_keys(2, [row])
    assert len(importing.entry_keys(1, [row])[0]) == 64


# --- limits and the type of a file --------------------------------------------------------------------------------


def test_a_file_too_big_is_refused(siti: Participant) -> None:
    header = "tanggal;jenis;jumlah;kategori;catatan\r\n"
    content = (header + "x" * (importing.MAX_FILE_BYTES + 1 - len(header))).encode()
    with pytest.raises(ValidationError) as caught:
        check(siti, content)
    assert file_error_code(caught) == "too_large"


def test_at_most_the_row_limit_is_read(siti: Participant) -> None:
    row = "10/03/2025;masuk;1.000;sales;"
    fits = check(siti, csv_bytes(["tanggal;jenis;jumlah;kategori;catatan", *[row] * importing.MAX_ROWS]))
    assert len(fits.rows) == importing.MAX_ROWS
    with pytest.raises(ValidationError) as caught:
        check(siti, csv_bytes(["tanggal;jenis;jumlah;kategori;catatan", *[row] * (importing.MAX_ROWS + 1)]))
    assert file_error_code(caught) == "too_many_rows"


def test_rows_after_a_long_run_of_empty_rows_are_not_read() -> None:
    workbook = Workbook()
    sheet: Any = workbook.active
    sheet.append(["tanggal", "jenis", "jumlah", "kategori"])
    sheet.append([MARCH_10, "masuk", 1000, "sales"])
    for number, amount in ((2 + spreadsheets.BLANK_RUN_ENDS, 2000), (3 + 2 * spreadsheets.BLANK_RUN_ENDS, 3000)):
        for column, value in enumerate([MARCH_10, "masuk", amount, "sales"], start=1):
            sheet.cell(row=number, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = importing.parse(buffer.getvalue())
    assert [(row.number, row.amount) for row in parsed.rows] == [(2, 1000), (2 + spreadsheets.BLANK_RUN_ENDS, 2000)]


def test_an_xlsx_with_too_many_rows_is_refused() -> None:
    rows = [
        ["tanggal", "jenis", "jumlah", "kategori"],
        *[[MARCH_10, "masuk", 1000, "sales"]] * (importing.MAX_ROWS + 1),
    ]
    with pytest.raises(ValidationError) as caught:
        importing.parse(xlsx_bytes(rows))
    assert caught.value.code == "too_many_rows"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (png_bytes(), "file_type"),  # a photo named .csv
        (pdf_bytes(), "file_type"),
        (b"PK\x03\x04" + b"\x00" * 100, "file_type"),  # a broken zip
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old_excel"),
        ("tanggal;jenis;jumlah;kategori\r\n10/03/2025;masuk;1000;Penjualan é\r\n".encode("cp1252"), "not_utf8"),
        (b"tanggal;jenis\x00;jumlah;kategori\r\n", "file_type"),
        (b"", "empty"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_by_its_content(
    siti: Participant, content: bytes, code: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        check(siti, content, "transaksi.csv")
    assert file_error_code(caught) == code
    assert not siti.import_batches.exists()


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(ValidationError) as caught:
        importing.parse(buffer.getvalue())
    assert caught.value.code == "file_type"


# --- the template -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_templates_have_the_headers_of_the_language_and_read_back(language: str) -> None:
    today = datetime.date(2025, 3, 20)
    with translation.override(language):
        csv_file = importing.template_csv(today=today)
        xlsx_file = importing.template_xlsx(today=today)
    header = csv_file.decode("utf-8-sig").splitlines()[0]
    assert header == (";" if language == "id" else ",").join(importing.TEMPLATE_HEADERS[language])
    assert csv_file.startswith("\ufeff".encode())
    assert load_rows(xlsx_file)[0] == importing.TEMPLATE_HEADERS[language]
    for content in (csv_file, xlsx_file):
        parsed = importing.parse(content)
        assert parsed.errors == []
        assert [(r.day, r.category) for r in parsed.rows] == [
            (datetime.date(2025, 3, 1), Category.SALES),
            (datetime.date(2025, 3, 1), Category.RAW_MATERIALS),
        ]
