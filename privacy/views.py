"""The personal-data pages (UU PDP 27/2022): a participant's own data, shown and downloaded (JSON, PDF); who
processed it (the audit trail and the partners' reads); and for agency staff the breach-notice aid. Thin: the
predicates decide, the selectors read, the services record a download, a deletion asked and its decision.
Agency staff decide deletions on their queue page; the admin offers the same service (privacy/admin.py). A
participant asks for a correction of what they may not change themselves; their kecamatan secretariat or agency
staff decide it on theirs."""

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.web import request_user
from core.files import private_bytes_response
from core.pagination import Page, paginate
from core.web import help_line
from partners.selectors import distinct_participants, read_description, reads_in_window, reads_of
from registration.choices import Sex
from registration.forms import kecamatan_choices
from registration.permissions import can_correct
from registration.selectors import participant_of

from . import documents, selectors, services
from .exports import LIST_NAME
from .forms import FIELDS, BreachFilterForm
from .models import CorrectionField, CorrectionRequest, DeletionRequest, Format
from .permissions import (
    can_ask_correction,
    can_ask_deletion,
    can_decide_deletion,
    can_see_corrections,
    can_see_own_data,
    can_use_breach_aid,
)

TRAIL_PER_PAGE = 25
SUBJECTS_PER_PAGE = 50
PARTNERS_TAB = "mitra"


def _owner(request: HttpRequest) -> Any:
    if not can_see_own_data(request.user):
        raise PermissionDenied
    return request_user(request)


@login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    """What the program holds about me, section by section, with the downloads."""
    user = _owner(request)
    return render(request, "privacy/my_data.html", {"dossier": selectors.dossier(user), "help_line": help_line()})


def _download(request: HttpRequest, fmt: Format) -> HttpResponse:
    user = _owner(request)
    made_at = timezone.now()
    if fmt == Format.JSON:
        content, rows = documents.as_json(user, made_at)
        content_type = "application/json"
    else:
        dossier = selectors.dossier(user)
        content, rows, content_type = documents.as_pdf(dossier), dossier.rows, "application/pdf"
    # recorded once the file is made: a download that failed disclosed nothing
    services.data_download_record(fmt=fmt, row_count=rows, acting_user=user)
    stamp = timezone.localtime(made_at).strftime("%Y%m%d-%H%M")
    return private_bytes_response(content, content_type=content_type, filename=f"data-saya-{stamp}.{fmt}")


@login_required
@require_POST
def my_data_json(request: HttpRequest) -> HttpResponse:
    """All of it as JSON (recorded: a download is a disclosure of the whole record)."""
    return _download(request, Format.JSON)


@login_required
@require_POST
def my_data_pdf(request: HttpRequest) -> HttpResponse:
    """All of it as a readable PDF (recorded)."""
    return _download(request, Format.PDF)


@login_required
@require_GET
def trail(request: HttpRequest) -> HttpResponse:
    """Who processed my data: the program's audit trail about me, or (?tab=mitra) the partners' reads; a page at
    a time, never counted whole."""
    user = _owner(request)
    participant = participant_of(user)
    tab = PARTNERS_TAB if request.GET.get("tab") == PARTNERS_TAB else ""
    context: dict[str, Any] = {"participant": participant, "tab": tab, "help_line": help_line()}
    if participant is not None and tab:
        reads = paginate(reads_of(participant), request.GET.get("page"), per_page=TRAIL_PER_PAGE)
        context |= {
            "page": reads,
            "reads": [{"read": read, "what": read_description(read.endpoint)} for read in reads.items],
        }
    elif participant is not None:
        events = paginate(selectors.trail_of(participant), request.GET.get("page"), per_page=TRAIL_PER_PAGE)
        context |= {"page": events, "rows": selectors.trail_rows(events.items, owner=user)}
    return render(request, "privacy/trail.html", context)


@login_required
@require_GET
def breach(request: HttpRequest) -> HttpResponse:
    """The breach-notice aid: whose data a partner, a key or a staff account read in a window (by default the
    last 72 hours), each person with how many times and the first and last time; exportable."""
    if not can_use_breach_aid(request.user):
        raise PermissionDenied
    chosen = bool(request.GET.keys() & set(FIELDS))
    form = BreachFilterForm.with_defaults(request.GET, timezone.now())
    context: dict[str, Any] = {"form": form, "chosen": chosen, "list_name": LIST_NAME}
    status = 200
    if not chosen:
        context["form"] = BreachFilterForm(initial=dict(form.data))  # the defaults shown, nothing asked yet
    elif form.is_valid():
        start, end = form.window()
        account = form.cleaned_data["account"]
        if account is not None:
            # a staff account's window is summed in memory (selectors.touched_by): its page is cut from the sum
            touched = selectors.touched_by(account, start=start, end=end)
            cut: Page[Any] = paginate(touched, request.GET.get("page"), per_page=SUBJECTS_PER_PAGE)  # type: ignore[arg-type]
            people = selectors.participants_touched(cut.items)
            context |= {"page": replace(cut, items=people), "total": len(touched)}
        else:
            found = selectors.subjects_of_partner(
                start=start, end=end, key=form.cleaned_data["key"], organisation=form.cleaned_data["organisation"]
            )
            reads = reads_in_window(
                start=start, end=end, key=form.cleaned_data["key"], organisation=form.cleaned_data["organisation"]
            )
            page = paginate(found, request.GET.get("page"), per_page=SUBJECTS_PER_PAGE)
            context |= {"page": page, "total": distinct_participants(reads)}
        context["account"] = account
    else:
        status = 400
    return render(request, "privacy/breach.html", context, status=status)


# --- deletion -------------------------------------------------------------------------------------------------


def _messages_of(exc: ValidationError) -> list[str]:
    return [str(message) for message in exc.messages]


@login_required
def my_deletion(request: HttpRequest) -> HttpResponse:
    """Ask that the program erase my data, and see where my requests stand."""
    user = request_user(request)
    participant = participant_of(user) if can_ask_deletion(user, None) else None
    if not can_ask_deletion(user, participant):
        raise PermissionDenied
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.deletion_ask(participant=participant, acting_user=user, reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            errors = _messages_of(exc)
        else:
            messages.success(request, _("Your request is sent: agency staff will decide it."))
            return redirect("privacy:my_deletion")
    asked = list(selectors.deletion_requests_of(user)[:TRAIL_PER_PAGE])
    context = {"asked": asked, "open": any(r.is_open for r in asked), "errors": errors, "help_line": help_line()}
    return render(request, "privacy/my_deletion.html", context, status=400 if errors else 200)


def _agency(request: HttpRequest) -> Any:
    if not can_decide_deletion(request.user):
        raise PermissionDenied
    return request_user(request)


def _decision(
    request: HttpRequest, actions: dict[str, tuple[Callable[[str], object], str]], *, unknown: str
) -> list[str]:
    """A decision posted on a request (deletion, correction): the chosen action's service with the note, and its
    confirmation; the errors to show when the service refused it, or when no known action was chosen."""
    chosen = actions.get(request.POST.get("action", ""))
    if chosen is None:
        return [unknown]
    decide, done = chosen
    try:
        decide(request.POST.get("note", ""))
    except ValidationError as exc:
        return _messages_of(exc)
    messages.success(request, done)
    return []


@login_required
@require_GET
def deletion_queue(request: HttpRequest) -> HttpResponse:
    """Agency staff: the deletion requests waiting, oldest first, a page at a time."""
    _agency(request)
    page = paginate(selectors.open_deletion_requests(), request.GET.get("page"), per_page=SUBJECTS_PER_PAGE)
    return render(request, "privacy/deletion_queue.html", {"page": page})


@login_required
def deletion_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Agency staff: one request, the partners that received the data, and the decision (erase or refuse)."""
    staff = _agency(request)
    asked = get_object_or_404(DeletionRequest.objects.select_related("user", "participant__kecamatan"), pk=pk)
    errors: list[str] = []
    if request.method == "POST":
        errors = _decision(
            request,
            {
                "erase": (
                    lambda note: services.participant_erase(request=asked, acting_user=staff, note=note),
                    _("The participant's data is erased."),
                ),
                "refuse": (
                    lambda note: services.deletion_refuse(request=asked, note=note, acting_user=staff),
                    _("The request is refused."),
                ),
            },
            unknown=_("Choose to erase or to refuse."),
        )
        if not errors:
            return redirect("privacy:deletion_decide", pk=asked.pk)
    partners = (
        asked.partners_to_notify
        if not asked.is_open or asked.participant is None
        else services.partners_to_notify(asked.participant)
    )
    context = {"asked": asked, "partners": partners, "errors": errors}
    return render(request, "privacy/deletion_decide.html", context, status=400 if errors else 200)


# --- correction -----------------------------------------------------------------------------------------------


@login_required
def my_correction(request: HttpRequest) -> HttpResponse:
    """Ask that the program correct what I may not change myself (my identity, my kecamatan), and see where my
    requests stand."""
    user = _owner(request)
    participant = participant_of(user)
    errors: list[str] = []
    if request.method == "POST":
        if not can_ask_correction(user, participant):
            raise PermissionDenied
        try:
            services.correction_ask(
                participant=participant,
                field=request.POST.get("field", ""),
                value=request.POST.get("value", ""),
                reason=request.POST.get("reason", ""),
                acting_user=user,
            )
        except ValidationError as exc:
            errors = _messages_of(exc)
        else:
            messages.success(request, _("Your request is sent: your kecamatan secretariat will check it."))
            return redirect("privacy:my_correction")
    current = (
        [(value, label, services.current_value(participant, value)) for value, label in CorrectionField.choices]
        if participant is not None
        else []
    )
    context = {
        "participant": participant,
        "current": current,
        "sexes": Sex.choices,
        "kecamatans": kecamatan_choices() if participant is not None else [],
        "asked": list(selectors.corrections_of(user)[:TRAIL_PER_PAGE]),
        "errors": errors,
        "help_line": help_line(),
    }
    return render(request, "privacy/my_correction.html", context, status=400 if errors else 200)


@login_required
@require_GET
def correction_queue(request: HttpRequest) -> HttpResponse:
    """The secretariat (its kecamatan's) and agency staff (the program's): the corrections waiting, oldest first."""
    if not can_see_corrections(request.user):
        raise PermissionDenied
    found = selectors.open_corrections(request_user(request))
    page = paginate(found, request.GET.get("page"), per_page=SUBJECTS_PER_PAGE)
    return render(request, "privacy/correction_queue.html", {"page": page})


@login_required
def correction_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """One correction request, and the decision: accept (checked against the KTP) or refuse saying why."""
    staff = request_user(request)
    if not can_see_corrections(staff):
        raise PermissionDenied
    asked = get_object_or_404(CorrectionRequest.objects.select_related("participant__kecamatan", "decided_by"), pk=pk)
    if not can_correct(staff, asked.participant):
        raise Http404  # another kecamatan's participant: not said to exist
    errors: list[str] = []
    if request.method == "POST":
        errors = _decision(
            request,
            {
                "apply": (
                    lambda note: services.correction_apply(request=asked, acting_user=staff, note=note),
                    _("The correction is accepted and the participant told."),
                ),
                "refuse": (
                    lambda note: services.correction_refuse(request=asked, note=note, acting_user=staff),
                    _("The request is refused and the participant told."),
                ),
            },
            unknown=_("Choose to accept or to refuse."),
        )
        if not errors:
            return redirect("privacy:correction_decide", pk=asked.pk)
    context = {"asked": asked, "errors": errors}
    return render(request, "privacy/correction_decide.html", context, status=400 if errors else 200)


urls: list[URLPattern] = [
    path("data-saya/isi/", my_data, name="my_data"),
    path("data-saya/isi/json/", my_data_json, name="my_data_json"),
    path("data-saya/isi/pdf/", my_data_pdf, name="my_data_pdf"),
    path("data-saya/riwayat/", trail, name="trail"),
    path("data-saya/hapus/", my_deletion, name="my_deletion"),
    path("data-saya/koreksi/", my_correction, name="my_correction"),
    path("staf/pemberitahuan-kebocoran/", breach, name="breach"),
    path("staf/penghapusan-data/", deletion_queue, name="deletion_queue"),
    path("staf/penghapusan-data/<int:pk>/", deletion_decide, name="deletion_decide"),
    path("staf/koreksi-data/", correction_queue, name="correction_queue"),
    path("staf/koreksi-data/<int:pk>/", correction_decide, name="correction_decide"),
]
