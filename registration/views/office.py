"""P1 at the kecamatan office: a mentor or secretariat member registers a walk-in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.web import request_user
from core.web import add_service_errors_to_forms

from .. import services
from ..choices import DocumentKind
from ..forms import NIK_ERRORS, BusinessForm, DocumentsForm, PersonForm, documents_required_by
from ..permissions import (
    can_register_walk_in,
)


@login_required
@require_http_methods(["GET", "POST"])
def assisted(request: HttpRequest) -> HttpResponse:
    """A mentor or secretariat member registers a walk-in at the kecamatan office."""
    if not can_register_walk_in(request.user):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    office = request_user(request).office_id
    # a walk-in registers at the office of the kecamatan they live in
    person = PersonForm(data, prefix="person", initial={"kecamatan": office, "jakarta_ktp": True}, office_id=office)
    track = data.get("person-track", "") if data else ""
    business = BusinessForm(data, prefix="business", track=track, initial={"kecamatan": office})
    kinds = documents_required_by(person) if data else []
    documents = DocumentsForm(
        data,
        request.FILES or None,
        required_kinds=kinds,
        present=set(),
        offered_kinds=DocumentKind.values,
        prefix="documents",
    )
    if request.method == "POST":
        if person.is_valid() & business.is_valid() & documents.is_valid():
            try:
                registration = services.registration_register_walk_in(
                    person=person.values(),
                    business=business.values(),
                    uploads=documents.uploads(),
                    acting_user=request_user(request),
                )
            except ValidationError as exc:
                add_service_errors_to_forms([person, business, documents], exc, code_fields=NIK_ERRORS)
            else:
                messages.success(
                    request,
                    _("%(name)s is registered with reference %(reference)s.")
                    % {"name": registration.participant.full_name, "reference": registration.reference},
                )
                return redirect("registration:participant", pk=registration.participant_id)
        messages.error(request, _("Some answers need a fix; they are marked below. Files must be chosen again."))
    return render(
        request,
        "registration/assisted.html",
        {"person": person, "business": business, "documents": documents},
    )
