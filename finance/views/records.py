"""P6 pages of the monthly report. Thin: check who asks, get the participant through a scoped selector (another's
is 404), bind a form, call the service, render.

- a mentor records a participant's month on their behalf (`monthly_records`);
- the participant's reports (`reports`): their months, computed from the cash book or entered, closed or open,
  with the charts and their business before and after; entering a month directly, the workers of a month from
  the books, closing and reopening (`report_*`);
- a participant's reports read by their mentor or agency staff (`participant_reports`; staff close and reopen);
- the program's before and after by kecamatan, for agency staff (`program`)."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions as account_permissions
from accounts.web import request_user
from core.dates import BAD_MONTH, FIRST_PROGRAM_YEAR, parse_month
from core.web import add_service_errors, error_text
from mentoring import selectors as mentoring_selectors
from registration.models import Participant
from registration.selectors import is_verified

from .. import permissions, selectors, services
from ..forms import CloseMonthForm, MonthlyRecordForm, ReopenMonthForm, WorkersForm
from ..models import MonthlyRecord
from ..selectors.records import ReportMonth

FIGURES = ("month", "turnover", "expenses", "workers", "assets")
# a service's refusal without a field, shown next to the field it is about
RECORD_ERRORS = {"month_closed": "month"}


def _wanted_month(request: HttpRequest) -> tuple[datetime.date | None, bool]:
    """The month of ?month=YYYY-MM (a recorded month to correct), and whether the text given was one."""
    text = request.GET.get("month", "")
    if not text.strip():
        return None, True
    month = parse_month(text)
    return month, month is not None


def _month_text(month: datetime.date) -> str:
    return formats.date_format(month, "F Y")


@login_required
@require_http_methods(["GET", "POST"])
def monthly_records(request: HttpRequest, pk: int) -> HttpResponse:
    """A mentor records a participant's turnover, workers and assets of a month, on their behalf."""
    person: Participant = get_object_or_404(mentoring_selectors.participant_page(request.user), pk=pk)
    if not permissions.can_record_on_behalf(request.user, person):
        raise PermissionDenied
    status = 200
    initial: dict[str, Any] = {}
    if request.method == "GET":
        wanted, given_right = _wanted_month(request)
        if not given_right:
            messages.error(request, BAD_MONTH)
            status = 400
        if wanted is not None:
            record = selectors.participant_record_of(person, wanted)
            if record is not None:
                initial = {f: getattr(record, f) for f in FIGURES}
    if not initial:
        initial = {"month": timezone.localdate().replace(day=1)}
    form = MonthlyRecordForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                _record, created = services.monthly_record_save(
                    participant=person,
                    month=form.cleaned_data["month"],
                    turnover=form.cleaned_data["turnover"],
                    expenses=form.cleaned_data["expenses"],
                    workers=form.cleaned_data["workers"],
                    assets=form.cleaned_data["assets"],
                    acting_user=request_user(request),
                )
            except ValidationError as exc:
                add_service_errors(form, exc, code_fields=RECORD_ERRORS)
            else:
                messages.success(request, _("Indicators saved.") if created else _("Indicators updated."))
                return redirect("finance:monthly_records", pk=person.pk)
        messages.error(request, _("The indicators were not saved: see below."))
        status = 400
    return render(
        request,
        "finance/monthly_records.html",
        {"participant": person, "form": form, "records": selectors.participant_records(person)},
        status=status,
    )


# --- the participant's reports ------------------------------------------------------------------------------------


def _own(request: HttpRequest) -> Participant | None:
    """The user's own participant record (with its registration, kecamatan and business: one query), or None when
    they have none; 403 for a role that reports nothing."""
    if not account_permissions.is_entrepreneur(request.user):
        raise PermissionDenied
    user = request_user(request)
    return Participant.objects.select_related("registration", "kecamatan", "business").filter(user=user).first()


def _reporting(request: HttpRequest, pk: int | None) -> Participant:
    """The participant whose reports a POST changes: the user's own once verified (else 403), or, with `pk`, one
    whose page the user may open (else 404) and whose books they read (else 403)."""
    if pk is None:
        participant = _own(request)
        if participant is None or not is_verified(participant):
            raise PermissionDenied
        return participant
    participant = get_object_or_404(mentoring_selectors.participant_page(request.user), pk=pk)
    if not permissions.can_view_books(request.user, participant):
        raise PermissionDenied
    return participant


def _reports_url(participant: Participant, *, own: bool) -> str:
    return reverse("finance:reports") if own else reverse("finance:participant_reports", args=[participant.pk])


def _entry_forms(
    request: HttpRequest, participant: Participant, months: list[ReportMonth]
) -> tuple[Form | None, bool]:
    """The form the participant's page offers for ?month=: the workers of a month from the books, else the figures
    of a month entered directly (prefilled when it is reported); and whether ?month= was a month."""
    wanted, given_right = _wanted_month(request)
    if not given_right:
        messages.error(request, BAD_MONTH)
    record: MonthlyRecord | None = None
    if wanted is not None:
        record = next((row.record for row in months if row.month == wanted), None)
        if record is None and not any(row.month == wanted for row in months):
            record = selectors.participant_record_of(participant, wanted)
    if record is not None and record.from_books:
        return WorkersForm(initial={"month": record.month, "workers": record.workers}), given_right
    if record is not None:
        return MonthlyRecordForm(initial={f: getattr(record, f) for f in FIGURES}), given_right
    return MonthlyRecordForm(initial={"month": wanted or timezone.localdate().replace(day=1)}), given_right


def _form_month(form: Form | None) -> datetime.date | None:
    """The month a form is about: the one typed when it is valid, else the one it was given."""
    if form is None:
        return None
    if form.is_bound:
        return form.cleaned_data.get("month") if hasattr(form, "cleaned_data") else None
    month = form.initial.get("month")
    return month if isinstance(month, datetime.date) else None


def _render_reports(
    request: HttpRequest,
    participant: Participant,
    *,
    own: bool,
    status: int = 200,
    entry_form: Form | None = None,
    reopen_form: ReopenMonthForm | None = None,
) -> HttpResponse:
    user = request_user(request)
    today = timezone.localdate()
    verified = is_verified(participant)
    context: dict[str, Any] = {"participant": participant, "own": own, "verified": verified}
    if own and not verified:
        return render(request, "finance/reports.html", context, status=status)
    months = selectors.report_months(participant, today=today)
    if own and entry_form is None:
        entry_form, given_right = _entry_forms(request, participant, months)
        status = status if given_right else 400
    business = getattr(participant, "business", None)
    current = today.replace(day=1)
    context.update(
        {
            "months": months,
            "chart": selectors.chart_data(months),
            "has_cash": any(row.cash_end is not None for row in months),
            "before_after": selectors.before_after(participant, business, today=today) if business else None,
            "entry_form": entry_form if own else None,
            "entry_month": _form_month(entry_form),
            "reopen_form": reopen_form,
            "current_month": current,
            "may_close": bool(permissions.can_close_month(user, participant)),
            "may_reopen": bool(permissions.can_reopen_month(user, participant)),
            "url": _reports_url(participant, own=own),
            "close_url": reverse("finance:report_close")
            if own
            else reverse("finance:participant_report_close", args=[participant.pk]),
            "reopen_url": reverse("finance:report_reopen")
            if own
            else reverse("finance:participant_report_reopen", args=[participant.pk]),
        }
    )
    return render(request, "finance/reports.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def reports(request: HttpRequest) -> HttpResponse:
    """The participant's monthly reports; a POST enters a month's figures directly (a month without entries)."""
    participant = _own(request)
    if request.method == "POST" and not is_verified(participant):
        raise PermissionDenied
    if participant is None:
        return render(request, "finance/reports.html", {"participant": None, "own": True, "verified": False})
    if request.method == "GET":
        return _render_reports(request, participant, own=True)
    form = MonthlyRecordForm(request.POST)
    if form.is_valid():
        try:
            _record, created = services.monthly_record_save(
                participant=participant,
                month=form.cleaned_data["month"],
                turnover=form.cleaned_data["turnover"],
                expenses=form.cleaned_data["expenses"],
                workers=form.cleaned_data["workers"],
                assets=form.cleaned_data["assets"],
                acting_user=request_user(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc, code_fields=RECORD_ERRORS)
        else:
            month = _month_text(form.cleaned_data["month"])
            messages.success(
                request,
                (_("The report of %(month)s is saved.") if created else _("The report of %(month)s is updated."))
                % {"month": month},
            )
            return redirect("finance:reports")
    messages.error(request, _("The report was not saved: see below."))
    return _render_reports(request, participant, own=True, status=400, entry_form=form)


@login_required
@require_POST
def report_workers(request: HttpRequest) -> HttpResponse:
    """The workers of a month whose other figures come from the cash book."""
    participant = _reporting(request, None)
    form = WorkersForm(request.POST)
    if form.is_valid():
        try:
            services.monthly_record_save(
                participant=participant,
                month=form.cleaned_data["month"],
                workers=form.cleaned_data["workers"],
                acting_user=request_user(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc, code_fields=RECORD_ERRORS)
        else:
            messages.success(
                request,
                _("The workers of %(month)s are saved.") % {"month": _month_text(form.cleaned_data["month"])},
            )
            return redirect("finance:reports")
    messages.error(request, _("The workers were not saved: see below."))
    return _render_reports(request, participant, own=True, status=400, entry_form=form)


@login_required
@require_POST
def report_close(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Close a month's books, and the earlier open months with it."""
    participant = _reporting(request, pk)
    form = CloseMonthForm(request.POST)
    if form.is_valid():
        try:
            closed = services.month_close(
                participant=participant, month=form.cleaned_data["month"], acting_user=request_user(request)
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("%(month)s is closed.") % {"month": _month_text(closed[-1].month)}
                if len(closed) == 1
                else ngettext(
                    "%(month)s is closed, with the open month before it.",
                    "%(month)s is closed, with the %(count)d open months before it.",
                    len(closed) - 1,
                )
                % {"month": _month_text(closed[-1].month), "count": len(closed) - 1},
            )
            return redirect(_reports_url(participant, own=pk is None))
    else:
        messages.error(request, BAD_MONTH)
    return _render_reports(request, participant, own=pk is None, status=400)


@login_required
@require_POST
def report_reopen(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Reopen a closed month, and the later closed months with it; the reason is kept."""
    participant = _reporting(request, pk)
    form = ReopenMonthForm(request.POST)
    if form.is_valid():
        try:
            reopened = services.month_reopen(
                participant=participant,
                month=form.cleaned_data["month"],
                reason=form.cleaned_data["reason"],
                acting_user=request_user(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(month)s is open again.") % {"month": _month_text(reopened[0].month)}
                if len(reopened) == 1
                else ngettext(
                    "%(month)s is open again, with the closed month after it.",
                    "%(month)s is open again, with the %(count)d closed months after it.",
                    len(reopened) - 1,
                )
                % {"month": _month_text(reopened[0].month), "count": len(reopened) - 1},
            )
            return redirect(_reports_url(participant, own=pk is None))
    messages.error(request, _("The month was not reopened: see below."))
    return _render_reports(request, participant, own=pk is None, status=400, reopen_form=form)


@login_required
@require_GET
def participant_reports(request: HttpRequest, pk: int) -> HttpResponse:
    """A participant's reports, read by an active mentor of their kecamatan or agency staff (who also close and
    reopen months). Another's participant is 404; a role that opens the participant's page but not the books,
    403."""
    participant = _reporting(request, pk)
    return _render_reports(request, participant, own=False)


# --- the program, for agency staff ---------------------------------------------------------------------------------


def _program_year(request: HttpRequest, text: str, today: datetime.date) -> tuple[int, bool]:
    """The year asked for (the current one when none is) and whether it was a good one (else said so)."""
    if not text:
        return today.year, True
    try:
        year = int(text) if text.isdigit() else 0
        services.check_program_year(year, today)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return today.year, False
    return year, True


@login_required
@require_http_methods(["GET", "POST"])
def program(request: HttpRequest) -> HttpResponse:
    """The program's before and after (participants reporting in a year's twelve months) and their changes of
    class, in total and by kecamatan, as last computed (nightly, or when staff ask: POST). ?year=YYYY picks the
    year (the latest twelve months for the current one)."""
    if not permissions.can_view_program(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    if request.method == "POST":
        year, good = _program_year(request, request.POST.get("year", "").strip(), today)
        if good:
            try:
                services.program_report_request(year=year, acting_user=request_user(request), today=today)
            except ValidationError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(
                    request,
                    _("The figures of %(year)s are being computed from the latest reports: they show here when ready.")
                    % {"year": year},
                )
        return redirect(f"{reverse('finance:program')}?year={year}")
    year, good = _program_year(request, request.GET.get("year", "").strip(), today)
    report = selectors.program_report(year)
    return render(
        request,
        "finance/program.html",
        {
            "report": report,
            "figures": selectors.program_figures(report) if report else None,
            "year": year,
            "years": list(range(today.year, FIRST_PROGRAM_YEAR - 1, -1)),
        },
        status=200 if good else 400,
    )
