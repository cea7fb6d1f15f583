"""Spreadsheets of participants for the import's tests: rows as an office types them, written as CSV (comma or
semicolon, with or without a BOM) or XLSX, and the import run through its services with its tasks (eager)."""

import datetime
import io
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

from django.utils import timezone
from openpyxl import Workbook

from accounts.models import User
from registration import services
from registration.importing import FIELDS, TEMPLATE_HEADERS
from registration.models import ParticipantImport
from registration.nik import make_nik
from registration.tests.factories import BIRTH

CaptureCallbacks = Callable[..., AbstractContextManager[Any]]
TEBET = "317401"


def nik(serial: int, *, district: str = TEBET, birth: datetime.date = BIRTH, sex: str = "F") -> str:
    return make_nik(district=district, birth_date=birth, sex=sex, serial=serial)


def person_row(serial: int, **overrides: Any) -> dict[str, Any]:
    """A good row of a starting entrepreneur (pemula) of Tebet, by field; `serial` makes the NIK and the mobile
    number its own."""
    row: dict[str, Any] = {
        "full_name": f"Siti Rahayu {serial}",
        "nik": nik(serial),
        "birth_date": "17/08/1990",
        "sex": "P",
        "phone": f"0813-1111-{serial:04d}",
        "email": "",
        "address": "Jl. Tebet Raya No. 1",
        "kelurahan": "Tebet Barat",
        "kecamatan": "Tebet",
        "track": "pemula",
        "jakarta_ktp": "ya",
        "non_jakarta_basis": "",
        "domicile_since": "",
        "partner_activity": "",
        "business_name": f"Warung {serial}",
        "sector": "kuliner",
        "business_address": "Jl. Tebet Raya No. 1",
        "business_kecamatan": "",
        "started_on": "",
        "workers": "",
        "assets": "",
        "monthly_turnover": "",
        "planned_start": f"{timezone.localdate():%m/%Y}",
        "planned_capital": "2.500.000",
    }
    row.update(overrides)
    return row


def running_row(serial: int, **overrides: Any) -> dict[str, Any]:
    """A good row of a growing entrepreneur (naik kelas) with a running business."""
    running = {
        "track": "naik kelas",
        "started_on": "01/02/2020",
        "workers": "2",
        "assets": "Rp 5.000.000",
        "monthly_turnover": "3 juta",
        "planned_start": "",
        "planned_capital": "",
    }
    return person_row(serial, **{**running, **overrides})


def table(rows: list[dict[str, Any]], *, language: str = "id") -> list[list[Any]]:
    """The header in `language` and the rows' cells in the template's order."""
    return [TEMPLATE_HEADERS[language], *([row.get(field, "") for field in FIELDS] for row in rows)]


def csv_bytes(rows: list[dict[str, Any]], *, sep: str = ";", bom: bool = True, language: str = "id") -> bytes:
    def cell(value: Any) -> str:
        text = str(value)
        return f'"{text}"' if sep in text or '"' in text else text

    lines = [sep.join(cell(value) for value in line) for line in table(rows, language=language)]
    return (("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode()


def xlsx_bytes(cells: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet: Any = workbook.active
    for line in cells:
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def checked(user: User, content: bytes, capture: CaptureCallbacks, *, name: str = "peserta.csv") -> ParticipantImport:
    """Send a file and let its check task run (eagerly, after the commit); the batch as it is then."""
    with capture(execute=True):
        batch = services.participant_import_check(file_name=name, content=content, acting_user=user)
    batch.refresh_from_db()
    return batch


def saved(
    batch: ParticipantImport, user: User, capture: CaptureCallbacks, *, only_good_rows: bool = False
) -> ParticipantImport:
    """Ask for the save and let its task run; the batch as it is then."""
    with capture(execute=True):
        services.participant_import_save_later(batch=batch, only_good_rows=only_good_rows, acting_user=user)
    batch.refresh_from_db()
    return batch


def errors_by_row(batch: ParticipantImport) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for error in batch.errors:
        found.setdefault(int(error["row"]), set()).add(error["field"])
    return found


def messages_of(batch: ParticipantImport, row: int, field: str) -> list[str]:
    return [e["message"] for e in batch.errors if e["row"] == row and e["field"] == field]


def rows_of(count: int, start: int = 1) -> Iterator[dict[str, Any]]:
    for serial in range(start, start + count):
        yield person_row(serial)
