"""The documents still to bring of a registration made from an office's spreadsheet: the office's staff upload
them on the participant's page; once none is missing the registration may be approved."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.web import request_user
from core.web import error_text

from .. import selectors, services
from ..forms import DocumentsForm
from ..models import Participant
from ..permissions import can_add_documents

PREFIX = "follow"


def documents_to_follow_form(participant: Participant, data: object = None, files: object = None) -> DocumentsForm:
    """A file field for each document still to bring (none required: any of them may come first)."""
    missing = participant.missing_documents(participant.documents.values_list("kind", flat=True))
    return DocumentsForm(data, files, required_kinds=[], present=set(), offered_kinds=missing, prefix=PREFIX)


@login_required
@require_POST
def add_documents(request: HttpRequest, pk: int) -> HttpResponse:
    participant = get_object_or_404(selectors.participant_detail(request.user), pk=pk)
    registration = participant.registration
    decision = can_add_documents(request.user, registration)
    if not decision:
        if decision.code in ("not_office_staff", "other_office"):
            raise PermissionDenied
        messages.error(request, decision.reason)
        return redirect("registration:participant", pk=pk)
    form = documents_to_follow_form(participant, request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return redirect("registration:participant", pk=pk)
    try:
        services.registration_documents_add(
            registration=registration, uploads=form.uploads(), acting_user=request_user(request)
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The documents are uploaded."))
    return redirect("registration:participant", pk=pk)
