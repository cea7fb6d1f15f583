"""An office's spreadsheet of participants in a real browser: a Tebet mentor downloads the template, sends a file
with good and bad rows, reads the report (errors by row and column, a NIK twice in the file), registers the good
rows only, and the secretariat finds the documents still to bring on a participant's page. Selectors are ids,
names and data- attributes, never visible text."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from registration.models import Participant, Registration
from registration.tests.imports_support import csv_bytes, nik, person_row
from tests.e2e.pages import Shot, log_in, submit


@pytest.mark.e2e
def test_a_mentor_imports_a_spreadsheet_and_registers_its_good_rows(
    page: Page, mentor_tebet: User, secretariat_tebet: User, shot: Shot, tmp_path: Path
) -> None:
    spreadsheet = tmp_path / "peserta-tebet.csv"
    rows = [person_row(41), person_row(42), person_row(43, birth_date="17/08/2015"), person_row(44, nik=nik(41))]
    spreadsheet.write_bytes(csv_bytes(rows))

    log_in(page, mentor_tebet.email or "")
    page.goto("/kantor/impor-peserta/")
    with page.expect_download() as download:
        page.locator("#template-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    page.locator("#import-form [name=file]").set_input_files(str(spreadsheet))
    submit(page, "#import-form")

    expect(page).to_have_url(re.compile(r"/kantor/impor-peserta/\d+/$"))
    expect(page.locator("#import-status")).to_have_attribute("data-status", "checked")
    expect(page.locator("#import-errors tr[data-row='4']")).to_have_count(1)
    expect(page.locator("#import-duplicates tr[data-row='5'][data-kind=in_file]")).to_have_count(1)
    expect(page.locator("#save-all")).to_have_count(0)  # not with errors
    shot(page, "report")
    page.locator("#save-good").click()

    expect(page.locator("#import-status")).to_have_attribute("data-status", "saved")
    expect(page.locator("#import-registered tbody tr")).to_have_count(2)
    assert Participant.objects.count() == 2
    registration = Registration.objects.get(participant__full_name="Siti Rahayu 41")
    assert registration.documents_to_follow
    shot(page, "registered")

    page.context.clear_cookies()
    log_in(page, secretariat_tebet.email or "")
    page.goto(f"/peserta/{registration.participant_id}/")
    expect(page.locator("#documents-to-follow li")).to_have_count(2)
    expect(page.locator("#decision-form [name=decision][value=approve]")).to_have_count(0)
    shot(page, "documents-to-follow")
