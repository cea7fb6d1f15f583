"""P6 and P7 end to end in a real browser and against the live API: a verified participant records a month of
money in and out in the cash book (amounts typed the Indonesian way, on a phone), finds the month computed from
the book on the reports page and closes it, issues the SAK EMKM statements in Bahasa Indonesia and downloads the
PDF; anyone, not logged in, checks the code on the public page (and an unknown code is not genuine). With that
month reported, the participant now qualifies for a bank's product, asks for a loan referral sharing their
identity, business and statements; the Tebet mentor sends it to the bank; the bank's key reads it (the NIK whole)
and moves it under review, approved and disbursed; the participant sees it disbursed, and the journey shows P6 and
P7 told by their apps.

Selectors are ids, names, data- attributes and URLs, never visible text (the pages are in Bahasa Indonesia)."""

import datetime
import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from accounts.models import User
from capital import services as capital_services
from capital.choices import RateKind, ReferralStatus, SharedData
from capital.models import FinancingProduct, LoanReferral
from capital.tests.api_support import make_lender
from core.money import format_rupiah
from finance.models import Entry, MonthlyRecord, Statement
from mentoring.tests.factories import AssignmentFactory
from partners.choices import OrganisationKind, Step
from partners.tests.api_support import Partner
from registration.choices import Status
from registration.models import Participant
from registration.tests.factories import ParticipantFactory, RegistrationFactory
from tests.e2e.pages import Shot, fits_the_screen, log_in, submit

BUSINESS = "Dapur Sambal Bu Siti"
PRODUCT_CODE = "kredit-monas-pemula"
USE_OF_FUNDS = "Membeli kompor kedua dan bahan baku sebulan untuk pesanan katering."
ASKED = "15 juta"  # Rp 15.000.000, as people say it
APPROVED = 12_000_000
LENDER_REFERENCE = "KMP-2026-0042"
NEVER_ISSUED = "0" * 12  # a code of the right length, of a digit the portal's codes never carry

# A month of the cash book: (day of the month, money in or out, category, the amount as typed, the note, rupiah).
MONTH: list[tuple[int, str, str, str, str, int]] = [
    (1, "in", "owner_capital", "5.000.000", "Modal awal dari tabungan", 5_000_000),
    (2, "out", "raw_materials", "Rp 2.000.000", "Cabai, bawang, minyak", 2_000_000),
    (3, "in", "sales", "1.500.000", "Katering arisan RT 05", 1_500_000),
    (5, "out", "rent", "800 ribu", "Sewa dapur", 800_000),
    (10, "in", "sales", "750 ribu", "Penjualan di pasar Tebet", 750_000),
    (17, "in", "sales", "1,5 juta", "Pesanan kantor kelurahan", 1_500_000),
    (24, "in", "sales", "2.250.000", "Penjualan daring", 2_250_000),
    (28, "out", "wages", "1.200.000", "Upah dua pekerja", 1_200_000),
]
TURNOVER = sum(rupiah for _day, _way, category, _typed, _note, rupiah in MONTH if category == "sales")
EXPENSES = sum(rupiah for _day, way, _category, _typed, _note, rupiah in MONTH if way == "out")
PROFIT = TURNOVER - EXPENSES
CASH = sum(rupiah if way == "in" else -rupiah for _day, way, _category, _typed, _note, rupiah in MONTH)


def last_month() -> datetime.date:
    """The first day of the month before this one (Jakarta time, as the portal reckons it): over, so it closes."""
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def api_call(base_url: str, path: str, secret: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    """The lender's system calling the live API with its key (a POST when there is a body): the status and the
    JSON answer."""
    request = urllib.request.Request(  # noqa: S310 - the live server's own http:// address
        base_url + path,
        data=None if body is None else json.dumps(body).encode(),
        method="GET" if body is None else "POST",
        headers={
            "Authorization": f"Api-Key {secret}",
            "Accept": "application/json",
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return int(response.status), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return int(error.code), json.loads(error.read() or b"null")


def add_entry(page: Page, day: datetime.date, way: str, category: str, typed: str, note: str) -> None:
    """The quick entry of the cash book: money in or out (the big choice, its label), the amount as typed, the
    category, the day and a note; saved, the book of that month comes back with a success message."""
    form = page.locator("#entry-form")
    form.locator(f"#direction-choice input[value='{way}'] + label").click()
    expect(form.locator(f"#direction-choice input[value='{way}']")).to_be_checked()
    form.locator("[name=amount]").fill(typed)
    form.locator("[name=category]").select_option(category)
    form.locator("[name=day]").fill(day.isoformat())
    form.locator("[name=note]").fill(note)
    submit(page, "#entry-form")
    expect(page).to_have_url(re.compile(rf"/keuangan/buku-kas/\?month={day:%Y-%m}$"))
    expect(page.locator("main .alert-success")).to_be_visible()


def qualifying_product(bank: Partner, staff: User) -> FinancingProduct:
    """The bank's product for beginners (through the service): a month of financial reports up to last month and
    Rp 5 million of monthly turnover, no NIB."""
    return capital_services.product_create(
        code=PRODUCT_CODE,
        data=capital_services.ProductData(
            lender=bank.organisation,
            name="Kredit Monas Pemula",
            amount_min=5_000_000,
            amount_max=25_000_000,
            tenor_min_months=6,
            tenor_max_months=24,
            rate_percent=Decimal("6.00"),
            rate_kind=RateKind.INTEREST,
            min_report_months=1,
            min_monthly_turnover=5_000_000,
        ),
        acting_user=staff,
    )


@pytest.mark.e2e
def test_a_month_in_the_cash_book_becomes_verified_statements_and_a_disbursed_loan(
    page: Page,
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    entrepreneur: User,
    mentor_tebet: User,
    agency_staff: User,
    shot: Shot,
) -> None:
    siti: Participant = RegistrationFactory(
        participant=ParticipantFactory(user=entrepreneur),
        status=Status.APPROVED,
        decided_at=timezone.now(),
        business__name=BUSINESS,
    ).participant
    AssignmentFactory(participant=siti, mentor=mentor_tebet)
    bank = make_lender(agency_staff, "Bank DKI", kind=OrganisationKind.BANK, steps=[Step.P6, Step.P7])
    product = qualifying_product(bank, agency_staff)
    month = last_month()

    # 0. Before any bookkeeping: P6 and P7 not started, and the bank's product asks for reports first.
    log_in(page, entrepreneur.email or "")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("#journey li[data-step=P6]")).to_have_attribute("data-state", "not_started")
    expect(page.locator("#journey li[data-step=P7]")).to_have_attribute("data-state", "not_started")
    page.goto("/permodalan/")
    lacking = page.locator(f"#lacking [data-product='{PRODUCT_CODE}']")
    expect(lacking.locator("li[data-criterion=reports]")).to_have_count(1)
    expect(lacking.locator("li[data-criterion=turnover]")).to_have_count(1)
    expect(page.locator("#qualifying")).to_have_count(0)
    shot(page, "readiness-before")

    # 1. The cash book: a mistyped amount comes back next to its field with everything typed kept...
    page.goto("/keuangan/buku-kas/")
    expect(page.locator("#book-empty")).to_be_visible()
    form = page.locator("#entry-form")
    form.locator("#direction-choice input[value='in'] + label").click()
    form.locator("[name=amount]").fill("1.500.00")
    form.locator("[name=category]").select_option("sales")
    form.locator("[name=day]").fill(month.replace(day=3).isoformat())
    form.locator("[name=note]").fill("Katering arisan RT 05")
    submit(page, "#entry-form")
    expect(page.locator("main .alert-danger")).to_be_visible()
    expect(form.locator("[name=amount]")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(form.locator("[name=amount]")).to_have_value("1.500.00")
    expect(form.locator("[name=note]")).to_have_value("Katering arisan RT 05")
    assert not Entry.objects.filter(participant=siti).exists()
    shot(page, "book-bad-amount")

    # ... then a month of money in and out, the last month, each amount typed as people write rupiah.
    for day, way, category, typed, note, _rupiah in MONTH:
        add_entry(page, month.replace(day=day), way, category, typed, note)
    expect(page.locator("#book-month")).to_have_attribute("data-month", f"{month:%Y-%m}")
    lines = page.locator("#book-lines li[data-entry]")
    expect(lines).to_have_count(len(MONTH))
    expect(lines.last).to_contain_text(format_rupiah(CASH))  # the running balance after the last line
    expect(page.locator("#total-in")).to_have_text(format_rupiah(5_000_000 + TURNOVER))
    expect(page.locator("#total-out")).to_have_text(format_rupiah(EXPENSES))
    expect(page.locator("#closing-balance")).to_have_text(format_rupiah(CASH))
    expect(page.locator("#cash-balance")).to_have_text(format_rupiah(CASH))
    assert sorted(Entry.objects.filter(participant=siti).values_list("amount", flat=True)) == sorted(
        rupiah for *_rest, rupiah in MONTH
    )
    assert fits_the_screen(page)
    shot(page, "book-month")

    # 2. The reports page: last month computed from the book (owner's capital is no turnover); closed.
    page.locator("#to-reports").click()
    expect(page).to_have_url(re.compile(r"/keuangan/laporan/$"))
    row = page.locator(f"#months tr[data-month='{month:%Y-%m}']")
    expect(row).to_have_attribute("data-source", "books")
    cells = row.locator("td")
    expect(cells.nth(0)).to_have_text(format_rupiah(TURNOVER))
    expect(cells.nth(1)).to_have_text(format_rupiah(EXPENSES))
    expect(cells.nth(2)).to_have_text(format_rupiah(PROFIT))
    assert fits_the_screen(page)
    shot(page, "reports")
    row.locator("form[action='/keuangan/laporan/tutup/'] [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/keuangan/laporan/$"))
    expect(page.locator("main .alert-success")).to_be_visible()
    expect(row).to_have_attribute("data-closed", "")
    record = MonthlyRecord.objects.get(participant=siti, month=month)
    assert (record.turnover, record.expenses, record.profit) == (TURNOVER, EXPENSES, PROFIT)
    assert record.is_closed
    shot(page, "reports-closed")

    # 3. The statements of that month, in Bahasa Indonesia: issued with a code; the PDF downloaded.
    page.locator("#to-statements").click()
    expect(page).to_have_url(re.compile(r"/keuangan/laporan-keuangan/$"))
    expect(page.locator("#no-statements")).to_be_visible()
    form = page.locator("#statement-form")
    form.locator("[name=period_start]").fill(f"{month:%Y-%m}")
    form.locator("[name=period_end]").fill(f"{month:%Y-%m}")
    form.locator("[name=language]").select_option("id")
    submit(page, "#statement-form")
    expect(page).to_have_url(re.compile(r"/keuangan/laporan-keuangan/$"))
    expect(page.locator("main .alert-success")).to_be_visible()
    issued = page.locator("#statement-list li[data-code]")
    expect(issued).to_have_count(1)
    code = issued.get_attribute("data-code") or ""
    statement = Statement.objects.get(participant=siti)
    assert code == statement.code and statement.language == "id"
    expect(page.locator("main .alert-success")).to_contain_text(code)
    assert fits_the_screen(page)
    shot(page, "statements")
    with page.expect_download() as download_info:
        issued.locator(f"a[href='/keuangan/laporan-keuangan/{code}/pdf/']").click()
    download = download_info.value
    assert download.suggested_filename == f"laporan-keuangan-{code}.pdf"
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-1024:]
    assert 2_000 < len(pdf) < 2_000_000, len(pdf)

    # 4. Anyone, not logged in, checks the code: genuine, the business and the totals, nothing of the person.
    stranger = new_context().new_page()
    response = stranger.goto(f"/keuangan/verifikasi/{code}/")
    assert response is not None and response.status == 200
    expect(stranger.locator("#statement-genuine")).to_be_visible()
    expect(stranger.locator("#statement-business")).to_have_text(BUSINESS)
    expect(stranger.locator("#total-revenue")).to_have_text(format_rupiah(TURNOVER))
    expect(stranger.locator("#total-expenses")).to_have_text(format_rupiah(EXPENSES))
    expect(stranger.locator("#profit")).to_have_text(format_rupiah(PROFIT))
    expect(stranger.locator("#total-assets")).to_have_text(format_rupiah(CASH))
    expect(stranger.locator("#total-liabilities")).to_have_text(format_rupiah(0))
    expect(stranger.locator("#total-equity")).to_have_text(format_rupiah(CASH))
    assert siti.nik not in stranger.content() and siti.address not in stranger.content()
    assert fits_the_screen(stranger)
    shot(stranger, "verify-genuine")
    # the code as a bank types it from the paper, in lower case with dashes, on the check page
    stranger.goto("/keuangan/verifikasi/")
    typed = "-".join(code[i : i + 4] for i in range(0, len(code), 4)).lower()
    stranger.locator("#statement-code-form [name=code]").fill(typed)
    submit(stranger, "#statement-code-form")
    expect(stranger).to_have_url(re.compile(rf"/keuangan/verifikasi/{code}/$"))
    expect(stranger.locator("#statement-genuine")).to_be_visible()
    response = stranger.goto(f"/keuangan/verifikasi/{NEVER_ISSUED}/")
    assert response is not None and response.status == 404
    expect(stranger.locator("#statement-unknown")).to_be_visible()
    expect(stranger.locator("#statement-genuine")).to_have_count(0)
    shot(stranger, "verify-unknown")

    # 5. With last month reported, the participant qualifies for the bank's product and asks for a referral.
    page.goto("/permodalan/")
    card = page.locator(f"#qualifying [data-product='{PRODUCT_CODE}']")
    expect(card).to_be_visible()
    assert fits_the_screen(page)
    shot(page, "readiness-after")
    card.locator(f"a[href='/permodalan/produk/{PRODUCT_CODE}/']").click()
    expect(page).to_have_url(re.compile(rf"/permodalan/produk/{PRODUCT_CODE}/$"))
    expect(page.locator("#qualifies")).to_be_visible()
    page.locator("#ask-referral").click()
    expect(page).to_have_url(re.compile(rf"/permodalan/produk/{PRODUCT_CODE}/ajukan/$"))
    form = page.locator("#referral-form")
    expect(form.locator("#consent-text")).to_contain_text(bank.organisation.name)
    form.locator("[name=amount_requested]").fill(ASKED)
    form.locator("[name=tenor_months]").fill("12")
    form.locator("[name=use_of_funds]").fill(USE_OF_FUNDS)
    for shared in (SharedData.IDENTITY, SharedData.BUSINESS, SharedData.STATEMENTS):
        form.locator(f"[name=shared][value={shared.value}]").check()
    form.locator("[name=agree]").check()
    assert fits_the_screen(page)
    shot(page, "referral-form")
    submit(page, "#referral-form")
    referral = LoanReferral.objects.get(participant=siti, product=product)
    expect(page).to_have_url(re.compile(rf"/permodalan/rujukan/{referral.pk}/$"))
    expect(page.locator("main .alert-success")).to_be_visible()
    expect(page.locator("#referral-status [data-status]")).to_have_attribute("data-status", "requested")
    expect(page.locator("#shared li[data-shared]")).to_have_count(3)
    assert referral.amount_requested == 15_000_000 and referral.tenor_months == 12
    assert referral.consent.is_active and referral.consent.organisation == bank.organisation
    shot(page, "referral-requested")
    status, body = api_call(live_server.url, f"/api/v1/capital/referrals/{referral.pk}/", bank.secret)
    assert status == 404, body  # still the program's: the bank sees it once sent

    # 6. The Tebet mentor sends it to the bank from the queue.
    mentor = new_context().new_page()
    log_in(mentor, mentor_tebet.email or "")
    mentor.goto("/permodalan/antrean/")
    waiting = mentor.locator(f"#queue [data-referral='{referral.pk}']")
    expect(waiting).to_contain_text(siti.full_name)
    shot(mentor, "queue")
    waiting.locator(".send-form [type=submit]").click()
    expect(mentor).to_have_url(re.compile(r"/permodalan/antrean/$"))
    expect(mentor.locator("main .alert-success")).to_be_visible()
    expect(mentor.locator(f"#queue [data-referral='{referral.pk}']")).to_have_count(0)
    expect(mentor.locator("#queue-empty")).to_be_visible()
    assert fits_the_screen(mentor)
    shot(mentor, "queue-sent")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT

    # 7. The bank's key lists it, reads the data named (the NIK whole), and moves it to disbursed.
    status, body = api_call(live_server.url, "/api/v1/capital/referrals/", bank.secret)
    assert status == 200, body
    assert [row["id"] for row in body["results"]] == [referral.pk]
    assert body["results"][0]["status"] == "sent" and "identity" not in body["results"][0]
    detail = f"/api/v1/capital/referrals/{referral.pk}/"
    status, body = api_call(live_server.url, detail, bank.secret)
    assert status == 200, body
    assert body["identity"]["nik"] == siti.nik and body["identity"]["full_name"] == siti.full_name
    assert body["business"]["name"] == BUSINESS
    assert body["statements"]["latest_statement"]["code"] == code
    report = body["statements"]["reports"][0]
    assert report["month"] == month.isoformat() and (report["turnover"], report["profit"]) == (TURNOVER, PROFIT)
    assert body["amount_requested"] == 15_000_000 and body["use_of_funds"] == USE_OF_FUNDS
    moves = f"{detail}moves/"
    status, body = api_call(live_server.url, moves, bank.secret, {"status": "under_review"})
    assert status == 200 and body["status"] == "under_review", body
    status, body = api_call(
        live_server.url,
        moves,
        bank.secret,
        {"status": "approved", "amount": APPROVED, "lender_reference": LENDER_REFERENCE},
    )
    assert status == 200 and body["status"] == "approved" and body["amount_approved"] == APPROVED, body
    disbursed_on = timezone.localdate()
    status, body = api_call(
        live_server.url, moves, bank.secret, {"status": "disbursed", "amount": APPROVED, "day": str(disbursed_on)}
    )
    assert status == 200, body
    assert body["status"] == "disbursed" and body["amount_disbursed"] == APPROVED, body
    assert body["disbursed_on"] == disbursed_on.isoformat()
    assert [move["to_status"] for move in body["moves"]] == [
        "requested",
        "sent",
        "under_review",
        "approved",
        "disbursed",
    ]

    # 8. The participant sees it disbursed with the amount; the journey tells P6 and P7 from their apps.
    page.goto("/permodalan/rujukan/")
    listed = page.locator(f"#my-referrals [data-referral='{referral.pk}']")
    expect(listed).to_have_attribute("data-status", "disbursed")
    listed.click()
    expect(page).to_have_url(re.compile(rf"/permodalan/rujukan/{referral.pk}/$"))
    expect(page.locator("#referral-status [data-status]")).to_have_attribute("data-status", "disbursed")
    expect(page.locator("#amount-approved")).to_have_text(format_rupiah(APPROVED))
    expect(page.locator("#disbursed")).to_contain_text(format_rupiah(APPROVED))
    expect(page.locator("#referral-moves li[data-to]")).to_have_count(5)
    expect(page.locator("#referral-moves li[data-to=disbursed]")).to_have_count(1)
    expect(page.locator("main")).to_contain_text(LENDER_REFERENCE)
    assert fits_the_screen(page)
    shot(page, "referral-disbursed")
    page.goto("/beranda/")
    steps = page.locator("#journey li[data-step]")
    expect(steps).to_have_count(7)
    expect(page.locator("#journey li[data-state=coming]")).to_have_count(0)
    expect(page.locator("#journey li[data-step=P6]")).to_have_attribute("data-state", "in_progress")
    expect(page.locator("#journey li[data-step=P7]")).to_have_attribute("data-state", "done")
    assert fits_the_screen(page)
    shot(page, "home")
