"""The export pages: starting an export (the buttons under a list), a person's exports with their status, and the
download of a prepared file (its owner only). Thin: the service decides, these answer."""

import tempfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.web import request_user
from core import audit
from core.decisions import Refused
from core.files import private_file_response, private_headers
from core.pagination import paginate
from core.web import error_text

from . import registry, selectors, services
from .forms import StartForm
from .models import KEEP_DAYS, Export, Format, Status
from .writers import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, csv_chunks

SPOOL_BYTES = 8 * 1024 * 1024  # a small workbook is built in memory, a bigger one spills to a temporary file


def _refused(request: HttpRequest, reason: str, *, status: int) -> HttpResponse:
    return render(request, "exports/refused.html", {"reason": reason}, status=status)


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponseBase:
    """Export a list with the filter of its page: a small one downloads at once, a big one is prepared and its
    owner told when it is ready."""
    form = StartForm(request.POST)
    if not form.is_valid():
        return _refused(request, " ".join(str(e) for errors in form.errors.values() for e in errors), status=400)
    user = request_user(request)
    try:
        export = services.export_start(
            list_name=form.cleaned_data["list"],
            params=form.params(),
            fmt=form.cleaned_data["format"],
            acting_user=user,
        )
    except Refused as exc:  # the list's permission: who may not export it at all
        return _refused(request, error_text(exc), status=403)
    except ValidationError as exc:
        return _refused(request, error_text(exc), status=400)
    if export.status == Status.DIRECT:
        return _direct(export)
    messages.info(
        request,
        ngettext(
            "The list has %(count)d row: its file is being prepared. You will be told when it is ready to download "
            "here.",
            "The list has %(count)d rows: its file is being prepared. You will be told when it is ready to download "
            "here.",
            export.row_count,
        )
        % {"count": export.row_count},
    )
    return redirect("exports:list")


def _direct(export: Export) -> HttpResponseBase:
    """The answer of a small export: the CSV streamed row by row, the workbook written first (openpyxl finishes
    a file before it can be read) and then streamed."""
    entry = services.list_of(export.list_name)
    user, params = export.requested_by, services.params_of(export)
    if export.format == Format.CSV:
        response = StreamingHttpResponse(
            csv_chunks(entry.header(), entry.table(user, params)), content_type=CSV_CONTENT_TYPE
        )
        return private_headers(response, filename=export.filename, inline=False)
    out: Any = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115  # the response closes it
    services.write_file(entry, fmt=export.format, out=out, user=user, params=params)
    out.seek(0)
    return private_file_response(out, content_type=XLSX_CONTENT_TYPE, filename=export.filename)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The person's exports, newest first: what was exported with which filter, its status, and the download of a
    ready file until it expires."""
    page = paginate(selectors.exports_of(request.user), request.GET.get("page"))
    rows = [
        {
            "export": export,
            "title": entry.title if (entry := registry.get(export.list_name)) is not None else export.list_name,
        }
        for export in page.items
    ]
    return render(request, "exports/mine.html", {"page": page, "rows": rows, "keep_days": KEEP_DAYS})


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    """A ready file, for the person who asked for it; anyone else (and an expired file) gets a 404. Each download
    is recorded in the export's history."""
    export = get_object_or_404(selectors.downloadable(request.user), pk=pk)
    try:
        content = export.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    audit.record_view(export, user=request_user(request))
    return private_file_response(content, content_type=export.content_type, filename=export.filename)
