"""P5 end to end in a real browser: a business puts a product in the public catalogue. Logged in, it publishes its
listing, adds a product with a photo and submits it to an open call; its mentor checks it (on a phone), the
kecamatan secretariat validates it, the curator (a marketplace partner's user named on the call, its agreement in
force covering P5) grades it A with a comment on every criterion, seeing the product and the listing's public name
but nothing of the participant nor the staff's names; the business sees
the grade and the comments; then a visitor who is not logged in searches the catalogue by a word of the product's
description, finds it, and opens its page: the photo, the grade and the business's public contact, and nothing of
the participant's registration.

Selectors are ids, names, data- attributes and URLs, never visible text (the pages speak Bahasa Indonesia)."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from accounts.models import User
from marketing.choices import Criterion, SubmissionStatus
from marketing.models import Product, Submission
from marketing.tests.factories import ProductCallFactory, agency_user
from mentoring.tests.factories import AssignmentFactory, verified_participant
from partners.choices import OrganisationKind, Step
from partners.tests.factories import PartnerMemberFactory, agreement_in_force
from registration.tests.factories import png_bytes
from tests.e2e.conftest import PHONE
from tests.e2e.pages import Shot, fits_the_screen, log_in, submit

PRODUCT = "Keripik Tempe Daun Jeruk"
WORD = "andaliman"  # only in the description
DESCRIPTION = f"Keripik tempe tipis dan renyah dengan taburan {WORD} khas Batak. Kemasan 200 gram, tanpa pengawet."
LISTING = "Dapur Siti Rasa"
PUBLIC_PHONE = "081298765432"


@pytest.mark.e2e
def test_a_product_passes_curation_and_is_found_in_the_public_catalogue(
    page: Page,
    new_context: Callable[..., BrowserContext],
    entrepreneur: User,
    mentor_tebet: User,
    secretariat_tebet: User,
    partner_user: User,
    shot: Shot,
    tmp_path: Path,
) -> None:
    siti = verified_participant("Tebet", user=entrepreneur, address="Jl. Rahasia Tebet No. 9")
    AssignmentFactory(participant=siti, mentor=mentor_tebet)
    member = PartnerMemberFactory(
        user=partner_user, organisation__name="Pasar Daring", organisation__kind=OrganisationKind.MARKETPLACE
    )
    agreement_in_force(member.organisation, steps=[Step.P5], staff=agency_user())
    call = ProductCallFactory(title="Kurasi Oleh-oleh Jakarta", curators=[partner_user])
    picture = tmp_path / "keripik.png"
    picture.write_bytes(png_bytes((640, 480)))

    # 1. The business publishes its listing.
    log_in(page, entrepreneur.email or "")
    page.goto("/pemasaran/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.locator("#listing a[href='/pemasaran/profil/']").click()
    form = page.locator("#listing-form")
    form.locator("[name=public_name]").fill(LISTING)
    form.locator("[name=description]").fill("Camilan rumahan dari Tebet.")
    form.locator("[name=public_phone]").fill(PUBLIC_PHONE)
    form.locator("[name=published]").check()
    submit(page, "#listing-form")
    expect(page).to_have_url(re.compile(r"/pemasaran/$"))
    expect(page.locator("#listing [data-published=yes]")).to_be_visible()

    # 2. It adds a product, then its photo.
    page.locator("#products a[href='/pemasaran/produk/baru/']").click()
    form = page.locator("#product-form")
    form.locator("[name=name]").fill(PRODUCT)
    form.locator("[name=category]").select_option("food")
    form.locator("[name=price]").fill("25.000")
    form.locator("[name=description]").fill(DESCRIPTION)
    submit(page, "#product-form")
    expect(page).to_have_url(re.compile(r"/pemasaran/produk/\d+/foto/$"))  # saved: now read it
    product = Product.objects.get(name=PRODUCT)
    assert page.url.endswith(f"/pemasaran/produk/{product.pk}/foto/")
    page.locator("#photo-form [name=image]").set_input_files(str(picture))
    submit(page, "#photo-form")
    expect(page.locator("#photos [data-photo]")).to_have_count(1)
    shot(page, "photo-added")

    # Not curated yet: the catalogue does not show it.
    visitor = new_context().new_page()
    visitor.goto(f"/katalog/?q={WORD}")
    expect(visitor.locator("#no-results")).to_be_visible()
    assert visitor.goto(f"/katalog/produk/{product.pk}/").status == 404  # type: ignore[union-attr]

    # 3. It submits the product to the open call.
    page.goto("/pemasaran/kurasi/")
    page.locator(f"#calls [data-call='{call.pk}'] a[href='/pemasaran/kurasi/{call.pk}/ajukan/']").click()
    page.locator(f"#submit-form [name=product][value='{product.pk}']").check()
    submit(page, "#submit-form")
    expect(page).to_have_url(re.compile(r"/pemasaran/pengajuan/\d+/$"))
    submission = Submission.objects.get(product=product, call=call)
    assert page.url.endswith(f"/pemasaran/pengajuan/{submission.pk}/")
    expect(page.locator("main .alert-success")).to_be_visible()

    # 4. The mentor checks it, on a phone.
    mentor = new_context(PHONE).new_page()
    log_in(mentor, mentor_tebet.email or "")
    mentor.goto("/pemasaran/antrean/pendamping/")
    row = mentor.locator(f"#check-queue [data-submission='{submission.pk}']")
    row.locator("[name=check-decision][value=pass]").check()
    row.locator("[type=submit]").click()
    expect(mentor.locator("main .alert-success")).to_be_visible()
    expect(mentor.locator(f"#check-queue [data-submission='{submission.pk}']")).to_have_count(0)
    assert fits_the_screen(mentor)
    shot(mentor, "mentor-checked")

    # 5. The kecamatan secretariat validates it.
    kecamatan = new_context().new_page()
    log_in(kecamatan, secretariat_tebet.email or "")
    kecamatan.goto("/pemasaran/antrean/kecamatan/")
    row = kecamatan.locator(f"#validation-queue [data-submission='{submission.pk}']")
    row.locator("[name=validate-decision][value=pass]").check()
    row.locator("[type=submit]").click()
    expect(kecamatan.locator("main .alert-success")).to_be_visible()

    # 6. The curator grades it A, with a comment on every criterion.
    grader = new_context().new_page()
    log_in(grader, partner_user.email or "")
    grader.goto("/pemasaran/antrean/kurator/")
    expect(grader.locator(f"#grading-queue [data-submission='{submission.pk}']")).to_contain_text(LISTING)
    private = (siti.full_name, siti.nik, siti.address, siti.email, siti.business.name)
    staff = (mentor_tebet.full_name, secretariat_tebet.full_name)
    assert not any(value in grader.content() for value in (*private, *staff))
    grader.locator(f"#grading-queue [data-submission='{submission.pk}'] a[href$='/nilai/']").click()
    expect(grader.locator("#product-facts")).to_contain_text(LISTING)
    assert not any(value in grader.content() for value in (*private, *staff))
    form = grader.locator("#grade-form")
    form.locator("[name=grade][value=A]").check()
    for criterion in Criterion:
        form.locator(f"[name={criterion.value}]").fill(f"Baik: {criterion.label}.")
    form.locator("[name=comment]").fill("Siap dipasarkan di Thamrin 10.")
    shot(grader, "grade")
    submit(grader, "#grade-form")
    expect(grader).to_have_url(re.compile(r"/pemasaran/antrean/kurator/$"))
    expect(grader.locator("main .alert-success")).to_be_visible()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.GRADED and submission.grade == "A"

    # 7. The business sees the grade and the comments.
    page.goto("/pemasaran/")
    expect(page.locator(f"#submissions [data-submission='{submission.pk}'] [data-grade=A]")).to_be_visible()
    page.locator(f"#submissions a[data-submission='{submission.pk}']").click()
    expect(page.locator("#grade")).to_contain_text("Siap dipasarkan di Thamrin 10.")
    shot(page, "graded")

    # 8. A visitor, not logged in, searches the catalogue by a word of the description and finds it.
    visitor.goto("/katalog/")
    expect(visitor.locator("h1")).to_be_visible()
    visitor.locator("#catalogue-form [name=q]").fill(WORD)
    visitor.locator("#search-button").click()
    expect(visitor).to_have_url(re.compile(rf"/katalog/\?q={WORD}"))
    expect(visitor.locator("#catalogue-form [name=q]")).to_have_value(WORD)
    cards = visitor.locator("#products [data-product]")
    expect(cards).to_have_count(1)
    expect(cards.first).to_have_attribute("data-product", str(product.pk))
    expect(cards.first.locator("[data-grade=A]")).to_be_visible()
    assert fits_the_screen(visitor)
    shot(visitor, "catalogue-search")
    cards.first.locator(f"a[href='/katalog/produk/{product.pk}/']").click()
    expect(visitor).to_have_url(re.compile(rf"/katalog/produk/{product.pk}/$"))
    expect(visitor.locator("#product-name")).to_have_text(PRODUCT)
    expect(visitor.locator("#product-description")).to_contain_text(WORD)
    expect(visitor.locator("#business-link")).to_be_visible()
    photo = visitor.locator("#photos img").first
    expect(photo).to_be_visible()
    # Visible is the box; the picture itself arrives a moment later on a busy machine.
    visitor.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=photo.element_handle())
    expect(visitor.locator("#business-tel")).to_have_attribute("href", "tel:+6281298765432")
    body = visitor.content()
    for value in private:
        assert value not in body
    assert fits_the_screen(visitor)
    shot(visitor, "catalogue-product")
