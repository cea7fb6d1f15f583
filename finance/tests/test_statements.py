"""The SAK EMKM statements on KNOWN data: the statement of financial position balances (assets = liabilities +
equity) and the income statement's totals are those computed by hand; months reported directly give the
fallback; the period's rules; the PDF in Indonesian and English, with the code and the public address on every
page."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from finance import services, statements
from finance.choices import CATEGORY_RULES, Category, DebtKind, StatementLanguage
from finance.models import MonthlyRecord, Source, Statement
from finance.tests.factories import MonthlyRecordFactory
from licensing.tests.factories import LicenceFactory
from mentoring.tests.factories import verified_participant
from registration.models import Participant
from registration.services import REFERENCE_ALPHABET

pytestmark = pytest.mark.django_db

JANUARY, FEBRUARY, MARCH = datetime.date(2025, 1, 1), datetime.date(2025, 2, 1), datetime.date(2025, 3, 1)
VERIFY_URL = "https://jakpreneur.jakarta.go.id/keuangan/verifikasi/ABCDEFGHJKLM/"


@pytest.fixture
def siti(entrepreneur: User) -> Participant:
    return verified_participant("Tebet", user=entrepreneur)


def entry(participant: Participant, day: datetime.date, category: str, amount: int) -> None:
    services.entry_add(
        participant=participant,
        day=day,
        direction=CATEGORY_RULES[category].direction,
        category=category,
        amount=amount,
        acting_user=participant.user,
    )


@pytest.fixture
def book(siti: Participant) -> Participant:
    """Two months of a small catering business, written through the book's services."""
    d = datetime.date
    entry(siti, d(2025, 1, 2), Category.OWNER_CAPITAL, 5_000_000)
    entry(siti, d(2025, 1, 5), Category.EQUIPMENT, 2_000_000)
    entry(siti, d(2025, 1, 10), Category.SALES, 3_000_000)
    entry(siti, d(2025, 1, 12), Category.RAW_MATERIALS, 1_200_000)
    sold = services.debt_add(
        participant=siti,
        kind=DebtKind.RECEIVABLE,
        counterparty="Bu Ani",
        amount=300_000,
        incurred_on=d(2025, 1, 20),
        acting_user=siti.user,
    )
    entry(siti, d(2025, 2, 3), Category.LOAN_RECEIVED, 4_000_000)
    services.debt_settle(debt=sold, settled_on=d(2025, 2, 5), acting_user=siti.user)
    services.debt_add(
        participant=siti,
        kind=DebtKind.RECEIVABLE,
        counterparty="Toko Maju",
        amount=700_000,
        incurred_on=d(2025, 2, 10),
        due_on=d(2025, 3, 10),
        acting_user=siti.user,
    )
    services.debt_add(
        participant=siti,
        kind=DebtKind.PAYABLE,
        counterparty="Pemasok Beras",
        amount=400_000,
        incurred_on=d(2025, 2, 12),
        acting_user=siti.user,
    )
    entry(siti, d(2025, 2, 15), Category.SALES, 2_500_000)
    entry(siti, d(2025, 2, 20), Category.WAGES, 800_000)
    entry(siti, d(2025, 2, 25), Category.RENT, 500_000)
    entry(siti, d(2025, 2, 26), Category.OWNER_DRAW, 300_000)
    entry(siti, d(2025, 2, 27), Category.LOAN_REPAYMENT, 1_000_000)
    return siti


def issue(participant: Participant, start: datetime.date, end: datetime.date, language: str = "id") -> Statement:
    return services.statement_issue(
        participant=participant, period_start=start, period_end=end, language=language, acting_user=participant.user
    )


def error_codes(caught: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return {field: [e.code or "" for e in errors] for field, errors in caught.value.error_dict.items()}


# --- the figures, on known data -----------------------------------------------------------------------------------


def test_the_position_balances_and_equals_the_figures_computed_by_hand(book: Participant) -> None:
    position = issue(book, JANUARY, FEBRUARY).figures["position"]
    # cash: in 5.0M + 3.0M + 4.0M + 0.3M (collected) + 2.5M = 14.8M; out 2.0M + 1.2M + 0.8M + 0.5M + 0.3M + 1.0M
    assert position == {
        "cash": 9_000_000,
        "receivables": 700_000,  # Toko Maju, open; Bu Ani's was collected
        "equipment": 2_000_000,
        "payables": 400_000,
        "loans": 3_000_000,  # 4.0M received, 1.0M repaid
        "owner_capital": 4_700_000,  # 5.0M put in, 0.3M drawn
        "retained_profit": 3_600_000,
        "total_assets": 11_700_000,
        "total_liabilities": 3_400_000,
        "total_equity": 8_300_000,
    }
    assert position["total_assets"] == position["total_liabilities"] + position["total_equity"]


def test_the_income_statement_of_two_months_equals_the_figures_computed_by_hand(book: Participant) -> None:
    income = issue(book, JANUARY, FEBRUARY).figures["income"]
    assert income == {
        "revenue": {"sales": 5_500_000},
        "expenses": {"raw_materials": 1_200_000, "wages": 800_000, "rent": 500_000},
        "credit_sales": 1_000_000,  # Bu Ani 0.3M in January, Toko Maju 0.7M in February
        "credit_purchases": 400_000,
        "total_revenue": 6_500_000,
        "total_expenses": 2_900_000,
        "profit": 3_600_000,
    }


def test_a_period_of_one_month_counts_only_that_months_income(book: Participant) -> None:
    figures = issue(book, FEBRUARY, FEBRUARY).figures
    assert (figures["income"]["total_revenue"], figures["income"]["total_expenses"]) == (3_200_000, 1_700_000)
    assert figures["income"]["profit"] == 1_500_000
    assert figures["position"]["total_assets"] == 11_700_000  # at the end of February, as for two months
    assert figures["position"]["retained_profit"] == 3_600_000  # every profit up to the end


def test_the_notes_list_money_owed_open_at_the_end_and_the_identity(book: Participant) -> None:
    figures = issue(book, JANUARY, FEBRUARY).figures
    assert figures["receivables"] == [
        {"counterparty": "Toko Maju", "amount": 700_000, "incurred_on": "2025-02-10", "due_on": "2025-03-10"}
    ]
    assert [row["counterparty"] for row in figures["payables"]] == ["Pemasok Beras"]
    assert figures["identity"] == {
        "business_name": "Warung Siti",
        "owner_name": book.full_name,
        "address": "Jl. Tebet Raya No. 1",
        "kecamatan": "Tebet",
        "sector": "culinary",
        "nib": "",
        "started_on": None,
    }
    assert figures["basis"] == statements.BOOKS
    assert [month["month"] for month in figures["months"]] == ["2025-01-01", "2025-02-01"]


def test_money_owed_settled_after_the_end_is_still_open_at_the_end(book: Participant) -> None:
    january = issue(book, JANUARY, JANUARY).figures
    assert [row["counterparty"] for row in january["receivables"]] == ["Bu Ani"]  # collected in February
    assert january["position"]["receivables"] == 300_000


def test_the_nib_held_is_in_the_identity(book: Participant) -> None:
    LicenceFactory(participant=book, number="9120001234567")
    LicenceFactory(
        participant=book,
        number="9120009999999",
        issued_on=datetime.date(2020, 1, 1),
        expires_on=datetime.date(2021, 1, 1),
    )
    assert issue(book, JANUARY, FEBRUARY).figures["identity"]["nib"] == "9120001234567"


def test_the_statement_keeps_its_figures_as_issued(book: Participant) -> None:
    statement = issue(book, JANUARY, FEBRUARY)
    entry(book, datetime.date(2025, 2, 28), Category.SALES, 1_000_000)
    statement.refresh_from_db()
    assert statement.figures["income"]["total_revenue"] == 6_500_000
    assert (statement.business_name, statement.owner_name, statement.kecamatan_name) == (
        "Warung Siti",
        book.full_name,
        "Tebet",
    )


# --- months reported directly -------------------------------------------------------------------------------------


def reported(participant: Participant, month: datetime.date, turnover: int, assets: int, **more: Any) -> None:
    MonthlyRecordFactory(
        participant=participant, month=month, turnover=turnover, assets=assets, source=Source.MENTOR, **more
    )


def test_months_reported_directly_give_turnover_and_assets_with_liabilities_unknown(siti: Participant) -> None:
    reported(siti, JANUARY, 3_000_000, 5_000_000)
    reported(siti, FEBRUARY, 4_000_000, 6_000_000)
    reported(siti, MARCH, 5_000_000, 7_000_000, workers=4)
    figures = issue(siti, JANUARY, MARCH).figures
    assert figures["basis"] == statements.REPORTED
    assert figures["income"]["total_revenue"] == 12_000_000
    assert figures["income"]["total_expenses"] is None  # the reports give no expenses
    assert figures["income"]["profit"] is None
    assert figures["position"] == {"total_assets": 7_000_000, "total_liabilities": None, "total_equity": None}
    assert figures["workers"] == 4


def test_expenses_reported_for_every_month_give_the_profit(siti: Participant) -> None:
    reported(siti, JANUARY, 3_000_000, 5_000_000, expenses=1_000_000, profit=2_000_000)
    reported(siti, FEBRUARY, 4_000_000, 6_000_000, expenses=1_500_000, profit=2_500_000)
    income = issue(siti, JANUARY, FEBRUARY).figures["income"]
    assert (income["total_expenses"], income["profit"]) == (2_500_000, 4_500_000)


def test_a_period_mixing_the_book_and_direct_reports_is_refused(book: Participant) -> None:
    reported(book, datetime.date(2024, 12, 1), 3_000_000, 5_000_000)
    with pytest.raises(ValidationError) as caught:
        issue(book, datetime.date(2024, 12, 1), FEBRUARY)
    assert error_codes(caught) == {"period_start": ["mixed_sources"]}


# --- the period -----------------------------------------------------------------------------------------------------


def test_every_month_of_the_period_must_be_reported(siti: Participant) -> None:
    reported(siti, JANUARY, 3_000_000, 5_000_000)
    reported(siti, MARCH, 3_000_000, 5_000_000)
    with pytest.raises(ValidationError) as caught:
        issue(siti, JANUARY, MARCH)
    assert error_codes(caught) == {"period_start": ["not_reported"]}
    assert "2025-02" in caught.value.messages[0]
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (MARCH, JANUARY, {"period_start": ["start_after_end"]}),
        (datetime.date(2023, 1, 1), datetime.date(2025, 1, 1), {"period_start": ["too_long"]}),  # 25 months
    ],
)
def test_a_period_must_run_forward_and_be_at_most_24_months(
    siti: Participant, start: datetime.date, end: datetime.date, expected: dict[str, list[str]]
) -> None:
    with pytest.raises(ValidationError) as caught:
        issue(siti, start, end)
    assert error_codes(caught) == expected


def test_twenty_four_months_reported_are_one_statement(siti: Participant) -> None:
    months = [datetime.date(2023 + (m // 12), m % 12 + 1, 1) for m in range(24)]
    MonthlyRecord.objects.bulk_create(
        MonthlyRecord(
            participant=siti,
            month=month,
            turnover=1_000_000,
            workers=1,
            assets=2_000_000,
            source=Source.PARTICIPANT,
            recorded_by=siti.user,
            recorded_at=timezone.now(),
            first_recorded_at=timezone.now(),
        )
        for month in months
    )
    assert issue(siti, months[0], months[-1]).figures["income"]["total_revenue"] == 24_000_000


def test_a_month_still_to_come_is_refused(siti: Participant) -> None:
    next_month = (timezone.localdate().replace(day=28) + datetime.timedelta(days=5)).replace(day=1)
    with pytest.raises(ValidationError) as caught:
        issue(siti, JANUARY, next_month)
    assert error_codes(caught) == {"period_end": ["future_month"]}


def test_the_code_is_twelve_characters_without_look_alikes_and_new_each_time(book: Participant) -> None:
    codes = {issue(book, JANUARY, FEBRUARY).code for _ in range(3)}
    assert len(codes) == 3
    assert all(len(code) == 12 and set(code) <= set(REFERENCE_ALPHABET) for code in codes)


@pytest.mark.parametrize("who", ["other_entrepreneur", "mentor_tebet", "agency_staff"])
def test_only_the_participant_issues_their_statements(
    request: pytest.FixtureRequest, book: Participant, who: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.statement_issue(
            participant=book,
            period_start=JANUARY,
            period_end=FEBRUARY,
            language="id",
            acting_user=request.getfixturevalue(who),
        )
    assert caught.value.code == "not_allowed"
    assert not Statement.objects.exists()


# --- the PDF --------------------------------------------------------------------------------------------------------


def page_texts(document: Any) -> list[str]:
    """The text WeasyPrint laid out on each page (what a PDF reader extracts), its lines joined as wrapped."""

    def walk(box: Any) -> list[str]:
        found = [box.text] if hasattr(box, "text") else []
        for child in getattr(box, "children", []):
            found.extend(walk(child))
        return found

    return ["".join(walk(page._page_box)) for page in document.pages]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (StatementLanguage.ID, ["Januari 2025", "Februari 2025", "Rp 11.700.000", "Rp 3.600.000"]),
        (StatementLanguage.EN, ["January 2025", "February 2025", "Rp 11.700.000", "Statement of financial position"]),
    ],
)
def test_the_pdf_renders_in_its_language_with_the_code_and_address_on_every_page(
    book: Participant, language: str, words: list[str]
) -> None:
    statement = issue(book, JANUARY, FEBRUARY, language)
    document = statements.statement_document(statement, verify_url=VERIFY_URL)
    texts = page_texts(document)
    assert len(texts) >= 2
    for text in texts:
        assert statement.code in text
        assert VERIFY_URL in text
    everything = " ".join(texts)
    for word in words:
        assert word in everything, word
    assert "Toko Maju" in everything and "Pemasok Beras" in everything
    assert statements.statement_pdf(statement, verify_url=VERIFY_URL).startswith(b"%PDF")


def test_the_pdf_prints_that_assets_equal_liabilities_and_equity(book: Participant) -> None:
    statement = issue(book, JANUARY, FEBRUARY, StatementLanguage.EN)
    html = statements.statement_html(statement, verify_url=VERIFY_URL)
    assert 'id="balance-check"' in html
    assert "Rp 11.700.000 = total liabilities and equity Rp 11.700.000" in html
    assert '<html lang="en">' in html


def test_the_pdf_of_reported_months_says_the_liabilities_are_unknown(siti: Participant) -> None:
    reported(siti, JANUARY, 3_000_000, 5_000_000)
    statement = issue(siti, JANUARY, JANUARY, StatementLanguage.EN)
    html = statements.statement_html(statement, verify_url=VERIFY_URL)
    assert 'id="reported-basis"' in html and 'id="balance-unknown"' in html
    assert 'id="balance-check"' not in html
    assert "not known" in html


def test_a_name_in_the_pdf_is_text_never_markup(book: Participant) -> None:
    statement = issue(book, JANUARY, FEBRUARY)
    statement.business_name = '<img src="https://example.com/x.png">'
    statement.figures["identity"]["business_name"] = '<img src="https://example.com/x.png">'
    html = statements.statement_html(statement, verify_url=VERIFY_URL)
    assert '<img src="https://' not in html  # escaped: a name is never markup
    assert "&lt;img" in html
    assert statements.statement_pdf(statement, verify_url=VERIFY_URL).startswith(b"%PDF")


def test_issuing_costs_as_many_queries_whatever_the_number_of_entries(
    book: Participant, django_assert_max_num_queries: Any
) -> None:
    with CaptureQueriesContext(connection) as first:
        issue(book, JANUARY, FEBRUARY)
    for day in range(1, 29):
        entry(book, datetime.date(2025, 2, day), Category.SALES, 10_000)
        services.debt_add(
            participant=book,
            kind=DebtKind.PAYABLE,
            counterparty=f"Pemasok {day}",
            amount=5_000,
            incurred_on=datetime.date(2025, 2, day),
            acting_user=book.user,
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        statement = issue(book, JANUARY, FEBRUARY)
    assert len(statement.figures["payables"]) == 29
