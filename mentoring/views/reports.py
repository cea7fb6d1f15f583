"""Staff pages: every mentor's progress towards their target, and the monthly incentive report."""

import csv
import datetime
import io
import itertools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions as account_permissions
from core.dates import program_year_or_current
from core.pagination import paginate
from exports.writers import neutralise
from geography.models import Kecamatan

from .. import permissions, selectors
from ._common import BAD_MONTH, REPORT_MAX_MONTHS, BadMonth, month_param

# --- staff: mentors' progress and the incentive report ----------------------------------------------------------


def _year(request: HttpRequest) -> int:
    return program_year_or_current(request.GET.get("year"))


def _kecamatan_id(request: HttpRequest) -> int | None:
    """Agency staff may narrow to one kecamatan; a secretariat sees its own anyway."""
    if not account_permissions.is_program_wide(request.user):
        return None
    try:
        return int(request.GET.get("kecamatan", ""))
    except ValueError:
        return None


def _kecamatan_choices(request: HttpRequest) -> list[Kecamatan]:
    if not account_permissions.is_program_wide(request.user):
        return []
    return list(Kecamatan.objects.order_by("name"))


@login_required
def mentors(request: HttpRequest) -> HttpResponse:
    """Every mentor's progress towards their yearly target (agency: all; secretariat: their kecamatan)."""
    if not permissions.can_see_mentors(request.user):
        raise PermissionDenied
    year = _year(request)
    kecamatan_id, kecamatan = _kecamatan_id(request), _kecamatan_choices(request)
    page = paginate(
        selectors.mentors_progress(request.user, year=year, kecamatan_id=kecamatan_id), request.GET.get("page")
    )
    return render(
        request,
        "mentoring/mentors.html",
        {
            "page": page,
            "rows": [selectors.progress_of(m, year) for m in page.items],
            "year": year,
            "kecamatan": kecamatan,
            "kecamatan_id": kecamatan_id,
        },
    )


def _period(request: HttpRequest) -> tuple[datetime.date, datetime.date]:
    """The report's months from ?start=YYYY-MM to ?end=YYYY-MM (default: this month), at most twelve. Raises
    BadMonth when either is given but is not a month."""
    start = month_param(request, "start") or timezone.localdate().replace(day=1)
    end = month_param(request, "end") or start
    if end < start:
        start, end = end, start
    period = selectors.months(start, end)
    if len(period) > REPORT_MAX_MONTHS:
        end = period[REPORT_MAX_MONTHS - 1]
    return start, end


@login_required
def incentive_report(request: HttpRequest) -> HttpResponse:
    """The monthly incentive report: activities counted per mentor per month, a page of mentors at a time."""
    if not permissions.can_see_mentors(request.user):
        raise PermissionDenied
    status = 200
    try:
        start, end = _period(request)
    except BadMonth:
        messages.error(request, BAD_MONTH)
        status = 400
        start = end = timezone.localdate().replace(day=1)
    kecamatan_id, kecamatan = _kecamatan_id(request), _kecamatan_choices(request)
    page = paginate(
        selectors.mentors_in_scope(request.user, kecamatan_id=kecamatan_id)
        .select_related("office")
        .order_by("office__name", "full_name", "pk"),
        request.GET.get("page"),
    )
    return render(
        request,
        "mentoring/incentive_report.html",
        {
            "page": page,
            "rows": selectors.incentive_rows(page.items, first=start, last=end),
            "start": start,
            "end": end,
            "kecamatan": kecamatan,
            "kecamatan_id": kecamatan_id,
        },
        status=status,
    )


def _report_table(rows: list[selectors.IncentiveRow]) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("Mentor"),
        _("Kecamatan"),
        _("Month"),
        _("Visits"),
        _("Participants registered"),
        _("Follow-ups done"),
    ]
    body = [
        [
            row.mentor.full_name,
            row.mentor.office.name if row.mentor.office else "",
            f"{row.month:%Y-%m}",
            row.visits,
            row.registered,
            row.follow_ups_done,
        ]
        for row in rows
    ]
    return header, body


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def incentive_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The whole incentive report of the period, as CSV or XLSX."""
    if not permissions.can_see_mentors(request.user):
        raise PermissionDenied
    if fmt not in ("csv", "xlsx"):
        raise Http404
    try:
        start, end = _period(request)
    except BadMonth:
        return HttpResponseBadRequest(str(BAD_MONTH), content_type="text/plain; charset=utf-8")
    kecamatan_id = _kecamatan_id(request)
    everyone = list(
        selectors.mentors_in_scope(request.user, kecamatan_id=kecamatan_id)
        .select_related("office")
        .order_by("office__name", "full_name", "pk")
    )
    header, body = _report_table(selectors.incentive_rows(everyone, first=start, last=end))
    filename = f"insentif-mentor-{start:%Y-%m}_{end:%Y-%m}.{fmt}"
    if fmt == "csv":
        writer = csv.writer(_Echo())
        lines = (
            writer.writerow([neutralise(value) if isinstance(value, str) else value for value in line])
            for line in [header, *body]
        )
        response: HttpResponseBase = StreamingHttpResponse(
            itertools.chain(["\ufeff"], lines),  # the byte-order mark tells spreadsheets it is UTF-8
            content_type="text/csv; charset=utf-8",
        )
    else:
        response = HttpResponse(
            _xlsx(header, body), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _xlsx(header: list[str], body: list[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Incentives"))
    sheet.append(header)
    for line in body:
        cells = []
        for value in line:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
