"""The choices of P6 bookkeeping: which way money went, what for, and what each category means for the
statements (SAK EMKM). One table, `CATEGORY_RULES`, says it all; the services, the statements and the import read
it, so a category's meaning is written once."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    IN = "in", _("Cash in")
    OUT = "out", _("Cash out")


class Category(models.TextChoices):
    # cash in
    SALES = "sales", _("Sales")
    OWNER_CAPITAL = "owner_capital", _("Owner's capital put in")
    LOAN_RECEIVED = "loan_received", _("Loan received")
    DEBT_COLLECTED = "debt_collected", _("Money owed to the business, collected")
    OTHER_IN = "other_in", _("Other income")
    # cash out
    RAW_MATERIALS = "raw_materials", _("Raw materials and stock")
    WAGES = "wages", _("Wages")
    RENT = "rent", _("Rent")
    EQUIPMENT = "equipment", _("Equipment")
    LOAN_REPAYMENT = "loan_repayment", _("Loan repayment")
    OWNER_DRAW = "owner_draw", _("Owner's draw (private use)")
    DEBT_PAID = "debt_paid", _("Money the business owed, paid")
    OTHER_OUT = "other_out", _("Other expense")


class Line(models.TextChoices):
    """Where a category lands in the statements."""

    REVENUE = "revenue", _("Revenue")
    EXPENSE = "expense", _("Expense")
    EQUIPMENT = "equipment", _("Equipment (an asset, at cost)")
    LOAN = "loan", _("Loans (a liability)")
    OWNER = "owner", _("Owner's capital (equity)")
    SETTLEMENT = "settlement", _("Settles money owed (neither revenue nor expense)")


@dataclass(frozen=True)
class CategoryRule:
    direction: str
    line: str
    manual: bool = True  # a person may type it; the settlement categories come only from settling a debt


CATEGORY_RULES: dict[str, CategoryRule] = {
    Category.SALES: CategoryRule(Direction.IN, Line.REVENUE),
    Category.OWNER_CAPITAL: CategoryRule(Direction.IN, Line.OWNER),
    Category.LOAN_RECEIVED: CategoryRule(Direction.IN, Line.LOAN),
    Category.DEBT_COLLECTED: CategoryRule(Direction.IN, Line.SETTLEMENT, manual=False),
    Category.OTHER_IN: CategoryRule(Direction.IN, Line.REVENUE),
    Category.RAW_MATERIALS: CategoryRule(Direction.OUT, Line.EXPENSE),
    Category.WAGES: CategoryRule(Direction.OUT, Line.EXPENSE),
    Category.RENT: CategoryRule(Direction.OUT, Line.EXPENSE),
    Category.EQUIPMENT: CategoryRule(Direction.OUT, Line.EQUIPMENT),
    Category.LOAN_REPAYMENT: CategoryRule(Direction.OUT, Line.LOAN),
    Category.OWNER_DRAW: CategoryRule(Direction.OUT, Line.OWNER),
    Category.DEBT_PAID: CategoryRule(Direction.OUT, Line.SETTLEMENT, manual=False),
    Category.OTHER_OUT: CategoryRule(Direction.OUT, Line.EXPENSE),
}


def categories_of(direction: str, *, manual_only: bool = True) -> list[str]:
    return [
        category
        for category, rule in CATEGORY_RULES.items()
        if rule.direction == direction and (rule.manual or not manual_only)
    ]


class DebtKind(models.TextChoices):
    RECEIVABLE = "receivable", _("Owed to the business (piutang)")
    PAYABLE = "payable", _("Owed by the business (hutang)")


# Settling a debt records the cash it moves, in its own category.
SETTLEMENT_CATEGORY = {DebtKind.RECEIVABLE: Category.DEBT_COLLECTED, DebtKind.PAYABLE: Category.DEBT_PAID}


class Source(models.TextChoices):
    """Who gave a month's figures."""

    MENTOR = "mentor", _("Mentor, on the participant's behalf")
    PARTICIPANT = "participant", _("The participant")
    BOOKS = "books", _("Computed from the cash book")


class EntrySource(models.TextChoices):
    TYPED = "typed", _("Typed")
    IMPORTED = "imported", _("Imported from a file")
    SETTLEMENT = "settlement", _("Settling money owed")
    OPENING = "opening", _("Opening balance")


class MonthAction(models.TextChoices):
    CLOSE = "close", _("Closed")
    REOPEN = "reopen", _("Reopened")


class ImportStatus(models.TextChoices):
    CHECKED = "checked", _("Checked, waiting for a decision")
    SAVED = "saved", _("Saved")
    DISCARDED = "discarded", _("Discarded")


class StatementLanguage(models.TextChoices):
    ID = "id", "Bahasa Indonesia"
    EN = "en", "English"
