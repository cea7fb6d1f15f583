"""The rupiah field in a real browser: an entrepreneur of the growing track types "5.000.000" as Indonesians
write it; the field keeps it grouped, says the amount beside it, the review shows it formatted and the
registration stores 5000000 (it stored 5, or refused it, before issue 7). The kelurahan list narrows to the
kecamatan chosen on the way.

Selectors are ids, names and URLs, never visible text."""

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from conftest import PASSWORD
from geography.models import Kecamatan, Kelurahan
from registration.choices import Sex
from registration.models import Registration
from registration.nik import make_nik
from registration.tests.factories import pdf_bytes, png_bytes
from tests.e2e.pages import Shot

BIRTH = datetime.date(1988, 3, 9)


@pytest.mark.e2e
def test_typing_five_million_the_indonesian_way(page: Page, entrepreneur: User, shot: Shot, tmp_path: Path) -> None:
    tebet = Kecamatan.objects.get(name="Tebet")
    nik = make_nik(district=tebet.nik_prefix, birth_date=BIRTH, sex=Sex.FEMALE, serial=11)
    files = {}
    for name, content in (("ktp.png", png_bytes((640, 400))), ("plan.pdf", pdf_bytes()), ("nib.pdf", pdf_bytes())):
        files[name] = tmp_path / name
        files[name].write_bytes(content)

    page.goto("/akun/masuk/")
    page.locator("main form [name=username]").fill(str(entrepreneur.email))
    page.locator("main form [name=password]").fill(PASSWORD)
    page.locator("main form [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/beranda/$"))

    # About you: choosing the kecamatan narrows the kelurahan to its own
    page.goto("/pendaftaran/person/")
    form = page.locator("#wizard-form")
    form.locator("[name=nik]").fill(nik)
    form.locator("[name=birth_date]").fill(BIRTH.isoformat())
    form.locator("[name=sex][value=F]").check()
    form.locator("[name=address]").fill("Jl. Tebet Barat Dalam No. 12")
    form.locator("[name=kecamatan]").select_option(str(tebet.pk))
    kelurahan = list(Kelurahan.objects.filter(kecamatan=tebet).order_by("name"))
    if kelurahan:
        options = form.locator("[name=kelurahan] option[data-kecamatan]")
        expect(options).to_have_count(len(kelurahan))
        form.locator("[name=kelurahan]").select_option(str(kelurahan[0].pk))
    form.locator("[name=track][value=naik_kelas]").check()
    form.locator("[name=jakarta_ktp][value=True]").check()
    form.locator("[type=submit]").click()

    # Your business: the money fields group the digits as they are typed and say the amount beside them
    expect(page).to_have_url(re.compile(r"/pendaftaran/business/$"))
    form = page.locator("#wizard-form")
    form.locator("[name=name]").fill("Kue Lapis Dewi")
    form.locator("[name=sector]").select_option("culinary")
    form.locator("[name=started_on]").fill("2021-06-01")
    form.locator("[name=address]").fill("Jl. Tebet Barat Dalam No. 12")
    form.locator("[name=kecamatan]").select_option(str(tebet.pk))
    form.locator("[name=workers]").fill("2")
    assets = form.locator("[name=assets]")
    expect(assets).to_have_attribute("inputmode", "numeric")
    assets.press_sequentially("5.000.000")
    expect(assets).to_have_value("5.000.000")
    expect(page.locator("#id_assets-echo")).to_contain_text("5.000.000")
    turnover = form.locator("[name=monthly_turnover]")
    turnover.press_sequentially("3000000")
    expect(turnover).to_have_value("3.000.000")  # plain digits are grouped as they are typed
    expect(page.locator("#id_monthly_turnover-echo")).to_contain_text("3")
    shot(page, "business-money")
    form.locator("[type=submit]").click()

    # Documents, then the review shows the amounts formatted
    expect(page).to_have_url(re.compile(r"/pendaftaran/documents/$"))
    expect(
        page.locator("#document-guidance a[href$='surat-pernyataan-rencana-pengembangan-usaha.html']")
    ).to_have_count(1)
    form = page.locator("#wizard-form")
    form.locator("input[type=file][name=ktp]").set_input_files(files["ktp.png"])
    form.locator("input[type=file][name=development_plan_statement]").set_input_files(files["plan.pdf"])
    form.locator("input[type=file][name=ownership_proof]").set_input_files(files["nib.pdf"])
    form.locator("[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/pendaftaran/review/$"))
    expect(page.locator("main")).to_contain_text("Rp 5.000.000")
    expect(page.locator("main")).to_contain_text("Rp 3.000.000")
    shot(page, "review")
    page.locator("#confirm").check()
    page.locator("#wizard-form [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/beranda/$"))

    business = Registration.objects.select_related("participant__business").get().participant.business
    assert (business.assets, business.monthly_turnover) == (5_000_000, 3_000_000)
