"""P1 at the kecamatan office: a mentor or secretariat member imports the participants of an offline spreadsheet.
They send the file (checked row by row by a task, nothing registered yet), watch its progress, read the report of
each row in their language (errors by row and column, NIKs already registered or twice in the file), and register
all of it (no errors), only the good rows, or discard it; the XLSX template to fill in, and the office's files.
Thin: who asks (their own office's files only), bind a form, call a service, render."""

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.web import request_user
from core.files import private_bytes_response
from core.forms import DISCARD, SAVE_ALL, SAVE_GOOD
from core.pagination import paginate
from core.web import add_service_errors, error_text

from .. import importing, selectors, services
from ..choices import ImportStatus, Track
from ..forms import ImportDecisionForm, ParticipantImportForm
from ..models import ParticipantImport
from ..nik import mask_nik
from ..permissions import can_decide_import, can_import_participants

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT = 5  # files shown under the upload form


def _importer(request: HttpRequest) -> None:
    if not can_import_participants(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """Send a spreadsheet of participants: read at once (a file that cannot be read is said so here), then its
    rows are checked by a task while its page shows the progress."""
    _importer(request)
    form = ParticipantImportForm(request.POST, request.FILES) if request.method == "POST" else ParticipantImportForm()
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = services.participant_import_check(
                    file_name=upload.name or "", content=upload.read(), acting_user=request_user(request)
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The file is read. Nobody is registered yet: see the report below."))
                return redirect("registration:import", pk=batch.pk)
        messages.error(request, _("The file was not read: see below."))
        status = 400
    recent = list(selectors.participant_imports_for(request.user)[:RECENT])
    return render(
        request,
        "registration/imports/upload.html",
        {"form": form, "imports": recent, "office": request_user(request).office},
        status=status,
    )


@login_required
@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    """Every file of the office, newest first."""
    _importer(request)
    page = paginate(selectors.participant_imports_for(request.user), request.GET.get("page"))
    return render(request, "registration/imports/list.html", {"page": page})


def _bad_rows(batch: ParticipantImport) -> list[dict[str, Any]]:
    """The errors of a batch grouped by row, each with its column's label."""
    by_row: dict[int, list[dict[str, str]]] = defaultdict(list)
    for error in batch.errors:
        label = importing.FIELD_LABELS.get(error["field"], importing.FIELD_LABELS[importing.ROW])
        by_row[int(error["row"])].append({"field": str(label), "message": error["message"]})
    return [{"row": row, "problems": problems} for row, problems in sorted(by_row.items())]


def _good_rows(batch: ParticipantImport) -> list[dict[str, Any]]:
    """The good rows waiting, as the report shows them (the NIK masked)."""
    if not batch.awaits_decision:
        return []
    rows = importing.rows_from_json(batch.rows, importing.Places.load())
    return [
        {
            "row": row.number,
            "full_name": row.person.full_name,
            "nik": mask_nik(row.person.nik),
            "track": Track(row.person.track).label,
            "kelurahan": row.person.kelurahan.name if row.person.kelurahan is not None else "",
            "business": row.business.name,
        }
        for row in rows
    ]


def _saved_rows(request: HttpRequest, batch: ParticipantImport) -> list[dict[str, Any]]:
    participants = selectors.imported_participants(request.user, batch)
    return [{**entry, "participant": participants.get(int(entry["participant"]))} for entry in batch.saved]


@login_required
@require_http_methods(["GET", "POST"])
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A file's page: its progress while a task checks or saves it, then the report of each row and the decision
    on it: register all (only with no error), the good rows only, or discard."""
    _importer(request)
    batch = get_object_or_404(selectors.participant_imports_for(request.user), pk=pk)
    form = ImportDecisionForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            action = form.cleaned_data["action"]
            try:
                if action == DISCARD:
                    services.participant_import_discard(batch=batch, acting_user=request_user(request))
                else:
                    services.participant_import_save_later(
                        batch=batch, only_good_rows=action == SAVE_GOOD, acting_user=request_user(request)
                    )
            except ValidationError as exc:
                messages.error(request, error_text(exc))
                status = 400
            else:
                if action == DISCARD:
                    messages.success(request, _("The file is discarded: nobody was registered."))
                else:
                    messages.success(request, _("The rows are being registered: this page shows the progress."))
                return redirect("registration:import", pk=batch.pk)
        else:
            messages.error(request, _("Choose what to do with the file."))
            status = 400
        batch.refresh_from_db()
    progress = selectors.import_progress(batch)
    good_rows = _good_rows(batch)
    return render(
        request,
        "registration/imports/detail.html",
        {
            "batch": batch,
            "progress": progress,
            "bad_rows": _bad_rows(batch),
            "good_rows": good_rows,
            "saved_rows": _saved_rows(request, batch) if batch.status == ImportStatus.SAVED else [],
            "may_decide": bool(can_decide_import(request.user, batch)),
            "actions": {"save_all": SAVE_ALL, "save_good": SAVE_GOOD, "discard": DISCARD},
        },
        status=status,
    )


@login_required
@require_GET
def import_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Where a file stands, for the page's progress (static/js/import_progress.js polls it)."""
    _importer(request)
    batch = get_object_or_404(selectors.participant_imports_for(request.user), pk=pk)
    progress = selectors.import_progress(batch)
    return JsonResponse(
        {"status": progress.status, "done": progress.done, "total": progress.total, "running": progress.running}
    )


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    """The XLSX template to fill in: its headers, and how to fill in each column, in the person's language."""
    _importer(request)
    office = request_user(request).office
    assert office is not None  # office staff have an office
    name = _("participants-template")
    return private_bytes_response(importing.template_xlsx(office=office), content_type=XLSX, filename=f"{name}.xlsx")
