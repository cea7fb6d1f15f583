"""P1 pages of staff: the verification queue, the participant list and file, and documents."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import ChoiceField
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import permissions
from accounts.permissions import AnyUser
from accounts.web import request_user
from core import audit
from core.files import private_file_response
from core.pagination import paginate
from core.web import error_text

from .. import selectors, services
from ..choices import Decision, Status
from ..documents import ALLOWED_TYPES
from ..filters import NIK_IN_URL, NO_PARTICIPANT_WITH_NIK, NikSearchForm, ParticipantFilter
from ..forms import DecisionForm
from ..links import participant_links
from ..models import USUAL_WAITING_DAYS, Document, Participant, Registration
from ..permissions import (
    can_add_documents,
    can_approve,
    can_decide,
    can_see_participant_list,
    can_view_document,
    can_view_full_nik,
    can_view_history,
    owns_document,
)
from .to_follow import documents_to_follow_form

QUEUE_TABS = [Status.SUBMITTED, Status.NEEDS_FIX, Status.APPROVED, Status.REJECTED]


@dataclass(frozen=True)
class QueueRow:
    registration: Registration
    waited: str  # "3 days", in the user's language
    waiting_too_long: bool


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The verification queue of a secretariat (their kecamatan) or agency staff (all): a count per status tab,
    search by name or reference, how long each has waited, and those waiting too long flagged."""
    if not permissions.can_verify_registrations(request.user):
        raise PermissionDenied
    status = request.GET.get("status", Status.SUBMITTED)
    if status not in Status.values:
        status = Status.SUBMITTED
    search = request.GET.get("q", "").strip()[:150]
    if selectors.looks_like_nik(search):
        messages.warning(request, NIK_IN_URL)
        search = ""
    now = timezone.now()
    counts = selectors.verification_counts(request.user, now=now, search=search)
    page = paginate(selectors.verification_queue(request.user, status=status, search=search), request.GET.get("page"))
    rows = [
        QueueRow(
            registration=r, waited=timesince(r.submitted_at, now, depth=1), waiting_too_long=r.waiting_too_long(now)
        )
        for r in page.items
    ]
    tabs = [{"status": value, "label": Status(value).label, "count": counts[value]} for value in QUEUE_TABS]
    return render(
        request,
        "registration/queue.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "tabs": tabs,
            "search": search,
            "usual_waiting_days": USUAL_WAITING_DAYS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_list(request: HttpRequest) -> HttpResponse:
    """Participants of the user's kecamatan (office staff) or of the whole program (agency staff): search by name
    or reference and filters in the URL; an exact NIK only by POST ("Find by NIK"), never in a URL."""
    if not can_see_participant_list(request.user):
        raise PermissionDenied
    nik_form = NikSearchForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and nik_form.is_valid():
        found = selectors.participant_by_nik(request.user, nik_form.cleaned_data["nik"])
        if found is not None:
            return redirect("registration:participant", pk=found.pk)
        nik_form.add_error("nik", NO_PARTICIPANT_WITH_NIK)
    filters = ParticipantFilter(
        request.GET or None, queryset=selectors.participant_list(request.user), user=request.user
    )
    for problem in filters.rejected:
        messages.error(request, _("This filter was left out: %(problem)s") % {"problem": problem})
    page = paginate(filters.qs, request.GET.get("page"))
    return render(
        request,
        "registration/participant_list.html",
        {"page": page, "filters": filters, "nik_form": nik_form, "filtered": bool(request.GET.keys() - {"page"})},
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A participant's file; a verifier decides on a submitted registration here (POST). Staff see its history."""
    participant = get_object_or_404(selectors.participant_detail(request.user), pk=pk)
    registration: Registration = participant.registration
    decision = can_decide(request.user, registration)
    form = DecisionForm(request.POST or None) if decision else None
    to_follow = to_follow_context(request.user, participant)
    if form is not None and not can_approve(request.user, registration):
        # not approvable until the documents are in (the one rule; services.registration_decide enforces it)
        field = form.fields["decision"]
        assert isinstance(field, ChoiceField)
        field.choices = [c for c in Decision.choices if c[0] != Decision.APPROVE]
    if request.method == "POST":
        if form is None:
            if decision.code in ("not_verifier", "other_office"):
                raise PermissionDenied
            messages.error(request, decision.reason)  # someone else decided a moment ago
            return redirect("registration:participant", pk=pk)
        if form.is_valid():
            try:
                services.registration_decide(
                    registration=registration,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                    acting_user=request_user(request),
                )
            except ValidationError as exc:
                messages.error(request, error_text(exc))
                return redirect("registration:participant", pk=pk)
            messages.success(request, _("Decision saved; the participant is told."))
            return redirect("registration:queue")
        messages.error(request, _("The decision was not saved; see below."))
    history = (
        audit.history_about(participant, restricted=permissions.is_program_wide(request.user))
        if can_view_history(request.user, participant)
        else None
    )
    return render(
        request,
        "registration/participant_detail.html",
        {
            "participant": participant,
            "registration": registration,
            "documents": list(selectors.documents_for(request.user).filter(participant=participant)),
            "decisions": list(registration.decisions.select_related("decided_by")),
            "show_full_nik": can_view_full_nik(request.user, participant),
            "decision_form": form,
            "history": history,
            "links": participant_links(request.user, participant),
            **to_follow,
        },
        status=400 if form is not None and form.is_bound and not form.is_valid() else 200,
    )


def to_follow_context(user: AnyUser, participant: Participant) -> dict[str, Any]:
    """The documents still to bring of a registration made without them (one query, only then), and the form
    to upload them for the office's staff."""
    registration = participant.registration
    if not registration.awaits_documents:
        return {"documents_to_follow": [], "to_follow_form": None}
    form = documents_to_follow_form(participant)
    labels = [field.label for field in form.fields.values()]
    return {
        "documents_to_follow": labels,
        "to_follow_form": form if can_add_documents(user, registration) else None,
    }


@login_required
def document(request: HttpRequest, public_id: str) -> FileResponse:
    """Serve a document to someone allowed to see it; anyone else gets a 404. Staff opening a participant's
    document is recorded in its history (who, which, when). A PDF downloads; an image shows in the page."""
    doc = get_object_or_404(Document.objects.select_related("participant", "draft"), public_id=public_id)
    if not can_view_document(request.user, doc):
        raise Http404
    user = request_user(request)
    if not owns_document(user, doc):
        audit.record_view(doc, user=user)
    return private_file_response(
        doc.file.open("rb"),
        content_type=doc.content_type,
        filename=f"{doc.kind}.{ALLOWED_TYPES.get(doc.content_type, 'bin')}",
    )
