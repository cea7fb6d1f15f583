"""The streaming writers: CSV with a byte-order mark, XLSX read back with openpyxl, formulas neutralised in both,
numbers kept numbers, a full sheet continued on the next."""

import csv
import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from openpyxl import load_workbook

from exports.writers import CSV_BOM, csv_chunks, neutralise, sheet_title, write_csv, write_xlsx

DANGEROUS = ["=1+1", "+62 812", "-2+3", "@SUM(A1)", "\tTab", "\rReturn", '=HYPERLINK("http://x","y")']
HEADER = ["Name", "Amount", "Day"]


def csv_rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith(CSV_BOM)
    return list(csv.reader(io.StringIO(text[1:], newline="")))


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_text_a_spreadsheet_would_run_is_kept_as_text(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Siti", "3174********0001", "", "a=b", " =1"])
def test_ordinary_text_is_left_as_it_is(text: str) -> None:
    assert neutralise(text) == text


def test_csv_neutralises_formulas_and_keeps_numbers() -> None:
    out = io.BytesIO()
    rows = [[text, -5, datetime.date(2025, 3, 1)] for text in DANGEROUS]
    assert write_csv(out, HEADER, rows) == len(DANGEROUS)
    read = csv_rows(out.getvalue())
    assert read[0] == HEADER
    assert [row[0] for row in read[1:]] == ["'" + text for text in DANGEROUS]
    assert {row[1] for row in read[1:]} == {"-5"}  # a negative number is still a number
    assert {row[2] for row in read[1:]} == {"2025-03-01"}


def test_csv_writes_moments_in_jakarta_time_and_yes_no_in_the_language() -> None:
    moment = datetime.datetime(2025, 3, 1, 1, 30, tzinfo=ZoneInfo("UTC"))
    out = io.BytesIO()
    with translation.override("en"):
        write_csv(out, ["At", "Waiting"], [[moment, True], [None, False]])
    assert csv_rows(out.getvalue())[1:] == [["2025-03-01 08:30", "yes"], ["", "no"]]


def test_csv_streams_in_pieces_with_the_byte_order_mark_first() -> None:
    pieces = list(csv_chunks(["n"], ([n] for n in range(1200))))
    assert len(pieces) == 3  # 500 rows a piece, then the rest
    assert pieces[0].startswith(CSV_BOM + "n\r\n0\r\n")
    assert sum(piece.count("\r\n") for piece in pieces) == 1201


def test_xlsx_neutralises_formulas_and_keeps_numbers_and_days() -> None:
    out = io.BytesIO()
    rows = [[text, Decimal("-5"), datetime.date(2025, 3, 1)] for text in DANGEROUS]
    rows.append(["Bell\x07 in a name", 12, None])
    rows.append(["\x01=1+1", 0, None])  # a control character XML cannot hold must not hide a formula
    assert write_xlsx(out, HEADER, rows, title="Participants") == len(rows)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == tuple(HEADER)
    # (a carriage return is stored as OOXML's escape _x000D_, which Excel shows as the character; openpyxl reads the
    # escape as it is)
    assert [row[0] for row in values[1:-2]] == ["'" + text.replace("\r", "_x000D_") for text in DANGEROUS]
    assert all(cell.data_type == "s" for cell in sheet["A"])  # text, never a formula
    assert {row[1] for row in values[1:-2]} == {-5}
    assert values[1][2] == datetime.datetime(2025, 3, 1)
    assert values[-2:] == [("Bell in a name", 12, None), ("'=1+1", 0, None)]


def test_xlsx_continues_a_full_sheet_on_the_next_with_its_header() -> None:
    out = io.BytesIO()
    assert write_xlsx(out, ["n"], ([n] for n in range(7)), title="Big: list?", max_rows=4) == 7
    book = load_workbook(io.BytesIO(out.getvalue()))
    assert book.sheetnames == ["Big  list", "Big  list (2)", "Big  list (3)"]
    assert [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets] == [
        [("n",), (0,), (1,), (2,)],
        [("n",), (3,), (4,), (5,)],
        [("n",), (6,)],
    ]


def test_a_sheet_title_fits_excel() -> None:
    assert sheet_title("A/very [long] title of a list of participants", 12) == "A very  long  title of a l (12)"
    assert len(sheet_title("x" * 40)) == 31
    assert sheet_title("???") == "Data"
