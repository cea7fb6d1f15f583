"""P4 pages of mentors and staff: the queue of open requests, the participants' licences and what each lacks, one
participant's licences, issuing a request, recording a licence held already and correcting one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import permissions as account_permissions
from accounts.web import request_user
from core.pagination import paginate
from core.web import add_service_errors
from registration.models import Participant

from .. import permissions, selectors, services
from ..forms import CorrectForm, IssueForm, ParticipantsFilter, QueueFilter, RecordForm
from ._common import request_or_404


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Open requests by licence type and kecamatan, the longest waiting in its status first, with the count of
    each type (one grouped query)."""
    if not permissions.works_the_queue(request.user):
        raise PermissionDenied
    program_wide = account_permissions.is_program_wide(request.user)
    form = QueueFilter(request.GET, choose_kecamatan=program_wide)
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    kecamatan = data.get("kecamatan")
    kecamatan_id, status = (kecamatan.pk if kecamatan else None), data.get("status") or ""
    requests = selectors.queue(
        request.user, licence_type=data.get("licence_type"), kecamatan_id=kecamatan_id, status=status
    )
    page = paginate(requests if valid else requests.none(), request.GET.get("page"))
    counts = selectors.queue_counts(request.user, kecamatan_id=kecamatan_id, status=status)
    types = [(t, counts.get(t.pk, 0)) for t in form.fields["licence_type"].queryset]  # type: ignore[attr-defined]
    return render(
        request,
        "licensing/queue.html",
        {
            "form": form,
            "page": page,
            "types": types,
            "total": sum(counts.values()),
            "chosen_type": data.get("licence_type"),
            "now": timezone.now(),
        },
        status=200 if valid else 400,
    )


@login_required
@require_GET
def participants(request: HttpRequest) -> HttpResponse:
    """The participants the user follows, each with their licences, open requests and what they still lack."""
    if not permissions.follows_participants(request.user):
        raise PermissionDenied
    form = ParticipantsFilter(request.GET, choose_kecamatan=account_permissions.is_program_wide(request.user))
    valid = form.is_valid()
    kecamatan = form.cleaned_data.get("kecamatan") if valid else None
    today = timezone.localdate()
    found = selectors.followed_participants(
        request.user, kecamatan_id=kecamatan.pk if kecamatan else None, today=today
    )
    page = paginate(found if valid else found.none(), request.GET.get("page"))
    wallets = [selectors.wallet_from(p, today=today) for p in page.items]
    return render(
        request,
        "licensing/participants.html",
        {"form": form, "page": page, "wallets": wallets},
        status=200 if valid else 400,
    )


def _participant(request: HttpRequest, pk: int) -> Participant:
    if not permissions.follows_participants(request.user):
        raise PermissionDenied
    found: Participant = get_object_or_404(
        selectors.participants_in_scope(request.user).select_related("registration", "kecamatan", "business"), pk=pk
    )
    return found


@login_required
@require_GET
def participant(request: HttpRequest, pk: int) -> HttpResponse:
    """One participant's licences, what they lack and every request, for their mentor and staff."""
    person = _participant(request, pk)
    standing = permissions.standing_of(request.user, person)
    return render(
        request,
        "licensing/participant.html",
        {
            "participant": person,
            "wallet": selectors.participant_wallet(person),
            "page": paginate(selectors.requests_of(person), request.GET.get("page")),
            "can_request": permissions.can_request(request.user, person, standing=standing),
            "can_record": permissions.can_record(request.user, person),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Agency staff issue a submitted request: the licence's number, dates and scan."""
    if not permissions.issues_licences(request.user):
        raise PermissionDenied
    licence_request = request_or_404(request, pk)
    decision = permissions.can_issue(request.user, licence_request)
    if not decision:
        messages.error(request, str(decision.reason))
        return redirect("licensing:request", pk=pk)
    form = IssueForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.request_issue(
                    licence_request=licence_request,
                    licence=form.licence(),
                    scan=form.scan_upload(),
                    note=form.cleaned_data["note"],
                    acting_user=request_user(request),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The licence is issued and in the participant's wallet. They are told."))
                return redirect("licensing:request", pk=pk)
        messages.error(request, _("The licence was not saved: see below. A scan must be chosen again."))
    return render(
        request,
        "licensing/licence_form.html",
        {
            "form": form,
            "participant": licence_request.participant,
            "licence_type": licence_request.licence_type,
            "licence_request": licence_request,
            "mode": "issue",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, pk: int) -> HttpResponse:
    """Agency staff record a licence the participant held already, without a request."""
    person = _participant(request, pk)
    decision = permissions.can_record(request.user, person)
    if not decision:
        if decision.code == "not_allowed":
            raise PermissionDenied
        messages.info(request, str(decision.reason))
        return redirect("licensing:participant", pk=pk)
    form = RecordForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.licence_record(
                    participant=person,
                    licence_type=form.cleaned_data["licence_type"],
                    licence=form.licence(),
                    subject=form.cleaned_data["subject"],
                    scan=form.scan_upload(),
                    acting_user=request_user(request),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The licence is recorded in the participant's wallet. They are told."))
                return redirect("licensing:participant", pk=pk)
        messages.error(request, _("The licence was not saved: see below. A scan must be chosen again."))
    return render(
        request,
        "licensing/licence_form.html",
        {"form": form, "participant": person, "mode": "record"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def correct(request: HttpRequest, public_id: str) -> HttpResponse:
    """Agency staff correct a licence's number or dates, or replace its scan."""
    if not permissions.can_correct(request.user):
        raise PermissionDenied
    licence = get_object_or_404(
        selectors.licences_for(request.user).select_related("licence_type", "participant"), public_id=public_id
    )
    form = CorrectForm.of(licence, request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.licence_correct(
                    licence=licence, data=form.licence(), scan=form.scan_upload(), acting_user=request_user(request)
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The licence is corrected."))
                return redirect("licensing:participant", pk=licence.participant_id)
        messages.error(request, _("The licence was not saved: see below. A scan must be chosen again."))
    return render(
        request,
        "licensing/licence_form.html",
        {
            "form": form,
            "participant": licence.participant,
            "licence_type": licence.licence_type,
            "licence": licence,
            "mode": "correct",
        },
        status=400 if request.method == "POST" else 200,
    )
