"""P1 end to end in a real browser: a new entrepreneur registers online through the whole wizard, the
Tebet secretariat approves the registration, and the entrepreneur's journey shows P1 done.

Selectors are ids, names, data- attributes and URLs, never visible text, so that wording can change freely;
the language check is the page's lang attribute (Bahasa Indonesia by default)."""

import datetime
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import BrowserContext, Locator, Page, expect

from accounts.models import User
from conftest import PASSWORD
from geography.models import Kecamatan
from registration.choices import Sex, Status
from registration.models import Registration
from registration.nik import make_nik
from registration.tests.factories import pdf_bytes, png_bytes
from tests.e2e.pages import Shot, log_in, submit, unfold_menu

EMAIL = "dewi.lestari@example.id"
BIRTH = datetime.date(1990, 8, 17)
REFERENCE = re.compile(r"JP-[A-HJ-NP-Z2-9]{8}")


def log_out(page: Page) -> None:
    button = page.locator("nav form[action$='/akun/keluar/'] [type=submit]")
    unfold_menu(page)
    expect(button).to_be_visible()
    button.click()
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))  # the landing page itself


def p1(page: Page) -> Locator:
    return page.locator("#journey li[data-step=P1]")


@pytest.mark.e2e
def test_register_online_then_secretariat_approves(
    page: Page,
    new_context: Callable[..., BrowserContext],
    secretariat_tebet: User,
    shot: Shot,
    tmp_path: Path,
) -> None:
    tebet = Kecamatan.objects.get(name="Tebet")
    nik = make_nik(district=tebet.nik_prefix, birth_date=BIRTH, sex=Sex.FEMALE, serial=7)
    ktp = tmp_path / "ktp.png"
    ktp.write_bytes(png_bytes((640, 400)))
    plan = tmp_path / "rencana-usaha.pdf"
    plan.write_bytes(pdf_bytes())

    # 1. Create an account: the page is in Bahasa Indonesia.
    page.goto("/akun/daftar/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    form = page.locator("main form")
    form.locator("[name=full_name]").fill("Dewi Lestari")
    form.locator("[name=email]").fill(EMAIL)
    form.locator("[name=phone]").fill("0812 3456 7001")
    form.locator("[name=password1]").fill(PASSWORD)
    form.locator("[name=password2]").fill(PASSWORD)
    shot(page, "signup")
    submit(page)

    # 1b. The page answers alike whether the login is taken; the link in the email makes the account theirs.
    page.wait_for_load_state("load")  # the answer page is checked (axe) before the link is opened
    sent = [m for m in mail.outbox if EMAIL in m.to]
    assert len(sent) == 1
    link = re.search(r"https?://\S+/akun/\S+", sent[0].body)
    assert link is not None, sent[0].body
    page.goto(urlsplit(link.group(0)).path)
    expect(page.locator("main h1")).to_be_visible()
    page.locator("main form [name=password]").fill(PASSWORD)
    submit(page)

    # 2. About you: the account's name and contacts are filled in already.
    expect(page).to_have_url(re.compile(r"/pendaftaran/person/$"))
    form = page.locator("#wizard-form")
    expect(form.locator("[name=full_name]")).to_have_value("Dewi Lestari")
    expect(form.locator("[name=email]")).to_have_value(EMAIL)
    form.locator("[name=nik]").fill(nik)
    form.locator("[name=birth_date]").fill(BIRTH.isoformat())
    form.locator("[name=sex][value=F]").check()
    form.locator("[name=address]").fill("Jl. Tebet Barat Dalam No. 12")
    form.locator("[name=kecamatan]").select_option(str(tebet.pk))
    form.locator("[name=kelurahan]").select_option(index=1)
    form.locator("[name=track][value=pemula]").check()
    form.locator("[name=jakarta_ktp][value=True]").check()
    shot(page, "person")
    submit(page, "#wizard-form")

    # 3. Your business.
    expect(page).to_have_url(re.compile(r"/pendaftaran/business/$"))
    form = page.locator("#wizard-form")
    form.locator("[name=name]").fill("Kue Lapis Dewi")
    form.locator("[name=sector]").select_option("culinary")
    form.locator("[name=address]").fill("Jl. Tebet Barat Dalam No. 12")
    form.locator("[name=kecamatan]").select_option(str(tebet.pk))
    form.locator("[name=planned_start]").fill(timezone.localdate().strftime("%Y-%m"))
    form.locator("[name=planned_capital]").fill("2.500.000")
    shot(page, "business")
    submit(page, "#wizard-form")

    # 4. Documents: a starting entrepreneur with a Jakarta KTP sends the KTP and the business plan statement.
    expect(page).to_have_url(re.compile(r"/pendaftaran/documents/$"))
    form = page.locator("#wizard-form")
    form.locator("input[type=file][name=ktp]").set_input_files(ktp)
    form.locator("input[type=file][name=plan_statement]").set_input_files(plan)
    shot(page, "documents")
    submit(page, "#wizard-form")

    # 5. Review, confirm and submit.
    expect(page).to_have_url(re.compile(r"/pendaftaran/review/$"))
    expect(page.locator("main a[href^='/dokumen/']")).to_have_count(2)
    page.locator("#confirm").check()
    shot(page, "review")
    submit(page, "#wizard-form")

    # 6. Home: the confirmation carries the reference, P1 waits for verification.
    expect(page).to_have_url(re.compile(r"/beranda/$"))
    confirmation = page.locator("main .alert-success")
    expect(confirmation).to_contain_text(REFERENCE)
    registration = Registration.objects.select_related("participant").get(participant__user__email=EMAIL)
    reference = registration.reference
    assert REFERENCE.fullmatch(reference)
    assert registration.status == Status.SUBMITTED
    assert registration.kecamatan_id == tebet.pk
    assert registration.participant.nik == nik
    assert sorted(registration.participant.documents.values_list("kind", flat=True)) == ["ktp", "plan_statement"]
    expect(confirmation).to_contain_text(reference)
    expect(p1(page)).to_have_attribute("data-state", "in_progress")
    shot(page, "home-submitted")
    log_out(page)

    # 7. The Tebet secretariat finds the registration in its queue and approves it.
    staff = new_context().new_page()
    log_in(staff, secretariat_tebet.email)
    staff.goto("/verifikasi/")
    expect(staff.locator("html")).to_have_attribute("lang", "id")
    row_link = staff.locator(f"main table a[href='/peserta/{registration.participant_id}/']")
    expect(row_link).to_have_text(reference)
    shot(staff, "queue")
    row_link.click()
    expect(staff).to_have_url(re.compile(rf"/peserta/{registration.participant_id}/$"))
    decision = staff.locator("#decision-form")
    decision.locator("[name=decision][value=approve]").check()
    shot(staff, "decision")
    submit(staff, "#decision-form")
    expect(staff).to_have_url(re.compile(r"/verifikasi/$"))
    expect(staff.locator("main .alert-success")).to_be_visible()
    expect(staff.locator(f"main table a[href='/peserta/{registration.participant_id}/']")).to_have_count(0)
    shot(staff, "queue-after")
    registration.refresh_from_db()
    assert registration.status == Status.APPROVED

    # 8. The entrepreneur logs in again (with the mobile number this time): P1 is done.
    log_in(page, "081234567001")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(p1(page)).to_have_attribute("data-state", "done")
    expect(p1(page)).to_have_class(re.compile(r"\bdone\b"))
    shot(page, "home-approved")
