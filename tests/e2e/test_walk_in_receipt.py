"""A walk-in at the Tebet office in a real browser: the secretariat answers for the person, the document list
narrows to what the answers need (walk_in.js), and the registration ends on a printable receipt with the
reference. Selectors are ids, names and data- attributes, never visible text."""

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from geography.models import Kecamatan
from registration.models import Registration
from registration.tests.factories import nik_for, pdf_bytes, png_bytes
from tests.e2e.pages import Shot
from tests.e2e.test_registration_journey import log_in, submit


@pytest.mark.e2e
def test_tebet_secretariat_registers_a_walk_in_and_prints_the_receipt(
    page: Page, secretariat_tebet: User, shot: Shot, tmp_path: Path
) -> None:
    ktp = tmp_path / "ktp.png"
    ktp.write_bytes(png_bytes((640, 400)))
    plan = tmp_path / "rencana.pdf"
    plan.write_bytes(pdf_bytes())
    tebet = Kecamatan.objects.get(name="Tebet")

    log_in(page, secretariat_tebet.email or "")
    page.goto("/kantor/pendaftaran/")
    form = page.locator("#assisted-form")
    form.locator("[name='person-full_name']").fill("Rina Wulandari")
    form.locator("[name='person-nik']").fill(nik_for("Tebet", serial=42))
    form.locator("[name='person-birth_date']").fill("1990-08-17")
    form.locator("[name='person-sex'][value=F]").check()
    form.locator("[name='person-phone']").fill("0813 2222 4444")
    form.locator("[name='person-address']").fill("Jl. Tebet Barat No. 5")
    kelurahan = form.locator("[name='person-kelurahan']")
    if kelurahan.count():
        kelurahan.select_option(index=1)
    form.locator("[name='person-jakarta_ktp'][value=True]").check()

    # the documents narrow as the officer answers the track
    form.locator("[name='person-track'][value=naik_kelas]").check()
    expect(page.locator("#div_id_documents-ownership_proof")).to_be_visible()
    expect(page.locator("#div_id_documents-plan_statement")).to_be_hidden()
    form.locator("[name='person-track'][value=pemula]").check()
    expect(page.locator("#div_id_documents-plan_statement")).to_be_visible()
    expect(page.locator("#div_id_documents-ownership_proof")).to_be_hidden()
    expect(page.locator("#div_id_documents-lurah_letter")).to_be_hidden()

    form.locator("[name='business-name']").fill("Kue Rina")
    form.locator("[name='business-sector']").select_option("culinary")
    form.locator("[name='business-address']").fill("Jl. Tebet Barat No. 5")
    form.locator("[name='business-kecamatan']").select_option(str(tebet.pk))
    # the planned business of a starting entrepreneur (fields of the business form, where it has them)
    for name, value in (
        ("business-planned_start", f"{timezone.localdate():%Y-%m}"),
        ("business-planned_capital", "2.500.000"),
    ):
        field = form.locator(f"[name='{name}']")
        if field.count() and field.is_visible():
            field.fill(value)
    form.locator("[name='documents-ktp']").set_input_files(str(ktp))
    form.locator("[name='documents-plan_statement']").set_input_files(str(plan))
    shot(page, "walk-in-form")
    submit(page, "#assisted-form")

    expect(page).to_have_url(re.compile(r"/kantor/pendaftaran/JP-[A-Z0-9]+/tanda-terima/$"))
    registration = Registration.objects.get(participant__full_name="Rina Wulandari")
    expect(page.locator("#receipt-reference")).to_have_text(registration.reference)
    expect(page.locator("#receipt-documents li[data-kind=ktp]")).to_have_count(1)
    expect(page.locator("[data-print]")).to_be_visible()  # the script offers a print button
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator("#receipt-reference")).to_be_visible()
    shot(page, "receipt-print")
