"""P4 pages of participants (and, for a participant, their mentor and staff): my licences, asking for help with
a licence, a request and its moves, a licence's scan."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions as account_permissions
from accounts.web import request_user
from core import audit
from core.files import private_file_response
from core.pagination import paginate
from core.web import add_service_errors, help_line
from registration.documents import ALLOWED_TYPES
from registration.selectors import is_verified, participant_of

from .. import permissions, selectors, services
from ..choices import RequestStatus
from ..forms import REQUEST_ERRORS, MoveForm, RequestForm
from ._common import render_request, request_or_404

MOVED = {
    RequestStatus.DOCUMENTS_COMPLETE: gettext_lazy("Marked: documents complete. The participant is told."),
    RequestStatus.REQUESTED: gettext_lazy("Sent back to collecting documents. The participant is told."),
    RequestStatus.SUBMITTED: gettext_lazy("Marked: submitted to the issuing office. The participant is told."),
    RequestStatus.REFUSED: gettext_lazy("The request is refused. The participant is told why."),
    RequestStatus.WITHDRAWN: gettext_lazy("The request is withdrawn."),
}


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The participant's licences (with their scans), what they still lack, and every request, open ones first."""
    if not account_permissions.is_entrepreneur(request.user):
        raise PermissionDenied
    participant = participant_of(request.user)
    wallet = selectors.participant_wallet(participant) if participant is not None else None
    page = paginate(selectors.requests_of(participant), request.GET.get("page")) if participant is not None else None
    return render(
        request,
        "licensing/mine.html",
        {
            "participant": participant,
            "wallet": wallet,
            "page": page,
            "verified": is_verified(participant),
            "help_line": help_line(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest, participant_pk: int | None = None) -> HttpResponse:
    """Ask for help with a licence: a participant for themself, or their mentor, secretariat or agency staff for
    them (`participant_pk`). A type that needs another first offers to ask for that one too."""
    user = request_user(request)
    if participant_pk is None:
        if not account_permissions.is_entrepreneur(user):
            raise PermissionDenied
        participant = participant_of(user)
        back = reverse("licensing:mine")
        if participant is None:
            messages.info(request, _("Register for JakPreneur first: help with licences comes after."))
            return redirect(back)
    else:
        if not permissions.follows_participants(user):
            raise PermissionDenied
        participant = get_object_or_404(
            selectors.participants_in_scope(user).select_related("registration", "kecamatan"), pk=participant_pk
        )
        back = reverse("licensing:participant", args=[participant.pk])
    decision = permissions.can_request(user, participant)
    if not decision:
        if decision.code == "not_allowed":
            raise PermissionDenied
        messages.info(request, str(decision.reason))
        return redirect(back)
    types = selectors.open_types_for(participant)
    form = RequestForm(request.POST or None, types=types)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                outcome = services.request_create(
                    participant=participant,
                    licence_type=data["licence_type"],
                    subject=data["subject"],
                    note=data["note"],
                    with_prerequisites=bool(data.get("with_prerequisites")),
                    acting_user=user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc, code_fields=REQUEST_ERRORS)
            else:
                made = [r.licence_type.name for r in outcome.prerequisites]
                if made:
                    messages.success(
                        request,
                        _("Requests saved: %(first)s first, then %(type)s. Your mentor will check the documents.")
                        % {"first": ", ".join(made), "type": outcome.request.licence_type.name},
                    )
                else:
                    messages.success(
                        request,
                        _("Request saved: %(type)s. Your mentor will check the documents.")
                        % {"type": outcome.request.licence_type.name},
                    )
                return redirect("licensing:request", pk=outcome.request.pk)
        messages.error(request, _("The request was not saved: see below."))
    return render(
        request,
        "licensing/request_form.html",
        {
            "form": form,
            "participant": participant,
            "types": list(types),
            "own": participant_pk is None,
            "back": back,
            "help_line": help_line(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_request(request, request_or_404(request, pk))


@login_required
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a request (documents complete, back, submitted, refused, withdrawn). A role that may never make the
    move is refused (403); a request whose state changed meanwhile is said so."""
    licence_request = request_or_404(request, pk)
    sent = request.POST.get("target", "")
    form = MoveForm(request.POST, auto_id=f"id_{sent if sent in RequestStatus.values else 'move'}_%s")
    if not form.is_valid():
        messages.error(request, _("The request was not moved: see below."))
        return render_request(request, licence_request, bound=form, status=400)
    target = form.cleaned_data["target"]
    decision = permissions.can_move(request.user, licence_request, target)
    if not decision:
        if decision.code == "not_allowed":
            raise PermissionDenied
        messages.error(request, str(decision.reason))
        return redirect("licensing:request", pk=pk)
    try:
        services.request_move(
            licence_request=licence_request,
            target=target,
            note=form.cleaned_data["note"],
            reason=form.cleaned_data["reason"],
            acting_user=request_user(request),
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        messages.error(request, _("The request was not moved: see below."))
        return render_request(request, licence_request, bound=form, status=400)
    messages.success(request, MOVED[RequestStatus(target)])
    return redirect("licensing:request", pk=pk)


@login_required
@require_GET
def scan(request: HttpRequest, public_id: str) -> FileResponse:
    """Serve a licence's scan to its holder, the staff of their kecamatan (mentors, secretariat) and agency staff;
    anyone else gets a 404. Staff opening it is recorded in the licence's history."""
    licence = get_object_or_404(
        selectors.licences_for(request.user).exclude(scan="").select_related("licence_type", "participant"),
        public_id=public_id,
    )
    user = request_user(request)
    if licence.participant.user_id != user.pk:
        audit.record_view(licence, user=user)
    try:
        stored = licence.scan.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    extension = ALLOWED_TYPES.get(licence.scan_content_type, "bin")
    return private_file_response(
        stored, content_type=licence.scan_content_type, filename=f"izin-{licence.licence_type.code}.{extension}"
    )
