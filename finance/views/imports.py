"""The import of a month's transactions from a file: the participant sends a CSV or XLSX file, reads the report of
each row (the errors by row and field, the rows already in the book), and saves all of it, only the good rows, or
discards it; the template file to fill in, in their language. Thin: the participant's own book (else the page
that says why not), bind a form, call the service, render."""

import datetime
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.web import request_user
from core.files import private_bytes_response
from core.forms import DISCARD, SAVE_ALL, SAVE_GOOD
from core.web import add_service_errors, error_text

from .. import importing, services
from ..choices import Category, Direction, ImportStatus
from ..forms import ImportDecisionForm, ImportUploadForm
from ..models import ImportBatch
from ..selectors import imports as import_selectors
from .books import keeper_of

TEMPLATE_TYPES = {
    "csv": ("text/csv; charset=utf-8", importing.template_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", importing.template_xlsx),
}


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """Send a file of transactions: it is checked, row by row, and nothing is written in the book yet."""
    keeper = keeper_of(request)
    if isinstance(keeper, HttpResponse):
        return keeper
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = services.import_check(
                    participant=keeper,
                    file_name=upload.name or "",
                    content=upload.read(),
                    acting_user=request_user(request),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The file is checked. Nothing is in your book yet: see the report below."))
                return redirect("finance:import_detail", pk=batch.pk)
        messages.error(request, _("The file was not read: see below."))
        status = 400
    return render(
        request,
        "finance/import_upload.html",
        {"participant": keeper, "form": form, "imports": import_selectors.recent_imports(keeper)},
        status=status,
    )


def _bad_rows(batch: ImportBatch) -> list[dict[str, Any]]:
    """The errors of a batch grouped by row, each with its field's label."""
    by_row: dict[int, list[dict[str, str]]] = defaultdict(list)
    for error in batch.errors:
        label = importing.FIELD_LABELS[error["field"]]
        by_row[int(error["row"])].append({"field": str(label), "message": error["message"]})
    return [{"row": row, "problems": problems} for row, problems in sorted(by_row.items())]


def _good_rows(batch: ImportBatch) -> list[dict[str, Any]]:
    return [
        {
            **row,
            "day": datetime.date.fromisoformat(row["day"]),
            "direction_label": Direction(row["direction"]).label,
            "category_label": Category(row["category"]).label,
        }
        for row in batch.rows
    ]


@login_required
@require_http_methods(["GET", "POST"])
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The report of a checked file, row by row, and the decision on it: save all (only with no error), save
    the good rows, or discard."""
    keeper = keeper_of(request)
    if isinstance(keeper, HttpResponse):
        return keeper
    batch = get_object_or_404(import_selectors.own_imports(request.user), pk=pk)
    form = ImportDecisionForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            action = form.cleaned_data["action"]
            try:
                if action == DISCARD:
                    services.import_discard(batch=batch, acting_user=request_user(request))
                else:
                    batch = services.import_save(
                        batch=batch, only_good_rows=action == SAVE_GOOD, acting_user=request_user(request)
                    )
            except ValidationError as exc:
                messages.error(request, error_text(exc))
                status = 400
            else:
                if action == DISCARD:
                    messages.success(request, _("The file is discarded: nothing was written in your book."))
                    return redirect("finance:import_upload")
                messages.success(request, _("The file is saved in your book."))
                return redirect("finance:import_detail", pk=batch.pk)
        else:
            messages.error(request, _("Choose what to do with the file."))
            status = 400
    bad_rows = _bad_rows(batch)
    return render(
        request,
        "finance/import_detail.html",
        {
            "participant": keeper,
            "batch": batch,
            "bad_rows": bad_rows,
            "good_rows": _good_rows(batch),
            "new_count": len(batch.rows) - batch.repeated_count,
            "waiting": batch.status == ImportStatus.CHECKED,
            "saved": batch.status == ImportStatus.SAVED,
            "actions": {"save_all": SAVE_ALL, "save_good": SAVE_GOOD, "discard": DISCARD},
        },
        status=status,
    )


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    """The template file to fill in (?format=csv or xlsx), its headers and examples in the person's language."""
    wanted = request.GET.get("format", "csv")
    if wanted not in TEMPLATE_TYPES:
        return HttpResponseBadRequest(_("Choose the csv or xlsx format."))
    content_type, build = TEMPLATE_TYPES[wanted]
    name = _("transactions-template")
    return private_bytes_response(
        build(today=timezone.localdate()), content_type=content_type, filename=f"{name}.{wanted}"
    )
