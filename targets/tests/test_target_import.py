"""Targets from a spreadsheet: CSV or XLSX, headers in either language, wilayah and kecamatan by name or code,
mentors by email; the bad rows reported by row and field in the person's language; a target the file sets twice
refused on each of its rows; nothing half-imported (a file with errors saves nothing, or only its good rows when
asked, and a row refused at saving saves nothing at all); the template file reads back as good rows; the admin's
upload page and its decision, for agency staff only."""

import io
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from core.decisions import Refused
from geography.models import Kecamatan, Wilayah
from registration.measures import Measure
from targets import importing, services
from targets.choices import Level
from targets.models import ImportStatus, Target, TargetImport

pytestmark = pytest.mark.django_db

YEAR = 2026
HEADER_ID = "tahun;ukuran;tingkat;wilayah;kecamatan;email pendamping;target"
GOOD_ROWS_ID = [
    "2026;Verified (P1);program;;;;20000",
    "2026;P2;wilayah;Jakarta Selatan;;;3.000",
    "2026;trained;kecamatan;31.74;Tebet;;400",
    "2026;Trained;kecamatan;;31.71.01;;300",  # Gambir by its code
    "2026;mentored;pendamping;;;Mentor.Tebet@Example.id;60",
]


def csv_file(*lines: str) -> bytes:
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def check(content: bytes, user: User, *, language: str = "en") -> TargetImport:
    with translation.override(language):
        return services.target_import_check(file_name="target.csv", content=content, acting_user=user)


def errors_of(batch: TargetImport) -> dict[tuple[int, str], str]:
    return {(error["row"], error["field"]): error["message"] for error in batch.errors}


def test_a_good_file_sets_its_targets_at_every_level(agency_staff: User, mentor_tebet: User) -> None:
    batch = check(csv_file(HEADER_ID, *GOOD_ROWS_ID), agency_staff, language="id")
    assert batch.errors == []
    assert [row["row"] for row in batch.rows] == [2, 3, 4, 5, 6]
    assert services.import_counts(batch) == {"new": 5}
    saved = services.target_import_save(batch=batch, only_good_rows=False, acting_user=agency_staff)
    assert (saved.status, saved.saved_count) == (ImportStatus.SAVED, 5)
    targets = {(t.measure, t.level): t for t in Target.objects.select_related("wilayah", "kecamatan", "mentor")}
    assert targets[("verified", "program")].value == 20000
    assert (targets[("trained", "wilayah")].wilayah.name, targets[("trained", "wilayah")].value) == (
        "Jakarta Selatan",
        3000,
    )
    kecamatan_targets = Target.objects.filter(level=Level.KECAMATAN).order_by("value")
    assert [(t.kecamatan.name, t.value) for t in kecamatan_targets] == [("Gambir", 300), ("Tebet", 400)]
    assert kecamatan_targets[0].wilayah is None  # a kecamatan row's wilayah is checked, then dropped
    assert targets[("mentored", "mentor")].mentor == mentor_tebet
    assert {t.updated_by for t in Target.objects.all()} == {agency_staff}


def test_a_file_again_changes_the_targets_it_names(agency_staff: User, mentor_tebet: User) -> None:
    services.target_import_save(
        batch=check(csv_file(HEADER_ID, *GOOD_ROWS_ID), agency_staff), only_good_rows=False, acting_user=agency_staff
    )
    again = check(csv_file(HEADER_ID, GOOD_ROWS_ID[0].replace("20000", "25000"), GOOD_ROWS_ID[1]), agency_staff)
    assert [row["current"] for row in again.rows] == [20000, 3000]
    assert services.import_counts(again) == {"changed": 1, "same": 1}
    saved = services.target_import_save(batch=again, only_good_rows=False, acting_user=agency_staff)
    assert saved.saved_count == 1
    assert Target.objects.get(level=Level.PROGRAM).value == 25000
    assert Target.objects.count() == 5


BAD_ROWS = [
    "2026;Verified (P1);program;;;;",  # 2: no target
    "2026;happiness;program;;;;5",  # 3: unknown measure
    "2026;trained;wilayah;Jakarta Tengah;;;5",  # 4: unknown wilayah
    "2026;trained;kecamatan;Jakarta Pusat;Tebet;;5",  # 5: Tebet is in Jakarta Selatan
    "2026;trained;mentor;;;nobody@example.id;5",  # 6: no such account
    "2026;trained;mentor;;;sekretariat.tebet@example.id;5",  # 7: not a mentor
    "2026;trained;program;;Tebet;;5",  # 8: a program target names no kecamatan
    "1999;trained;program;;;;15",  # 9: the year
    "2026;trained;program;;;;1,5",  # 10: the target
    "2026;verified;kecamatan;;Tebet;;10",  # 11: good
]


def test_bad_rows_are_reported_by_row_and_field_in_english(agency_staff: User, secretariat_tebet: User) -> None:
    batch = check(csv_file(HEADER_ID, *BAD_ROWS), agency_staff)
    assert errors_of(batch) == {
        (2, "value"): "This is empty.",
        (3, "measure"): (
            "Unknown measure. Use one of: Registered, Verified (P1), Trained (P2), Mentored (P3), Licensed (P4), "
            "Marketed (P5), Reporting (P6), Capitalised (P7), Formal (holds an NIB), Moved up a business class."
        ),
        (
            4,
            "wilayah",
        ): "Unknown wilayah. Write its name, for example Jakarta Selatan, or its code, for example 31.74.",
        (5, "wilayah"): "Kecamatan Tebet is in Jakarta Selatan.",
        (6, "mentor"): "No account has this email address.",
        (7, "mentor"): "Sekretariat Tebet is not an active mentor.",
        (8, "kecamatan"): "A program target names no kecamatan: leave it empty.",
        (9, "year"): "A target's year is from 2020 to 2100.",
        (10, "value"): "Write the target as a whole number, for example 1500.",
    }
    assert [row["row"] for row in batch.rows] == [11]
    assert not Target.objects.exists()  # checking writes no target


def test_bad_rows_are_reported_in_indonesian_to_a_person_reading_it(agency_staff: User) -> None:
    batch = check(csv_file(HEADER_ID, BAD_ROWS[0]), agency_staff, language="id")
    assert errors_of(batch) == {(2, "value"): "Kolom ini kosong."}


def test_a_target_the_file_sets_twice_is_refused_on_each_row(agency_staff: User) -> None:
    batch = check(
        csv_file(
            HEADER_ID,
            "2026;P2;kecamatan;;Tebet;;400",
            "2026;P1;program;;;;10",
            "2026;Trained (P2);kecamatan;;31.74.01;;450",
        ),
        agency_staff,
    )
    message = "Rows 2, 4 set the same target: keep one of them."
    assert errors_of(batch) == {(2, "key"): message, (4, "key"): message}
    assert [row["row"] for row in batch.rows] == [3]


def test_nothing_is_half_imported(agency_staff: User, mentor_tebet: User) -> None:
    batch = check(csv_file(HEADER_ID, *GOOD_ROWS_ID, BAD_ROWS[1]), agency_staff)
    with pytest.raises(Refused) as refused:
        services.target_import_save(batch=batch, only_good_rows=False, acting_user=agency_staff)
    assert refused.value.code == "has_errors"
    assert not Target.objects.exists()
    # the mentor leaves between the check and the save: the whole file is refused, the good rows too
    mentor_tebet.is_active = False
    mentor_tebet.save()
    with translation.override("en"), pytest.raises(Refused) as refused:
        services.target_import_save(batch=batch, only_good_rows=True, acting_user=agency_staff)
    assert refused.value.message == "Row 6: Mentor Tebet is not an active mentor. Nothing was saved."
    assert not Target.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CHECKED
    # back at work: the good rows, on request
    mentor_tebet.is_active = True
    mentor_tebet.save()
    saved = services.target_import_save(batch=batch, only_good_rows=True, acting_user=agency_staff)
    assert saved.saved_count == 5 and Target.objects.count() == 5
    with pytest.raises(Refused):
        services.target_import_discard(batch=saved, acting_user=agency_staff)  # decided already


def test_a_discarded_file_sets_nothing(agency_staff: User, mentor_tebet: User) -> None:
    batch = check(csv_file(HEADER_ID, *GOOD_ROWS_ID), agency_staff)
    assert services.target_import_discard(batch=batch, acting_user=agency_staff).status == ImportStatus.DISCARDED
    with pytest.raises(Refused):
        services.target_import_save(batch=batch, only_good_rows=False, acting_user=agency_staff)
    assert not Target.objects.exists()


def xlsx_file(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet: Any = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_file_with_english_headers_and_number_cells(agency_staff: User) -> None:
    content = xlsx_file(
        [
            ["Target", "Kecamatan", "Level", "Measure", "Year", "Notes"],
            [250.0, "Kebon Jeruk", "Kecamatan", "Licensed (P4)", 2026.0, "any other column is ignored"],
            [12, "", "Program", "moved up", 2026, ""],
        ]
    )
    batch = check(content, agency_staff)
    assert batch.errors == []
    services.target_import_save(batch=batch, only_good_rows=False, acting_user=agency_staff)
    kebon_jeruk = Kecamatan.objects.get(name="Kebon Jeruk")
    assert Target.objects.get(level=Level.KECAMATAN).kecamatan == kebon_jeruk
    assert Target.objects.get(level=Level.PROGRAM).measure == Measure.MOVED_UP


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4 not a spreadsheet", "This file is not a spreadsheet we can read"),
        (csv_file("tahun;ukuran;target", "2026;P2;5"), "Missing: tingkat."),
        (csv_file(HEADER_ID), "The file has column names but no targets under them."),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(agency_staff: User, content: bytes, message: str) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        check(content, agency_staff)
    with translation.override("en"):
        assert message in " ".join(refused.value.message_dict["file"])
    assert not TargetImport.objects.exists()


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_template_reads_back_as_good_rows(agency_staff: User, mentor_tebet: User, language: str) -> None:
    with translation.override(language):
        for content in (importing.template_xlsx(year=YEAR), importing.template_csv(year=YEAR)):
            batch = services.target_import_check(file_name="t", content=content, acting_user=agency_staff)
            assert batch.errors == [] and len(batch.rows) == 4


@pytest.mark.parametrize("who", ["secretariat_tebet", "mentor_tebet", "partner_user", "entrepreneur"])
def test_only_agency_staff_check_a_file(request: pytest.FixtureRequest, who: str) -> None:
    with pytest.raises(Refused):
        check(csv_file(HEADER_ID, *GOOD_ROWS_ID), request.getfixturevalue(who))


# --- the admin's pages -----------------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client: Client, agency_staff: User) -> Client:
    client.force_login(agency_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_upload_page_checks_the_file_and_shows_its_report(
    staff_client: Client, agency_staff: User, mentor_tebet: User, django_assert_max_num_queries: Any
) -> None:
    assert staff_client.get(reverse("admin:targets_target_upload")).status_code == 200
    upload = SimpleUploadedFile("targets.csv", csv_file(HEADER_ID, *GOOD_ROWS_ID, *BAD_ROWS[:3]), "text/csv")
    response = staff_client.post(reverse("admin:targets_target_upload"), {"file": upload})
    batch = TargetImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "admin:targets_target_import", args=[batch.pk]
    )
    with django_assert_max_num_queries(12):
        page = staff_client.get(response["Location"])
    text = page.content.decode()
    assert 'id="save-good"' in text and 'id="save-all"' not in text
    for number, problem in ((7, "This is empty."), (8, "Unknown measure."), (9, "Unknown wilayah.")):
        assert f'<tr data-row="{number}"><th scope="row" rowspan="1">{number}</th>' in text and problem in text
    good = '<tr data-row="6"><th scope="row">6</th><td>2026</td><td>Mentored (P3)</td><td>Mentor</td><td>Mentor Tebet'
    assert good in text
    response = staff_client.post(response["Location"], {"action": "save_all"})
    assert response.status_code == 400 and not Target.objects.exists()
    response = staff_client.post(reverse("admin:targets_target_import", args=[batch.pk]), {"action": "save_good"})
    assert response.status_code == 302
    assert Target.objects.count() == 5
    assert "5 targets were created or changed." in staff_client.get(response["Location"]).content.decode()


def test_the_upload_page_refuses_a_file_it_cannot_read(staff_client: Client) -> None:
    upload = SimpleUploadedFile("targets.xls", b"\xd0\xcf\x11\xe0 old excel", "application/vnd.ms-excel")
    response = staff_client.post(reverse("admin:targets_target_upload"), {"file": upload})
    assert response.status_code == 400
    assert "This is an old Excel file (.xls)" in response.content.decode()
    assert not TargetImport.objects.exists()


def test_the_template_downloads_in_the_persons_language(staff_client: Client) -> None:
    response = staff_client.get(reverse("admin:targets_target_template") + "?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.decode("utf-8-sig").startswith("year,measure,level,wilayah,kecamatan,mentor email,target")
    assert staff_client.get(reverse("admin:targets_target_template") + "?format=pdf").status_code == 400


def test_a_mentor_reaches_no_upload_page(client: Client, mentor_tebet: User, agency_staff: User) -> None:
    batch = check(csv_file(HEADER_ID, *GOOD_ROWS_ID), agency_staff)
    client.force_login(mentor_tebet)
    assert client.get(reverse("admin:targets_target_import", args=[batch.pk])).status_code == 302
    assert (
        client.post(reverse("admin:targets_target_import", args=[batch.pk]), {"action": "save_all"}).status_code == 302
    )
    assert not Target.objects.exists()
    assert Wilayah.objects.count() == 6
