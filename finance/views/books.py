"""The cash book and money owed: the participant keeps their own (the book of a month with its running balance and
the quick entry form on top, money owed, the opening balance); their mentor and agency staff read it. Thin: find
what the user may reach (else 404), bind a form, call the service, render."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import permissions as account_permissions
from accounts.web import request_user
from core.dates import BAD_MONTH, EARLIEST_MONTH, first_of_month, parse_month
from core.money import format_rupiah
from core.web import add_service_errors, error_text, help_line
from mentoring import selectors as mentoring_selectors
from registration.models import Participant
from registration.selectors import is_verified, participant_of

from .. import permissions, selectors, services
from ..choices import Category, Direction
from ..forms import DebtForm, EntryForm, OpeningBalanceForm, SettleForm
from ..models import Debt, Entry

# a service's refusal without a field, shown next to the field it is about
ENTRY_ERRORS = {"month_closed": "day"}
DEBT_ERRORS = {"month_closed": "incurred_on"}
SETTLE_ERRORS = {"month_closed": "settled_on"}
OPENING_ERRORS = {"month_closed": "day"}


def _book_url(day: datetime.date | None = None) -> str:
    url = reverse("finance:book")
    return f"{url}?month={day:%Y-%m}" if day is not None else url


def _day_text(day: datetime.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _wanted_month(request: HttpRequest) -> tuple[datetime.date, bool]:
    """The month of ?month=YYYY-MM (the current one when none is given), and whether what was given is a month of
    the book (of the program, not still to come)."""
    current = first_of_month(timezone.localdate())
    text = request.GET.get("month", "").strip()
    if not text:
        return current, True
    month = parse_month(text)
    if month is None or not EARLIEST_MONTH <= month <= current:
        return current, False
    return month, True


def keeper_of(request: HttpRequest) -> Participant | HttpResponse:
    """The user's own participant record when they keep a book; else the page that says why not and what to do
    (or 403 for a role that keeps none)."""
    user = request_user(request)
    if not account_permissions.is_entrepreneur(user):
        raise PermissionDenied
    participant = participant_of(user)
    if participant is not None:
        decision = permissions.can_keep_books(user, participant, verified=is_verified(participant))
        if decision:
            return participant
    registration = getattr(participant, "registration", None) if participant is not None else None
    return render(
        request,
        "finance/book_not_open.html",
        {"participant": participant, "registration": registration, "help_line": help_line()},
    )


def _book_context(participant: Participant, month: datetime.date) -> dict[str, Any]:
    return {
        "participant": participant,
        "page": selectors.book_page(participant, month),
        "balance": selectors.cash_balance(participant),
    }


# --- the participant's own book -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest) -> HttpResponse:
    """The cash book of a month (?month=YYYY-MM, the current one by default) with the quick entry form on top."""
    keeper = keeper_of(request)
    if isinstance(keeper, HttpResponse):
        return keeper
    month, month_given_right = _wanted_month(request)
    status = 200
    if not month_given_right:
        messages.error(request, BAD_MONTH)
        status = 400
    form = EntryForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = services.entry_add(
                    participant=keeper,
                    day=data["day"],
                    direction=data["direction"],
                    category=data["category"],
                    amount=data["amount"],
                    note=data["note"],
                    acting_user=request_user(request),
                )
            except ValidationError as exc:
                add_service_errors(form, exc, code_fields=ENTRY_ERRORS)
            else:
                saved = _("Money in saved") if entry.direction == Direction.IN else _("Money out saved")
                messages.success(
                    request,
                    _("%(saved)s: %(amount)s, %(category)s, %(day)s.")
                    % {
                        "saved": saved,
                        "amount": format_rupiah(entry.amount),
                        "category": Category(entry.category).label,
                        "day": _day_text(entry.day),
                    },
                )
                return redirect(_book_url(entry.day))
        messages.error(request, _("The entry was not saved: see below."))
        status = 400
    context = {**_book_context(keeper, month), "form": form, "read_only": False}
    return render(request, "finance/book.html", context, status=status)


def _own_entry(request: HttpRequest, pk: int) -> Entry:
    entry: Entry = get_object_or_404(selectors.own_entries(request.user), pk=pk)
    return entry


def _fixed_entry_redirect(request: HttpRequest, entry: Entry) -> HttpResponse | None:
    """A settlement or the opening balance is changed where it is made: said, and sent there."""
    decision = services.entry_change_decision(entry)
    if decision:
        return None
    messages.info(request, str(decision.reason))
    if decision.code == "opening_entry":
        return redirect("finance:opening_balance")
    return redirect("finance:debts")


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _own_entry(request, pk)
    fixed = _fixed_entry_redirect(request, entry)
    if fixed is not None:
        return fixed
    initial = {f: getattr(entry, f) for f in ("direction", "amount", "category", "day", "note")}
    form = EntryForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.entry_update(
                    entry=entry,
                    day=data["day"],
                    direction=data["direction"],
                    category=data["category"],
                    amount=data["amount"],
                    note=data["note"],
                    acting_user=request_user(request),
                )
            except ValidationError as exc:
                add_service_errors(form, exc, code_fields=ENTRY_ERRORS)
            else:
                messages.success(request, _("The entry is corrected."))
                return redirect(_book_url(data["day"]))
        messages.error(request, _("The entry was not corrected: see below."))
    return render(
        request,
        "finance/book_entry_edit.html",
        {"entry": entry, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first (GET), deletes on the confirmation (POST)."""
    entry = _own_entry(request, pk)
    fixed = _fixed_entry_redirect(request, entry)
    if fixed is not None:
        return fixed
    status = 200
    if request.method == "POST":
        try:
            services.entry_delete(entry=entry, acting_user=request_user(request))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            status = 400
        else:
            messages.success(request, _("The entry is deleted."))
            return redirect(_book_url(entry.day))
    return render(request, "finance/book_entry_delete.html", {"entry": entry}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def opening_balance(request: HttpRequest) -> HttpResponse:
    """Start the book: the cash on hand and the equipment already owned on a day; changeable."""
    keeper = keeper_of(request)
    if isinstance(keeper, HttpResponse):
        return keeper
    current = selectors.opening_balance(keeper)
    initial = {"day": current.day, "cash": current.cash, "equipment": current.equipment} if current.day else {}
    form = OpeningBalanceForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.opening_balance_set(
                    participant=keeper,
                    day=data["day"],
                    cash=data["cash"],
                    equipment=data["equipment"],
                    acting_user=request_user(request),
                )
            except ValidationError as exc:
                add_service_errors(form, exc, code_fields=OPENING_ERRORS)
            else:
                if saved.day is None:
                    messages.success(request, _("The opening balance is removed."))
                    return redirect(_book_url())
                messages.success(
                    request,
                    _("The book starts on %(day)s with %(cash)s in cash and %(equipment)s of equipment.")
                    % {
                        "day": _day_text(saved.day),
                        "cash": format_rupiah(saved.cash),
                        "equipment": format_rupiah(saved.equipment),
                    },
                )
                return redirect(_book_url(saved.day))
        messages.error(request, _("The opening balance was not saved: see below."))
    return render(
        request,
        "finance/opening_balance.html",
        {"form": form, "current": current},
        status=400 if request.method == "POST" else 200,
    )


# --- money owed -------------------------------------------------------------------------------------------------


def _debt_values(form: DebtForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {name: data[name] for name in ("kind", "counterparty", "amount", "incurred_on", "due_on", "note")}


@login_required
@require_http_methods(["GET", "POST"])
def debts(request: HttpRequest) -> HttpResponse:
    """Money owed to and by the business: the form to add some, the open ones (due dates, overdue marks) and the
    latest settled ones."""
    keeper = keeper_of(request)
    if isinstance(keeper, HttpResponse):
        return keeper
    form = DebtForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                debt = services.debt_add(participant=keeper, **_debt_values(form), acting_user=request_user(request))
            except ValidationError as exc:
                add_service_errors(form, exc, code_fields=DEBT_ERRORS)
            else:
                messages.success(
                    request,
                    _("Saved: %(amount)s, %(kind)s, %(who)s.")
                    % {
                        "amount": format_rupiah(debt.amount),
                        "kind": debt.get_kind_display(),
                        "who": debt.counterparty,
                    },
                )
                return redirect("finance:debts")
        messages.error(request, _("The money owed was not saved: see below."))
    return render(
        request,
        "finance/debts.html",
        {"participant": keeper, "form": form, "debts": selectors.debt_book(keeper), "read_only": False},
        status=400 if request.method == "POST" else 200,
    )


def _own_debt(request: HttpRequest, pk: int) -> Debt:
    debt: Debt = get_object_or_404(selectors.own_debts(request.user), pk=pk)
    return debt


def _settled_redirect(request: HttpRequest, debt: Debt) -> HttpResponse | None:
    decision = services.debt_change_decision(debt)
    if decision:
        return None
    messages.info(request, str(decision.reason))
    return redirect("finance:debts")


@login_required
@require_http_methods(["GET", "POST"])
def debt_edit(request: HttpRequest, pk: int) -> HttpResponse:
    debt = _own_debt(request, pk)
    settled = _settled_redirect(request, debt)
    if settled is not None:
        return settled
    initial = {f: getattr(debt, f) for f in ("kind", "counterparty", "amount", "incurred_on", "due_on", "note")}
    form = DebtForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.debt_update(debt=debt, **_debt_values(form), acting_user=request_user(request))
            except ValidationError as exc:
                add_service_errors(form, exc, code_fields=DEBT_ERRORS)
            else:
                messages.success(request, _("The money owed is corrected."))
                return redirect("finance:debts")
        messages.error(request, _("The money owed was not corrected: see below."))
    return render(
        request,
        "finance/debt_edit.html",
        {"debt": debt, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def debt_settle(request: HttpRequest, pk: int) -> HttpResponse:
    """The money owed is paid: on which day (today unless changed); the cash it moves goes into the book."""
    debt = _own_debt(request, pk)
    if not debt.is_open:
        messages.info(request, _("This is settled already."))
        return redirect("finance:debts")
    form = SettleForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                entry = services.debt_settle(
                    debt=debt, settled_on=form.cleaned_data["settled_on"], acting_user=request_user(request)
                )
            except ValidationError as exc:
                add_service_errors(form, exc, code_fields=SETTLE_ERRORS)
            else:
                messages.success(
                    request,
                    _("Settled. %(amount)s is written in the cash book on %(day)s.")
                    % {"amount": format_rupiah(entry.amount), "day": _day_text(entry.day)},
                )
                return redirect("finance:debts")
        messages.error(request, _("It was not settled: see below."))
    return render(
        request,
        "finance/debt_settle.html",
        {"debt": debt, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def debt_unsettle(request: HttpRequest, pk: int) -> HttpResponse:
    """Settled by mistake: open again, its cash entry removed."""
    debt = _own_debt(request, pk)
    try:
        services.debt_unsettle(debt=debt, acting_user=request_user(request))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Marked not settled: its entry is removed from the cash book."))
    return redirect("finance:debts")


@login_required
@require_http_methods(["GET", "POST"])
def debt_delete(request: HttpRequest, pk: int) -> HttpResponse:
    debt = _own_debt(request, pk)
    settled = _settled_redirect(request, debt)
    if settled is not None:
        return settled
    status = 200
    if request.method == "POST":
        try:
            services.debt_delete(debt=debt, acting_user=request_user(request))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            status = 400
        else:
            messages.success(request, _("The money owed is deleted."))
            return redirect("finance:debts")
    return render(request, "finance/debt_delete.html", {"debt": debt}, status=status)


# --- a participant's book, read by their mentor and agency staff ------------------------------------------------


@login_required
@require_http_methods(["GET"])
def participant_books(request: HttpRequest, pk: int) -> HttpResponse:
    """A participant's cash book, balance and money owed, to read: an active mentor of their kecamatan, agency
    staff. Another's participant is 404; a role that may open the participant's page but not the books, 403."""
    participant: Participant = get_object_or_404(mentoring_selectors.participant_page(request.user), pk=pk)
    if not permissions.can_view_books(request.user, participant):
        raise PermissionDenied
    month, month_given_right = _wanted_month(request)
    if not month_given_right:
        messages.error(request, BAD_MONTH)
    context = {**_book_context(participant, month), "debts": selectors.debt_book(participant), "read_only": True}
    return render(request, "finance/book_participant.html", context, status=200 if month_given_right else 400)
