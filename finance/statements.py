"""The financial statements of SAK EMKM (the standard of IAI for micro, small and medium entities) for a period
of months: the statement of financial position at the period's end, the income statement of the period and the
notes. The figures come from the ledger (`finance.ledger`: the arithmetic of the books, written once); where the
period has no cash book but monthly reports entered directly, from those reports (turnover, expenses, assets;
liabilities unknown, as the notes say).

`statement_figures` takes the snapshot a `Statement` keeps (JSON: the identity and every line and total, as
issued); the PDF and the public verification page show that snapshot, never the book as it is later. The PDF is
an HTML template rendered by WeasyPrint, as `training.certificates` does: nothing fetched from outside, the styles
in the template, the verification code and the public address on every page."""

import datetime
from dataclasses import dataclass
from typing import Any, NoReturn

from django.db.models import Q
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.dates import month_end
from core.files import private_bytes_response
from core.web import absolute_url
from licensing import selectors as licensing_selectors
from registration.choices import Sector
from registration.models import Business, Participant

from . import ledger
from .choices import Category, DebtKind, Source
from .models import Debt, MonthlyRecord, Statement

BOOKS = "books"  # the figures come from the cash book
REPORTED = "reported"  # from monthly reports entered directly


@dataclass(frozen=True)
class Line:
    label: str
    amount: int | None  # None: not known
    total: bool = False


@dataclass(frozen=True)
class Owed:
    counterparty: str
    amount: int
    incurred_on: datetime.date
    due_on: datetime.date | None


# --- the snapshot -----------------------------------------------------------------------------------------------


def business_number(participant: Participant, *, today: datetime.date) -> str:
    """The NIB the business holds on `today` (licensing's business-number licence, valid that day), or ""."""
    licences = licensing_selectors.licences_of(participant).filter(
        licensing_selectors.valid_on(today), licence_type__is_business_number=True
    )
    return str(licences.order_by("-issued_on").values_list("number", flat=True).first() or "")


def _identity(participant: Participant, business: Business, *, today: datetime.date) -> dict[str, Any]:
    return {
        "business_name": business.name,
        "owner_name": participant.full_name,
        "address": business.address,
        "kecamatan": participant.kecamatan.name,
        "sector": business.sector,
        "nib": business_number(participant, today=today),
        "started_on": business.started_on.isoformat() if business.started_on else None,
    }


def _owed(participant: Participant, day: datetime.date) -> dict[str, list[dict[str, Any]]]:
    """Money owed to and by the business still open at the end of `day`: one query."""
    debts = Debt.objects.filter(participant=participant, incurred_on__lte=day).filter(
        Q(settled_on__isnull=True) | Q(settled_on__gt=day)
    )
    found: dict[str, list[dict[str, Any]]] = {DebtKind.RECEIVABLE: [], DebtKind.PAYABLE: []}
    for debt in debts.order_by("incurred_on", "pk"):
        found[debt.kind].append(
            {
                "counterparty": debt.counterparty,
                "amount": debt.amount,
                "incurred_on": debt.incurred_on.isoformat(),
                "due_on": debt.due_on.isoformat() if debt.due_on else None,
            }
        )
    return found


def _from_books(participant: Participant, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    income = ledger.income(participant.pk, start, end)
    position = ledger.position(participant.pk, income.end)
    # assets = liabilities + equity by the ledger's construction: a statement that would not balance is not issued
    assert position.total_assets == position.total_liabilities + position.total_equity, "the ledger balances"
    owed = _owed(participant, income.end)
    return {
        "basis": BOOKS,
        "income": {
            "revenue": income.revenue,
            "expenses": income.expenses,
            "credit_sales": income.credit_sales,
            "credit_purchases": income.credit_purchases,
            "total_revenue": income.total_revenue,
            "total_expenses": income.total_expenses,
            "profit": income.profit,
        },
        "position": {
            "cash": position.cash,
            "receivables": position.receivables,
            "equipment": position.equipment,
            "payables": position.payables,
            "loans": position.loans,
            "owner_capital": position.owner_capital,
            "retained_profit": position.retained_profit,
            "total_assets": position.total_assets,
            "total_liabilities": position.total_liabilities,
            "total_equity": position.total_equity,
        },
        "receivables": owed[DebtKind.RECEIVABLE],
        "payables": owed[DebtKind.PAYABLE],
    }


def _from_reports(records: list[MonthlyRecord]) -> dict[str, Any]:
    """Figures of months reported directly: their turnover summed, expenses only when every month gives them,
    the assets of the last month; liabilities and equity unknown."""
    turnover = sum(record.turnover for record in records)
    known = [record.expenses for record in records if record.expenses is not None]
    expenses = sum(known) if len(known) == len(records) else None
    return {
        "basis": REPORTED,
        "income": {
            "revenue": {},
            "expenses": {},
            "credit_sales": 0,
            "credit_purchases": 0,
            "total_revenue": turnover,
            "total_expenses": expenses,
            "profit": turnover - expenses if expenses is not None else None,
        },
        "position": {
            "total_assets": records[-1].assets,
            "total_liabilities": None,
            "total_equity": None,
        },
        "receivables": [],
        "payables": [],
    }


def statement_figures(
    participant: Participant,
    business: Business,
    records: list[MonthlyRecord],
    *,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """The snapshot of a statement from month `start` to month `end` (first days): the identity, the income
    statement, the position at the end, money owed open then, workers and each month's report. `records` are
    the period's monthly reports, oldest first, one a month (the service checked it), all from the books or
    all entered directly."""
    today = today or timezone.localdate()
    from_books = records[0].source == Source.BOOKS
    figures = _from_books(participant, start, end) if from_books else _from_reports(records)
    return {
        **figures,
        "identity": _identity(participant, business, today=today),
        "period": {"start": start.isoformat(), "end": end.isoformat(), "last_day": month_end(end).isoformat()},
        "workers": records[-1].workers,
        "months": [
            {
                "month": record.month.isoformat(),
                "turnover": record.turnover,
                "expenses": record.expenses,
                "profit": record.profit,
            }
            for record in records
        ],
    }


# --- what a statement shows, in its language --------------------------------------------------------------------


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _owed_rows(rows: list[dict[str, Any]]) -> list[Owed]:
    return [
        Owed(
            counterparty=row["counterparty"],
            amount=int(row["amount"]),
            incurred_on=datetime.date.fromisoformat(row["incurred_on"]),
            due_on=_day(row["due_on"]),
        )
        for row in rows
    ]


def _category_lines(amounts: dict[str, int]) -> list[Line]:
    return [Line(str(Category(category).label), amount) for category, amount in amounts.items()]


def income_lines(figures: dict[str, Any]) -> tuple[list[Line], list[Line], Line]:
    """The income statement's revenue lines, expense lines (each ending with its total) and the profit."""
    income = figures["income"]
    if figures["basis"] == REPORTED:
        revenue = [Line(str(_("Turnover reported")), income["total_revenue"])]
        expenses = [Line(str(_("Expenses reported")), income["total_expenses"])]
    else:
        revenue = _category_lines(income["revenue"])
        if income["credit_sales"]:
            revenue.append(Line(str(_("Sales on credit")), income["credit_sales"]))
        expenses = _category_lines(income["expenses"])
        if income["credit_purchases"]:
            expenses.append(Line(str(_("Purchases on credit")), income["credit_purchases"]))
    revenue.append(Line(str(_("Total revenue")), income["total_revenue"], total=True))
    expenses.append(Line(str(_("Total expenses")), income["total_expenses"], total=True))
    return revenue, expenses, Line(str(_("Profit (loss) for the period")), income["profit"], total=True)


def position_lines(figures: dict[str, Any]) -> tuple[list[Line], list[Line], list[Line]]:
    """The statement of financial position's assets, liabilities and equity, each ending with its total."""
    position = figures["position"]
    if figures["basis"] == REPORTED:
        assets = [Line(str(_("Assets reported")), position["total_assets"])]
        liabilities: list[Line] = []
        equity: list[Line] = []
    else:
        assets = [
            Line(str(_("Cash")), position["cash"]),
            Line(str(_("Receivables (money owed to the business)")), position["receivables"]),
            Line(str(_("Equipment, at cost")), position["equipment"]),
        ]
        liabilities = [
            Line(str(_("Payables (money the business owes)")), position["payables"]),
            Line(str(_("Loans")), position["loans"]),
        ]
        equity = [
            Line(str(_("Owner's capital")), position["owner_capital"]),
            Line(str(_("Retained profit")), position["retained_profit"]),
        ]
    assets.append(Line(str(_("Total assets")), position["total_assets"], total=True))
    liabilities.append(Line(str(_("Total liabilities")), position["total_liabilities"], total=True))
    equity.append(Line(str(_("Total equity")), position["total_equity"], total=True))
    return assets, liabilities, equity


def statement_context(statement: Statement, *, verify_url: str) -> dict[str, Any]:
    """What the PDF template shows, in the active language (call under the statement's language)."""
    figures = statement.figures
    identity = figures["identity"]
    revenue, expenses, profit = income_lines(figures)
    assets, liabilities, equity = position_lines(figures)
    position = figures["position"]
    balanced = position["total_liabilities"] is not None and position["total_equity"] is not None
    return {
        "statement": statement,
        "figures": figures,
        "identity": identity,
        "sector": Sector(identity["sector"]).label if identity["sector"] in Sector.values else identity["sector"],
        "started_on": _day(identity.get("started_on")),
        "from_books": figures["basis"] == BOOKS,
        "last_day": datetime.date.fromisoformat(figures["period"]["last_day"]),
        "revenue": revenue,
        "expenses": expenses,
        "profit": profit,
        "expense_breakdown": [line for line in expenses if not line.total],
        "assets": assets,
        "liabilities": liabilities,
        "equity": equity,
        "liabilities_and_equity": (
            Line(
                str(_("Total liabilities and equity")),
                position["total_liabilities"] + position["total_equity"],
                total=True,
            )
            if balanced
            else None
        ),
        "balances": balanced and position["total_assets"] == position["total_liabilities"] + position["total_equity"],
        "receivables": _owed_rows(figures["receivables"]),
        "payables": _owed_rows(figures["payables"]),
        "months": [{**month, "month": datetime.date.fromisoformat(month["month"])} for month in figures["months"]],
        "verify_url": verify_url,
    }


# --- the PDF ----------------------------------------------------------------------------------------------------


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"The statements load no external resources ({url[:40]}).")


def statement_html(statement: Statement, *, verify_url: str) -> str:
    """The statements as the HTML the PDF is laid out from, in the statement's language."""
    with translation.override(statement.language):
        return render_to_string("finance/pdf/statement.html", statement_context(statement, verify_url=verify_url))


def statement_document(statement: Statement, *, verify_url: str) -> Any:
    """The laid-out statements (a WeasyPrint Document, A4 portrait)."""
    # Imported here: WeasyPrint is heavy to load, and only this download needs it.
    from weasyprint import HTML

    return HTML(string=statement_html(statement, verify_url=verify_url), url_fetcher=_refuse_fetch).render()


def statement_pdf(statement: Statement, *, verify_url: str) -> bytes:
    pdf: bytes = statement_document(statement, verify_url=verify_url).write_pdf()
    return pdf


def verify_url_of(statement: Statement) -> str:
    """The statement's public check: the portal's configured address, never a request's Host header."""
    return absolute_url("finance:statement_verify", statement.code)


def statement_pdf_response(statement: Statement) -> HttpResponse:
    return private_bytes_response(
        statement_pdf(statement, verify_url=verify_url_of(statement)),
        content_type="application/pdf",
        filename=f"laporan-keuangan-{statement.code}.pdf",
    )
