"""P4 end to end in a real browser: a verified participant asks for help with a P-IRT; the form offers to ask for
the NIB it needs first, and both requests are made. The P-IRT waits for the NIB: with its documents complete, it is
not submitted while the NIB is not held, and its page says why. Agency staff move the NIB, then the P-IRT, to
issued, uploading the licence's scan; the participant finds both licences in the wallet on their home page, and
P4 done.

Selectors are ids, names, data- attributes and URLs, never visible text (the pages are in Bahasa Indonesia)."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from accounts.models import User
from licensing.choices import RequestStatus
from licensing.models import Licence, LicenceRequest
from licensing.tests.factories import licence_type
from mentoring.tests.factories import AssignmentFactory, verified_participant
from registration.tests.factories import png_bytes
from tests.e2e.pages import Shot, fits_the_screen, log_in, submit

NIB_NUMBER = "9120301234567"
PIRT_NUMBER = "P-IRT 2063174010123-30"


def open_from_queue(staff: Page, licence_request: LicenceRequest) -> None:
    staff.goto("/petugas/perizinan/")
    staff.locator(f"#queue tr[data-request='{licence_request.pk}'] a").click()
    expect(staff).to_have_url(re.compile(rf"/perizinan/permohonan/{licence_request.pk}/$"))
    # the URL changes when the page starts to arrive: its move forms are pressed once it has loaded (a press
    # while it loaded on a busy machine once sent nothing)
    staff.wait_for_load_state()


def mark_documents_complete(staff: Page) -> None:
    submit(staff, "#move-documents")
    expect(staff.locator("#request-status")).to_have_attribute("data-status", "documents")


def issue(staff: Page, licence_request: LicenceRequest, number: str, scan: Path, shot: Shot, name: str) -> None:
    """Staff take a request whose documents are complete from the queue through submitted to issued, with its
    scan."""
    open_from_queue(staff, licence_request)
    expect(staff.locator("#request-status")).to_have_attribute("data-status", "documents")
    submit(staff, "#move-submitted")
    expect(staff.locator("#request-status")).to_have_attribute("data-status", "submitted")
    staff.locator("#issue-licence").click()
    form = staff.locator("#licence-form")
    form.locator("[name=number]").fill(number)
    form.locator("[name=issued_on]").fill(timezone.localdate().isoformat())
    form.locator("[name=scan]").set_input_files(str(scan))
    shot(staff, f"issue-{name}")
    submit(staff, "#licence-form")
    expect(staff.locator("#request-status")).to_have_attribute("data-status", "issued")
    expect(staff.locator("#licence-number")).to_have_text(Licence.objects.get(request=licence_request).number)


@pytest.mark.e2e
def test_ask_for_a_pirt_with_its_nib_and_find_both_in_the_wallet(
    page: Page,
    new_context: Callable[..., BrowserContext],
    entrepreneur: User,
    mentor_tebet: User,
    agency_staff: User,
    shot: Shot,
    tmp_path: Path,
) -> None:
    participant = verified_participant("Tebet", user=entrepreneur)
    AssignmentFactory(participant=participant, mentor=mentor_tebet)
    pirt, nib = licence_type("pirt"), licence_type("nib")
    scan = tmp_path / "izin.png"
    scan.write_bytes(png_bytes((600, 400)))

    # 1. The participant asks for help with a P-IRT: the form offers the NIB it needs first.
    log_in(page, entrepreneur.email or "")
    expect(page.locator("#journey li[data-step=P4]")).to_have_attribute("data-state", "not_started")
    expect(page.locator("#licence-wallet")).to_be_visible()
    page.locator("#ask-for-licence").click()
    expect(page).to_have_url(re.compile(r"/perizinan/ajukan/$"))
    expect(page.locator("html")).to_have_attribute("lang", "id")
    form = page.locator("#request-form")
    form.locator(f"input[name=licence_type][value='{pirt.pk}']").check()
    expect(form.locator("[name=with_prerequisites]")).to_be_checked()
    form.locator("[name=subject]").fill("Sambal Bu Siti")
    assert fits_the_screen(page)
    shot(page, "request-form")
    submit(page, "#request-form")
    made = LicenceRequest.objects.get(participant=participant, licence_type=pirt)
    expect(page).to_have_url(re.compile(rf"/perizinan/permohonan/{made.pk}/$"))
    expect(page.locator("main .alert-success")).to_be_visible()
    expect(page.locator("#request-status")).to_have_attribute("data-status", "requested")
    nib_request = LicenceRequest.objects.get(participant=participant, licence_type=nib)
    assert nib_request.status == RequestStatus.REQUESTED and nib_request.pk < made.pk
    shot(page, "requested")
    page.goto("/beranda/")
    expect(page.locator("#journey li[data-step=P4]")).to_have_attribute("data-state", "in_progress")
    expect(page.locator(f"#wallet-requests li[data-request='{made.pk}']")).to_have_attribute(
        "data-status", "requested"
    )

    # 2. The P-IRT's documents are complete, but it waits for the NIB: staff are told, and offered no submission.
    staff = new_context().new_page()
    log_in(staff, agency_staff.email or "")
    staff.goto("/petugas/perizinan/")
    expect(staff.locator("#queue tr[data-request]")).to_have_count(2)
    shot(staff, "queue")
    open_from_queue(staff, made)
    mark_documents_complete(staff)
    expect(staff.locator("#prerequisite-not-held")).to_be_visible()
    expect(staff.locator("#move-submitted")).to_have_count(0)
    assert fits_the_screen(staff)
    shot(staff, "waits-for-nib")

    # 3. Agency staff move the NIB, then the P-IRT, to issued, each with its scan.
    open_from_queue(staff, nib_request)
    mark_documents_complete(staff)
    issue(staff, nib_request, "912 0301 234567", scan, shot, "nib")
    issue(staff, made, PIRT_NUMBER, scan, shot, "pirt")
    staff.goto("/petugas/perizinan/")
    expect(staff.locator("#queue tr[data-request]")).to_have_count(0)

    # 4. The participant finds both licences in the wallet on the home page, and opens a scan.
    page.goto("/beranda/")
    wallet = page.locator("#wallet-licences")
    expect(wallet.locator("li[data-licence]")).to_have_count(2)
    expect(wallet).to_contain_text(NIB_NUMBER)
    expect(wallet).to_contain_text(PIRT_NUMBER)
    expect(page.locator("#journey li[data-step=P4]")).to_have_attribute("data-state", "done")
    assert fits_the_screen(page)
    shot(page, "wallet")
    pirt_licence = Licence.objects.get(request=made)
    assert pirt_licence.expires_on is not None and pirt_licence.scan_content_type == "image/png"
    response = page.request.get(f"/perizinan/izin/{pirt_licence.public_id}/pindaian/")
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    page.goto("/perizinan/")
    expect(page.locator("#my-licences li[data-licence]")).to_have_count(2)
    shot(page, "my-licences")
