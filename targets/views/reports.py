"""The weekly target reports, for agency staff: the list of reports (newest week first) with their downloads, the
button that builds this week's report now (up to today), and each report's XLSX workbook or PDF summary, served
from private storage (`core.files`) and recorded in the audit trail. Anyone else is refused (403)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.web import request_user
from core import audit
from core.files import private_file_response
from core.pagination import paginate
from core.web import error_text

from .. import services
from ..models import Report
from ..permissions import can_read_reports

REPORTS_PER_PAGE = 20
FILES = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "pdf": ("application/pdf", "pdf"),
}


def _may_read(request: HttpRequest) -> None:
    decision = can_read_reports(request.user)
    if not decision:
        raise PermissionDenied(decision.reason)


@login_required
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    _may_read(request)
    page = paginate(Report.objects.select_related("built_by"), request.GET.get("page"), per_page=REPORTS_PER_PAGE)
    this_week = services.week_of(timezone.localdate())
    return render(request, "targets/reports/list.html", {"page": page, "this_week": this_week})


@login_required
@require_POST
def report_build(request: HttpRequest) -> HttpResponse:
    """Build this week's report now, from Monday to today (the weekly run builds the finished week again)."""
    _may_read(request)
    try:
        report = services.report_build(
            week_start=services.week_of(timezone.localdate()), acting_user=request_user(request)
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The report of this week so far is built: %(report)s.") % {"report": report})
    return redirect("targets:reports")


@login_required
@require_GET
def report_download(request: HttpRequest, pk: int, kind: str) -> HttpResponseBase:
    _may_read(request)
    if kind not in FILES:
        raise Http404
    report = get_object_or_404(Report, pk=pk)
    content_type, extension = FILES[kind]
    stored = report.xlsx if kind == "xlsx" else report.pdf
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("This report's file is missing: build the week's report again.")) from exc
    audit.record_view(report, user=request_user(request))
    filename = f"{_('target-report')}-{report.week_start:%Y-%m-%d}.{extension}"
    return private_file_response(handle, content_type=content_type, filename=filename)
