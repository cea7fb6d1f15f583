"""The ledger on known data: a realistic month of a small business written through the book's services (an
opening balance, a loan, sales in cash and on credit, purchases in cash and on credit, wages, rent, equipment, a
loan repayment, an owner's draw, money owed settled and not), and what the month's figures, the cash balance,
the income statement and the statement of financial position say of it. Assets = liabilities + equity."""

import datetime
from typing import Any

import pytest

from accounts.models import User
from finance import ledger, selectors, services
from finance.choices import Category, DebtKind
from finance.models import MonthlyRecord, Source
from finance.tests.books_support import add, keeper, owe
from registration.models import Participant

pytestmark = pytest.mark.django_db

MAY = datetime.date(2025, 5, 1)
MAY_END = datetime.date(2025, 5, 31)


def may(day: int) -> datetime.date:
    return datetime.date(2025, 5, day)


@pytest.fixture
def month(entrepreneur: User) -> Participant:
    """Sambal Bu Siti's May."""
    siti = keeper(entrepreneur)
    services.opening_balance_set(
        participant=siti, day=may(1), cash=1_000_000, equipment=2_000_000, acting_user=entrepreneur
    )
    add(siti, day=may(2), category=Category.LOAN_RECEIVED, amount=5_000_000, note="Kredit Monas Pemula")
    add(siti, day=may(3), category=Category.EQUIPMENT, amount=1_500_000, note="Blender besar")
    add(siti, day=may(5), category=Category.RAW_MATERIALS, amount=900_000, note="Cabai, bawang")
    add(siti, day=may(10), category=Category.SALES, amount=2_500_000)
    add(siti, day=may(20), category=Category.SALES, amount=1_500_000)
    add(siti, day=may(25), category=Category.WAGES, amount=1_000_000)
    add(siti, day=may(26), category=Category.RENT, amount=750_000)
    add(siti, day=may(28), category=Category.LOAN_REPAYMENT, amount=500_000)
    add(siti, day=may(30), category=Category.OWNER_DRAW, amount=300_000)
    catering = owe(siti, amount=600_000, incurred_on=may(8), due_on=may(22), counterparty="Katering Pak Budi")
    owe(siti, amount=300_000, incurred_on=may(18), due_on=datetime.date(2025, 6, 18), counterparty="Warung Bu Ani")
    chillies = owe(siti, kind=DebtKind.PAYABLE, amount=1_200_000, incurred_on=may(4), due_on=may(24))
    owe(siti, kind=DebtKind.PAYABLE, amount=500_000, incurred_on=may(27), due_on=None, counterparty="Toko Plastik")
    services.debt_settle(debt=catering, settled_on=may(21), acting_user=entrepreneur)
    services.debt_settle(debt=chillies, settled_on=may(24), acting_user=entrepreneur)
    return siti


def test_the_months_figures_count_credit_sales_and_purchases_when_made(month: Participant) -> None:
    figures = ledger.figures_by_month(month.pk, MAY, MAY)[MAY]
    assert (figures.turnover, figures.expenses, figures.profit) == (4_900_000, 4_350_000, 550_000)
    assert figures.entries == 14  # nine typed, three of the opening balance, two settlements
    record = MonthlyRecord.objects.get(participant=month, month=MAY)
    assert (record.source, record.turnover, record.expenses, record.profit) == (
        Source.BOOKS,
        4_900_000,
        4_350_000,
        550_000,
    )


def test_the_income_statement_puts_credit_on_its_own_lines(month: Participant) -> None:
    statement = ledger.income(month.pk, MAY, MAY)
    assert statement.revenue == {Category.SALES: 4_000_000}
    assert statement.expenses == {Category.RAW_MATERIALS: 900_000, Category.WAGES: 1_000_000, Category.RENT: 750_000}
    assert (statement.credit_sales, statement.credit_purchases, statement.profit) == (900_000, 1_700_000, 550_000)


def test_the_cash_balance_moves_with_cash_only(month: Participant) -> None:
    # in: 1.000.000 + 2.000.000 (opening) + 5.000.000 + 4.000.000 + 600.000 collected
    # out: 2.000.000 (opening equipment) + 1.500.000 + 900.000 + 1.000.000 + 750.000 + 500.000 + 300.000
    #      + 1.200.000 paid
    assert selectors.cash_balance(month) == 12_600_000 - 8_150_000 == 4_450_000
    assert ledger.cash_before(month.pk, may(21)) == 7_600_000  # before the catering's money was collected


def test_the_position_balances_at_the_months_end(month: Participant) -> None:
    position = ledger.position(month.pk, MAY_END)
    assert (position.cash, position.receivables, position.equipment) == (4_450_000, 300_000, 3_500_000)
    assert (position.payables, position.loans) == (500_000, 4_500_000)
    assert (position.owner_capital, position.retained_profit) == (2_700_000, 550_000)
    assert (position.total_assets, position.total_liabilities, position.total_equity) == (
        8_250_000,
        5_000_000,
        3_250_000,
    )
    assert position.total_assets == position.total_liabilities + position.total_equity


def test_the_position_balances_on_a_day_before_the_money_owed_was_settled(month: Participant) -> None:
    position = ledger.position(month.pk, may(20))
    assert (position.receivables, position.payables) == (900_000, 1_200_000)
    assert position.total_assets == position.total_liabilities + position.total_equity


def test_the_book_page_runs_the_balance_from_the_month_before(month: Participant) -> None:
    page = selectors.book_page(month, MAY)
    assert (page.opening, page.total_in, page.total_out, page.closing) == (0, 12_600_000, 8_150_000, 4_450_000)
    assert [line.balance for line in page.lines][-1] == page.closing
    assert [line.entry.day for line in page.lines] == sorted(line.entry.day for line in page.lines)
    assert sum(line.is_opening for line in page.lines) == 3 and sum(line.is_settlement for line in page.lines) == 2
    june = selectors.book_page(month, datetime.date(2025, 6, 1))
    assert (june.opening, june.lines, june.closing) == (4_450_000, [], 4_450_000)


def test_the_money_owed_left_open(month: Participant) -> None:
    book = selectors.debt_book(month, today=datetime.date(2025, 6, 20))
    assert [line.debt.counterparty for line in book.open] == ["Warung Bu Ani", "Toko Plastik"]
    assert [line.overdue for line in book.open] == [True, False]  # the second has no due date
    assert (book.receivable, book.payable, book.overdue_count) == (300_000, 500_000, 1)
    assert [line.debt.settled_on for line in book.settled] == [may(24), may(21)]


def test_the_positions_at_month_ends_agree_with_the_position_of_each_month_end(
    month: Participant, entrepreneur: User, django_assert_num_queries: Any
) -> None:
    june = datetime.date(2025, 6, 1)
    add(month, day=datetime.date(2025, 6, 3), category=Category.SALES, amount=800_000)
    open_debt = month.debts.get(counterparty="Warung Bu Ani", settled_on__isnull=True)
    services.debt_settle(debt=open_debt, settled_on=datetime.date(2025, 6, 18), acting_user=entrepreneur)
    april = datetime.date(2025, 4, 1)
    with django_assert_num_queries(2):
        found = ledger.positions_at_month_ends(month.pk, [april, MAY, june])
    for first, last in ((april, datetime.date(2025, 4, 30)), (MAY, MAY_END), (june, datetime.date(2025, 6, 30))):
        assert found[first] == ledger.position(month.pk, last)
    assert found[june].receivables == 0 and found[MAY].receivables == 300_000
